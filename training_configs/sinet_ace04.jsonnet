// SINET on one ACE04 fold (DyGIE layout; JOINTRE_ACE04_FOLD, default 1), the paper's setting (bert-base-cased).
local sinet = import 'common/sinet.libsonnet';

sinet.experiment('ace04')
