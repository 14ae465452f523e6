// Training defaults of the papers: Adam(W) at 2e-5, linear warm-up over the first 10% of steps
// then linear decay, 100 epochs, model selection on NER F1 + strict relation F1 on dev (the same
// ranking as their average).
local env = import 'env.libsonnet';

{
  trainer(paper_epochs=100, lr=2e-5):: {
    num_epochs: if env.epochs == '' then paper_epochs else std.parseInt(env.epochs),
    validation_metric: ['+ner_f1', '+rel_strict_f1'],
    optimizer: { type: 'adamw', lr: lr, weight_decay: 0.0 },
    // Slanted triangular with a large ratio is linear warm-up then linear decay to ~0; unlike
    // linear_with_warmup it takes the warm-up as a fraction, so it needs no step count here.
    learning_rate_scheduler: { type: 'slanted_triangular', cut_frac: 0.1, ratio: 10000 },
    grad_norm: 1.0,
    cuda_device: -1,
  },
}
