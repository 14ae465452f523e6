// MGE with table filling on SciERC (SpERT layout; scierc_dygie holds the DyGIE layout), the paper's setting.
local mge = import 'common/mge.libsonnet';

mge.experiment('scierc')
