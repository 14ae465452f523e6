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

  // The selection recurrent network of Cascade-SRN: tasks entity, subject and object, or two tasks
  // (entity, relation) for table filling (Table-SRN).
  srn(input_dim, hidden_dim=128, tasks=['entity', 'subject', 'object'], bidirectional=false):: {
    type: 'srn',
    input_dim: input_dim,
    hidden_dim: env.size(hidden_dim),
    tasks: tasks,
    bidirectional: bidirectional,
  },

  // Early fusion embeds marked words with copies of the reader's indexers, so it names them.
  cascade_span_extraction(embedding, encoder, fusion, tag_embedding_dim=50, threshold=0.5, chunk_size=32, dropout=0.1):: {
    type: 'cascade_span_extraction',
    text_field_embedder: embedding.text_field_embedder,
    encoder: encoder,
    fusion: fusion,
    tag_embedding_dim: env.size(tag_embedding_dim),
    threshold: threshold,
    chunk_size: chunk_size,
    dropout: dropout,
  } + (if fusion == 'early' then { token_indexers: embedding.token_indexers } else {}),

  // SINET's encoder: task-aware projections and cross-task attention of the sentence agents.
  // The heads stay 4 under JOINTRE_SIZE=tiny, whose transformer width (16) they divide.
  ctam(input_dim, num_heads=4, num_layers=1, attention_dropout=0.2):: {
    type: 'ctam',
    input_dim: input_dim,
    num_heads: num_heads,
    num_layers: num_layers,
    attention_dropout: attention_dropout,
  },

  span_classification(
    embedding, encoder, max_span_width=8, width_embedding_dim=100, relation_threshold=0.5, dropout=0.0
  ):: {
    type: 'span_classification',
    text_field_embedder: embedding.text_field_embedder,
    encoder: encoder,
    max_span_width: max_span_width,
    width_embedding_dim: env.size(width_embedding_dim),
    relation_threshold: relation_threshold,
    dropout: dropout,
  },

  // RIN's encoder: a shared BiLSTM and num_layers interaction layers (0: "w/o interaction").
  rin(input_dim, num_layers, hidden_dim=100):: {
    type: 'rin',
    input_dim: input_dim,
    hidden_dim: env.size(hidden_dim),
    num_layers: num_layers,
  },

  bioes_word_pair(embedding, encoder, pair_hidden_dim=100, threshold=0.5, dropout=0.1):: {
    type: 'bioes_word_pair',
    text_field_embedder: embedding.text_field_embedder,
    encoder: encoder,
    pair_hidden_dim: env.size(pair_hidden_dim),
    threshold: threshold,
    dropout: dropout,
  },

  // Deeper task-specificity's encoder: shared BiRNN layers, then NER- and RE-specific ones.
  stacked_birnn(input_dim, hidden_dim, num_shared_layers, num_entity_layers, num_relation_layers, cell='gru', dropout=0.0):: {
    type: 'stacked_birnn',
    input_dim: input_dim,
    hidden_dim: env.size(hidden_dim),
    num_shared_layers: num_shared_layers,
    num_entity_layers: num_entity_layers,
    num_relation_layers: num_relation_layers,
    cell: cell,
    dropout: dropout,
  },

  crf_pair_scoring(
    embedding,
    encoder,
    tagger_hidden_dim=64,
    tagger_activation='tanh',
    label_embedding_dim=25,
    pair_hidden_dim=128,
    pair_activation='relu',
    relation_dropout=0.5,
    threshold=0.9,
    relation_loss_weight=5,
  ):: {
    type: 'crf_pair_scoring',
    text_field_embedder: embedding.text_field_embedder,
    encoder: encoder,
    tagger_hidden_dim: env.size(tagger_hidden_dim),
    tagger_activation: tagger_activation,
    label_embedding_dim: env.size(label_embedding_dim),
    pair_hidden_dim: env.size(pair_hidden_dim),
    pair_activation: pair_activation,
    relation_dropout: relation_dropout,
    threshold: threshold,
    // The encoder applies the dropout before each of its layers, the first included.
    dropout: 0.0,
    loss_weights: { relation: relation_loss_weight },
  },
}
