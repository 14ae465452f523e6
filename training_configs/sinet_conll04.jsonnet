// SINET on CoNLL04 (SpERT split), with the paper's values for corpora other than SciERC and bert-base-cased (the paper does not use CoNLL04).
local sinet = import 'common/sinet.libsonnet';

sinet.experiment('conll04')
