// Deeper task-specificity on ADE fold JOINTRE_ADE_FOLD (0-9), table 1; overlapping entities removed,
// the longer kept (scripts/ade_cross_validation.py runs every fold).
local deeper = import 'common/deeper.libsonnet';

deeper.experiment('ade')
