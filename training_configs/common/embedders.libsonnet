// The word-level transformer: word pieces are pooled back to words by the mismatched embedder.
local env = import 'env.libsonnet';

local known_dims = {
  'albert-xxlarge-v1': 4096,
  'allenai/scibert_scivocab_uncased': 768,
  'bert-base-cased': 768,
  'bert-base-uncased': 768,
};

{
  // paper_model: the transformer the paper used for this corpus, taken when JOINTRE_TRANSFORMER=paper.
  transformer(paper_model):: {
    local chosen = if env.transformer == 'offline' then env.offline_transformer
    else if env.transformer == 'paper' then paper_model
    else env.transformer,
    name: chosen,
    dim: if env.transformer_dim != '' then std.parseInt(env.transformer_dim)
    else if env.transformer == 'offline' then 384
    else if std.objectHas(known_dims, chosen) then known_dims[chosen]
    else error 'Set JOINTRE_TRANSFORMER_DIM to the hidden size of ' + chosen,
    token_indexers: {
      tokens: { type: 'pretrained_transformer_mismatched', model_name: chosen, max_length: 512 },
    },
    text_field_embedder: {
      token_embedders: {
        tokens: { type: 'pretrained_transformer_mismatched', model_name: chosen, max_length: 512 },
      },
    },
  },
}
