import pytest
import torch
from allennlp.common.checks import ConfigurationError

from jointre_plugins.modules.range_pooling import RangePooler


def every_range(batch_size: int, num_tokens: int):
    rows = [
        (sentence, start, end)
        for sentence in range(batch_size)
        for start in range(num_tokens + 1)
        for end in range(start, num_tokens + 1)
    ]
    return [torch.tensor(column) for column in zip(*rows)]


@pytest.mark.parametrize("num_tokens", [1, 2, 3, 5, 8, 9, 17])
@pytest.mark.parametrize("mode", ["max", "sum", "mean"])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_every_range_pools_as_its_words_do(num_tokens, mode, requires_grad):
    torch.manual_seed(num_tokens)
    features = torch.randn(2, num_tokens, 3, dtype=torch.float64, requires_grad=requires_grad)
    sentences, starts, ends = every_range(2, num_tokens)
    pooled = RangePooler(features, mode)(sentences, starts, ends)
    assert pooled.shape == (len(starts), 3)
    for row, (sentence, start, end) in enumerate(zip(sentences.tolist(), starts.tolist(), ends.tolist())):
        words = features[sentence, start:end]
        if start == end:
            expected = torch.zeros(3, dtype=torch.float64)
        else:
            expected = {"max": words.max(dim=0).values, "sum": words.sum(dim=0), "mean": words.mean(dim=0)}[mode]
        assert torch.allclose(pooled[row], expected), (sentence, start, end)


def test_indices_of_any_shape_give_that_shape_of_vectors():
    features = torch.arange(12.0).view(1, 4, 3)
    starts, ends = torch.tensor([[0, 1], [2, 3]]), torch.tensor([[4, 2], [2, 4]])
    pooled = RangePooler(features, "max")(torch.zeros(2, 2, dtype=torch.long), starts, ends)
    assert pooled.tolist() == [[[9.0, 10.0, 11.0], [3.0, 4.0, 5.0]], [[0.0, 0.0, 0.0], [9.0, 10.0, 11.0]]]


def test_the_maximum_sends_its_gradient_to_the_word_that_holds_it():
    features = torch.tensor([[[1.0], [5.0], [2.0], [4.0], [3.0]]], requires_grad=True)
    RangePooler(features, "max")(torch.tensor([0]), torch.tensor([2]), torch.tensor([5])).sum().backward()
    assert features.grad.flatten().tolist() == [0.0, 0.0, 0.0, 1.0, 0.0]


def test_an_unknown_mode_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="pooling must be one of"):
        RangePooler(torch.zeros(1, 2, 3), "min")


@pytest.mark.parametrize("mode", ["max", "sum", "mean"])
@pytest.mark.parametrize("max_range", [1, 3, 4, 8])
def test_a_bounded_pooler_pools_ranges_up_to_its_bound_as_the_whole_one(mode, max_range):
    torch.manual_seed(max_range)
    features = torch.randn(2, 9, 3)
    sentences, starts, ends = every_range(2, 9)
    short = ends - starts <= max_range
    bounded = RangePooler(features, mode, max_range)(sentences[short], starts[short], ends[short])
    assert torch.equal(bounded, RangePooler(features, mode)(sentences[short], starts[short], ends[short]))
    with pytest.raises(ValueError, match=f"a range of 9 words, above the pooler's max_range {max_range}"):
        RangePooler(features, mode, max_range)(sentences, starts, ends)


def test_a_bounded_max_pooler_builds_only_the_levels_its_ranges_read():
    features = torch.randn(1, 100, 2)
    # Levels of widths 1, 2, 4, 8 for ranges of at most 8 words; up to 64 without a bound.
    assert RangePooler(features, "max", 8)._table.shape == (1, 4 * 100, 2)
    assert RangePooler(features, "max")._table.shape == (1, 7 * 100, 2)


@pytest.mark.parametrize("mode", ["max", "sum", "mean"])
@pytest.mark.parametrize("max_range", [None, 4])
def test_gradients_are_those_of_pooling_each_range_directly(mode, max_range):
    torch.manual_seed(5)
    features = torch.randn(2, 9, 3, dtype=torch.float64, requires_grad=True)
    sentences, starts, ends = every_range(2, 9)
    if max_range is not None:
        short = ends - starts <= max_range
        sentences, starts, ends = sentences[short], starts[short], ends[short]
    weights = torch.randn(len(starts), 3, dtype=torch.float64)
    (RangePooler(features, mode, max_range)(sentences, starts, ends) * weights).sum().backward()
    pooled = RangePooler(features, mode, max_range)(sentences, starts, ends)
    ours = features.grad.clone()
    features.grad = None
    direct = []
    for sentence, start, end in zip(sentences.tolist(), starts.tolist(), ends.tolist()):
        words = features[sentence, start:end]
        if start == end:
            direct.append(torch.zeros(3, dtype=torch.float64))
        else:
            direct.append({"max": words.max(dim=0).values, "sum": words.sum(dim=0), "mean": words.mean(dim=0)}[mode])
    (torch.stack(direct) * weights).sum().backward()
    assert torch.allclose(pooled, torch.stack(direct))
    assert torch.allclose(ours, features.grad)
