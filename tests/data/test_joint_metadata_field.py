from collections import defaultdict
from typing import Dict

from allennlp.data import Instance, Token, Vocabulary
from allennlp.data.fields import TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer

from jointre_plugins.data.joint_metadata_field import JointMetadataField
from jointre_plugins.labels import ENTITY_LABELS, RELATION_LABELS
from jointre_plugins.data.structures import Entity, Relation, Sentence, UnplacedRelation

GOLD = Sentence(
    tokens=("Ann", "and", "Bo", "live", "in", "Rome", "."),
    entities=(Entity(0, 1, "Peop"), Entity(2, 3, "Peop"), Entity(5, 6, "Loc")),
    relations=(Relation(0, 2, "Live_In"), Relation(1, 2, "Live_In")),
    unplaced_relations=(UnplacedRelation("Cy", "Oslo", "Work_For", "Peop", "Org"),),
)


def _counter() -> Dict[str, Dict[str, int]]:
    return defaultdict(lambda: defaultdict(int))


def test_metadata_holds_the_words_as_a_list_and_the_gold() -> None:
    field = JointMetadataField(("Ann", "and", "Bo"), GOLD)
    assert field["tokens"] == ["Ann", "and", "Bo"]
    assert field["gold"] is GOLD


def test_count_vocab_items_counts_entity_and_relation_types_including_unplaced_triples() -> None:
    counter = _counter()
    JointMetadataField(GOLD.tokens, GOLD).count_vocab_items(counter)
    assert set(counter) == {ENTITY_LABELS, RELATION_LABELS}
    assert dict(counter[ENTITY_LABELS]) == {"Peop": 3, "Loc": 1, "Org": 1}
    assert dict(counter[RELATION_LABELS]) == {"Live_In": 2, "Work_For": 1}


def test_count_vocab_items_without_gold_counts_nothing() -> None:
    counter = _counter()
    JointMetadataField(["Ann"]).count_vocab_items(counter)
    assert dict(counter) == {}


def test_empty_field_has_no_words_and_no_gold() -> None:
    empty = JointMetadataField(GOLD.tokens, GOLD).empty_field()
    assert isinstance(empty, JointMetadataField)
    assert (empty["tokens"], empty["gold"]) == ([], None)


def test_vocabulary_from_instances_knows_every_label_without_padding_or_unknown() -> None:
    instance = Instance(
        {
            "tokens": TextField([Token(word) for word in GOLD.tokens], {"tokens": SingleIdTokenIndexer()}),
            "metadata": JointMetadataField(GOLD.tokens, GOLD),
        }
    )
    vocab = Vocabulary.from_instances([instance])
    # Label namespaces must be unpadded so that label index 0 is a real label, not padding.
    assert set(vocab.get_token_to_index_vocabulary(ENTITY_LABELS)) == {"Peop", "Loc", "Org"}
    assert set(vocab.get_token_to_index_vocabulary(RELATION_LABELS)) == {"Live_In", "Work_For"}
    assert vocab.get_token_index("Peop", ENTITY_LABELS) == 0
    assert vocab.get_vocab_size("tokens") == len(set(GOLD.tokens)) + 2
