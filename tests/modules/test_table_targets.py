import torch
from allennlp.data import Vocabulary

from jointre_plugins.data.structures import Entity, Relation, Sentence
from jointre_plugins.modules.table_targets import table_targets


def vocabulary() -> Vocabulary:
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["Peop", "Loc"], "entity_labels")
    vocab.add_tokens_to_namespace(["Live_In"], "relation_labels")
    return vocab


def test_entities_fill_span_cells_and_relations_fill_start_word_cells():
    gold = Sentence(
        tokens=("John", "Smith", "lives", "in", "New", "York", "."),
        entities=(Entity(0, 2, "Peop"), Entity(4, 6, "Loc")),
        relations=(Relation(0, 1, "Live_In"),),
    )
    entities, relations = table_targets([gold], 7, vocabulary())
    assert entities.shape == (1, 7, 7, 2) and relations.shape == (1, 7, 7, 1)
    assert entities.nonzero().tolist() == [[0, 0, 1, 0], [0, 4, 5, 1]]
    assert relations.nonzero().tolist() == [[0, 0, 4, 0]]


def test_gold_beyond_the_cut_has_no_cell():
    gold = Sentence(
        tokens=("John", "lives", "in", "New", "York"),
        entities=(Entity(0, 1, "Peop"), Entity(3, 5, "Loc")),
        relations=(Relation(0, 1, "Live_In"),),
    )
    entities, relations = table_targets([gold], 4, vocabulary())
    assert entities.nonzero().tolist() == [[0, 0, 0, 0]]
    assert torch.all(relations == 0)


def test_gold_of_a_type_the_vocabulary_lacks_has_no_cell():
    gold = Sentence(
        tokens=("John", "lives", "in", "Rome"),
        entities=(Entity(0, 1, "Peop"), Entity(3, 4, "City")),
        relations=(Relation(0, 1, "Live_In"), Relation(0, 1, "Born_In")),
    )
    entities, relations = table_targets([gold], 4, vocabulary())
    assert entities.nonzero().tolist() == [[0, 0, 0, 0]]
    assert relations.nonzero().tolist() == [[0, 0, 3, 0]]
