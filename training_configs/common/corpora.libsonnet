// One entry per corpus: its reader (with reader_options, where it has any) and its files under
// JOINTRE_DATA. What a system trains with on a corpus (transformer, batch size, ...) is in that
// system's table, e.g. mge.libsonnet.
local env = import 'env.libsonnet';

local corpus(reader, folder) = {
  local directory = env.data_dir + '/' + folder + '/',
  reader: reader,
  train_path: directory + 'train.json',
  dev_path: directory + 'dev.json',
  test_path: directory + 'test.json',
};

{
  ace05: corpus('ace05', 'ace05'),
  // DyGIE's scripts write ACE04 as five folds, each with its own train, dev and test files.
  ace04: corpus('ace04', 'ace04/fold' + env.ace04_fold),
  scierc: corpus('scierc', 'scierc'),
  scierc_dygie: corpus('scierc', 'scierc_dygie'),
  conll04: corpus('conll04', 'conll04'),
  // CasRel's NYT and WebNLG: whole entity strings (Exact Match), or, starred, the last word of each
  // (Partial Match).
  nyt: corpus('nyt', 'nyt'),
  nyt_star: corpus('nyt', 'nyt_star') + { reader_options: { last_word_entities: true } },
  webnlg: corpus('webnlg', 'webnlg'),
  webnlg_star: corpus('webnlg', 'webnlg_star') + { reader_options: { last_word_entities: true } },
  // SpERT's ten ADE folds, each a train and a test file and no dev file.
  ade: {
    local directory = env.data_dir + '/ade/split_' + env.ade_fold + '_',
    reader: 'ade',
    train_path: directory + 'train.json',
    dev_path: null,
    test_path: directory + 'test.json',
  },
}
