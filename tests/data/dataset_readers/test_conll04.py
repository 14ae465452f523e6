from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers import Conll04Reader
from tests.data import DATA_FIXTURES, SPERT_SAMPLE
from tests.data.dataset_readers import read_gold


def test_registered_as_conll04() -> None:
    assert DatasetReader.by_name("conll04") is Conll04Reader


def test_reads_exact_tokens_spans_and_labels() -> None:
    gold = read_gold(Conll04Reader(), DATA_FIXTURES / "spert" / "sample.json")
    assert tuple(gold) == SPERT_SAMPLE
    # Two relations in one sentence share the multi-word head "Maria Lopez".
    first = gold[0]
    tails = [(relation.type, first.tokens[first.entities[relation.tail].start]) for relation in first.relations]
    assert tails == [("Work_For", "Acme"), ("Live_In", "Boston")]
