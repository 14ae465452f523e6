// SINET (paper 002): CTAM, the task-aware projections and cross-task attention of the sentence
// agents, under span classification with SpERT's negative sampling. The paper's hyperparameters
// for each corpus, and the experiment a leaf config builds from them.
local corpora = import 'corpora.libsonnet';
local embeddings = import 'embeddings.libsonnet';
local env = import 'env.libsonnet';
local experiment = import 'experiment.libsonnet';
local models = import 'models.libsonnet';

// Section 4.2: batch 20 and lr 2e-5 (SciERC: 4 and 1e-5), 100 epochs. The paper names no
// optimizer, schedule or clipping: AdamW without weight decay, SpERT's linear warm-up over the
// first tenth then linear decay, and the gradient norm clipped at 1, as the other systems here.
local paper = {
  lr: 2e-5,
  epochs: 100,
  batch_size: 20,
  warmup_fraction: 0.1,
  // Sentences cut at 128 words, as the other systems here (CoNLL04's longest has 114, SciERC's 101).
  max_length: 128,
  // "NER F1 + relation strict F1", as the other systems here; the paper does not say.
  validation_metric: ['+ner_f1', '+rel_strict_f1'],
  // The paper's dropouts are CTAM's (0.2) and the classifiers' (0.1); none on the embedded words.
  dropout: 0.0,
  relation_threshold: 0.5,
};

{
  local root = self,

  // CoNLL04, which the paper does not use, takes its "others" values with bert-base-cased.
  paper_hyperparameters:: {
    ace04: paper { transformer: 'bert-base-cased' },
    ace05: paper { transformer: 'albert-xxlarge-v1' },
    scierc: paper { transformer: 'allenai/scibert_scivocab_cased', batch_size: 4, lr: 1e-5 },
    conll04: paper { transformer: 'bert-base-cased' },
  },

  // JOINTRE_PROFILE=cpu: MGE's short-budget recipe (mge.libsonnet), which the accuracy study found
  // for the offline MiniLM on a CPU: batch 4, the transformer at 1e-4 and the rest at 1e-3,
  // dropout 0.3 on the embedded words, 15 epochs (10 on SciERC).
  cpu_profile:: {
    local cpu = { lr: 1e-4, head_lr: 1e-3, batch_size: 4, epochs: 15, dropout: 0.3 },
    ace04: cpu,
    ace05: cpu,
    scierc: cpu { epochs: 10 },
    conll04: cpu,
  },

  // The table experiment() reads: the paper's, under JOINTRE_PROFILE=cpu with the profile on top.
  // A leaf that changes it (`sinet { hyperparameters+:: { conll04+: {...} } }`) wins under both.
  hyperparameters:: {
    [corpus]: root.paper_hyperparameters[corpus] + (if env.cpu_profile then root.cpu_profile[corpus] else {})
    for corpus in std.objectFields(root.paper_hyperparameters)
  },

  // corpus: a key of corpora.libsonnet. model overrides the model block, e.g.
  // { encoder+: { cross_task_attention: ['entity'] } } for table 4's +TAP+CTAM_NER (README).
  experiment(corpus, embedding=null, model={})::
    local hyperparameters = self.hyperparameters[corpus];
    local input =
      if embedding == null then embeddings.transformer(hyperparameters.transformer) else embedding;
    local sinet = models.span_classification(
      input,
      models.ctam(input.output_dim),
      relation_threshold=hyperparameters.relation_threshold,
      dropout=hyperparameters.dropout,
    );
    experiment.experiment(corpora[corpus], input, sinet + model, hyperparameters),
}
