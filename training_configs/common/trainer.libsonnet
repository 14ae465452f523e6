// The trainer, from a system's hyperparameters (optimizer, lr, head_lr, epochs, warmup_fraction,
// validation_metric) and the variables that choose the device.
local env = import 'env.libsonnet';

// head_lr, when set, is the learning rate of every parameter outside the text field embedder
// (encoder and decoder), which then learn at a different rate from the transformer.
local parameter_groups(hyperparameters) =
  if std.objectHas(hyperparameters, 'head_lr') && hyperparameters.head_lr != null then
    { parameter_groups: [[['^(?!_text_field_embedder\\.)'], { lr: hyperparameters.head_lr }]] }
  else {};

// AdamW without weight decay unless the system names another algorithm ('adam': Cascade-SRN,
// RIN; 'nadam': Deeper). Adam and AdamW run as torch's fused implementation ('fused_adam'), which
// steps a transformer's parameters several times faster on a CPU than AllenNLP's 'adam'/'adamw'.
local optimizer(hyperparameters) =
  local algorithm = if std.objectHas(hyperparameters, 'optimizer') then hyperparameters.optimizer else 'adamw';
  { lr: hyperparameters.lr } + {
    adamw: { type: 'fused_adam', decoupled_weight_decay: true, weight_decay: 0.0 },
    adam: { type: 'fused_adam' },
    nadam: { type: 'nadam' },
  }[algorithm];

// Slanted triangular with a large ratio is linear warm-up then linear decay to ~0; unlike
// linear_with_warmup it takes the warm-up as a fraction, so it needs no step count here. A null
// warmup_fraction keeps the learning rate constant.
local schedule(hyperparameters) =
  if hyperparameters.warmup_fraction == null then {}
  else {
    learning_rate_scheduler: {
      type: 'slanted_triangular',
      cut_frac: hyperparameters.warmup_fraction,
      ratio: 10000,
    },
  };

{
  trainer(hyperparameters):: {
    num_epochs: if env.epochs == '' then hyperparameters.epochs else std.parseInt(env.epochs),
    validation_metric: hyperparameters.validation_metric,
    optimizer: optimizer(hyperparameters) + parameter_groups(hyperparameters),
    grad_norm: 1.0,
    // Writes each checkpoint whole or not at all, so that `allennlp train -r` resumes after a kill.
    checkpointer: { type: 'atomic' },
    // TensorBoard logs of losses and metrics in <serialization dir>/log (`tensorboard --logdir`).
    callbacks: [{ type: 'tensorboard' }],
    use_amp: env.amp,
  } + schedule(hyperparameters)
  + (if env.cuda_device == '' then {} else { cuda_device: std.parseInt(env.cuda_device) }),
}
