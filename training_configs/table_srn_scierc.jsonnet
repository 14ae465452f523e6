// Table-SRN (appendix G): the two-task SRN under MGE's table filling on SciERC, with Cascade-SRN's hyperparameters.
local srn = import 'common/srn.libsonnet';

srn.table('scierc')
