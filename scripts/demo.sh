#!/usr/bin/env bash
# The main job: train MGE with table filling on the CoNLL04 sample in fixtures/data/conll04 (200
# training and 50 development sentences of the real corpus), evaluate the archive, and predict on
# a raw sentence, with the offline MiniLM transformer and the short-budget profile
# (JOINTRE_PROFILE=cpu: 15 epochs, batch 4, lr 1e-4 for the transformer and 1e-3 for the rest,
# dropout 0.3).
# DEMO_EPOCHS changes the number of epochs.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
RUN=runs/demo
EPOCHS=${DEMO_EPOCHS:-15}
SENTENCE='John Smith , a reporter for the Boston Globe , lives in Cambridge .'

rm -rf "$RUN"
mkdir -p runs

step() { printf '\n== %s\n' "$1"; }
# AllenNLP logs every batch; the logs go to files and the demo prints what matters.
fail() {
    tail -n 40 "$1"
    printf '\nFailed: %s (full log: %s)\n' "$2" "$1"
    exit 1
}
run_logged() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 || fail "$log" "$*"
}

step "Training MGE on the CoNLL04 sample for $EPOCHS epochs, profile cpu (log: runs/demo.train.log)"
SECONDS=0
# The trainer writes metrics_epoch_N.json after each epoch; a line per file shows the progress
# that the full log hides. The demo runs on the CPU, where the README's figures were measured,
# unless JOINTRE_CUDA_DEVICE names a GPU.
JOINTRE_DATA=fixtures/data JOINTRE_PROFILE=cpu JOINTRE_EPOCHS=$EPOCHS JOINTRE_CUDA_DEVICE=${JOINTRE_CUDA_DEVICE:--1} \
    "$BIN/python" - runs/demo.train.log "$RUN" "$EPOCHS" \
    "$BIN/allennlp" train training_configs/mge_conll04.jsonnet -s "$RUN" \
    --include-package jointre_plugins <<'PY' || fail runs/demo.train.log "allennlp train"
import json, os, subprocess, sys, time
log_path, run, epochs, command = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
started, shown = time.monotonic(), 0
with open(log_path, "w") as log:
    training = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    while True:
        finished = training.poll() is not None
        while os.path.isfile(path := os.path.join(run, f"metrics_epoch_{shown}.json")):
            try:
                metrics = json.load(open(path))
            except json.JSONDecodeError:  # still being written: read it at the next look
                break
            print(
                f"epoch {shown + 1:>2}/{epochs}  loss {metrics['training_loss']:7.3f}  "
                f"dev NER F1 {100 * metrics['validation_ner_f1']:5.1f}  "
                f"relation strict F1 {100 * metrics['validation_rel_strict_f1']:5.1f}  "
                f"({time.monotonic() - started:4.0f} s)",
                flush=True,
            )
            shown += 1
        if finished:
            sys.exit(training.returncode)
        time.sleep(1)
PY
echo "trained in ${SECONDS}s"

step "Evaluating the archive on the development sample (log: runs/demo.evaluate.log)"
run_logged runs/demo.evaluate.log \
    "$BIN/allennlp" evaluate "$RUN/model.tar.gz" fixtures/data/conll04/dev.json \
    --include-package jointre_plugins --output-file "$RUN/metrics_dev.json"
"$BIN/python" - "$RUN/metrics_dev.json" <<'PY'
import json, sys
metrics = json.load(open(sys.argv[1]))
for key in ("ner_f1", "rel_f1", "rel_strict_f1"):
    print(f"{key:>14}: {100 * metrics[key]:5.1f}")
PY

step "Predicting on a raw sentence (log: runs/demo.predict.log)"
echo "{\"sentence\": \"$SENTENCE\"}" > "$RUN/input.jsonl"
run_logged runs/demo.predict.log \
    "$BIN/allennlp" predict "$RUN/model.tar.gz" "$RUN/input.jsonl" \
    --include-package jointre_plugins --output-file "$RUN/predictions.jsonl" --silent
"$BIN/python" - "$RUN/predictions.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    prediction = json.loads(line)
    tokens, entities = prediction["tokens"], prediction["entities"]
    name = lambda entity: " ".join(tokens[entity["start"]:entity["end"]])
    print(" ".join(tokens))
    for entity in entities:
        print(f"  entity   {entity['type']:<6} {name(entity)}")
    for relation in prediction["relations"]:
        head, tail = entities[relation["head"]], entities[relation["tail"]]
        print(f"  relation {relation['type']:<11} {name(head)} -> {name(tail)}")
PY

step "Done"
echo "archive:     $RUN/model.tar.gz"
echo "metrics:     $RUN/metrics.json (training), $RUN/metrics_dev.json (evaluation)"
echo "predictions: $RUN/predictions.jsonl"
