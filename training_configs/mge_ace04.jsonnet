// MGE with table filling on one ACE04 fold (DyGIE layout; JOINTRE_ACE04_FOLD, default 1), the paper's setting (section 4.3).
local mge = import 'common/mge.libsonnet';

mge.experiment('ace04')
