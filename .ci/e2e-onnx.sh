#!/usr/bin/env bash
# ONNX without skew: the reference encoder in python/ (written from docs/model.md's feature spec)
# turns raw rows into the graph's inputs; they must equal the inputs wdl computed (--ids-out)
# exactly, and ONNX Runtime over them must equal `wdl predict` to 1e-6 — on the Adult sample, a
# Criteo-layout file from `wdl gen` and a multi-valued sample made from Adult, each with crafted
# rows whose numbers sit exactly on (and one float32 step beside) every bucket boundary, missing
# values in every field, missing tokens (data.missing: every default one, quoted, padded, inside a
# multi-valued field, near misses; and Adult trained with a custom list, its '?' read as missing)
# and malformed rows. The package's own tests (pytest) run first.
# Python packages come from PyPI into the virtual environment .ci/e2e-ecosystem.sh uses.
set -euo pipefail
WDL="${1:-.build/release/wdl}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e-onnx: $*" >&2; exit 1; }

venv=.build/e2e-venv
if ! "$venv/bin/python" -c "import onnx, onnxruntime, numpy, pytest" 2>/dev/null; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q onnx onnxruntime numpy pytest
fi
PY="$venv/bin/python"

# 1. The encoder package's own tests.
(cd python && "../$PY" -m pytest -q -p no:cacheprovider) || fail "pytest of python/ failed"

# 2. The three samples, trained briefly.
"$WDL" gen --rows 20000 --seed 1 --out "$tmp/criteo-train.tsv" > /dev/null
"$WDL" gen --rows 2000 --seed 2 --out "$tmp/criteo-valid.tsv" > /dev/null
"$PY" - sample-data/adult "$tmp" <<'PY'
# A multi-valued sample from Adult: 'tags' (|) and 'places' (;), of 0 to 4 values, duplicates,
# empty parts and missing values included, chosen by row number (deterministic); and 'per_day',
# a decimal column, so that quantile boundaries are float32 values like 5.714 (5.7140002250671387).
import sys
src, out = sys.argv[1:3]
for name in ("train", "test"):
    lines = open(f"{src}/{name}.csv", encoding="utf-8").read().splitlines()
    head = lines[0].split(",")
    col = {c: i for i, c in enumerate(head)}
    rows = ["education,marital_status,gender,tags,places,age,hours_per_week,per_day,capital_gain,income_label"]
    for i, line in enumerate(lines[1:]):
        f = line.split(",")
        tags = [f[col["occupation"]]] + ([f[col["relationship"]]] if i % 2 else []) \
            + ([f[col["workclass"]]] * 2 if i % 3 == 0 else [])
        tags = "" if i % 7 == 0 else "|" if i % 11 == 0 else "|".join(tags) + ("||" if i % 5 == 0 else "")
        places = ";".join([f[col["native_country"]]] + ([f[col["race"]]] if i % 4 else []))
        rows.append(",".join([f[col["education"]], f[col["marital_status"]], f[col["gender"]], tags, places,
                              f[col["age"]], f[col["hours_per_week"]], f"{int(f[col['hours_per_week']]) / 7:.3f}",
                              f[col["capital_gain"]], f[col["income_label"]]]))
    open(f"{out}/multi-{name}.csv", "w", encoding="utf-8").write("\n".join(rows) + "\n")
PY
cat > "$tmp/multi.yaml" <<'YAML'
name: multi
data: {format: csv, label: income_label}
features:
  categorical: [education, marital_status, gender]
  multi_valued: {tags: "|", places: ";"}
  numeric: [age, hours_per_week, per_day, capital_gain]
  log: [capital_gain]
  buckets: {age: "quantile:8", hours_per_week: [3.14, 20, 40.5], per_day: "quantile:20"}
  crosses: [[education, tags], [age, places], [tags, places], [per_day, gender]]
  hash_buckets: 65536
  embedding_buckets: 4096
model: {mode: wide-deep, embedding_dim: 4, hidden: [16, 8]}
train: {epochs: 2, batch_size: 256, seed: 7, threads: 2}
YAML
# Adult as shipped, plus quantile buckets (float32 training values as boundaries); its test file
# (a path relative to the shipped config) is given with --valid below instead.
sed -e 's/^    age: \[.*\]$/&\n    hours_per_week: "quantile:10"\n    education_num: "quantile:5"\n    capital_gain: [0.1, 3.14, 5000]/' \
    -e '/^  test: test.csv$/d' sample-data/adult/adult.yaml > "$tmp/adult.yaml"
grep -q 'hours_per_week: "quantile:10"' "$tmp/adult.yaml" || fail "could not add quantile buckets to adult.yaml"
train() { "$WDL" train --headless --epochs 1 --checkpoint-dir "$tmp/$1" "${@:2}" > "$tmp/$1.train.txt" || fail "training $1: $(tail -3 "$tmp/$1.train.txt")"; }
train adult --config "$tmp/adult.yaml" --train sample-data/adult/train.csv --valid sample-data/adult/test.csv --hidden 32,16
# Adult with its '?' read as missing (data.missing: a custom list, which replaces the default one).
sed 's/^  negative: \["0"\]$/&\n  missing: ["", "?"]/' "$tmp/adult.yaml" > "$tmp/adult-q.yaml"
grep -q '^  missing: \["", "?"\]$' "$tmp/adult-q.yaml" || fail "could not add data.missing to adult.yaml"
train adult-q --config "$tmp/adult-q.yaml" --train sample-data/adult/train.csv --valid sample-data/adult/test.csv --hidden 32,16
train criteo --format criteo --train "$tmp/criteo-train.tsv" --valid "$tmp/criteo-valid.tsv" --hash-buckets 262144 \
    --hidden 32,16 --cross C5:C8 --cross C3:I2
train multi --config "$tmp/multi.yaml" --train "$tmp/multi-train.csv" --valid "$tmp/multi-test.csv"
train multi-deep --config "$tmp/multi.yaml" --train "$tmp/multi-train.csv" --valid "$tmp/multi-test.csv" --mode deep
train multi-wide --config "$tmp/multi.yaml" --train "$tmp/multi-train.csv" --valid "$tmp/multi-test.csv" --mode wide

# 3. Crafted rows from each exported spec: every boundary as the shortest text of its float32 (or
#    its float64 when a listed boundary is no float32), the float32 just below and above it, every
#    field missing in turn, all missing, and malformed rows; appended to the first data rows.
cat > "$tmp/craft.py" <<'PY'
import json, sys
import numpy as np
spec_path, data_path, out_path, keep = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
spec = json.load(open(spec_path))
csv = spec["csv"]
delimiter = csv["delimiter"]
lines = open(data_path, encoding="utf-8").read().splitlines()
if csv["header"]:
    header, body = lines[0], lines[1:]
    columns = header.split(delimiter)
else:
    header, body = None, lines
    columns = ["label"] + [f"I{i}" for i in range(1, 14)] + [f"C{i}" for i in range(1, 27)]
template = body[0].split(delimiter)
def row(changes):
    fields = list(template)
    for name, value in changes.items():
        fields[columns.index(name)] = value
    return delimiter.join(fields)
def texts(b):
    f = np.float32(b)
    if float(f) != b:  # a listed boundary that is no float32: the text as written
        return [repr(b), str(np.nextafter(f, np.float32(-np.inf))), str(np.nextafter(f, np.float32(np.inf)))]
    return [str(f), str(np.nextafter(f, np.float32(-np.inf))), str(np.nextafter(f, np.float32(np.inf)))]
crafted = []
for b in spec["buckets"]:
    field = spec["numeric"][b["numeric"]]["name"]
    for boundary in b["boundaries"]:
        crafted += [row({field: t}) for t in texts(boundary)]
features = [f["name"] for f in spec["categorical"] + spec["multi_valued"] + spec["numeric"]]
crafted += [row({name: ""}) for name in features]
crafted.append(row({name: "" for name in features}))
for f in spec["multi_valued"]:
    s = f["separator"]
    crafted += [row({f["name"]: s}), row({f["name"]: s * 3 + "x" + s + s + "x"}), row({f["name"]: "x" * 300 + s + "y"})]
for f in spec["categorical"][:2]:
    crafted.append(row({f["name"]: "never-seen-in-training"}))
number = spec["numeric"][0]["name"]
crafted += [row({number: "abc"}), row({number: "1e39"}), delimiter.join(template[:-1]),
            row({number: "-0"}), row({number: "1e-45"}), row({number: "12345678901234567890123"})]
# Missing tokens: the spec's own and every default one (a value, or no number, where the model's
# list lacks it), in each field in turn and in all at once; quoted (its bytes are the token), with
# spaces around (trimmed in csv, not in criteo), with a space inside the quotes (kept), as a part
# of a multi-valued field, and near misses. Pairs of row indices whose inputs must be the same (a
# listed token and the empty field) or differ (an unlisted token in a categorical field).
defaults = ["NA", "NaN", "nan", "null", "NULL", "\\N"]
listed = [t for t in spec["missing"] if t]
index = lambda: min(keep, len(body)) + len(crafted)
same, differ = [], []
quote = lambda t: '"' + t.replace('"', '""') + '"'
for token in dict.fromkeys(listed + defaults):
    for name in features:
        empty, tokened = index(), index() + 1
        crafted += [row({name: ""}), row({name: token}), row({name: quote(token)})]
        if token in listed:
            same += [[empty, tokened], [empty, tokened + 1]]
        elif name in [f["name"] for f in spec["categorical"]]:
            differ.append([empty, tokened])
        crafted += [row({name: " " + token + " "}), row({name: '" ' + token + '"'})]
    crafted += [row({name: token for name in features}), row({name: quote(token) for name in features})]
    for f in spec["multi_valued"]:
        crafted += [row({f["name"]: "a" + f["separator"] + token}), row({f["name"]: token + f["separator"] + token})]
for near in ["na", "Na", "NAB", "N", "nul", "\\n", "NaNa"]:
    crafted += [row({name: near}) for name in features[:3] + features[-2:]]
out = ([header] if header else []) + body[:keep] + crafted
open(out_path, "w", encoding="utf-8").write("\n".join(out) + "\n")
json.dump({"same": same, "differ": differ}, open(out_path + ".pairs.json", "w"))
print(len(crafted))
PY

# 4. wdl predict (and --ids-out) against the encoder and ONNX Runtime.
cat > "$tmp/parity.py" <<'PY'
import json, sys
import numpy as np, onnx, onnxruntime as ort
sys.path.insert(0, "python")
from wdl_features import Encoder
model, data, predictions, ids, pairs = sys.argv[1:6]
onnx.checker.check_model(onnx.load(model), full_check=True)
encoder = Encoder.load(model + ".features.json")
rows = encoder.encode_csv(open(data, "rb").read())
want = [line.strip() for line in open(predictions)]
wdl_inputs = [line.strip() for line in open(ids)]
assert len(rows) == len(want) == len(wdl_inputs), f"{len(rows)} encoded rows, {len(want)} predictions, {len(wdl_inputs)} input lines"
for i, (mine, p, theirs) in enumerate(zip(rows, want, wdl_inputs)):
    refused = isinstance(mine, Exception)
    assert refused == (p == ""), f"row {i}: encoder {'refuses: ' + str(mine) if refused else 'accepts'}, wdl predict gives {p!r}"
    if refused:
        continue
    theirs = json.loads(theirs)
    assert set(theirs) == set(mine), f"row {i}: inputs {sorted(mine)} against wdl's {sorted(theirs)}"
    for name, values in theirs.items():
        if name == "numeric":
            same = np.array_equal(np.array(values, dtype=np.float32), np.array(mine[name], dtype=np.float32))
        else:
            same = values == mine[name]
        assert same, f"row {i}: {name} {mine[name]} against wdl's {values}"
# The missing tokens the spec lists are what wdl reads as missing: wdl's own inputs for a row
# with a listed token equal those for the empty field; an unlisted token is a value of its own.
pairs = json.load(open(pairs))
for i, j in pairs["same"]:
    assert wdl_inputs[i] != "" and wdl_inputs[i] == wdl_inputs[j], f"rows {i} and {j}: a listed token is not the empty field"
for i, j in pairs["differ"]:
    assert wdl_inputs[i] != "" and wdl_inputs[i] != wdl_inputs[j], f"rows {i} and {j}: an unlisted token reads as missing"
good = [r for r in rows if not isinstance(r, Exception)]
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
got = session.run(["probability"], encoder.feeds(good))[0][:, 0]
expected = np.array([float(p) for p in want if p != ""])
worst = float(np.abs(got - expected).max())
assert worst <= 1e-6, f"{model}: ONNX Runtime over the encoder differs from wdl predict by {worst}"
# In batches of one too: padding must not matter.
single = np.array([session.run(["probability"], encoder.feeds([r]))[0][0, 0] for r in good[-40:]])
worst_single = float(np.abs(single - expected[-40:]).max())
assert worst_single <= 1e-6, f"{model}: one row at a time differs by {worst_single}"
print(f"e2e-onnx: {model.split('/')[-1]}: {len(good)} rows ({len(rows) - len(good)} refused by both), inputs identical, "
      f"largest difference {max(worst, worst_single):.1e}")
PY
for case in "adult sample-data/adult/test.csv 3000" "adult-q sample-data/adult/test.csv 3000" "criteo $tmp/criteo-valid.tsv 2000" \
            "multi $tmp/multi-test.csv 3000" "multi-deep $tmp/multi-test.csv 1000" "multi-wide $tmp/multi-test.csv 1000"; do
    set -- $case
    "$WDL" export --onnx "$tmp/$1.onnx" "$tmp/$1/final.safetensors" > /dev/null || fail "export of $1"
    spec="$tmp/$1.onnx.features.json"
    grep -q '"version": 2' "$spec" || fail "$1: the feature spec is not version 2"
    grep -q '"_0"' "$spec" && fail "$1: the feature spec leaks Swift's enum encoding"
    missing='"missing": ["", "NA", "NaN", "nan", "null", "NULL", "\\N"],'
    [ "$1" = adult-q ] && missing='"missing": ["", "?"],'
    grep -qF "  $missing" "$spec" || fail "$1: the feature spec does not list the model's missing values ($missing)"
    crafted=$("$PY" "$tmp/craft.py" "$spec" "$2" "$tmp/$1.rows" "$3")
    # The crafted rows refuse many on purpose: no limit on skipped rows.
    "$WDL" predict --model "$tmp/$1/final.safetensors" --data "$tmp/$1.rows" --out "$tmp/$1.p" --ids-out "$tmp/$1.ids" \
        --max-skipped 100% > /dev/null 2>&1 || fail "wdl predict on $1's rows"
    "$PY" "$tmp/parity.py" "$tmp/$1.onnx" "$tmp/$1.rows" "$tmp/$1.p" "$tmp/$1.ids" "$tmp/$1.rows.pairs.json" || fail "$1 ($crafted crafted rows): parity"
done
echo "e2e-onnx: passed"
