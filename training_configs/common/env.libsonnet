// The variables every config reads. jointre_plugins gives each a default when it is imported
// (see jointre_plugins/__init__.py); set one in the environment to change it.
local choice(name, allowed) =
  local value = std.extVar(name);
  if std.member(allowed, value) then value
  else error name + ' must be one of ' + std.join(', ', allowed) + ', not "' + value + '"';

local flag(name) = choice(name, ['true', 'false']) == 'true';

local devices = std.extVar('JOINTRE_DISTRIBUTED');

{
  data_dir: std.extVar('JOINTRE_DATA'),
  transformer: std.extVar('JOINTRE_TRANSFORMER'),
  transformer_dim: std.extVar('JOINTRE_TRANSFORMER_DIM'),
  epochs: std.extVar('JOINTRE_EPOCHS'),
  // 'paper': each system's published hyperparameters; 'cpu': its short-budget profile.
  cpu_profile: choice('JOINTRE_PROFILE', ['paper', 'cpu']) == 'cpu',
  ace04_fold: std.extVar('JOINTRE_ACE04_FOLD'),
  glove_file: std.extVar('JOINTRE_GLOVE'),
  glove_dim: std.parseInt(std.extVar('JOINTRE_GLOVE_DIM')),
  elmo_options: std.extVar('JOINTRE_ELMO_OPTIONS'),
  elmo_weights: std.extVar('JOINTRE_ELMO_WEIGHTS'),
  elmo_dim: std.parseInt(std.extVar('JOINTRE_ELMO_DIM')),
  ade_fold: choice('JOINTRE_ADE_FOLD', [std.toString(fold) for fold in std.range(0, 9)]),
  train_on_dev: flag('JOINTRE_TRAIN_ON_DEV'),
  tiny: choice('JOINTRE_SIZE', ['paper', 'tiny']) == 'tiny',
  // Empty leaves the choice to AllenNLP: the first GPU when there is one, else the CPU.
  cuda_device: std.extVar('JOINTRE_CUDA_DEVICE'),
  // The device of each training process; empty for a single process.
  distributed_devices: if devices == '' then []
  else [std.parseInt(std.stripChars(device, ' ')) for device in std.split(devices, ',')],
  // The machines that run those devices each (AllenNLP's num_nodes), and the first one's address.
  num_nodes: std.parseInt(std.extVar('JOINTRE_NUM_NODES')),
  primary_address: std.extVar('JOINTRE_PRIMARY_ADDRESS'),
  primary_port: std.parseInt(std.extVar('JOINTRE_PRIMARY_PORT')),
  amp: flag('JOINTRE_AMP'),
  evaluate_on_test: flag('JOINTRE_EVALUATE_ON_TEST'),

  // A size of the paper's model, or 8 under JOINTRE_SIZE=tiny. Tiny, a smoke test that trains
  // any config in seconds, also leaves transformer weights random, reads the first 16 sentences
  // of each file and makes batches of 2.
  size(paper_size):: if self.tiny then 8 else paper_size,
}
