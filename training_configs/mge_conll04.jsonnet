// MGE with table filling on CoNLL04 (SpERT split), with the paper's hyperparameters (the paper does not use CoNLL04).
local corpora = import 'common/corpora.libsonnet';
local embedders = import 'common/embedders.libsonnet';
local experiment = import 'common/experiment.libsonnet';
local models = import 'common/models.libsonnet';

local corpus = corpora.conll04;
local transformer = embedders.transformer(corpus.paper_model);

experiment.experiment(corpus, transformer, models.table_filling(transformer, models.mge(transformer.dim)))
