"""
The one-hot encoded casing vector of each word, from the class indices of the `casing` indexer.
"""
import torch
from allennlp.modules.token_embedders import TokenEmbedder

from jointre_plugins.embedders.casing_indexer import CASING_CLASSES


@TokenEmbedder.register("casing_one_hot")
class CasingOneHotEmbedding(TokenEmbedder):
    """
    Embeds each word as the one-hot encoded casing vector of "Deeper task-specificity" (Crone,
    2020): the indices 1 to 7 of `CasingIndexer` become the unit vectors of its 7 casing classes,
    in the order of `CASING_CLASSES`, and padding (index 0) the zero vector. It has no parameters;
    a word's casing is fed to the encoder next to its word embeddings.

    Registered as a `TokenEmbedder` with name "casing_one_hot".
    """

    def get_output_dim(self) -> int:
        return len(CASING_CLASSES)

    def forward(self, casing: torch.LongTensor) -> torch.Tensor:
        """
        # Parameters

        casing : `torch.LongTensor`
            The casing class indices `(batch_size, num_tokens)` of `CasingIndexer`, 0 for padding.

        # Returns

        `torch.Tensor`
            The one-hot vectors `(batch_size, num_tokens, 7)` in the default floating dtype.
        """
        # Class 0 is padding: its column is dropped so that padding is the zero vector.
        one_hot = torch.nn.functional.one_hot(casing, num_classes=len(CASING_CLASSES) + 1)[..., 1:]
        return one_hot.to(torch.get_default_dtype())
