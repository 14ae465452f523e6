// Puts a corpus, a transformer and a model together into a full experiment.
local trainer = import 'trainer.libsonnet';

{
  experiment(corpus, transformer, model, max_length=128, paper_epochs=100):: {
    dataset_reader: {
      type: corpus.reader,
      token_indexers: transformer.token_indexers,
      max_length: max_length,
    },
    train_data_path: corpus.train_path,
    validation_data_path: corpus.dev_path,
    model: model,
    data_loader: {
      batch_sampler: { type: 'bucket', batch_size: corpus.batch_size, sorting_keys: ['tokens'] },
    },
    validation_data_loader: {
      batch_sampler: { type: 'bucket', batch_size: 32, sorting_keys: ['tokens'] },
    },
    trainer: trainer.trainer(paper_epochs),
  },
}
