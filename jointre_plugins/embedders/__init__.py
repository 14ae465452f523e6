from jointre_plugins.embedders.offline_transformer_mismatched_embedder import (
    OfflineTransformerMismatchedEmbedder,
)
from jointre_plugins.embedders.offline_transformer_mismatched_indexer import (
    OfflineTransformerMismatchedIndexer,
)
from jointre_plugins.embedders.packaged_glove_embedding import PackagedGloveEmbedding
from jointre_plugins.embedders.casing_embedding import CasingOneHotEmbedding
from jointre_plugins.embedders.casing_indexer import CasingIndexer
