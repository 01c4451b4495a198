"""Summarizes compare.sh's results.jsonl: per system the median (min–max) of each figure, and per
pair the median of the ratios measured within a round (the fair comparison on a shared machine)."""
import json
import statistics
import sys

runs = [json.loads(line) for line in open(sys.argv[1])]
for r in runs:
    # Whole command: process start to exit, parsing, training and one validation pass included.
    # VW's whole job is its own driver time for the training and the test pass (no Python start-up).
    r["whole_examples_per_sec"] = r.get("whole_examples_per_sec") or round(r["train_rows"] / r["wall_seconds"])
names = list(dict.fromkeys(r["run"] for r in runs))
rounds = sorted({r["round"] for r in runs})


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    m = statistics.median(values)
    fmt = (lambda v: f"{v:.4f}") if m < 1 else (lambda v: f"{v:,.0f}")
    return f"{fmt(m)} ({fmt(min(values))} – {fmt(max(values))})" if len(values) > 1 else fmt(m)


print(f"{len(rounds)} rounds; median (min – max)\n")
print("| system | training ex/s, parsing excluded | whole command ex/s | valid AUC | peak RSS MB |")
print("| --- | --- | --- | --- | --- |")
for name in names:
    rs = [r for r in runs if r["run"] == name]
    system = rs[0].get("system", name)
    print(f"| {name} ({system}) | {spread([r.get('train_examples_per_sec') for r in rs])} | "
          f"{spread([r['whole_examples_per_sec'] for r in rs])} | {spread([r.get('valid_auc') for r in rs])} | "
          f"{spread([r['peak_rss_mb'] for r in rs])} |")


def ratio(a, b, key):
    values = []
    for n in rounds:
        x = [r for r in runs if r["run"] == a and r["round"] == n]
        y = [r for r in runs if r["run"] == b and r["round"] == n]
        if x and y and x[0].get(key) and y[0].get(key):
            values.append(x[0][key] / y[0][key])
    if values:
        each = ", ".join(f"{v:.2f}" for v in values)
        print(f"| {a} / {b} | {key} | {statistics.median(values):.2f}× | {each} |")


print("\n| ratio | figure | median | each round |")
print("| --- | --- | --- | --- |")
for peer in ("pytorch", "tensorflow"):
    ratio("wdl-wide-deep", peer, "train_examples_per_sec")
    ratio("wdl-wide-deep", peer, "whole_examples_per_sec")
ratio("wdl-wide", "vw", "whole_examples_per_sec")
ratio("wdl-wide", "vw", "train_examples_per_sec")
