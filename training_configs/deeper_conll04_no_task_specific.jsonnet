// Table 3 of Deeper task-specificity: deeper_conll04 with no task specific BiGRU layers, shared ones added in their place.
local deeper = import 'common/deeper.libsonnet';

deeper.experiment('conll04', ablation='no_task_specific')
