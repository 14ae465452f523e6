// Cascade-SRN with early fusion on SciERC (SpERT layout), the paper's setting (scibert-scivocab-uncased).
local srn = import 'common/srn.libsonnet';

srn.cascade('scierc', 'early')
