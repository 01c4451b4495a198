#!/usr/bin/env bash
# End-to-end check of what wdl hands to other tools: TensorBoard reads the event file of a short
# run (with its own event reader), onnx's checker accepts the exported model and ONNX Runtime
# matches `wdl predict` to 1e-5, and predictions work in pipes ('-', /dev/stdout).
# Python packages come from PyPI into a virtual environment kept under .build/.
set -euo pipefail
WDL="${1:-.build/release/wdl}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e-ecosystem: $*" >&2; exit 1; }

venv=.build/e2e-venv
if ! "$venv/bin/python" -c "import tensorboard, onnx, onnxruntime, numpy" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q tensorboard onnx onnxruntime numpy
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
# A log as wdl view reads it, with CRLF line ends and a last line cut mid-write, converts to the
# same evaluations, and the cut line is reported.
sed 's/$/\r/' "$tmp/m.jsonl" > "$tmp/m-crlf.jsonl"
printf '{"step":99999,"seco' >> "$tmp/m-crlf.jsonl"
"$WDL" export --tensorboard "$tmp/tb-crlf" "$tmp/m-crlf.jsonl" > "$tmp/crlf.out" 2> "$tmp/crlf.err"
want=$(grep -c '"valid_auc"' "$tmp/m.jsonl")
grep -q "^wrote $want evaluations" "$tmp/crlf.out" || fail "export of a CRLF log with a cut line: $(cat "$tmp/crlf.out" "$tmp/crlf.err")"
grep -q "cut short" "$tmp/crlf.err" || fail "export does not say the last line was cut: $(cat "$tmp/crlf.err")"

# 2. Predictions in pipes: '-' on both sides, and /dev/stdout stays what it is.
model="$tmp/ck/final.safetensors"
rows=$("$WDL" predict --model "$model" --data - --out - < "$tmp/valid.tsv" 2>/dev/null | wc -l)
[ "$rows" -eq 4000 ] || fail "predict --out - | wc -l gave $rows lines, expected 4000"
"$WDL" predict --model "$model" --data "$tmp/valid.tsv" --out "$tmp/p.txt" > /dev/null
"$WDL" gen --rows 4000 --seed 2 --out - 2>/dev/null | "$WDL" predict --model "$model" --data - --out - 2>/dev/null \
    | cmp -s - "$tmp/p.txt" || fail "gen | predict through pipes differs from predict on files"
"$WDL" predict --model "$model" --data "$tmp/valid.tsv" --out /dev/stdout > "$tmp/p2.txt" 2> /dev/null
[ -L /dev/stdout ] || [ -c /dev/stdout ] || fail "/dev/stdout was replaced"
cmp -s "$tmp/p2.txt" "$tmp/p.txt" || fail "--out /dev/stdout differs"

# 3. ONNX: checker, then ONNX Runtime on the inputs wdl computed (--ids-out) against wdl predict,
#    on the Adult test set and on the synthetic Criteo-layout data.
cat > "$tmp/check_onnx.py" <<'PY'
import json, sys
import numpy as np, onnx, onnxruntime as ort
model, inputs, predictions = sys.argv[1:4]
onnx.checker.check_model(onnx.load(model), full_check=True)
rows = [json.loads(line) for line in open(inputs)]
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
types = {"wide_ids": np.int64, "embedding_rows": np.int64, "numeric": np.float32}
feeds = {i.name: np.array([r[i.name] for r in rows], dtype=types[i.name]) for i in session.get_inputs()}
got = session.run(["probability"], feeds)[0][:, 0]
want = np.array([float(line) for line in open(predictions)])
worst = np.abs(got - want).max()
assert len(got) == len(want) and worst <= 1e-5, f"{model}: ONNX Runtime differs from wdl predict by {worst}"
print(f"onnx: {model.split('/')[-1]}: {len(rows)} rows, largest difference {worst:.1e}")
PY
"$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --checkpoint-dir "$tmp/adult" > /dev/null
for case in "adult sample-data/adult/test.csv" "ck $tmp/valid.tsv"; do
    set -- $case
    "$WDL" export --onnx "$tmp/$1.onnx" "$tmp/$1/final.safetensors" > /dev/null
    test -s "$tmp/$1.onnx.features.json" || fail "no feature spec beside $1.onnx"
    "$WDL" predict --model "$tmp/$1/final.safetensors" --data "$2" --out "$tmp/$1.p" --ids-out "$tmp/$1.ids" > /dev/null
    "$PY" "$tmp/check_onnx.py" "$tmp/$1.onnx" "$tmp/$1.ids" "$tmp/$1.p"
done

# 4. wdl init on Adult's training file: the inferred config trains to within 0.01 AUC of the shipped one.
"$WDL" init --from sample-data/adult/train.csv --out "$tmp/init.yaml" 2> /dev/null
grep -q 'label: "income_label"' "$tmp/init.yaml" || fail "wdl init did not find the label: $(cat "$tmp/init.yaml")"
auc() { "$WDL" train --headless --config "$1" --valid sample-data/adult/test.csv --epochs 3 | sed -n 's/^final:.*valid AUC \([0-9.]*\).*/\1/p'; }
inferred=$(auc "$tmp/init.yaml")
shipped=$(auc sample-data/adult/adult.yaml)
python3 -c "import sys; a, b = map(float, sys.argv[1:]); assert abs(a - b) <= 0.01, (a, b); print(f'wdl init: AUC {a:.4f} against the shipped config {b:.4f}')" "$inferred" "$shipped" \
    || fail "wdl init's config reaches AUC $inferred, the shipped one $shipped"

# 5. wdl init on an Avazu-like export (a unique id, a time column, codes, NA prices): ids and the time column are
# left out, the split is by time, paths are relative; predict --keep-columns writes CSV that Python's csv reads back.
mkdir -p "$tmp/avazu/data" "$tmp/avazu/cfg"
python3 - "$tmp/avazu/data/train.csv" <<'PY'
import random, sys
r = random.Random(3)
with open(sys.argv[1], "w") as f:
    f.write("id,click,hour,C1,site_id,C14,price\n")
    for i in range(3000):
        site, c1 = r.choice(["1fbe01fe", "85f751fd", "d6137915", "e151e245"]), r.choice([1005, 1002, 1010])
        z = (0.8 if site in ("1fbe01fe", "d6137915") else -0.6) + (0.5 if c1 == 1002 else 0)
        price = "NA" if i % 10 == 3 else f"{r.random() * 100:.2f}"
        f.write(f"{10**19 + i * 7919},{int(r.random() < 1 / (1 + 2.718 ** -z))},141021{i * 7 % 10:02d},{c1},{site},"
                f"{15700 + (i % 40) * 37},{price}\n")
PY
wdl_path="$(cd "$(dirname "$WDL")" && pwd)/$(basename "$WDL")"  # run from the data's folder: relative paths
(cd "$tmp/avazu" && "$wdl_path" init --from data/train.csv --out cfg/run.yaml 2> init.err)
grep -q 'train: "../data/train.csv"' "$tmp/avazu/cfg/run.yaml" && grep -q 'holdout_by: "hour"' "$tmp/avazu/cfg/run.yaml" \
    && grep -q 'ignore: \["id", "hour"\]' "$tmp/avazu/cfg/run.yaml" && grep -q "C14: .*looks like a code" "$tmp/avazu/init.err" \
    || fail "wdl init on the Avazu-like file: $(cat "$tmp/avazu/cfg/run.yaml" "$tmp/avazu/init.err")"
"$WDL" train --headless --config "$tmp/avazu/cfg/run.yaml" --epochs 1 --checkpoint-dir "$tmp/avazu/ck" > "$tmp/avazu/train.txt" \
    || fail "training on wdl init's Avazu config failed"
grep -q "with hour ≥ 14102109" "$tmp/avazu/train.txt" || fail "no split by time: $(cat "$tmp/avazu/train.txt")"
(head -41 "$tmp/avazu/data/train.csv"; echo '"an ""odd"", id",0,14102101,1005,1fbe01fe,15700,oops') > "$tmp/avazu/score.csv"
"$WDL" predict --model "$tmp/avazu/ck/final.safetensors" --data "$tmp/avazu/score.csv" --out "$tmp/avazu/p.csv" \
    --keep-columns id,site_id --max-skipped 5% 2> /dev/null || fail "predict --keep-columns failed"
python3 - "$tmp/avazu/p.csv" <<'PY' || fail "predict --keep-columns output does not read back with Python's csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["id", "site_id", "probability"] and len(rows) == 42, rows[:2]
assert rows[-1] == ['an "odd", id', "1fbe01fe", ""], rows[-1]
assert all(0 < float(p) < 1 for _, _, p in rows[1:-1])
PY
if "$WDL" predict --model "$tmp/avazu/ck/final.safetensors" --data "$tmp/avazu/score.csv" --out "$tmp/avazu/q.csv" 2> "$tmp/avazu/q.err"; then
    fail "predict lost 1 of 41 rows (more than 1%) without stopping"
fi
grep -q "1 of 41 rows could not be read" "$tmp/avazu/q.err" || fail "data loss error unclear: $(cat "$tmp/avazu/q.err")"
echo "e2e-ecosystem: passed"
