"""
The record the grid runner writes for each run (`run.json` in the run's directory), which the
leaderboard and the error analysis read.
"""
import glob
import json
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

RECORD_FILE = "run.json"
PREDICTIONS_FILE = "predictions.jsonl"
RUNS_DIRECTORY = "runs"
LOGS_DIRECTORY = "logs"
EPOCH_METRICS_FILE = re.compile(r"metrics_epoch_(\d+)\.json")
"""The name of the metrics AllenNLP's trainer writes after epoch K (counted from 0)."""


@dataclass
class RunRecord:
    """
    One run of a grid: a config trained with one seed (on one fold of a cross-validated corpus),
    then evaluated on one split.

    # Parameters

    name : `str`
        The run's directory name under `<results>/runs`, e.g. `mge-conll04-seed1`.
    system : `str`
        The config's name less its corpus, e.g. `mge`, `srn_late`, `deeper_no_task_specific`.
    corpus : `str`
        The corpus the config reads (its dataset reader's type), e.g. `conll04`.
    config : `str`
        The config file the run trained.
    seed : `int`
        AllenNLP's `random_seed`, `numpy_seed` and `pytorch_seed`, all three set to it.
    fold : `Optional[int]`
        The fold of a cross-validated corpus (ADE, ACE04), else `None`.
    epochs : `Optional[int]`
        The epoch budget of the run (the trainer's `num_epochs`: `--epochs`, `JOINTRE_EPOCHS` or
        the config's own).
    split : `str`
        `test` or `dev`: the file of the config the run was evaluated on.
    transformer : `str`
        The contextual embedders the model reads (see `grid.transformer_description`): `offline`
        for the packaged MiniLM, a model name, `ELMo`, or `none`.
    status : `str`
        `finished`, `failed`, or `trained` while a trained run waits for its evaluation.
    error : `Optional[str]`
        Why a failed run failed, with where to read more.
    epochs_trained : `Optional[int]`
        Epochs the training ran (AllenNLP's `epoch` + 1).
    best_epoch : `Optional[int]`
        The epoch of the kept model, counted from 0 as AllenNLP counts it; `None` without a dev
        file, where the last epoch's model is kept.
    training_seconds : `Optional[float]`
        Seconds of training: AllenNLP's `training_duration`, summed over the sessions of a resumed
        run (the epochs a stopped session did not finish are not counted).
    evaluation_sentences : `Optional[int]`
        Sentences of the evaluated split.
    evaluation_seconds : `Optional[float]`
        Seconds of AllenNLP's evaluation loop over them (batches of the config's validation loader,
        decoding and the written predictions included; loading the archive and reading and indexing
        the file excluded).
    metrics : `Dict[str, float]`
        The evaluation's metrics, as AllenNLP's `evaluate` returns them (fractions, not percent).
    overrides : `Dict[str, Any]`
        The AllenNLP overrides of the run's variant (without the seeds).
    variables : `Dict[str, str]`
        The configs' variables that differ from their defaults, other than those recorded above
        and `JOINTRE_DATA`: e.g. `JOINTRE_PROFILE=cpu`.
    """

    name: str
    system: str
    corpus: str
    config: str
    seed: int
    fold: Optional[int]
    epochs: Optional[int]
    split: str
    transformer: str
    status: str
    error: Optional[str] = None
    epochs_trained: Optional[int] = None
    best_epoch: Optional[int] = None
    training_seconds: Optional[float] = None
    evaluation_sentences: Optional[int] = None
    evaluation_seconds: Optional[float] = None
    metrics: Dict[str, float] = field(default_factory=dict)
    overrides: Dict[str, Any] = field(default_factory=dict)
    variables: Dict[str, str] = field(default_factory=dict)

    @property
    def sentences_per_second(self) -> Optional[float]:
        """Prediction throughput on the evaluated split, `None` when the run was not evaluated."""
        if not self.evaluation_sentences or not self.evaluation_seconds:
            return None
        return self.evaluation_sentences / self.evaluation_seconds

    def write(self, directory: str) -> None:
        """Writes the record to `directory/run.json`, atomically, so a crash leaves the old one or the new."""
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, RECORD_FILE)
        temporary = path + ".tmp"
        with open(temporary, "w") as file:
            json.dump(asdict(self), file, indent=2)
        os.replace(temporary, path)

    @classmethod
    def read(cls, directory: str) -> Optional["RunRecord"]:
        """The record in `directory`, `None` when it has none."""
        path = os.path.join(directory, RECORD_FILE)
        if not os.path.isfile(path):
            return None
        with open(path) as file:
            fields: Dict[str, Any] = json.load(file)
        return cls(**fields)


def read_records(results: str) -> List[RunRecord]:
    """Every run record under `results/runs`, sorted by run name."""
    runs = os.path.join(results, RUNS_DIRECTORY)
    if not os.path.isdir(runs):
        raise FileNotFoundError(f"{results} is no results directory of `allennlp grid`: it has no {RUNS_DIRECTORY}/")
    records = []
    for name in sorted(os.listdir(runs)):
        record = RunRecord.read(os.path.join(runs, name))
        if record is not None:
            records.append(record)
    return records


def epoch_metrics_files(directory: str) -> Dict[int, str]:
    """The trainer's `metrics_epoch_<K>.json` files in a run's directory, by epoch K."""
    files = {}
    for path in glob.glob(os.path.join(directory, "metrics_epoch_*.json")):
        match = EPOCH_METRICS_FILE.fullmatch(os.path.basename(path))
        if match is not None:
            files[int(match.group(1))] = path
    return files
