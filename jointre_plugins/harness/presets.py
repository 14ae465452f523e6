"""
The grids of `allennlp grid --preset`: one per paper table this project reproduces, and every
system on CoNLL04.
"""
from typing import Any, Dict, List, Tuple

from allennlp.common import Params

from jointre_plugins.harness.grid import GridEntry

CONFIGS = "training_configs"


def _config(name: str) -> str:
    return f"{CONFIGS}/{name}.jsonnet"


def _variants(config: str, system: str, variants: List[Tuple[str, Dict[str, Any]]]) -> List[GridEntry]:
    """The config as it is (named `system`), then each variant (`system` + suffix) with its overrides."""
    return [GridEntry(_config(config), system=system)] + [
        GridEntry(_config(config), overrides=overrides, system=f"{system}_{suffix}") for suffix, overrides in variants
    ]


def _mge_table4() -> List[GridEntry]:
    gates = [
        ("no_entity_task_gate", {"model.encoder.entity_task_gate": False}),
        ("no_relation_task_gate", {"model.encoder.relation_task_gate": False}),
        ("no_entity_interaction_gate", {"model.encoder.entity_interaction_gate": False}),
        ("no_relation_interaction_gate", {"model.encoder.relation_interaction_gate": False}),
        (
            "no_interaction_gates",
            {"model.encoder.entity_interaction_gate": False, "model.encoder.relation_interaction_gate": False},
        ),
    ]
    return [entry for corpus in ("ace05", "ace04", "scierc") for entry in _variants(f"mge_{corpus}", "mge", gates)]


def _srn_table2() -> List[GridEntry]:
    # The BiLSTM takes what the SRN takes: the width of the transformer the variables choose.
    encoder = Params.from_file(_config("srn_scierc_early")).as_dict(quiet=True)["model"]["encoder"]
    bilstm = {"type": "lstm", "input_size": encoder["input_dim"], "hidden_size": 128, "bidirectional": True}
    return _variants(
        "srn_scierc_early",
        "srn_early",
        [
            ("bisrn", {"model.encoder.bidirectional": True}),
            ("bilstm", {"model.encoder": bilstm}),
            ("subject_markers_only", {"model.entity_markers": False}),
            ("golden_subjects_only", {"model.golden_subjects_only": True}),
            ("independent", {"model.extract_relations": False}),
        ],
    )


def _sinet_table4() -> List[GridEntry]:
    ablations = [
        ("base", {"model.encoder.task_projections": False, "model.encoder.cross_task_attention": []}),
        ("tap", {"model.encoder.cross_task_attention": []}),
        ("tap_ctam_ner", {"model.encoder.cross_task_attention": ["entity"]}),
        ("tap_ctam_re", {"model.encoder.cross_task_attention": ["relation"]}),
    ]
    return [entry for corpus in ("scierc", "ace05") for entry in _variants(f"sinet_{corpus}", "sinet", ablations)]


def _rin_table5() -> List[GridEntry]:
    ablations = [
        ("no_er", {"model.encoder.entity_interaction": False}),
        ("no_rc", {"model.encoder.relation_interaction": False}),
        ("no_interaction", {"model.encoder.num_layers": 0}),
    ]
    return [entry for corpus in ("nyt", "webnlg") for entry in _variants(f"rin_{corpus}_exact", "rin_exact", ablations)]


def _deeper_table3() -> List[GridEntry]:
    return [
        GridEntry(_config(name))
        for name in (
            "deeper_conll04",
            "deeper_conll04_no_ner_specific",
            "deeper_conll04_no_re_specific",
            "deeper_conll04_no_task_specific",
        )
    ] + [GridEntry(_config("deeper_conll04"), overrides={"model.encoder.cell": "lstm"}, system="deeper_lstm")]


def _conll04() -> List[GridEntry]:
    return [
        GridEntry(_config(name))
        for name in ("mge_conll04", "srn_conll04_late", "sinet_conll04", "rin_conll04", "deeper_conll04")
    ]


PRESETS = {
    "mge_table4": (
        _mge_table4,
        "MGE table 4: each task and interaction gate removed, on ACE05, ACE04 (5 folds) and SciERC",
    ),
    "srn_table2": (
        _srn_table2,
        "Cascade-SRN table 2 (SciERC, early fusion): BiSRN, BiLSTM, subject markers only, golden subjects, "
        "independent NER",
    ),
    "sinet_table4": (_sinet_table4, "SINET table 4 (SciERC, ACE05; the paper reports dev): Base, +TAP, +CTAM_NER/RE"),
    "rin_table5": (
        _rin_table5,
        "RIN table 5 (NYT, WebNLG, Exact Match): without ER, RC, interaction (w/o POS needs a leaf config: see README)",
    ),
    "deeper_table3": (
        _deeper_table3,
        "Deeper task-specificity table 3 (CoNLL04): without NER-, RE-, any task-specific layers; LSTM layers",
    ),
    "conll04": (_conll04, "every system on CoNLL04: MGE, Cascade-SRN (late fusion), SINET, RIN, Deeper"),
}
"""Each preset's entries and its one-line description."""


def preset_entries(name: str) -> List[GridEntry]:
    """The entries of a preset; an unknown name raises `ValueError` listing the presets."""
    if name not in PRESETS:
        raise ValueError(f"no preset {name!r}; the presets are {', '.join(PRESETS)}")
    return PRESETS[name][0]()
