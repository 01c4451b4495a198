"""Raw rows to the ONNX graph's inputs, from a feature spec of version 2 (docs/model.md,
"The feature spec, byte for byte"); sections 1–5 there are the steps below."""

import json
import math

import numpy as np

from . import csvsplit, hashing
from .numbers import parse_float32

FORMAT = "wdl-feature-spec"
VERSIONS = (2,)
CRITEO_COLUMNS = ["label"] + [f"I{i}" for i in range(1, 14)] + [f"C{i}" for i in range(1, 27)]


class SpecError(ValueError):
    pass


class Encoder:
    def __init__(self, spec: dict):
        if spec.get("format") != FORMAT or spec.get("version") not in VERSIONS:
            raise SpecError(f"not a wdl feature spec of version {VERSIONS}: format {spec.get('format')!r}, "
                            f"version {spec.get('version')!r}")
        self.spec = spec
        csv = spec["csv"]
        self.criteo = csv["format"] == "criteo"
        self.delimiter = csv["delimiter"].encode("utf-8")[0]
        self.trim = csv["trim_spaces"]
        self.hash_buckets = spec["hash_buckets"]
        self.max_cross_ids = spec["hash"]["max_cross_ids"]
        self.categorical = spec["categorical"]
        self.multi = spec["multi_valued"]
        self.numeric = spec["numeric"]
        self.buckets = spec["buckets"]
        self.crosses = spec["crosses"]
        self.inputs = spec["inputs"]
        self.names = {i["name"] for i in self.inputs}
        self._states = [hashing.field_state(f["name"]) for f in self.categorical + self.multi]
        # Every bucket's hash, once: valueHash(hash_field, decimal index).
        self._bucket_hashes = [[hashing.value_hash(b["hash_field"], str(k).encode()) for k in range(b["missing_bucket"] + 1)]
                               for b in self.buckets]
        self._cross_states = [hashing.cross_state(c["name"]) for c in self.crosses]

    @classmethod
    def load(cls, path: str) -> "Encoder":
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    # Section 1: bytes to rows of named fields.
    def rows(self, data: bytes):
        """Each data row's fields by column name, or the RowError that refuses the row; blank lines
        are not rows (they get no prediction either). A column the spec needs and the header lacks
        refuses the whole file (SpecError)."""
        lines = csvsplit.lines(data)
        if all(csvsplit.is_blank(line) for line in lines):
            raise SpecError("the file is empty")
        if self.criteo:
            body = lines
            first = next((l for l in body if not csvsplit.is_blank(l)), b"")
            columns = CRITEO_COLUMNS[1:] if len(csvsplit.split(first, self.delimiter, False)) == 39 else CRITEO_COLUMNS
        else:
            columns = [c.decode("utf-8", "replace") for c in csvsplit.split(lines[0], self.delimiter, self.delimiter != csvsplit.TAB)]
            body = lines[1:]
        needed = [f["name"] for f in self.categorical + self.multi + self.numeric]
        absent = [name for name in needed if name not in columns]
        if absent:
            raise SpecError(f"the data has no column {', '.join(absent)} (its columns: {', '.join(columns)})")
        for line in body:
            if csvsplit.is_blank(line):
                continue
            try:
                fields = csvsplit.split(line, self.delimiter, self.trim)
                if len(fields) != len(columns):
                    raise csvsplit.RowError(f"expected {len(columns)} fields, found {len(fields)}")
                yield dict(zip(columns, fields))
            except csvsplit.RowError as error:
                yield error

    # Sections 2 and 4: one row's fields to its features.
    def encode_row(self, fields: dict) -> dict:
        """The graph's inputs for one row (lists, unpadded), from its fields' raw bytes."""
        singles = [hashing.value_hash(f["name"], fields[f["name"]], s) for f, s in zip(self.categorical, self._states)]
        multis = []
        for f, s in zip(self.multi, self._states[len(self.categorical):]):
            parts = [p for p in fields[f["name"]].split(f["separator"].encode("utf-8")) if p]
            multis.append([hashing.value_hash(f["name"], p, s) for p in parts or [b""]])
        xs = [parse_float32(fields[t["name"]]) for t in self.numeric]
        bucket_hashes = [self._bucket_hashes[k][self.bucket(b, xs[b["numeric"]])] for k, b in enumerate(self.buckets)]

        wide = singles + [h for values in multis for h in values] + bucket_hashes
        for c, cross in enumerate(self.crosses):
            lists = []
            for component in cross["components"]:
                if component["kind"] == "bucket":
                    lists.append([bucket_hashes[component["bucket"]]])
                elif component["table"] < len(singles):
                    lists.append([singles[component["table"]]])
                else:
                    lists.append(multis[component["table"] - len(singles)])
            wide += [hashing.cross_hash(cross["name"], combo, self._cross_states[c])
                     for combo in self.combinations(lists)]
        out = {"wide_ids": [h % self.hash_buckets for h in wide],
               "embedding_rows": [hashing.rehash(h) % f["embedding_rows"] for h, f in zip(singles, self.categorical)],
               "numeric": [self.standardize(t, x) for t, x in zip(self.numeric, xs)]}
        for k, (values, f) in enumerate(zip(multis, self.multi)):
            out[f"multi_rows_{k}"] = [hashing.rehash(h) % f["embedding_rows"] for h in values]
            out[f"multi_lengths_{k}"] = [len(values)]
        return out

    @staticmethod
    def bucket(bucketizer: dict, x) -> int:
        """Missing: the missing bucket; else the number of boundaries ≤ x, x widened to float64."""
        if x is None:
            return bucketizer["missing_bucket"]
        wide = float(x)  # float32 → float64 is exact
        return sum(1 for b in bucketizer["boundaries"] if b <= wide)

    @staticmethod
    def standardize(transform: dict, x) -> np.float32:
        if x is None:
            return np.float32(0)
        t = float(x)
        if transform["log"]:
            t = -math.log1p(-t) if t < 0 else math.log1p(t)
        return np.float32((t - transform["mean"]) / transform["deviation"])

    def combinations(self, lists):
        """One hash from each list, the last varying fastest, at most max_cross_ids."""
        out, index = [], [0] * len(lists)
        while len(out) < self.max_cross_ids:
            out.append([l[i] for l, i in zip(lists, index)])
            k = len(lists) - 1
            while k >= 0:
                index[k] += 1
                if index[k] < len(lists[k]):
                    break
                index[k] = 0
                k -= 1
            if k < 0:
                break
        return out

    # Section 5: rows to the graph's feeds, padded.
    def feeds(self, rows) -> dict:
        """numpy feeds for onnxruntime from encoded rows: lists padded to the batch's widest with
        each input's padding id, only the inputs the graph has."""
        feeds = {}
        for spec in self.inputs:
            name = spec["name"]
            if spec["type"] == "float32":
                feeds[name] = np.array([r[name] for r in rows], dtype=np.float32).reshape(len(rows), spec["shape"][1])
                continue
            width = spec["shape"][1] if isinstance(spec["shape"][1], int) else max(len(r[name]) for r in rows)
            padded = np.full((len(rows), width), spec.get("padding", 0), dtype=np.int64)
            for i, r in enumerate(rows):
                padded[i, :len(r[name])] = r[name]
            feeds[name] = padded
        return feeds

    def encode_csv(self, data: bytes):
        """Every data row of a file's bytes: its inputs, or the error that refuses it (`ValueError`)."""
        out = []
        for row in self.rows(data):
            if isinstance(row, Exception):
                out.append(row)
                continue
            try:
                out.append(self.encode_row(row))
            except ValueError as error:
                out.append(error)
        return out
