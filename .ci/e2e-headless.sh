#!/usr/bin/env bash
# End-to-end check of the headless CLI on the bundled data: train, write metrics and
# checkpoints, evaluate the saved model, resume it exactly, and refuse bad input clearly.
set -euo pipefail
WDL="${1:-.build/release/wdl}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e-headless: $*" >&2; exit 1; }

# 1. Train Adult for 2 epochs with one thread, saving checkpoints and metrics.
"$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 2 --threads 1 --metrics-out "$tmp/m.jsonl" --checkpoint-dir "$tmp/ck" \
    > "$tmp/train.txt"
grep -q '^final:' "$tmp/train.txt" || fail "no final summary"
tail -n 1 "$tmp/m.jsonl" | grep -q '"final":true' || fail "metrics log has no final record"
python3 - "$tmp/m.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
evals = [r for r in rows if "valid_auc" in r]
need = ["step", "epoch", "examples", "seconds", "examples_per_sec", "train_logloss", "valid_logloss", "valid_auc",
        "valid_accuracy", "valid_mean_prediction", "valid_positive_rate", "wide_nonzero", "wide_touched",
        "wide_total", "skipped_rows", "deep_lr", "ftrl_alpha"]
missing = [k for k in need if k not in evals[-1]]
assert not missing, f"metrics record lacks {missing}"
assert evals[-1]["valid_auc"] > 0.9, evals[-1]
print(f"metrics log: {len(evals)} evaluations, final AUC {evals[-1]['valid_auc']:.4f}")
PY
test -f "$tmp/ck/final.safetensors" || fail "no final checkpoint"

# 2. The saved model evaluates to the run's final figures: its test figures (test.csv, scored
#    once at the end with the model it ended on; validation is the last 10% of train.csv).
final_auc=$(python3 -c "import json,sys; print('%.4f' % [json.loads(l) for l in open(sys.argv[1])][-1]['test_auc'])" "$tmp/m.jsonl")
"$WDL" eval --model "$tmp/ck/final.safetensors" --data sample-data/adult/test.csv --json > "$tmp/eval.json"
eval_auc=$(python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['auc'])" "$tmp/eval.json")
[ "$final_auc" = "$eval_auc" ] || fail "eval AUC $eval_auc differs from the run's final test AUC $final_auc"

# 3. Resume: 1 epoch + resume to 2 equals the uninterrupted 2-epoch run (threads = 1).
"$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --threads 1 --checkpoint-dir "$tmp/ck1" > /dev/null
"$WDL" train --headless --resume "$tmp/ck1/final.safetensors" --epochs 2 --threads 1 > "$tmp/resumed.txt"
a=$(grep '^final:' "$tmp/train.txt" | sed 's/.*valid AUC/AUC/; s/; skipped.*//')
b=$(grep '^final:' "$tmp/resumed.txt" | sed 's/.*valid AUC/AUC/; s/; skipped.*//')
[ "$a" = "$b" ] || fail "resumed run ($b) differs from the uninterrupted one ($a)"
# A run resumed past its epochs trains nothing and its log ends saying so; --seed on resume is
# refused for its real reason (the checkpoint's random state continues).
"$WDL" train --headless --resume "$tmp/ck1/final.safetensors" --threads 1 --metrics-out "$tmp/done.jsonl" > /dev/null
tail -n 1 "$tmp/done.jsonl" | grep -q '"event":"end".*nothing to train\|nothing to train.*"event":"end"' \
    || fail "a resumed completed run's log does not end with its end record: $(tail -n 1 "$tmp/done.jsonl")"
if "$WDL" train --headless --resume "$tmp/ck1/final.safetensors" --seed 5 2> "$tmp/err5.txt" > /dev/null; then fail "--seed accepted on resume"; fi
grep -q -- "--seed cannot be given when resuming: the run continues the random state" "$tmp/err5.txt" \
    || fail "--seed on resume refused for the wrong reason: $(cat "$tmp/err5.txt")"

# 4. Bad input: a clear error naming file and line, non-zero exit, no crash.
printf 'age,workclass\n1,2\n' > "$tmp/bad.csv"
if "$WDL" train --headless --config sample-data/adult/adult.yaml --train "$tmp/bad.csv" 2> "$tmp/err.txt" > /dev/null; then fail "bad data accepted"; fi
grep -q "bad.csv" "$tmp/err.txt" || fail "error does not name the file: $(cat "$tmp/err.txt")"
# Without a config, a CSV is not read with the bundled Adult one: the error shows the wdl init line.
if "$WDL" train --headless --train "$tmp/bad.csv" 2> "$tmp/err.txt" > /dev/null; then fail "a CSV without a config was accepted"; fi
grep -q "wdl init --from $tmp/bad.csv" "$tmp/err.txt" || fail "no wdl init hint: $(cat "$tmp/err.txt")"
printf 'data:\n  trian: x.csv\n' > "$tmp/bad.yaml"
if "$WDL" train --headless --config "$tmp/bad.yaml" 2> "$tmp/err2.txt" > /dev/null; then fail "bad config accepted"; fi
grep -q "bad.yaml:2: unknown key 'trian'" "$tmp/err2.txt" || fail "config error unclear: $(cat "$tmp/err2.txt")"

# Flags share the config's ranges (docs/robustness.md); a failed final checkpoint fails the run.
if "$WDL" train --headless --epochs 9223372036854775807 2> "$tmp/err3.txt" > /dev/null; then fail "huge --epochs accepted"; fi
grep -q -- "--epochs must be 1…1000000" "$tmp/err3.txt" || fail "--epochs error unclear: $(cat "$tmp/err3.txt")"
if "$WDL" train --headless --hidden 10,,5 2> /dev/null > /dev/null; then fail "--hidden 10,,5 accepted"; fi
if "$WDL" train --headless --embedding-l2 5000 2> "$tmp/err5.txt" > /dev/null; then fail "--embedding-l2 5000 accepted"; fi
grep -q -- "--embedding-l2: emb L2 must be in" "$tmp/err5.txt" || fail "--embedding-l2 error unclear: $(cat "$tmp/err5.txt")"
# --help states the code's defaults (the schema's); the README's config table is the generated one.
"$WDL" train --help | tr -s ' \n' ' ' > "$tmp/help.txt"
grep -q "optim.deep.lr, else 0.02)" "$tmp/help.txt" || fail "--deep-lr help does not say the default 0.02"
grep -q "else 100,50; 256,128 for --format criteo" "$tmp/help.txt" || fail "--hidden help lacks its defaults"
grep -q "the bundled sample-data/adult/live.yaml" "$tmp/help.txt" || fail "--config help names another default"
"$WDL" config-table > "$tmp/table.md"
sed -n '/<!-- config-table:begin -->/,/<!-- config-table:end -->/p' README.md | sed '1d;$d' | cmp -s - "$tmp/table.md" \
    || fail "README.md's config table is not \`wdl config-table\`'s"
if "$WDL" train --headless --epochs 1 --checkpoint-dir /proc/nope 2> "$tmp/err4.txt" > /dev/null; then fail "unwritable checkpoint folder accepted"; fi
grep -q "/proc/nope: cannot create the checkpoint folder" "$tmp/err4.txt" || fail "checkpoint folder error unclear: $(cat "$tmp/err4.txt")"

# 5. wdl gen is deterministic.
"$WDL" gen --rows 500 --seed 3 --out "$tmp/g1.tsv" > /dev/null
"$WDL" gen --rows 500 --seed 3 --out "$tmp/g2.tsv" > /dev/null
cmp -s "$tmp/g1.tsv" "$tmp/g2.tsv" || fail "wdl gen is not deterministic"
# 6. predict: one line per data row, in order, also without the label column; inspect names features.
cut -d, -f1-14 sample-data/adult/test.csv > "$tmp/unlabelled.csv"
"$WDL" predict --model "$tmp/ck/final.safetensors" --data "$tmp/unlabelled.csv" --out "$tmp/p.txt" 2> /dev/null
[ "$(wc -l < "$tmp/p.txt")" -eq "$(($(wc -l < sample-data/adult/test.csv) - 1))" ] || fail "predict: wrong number of lines"
"$WDL" predict --model "$tmp/ck/final.safetensors" --data sample-data/adult/test.csv --out "$tmp/p2.txt" 2> /dev/null
cmp -s "$tmp/p.txt" "$tmp/p2.txt" || fail "predict differs with and without the label column"
"$WDL" inspect "$tmp/ck/final.safetensors" > "$tmp/inspect.txt"
grep -q "education=" "$tmp/inspect.txt" || fail "inspect names no feature value"

# 7. Warm start: a wide-only and a deep-only run combined into a wide & deep run.
"$WDL" train --headless --config sample-data/adult/adult.yaml --mode wide --epochs 1 --checkpoint-dir "$tmp/w" > /dev/null
"$WDL" train --headless --config sample-data/adult/adult.yaml --mode deep --epochs 1 --checkpoint-dir "$tmp/d" > /dev/null
"$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --warm-start-wide "$tmp/w/final.safetensors" \
    --warm-start-deep "$tmp/d/final.safetensors" > "$tmp/warm.txt"
grep -q '^final:' "$tmp/warm.txt" || fail "warm-started run did not finish"
if "$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --embedding-dim 4 --warm-start-deep "$tmp/d/final.safetensors" \
    > /dev/null 2> "$tmp/warm-err.txt"; then fail "mismatched warm start accepted"; fi
grep -q "embedding_dim" "$tmp/warm-err.txt" || fail "warm start mismatch does not name the setting: $(cat "$tmp/warm-err.txt")"
# 8. SIGTERM (a scheduler's grace signal) stops a headless run as the dashboard's stop does: the
#    final evaluation and checkpoint are written and the run exits 0; the control socket is removed.
"$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 50 --checkpoint-dir "$tmp/term" \
    --control="$tmp/term.sock" > "$tmp/term.txt" 2>&1 &
job=$!
for _ in $(seq 200); do grep -q '^epoch' "$tmp/term.txt" && break; sleep 0.05; done
kill -TERM "$job"
wait "$job" || fail "a run stopped by SIGTERM exited non-zero: $(tail -3 "$tmp/term.txt")"
grep -q "SIGTERM: stopping after this minibatch" "$tmp/term.txt" || fail "SIGTERM not reported: $(tail -3 "$tmp/term.txt")"
grep -q '^final:' "$tmp/term.txt" || fail "no final summary after SIGTERM"
[ -f "$tmp/term/final.safetensors" ] || fail "SIGTERM: no final checkpoint"
[ ! -e "$tmp/term.sock" ] || fail "SIGTERM: the control socket was left behind"
# 9. An output that is an input by any name (symlink, ./ form, hard link) is refused before
#    anything is written: exit 1, "Error: " naming both, the input byte-identical.
ck="$tmp/ck/final.safetensors"
cp sample-data/adult/test.csv "$tmp/in.csv"
ln -s "$tmp/in.csv" "$tmp/in-link.csv"
ln "$tmp/in.csv" "$tmp/in-hard.csv"
sums=$(cksum "$tmp/in.csv" "$ck" sample-data/adult/adult.yaml)
refused() {
    local rc=0
    "$@" > "$tmp/alias.out" 2> "$tmp/alias.err" || rc=$?
    [ "$rc" -eq 1 ] || fail "an output aliasing an input exited $rc, not 1: $*"
    grep -q '^Error: .*would destroy that input' "$tmp/alias.err" || fail "no refusal for: $* ($(cat "$tmp/alias.err"))"
}
refused "$WDL" train --headless --config sample-data/adult/adult.yaml --valid "$tmp/in.csv" --epochs 1 --metrics-out "$tmp/in-link.csv"
refused "$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --metrics-out sample-data/adult/./adult.yaml
refused "$WDL" train --headless --resume "$ck" --epochs 3 --metrics-out "$tmp/ck/../ck/final.safetensors"
refused "$WDL" predict --model "$ck" --data "$tmp/in.csv" --out "$tmp/in-hard.csv"
refused "$WDL" export --onnx "$ck" "$ck"
refused "$WDL" init --from "$tmp/in.csv" --out "$tmp/in-link.csv"
[ "$(cksum "$tmp/in.csv" "$ck" sample-data/adult/adult.yaml)" = "$sums" ] || fail "a refused run changed an input"

# 10. Output that cannot be written (a full disk, a closed stream) is an error exit 1 with
#     "Error: " on the stream that works, never a crash or a silent exit 0; a headless run keeps
#     training without its log lines, saves its checkpoint and then fails saying so.
rc=0; "$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --checkpoint-dir "$tmp/full" \
    > /dev/full 2> "$tmp/full.err" || rc=$?
[ "$rc" -eq 1 ] || fail "train to a full stdout exited $rc"
[ -f "$tmp/full/final.safetensors" ] || fail "train to a full stdout saved no final checkpoint"
grep -q '^Error: .*log output was lost' "$tmp/full.err" || fail "train to a full stdout: $(cat "$tmp/full.err")"
# A small validation file: its warning goes to the closed stderr; the message comes on stdout.
head -n 301 sample-data/adult/test.csv > "$tmp/small.csv"
rc=0; "$WDL" train --headless --config sample-data/adult/adult.yaml --valid "$tmp/small.csv" --epochs 1 \
    --checkpoint-dir "$tmp/closed" > "$tmp/closed.out" 2>&- || rc=$?
[ "$rc" -eq 1 ] || fail "train with stderr closed exited $rc"
[ -f "$tmp/closed/final.safetensors" ] || fail "train with stderr closed saved no final checkpoint"
grep -q '^final:' "$tmp/closed.out" || fail "train with stderr closed: no summary on stdout"
grep -q '^Error: .*standard error' "$tmp/closed.out" || fail "train with stderr closed: $(tail -2 "$tmp/closed.out")"
for command in "eval --model $ck --data sample-data/adult/test.csv" "eval --json --model $ck --data sample-data/adult/test.csv" \
               "inspect $ck" "inspect --json $ck" "predict --model $ck --data sample-data/adult/test.csv --out -"; do
    for stdout in /dev/full closed; do
        rc=0
        if [ "$stdout" = closed ]; then $WDL $command >&- 2> "$tmp/stream.err" || rc=$?
        else $WDL $command > /dev/full 2> "$tmp/stream.err" || rc=$?; fi
        [ "$rc" -eq 1 ] || fail "wdl $command to stdout $stdout exited $rc"
        grep -q '^Error: .*standard output' "$tmp/stream.err" || fail "wdl $command to stdout $stdout: $(cat "$tmp/stream.err")"
    done
done
rc=0; "$WDL" predict --model "$ck" --data sample-data/adult/test.csv --out - > "$tmp/p-closed.txt" 2>&- || rc=$?
[ "$rc" -eq 1 ] || fail "predict --out - with stderr closed (its summary lost) exited $rc"
cmp -s "$tmp/p-closed.txt" "$tmp/p2.txt" || fail "predict --out - with stderr closed: the predictions differ (a message in them?)"

# 11. What a new user meets: eval on labels the model does not know says why rows were skipped
#     and fails when AUC is undefined; a multi-line error keeps its line breaks; file names with
#     escape sequences are printed escaped, in text and in JSON.
awk -F, 'NR == 1 || ($NF == 1 && n++ < 50)' sample-data/adult/test.csv > "$tmp/one-class.csv"
sed -n '2,6p' sample-data/adult/test.csv | sed 's/,[01]$/,yes/' >> "$tmp/one-class.csv"
rc=0; "$WDL" eval --model "$ck" --data "$tmp/one-class.csv" --max-skipped 10% > "$tmp/one.out" 2> "$tmp/one.err" || rc=$?
[ "$rc" -eq 1 ] || fail "eval with one class exited $rc"
grep -q "label value 'yes' is neither positive" "$tmp/one.err" || fail "eval does not say why rows were skipped: $(cat "$tmp/one.err")"
grep -q "^Error: $tmp/one-class.csv: AUC is undefined: all 50 rows evaluated are positive" "$tmp/one.err" || fail "eval: $(cat "$tmp/one.err")"
grep -q 'AUC undefined' "$tmp/one.out" || fail "eval prints a number for an undefined AUC: $(cat "$tmp/one.out")"
"$WDL" train --headless --train sample-data/adult/train.csv > /dev/null 2> "$tmp/noconfig.err" && fail "--train without a config accepted"
grep -q '^  wdl init --from sample-data/adult/train.csv --out run.yaml$' "$tmp/noconfig.err" || fail "the first CSV error is not on separate lines: $(cat "$tmp/noconfig.err")"
grep -q '\\n' "$tmp/noconfig.err" && fail "a literal \\n in the first CSV error"
hostile="$tmp/x$(printf '\033')[31m$(printf '\302\205\342\200\256')"
cp "$ck" "$hostile.safetensors"
"$WDL" export --onnx "$hostile.onnx" "$hostile.safetensors" > "$tmp/hostile.txt"
"$WDL" export --tensorboard "$hostile-tb" "$tmp/m.jsonl" >> "$tmp/hostile.txt"
"$WDL" init --from sample-data/adult/train.csv --out "$hostile.yaml" 2>> "$tmp/hostile.txt"
"$WDL" eval --json --model "$hostile.safetensors" --data sample-data/adult/test.csv >> "$tmp/hostile.txt"
"$WDL" inspect --json "$hostile.safetensors" > "$tmp/hostile.json"
python3 - "$tmp/hostile.txt" "$tmp/hostile.json" <<'PY'
import sys
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    raw = [c for c in text if c in "\x1b\x85\u202e"]
    assert not raw, f"{path}: raw {[hex(ord(c)) for c in raw]} reach the terminal"
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert sum("\\e[31m" in l for l in lines if l.startswith("wrote ")) == 3, lines
assert any('\\u001b[31m\\u0085\\u202E' in l for l in lines), lines
PY

# 12. SIGHUP (its terminal or SSH session gone) ends a headless run the same graceful way.
"$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 50 --checkpoint-dir "$tmp/hup" \
    > "$tmp/hup.txt" 2>&1 &
job=$!
for _ in $(seq 200); do grep -q '^epoch' "$tmp/hup.txt" && break; sleep 0.05; done
kill -HUP "$job"
wait "$job" || fail "a run stopped by SIGHUP exited non-zero: $(tail -3 "$tmp/hup.txt")"
grep -q "SIGHUP: stopping after this minibatch" "$tmp/hup.txt" || fail "SIGHUP not reported: $(tail -3 "$tmp/hup.txt")"
grep -q '^final:' "$tmp/hup.txt" || fail "no final summary after SIGHUP"
[ -f "$tmp/hup/final.safetensors" ] || fail "SIGHUP: no final checkpoint"
echo "e2e-headless: 12 passed, 0 failed"
