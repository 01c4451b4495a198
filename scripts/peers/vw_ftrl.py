"""Vowpal Wabbit's FTRL on the wide part of wdl's standard Criteo model, for scripts/peers/compare.sh.

`convert` writes VW's own text format once (not timed): each categorical field in its own
namespace (C1..C26 → a..z), each numeric's quantile bucket (fitted on the training file, as
criteo_prep) in namespaces A..M, missing values as their own token. `run` then times VW's whole
job on those files as its command line would do it (`vw -d train.vw --ftrl ... -b 22 -q eh ...
-f model`, then `vw -t -i model -d valid.vw -p preds`), through the vowpalwabbit package's driver
(run_parser, the same C++ reader and learner as the vw binary), and prints one JSON line.

FTRL in wdl's setting: α 0.05, β 1, λ1 0.1, λ2 1 (VW's --ftrl uses the paper's convention), the
five crosses as quadratic interactions, a 2^22 weight space, logistic loss, one pass.
"""
import argparse
import json
import os
import tempfile
import time

import numpy as np

import criteo_prep as prep

CATEGORICAL_NAMESPACES = "abcdefghijklmnopqrstuvwxyz"
NUMERIC_NAMESPACES = "ABCDEFGHIJKLM"


def namespace(field):
    return CATEGORICAL_NAMESPACES[prep.CATEGORICAL.index(field)]


def convert(tsv, out, layout):
    frame = prep.read_tsv(tsv)
    buckets = []
    for c in prep.NUMERIC:
        raw = frame[c].to_numpy()
        b = np.searchsorted(layout.edges[c], np.nan_to_num(raw), side="right")
        buckets.append(np.where(np.isnan(raw), "m", b.astype(str)))
    categorical = [frame[c].to_numpy(dtype=object) for c in prep.CATEGORICAL]
    labels = frame["label"].to_numpy()
    with open(out, "w") as f:
        for i in range(len(frame)):
            parts = ["1" if labels[i] > 0.5 else "-1"]
            for ns, column in zip(CATEGORICAL_NAMESPACES, categorical):
                parts.append(f"|{ns} {column[i] or '_'}")
            for ns, column in zip(NUMERIC_NAMESPACES, buckets):
                parts.append(f"|{ns} b{column[i]}")
            f.write(" ".join(parts) + "\n")
    return labels


def run(args):
    import vowpalwabbit
    work = tempfile.mkdtemp(prefix="vw-ftrl-")
    model, predictions = os.path.join(work, "model.vw"), os.path.join(work, "preds.txt")
    quadratic = " ".join(f"-q {namespace(a)}{namespace(b)}" for a, b in prep.CROSSES)
    train_args = (f"-d {args.train_vw} --ftrl --ftrl_alpha 0.05 --ftrl_beta 1 --l1 0.1 --l2 1 -b 22 "
                  f"{quadratic} --loss_function logistic -f {model} --quiet")
    start = time.perf_counter()
    vw = vowpalwabbit.Workspace(train_args)
    vw.run_parser()
    vw.finish()
    train_seconds = time.perf_counter() - start
    vw = vowpalwabbit.Workspace(f"-t -i {model} -d {args.valid_vw} -p {predictions} --link logistic --quiet")
    vw.run_parser()
    vw.finish()
    whole_seconds = time.perf_counter() - start
    scores = np.loadtxt(predictions, dtype=np.float64)
    labels = np.array([line.startswith("1 ") for line in open(args.valid_vw)], dtype=np.float32)
    train_rows = sum(1 for _ in open(args.train_vw))
    print(json.dumps({
        "system": f"vowpal wabbit {vowpalwabbit.__version__} --ftrl", "train_rows": train_rows,
        "train_seconds": round(train_seconds, 2), "train_examples_per_sec": round(train_rows / train_seconds),
        "whole_seconds": round(whole_seconds, 2), "whole_examples_per_sec": round(train_rows / whole_seconds),
        "valid_auc": round(prep.auc(labels, scores), 4), "valid_logloss": round(prep.logloss(labels, scores), 4),
        "peak_rss_mb": round(prep.peak_rss_mb()),
    }))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("convert", help="write train.vw and valid.vw next to the TSV files")
    c.add_argument("--train", required=True)
    c.add_argument("--valid", required=True)
    c.add_argument("--out-dir", required=True)
    r = sub.add_parser("run")
    r.add_argument("--train-vw", required=True)
    r.add_argument("--valid-vw", required=True)
    args = parser.parse_args()
    if args.command == "convert":
        layout = prep.Layout(prep.read_tsv(args.train))
        convert(args.train, os.path.join(args.out_dir, "train.vw"), layout)
        convert(args.valid, os.path.join(args.out_dir, "valid.vw"), layout)
    else:
        run(args)


if __name__ == "__main__":
    main()
