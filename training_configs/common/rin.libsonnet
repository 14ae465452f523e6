// RIN (paper 003): the recurrent interaction network under BIOES tagging and word-pair
// classification, on GloVe and part-of-speech embeddings. The paper's hyperparameters for each
// corpus (table 3), and the experiment a leaf config builds from them.
local corpora = import 'corpora.libsonnet';
local embeddings = import 'embeddings.libsonnet';
local env = import 'env.libsonnet';
local experiment = import 'experiment.libsonnet';
local models = import 'models.libsonnet';

// Adam, batch 50, input dropout 0.1. The paper names no schedule, clipping or sentence cut:
// a constant rate, the gradient norm clipped at 1 as the other systems here, no cut.
local paper = {
  optimizer: 'adam',
  batch_size: 50,
  warmup_fraction: null,
  max_length: null,
  dropout: 0.1,
};

// Model selection on the relation F1 of the corpus's own match (the paper: "manually tuned on the
// development set"): Partial Match on the starred corpora, Exact Match on the others.
local partial = { validation_metric: '+rel_partial_f1' };
local exact = { validation_metric: '+rel_f1' };

{
  local root = self,

  // K interaction layers, lr and epochs per corpus (table 3). CoNLL04, which the paper does not
  // use, takes WebNLG's Exact Match values (K = 3 of a corpus of similar size) and is selected on
  // NER F1 + strict relation F1 as the other systems' CoNLL04 configs.
  paper_hyperparameters:: {
    nyt_star: paper + partial { num_layers: 4, lr: 1e-3, epochs: 100 },
    nyt: paper + exact { num_layers: 7, lr: 1e-3, epochs: 100 },
    webnlg_star: paper + partial { num_layers: 2, lr: 5e-4, epochs: 150 },
    webnlg: paper + exact { num_layers: 3, lr: 5e-4, epochs: 150 },
    conll04: paper { num_layers: 3, lr: 5e-4, epochs: 150, validation_metric: ['+ner_f1', '+rel_strict_f1'] },
  },

  hyperparameters:: root.paper_hyperparameters,

  // GloVe (JOINTRE_GLOVE names the paper's 100-d file; empty takes the packaged 50-d vectors) and
  // 10-d part-of-speech embeddings; `embedding` replaces both (e.g. the offline transformer).
  input:: embeddings.glove(
    file=if env.glove_file == '' then null else env.glove_file, dim=env.glove_dim, pos_dim=10
  ),

  // corpus: a key of corpora.libsonnet. model overrides the model block, e.g.
  // { encoder+: { num_layers: 0 } } for "w/o interaction".
  experiment(corpus, embedding=null, model={})::
    local hyperparameters = self.hyperparameters[corpus];
    local input = if embedding == null then root.input else embedding;
    local rin = models.bioes_word_pair(
      input, models.rin(input.output_dim, hyperparameters.num_layers), dropout=hyperparameters.dropout
    );
    experiment.experiment(corpora[corpus], input, rin + model, hyperparameters),
}
