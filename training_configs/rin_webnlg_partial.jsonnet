// RIN on webnlg_star, the paper's table-3 setting (offline GloVe + POS; JOINTRE_GLOVE for the paper's 100-d file).
local rin = import 'common/rin.libsonnet';

rin.experiment('webnlg_star')
