// MGE with table filling on CoNLL04 (SpERT split), with the paper's hyperparameters (the paper does not use CoNLL04).
local mge = import 'common/mge.libsonnet';

mge.experiment('conll04')
