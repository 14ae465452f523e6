"""
What a reader had to cut, could not place or found odd while reading one file, so nothing is
lost or accepted silently.
"""
import logging
from collections import Counter
from dataclasses import dataclass

from jointre_plugins.data.structures import Sentence


@dataclass
class ReadReport:
    """
    Counts kept by a reader while it reads one file.

    # Parameters

    path : `str`
        The file being read.
    sentences : `int`
        Sentences read.
    cut_sentences : `int`
        Sentences cut to the maximum length, losing `cut_entities` gold entities and
        `cut_relations` gold relations to the model.
    unplaced_triples : `int`
        CasRel triples whose head or tail is not in the text.
    duplicate_triples : `int`
        Repeated CasRel triples, merged.
    removed_entities : `int`
        Entities removed because they overlap a longer one, with the `removed_relations`
        relations that involve them.
    self_relations : `int`
        Gold relations whose head is their tail (for unplaced triples: the same string), kept.
    duplicate_entities : `int`
        Gold entities listed again with the same span and type (each repetition counts), kept.
    """

    path: str
    sentences: int = 0
    cut_sentences: int = 0
    cut_entities: int = 0
    cut_relations: int = 0
    unplaced_triples: int = 0
    duplicate_triples: int = 0
    removed_entities: int = 0
    removed_relations: int = 0
    self_relations: int = 0
    duplicate_entities: int = 0

    def count(self, sentence: Sentence) -> None:
        """Counts a sentence read, with its self-relations and repeated entities."""
        self.sentences += 1
        self.self_relations += sum(relation.head == relation.tail for relation in sentence.relations)
        self.self_relations += sum(triple.head == triple.tail for triple in sentence.unplaced_relations)
        self.duplicate_entities += len(sentence.entities) - len(Counter(sentence.entities))

    def summary(self) -> str:
        parts = [f"{self.path}: {self.sentences} sentences"]
        if self.cut_sentences:
            parts.append(
                f"{self.cut_sentences} cut to the maximum length, losing {self.cut_entities} "
                f"gold entities and {self.cut_relations} gold relations to the model "
                "(still scored as misses)"
            )
        if self.unplaced_triples:
            parts.append(
                f"{self.unplaced_triples} gold triples whose head or tail is not in the text "
                "(kept, scored as misses)"
            )
        if self.duplicate_triples:
            parts.append(f"{self.duplicate_triples} repeated gold triples merged")
        if self.removed_entities:
            parts.append(
                f"{self.removed_entities} gold entities that overlap a longer one removed with the "
                f"{self.removed_relations} gold relations involving them (neither trained on nor scored)"
            )
        if self.self_relations:
            parts.append(f"{self.self_relations} gold relations whose head is their tail (kept)")
        if self.duplicate_entities:
            parts.append(
                f"{self.duplicate_entities} gold entities listed again with the same span and type (kept)"
            )
        return "; ".join(parts)

    @property
    def anything_lost(self) -> bool:
        """Whether gold was cut, left unplaced, merged or removed."""
        return bool(
            self.cut_sentences or self.unplaced_triples or self.duplicate_triples or self.removed_entities
        )

    @property
    def anything_odd(self) -> bool:
        """Whether the gold holds self-relations or repeated entities, which were kept."""
        return bool(self.self_relations or self.duplicate_entities)

    def log(self, logger: logging.Logger) -> None:
        """Logs the summary, as a warning when anything was lost or odd."""
        level = logging.WARNING if self.anything_lost or self.anything_odd else logging.INFO
        logger.log(level, self.summary())
