// MGE with table filling on ACE05 (DyGIE layout), the paper's setting (section 4.3).
local mge = import 'common/mge.libsonnet';

mge.experiment('ace05')
