#!/usr/bin/env bash
# End-to-end check of the input layer: an Avazu-layout CSV and a Criteo TSV, plain, gzip'd,
# zstd'd and split into part files, train to the same final metrics (in memory and streamed);
# the streamed run's peak memory does not depend on the number of parts; standard input streams;
# hostile archives and parts are refused with an error naming the file (and offset or line).
set -euo pipefail
WDL="${1:-.build/release/wdl}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e-inputs: $*" >&2; exit 1; }
command -v gzip >/dev/null && command -v zstd >/dev/null || fail "needs the gzip and zstd tools"
[ -x /usr/bin/time ] || fail "needs /usr/bin/time (Debian package time)"

# 1. Data: the two layouts from one planted model each, and their compressed copies.
"$WDL" gen --rows 8000 --seed 1 --out "$tmp/criteo.tsv" > /dev/null
"$WDL" gen --rows 3000 --seed 2 --out "$tmp/criteo-valid.tsv" > /dev/null
"$WDL" gen --layout avazu --rows 8000 --seed 1 --out "$tmp/avazu.csv" > /dev/null
"$WDL" gen --layout avazu --rows 3000 --seed 2 --out "$tmp/avazu-valid.csv" > /dev/null
head -n 1 "$tmp/avazu.csv" | grep -q '^id,click,hour,C1,banner_pos,site_id,' || fail "avazu layout: wrong header"
for f in criteo.tsv avazu.csv; do
    gzip -k "$tmp/$f"
    zstd -q "$tmp/$f" -o "$tmp/$f.zst"
    # Names that say nothing: the content, not the name, tells the compression.
    cp "$tmp/$f.gz" "$tmp/$f.gz.data"; cp "$tmp/$f.zst" "$tmp/$f.zst.data"
done
# gzip members and zstd frames one after another, as `cat a.gz b.gz` makes.
head -n 3000 "$tmp/criteo.tsv" | gzip > "$tmp/multi.gz"; tail -n +3001 "$tmp/criteo.tsv" | gzip >> "$tmp/multi.gz"
head -n 3000 "$tmp/criteo.tsv" | zstd -q > "$tmp/multi.zst"; tail -n +3001 "$tmp/criteo.tsv" | zstd -q >> "$tmp/multi.zst"

# Parts: Criteo in 4 parts of mixed compression plus an empty part and a _SUCCESS marker;
# Avazu in 4 zstd parts, each with the header. Names sort in part order.
mkdir "$tmp/criteo-parts" "$tmp/avazu-parts"
split -n l/4 -d -a 4 "$tmp/criteo.tsv" "$tmp/criteo-parts/part-"
gzip "$tmp/criteo-parts/part-0001"; zstd -q --rm "$tmp/criteo-parts/part-0002"; gzip "$tmp/criteo-parts/part-0003"
: > "$tmp/criteo-parts/part-0004"; : > "$tmp/criteo-parts/_SUCCESS"
python3 - "$tmp/avazu.csv" "$tmp/avazu-parts" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines(keepends=True)
header, rows = lines[0], lines[1:]
n = len(rows) // 4
for k in range(4):
    chunk = rows[k * n:(k + 1) * n] if k < 3 else rows[3 * n:]
    open(f"{sys.argv[2]}/part-{k:04d}.csv", "w").write(header + "".join(chunk))
PY
for p in "$tmp"/avazu-parts/*.csv; do zstd -q --rm "$p"; done
# Eight parts of the Criteo file for the memory check.
mkdir "$tmp/criteo-8"; split -n l/8 -d -a 4 "$tmp/criteo.tsv" "$tmp/criteo-8/part-"

cat > "$tmp/avazu.yaml" <<'YAML'
name: avazu
data: {format: csv, label: click}
features:
  ignore: [id]
  categorical: [hour, C1, banner_pos, site_id, site_domain, site_category, app_id, app_domain, app_category,
                device_id, device_ip, device_model, device_type, device_conn_type, C14, C15, C16, C17, C18, C19, C20, C21]
  crosses: [[site_category, app_category], [device_model, C14], [C17, C20], [C1, device_conn_type], [site_domain, device_ip]]
  hash_buckets: 262144
  embedding_buckets: 20000
model: {mode: wide-deep, embedding_dim: 8, hidden: [32, 16]}
train: {epochs: 1, batch_size: 256, eval_every: 0, seed: 7, threads: 2}
YAML

# The final metrics of a run: "valid AUC …, logloss …, accuracy …".
metrics() { grep '^final:' "$1" | sed 's/.*valid AUC/AUC/; s/; skipped.*//'; }
criteo() { "$WDL" train --headless --format criteo --valid "$tmp/criteo-valid.tsv" --epochs 1 --seed 7 --threads 2 --train "$@"; }
avazu() { "$WDL" train --headless --config "$tmp/avazu.yaml" --valid "$tmp/avazu-valid.csv" --train "$@"; }

# 2. Every form of the same rows trains to the plain file's metrics, in memory and streamed.
for mode in memory stream; do
    flag=(); [ "$mode" = stream ] && flag=(--stream --fit-rows 3000)
    criteo "$tmp/criteo.tsv" "${flag[@]}" > "$tmp/c-$mode.txt"
    reference=$(metrics "$tmp/c-$mode.txt"); [ -n "$reference" ] || fail "criteo $mode: no final line"
    for form in criteo.tsv.gz criteo.tsv.zst criteo.tsv.gz.data criteo.tsv.zst.data multi.gz multi.zst criteo-parts \
                "criteo-parts/part-*" "criteo-parts/part-0000,criteo-parts/part-0001.gz,criteo-parts/part-0002.zst,criteo-parts/part-0003.gz"; do
        spec="$tmp/${form//,/,$tmp/}"
        criteo "$spec" "${flag[@]}" > "$tmp/c.txt" 2>&1 || { cat "$tmp/c.txt"; fail "criteo $mode $form: failed"; }
        [ "$(metrics "$tmp/c.txt")" = "$reference" ] || fail "criteo $mode $form: $(metrics "$tmp/c.txt") differs from the plain file's $reference"
    done
    avazu "$tmp/avazu.csv" "${flag[@]}" > "$tmp/a-plain.txt"
    reference=$(metrics "$tmp/a-plain.txt"); [ -n "$reference" ] || fail "avazu $mode: no final line"
    for form in avazu.csv.gz avazu.csv.zst avazu-parts "avazu-parts/*.zst"; do
        avazu "$tmp/$form" "${flag[@]}" > "$tmp/a.txt" 2>&1 || { cat "$tmp/a.txt"; fail "avazu $mode $form: failed"; }
        [ "$(metrics "$tmp/a.txt")" = "$reference" ] || fail "avazu $mode $form: $(metrics "$tmp/a.txt") differs from the plain file's $reference"
    done
    echo "inputs ($mode): plain, gzip, zstd, multi-member, parts: Criteo and Avazu train to the same metrics ($reference)"
done

# 3. Peak memory of a streamed run: 1 part vs 8 parts, within 10%.
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'; }
one=$(rss "$WDL" train --headless --format criteo --valid "$tmp/criteo-valid.tsv" --epochs 1 --seed 7 --stream --fit-rows 3000 --train "$tmp/criteo.tsv")
eight=$(rss "$WDL" train --headless --format criteo --valid "$tmp/criteo-valid.tsv" --epochs 1 --seed 7 --stream --fit-rows 3000 --train "$tmp/criteo-8")
python3 -c "import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); assert abs(b - a) <= 0.1 * a, f'peak RSS {a} kB with 1 part, {b} kB with 8'; print(f'streamed peak RSS: {a} kB with 1 part, {b} kB with 8 parts')" "$one" "$eight"

# 4. Standard input streams; a second epoch over a pipe is refused with the reason.
cat "$tmp/criteo.tsv" | criteo - --stream --fit-rows 3000 > "$tmp/stdin.txt" || fail "cat | wdl train --train - --stream failed"
criteo "$tmp/criteo.tsv" --stream --fit-rows 3000 > "$tmp/file.txt"
[ "$(metrics "$tmp/stdin.txt")" = "$(metrics "$tmp/file.txt")" ] || fail "stdin stream $(metrics "$tmp/stdin.txt") differs from the file's $(metrics "$tmp/file.txt")"
if cat "$tmp/criteo.tsv" | "$WDL" train --headless --format criteo --valid "$tmp/criteo-valid.tsv" --epochs 2 --stream --train - > "$tmp/o.txt" 2>&1; then
    fail "--train - --stream --epochs 2 was accepted"
fi
grep -q -- "--epochs 1" "$tmp/o.txt" || fail "--epochs 2 over a pipe: the error does not say --epochs 1: $(cat "$tmp/o.txt")"
gzip -c "$tmp/criteo.tsv" | criteo - > "$tmp/stdin-gz.txt" || fail "gzip | wdl train --train - (in memory) failed"
[ "$(metrics "$tmp/stdin-gz.txt")" = "$(metrics "$tmp/c-memory.txt")" ] || fail "gzip'd stdin in memory $(metrics "$tmp/stdin-gz.txt") differs from the file's $(metrics "$tmp/c-memory.txt")"
echo "standard input: streamed like the file ($(metrics "$tmp/stdin.txt")), gzip'd in memory like the file; --epochs 2 refused"

# 5. Hostile input: each an error naming the file (and offset or line), exit 1, no crash.
python3 - "$tmp" <<'PY'
import sys
t = sys.argv[1]
gz = bytearray(open(f"{t}/criteo.tsv.gz", "rb").read()); gz[len(gz) // 2] ^= 0xFF; gz[len(gz) // 2 + 1] ^= 0x55
open(f"{t}/corrupt.gz", "wb").write(gz)
zs = bytearray(open(f"{t}/criteo.tsv.zst", "rb").read()); zs[len(zs) // 2] ^= 0xFF; zs[len(zs) // 2 + 1] ^= 0x55
open(f"{t}/corrupt.zst", "wb").write(zs)
open(f"{t}/truncated.gz", "wb").write(open(f"{t}/criteo.tsv.gz", "rb").read()[:40000])
open(f"{t}/truncated.zst", "wb").write(open(f"{t}/criteo.tsv.zst", "rb").read()[:40000])
open(f"{t}/garbage-after.gz", "wb").write(open(f"{t}/criteo.tsv.gz", "rb").read() + b"not gzip")
plain = open(f"{t}/criteo.tsv", "rb").read(); cut = plain.index(b"\n", 50000) + 3
open(f"{t}/nul.tsv", "wb").write(plain[:cut] + b"\x00\x00x\x00" + plain[cut:])
PY
gzip -k "$tmp/nul.tsv"
mkdir "$tmp/empty-parts" "$tmp/mixed-headers"; : > "$tmp/empty-parts/part-0"; printf '\n\n' > "$tmp/empty-parts/part-1"
cp "$tmp/avazu-parts/part-0000.csv.zst" "$tmp/mixed-headers/"
tail -n +2 "$tmp/avazu-valid.csv" | sed '1i id,click,hour,C1,banner_pos,site_ID' | zstd -q > "$tmp/mixed-headers/part-0001.csv.zst"
refuse() {  # refuse NAME EXPECTED-TEXT ARGS...: the run fails with "Error: NAME…EXPECTED"
    local name="$1" expected="$2"; shift 2
    local status=0
    "$@" > "$tmp/h.txt" 2>&1 || status=$?
    [ "$status" -eq 1 ] || fail "$name: exit status $status (want 1): $(tail -n 3 "$tmp/h.txt")"
    grep -q "^Error: .*$expected" "$tmp/h.txt" || fail "$name: no 'Error: …$expected': $(tail -n 3 "$tmp/h.txt")"
}
for mode in memory stream; do
    flag=(); [ "$mode" = stream ] && flag=(--stream)
    refuse "corrupt gzip ($mode)" "corrupt.gz: corrupt gzip data at byte [0-9]" criteo "$tmp/corrupt.gz" "${flag[@]}"
    refuse "corrupt zstd ($mode)" "corrupt.zst: corrupt zstd data at byte [0-9]" criteo "$tmp/corrupt.zst" "${flag[@]}"
    refuse "truncated gzip ($mode)" "truncated.gz: truncated gzip archive: the data ends at byte 40000" criteo "$tmp/truncated.gz" "${flag[@]}"
    refuse "truncated zstd ($mode)" "truncated.zst: truncated zstd archive: the data ends at byte 40000" criteo "$tmp/truncated.zst" "${flag[@]}"
    refuse "garbage after gzip ($mode)" "garbage-after.gz: bytes after the end of the gzip data at byte" criteo "$tmp/garbage-after.gz" "${flag[@]}"
    refuse "empty parts ($mode)" "empty-parts (2 parts): every part is empty" criteo "$tmp/empty-parts" "${flag[@]}"
    refuse "different headers ($mode)" "part-0001.csv.zst:1: its header differs from the first part's" avazu "$tmp/mixed-headers" "${flag[@]}"
    refuse "no match ($mode)" "nothing-\*.gz: no file matches this pattern" criteo "$tmp/nothing-*.gz" "${flag[@]}"
    # NUL bytes inside a field are part of its value, compressed or not: the same result.
    criteo "$tmp/nul.tsv" "${flag[@]}" > "$tmp/n1.txt"; criteo "$tmp/nul.tsv.gz" "${flag[@]}" > "$tmp/n2.txt"
    [ "$(metrics "$tmp/n1.txt")" = "$(metrics "$tmp/n2.txt")" ] || fail "NUL bytes ($mode): gzip'd file trains differently from the plain one"
done
# eval and predict read archives too, and refuse a truncated one the same way.
criteo "$tmp/criteo.tsv.gz" --checkpoint-dir "$tmp/ck" > /dev/null
"$WDL" eval --model "$tmp/ck/final.safetensors" --data "$tmp/criteo-valid.tsv" --json > "$tmp/e1.json"
gzip -c "$tmp/criteo-valid.tsv" > "$tmp/valid.gz"; "$WDL" eval --model "$tmp/ck/final.safetensors" --data "$tmp/valid.gz" --json > "$tmp/e2.json"
python3 -c "import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); a.pop('data'); b.pop('data'); assert a == b, (a, b)" \
    "$tmp/e1.json" "$tmp/e2.json" || fail "eval of the gzip'd validation file differs from the plain one's"
refuse "eval truncated" "truncated.zst: truncated zstd archive" "$WDL" eval --model "$tmp/ck/final.safetensors" --data "$tmp/truncated.zst"
"$WDL" predict --model "$tmp/ck/final.safetensors" --data "$tmp/valid.gz" --out "$tmp/p.txt" > /dev/null
[ "$(wc -l < "$tmp/p.txt")" -eq 3000 ] || fail "predict on a gzip file: $(wc -l < "$tmp/p.txt") lines, want 3000"
echo "hostile inputs: corrupt, truncated and trailing-garbage archives, empty parts, different headers refused by name; NUL bytes read alike"
# wdl gen --endless: its prefix is the finite file; a reader that goes ends it with status 0
# (pipefail: a death by SIGPIPE would be 141); SIGINT ends it after a whole chunk of 8192 rows.
"$WDL" gen --rows 50000 --seed 3 --out "$tmp/g-rows.tsv" > /dev/null
"$WDL" gen --endless --seed 3 --out - 2> "$tmp/g-note.txt" | head -n 50000 > "$tmp/g-endless.tsv"
cmp -s "$tmp/g-rows.tsv" "$tmp/g-endless.tsv" || fail "gen --endless | head -n 50000 differs from gen --rows 50000"
grep -q "^wdl gen: endless criteo stream (seed 3, model seed 2016; no drift)" "$tmp/g-note.txt" || fail "gen --endless: no start note: $(cat "$tmp/g-note.txt")"
"$WDL" gen --endless --out - 2> /dev/null | head -c 1000000 > /dev/null || fail "gen --endless | head -c: exit status ${PIPESTATUS[0]} (want 0)"
"$WDL" gen --endless --seed 3 --out "$tmp/g-signal.tsv" 2> "$tmp/g-signal.txt" & gen_pid=$!
sleep 2; kill -INT "$gen_pid"; status=0; wait "$gen_pid" || status=$?
[ "$status" -eq 0 ] || fail "gen --endless stopped by SIGINT: exit status $status (want 0)"
lines=$(wc -l < "$tmp/g-signal.tsv")
[ "$lines" -gt 0 ] && [ $((lines % 8192)) -eq 0 ] || fail "gen --endless stopped by SIGINT: $lines rows, want whole chunks of 8192"
grep -q "SIGINT: stopped after $lines rows" "$tmp/g-signal.txt" || fail "gen --endless: no stop note for $lines rows: $(cat "$tmp/g-signal.txt")"
"$WDL" gen --rows "$lines" --seed 3 --out "$tmp/g-signal-rows.tsv" > /dev/null
cmp -s "$tmp/g-signal.tsv" "$tmp/g-signal-rows.tsv" || fail "gen --endless stopped by SIGINT: not the first $lines rows of the file"
# --drift-at: rows before the drift point are the plain file's; from it on only labels change
# (the features stay), about as many as a redrawn model should change; the summary gives each stretch's rate.
"$WDL" gen --rows 50000 --seed 3 --drift-at 20000 --out "$tmp/g-drift.tsv" > "$tmp/g-drift.txt"
cmp -s <(head -n 20000 "$tmp/g-rows.tsv") <(head -n 20000 "$tmp/g-drift.tsv") || fail "--drift-at 20000: rows before it changed"
cmp -s <(cut -f 2- "$tmp/g-rows.tsv") <(cut -f 2- "$tmp/g-drift.tsv") || fail "--drift-at 20000: features changed"
changed=$(paste <(cut -f 1 "$tmp/g-rows.tsv") <(cut -f 1 "$tmp/g-drift.tsv") | tail -n +20001 | awk '$1 != $2' | wc -l)
[ "$changed" -gt 3000 ] || fail "--drift-at 20000: only $changed of 30000 labels changed after the drift"
grep -q "^positive rate per model: rows 0..<20000 (model seed +0) 0\.[0-9]*, rows 20000..<50000 (model seed +1) 0\.[0-9]*$" "$tmp/g-drift.txt" \
    || fail "--drift-at: no per-stretch positive rates: $(cat "$tmp/g-drift.txt")"
"$WDL" gen --endless --rows 5 --out - > /dev/null 2> "$tmp/g-err.txt" && fail "gen --endless --rows: accepted"
grep -q -- "--rows and --endless exclude each other" "$tmp/g-err.txt" || fail "gen --endless --rows: $(cat "$tmp/g-err.txt")"
"$WDL" gen --rows 50 --drift-at 10,50 --out "$tmp/x.tsv" > /dev/null 2> "$tmp/g-err.txt" && fail "gen --drift-at past --rows: accepted"
grep -q -- "--drift-at 50 is not below --rows 50" "$tmp/g-err.txt" || fail "gen --drift-at past --rows: $(cat "$tmp/g-err.txt")"
[ ! -e "$tmp/x.tsv" ] || fail "gen --drift-at past --rows: wrote a file"
echo "gen --endless: its first 50000 rows are the file's; a closed pipe ends it with status 0, SIGINT after whole chunks; --drift-at changes $changed of 30000 labels after row 20000 and no feature"
echo "e2e-inputs: ok"
