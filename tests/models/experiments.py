"""What the model tests of the fixture experiments share."""
import json
import pathlib

from allennlp.common import Params
from allennlp.data import DatasetReader, Instance

from jointre_plugins.data.structures import Sentence


def experiment_params(path: pathlib.Path, **model_overrides) -> Params:
    """The fixture experiment at `path`, with `model_overrides` on its model block."""
    return Params.from_file(
        str(path), params_overrides=json.dumps({f"model.{key}": value for key, value in model_overrides.items()})
    )


def instance_of(path: pathlib.Path, gold: Sentence) -> Instance:
    """`gold` read as the fixture experiment at `path` reads its sentences, indexers applied."""
    reader = DatasetReader.from_params(experiment_params(path)["dataset_reader"])
    instance = reader.text_to_instance(list(gold.tokens), gold)
    reader.apply_token_indexers(instance)
    return instance
