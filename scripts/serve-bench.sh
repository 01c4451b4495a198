#!/usr/bin/env bash
# Loopback benchmark of `wdl serve` with wrk at 1, 16 and 64 connections, 1-row and 100-row JSON
# requests, for the Adult model and the standard Criteo-layout model (each trained 1 epoch on the
# sample data); beside it, when flask, onnxruntime and gunicorn import, the Python peer
# (scripts/serve-bench/onnx_peer.py: Flask + onnxruntime under gunicorn, 2 workers) on the same
# models exported by `wdl export --onnx`, fed pre-encoded inputs. Prints a Markdown table and the
# load average before and after: on a shared machine the figures are only as good as it is idle.
# Usage: [REPLICAS=N] scripts/serve-bench.sh WDL [SECONDS per run, default 10] [PORT, default 18480]
#   (REPLICAS: `wdl serve --replicas`, default 1)
#   e.g. scripts/serve-bench.sh .build/release/wdl 10
set -euo pipefail
WDL="$1"; seconds="${2:-10}"; port="${3:-18480}"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
command -v wrk > /dev/null || { echo "serve-bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
peer=no
python3 -c 'import flask, onnxruntime, gunicorn' 2> /dev/null && peer=yes
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

wait_for() {  # URL
    for _ in $(seq 1 300); do curl -s -o /dev/null --max-time 1 "$1" && return 0; sleep 0.1; done
    echo "serve-bench: nothing answers at $1" >&2; exit 1
}

# JSON bodies of the first N rows of a data file, raw values (wdl serve) and encoded inputs (peer).
bodies() {  # NAME DATA DELIMITER [HEADER]
    local name="$1" data="$2" delimiter="$3" header="${4:-}"
    "$WDL" predict --model "$tmp/$name/final.safetensors" --data "$data" --out /dev/null --ids-out "$tmp/$name.ids.jsonl" 2> /dev/null
    python3 - "$data" "$delimiter" "$header" "$tmp/$name.ids.jsonl" "$tmp/$name" <<'PY'
import json, sys
data, delimiter, header, ids, out = sys.argv[1:6]
delimiter = "\t" if delimiter == "tab" else delimiter
lines = open(data).read().split("\n")
names = header.split(",") if header else lines.pop(0).split(delimiter)
rows = [dict((k, v) for k, v in zip(names, line.split(delimiter)) if v != "") for line in lines[:100] if line]
encoded = [json.loads(l) for l in open(ids).read().split("\n")[:100] if l.strip()]
for n in (1, 100):
    json.dump({"rows": rows[:n]}, open(f"{out}.raw{n}.json", "w"))
    json.dump({"rows": encoded[:n]}, open(f"{out}.ids{n}.json", "w"))
PY
}

# One row of the table per (server, model, rows per request, connections).
run_wrk() {  # SERVER MODEL ROWS BODY URL
    local server="$1" model="$2" rows="$3" body="$4" url="$5"
    for connections in 1 16 64; do
        local threads=$(( connections < 2 ? 1 : 2 ))
        BODY="$body" wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$here/serve-bench/post.lua" "$url" > "$tmp/wrk.txt" 2>&1 || true
        local rps p50 p99 errors
        rps=$(sed -n 's/^requests_per_s //p' "$tmp/wrk.txt"); p50=$(sed -n 's/^p50_ms //p' "$tmp/wrk.txt")
        p99=$(sed -n 's/^p99_ms //p' "$tmp/wrk.txt"); errors=$(sed -n 's/^errors //p' "$tmp/wrk.txt")
        local rowsps
        rowsps=$(python3 -c "print(f'{float(\"${rps:-0}\") * $rows:,.0f}')")
        echo "| $server | $model | $rows | $connections | ${rps:-?} | $rowsps | ${p50:-?} | ${p99:-?} | ${errors:-?} |"
    done
}

# The Python peer on MODEL's ONNX export: PEER_RAW=1 takes raw rows (BODIES raw), else encoded ones (ids).
peer_run() {  # SERVER MODEL PEER_RAW BODIES PORT
    local server="$1" model="$2" raw="$3" bodies="$4" peer_port="$5"
    (cd "$here/serve-bench" && PEER_RAW="$raw" ONNX_MODEL="$tmp/$model.onnx" exec python3 -m gunicorn -w 2 \
        -b "127.0.0.1:$peer_port" --log-level warning onnx_peer:app) &
    pids+=($!)
    for _ in $(seq 1 300); do
        curl -s -o /dev/null --max-time 1 -H 'Content-Type: application/json' --data @"$tmp/$model.${bodies}1.json" \
            "http://127.0.0.1:$peer_port/v1/predict" && break
        sleep 0.1
    done
    for rows in 1 100; do run_wrk "$server" "$model" "$rows" "$tmp/$model.$bodies$rows.json" "http://127.0.0.1:$peer_port/v1/predict"; done
    kill -TERM "${pids[-1]}"; wait "${pids[-1]}" || true
}

echo "| server | model | rows/request | connections | requests/s | rows/s | p50 ms | p99 ms | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
criteo_header="label,$(seq -s, -f 'I%g' 1 13),$(seq -s, -f 'C%g' 1 26)"
for model in adult ctr; do
    "$WDL" train --headless --config "sample-data/$model/$model.yaml" --epochs 1 --checkpoint-dir "$tmp/$model" > /dev/null
    if [ "$model" = adult ]; then bodies adult sample-data/adult/test.csv ,; else bodies ctr sample-data/ctr/valid.tsv tab "$criteo_header"; fi
    "$WDL" serve --model "$tmp/$model/final.safetensors" --port "$port" --replicas "${REPLICAS:-1}" > /dev/null 2> "$tmp/serve.log" &
    pids+=($!)
    wait_for "http://127.0.0.1:$port/healthz"
    for rows in 1 100; do run_wrk "wdl serve" "$model" "$rows" "$tmp/$model.raw$rows.json" "http://127.0.0.1:$port/v1/predict"; done
    kill -TERM "${pids[-1]}"; wait "${pids[-1]}" || true
    if [ "$peer" = yes ]; then
        "$WDL" export --onnx "$tmp/$model.onnx" "$tmp/$model/final.safetensors" > /dev/null
        peer_run "Flask + onnxruntime (pre-encoded)" "$model" 0 ids $((port + 1))
        # Like for like: raw rows encoded in the request by python/'s reference encoder.
        peer_run "Flask + onnxruntime + reference encoder (raw rows)" "$model" 1 raw $((port + 2))
    fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[ "$peer" = yes ] || echo "(the Python peer was skipped: pip install flask onnxruntime gunicorn)" >&2
