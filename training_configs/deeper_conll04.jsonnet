// Deeper task-specificity on CoNLL04, table 1 (offline inputs; JOINTRE_ELMO_* for the paper's ELMo,
// JOINTRE_TRAIN_ON_DEV=true for its final training on train + dev).
local deeper = import 'common/deeper.libsonnet';

deeper.experiment('conll04')
