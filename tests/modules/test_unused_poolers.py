from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder
from allennlp.modules.token_embedders import Embedding, PretrainedTransformerMismatchedEmbedder

from jointre_plugins.modules.unused_poolers import remove_unused_poolers
from tests.conftest import FIXTURES


def test_removes_the_pooler_of_each_transformer_once():
    embedder = BasicTextFieldEmbedder(
        {
            "tokens": PretrainedTransformerMismatchedEmbedder(str(FIXTURES / "tiny_bert"), load_weights=False),
            "words": Embedding(embedding_dim=3, num_embeddings=5),
        }
    )
    transformer = embedder.token_embedder_tokens._matched_embedder.transformer_model
    assert transformer.pooler is not None
    assert remove_unused_poolers(embedder) == 1
    assert transformer.pooler is None
    assert not any("pooler" in name for name, _ in embedder.named_parameters())
    assert remove_unused_poolers(embedder) == 0
