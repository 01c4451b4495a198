#!/usr/bin/env bash
# End-to-end checks of data-parallel training under mpirun (the MPI build, `--traits MPI`):
# identical replicas, N ranks × batch B against one process × batch N·B, uneven and empty
# shards, resume after a rank dies, --strict from every rank, streamed jobs (each rank its part of
# the file), metrics and checkpoints from rank 0, and a build without MPI refusing to run under mpirun.
# Usage: .ci/e2e-mpi.sh MPI_WDL [PLAIN_WDL]
set -euo pipefail
WDL="${1:-.build-mpi/release/wdl}"
PLAIN="${2:-}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e-mpi: $*" >&2; exit 1; }
# As root (CI containers) mpirun needs --allow-run-as-root; 3 ranks on 2 cores need --oversubscribe.
mpi() { local n="$1"; shift; mpirun --allow-run-as-root --oversubscribe -np "$n" "$@"; }
# Validated on test.csv (the shipped config holds out train.csv's tail), so that every rank trains on every training row.
adult=(train --headless --config sample-data/adult/adult.yaml --valid sample-data/adult/test.csv --threads 1 --eval-every 0)
# The "AUC …, logloss …" figures of a final summary line.
figures() { grep '^final:' "$1" | sed 's/.*valid AUC/AUC/; s/; skipped.*//'; }

# 1. Two ranks: identical replicas, rank 0's metrics log and checkpoint, and the figures of one
#    process with the job's batch (512 = 2 × 256) to summation-order rounding.
mpi 2 "$WDL" "${adult[@]}" --epochs 2 --metrics-out "$tmp/m.jsonl" --checkpoint-dir "$tmp/ck" > "$tmp/job.txt"
grep -q "replicas identical on 2 ranks" "$tmp/job.txt" || fail "replicas not confirmed identical: $(tail -3 "$tmp/job.txt")"
[ "$(grep -c '^final:' "$tmp/job.txt")" -eq 1 ] || fail "expected one summary (rank 0's)"
"$WDL" "${adult[@]}" --epochs 2 --batch-size 512 --metrics-out "$tmp/m1.jsonl" > "$tmp/one.txt"
python3 - "$tmp/m.jsonl" "$tmp/m1.jsonl" <<'PY'
import json, sys
job, one = ([json.loads(l) for l in open(p)] for p in sys.argv[1:3])
assert all(r["ranks"] == 2 and r["batch"] == 512 for r in job), "every record names 2 ranks and the job's batch"
assert all(r["ranks"] == 1 and r["batch"] == 512 for r in one)
a, b = job[-1], one[-1]
assert a["step"] == b["step"] and a["examples"] == b["examples"], (a["step"], b["step"])
for k in ("valid_auc", "valid_logloss"):
    assert abs(a[k] - b[k]) < 5e-4, f"{k}: 2 ranks {a[k]} vs 1 process {b[k]}"
for k in ("exchange_dense_bytes_per_step", "exchange_wide_bytes_per_step", "exchange_embedding_bytes_per_step"):
    assert a[k] > 0, k
print(f"2 ranks vs 1 process at batch 512: AUC {a['valid_auc']:.5f} vs {b['valid_auc']:.5f}; bytes/step dense "
      f"{a['exchange_dense_bytes_per_step']:.0f}, wide {a['exchange_wide_bytes_per_step']:.0f}, embeddings "
      f"{a['exchange_embedding_bytes_per_step']:.0f}")
PY
final_auc=$(python3 -c "import json,sys; print('%.4f' % [json.loads(l) for l in open(sys.argv[1])][-1]['valid_auc'])" "$tmp/m.jsonl")
"$WDL" eval --model "$tmp/ck/final.safetensors" --data sample-data/adult/test.csv --json > "$tmp/eval.json"
eval_auc=$(python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['auc'])" "$tmp/eval.json")
[ "$final_auc" = "$eval_auc" ] || fail "eval of rank 0's checkpoint: AUC $eval_auc, the job's final AUC $final_auc"

# 2. Uneven and empty shards over 3 ranks: 1,000 rows in job steps of 300 (the last 100 rows
#    split 34/33/33), and a 2-row file (rank 2 never has a row) with one row of each class (a
#    run needs both).
head -n 1001 sample-data/adult/train.csv > "$tmp/t1000.csv"
{ head -n 2 sample-data/adult/train.csv; awk -F, 'NR > 1 && $NF == 1 { print; exit }' sample-data/adult/train.csv; } > "$tmp/t2.csv"
for f in t1000 t2; do
    mpi 3 "$WDL" "${adult[@]}" --epochs 2 --batch-size 100 --train "$tmp/$f.csv" > "$tmp/$f.txt" \
        || fail "3 ranks on $f.csv did not finish: $(tail -3 "$tmp/$f.txt")"
    grep -q "replicas identical on 3 ranks" "$tmp/$f.txt" || fail "$f.csv: replicas not confirmed identical"
done

# 3. A rank dies: the job ends; resuming its last checkpoint with the same ranks reaches the
#    uninterrupted job's figures exactly.
mpi 2 "$WDL" "${adult[@]}" --epochs 4 > "$tmp/whole.txt"
mpi 2 "$WDL" "${adult[@]}" --epochs 4 --checkpoint-dir "$tmp/kill" --checkpoint-every 10000 > "$tmp/killed.txt" 2>&1 &
job=$!
for _ in $(seq 600); do compgen -G "$tmp/kill/step-*.safetensors" > /dev/null && break; sleep 0.05; done
rank1=$(grep -l "OMPI_COMM_WORLD_RANK=1" /proc/[0-9]*/environ 2>/dev/null | grep -o '[0-9]*' | head -n 1 || true)
[ -n "$rank1" ] || fail "no rank 1 to kill (the job ended before its first checkpoint?)"
kill -9 "$rank1"
if wait "$job"; then fail "the job went on after rank 1 was killed"; fi
last=$(ls -v "$tmp"/kill/step-*.safetensors | tail -n 1)
mpi 2 "$WDL" train --headless --resume "$last" --epochs 4 > "$tmp/resumed.txt"
[ "$(figures "$tmp/resumed.txt")" = "$(figures "$tmp/whole.txt")" ] \
    || fail "resumed job ($(figures "$tmp/resumed.txt")) differs from the uninterrupted one ($(figures "$tmp/whole.txt"))"
# The same checkpoint resumes in a single process too (a different batch from there on).
"$WDL" train --headless --resume "$last" --epochs 4 > "$tmp/alone.txt"
grep -q '^final:' "$tmp/alone.txt" || fail "a job's checkpoint did not resume alone"

# 4. --strict: a malformed row stops the job with an error naming the file and line.
{ head -n 50 sample-data/adult/train.csv; echo "39,State-gov,oops"; sed -n 51,400p sample-data/adult/train.csv; } > "$tmp/bad.csv"
if mpi 2 "$WDL" "${adult[@]}" --epochs 1 --strict --train "$tmp/bad.csv" > /dev/null 2> "$tmp/strict.txt"; then
    fail "--strict accepted a malformed row"
fi
grep -q "bad.csv:51" "$tmp/strict.txt" || fail "--strict error does not name file and line: $(head -5 "$tmp/strict.txt")"

# 5. --stream: each rank streams its part of the file (split at line starts); every row is
#    trained once per epoch, the replicas stay identical, and the figures are close to one
#    process streaming the file with the job's batch (another order of the same rows).
rows=$(($(wc -l < sample-data/adult/train.csv) - 1))
mpi 2 "$WDL" "${adult[@]}" --epochs 2 --stream --metrics-out "$tmp/sm.jsonl" > "$tmp/stream.txt" \
    || fail "a streamed job did not finish: $(tail -3 "$tmp/stream.txt")"
grep -q "replicas identical on 2 ranks" "$tmp/stream.txt" || fail "streamed job: replicas not confirmed identical"
"$WDL" "${adult[@]}" --epochs 2 --stream --batch-size 512 --metrics-out "$tmp/sm1.jsonl" > /dev/null
python3 - "$tmp/sm.jsonl" "$tmp/sm1.jsonl" "$rows" <<'PY'
import json, sys
job, one = ([json.loads(l) for l in open(p)] for p in sys.argv[1:3])
rows = int(sys.argv[3])
a, b = job[-1], one[-1]
assert a["examples"] == b["examples"] == 2 * rows, (a["examples"], b["examples"], rows)
assert abs(a["valid_auc"] - b["valid_auc"]) < 0.005, (a["valid_auc"], b["valid_auc"])
print(f"streamed: 2 ranks AUC {a['valid_auc']:.5f} vs 1 process {b['valid_auc']:.5f} at batch 512, {a['examples']} examples each")
PY
# A malformed row in rank 1's half of a streamed file (past the rows the features are fitted
# on): --strict stops the job naming its line.
{ head -n 3000 sample-data/adult/train.csv; echo "39,State-gov,oops"; sed -n 3001,4000p sample-data/adult/train.csv; } > "$tmp/sbad.csv"
if mpi 2 "$WDL" "${adult[@]}" --epochs 1 --stream --fit-rows 1000 --strict --train "$tmp/sbad.csv" > /dev/null 2> "$tmp/sstrict.txt"; then
    fail "--stream --strict accepted a malformed row"
fi
grep -q "sbad.csv:3001" "$tmp/sstrict.txt" || fail "streamed --strict error does not name file and line: $(head -5 "$tmp/sstrict.txt")"
grep -q "rank 1 of 2" "$tmp/sstrict.txt" || fail "the error should come from rank 1, which reads that part: $(head -5 "$tmp/sstrict.txt")"

# 6. A build without MPI refuses to run as one of several processes.
if [ -n "$PLAIN" ]; then
    if mpi 2 "$PLAIN" "${adult[@]}" --epochs 1 > /dev/null 2> "$tmp/plain.txt"; then fail "a build without MPI ran under mpirun"; fi
    grep -q "built without MPI" "$tmp/plain.txt" || fail "no clear refusal: $(head -3 "$tmp/plain.txt")"
fi
echo "e2e-mpi: passed"
