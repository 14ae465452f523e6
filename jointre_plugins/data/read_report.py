"""
What a reader had to cut or could not place while reading one file, so nothing is lost silently.
"""
import logging
from dataclasses import dataclass


@dataclass
class ReadReport:
    """
    Counts kept by a reader while it reads one file.

    # Parameters

    path : `str`
        The file being read.
    """

    path: str
    sentences: int = 0
    cut_sentences: int = 0
    cut_entities: int = 0
    cut_relations: int = 0
    unplaced_triples: int = 0
    duplicate_triples: int = 0

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
        return "; ".join(parts)

    @property
    def anything_lost(self) -> bool:
        return bool(self.cut_sentences or self.unplaced_triples or self.duplicate_triples)

    def log(self, logger: logging.Logger) -> None:
        """Logs the summary, as a warning when anything was cut, unplaced or merged."""
        logger.log(logging.WARNING if self.anything_lost else logging.INFO, self.summary())
