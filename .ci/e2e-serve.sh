#!/usr/bin/env bash
# End-to-end check of `wdl serve` as a user runs it: train a small model, serve it on an
# ephemeral loopback port, score rows with curl (JSON and CSV), compare with `wdl predict` on the
# same rows byte for byte, get 400s for bad rows, then SIGTERM: the server drains and exits 0.
set -euo pipefail
WDL="${1:-.build/release/wdl}"
tmp="$(mktemp -d)"
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "e2e-serve: $*" >&2; [ -f "$tmp/serve.log" ] && sed 's/^/  serve: /' "$tmp/serve.log" >&2; exit 1; }

# 1. A small model (1 epoch of Adult).
"$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --checkpoint-dir "$tmp/ck" > /dev/null
test -f "$tmp/ck/final.safetensors" || fail "no final checkpoint"

# 2. Serve the run's directory on a free port; the first line says where.
"$WDL" serve --model "$tmp/ck" --pick latest --port 0 > "$tmp/serve.out" 2> "$tmp/serve.log" &
server=$!
for _ in $(seq 1 300); do
    grep -q '^serving ' "$tmp/serve.out" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || fail "the server exited at start"
    sleep 0.1
done
url=$(sed -n 's/^serving .* on \(http:[^ ]*\)$/\1/p' "$tmp/serve.out" | head -n 1)
[ -n "$url" ] || fail "the server did not say where it listens"
case "$url" in http://127.0.0.1:*) ;; *) fail "not on loopback: $url" ;; esac
curl -sf --max-time 10 "$url/healthz" | grep -q '"status":"ok"' || fail "/healthz"

# 3. The first 2,000 test rows: CSV as it is, and the same rows as JSON (numbers as numbers).
head -n 2001 sample-data/adult/test.csv > "$tmp/rows.csv"
"$WDL" predict --model "$tmp/ck/final.safetensors" --data "$tmp/rows.csv" --out "$tmp/predict.txt" > /dev/null
python3 - "$tmp/rows.csv" "$tmp/rows.json" <<'PY'
import csv, json, sys
numeric = {"age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"}
rows = []
for r in csv.DictReader(open(sys.argv[1])):
    rows.append({k: (json.loads(v) if k in numeric else v) for k, v in r.items() if k != "income_label" and v != ""})
json.dump({"rows": rows}, open(sys.argv[2], "w"))
PY
curl -sf --max-time 30 -H 'Content-Type: text/csv' --data-binary @"$tmp/rows.csv" "$url/v1/predict" > "$tmp/csv.json" || fail "CSV predict"
curl -sf --max-time 30 -H 'Content-Type: application/json' --data-binary @"$tmp/rows.json" "$url/v1/predict" > "$tmp/json.json" || fail "JSON predict"
# The response's numbers as written (the Float's shortest form, as wdl predict writes it).
extract() { sed -n 's/^{"probabilities":\[\([^]]*\)\].*/\1/p' "$1" | tr ',' '\n'; }
extract "$tmp/csv.json" > "$tmp/csv.txt"
extract "$tmp/json.json" > "$tmp/json.txt"
[ "$(wc -l < "$tmp/csv.txt")" = 2000 ] || fail "CSV: $(wc -l < "$tmp/csv.txt") probabilities for 2000 rows"
cmp -s "$tmp/csv.txt" "$tmp/predict.txt" || fail "CSV answers differ from wdl predict"
cmp -s "$tmp/json.txt" "$tmp/predict.txt" || fail "JSON answers differ from wdl predict"
grep -q '"model":{"run_id":"[0-9a-f-]\{36\}","file":"[^"]*final.safetensors","step":[0-9]*' "$tmp/json.json" || fail "no model (with the run's id) in the response: $(head -c 300 "$tmp/json.json")"

# 4. Bad rows: a 400 naming the row and the field.
status=$(curl -s --max-time 10 -o "$tmp/bad.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"rows": [{"age": 30}, {"age": "old"}]}' "$url/v1/predict")
[ "$status" = 400 ] || fail "a bad value got $status"
grep -q '"row":1,"field":"age"' "$tmp/bad.json" || fail "the error does not name row 1, field age: $(cat "$tmp/bad.json")"
curl -sf --max-time 10 "$url/metrics" | grep -q '^wdl_serve_rows_scored_total 4000$' || fail "/metrics rows scored"

# 5. SIGTERM with a request in flight (its body half sent): the request is answered, then exit 0.
port=${url##*:}
python3 - "$port" "$server" <<'PY' || fail "the request in flight across SIGTERM was not answered"
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
body = b'{"rows": [{"age": 30}, {"age": 60}]}'
s = socket.create_connection(("127.0.0.1", port), timeout=20)
s.sendall(b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:10])
time.sleep(0.3)
os.kill(pid, signal.SIGTERM)
time.sleep(0.5)
s.sendall(body[10:])
reply = b""
while b"}}" not in reply:
    chunk = s.recv(65536)
    if not chunk: break
    reply += chunk
assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
assert b'"probabilities":[' in reply, reply[:200]
PY
code=0
wait "$server" || code=$?
server=""
[ "$code" = 0 ] || fail "exit status $code after SIGTERM"
grep -q 'wdl serve: stopped' "$tmp/serve.out" || fail "no 'stopped' line"
echo "e2e-serve: 2000 rows equal to wdl predict (CSV and JSON), 400 names row and field, SIGTERM drains the request in flight and exits 0"
