// Puts a corpus, an embedding, a model and a system's hyperparameters together into a full
// experiment, on the devices the variables choose.
local env = import 'env.libsonnet';
local trainer = import 'trainer.libsonnet';

local processes = std.max(1, std.length(env.distributed_devices)) * env.num_nodes;

// Each process of distributed training takes its share of the system's batch, so that the
// batch of an update, for which the learning rate was tuned, stays the system's.
local batch_per_process(batch_size) =
  if batch_size % processes == 0 then batch_size / processes
  else error 'The batch of ' + batch_size + ' sentences does not split over ' + processes + ' processes';

local train_and_dev(corpus) =
  if corpus.dev_path == null then error 'JOINTRE_TRAIN_ON_DEV: the corpus has no dev file'
  else corpus.train_path + ',' + corpus.dev_path;

{
  experiment(corpus, embedding, model, hyperparameters):: {
    dataset_reader: {
      type: corpus.reader,
      token_indexers: embedding.token_indexers,
      max_length: hyperparameters.max_length,
    } + (if std.objectHas(corpus, 'reader_options') then corpus.reader_options else {})
    + (if std.objectHas(embedding, 'reader') then embedding.reader else {})
    + (if env.tiny then { max_instances: 16 } else {}),
    // JOINTRE_TRAIN_ON_DEV trains on both files, which the reader reads one after the other, and
    // leaves nothing to validate on: the model of the last epoch is kept.
    train_data_path: if env.train_on_dev then train_and_dev(corpus) else corpus.train_path,
    validation_data_path: if env.train_on_dev then null else corpus.dev_path,
    test_data_path: corpus.test_path,
    evaluate_on_test: env.evaluate_on_test,
    // Test words and labels stay out of the vocabulary, as they would for unseen data.
    datasets_for_vocab_creation: if self.validation_data_path == null then ['train'] else ['train', 'validation'],
    // AllenNLP's defaults, written out so that the config says how to repeat the run.
    random_seed: 13370,
    numpy_seed: 1337,
    pytorch_seed: 133,
    model: model,
    data_loader: {
      batch_sampler: {
        type: 'bucket',
        // Tiny batches give even a tiny share of a fixture file several updates per epoch.
        batch_size: if env.tiny then 2 else batch_per_process(hyperparameters.batch_size),
        sorting_keys: ['tokens'],
      },
    },
    // AllenNLP builds the test loader from these settings too. Loading lazily leaves the test file
    // unread (it need not even exist) unless JOINTRE_EVALUATE_ON_TEST asks for it; a chunk larger
    // than any corpus's dev or test file keeps the batches those of an eager loader.
    validation_data_loader: {
      batch_sampler: { type: 'bucket', batch_size: 32, sorting_keys: ['tokens'] },
      max_instances_in_memory: 100000,
    },
    trainer: trainer.trainer(hyperparameters),
  } + (
    if processes > 1 then {
      distributed: { cuda_devices: env.distributed_devices }
                   + (if env.num_nodes > 1 then {
                        num_nodes: env.num_nodes,
                        primary_address: env.primary_address,
                        primary_port: env.primary_port,
                      } else {}),
    } else {}
  ),
}
