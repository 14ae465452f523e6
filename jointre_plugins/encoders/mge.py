"""
The Multi-Gate Encoder of "A Multi-Gate Encoder for Joint Entity and Relation Extraction".
"""
from typing import Dict, List, Optional, Tuple

import torch
from allennlp.modules.seq2seq_encoders import Seq2SeqEncoder

from jointre_plugins.encoders.multi_task_encoder import MultiTaskEncoder, PredictionHead


@Seq2SeqEncoder.register("mge")
class MultiGateEncoder(MultiTaskEncoder):
    """
    MGE (paper section 3.2): candidate entity and relation features (eq. 1), task gates that
    filter them into task-specific features (eqs. 2-3), interaction gates that filter them into
    features guiding the other task (eqs. 4-5), and feature exchange (eq. 6):

        H_ner = H_e_task ⊕ H_r_inter,    H_re = H_r_task ⊕ H_e_inter

    All gates read the encoder input H_b, as in the paper. Each gate can be switched off to
    reproduce a row of the paper's ablation (table 4). The paper does not say what "removing" a
    gate means in equations; this implementation takes the reading that keeps the rest intact:

    - without a task gate, the task-specific features are the ungated candidate features
      (H_e_task = H_e^c);
    - without an interaction gate, its interaction features are not passed on at all, so the
      guided task's output is only its task-specific features and is `hidden_dim` wide instead
      of `2 * hidden_dim` (the paper: "the guidance ... is cut off").

    Registered as a `Seq2SeqEncoder` with name "mge".

    # Parameters

    input_dim : `int`
        The size of the contextual word vectors H_b (d in the paper).
    hidden_dim : `int`, optional (default = `300`)
        The hidden size h of the candidate features and gates. The paper does not give it; 300 is
        the hidden size of PFN, whose task modules MGE adopts.
    entity_task_gate : `bool`, optional (default = `True`)
        Use the entity task gate G_e_task.
    relation_task_gate : `bool`, optional (default = `True`)
        Use the relation task gate G_r_task.
    entity_interaction_gate : `bool`, optional (default = `True`)
        Use the entity interaction gate G_e_inter, which lets entity information guide RE.
    relation_interaction_gate : `bool`, optional (default = `True`)
        Use the relation interaction gate G_r_inter, which lets relation information guide NER.
    """

    def __init__(
        self,
        input_dim: int,
        hidden_dim: int = 300,
        entity_task_gate: bool = True,
        relation_task_gate: bool = True,
        entity_interaction_gate: bool = True,
        relation_interaction_gate: bool = True,
    ) -> None:
        super().__init__()
        self._input_dim = input_dim
        self._hidden_dim = hidden_dim
        gates = {
            "entity_task": entity_task_gate,
            "relation_task": relation_task_gate,
            "entity_interaction": entity_interaction_gate,
            "relation_interaction": relation_interaction_gate,
        }
        self._gate_names = tuple(name for name, used in gates.items() if used)
        # The two candidate projections and every gate read the same H_b, so one linear layer
        # computes them all: its output is split into blocks of hidden_dim.
        self._projection = torch.nn.Linear(input_dim, hidden_dim * (2 + len(self._gate_names)))

    @property
    def task_names(self) -> Tuple[str, ...]:
        return ("entity", "relation")

    def get_input_dim(self) -> int:
        return self._input_dim

    def get_task_output_dim(self, task: str) -> int:
        if task == "entity":
            guided = "relation_interaction" in self._gate_names
        elif task == "relation":
            guided = "entity_interaction" in self._gate_names
        else:
            raise ValueError(f"MGE has no task {task!r}; its tasks are {self.task_names}")
        return self._hidden_dim * (2 if guided else 1)

    def is_bidirectional(self) -> bool:
        return False

    def forward_tasks(
        self,
        inputs: torch.Tensor,
        mask: torch.BoolTensor,
        heads: Optional[Dict[str, PredictionHead]] = None,
    ) -> Dict[str, torch.Tensor]:
        # Only the real words are computed, not the padding of the batch's longest sentence.
        words = inputs[mask]  # (num_words, input_dim)
        # blocks: each (num_words, hidden_dim)
        blocks = self._projection(words).split(self._hidden_dim, dim=-1)
        entity_candidate = torch.tanh(blocks[0])
        relation_candidate = torch.tanh(blocks[1])
        gates = {name: torch.sigmoid(block) for name, block in zip(self._gate_names, blocks[2:])}

        entity_task = entity_candidate * gates.get("entity_task", 1.0)
        relation_task = relation_candidate * gates.get("relation_task", 1.0)
        entity_features = [entity_task]
        relation_features = [relation_task]
        if "relation_interaction" in gates:
            entity_features.append(relation_candidate * gates["relation_interaction"])
        if "entity_interaction" in gates:
            relation_features.append(entity_candidate * gates["entity_interaction"])

        def padded(features: List[torch.Tensor]) -> torch.Tensor:
            # (num_words, dim) pieces -> (batch_size, num_tokens, their dims together), zero at padding
            joined = torch.cat(features, dim=-1)
            batch = joined.new_zeros(*mask.shape, joined.size(-1))
            batch[mask] = joined
            return batch

        return {
            # (batch_size, num_tokens, get_task_output_dim("entity"))
            "entity": padded(entity_features),
            # (batch_size, num_tokens, get_task_output_dim("relation"))
            "relation": padded(relation_features),
        }
