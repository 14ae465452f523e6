// RIN on CoNLL04 (SpERT split; not in the paper: typed BIOES tags), offline GloVe + POS.
local rin = import 'common/rin.libsonnet';

rin.experiment('conll04')
