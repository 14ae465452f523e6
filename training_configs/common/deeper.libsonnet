// Deeper task-specificity (paper 004): shared and task-specific BiGRU stacks under BIO-CRF tagging
// and DISTMULT pair scoring, on frozen contextual vectors, GloVe, a character BiGRU and casing.
// The paper's hyperparameters for each corpus (table 1, section 3.4), its table-3 ablations, and
// the experiment a leaf config builds from them.
local corpora = import 'corpora.libsonnet';
local embeddings = import 'embeddings.libsonnet';
local env = import 'env.libsonnet';
local experiment = import 'experiment.libsonnet';
local models = import 'models.libsonnet';

// The paper names no schedule, clipping, sentence cut or epoch count: a constant rate, the
// gradient norm clipped at 1 as the other systems here, no cut; the epochs are this project's
// choice (CoNLL04 selects the best epoch on dev; ADE, without a dev file, keeps the last).
local paper = {
  lr: 5e-4,
  warmup_fraction: null,
  max_length: null,
  cell: 'gru',
  num_shared_layers: 1,
  num_entity_layers: 1,
  pair_activation: 'relu',
  relation_dropout: 0.5,
  threshold: 0.9,
  relation_loss_weight: 5,
};

{
  local root = self,

  // Table 1.
  paper_hyperparameters:: {
    conll04: paper {
      optimizer: 'nadam',
      batch_size: 2,
      epochs: 100,
      hidden_dim: 256,
      num_relation_layers: 2,
      tagger_activation: 'tanh',
      dropout: 0.35,
      validation_metric: ['+ner_f1', '+rel_strict_f1'],
    },
    ade: paper {
      optimizer: 'adam',
      batch_size: 16,
      epochs: 40,
      hidden_dim: 128,
      num_relation_layers: 1,
      tagger_activation: 'relu',
      dropout: 0.5,
      validation_metric: ['+ner_f1', '+rel_strict_f1'],
    },
  },

  hyperparameters:: root.paper_hyperparameters,

  // Table 3: the task-specific layers taken away, and as many shared layers added, so that the
  // parameters stay the same (every layer after the first shared one has the same size).
  ablations:: {
    none: function(layers) layers,
    no_ner_specific: function(layers) layers {
      num_shared_layers: layers.num_shared_layers + layers.num_entity_layers,
      num_entity_layers: 0,
    },
    no_re_specific: function(layers) layers {
      num_shared_layers: layers.num_shared_layers + layers.num_relation_layers,
      num_relation_layers: 0,
    },
    no_task_specific: function(layers) layers {
      num_shared_layers: layers.num_shared_layers + layers.num_entity_layers + layers.num_relation_layers,
      num_entity_layers: 0,
      num_relation_layers: 0,
    },
  },

  // Eq. 1: contextual vectors (the offline MiniLM frozen, a scalar mix of its layers; ELMo when
  // JOINTRE_ELMO_OPTIONS and JOINTRE_ELMO_WEIGHTS name its files, as in the paper), GloVe (frozen:
  // the paper trains every other input), a character BiGRU of 32 and the casing one-hot.
  input:: embeddings.concatenated([
    if (env.elmo_options == '') != (env.elmo_weights == '') then
      error 'JOINTRE_ELMO_OPTIONS and JOINTRE_ELMO_WEIGHTS name an ELMo together: set both or neither'
    else if env.elmo_options != '' then embeddings.elmo(env.elmo_options, env.elmo_weights, env.elmo_dim)
    else embeddings.transformer('offline', key='contextual', frozen_mix=true),
    embeddings.glove(file=if env.glove_file == '' then null else env.glove_file, dim=env.glove_dim, trainable=false),
    embeddings.character_birnn(hidden_dim=32),
    embeddings.casing,
  ]),

  // corpus: a key of corpora.libsonnet; ablation: a key of `ablations`; model overrides the model
  // block.
  experiment(corpus, ablation='none', embedding=null, model={})::
    local hyperparameters = self.hyperparameters[corpus];
    local input = if embedding == null then root.input else embedding;
    local layers = root.ablations[ablation](hyperparameters);
    local encoder = models.stacked_birnn(
      input.output_dim,
      hyperparameters.hidden_dim,
      layers.num_shared_layers,
      layers.num_entity_layers,
      layers.num_relation_layers,
      cell=hyperparameters.cell,
      dropout=hyperparameters.dropout,
    );
    local scheme = models.crf_pair_scoring(
      input,
      encoder,
      tagger_activation=hyperparameters.tagger_activation,
      pair_activation=hyperparameters.pair_activation,
      relation_dropout=hyperparameters.relation_dropout,
      threshold=hyperparameters.threshold,
      relation_loss_weight=hyperparameters.relation_loss_weight,
    );
    local corpus_options = if corpus == 'ade' then { reader_options+: { remove_overlapping_entities: true } } else {};
    experiment.experiment(corpora[corpus] + corpus_options, input, scheme + model, hyperparameters),
}
