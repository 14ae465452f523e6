"""
A tiny ELMo with random weights, standing in for the paper's ELMo 5.5B in tests.

AllenNLP's `ElmoTokenEmbedder` reads a bilm-tf options JSON and an HDF5 file of weights. The files
written here have the layout of the released ELMo files, dataset for dataset, with dimensions small
enough to build and run in a test: a character CNN of two filters, one highway layer, a projection
to 4 dimensions and a 2-layer bidirectional LSTM, so that the ELMo representation has 8 dimensions.
"""
import json
import pathlib
from typing import Any, Dict, Tuple

import h5py
import numpy

# ELMoTokenCharactersIndexer gives every token 50 character ids, and the encoder reshapes its input
# by this value, so it cannot differ.
MAX_CHARACTERS_PER_TOKEN = 50
# The byte values, and beginning and end of sentence, of word, and padding: the ids the indexer
# gives, less the 1 it adds. AllenNLP puts a zero row for its masking id 0 in front.
CHARACTER_VOCABULARY_SIZE = 261

OPTIONS: Dict[str, Any] = {
    "bidirectional": True,
    "char_cnn": {
        "activation": "relu",
        "embedding": {"dim": 4},
        "filters": [[1, 2], [2, 3]],
        "max_characters_per_token": MAX_CHARACTERS_PER_TOKEN,
        "n_characters": CHARACTER_VOCABULARY_SIZE + 1,
        "n_highway": 1,
    },
    "lstm": {
        "cell_clip": 3,
        "dim": 6,
        "n_layers": 2,
        "proj_clip": 3,
        "projection_dim": 4,
        "use_skip_connections": True,
    },
}

# The dimension of an ELMo representation: the forward and backward LSTM states, concatenated.
ELMO_OUTPUT_DIM = 2 * OPTIONS["lstm"]["projection_dim"]


def write_tiny_elmo(directory: pathlib.Path) -> Tuple[pathlib.Path, pathlib.Path]:
    """
    Writes the options and weight files of a tiny ELMo into `directory`; the weights are random,
    but the same on every call.

    # Parameters

    directory : `pathlib.Path`
        An existing directory.

    # Returns

    `Tuple[pathlib.Path, pathlib.Path]`
        The options file and the weight file, as `ElmoTokenEmbedder`'s `options_file` and
        `weight_file` take them.
    """
    options_file = directory / "elmo_tiny_options.json"
    weight_file = directory / "elmo_tiny_weights.hdf5"
    options_file.write_text(json.dumps(OPTIONS, indent=2))

    random = numpy.random.default_rng(0)

    def weights(*shape: int) -> numpy.ndarray:
        # Small values keep the LSTM's cells and projections well inside their clipping at 3.
        return random.normal(scale=0.1, size=shape).astype("float32")

    char_cnn = OPTIONS["char_cnn"]
    char_dim = char_cnn["embedding"]["dim"]
    n_filters = sum(number for _, number in char_cnn["filters"])
    lstm = OPTIONS["lstm"]
    cell_dim, projection_dim = lstm["dim"], lstm["projection_dim"]
    with h5py.File(weight_file, "w") as weight_hdf5:
        weight_hdf5["char_embed"] = weights(CHARACTER_VOCABULARY_SIZE, char_dim)
        # TensorFlow's conv2d layout, (1, width, in_channels, out_channels), which AllenNLP transposes.
        for i, (width, number) in enumerate(char_cnn["filters"]):
            weight_hdf5[f"CNN/W_cnn_{i}"] = weights(1, width, char_dim, number)
            weight_hdf5[f"CNN/b_cnn_{i}"] = weights(number)
        for k in range(char_cnn["n_highway"]):
            for part in ("transform", "carry"):
                weight_hdf5[f"CNN_high_{k}/W_{part}"] = weights(n_filters, n_filters)
                weight_hdf5[f"CNN_high_{k}/b_{part}"] = weights(n_filters)
        weight_hdf5["CNN_proj/W_proj"] = weights(n_filters, projection_dim)
        weight_hdf5["CNN_proj/b_proj"] = weights(projection_dim)
        # RNN_0 runs forward and RNN_1 backward. Every layer reads projection_dim inputs: the
        # character encoder's projection, then the layer below's. W_0 stacks TensorFlow's input
        # and recurrent weights, with the gates in its order (input, memory, forget, output).
        for direction in range(2):
            for layer in range(lstm["n_layers"]):
                cell = f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"
                weight_hdf5[f"{cell}/W_0"] = weights(2 * projection_dim, 4 * cell_dim)
                weight_hdf5[f"{cell}/B"] = weights(4 * cell_dim)
                weight_hdf5[f"{cell}/W_P_0"] = weights(cell_dim, projection_dim)
    return options_file, weight_file
