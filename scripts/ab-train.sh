#!/usr/bin/env bash
# A/B timing of two wdl binaries: alternates them on the same training run, N times each, and
# prints each run's training examples/s (this shared VM's speed drifts by 30–60% between minutes,
# so only alternated pairs are worth comparing).
# Usage: scripts/ab-train.sh A B [runs] TRAIN.tsv VALID.tsv [extra wdl train options...]
#   e.g. scripts/ab-train.sh old/wdl .build/release/wdl 3 train.tsv valid.tsv --batch-size 512
set -euo pipefail
A="$1"; B="$2"; runs="$3"; train="$4"; valid="$5"; shift 5
args=(train --headless --format criteo --train "$train" --valid "$valid" --epochs 1 --eval-every 0
      --cross C5:C8 --cross C11:C14 --cross C17:C20 --cross C1:C13 --cross C4:C10 "$@")
rate() { "$1" "${args[@]}" 2>&1 | grep '^final:' | grep -o '([0-9]* ex/s)' | tr -dc 0-9; }
a=() b=()
for _ in $(seq "$runs"); do
    a+=("$(rate "$A")")
    b+=("$(rate "$B")")
done
echo "A ex/s: ${a[*]}"
echo "B ex/s: ${b[*]}"
