"""
Reader for ADE.
"""
from typing import Iterator

from allennlp.data import DatasetReader

from jointre_plugins.data.dataset_readers.format_readers import SpertFormatReader
from jointre_plugins.data.read_report import ReadReport
from jointre_plugins.data.structures import Sentence


@DatasetReader.register("ade")
class AdeReader(SpertFormatReader):
    """
    Reads one fold of ADE in SpERT's JSON conversion. The fold is chosen by the path, e.g.
    `ade/split_3_train.json`.

    The conversion keeps the entities that overlap another one: 120 overlapping pairs in the
    corpus (the train and test files of any fold together), each a drug inside a longer adverse
    effect, as "lead" in "lead toxicity". By default they are read as they are, so a model that
    cannot represent them is scored with them as misses.

    Registered as a `DatasetReader` with name "ade".

    # Parameters

    remove_overlapping_entities : `bool`, optional (default = `False`)
        Remove them as Crone (2020, "Deeper Task-Specificity Improves Joint Entity and Relation
        Extraction") does, following earlier BIOES tagging work: of two overlapping entities the
        longer is kept (of two as long, which the paper leaves open and ADE does not hold, the
        first listed), and the relations that involve a removed entity are removed too. The
        removed gold is then neither trained on nor scored, so scores are not comparable with
        those on the whole gold; the removals are counted in the read report.
    **kwargs
        See `JointExtractionReader`.
    """

    corpus_name = "ADE"
    how_to_obtain = (
        "Download the ten ADE folds with scripts/fetch_datasets.sh of SpERT "
        "(https://github.com/lavis-nlp/spert)."
    )

    def __init__(self, remove_overlapping_entities: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self._remove_overlapping_entities = remove_overlapping_entities

    def parse(self, path: str, report: ReadReport) -> Iterator[Sentence]:
        for sentence in super().parse(path, report):
            if self._remove_overlapping_entities:
                kept = sentence.without_overlapping_entities()
                report.removed_entities += len(sentence.entities) - len(kept.entities)
                report.removed_relations += len(sentence.relations) - len(kept.relations)
                sentence = kept
            yield sentence
