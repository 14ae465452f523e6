// One entry per corpus: its reader, its files under JOINTRE_DATA, and the paper's transformer and
// batch size for it.
local env = import 'env.libsonnet';

local corpus(reader, folder, train, dev, paper_model, batch_size) = {
  reader: reader,
  train_path: env.data_dir + '/' + folder + '/' + train,
  dev_path: env.data_dir + '/' + folder + '/' + dev,
  paper_model: paper_model,
  batch_size: batch_size,
};

{
  ace05: corpus('ace05', 'ace05', 'train.json', 'dev.json', 'albert-xxlarge-v1', 16),
  // DyGIE's scripts write ACE04 as five folds; the development set is part of each fold's files.
  ace04: corpus('ace04', 'ace04/fold' + env.ace04_fold, 'train.json', 'dev.json', 'albert-xxlarge-v1', 16),
  scierc: corpus('scierc', 'scierc', 'train.json', 'dev.json', 'allenai/scibert_scivocab_uncased', 4),
  scierc_dygie: corpus('scierc', 'scierc_dygie', 'train.json', 'dev.json', 'allenai/scibert_scivocab_uncased', 4),
  conll04: corpus('conll04', 'conll04', 'train.json', 'dev.json', 'bert-base-cased', 16),
}
