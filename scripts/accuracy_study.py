"""
The accuracy study on a CPU budget: trains one variant of a system's recipe at a time (MGE with
table filling unless the variant names another system's config), each with several seeds, on a
corpus's train split, selects on dev, and prints a table of dev NER F1, strict relation precision,
recall and F1, and NER F1 of the entities in and out of relation triples (mean and standard
deviation over seeds).

Runs go to --runs-dir/<corpus>/<variant>/seed<k>; a run whose metrics.json exists is not trained
again and an unfinished one is started afresh, so the study can be stopped and resumed;
--table-only prints what is there. Model checkpoints are deleted once a run ends; its archive,
metrics and logs stay. --epochs sets every run's epochs (JOINTRE_EPOCHS); without it, the config's
own (the paper's 100, or the cpu profile's). The table gives each variant's epochs.

--relation-thresholds re-evaluates each finished run's archive on dev at those relation thresholds
(the model's `relation_threshold`; the entity threshold and the selected epoch stay the run's own)
and prints a second table. Each evaluation takes about a minute, is kept next to its run and is
not repeated.

    python scripts/accuracy_study.py --corpus conll04 --epochs 15 --variants baseline,batch_4
    python scripts/accuracy_study.py --corpus conll04 --table-only --variants baseline,batch_4
    python scripts/accuracy_study.py --corpus conll04 --table-only \\
        --variants batch_4_head_lr_1e-3_dropout_0.3 --relation-thresholds 0.5,0.3,0.2
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLENNLP = os.path.join(os.path.dirname(sys.executable), "allennlp")

BASELINE = {"trainer.optimizer.lr": 1e-4}
"""The benchmark's recipe before the study: the paper's config at lr 1e-4 (batch 16, or 4 on SciERC)."""


class Variant(NamedTuple):
    """
    A recipe: overrides of the baseline, or of a JOINTRE_PROFILE other than "paper", applied to
    the config `config` names for the corpus.
    """

    description: str
    overrides: Dict[str, Any]
    profile: str = "paper"
    config: str = "mge_{corpus}"


def head_lr(lr: float) -> Dict[str, Any]:
    """The override that trains every parameter outside the text field embedder at `lr`."""
    return {"trainer.optimizer.parameter_groups": [[["^(?!_text_field_embedder\\.)"], {"lr": lr}]]}


HEAD_LR = head_lr(1e-3)
"""lr 1e-3 for every parameter outside the text field embedder (`head_lr` of the cpu profile)."""

BATCH_4_HEAD_LR = {"data_loader.batch_sampler.batch_size": 4, **HEAD_LR}

AT_0_5 = {"model.relation_threshold": 0.5}
"""The paper's relation threshold, which the cpu profile had until the study moved it to 0.2."""

VARIANTS: Dict[str, Variant] = {
    "baseline": Variant("benchmark recipe: lr 1e-4, paper batch", {}),
    "batch_4": Variant("batch 4 (4x the updates)", {"data_loader.batch_sampler.batch_size": 4}),
    "prior_0.1": Variant("cells start at probability 0.1 (not 0.01)", {"model.cell_prior": 0.1}),
    "loss_words": Variant("sentence loss divided by its words", {"model.loss_normalization": "words"}),
    "table_150": Variant("pair representation of 150 (not 300)", {"model.table_hidden_dim": 150}),
    "head_lr_1e-3": Variant("lr 1e-3 for everything but the transformer", HEAD_LR),
    "batch_4_head_lr_1e-3": Variant("batch 4 and lr 1e-3 for everything but the transformer", BATCH_4_HEAD_LR),
    "batch_4_head_lr_1e-3_dropout_0.3": Variant(
        "batch_4_head_lr_1e-3 with dropout 0.3 on the embedded words (the cpu profile at threshold 0.5 on CoNLL04)",
        {**BATCH_4_HEAD_LR, "model.dropout": 0.3},
    ),
    "batch_4_head_lr_1e-3_lr_5e-5": Variant(
        "batch_4_head_lr_1e-3 with lr 5e-5 for the transformer",
        {**BATCH_4_HEAD_LR, "trainer.optimizer.lr": 5e-5},
    ),
    "cpu_profile_threshold_0.5": Variant(
        "JOINTRE_PROFILE=cpu at the paper's relation threshold 0.5 (the profile before it took 0.2)", AT_0_5, "cpu"
    ),
    "cpu_relation_weight_10": Variant(
        "cpu_profile_threshold_0.5, gold relation cells weigh 10 in the loss",
        {**AT_0_5, "model.relation_positive_weight": 10.0},
        "cpu",
    ),
    "cpu_head_lr_3e-3": Variant(
        "cpu_profile_threshold_0.5 with lr 3e-3 for everything but the transformer",
        {**AT_0_5, **head_lr(3e-3)},
        "cpu",
    ),
    "cpu_lr_2e-4": Variant(
        "cpu_profile_threshold_0.5 with lr 2e-4 for the transformer", {**AT_0_5, "trainer.optimizer.lr": 2e-4}, "cpu"
    ),
    "cpu_profile": Variant("JOINTRE_PROFILE=cpu (relation threshold 0.2)", {}, "cpu"),
    "srn_late_cpu_profile": Variant("Cascade-SRN, late fusion, JOINTRE_PROFILE=cpu", {}, "cpu", "srn_{corpus}_late"),
    "srn_early_cpu_profile": Variant(
        "Cascade-SRN, early fusion, JOINTRE_PROFILE=cpu", {}, "cpu", "srn_{corpus}_early"
    ),
    # 612 = the SRN's object features (4 memories of 128) + entity and subject tags (2 x 50).
    "srn_late_context_cpu_10_epochs": Variant(
        "Cascade-SRN, late fusion with a BiLSTM subject context encoder (not in the paper), JOINTRE_PROFILE=cpu, "
        "10 epochs",
        {
            "trainer.num_epochs": 10,
            "model.subject_context_encoder": {
                "type": "lstm",
                "input_size": 612,
                "hidden_size": 128,
                "bidirectional": True,
            }
        },
        "cpu",
        "srn_{corpus}_late",
    ),
    # Early fusion encodes each training sentence once per gold entity more: 10 epochs fit the budget.
    "srn_early_cpu_10_epochs": Variant(
        "Cascade-SRN, early fusion, JOINTRE_PROFILE=cpu, 10 epochs",
        {"trainer.num_epochs": 10},
        "cpu",
        "srn_{corpus}_early",
    ),
    "srn_late_cpu_10_epochs": Variant(
        "Cascade-SRN, late fusion, JOINTRE_PROFILE=cpu, 10 epochs",
        {"trainer.num_epochs": 10},
        "cpu",
        "srn_{corpus}_late",
    ),
    "sinet_cpu_profile": Variant("SINET (TAP + CTAM), JOINTRE_PROFILE=cpu", {}, "cpu", "sinet_{corpus}"),
    "sinet_base_cpu_profile": Variant(
        "SINET's Base (table 4: the raw CLS for both tasks, no TAP, no CTAM), JOINTRE_PROFILE=cpu",
        {"model.encoder.task_projections": False, "model.encoder.cross_task_attention": []},
        "cpu",
        "sinet_{corpus}",
    ),
}

REPORTED = (
    "ner_f1",
    "rel_strict_precision",
    "rel_strict_recall",
    "rel_strict_f1",
    "rel_f1",
    "ner_in_triple_f1",
    "ner_out_triple_f1",
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(REPOSITORY, "..", "shared", "datasets"), help="corpus root")
    parser.add_argument("--corpus", default="conll04", help="a corpus with configs for the variants' systems")
    parser.add_argument("--epochs", type=int, help="epochs of every run (default: the config's own)")
    parser.add_argument("--seeds", default="1,2", help="comma-separated seed numbers")
    parser.add_argument("--variants", required=True, help="comma-separated names: " + ", ".join(VARIANTS))
    parser.add_argument("--runs-dir", default=os.path.join(REPOSITORY, "runs", "study"))
    parser.add_argument("--table-only", action="store_true", help="print the table of the finished runs")
    parser.add_argument(
        "--relation-thresholds", default="", help="comma-separated relation thresholds to re-evaluate the runs at"
    )
    return parser.parse_args()


def seed_overrides(seed: int) -> Dict[str, int]:
    """AllenNLP's default seeds shifted by `seed`, so seed 0 is the configs' own run."""
    return {"random_seed": 13370 + seed, "numpy_seed": 1337 + seed, "pytorch_seed": 133 + seed}


def train(args: argparse.Namespace, run_dir: str, variant: Variant, seed: int) -> float:
    """Trains one run into `run_dir` and returns its wall time in seconds."""
    environment = dict(
        os.environ,
        JOINTRE_DATA=args.data,
        JOINTRE_EPOCHS="" if args.epochs is None else str(args.epochs),
        JOINTRE_CUDA_DEVICE="-1",
        JOINTRE_PROFILE=variant.profile,
    )
    baseline = BASELINE if variant.profile == "paper" else {}
    overrides = {**baseline, **variant.overrides, **seed_overrides(seed)}
    command = [
        ALLENNLP,
        "train",
        os.path.join(REPOSITORY, "training_configs", variant.config.format(corpus=args.corpus) + ".jsonnet"),
        "-s",
        run_dir,
        "--force",
        "--include-package",
        "jointre_plugins",
        "--overrides",
        json.dumps(overrides),
    ]
    started = time.time()
    with open(run_dir + ".log", "w") as log:
        subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT, cwd=REPOSITORY, env=environment)
    for checkpoint in glob.glob(os.path.join(run_dir, "*.th")):
        os.remove(checkpoint)
    return time.time() - started


def best_dev_metrics(run_dir: str) -> Optional[Dict[str, float]]:
    path = os.path.join(run_dir, "metrics.json")
    if not os.path.isfile(path):
        return None
    with open(path) as metrics_file:
        metrics = json.load(metrics_file)
    with open(os.path.join(run_dir, "config.json")) as config_file:
        epochs = json.load(config_file)["trainer"]["num_epochs"]
    result = {key: 100 * metrics[f"best_validation_{key}"] for key in REPORTED}
    result["best_epoch"] = metrics["best_epoch"] + 1
    result["epochs"] = epochs
    return result


def relation_threshold_metrics(run_dir: str, threshold: float) -> Optional[Dict[str, float]]:
    """Dev metrics of a finished run's archive with `relation_threshold` set to `threshold`."""
    archive = os.path.join(run_dir, "model.tar.gz")
    if not os.path.isfile(archive):
        return None
    path = os.path.join(run_dir, f"dev_relation_threshold_{threshold}.json")
    if not os.path.isfile(path):
        with open(os.path.join(run_dir, "config.json")) as config_file:
            dev_file = json.load(config_file)["validation_data_path"]
        command = [
            ALLENNLP,
            "evaluate",
            archive,
            dev_file,
            "--output-file",
            path,
            "--cuda-device",
            "-1",
            "--include-package",
            "jointre_plugins",
            "--overrides",
            json.dumps({"model.relation_threshold": threshold}),
        ]
        with open(path[: -len(".json")] + ".log", "w") as log:
            subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT, cwd=REPOSITORY)
    with open(path) as metrics_file:
        metrics = json.load(metrics_file)
    return {key: 100 * metrics[key] for key in REPORTED}


def seed_columns(runs: List[Dict[str, float]], keys: Tuple[str, ...]) -> str:
    """The mean ± sd of each key over the runs, then strict relation F1 seed by seed, as table cells."""
    columns = [summary([run[key] for run in runs]) for key in keys]
    per_seed = " / ".join(f"{run['rel_strict_f1']:.1f}" for run in runs)
    return " | ".join(columns) + f" | {per_seed}"


def summary(values: List[float]) -> str:
    if len(values) < 2:
        return f"{values[0]:.1f}"
    return f"{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f}"


def print_table(args: argparse.Namespace, variants: List[str], seeds: List[int]) -> None:
    print(
        f"\n{args.corpus}, dev split, model selected on dev NER F1 + strict relation F1; "
        "mean ± sd over seeds (micro, percent)\n"
    )
    print(
        "| variant | change | epochs | seeds | NER F1 | rel strict P | rel strict R | rel strict F1 "
        "| rel boundaries F1 | NER F1 in triples | NER F1 out of triples | F1 per seed | best epochs |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in variants:
        runs = [best_dev_metrics(os.path.join(args.runs_dir, args.corpus, name, f"seed{seed}")) for seed in seeds]
        done = [run for run in runs if run is not None]
        if not done:
            continue
        epochs = " / ".join(str(run["best_epoch"]) for run in done)
        lengths = "/".join(sorted({str(run["epochs"]) for run in done}))
        print(
            f"| {name} | {VARIANTS[name].description} | {lengths} | {len(done)} | "
            + seed_columns(done, REPORTED)
            + f" | {epochs} |"
        )


def print_threshold_table(
    args: argparse.Namespace, variants: List[str], seeds: List[int], thresholds: List[float]
) -> None:
    print("\nThe same runs re-evaluated on dev at other relation thresholds (entities and epoch unchanged)\n")
    print("| variant | relation threshold | seeds | rel strict P | rel strict R | rel strict F1 | F1 per seed |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in variants:
        for threshold in thresholds:
            runs = [
                relation_threshold_metrics(os.path.join(args.runs_dir, args.corpus, name, f"seed{seed}"), threshold)
                for seed in seeds
            ]
            done = [run for run in runs if run is not None]
            if not done:
                continue
            print(f"| {name} | {threshold} | {len(done)} | " + seed_columns(done, REPORTED[1:4]) + " |")


def main() -> None:
    args = arguments()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    variants = [name.strip() for name in args.variants.split(",") if name.strip()]
    unknown = [name for name in variants if name not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    if not args.table_only:
        for name in variants:
            for seed in seeds:
                run_dir = os.path.join(args.runs_dir, args.corpus, name, f"seed{seed}")
                if best_dev_metrics(run_dir) is not None:
                    continue
                os.makedirs(os.path.dirname(run_dir), exist_ok=True)
                seconds = train(args, run_dir, VARIANTS[name], seed)
                print(f"{args.corpus} {name} seed {seed}: {best_dev_metrics(run_dir)} in {seconds:.0f} s", flush=True)
    print_table(args, variants, seeds)
    if args.relation_thresholds:
        thresholds = [float(threshold) for threshold in args.relation_thresholds.split(",")]
        print_threshold_table(args, variants, seeds, thresholds)


if __name__ == "__main__":
    main()
