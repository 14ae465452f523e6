// Encoder and model blocks, as functions of the embedding; every size goes through env.size, so
// that JOINTRE_SIZE=tiny shrinks it.
local env = import 'env.libsonnet';

{
  mge(input_dim, hidden_dim=300):: {
    type: 'mge',
    input_dim: input_dim,
    hidden_dim: env.size(hidden_dim),
  },

  table_filling(embedding, encoder, table_hidden_dim=300, threshold=0.5, relation_threshold=0.5, dropout=0.1):: {
    type: 'table_filling',
    text_field_embedder: embedding.text_field_embedder,
    encoder: encoder,
    table_hidden_dim: env.size(table_hidden_dim),
    threshold: threshold,
    relation_threshold: relation_threshold,
    dropout: dropout,
  },
}
