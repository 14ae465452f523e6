#!/usr/bin/env bash
# The main job: train MGE with table filling on the CoNLL04 sample in fixtures/data/conll04 (200
# training and 50 development sentences of the real corpus), evaluate the archive, and predict on
# a raw sentence, with the offline MiniLM transformer. DEMO_EPOCHS and DEMO_LR change the run.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
RUN=runs/demo
EPOCHS=${DEMO_EPOCHS:-20}
LR=${DEMO_LR:-1e-4}
SENTENCE='John Smith , a reporter for the Boston Globe , lives in Cambridge .'

rm -rf "$RUN"
mkdir -p runs

step() { printf '\n== %s\n' "$1"; }
# AllenNLP logs every batch; the logs go to files and the demo prints what matters.
run_logged() {
    local log=$1
    shift
    if ! "$@" >"$log" 2>&1; then
        tail -n 40 "$log"
        printf '\nFailed: %s (full log: %s)\n' "$*" "$log"
        exit 1
    fi
}

step "Training MGE on the CoNLL04 sample for $EPOCHS epochs at lr $LR (log: runs/demo.train.log)"
SECONDS=0
JOINTRE_DATA=fixtures/data JOINTRE_EPOCHS=$EPOCHS run_logged runs/demo.train.log \
    "$BIN/allennlp" train training_configs/mge_conll04.jsonnet -s "$RUN" \
    --include-package jointre_plugins --overrides "{\"trainer.optimizer.lr\": $LR}"
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
