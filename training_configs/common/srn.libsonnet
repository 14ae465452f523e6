// Cascade-SRN (paper 000): the selection recurrent network under cascade span extraction with
// early or late fusion, and Table-SRN (appendix G), the two-task SRN under table filling. The
// paper's hyperparameters for each corpus, and the experiments a leaf config builds from them.
local corpora = import 'corpora.libsonnet';
local embeddings = import 'embeddings.libsonnet';
local env = import 'env.libsonnet';
local experiment = import 'experiment.libsonnet';
local models = import 'models.libsonnet';

// Appendix D. "Gradient clipping" without a value: the norm clipped at 1, as the other systems.
// The paper validates every 100 steps; AllenNLP validates after every epoch.
local paper = {
  optimizer: 'adam',
  lr: 1e-5,
  epochs: 100,
  batch_size: 8,
  // No warm-up or decay: a constant learning rate.
  warmup_fraction: null,
  // The paper does not cut sentences; 128 words holds every sentence of its corpora.
  max_length: 128,
  // "The best sum of NER F1 score and RE F1 score on the validation set".
  validation_metric: ['+ner_f1', '+rel_strict_f1'],
  // On the embedded words; the paper does not say.
  dropout: 0.1,
  // Table-SRN only: eq. 11 of MGE's table filling, every cell predicted from probability 0.5.
  relation_threshold: 0.5,
};

{
  local root = self,

  // One entry per corpus of the paper, and CoNLL04, which it does not use, with bert-base-cased.
  paper_hyperparameters:: {
    ace05: paper { transformer: 'albert-xxlarge-v1' },
    scierc: paper { transformer: 'allenai/scibert_scivocab_uncased' },
    conll04: paper { transformer: 'bert-base-cased' },
  },

  // JOINTRE_PROFILE=cpu: MGE's short-budget recipe (see mge.libsonnet), which the accuracy study
  // found for the offline MiniLM on a CPU: batch 4, the transformer at 1e-4 and the rest at 1e-3
  // with warm-up and decay, dropout 0.3, 15 epochs (10 on SciERC).
  cpu_profile:: {
    local cpu = { lr: 1e-4, head_lr: 1e-3, batch_size: 4, epochs: 15, dropout: 0.3, warmup_fraction: 0.1 },
    ace05: cpu,
    scierc: cpu { epochs: 10 },
    conll04: cpu,
  },

  // The table the experiments read: the paper's, under JOINTRE_PROFILE=cpu with the profile on
  // top. A leaf that changes it (`srn { hyperparameters+:: { conll04+: {...} } }`) wins under both.
  hyperparameters:: {
    [corpus]: root.paper_hyperparameters[corpus] + (if env.cpu_profile then root.cpu_profile[corpus] else {})
    for corpus in std.objectFields(root.paper_hyperparameters)
  },

  local input(hyperparameters, embedding) =
    if embedding == null then embeddings.transformer(hyperparameters.transformer) else embedding,

  // Cascade-SRN on a corpus (a key of corpora.libsonnet) with fusion 'late' or 'early'. model
  // overrides the model block, e.g. { encoder+: { bidirectional: true } } for the BiSRN ablation.
  cascade(corpus, fusion, embedding=null, model={})::
    local hyperparameters = self.hyperparameters[corpus];
    local words = input(hyperparameters, embedding);
    local cascade = models.cascade_span_extraction(
      words, models.srn(words.output_dim), fusion, dropout=hyperparameters.dropout
    );
    experiment.experiment(corpora[corpus], words, cascade + model, hyperparameters),

  // Table-SRN: the two-task SRN (entity, relation) under table filling.
  table(corpus, embedding=null)::
    local hyperparameters = self.hyperparameters[corpus];
    local words = input(hyperparameters, embedding);
    local model = models.table_filling(
      words,
      models.srn(words.output_dim, tasks=['entity', 'relation']),
      relation_threshold=hyperparameters.relation_threshold,
      dropout=hyperparameters.dropout,
    );
    experiment.experiment(corpora[corpus], words, model, hyperparameters),
}
