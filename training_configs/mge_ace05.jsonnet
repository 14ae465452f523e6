// MGE with table filling on ACE05 (DyGIE layout), the paper's setting (section 4.3).
local corpora = import 'common/corpora.libsonnet';
local embedders = import 'common/embedders.libsonnet';
local experiment = import 'common/experiment.libsonnet';
local models = import 'common/models.libsonnet';

local corpus = corpora.ace05;
local transformer = embedders.transformer(corpus.paper_model);

experiment.experiment(corpus, transformer, models.table_filling(transformer, models.mge(transformer.dim)))
