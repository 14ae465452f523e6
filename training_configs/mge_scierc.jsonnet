// MGE with table filling on SciERC (SpERT layout; scierc_dygie holds the DyGIE layout), the paper's setting.
local corpora = import 'common/corpora.libsonnet';
local embedders = import 'common/embedders.libsonnet';
local experiment = import 'common/experiment.libsonnet';
local models = import 'common/models.libsonnet';

local corpus = corpora.scierc;
local transformer = embedders.transformer(corpus.paper_model);

experiment.experiment(corpus, transformer, models.table_filling(transformer, models.mge(transformer.dim)))
