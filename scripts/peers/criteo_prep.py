"""Reads Criteo-layout TSV (as `wdl gen` writes it) into the arrays the peer Wide & Deep
implementations train on, with the same feature design as `wdl train --format criteo`:

- wide ids in one hashed space of 2^22: each categorical value, each numeric's quantile bucket
  (10 buckets fitted on the training file, missing is its own bucket) and the five crosses;
- embedding ids per categorical field, hashed into a table of the size wdl picks (32 rows per
  distinct training value rounded up to a power of two, at least 64, at most 100,000);
- numerics as sign(x)·log1p(|x|), standardized with the training mean and deviation, missing = 0.

The hashes are pandas' stable `hash_array` and a 64-bit mix, not wdl's FNV-1a: the model shape and
the feature set match, the exact ids do not (and need not). Parsing is pandas' C reader, what a
Python user would write. Written for scripts/peers/compare.sh; no wdl code depends on it.
"""
import time

import numpy as np
import pandas as pd

NUMERIC = [f"I{i}" for i in range(1, 14)]
CATEGORICAL = [f"C{i}" for i in range(1, 27)]
COLUMNS = ["label"] + NUMERIC + CATEGORICAL
CROSSES = [("C5", "C8"), ("C11", "C14"), ("C17", "C20"), ("C1", "C13"), ("C4", "C10")]
WIDE_SPACE = 1 << 22
EMBEDDING_BUDGET = 100_000
QUANTILES = 10
M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def mix64(x):
    """splitmix64's finalizer on a uint64 array (wrapping arithmetic)."""
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def salted(values, salt):
    with np.errstate(over="ignore"):
        return mix64(values ^ mix64(np.full(1, salt, dtype=np.uint64)))


def embedding_rows(distinct):
    rows = 64
    while rows < distinct * 32 and rows < EMBEDDING_BUDGET:
        rows *= 2
    return min(rows, EMBEDDING_BUDGET)


def read_tsv(path):
    dtypes = {"label": np.float32}
    dtypes.update({c: np.float32 for c in NUMERIC})
    dtypes.update({c: str for c in CATEGORICAL})
    frame = pd.read_csv(path, sep="\t", header=None, names=COLUMNS, dtype=dtypes,
                        keep_default_na=False, na_values={c: [""] for c in NUMERIC}, engine="c")
    return frame


class Layout:
    """What is fitted on the training file: quantile edges, numeric statistics, table sizes."""

    def __init__(self, frame):
        self.edges, self.mean, self.std = {}, {}, {}
        for c in NUMERIC:
            raw = frame[c].to_numpy()
            present = raw[~np.isnan(raw)]
            qs = np.quantile(present, np.linspace(0, 1, QUANTILES + 1)[1:-1]) if present.size else []
            self.edges[c] = np.unique(qs)
            logged = np.sign(present) * np.log1p(np.abs(present))
            self.mean[c] = float(logged.mean()) if present.size else 0.0
            self.std[c] = (float(logged.std()) or 1.0) if present.size else 1.0
        self.rows = [embedding_rows(frame[c].nunique()) for c in CATEGORICAL]


def encode(frame, layout):
    """Returns labels [N], wide ids [N × 44] (int64 in 2^22), embedding ids [N × 26] (each
    field's own rows), numerics [N × 13] float32."""
    n = len(frame)
    hashes = {c: pd.util.hash_array(frame[c].to_numpy(dtype=object)) for c in CATEGORICAL}
    wide = np.empty((n, len(CATEGORICAL) + len(NUMERIC) + len(CROSSES)), dtype=np.int64)
    embed = np.empty((n, len(CATEGORICAL)), dtype=np.int64)
    numeric = np.empty((n, len(NUMERIC)), dtype=np.float32)
    space = np.uint64(WIDE_SPACE)
    for f, c in enumerate(CATEGORICAL):
        wide[:, f] = (salted(hashes[c], 1000 + f) % space).astype(np.int64)
        embed[:, f] = (salted(hashes[c], 2000 + f) % np.uint64(layout.rows[f])).astype(np.int64)
    for j, c in enumerate(NUMERIC):
        raw = frame[c].to_numpy()
        missing = np.isnan(raw)
        bucket = np.searchsorted(layout.edges[c], np.where(missing, 0, raw), side="right")
        bucket = np.where(missing, QUANTILES + 1, bucket).astype(np.uint64)
        wide[:, len(CATEGORICAL) + j] = (salted(bucket, 3000 + j) % space).astype(np.int64)
        logged = np.sign(raw) * np.log1p(np.abs(raw))
        numeric[:, j] = np.where(missing, 0.0, (logged - layout.mean[c]) / layout.std[c])
    for k, (a, b) in enumerate(CROSSES):
        with np.errstate(over="ignore"):
            pair = mix64(hashes[a]) * np.uint64(31) + hashes[b]
        wide[:, len(CATEGORICAL) + len(NUMERIC) + k] = (salted(pair, 4000 + k) % space).astype(np.int64)
    return frame["label"].to_numpy(dtype=np.float32), wide, embed, numeric


def load(train_path, valid_path):
    """Parses and encodes both files; returns (train, valid, layout, seconds)."""
    start = time.perf_counter()
    train_frame = read_tsv(train_path)
    layout = Layout(train_frame)
    train = encode(train_frame, layout)
    del train_frame
    valid = encode(read_tsv(valid_path), layout)
    return train, valid, layout, time.perf_counter() - start


def auc(labels, scores):
    """Exact ROC AUC, ties given their average rank (Mann-Whitney U)."""
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average_rank = first + (counts + 1) / 2.0          # 1-based ranks averaged over each tie group
    ranks = np.repeat(average_rank, counts)
    positives = labels[order] > 0.5
    p, q = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - p * (p + 1) / 2) / (p * q))


def logloss(labels, probabilities):
    p = np.clip(probabilities.astype(np.float64), 1e-7, 1 - 1e-7)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


def peak_rss_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def add_run_arguments(parser):
    """The flags every wide & deep peer script takes."""
    parser.add_argument("--train", required=True)
    parser.add_argument("--valid", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--seed", type=int, default=1)


def report(system, args, train_rows, prep_seconds, train_seconds, timed_examples, call_seconds,
           valid_labels, valid_scores, valid_seconds):
    """Prints a wide & deep peer's one JSON line for compare.sh: training ex/s over the timed
    examples, the rate with this script's parsing (rows / (call + prep seconds)), validation."""
    import json
    print(json.dumps({
        "system": system, "threads": args.threads, "batch_size": args.batch_size, "train_rows": train_rows,
        "prep_seconds": round(prep_seconds, 2), "train_seconds": round(train_seconds, 2),
        "train_examples_per_sec": round(timed_examples / train_seconds), "train_call_seconds": round(call_seconds, 2),
        "with_parsing_examples_per_sec": round(train_rows / (call_seconds + prep_seconds)),
        "valid_examples_per_sec": round(len(valid_labels) / valid_seconds),
        "valid_auc": round(auc(valid_labels, valid_scores), 4),
        "valid_logloss": round(logloss(valid_labels, valid_scores), 4),
        "peak_rss_mb": round(peak_rss_mb()),
    }))
