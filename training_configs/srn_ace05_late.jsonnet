// Cascade-SRN with late fusion on ACE05 (DyGIE layout), the paper's setting (albert-xxlarge-v1).
local srn = import 'common/srn.libsonnet';

srn.cascade('ace05', 'late')
