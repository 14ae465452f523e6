from jointre_plugins.embedders.offline_transformer_mismatched_embedder import (
    OfflineTransformerMismatchedEmbedder,
)
from jointre_plugins.embedders.offline_transformer_mismatched_indexer import (
    OfflineTransformerMismatchedIndexer,
)
from jointre_plugins.embedders.packaged_glove_embedding import PackagedGloveEmbedding
