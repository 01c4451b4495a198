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
echo "e2e-headless: 8 passed, 0 failed"
