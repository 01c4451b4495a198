#!/usr/bin/env bash
# End-to-end check of what wdl hands to other tools: TensorBoard reads the event file of a short
# run (with its own event reader), and predictions work in pipes ('-', /dev/stdout).
# Python packages come from PyPI into a virtual environment kept under .build/.
set -euo pipefail
WDL="${1:-.build/release/wdl}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e-ecosystem: $*" >&2; exit 1; }

venv=.build/e2e-venv
if ! "$venv/bin/python" -c "import tensorboard, numpy" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q tensorboard numpy
fi
PY="$venv/bin/python"

# 1. A short run with --tensorboard, read back by TensorBoard's own event reader.
"$WDL" gen --rows 20000 --seed 1 --out "$tmp/train.tsv" > /dev/null
"$WDL" gen --rows 4000 --seed 2 --out "$tmp/valid.tsv" > /dev/null
"$WDL" train --headless --format criteo --train "$tmp/train.tsv" --valid "$tmp/valid.tsv" --hash-buckets 262144 \
    --eval-every 4000 --metrics-out "$tmp/m.jsonl" --tensorboard "$tmp/tb" --checkpoint-dir "$tmp/ck" > "$tmp/train.txt"
"$PY" - "$tmp/tb" <<'PY'
import sys
from tensorboard.backend.event_processing import event_accumulator
acc = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={event_accumulator.SCALARS: 0})
acc.Reload()
tags = set(acc.Tags()["scalars"])
need = {"train/loss", "train/loss_smoothed", "valid/logloss", "valid/auc", "valid/accuracy", "train/examples_per_sec",
        "wide/sparsity", "hyperparameters/deep_lr", "hyperparameters/ftrl_alpha", "embeddings/C1/mean_norm",
        "deep/dense0/weight_norm", "deep/dense0/gradient_norm"}
missing = need - tags
assert not missing, f"TensorBoard sees no {sorted(missing)}; it has {sorted(tags)}"
for tag in need:
    steps = [e.step for e in acc.Scalars(tag)]
    assert steps == sorted(set(steps)), f"{tag}: steps not increasing: {steps}"
auc = acc.Scalars("valid/auc")
assert len(auc) >= 5 and auc[-1].value > 0.6, auc
print(f"tensorboard: {len(tags)} scalar tags, {len(auc)} evaluations, last AUC {auc[-1].value:.4f}")
PY
# The converted metrics log has the same evaluations.
"$WDL" export --tensorboard "$tmp/tb-export" "$tmp/m.jsonl" > /dev/null
"$PY" - "$tmp/tb" "$tmp/tb-export" <<'PY'
import sys
from tensorboard.backend.event_processing import event_accumulator
def auc(folder):
    acc = event_accumulator.EventAccumulator(folder, size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    return [(e.step, e.value) for e in acc.Scalars("valid/auc")]
assert auc(sys.argv[1]) == auc(sys.argv[2]), "export --tensorboard differs from the live log"
PY

# 2. Predictions in pipes: '-' on both sides, and /dev/stdout stays what it is.
model="$tmp/ck/final.safetensors"
rows=$("$WDL" predict --model "$model" --data - --out - < "$tmp/valid.tsv" 2>/dev/null | wc -l)
[ "$rows" -eq 4000 ] || fail "predict --out - | wc -l gave $rows lines, expected 4000"
"$WDL" predict --model "$model" --data "$tmp/valid.tsv" --out "$tmp/p.txt" > /dev/null
"$WDL" gen --rows 4000 --seed 2 --out - 2>/dev/null | "$WDL" predict --model "$model" --data - --out - 2>/dev/null \
    | cmp -s - "$tmp/p.txt" || fail "gen | predict through pipes differs from predict on files"
"$WDL" predict --model "$model" --data "$tmp/valid.tsv" --out /dev/stdout > "$tmp/p2.txt"
[ -L /dev/stdout ] || [ -c /dev/stdout ] || fail "/dev/stdout was replaced"
cmp -s "$tmp/p2.txt" "$tmp/p.txt" || fail "--out /dev/stdout differs"
echo "e2e-ecosystem: passed"
