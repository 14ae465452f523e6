// MGE with table filling on one ACE04 fold (DyGIE layout; JOINTRE_ACE04_FOLD, default 1), the paper's setting (section 4.3).
local corpora = import 'common/corpora.libsonnet';
local embedders = import 'common/embedders.libsonnet';
local experiment = import 'common/experiment.libsonnet';
local models = import 'common/models.libsonnet';

local corpus = corpora.ace04;
local transformer = embedders.transformer(corpus.paper_model);

experiment.experiment(corpus, transformer, models.table_filling(transformer, models.mge(transformer.dim)))
