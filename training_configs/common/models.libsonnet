// Encoder and model blocks, as functions of the embedding size.
{
  mge(input_dim, hidden_dim=300, gates={}):: {
    type: 'mge',
    input_dim: input_dim,
    hidden_dim: hidden_dim,
  } + gates,

  table_filling(transformer, encoder, table_hidden_dim=300):: {
    type: 'table_filling',
    text_field_embedder: transformer.text_field_embedder,
    encoder: encoder,
    table_hidden_dim: table_hidden_dim,
    threshold: 0.5,
    dropout: 0.1,
  },
}
