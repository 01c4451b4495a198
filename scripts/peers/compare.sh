#!/usr/bin/env bash
# Measures wdl against PyTorch, TensorFlow's DNNLinearCombinedClassifier and Vowpal Wabbit on the
# same data, model, batch size and thread count, interleaved: each round runs every system once,
# so a slow spell of this shared machine hits all of them; the summary gives medians and the
# median of each round's ratio. See scripts/peers/README.md for the set-up (the Python packages
# are several GB and are not needed by wdl, its tests or CI).
#
# Usage: scripts/peers/compare.sh DATA_DIR [rounds] [wdl binary]
#   DATA_DIR holds train.tsv and valid.tsv (`wdl gen`) and vw/train.vw, vw/valid.vw
#   (`vw_ftrl.py convert`); TORCH_PYTHON and TF_PYTHON name the two virtualenvs' interpreters.
set -euo pipefail
data="$(realpath "$1")"
rounds="${2:-3}"
WDL="$(realpath "${3:-.build/release/wdl}")"
TORCH_PYTHON="${TORCH_PYTHON:-${PEERS:-$HOME/wdl-peers}/torch/bin/python}"
TF_PYTHON="${TF_PYTHON:-${PEERS:-$HOME/wdl-peers}/tf/bin/python}"
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
crosses=(--cross C5:C8 --cross C11:C14 --cross C17:C20 --cross C1:C13 --cross C4:C10)
files=(--format criteo --train "$data/train.tsv" --valid "$data/valid.tsv")

# Runs a command under /usr/bin/time; appends {"run","round","wall_seconds","peak_rss_mb"} and the
# command's own JSON line (or wdl's final metrics record) to results.jsonl.
record() {
    local name="$1" round="$2"; shift 2
    /usr/bin/time -f '%e %M' -o "$out/time" "$@" > "$out/stdout" 2> "$out/stderr" || {
        echo "$name failed:"; tail -5 "$out/stderr"; exit 1; }
    python3 - "$name" "$round" "$out" >> "$out/results.jsonl" <<'EOF'
import json, sys
name, round_, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
wall, rss = open(f"{out}/time").read().split()[-2:]
record = {"run": name, "round": round_, "wall_seconds": float(wall), "peak_rss_mb": round(int(rss) / 1024)}
if name.startswith("wdl"):
    final = [json.loads(l) for l in open(f"{out}/metrics.jsonl") if '"final"' in l][-1]
    record.update(train_examples_per_sec=round(final["examples_per_sec"]), valid_auc=round(final["valid_auc"], 4),
                  valid_logloss=round(final["valid_logloss"], 4), train_rows=final["examples"])
else:
    record.update(json.loads(open(f"{out}/stdout").read().strip().splitlines()[-1]))
print(json.dumps(record))
EOF
    tail -1 "$out/results.jsonl"
}

for r in $(seq "$rounds"); do
    echo "── round $r of $rounds"
    record wdl-wide-deep "$r" "$WDL" train --headless "${files[@]}" "${crosses[@]}" --threads 2 --batch-size 512 \
        --eval-every 0 --metrics-out "$out/metrics.jsonl"
    (cd "$here" && record pytorch "$r" "$TORCH_PYTHON" torch_wide_deep.py --train "$data/train.tsv" \
        --valid "$data/valid.tsv" --threads 2 --batch-size 512)
    (cd "$here" && record tensorflow "$r" "$TF_PYTHON" tf_wide_deep.py --train "$data/train.tsv" \
        --valid "$data/valid.tsv" --threads 2 --batch-size 512)
    record wdl-wide "$r" "$WDL" train --headless --mode wide "${files[@]}" "${crosses[@]}" --threads 2 \
        --batch-size 512 --eval-every 0 --metrics-out "$out/metrics.jsonl"
    (cd "$here" && record vw "$r" "$TORCH_PYTHON" vw_ftrl.py run --train-vw "$data/vw/train.vw" \
        --valid-vw "$data/vw/valid.vw")
done
python3 "$here/summarize.py" "$out/results.jsonl"
echo "raw results: $out/results.jsonl"
