// SINET on ACE05 (DyGIE layout), the paper's setting (albert-xxlarge-v1).
local sinet = import 'common/sinet.libsonnet';

sinet.experiment('ace05')
