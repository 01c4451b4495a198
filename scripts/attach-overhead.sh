#!/usr/bin/env bash
# Training throughput with K clients attached to the control socket against none: alternates the
# two on the same headless run, N times each, and prints each run's examples/s of training time
# (the final summary's). The clients speak the protocol of docs/control-protocol.md: hello
# (read-only), then read every update until the run says bye.
# Usage: scripts/attach-overhead.sh WDL CLIENTS RUNS [wdl train options...]
#   e.g. scripts/attach-overhead.sh .build/release/wdl 3 3 --format criteo --train t.tsv --valid v.tsv --epochs 1
set -euo pipefail
WDL="$1"; clients="$2"; runs="$3"; shift 3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
reader() {
    python3 - "$1" <<'PY'
import json, socket, sys, time
path = sys.argv[1]
for _ in range(400):
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(path); break
    except OSError:
        time.sleep(0.05)
s.sendall(b'{"type":"hello","version":1,"client":"attach-overhead reader","readOnly":true}\n')
f = s.makefile("rb")
messages = bytes_read = 0
for line in f:
    messages += 1; bytes_read += len(line)
    if json.loads(line).get("type") == "bye":
        break
print(f"reader: {messages} messages, {bytes_read} bytes", file=sys.stderr)
PY
}
rate() {
    local k="$1" sock="$tmp/run.sock"; shift
    rm -f "$sock"
    "$WDL" train --headless --control "$sock" "$@" > "$tmp/out.txt" 2>&1 &
    local job=$!
    local pids=()
    for _ in $(seq "$k"); do reader "$sock" 2>> "$tmp/readers.txt" & pids+=($!); done
    wait "$job"
    for p in "${pids[@]}"; do wait "$p" || true; done
    grep '^final:' "$tmp/out.txt" | grep -o '([0-9]* ex/s)' | tr -dc 0-9
}
none=() some=()
for _ in $(seq "$runs"); do
    none+=("$(rate 0 "$@")")
    some+=("$(rate "$clients" "$@")")
done
echo "no clients ex/s: ${none[*]}"
echo "$clients clients ex/s: ${some[*]}"
[ -f "$tmp/readers.txt" ] && tail -n "$clients" "$tmp/readers.txt"
