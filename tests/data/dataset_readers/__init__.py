from pathlib import Path
from typing import List

from allennlp.data.fields import TextField

from jointre_plugins.data.dataset_readers import JointExtractionReader
from jointre_plugins.data.structures import Sentence


def read_gold(reader: JointExtractionReader, path: Path) -> List[Sentence]:
    """
    The gold sentence of every instance `reader` reads from `path`, after checking that each
    instance has the two fields every model relies on and that, with no `max_length`, the model's
    words, the metadata words and the gold tokens are the same.
    """
    sentences = []
    for number, instance in enumerate(reader.read(path)):
        assert set(instance.fields) == {"tokens", "metadata"}, f"instance {number}: {instance.fields}"
        text_field = instance["tokens"]
        assert isinstance(text_field, TextField), f"instance {number}: {type(text_field)}"
        words = [token.text for token in text_field.tokens]
        gold = instance["metadata"]["gold"]
        assert isinstance(gold, Sentence), f"instance {number}: gold is {gold!r}"
        assert instance["metadata"]["tokens"] == words == list(gold.tokens), f"instance {number}: {words}"
        sentences.append(gold)
    return sentences
