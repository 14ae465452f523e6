// Cascade-SRN with late fusion on CoNLL04 (SpERT split), with the paper's hyperparameters and bert-base-cased (the paper does not use CoNLL04).
local srn = import 'common/srn.libsonnet';

srn.cascade('conll04', 'late')
