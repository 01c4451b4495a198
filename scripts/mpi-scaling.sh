#!/usr/bin/env bash
# Data-parallel scaling on one machine, interleaved (this shared VM's speed drifts between minutes,
# so only runs alternated in one session compare): 1 process × 2 threads at batch 2B against
# 2 ranks × 1 thread at batch B each (shared memory, then TCP), and periodic averaging every K
# steps. Prints each run's training ex/s, final AUC and logloss, and the job's bytes per step.
# Usage: scripts/mpi-scaling.sh MPI_WDL TRAIN.tsv VALID.tsv [runs] [B] [K...]
#   e.g. scripts/mpi-scaling.sh .build-mpi/release/wdl /tmp/gen/train.tsv /tmp/gen/valid.tsv 3 256 8 64
set -euo pipefail
W="$1"; train="$2"; valid="$3"; runs="${4:-3}"; B="${5:-256}"; shift $(( $# < 5 ? $# : 5 ))
ks=("$@")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
args=(train --headless --format criteo --train "$train" --valid "$valid" --epochs 1 --eval-every 0
      --cross C5:C8 --cross C11:C14 --cross C17:C20 --cross C1:C13 --cross C4:C10)
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)
report() {  # name, metrics log
    python3 - "$1" "$2" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[2]) if "valid_auc" in l][-1]
b = ""
if "exchange_dense_bytes_per_step" in r:
    b = "  bytes/step dense %.0f wide %.0f embeddings %.0f" % (r["exchange_dense_bytes_per_step"],
        r["exchange_wide_bytes_per_step"], r["exchange_embedding_bytes_per_step"])
print("%-14s %8.0f ex/s  AUC %.5f  logloss %.5f  steps %d%s" % (sys.argv[1], r["examples_per_sec"], r["valid_auc"],
      r["valid_logloss"], r["step"], b), flush=True)
PY
}
for i in $(seq "$runs"); do
    "$W" "${args[@]}" --threads 2 --batch-size $((2 * B)) --metrics-out "$tmp/one.jsonl" > /dev/null
    report "1x2 threads" "$tmp/one.jsonl"
    "${mpi[@]}" "$W" "${args[@]}" --threads 1 --batch-size "$B" --metrics-out "$tmp/shm.jsonl" > /dev/null
    report "2x1 shm" "$tmp/shm.jsonl"
    "${mpi[@]}" --mca btl tcp,self "$W" "${args[@]}" --threads 1 --batch-size "$B" --metrics-out "$tmp/tcp.jsonl" > /dev/null
    report "2x1 tcp" "$tmp/tcp.jsonl"
    for k in "${ks[@]}"; do
        "${mpi[@]}" "$W" "${args[@]}" --threads 1 --batch-size "$B" --sync-every "$k" --metrics-out "$tmp/k$k.jsonl" > /dev/null
        report "2x1 shm K=$k" "$tmp/k$k.jsonl"
    done
done
