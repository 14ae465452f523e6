// SINET on SciERC, the paper's setting (scibert-scivocab-cased, batch 4, lr 1e-5).
local sinet = import 'common/sinet.libsonnet';

sinet.experiment('scierc')
