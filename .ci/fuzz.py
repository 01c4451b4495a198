#!/usr/bin/env python3
"""Seeded fuzz suite for the wdl release binary, bounded in time (see docs/robustness.md).

Drives `wdl` with the families registered in FAMILIES (each a method decorated with @family):
mutated data rows, mutated YAML configs, corrupted and crafted checkpoints, hostile flag values,
forged checkpoint layouts, a hostile control server for `wdl attach`, output streams that fail and
outputs that alias inputs; and classifies every run:
  crash       killed by a signal (a trap is SIGILL/SIGTRAP), or exit status >= 128
  hang        still running after the per-run timeout
  silent      exit 0 with a missing or non-finite output, or a flipped checkpoint byte accepted
  data loss   exit 0 from a run with a checkpoint folder but no final checkpoint in it, or an
              input file changed by a run that names it as an output
  message     an error that is not one first line "Error: ..." naming its source, or raw
              escape/bidi characters on stdout or stderr
Usage: fuzz.py WDL [--seed N] [--budget SECONDS] [--keep DIR]
       fuzz.py --reseal IN OUT   (rewrite a checkpoint with fresh checksums; the unit tests use it)
Exits 1 when any run is not clean; failing inputs are kept in --keep DIR (default: a temp dir).
The setup fails the run when a checkpoint re-sealed unchanged does not load with the same answer:
every crafted family depends on the re-sealing matching wdl's checksums.
"""
import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

from fuzz_registry import FAMILIES, family

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADULT = os.path.join(ROOT, "sample-data", "adult")
RUN_TIMEOUT = 30
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

# ---- CRC32C (Castagnoli), to craft checkpoints whose checksums are valid ----
_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


class SafeTensors:
    """A checkpoint split into header and data, re-serialized with fresh checksums."""

    def __init__(self, raw: bytes):
        n = struct.unpack("<Q", raw[:8])[0]
        self.header = json.loads(raw[8:8 + n])
        self.data = bytearray(raw[8 + n:])

    def tensor(self, name):
        begin, end = self.header[name]["data_offsets"]
        return begin, end

    def serialize(self) -> bytes:
        meta = self.header.setdefault("__metadata__", {})
        if "crc32c" in meta:
            sums = {}
            for name, info in self.header.items():
                if name == "__metadata__":
                    continue
                b, e = info["data_offsets"]
                sums[name] = "%08x" % crc32c(bytes(self.data[b:e]))
            meta["crc32c"] = json.dumps(sums, separators=(",", ":"), sort_keys=True)
        if "metadata_crc32c" in meta:
            # wdl's metadata checksum (CheckpointIntegrity.metadataChecksum) covers the metadata
            # the SafeTensors reader hands it: every key but the tensor checksums ("crc32c", which
            # the reader takes out) and the metadata checksum itself, in UTF-8 byte order, each key
            # and value followed by a 0 byte.
            blob = b""
            for key in sorted(meta, key=lambda k: k.encode()):
                if key not in ("metadata_crc32c", "crc32c"):
                    blob += key.encode() + b"\0" + meta[key].encode() + b"\0"
            meta["metadata_crc32c"] = "%08x" % crc32c(blob)
        text = json.dumps(self.header, separators=(",", ":")).encode()
        text += b" " * ((8 - len(text) % 8) % 8)
        return struct.pack("<Q", len(text)) + text + bytes(self.data)


# ---- the runs ----
class Fuzzer:
    def __init__(self, wdl, seed, budget, keep):
        self.wdl = os.path.abspath(wdl)
        self.rng = random.Random(seed)
        self.seed = seed
        self.deadline = time.monotonic() + budget
        self.work = tempfile.mkdtemp(prefix="wdl-fuzz-")
        self.keep = keep
        self.counts = {name: {"tried": 0, "clean": 0, "crash": 0, "hang": 0, "silent": 0, "data loss": 0, "message": 0}
                       for name, _ in FAMILIES}
        self.failures = []
        self.case = 0

    def path(self, name):
        return os.path.join(self.work, name)

    def run(self, args, timeout=RUN_TIMEOUT):
        try:
            p = subprocess.run([self.wdl] + args, capture_output=True, timeout=timeout, cwd=self.work)
            self.last = (p.returncode, p.stderr.decode("utf-8", "replace")[:300])
            return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            self.last = (None, "timeout")
            return None, "", ""

    # The base material: a small slice of Adult, a fast config, a trained checkpoint.
    def setup(self):
        with open(os.path.join(ADULT, "train.csv")) as f:
            self.train_lines = [next(f) for _ in range(801)]
        with open(os.path.join(ADULT, "test.csv")) as f:
            self.valid_lines = [next(f) for _ in range(301)]
        open(self.path("train.csv"), "w").writelines(self.train_lines)
        open(self.path("valid.csv"), "w").writelines(self.valid_lines)
        with open(os.path.join(ADULT, "adult.yaml")) as f:
            text = f.read()
        text = text.replace("hash_buckets: 1048576", "hash_buckets: 4096")
        text = re.sub(r"hidden: \[[^\]]*\]", "hidden: [8]", text)
        text = text.replace("epochs: 10", "epochs: 1").replace("threads: 2", "threads: 1").replace("eval_every: 20000", "eval_every: 0")
        text = text.replace("  test: test.csv", "  valid: valid.csv")
        self.config_text = text
        open(self.path("base.yaml"), "w").write(text)
        code, out, err = self.run(["train", "--headless", "--config", "base.yaml", "--checkpoint-dir", "base"])
        assert code == 0, f"the base run failed: {err}"
        self.checkpoint = open(self.path("base/final.safetensors"), "rb").read()
        code, out, err = self.run(["eval", "--model", "base/final.safetensors", "--data", "valid.csv", "--json"])
        assert code == 0, err
        self.base_eval = out
        self.check_reseal()

    @staticmethod
    def answer(eval_json):
        """An eval's figures without the model's file name."""
        figures = json.loads(eval_json)
        figures.pop("model", None)
        return figures

    def check_reseal(self):
        """The base checkpoint re-sealed unchanged must load and answer as the original: if it did
        not, every crafted case would be refused by a checksum and test nothing else."""
        open(self.path("resealed.safetensors"), "wb").write(SafeTensors(self.checkpoint).serialize())
        code, out, err = self.run(["eval", "--model", "resealed.safetensors", "--data", "valid.csv", "--json"])
        if code != 0 or self.answer(out) != self.answer(self.base_eval):
            raise SystemExit(f"fuzz setup: a checkpoint re-sealed unchanged does not load as the original "
                             f"(exit {code}): {err.strip()[:300]}; fix SafeTensors.serialize")
        code, out, err = self.run(["inspect", "resealed.safetensors"])
        if code != 0:
            raise SystemExit(f"fuzz setup: wdl inspect refuses a checkpoint re-sealed unchanged: {err.strip()[:300]}")

    def record(self, family, outcome, args, files):
        c = self.counts[family]
        c["tried"] += 1
        c[outcome if outcome in c else "message"] += 1
        if outcome != "clean":
            folder = os.path.join(self.keep, f"case-{self.case}")
            os.makedirs(folder, exist_ok=True)
            for f in files:
                if os.path.exists(self.path(f)):
                    shutil.copy(self.path(f), folder)
            self.failures.append(f"[{family}] {outcome}: wdl {' '.join(args)!r} (inputs in {folder}); "
                                 f"exit {self.last[0]}: {self.last[1]!r}")

    def classify(self, code, out, err, sources):
        """The outcome of a run that exited `code`; `sources` are the names an error may cite."""
        if code is None:
            return "hang"
        if code < 0 or code >= 128:
            return "crash"
        if UNSAFE.search(out.replace("\n", "").replace("\t", "")) or UNSAFE.search(err.replace("\n", "").replace("\t", "")):
            return "message"
        if code != 0:
            # The source: a given name, or "<file or key>: message", or a config section or flag.
            # Warnings (a column used nowhere) may come first; the error is the first other line.
            first = next((l for l in err.split("\n") if not l.startswith("warning: ")), "")
            named = any(s in first for s in sources) or re.match(r"Error: [^ ]+:[ 0-9]", first) \
                or re.search(r"\b(data|features|model|optim|train)[.:']|--[a-z]", first)
            if not first.startswith("Error: ") or not named:
                return "message"
        return "clean"

    # -- families --
    def mutate_value(self):
        return self.rng.choice([
            "", "nan", "inf", "-inf", "1e39", "-1e400", "9" * 400, "\x1b]0;pwned\x07", "\x1b[2J", "\u202e", "\u009b1m",
            '"', '""', '"a,b"', "a\"b", ",", "\t", "\x00", "\xff", "x" * self.rng.choice([10, 5000, 200000]),
            str(self.rng.randint(-2**63, 2**63 - 1)), "0x1p3", " 1", "1 ", "-0", "NaN",
        ])

    @family("rows")
    def rows_case(self):
        lines = list(self.train_lines)
        for _ in range(self.rng.randint(1, 20)):
            i = self.rng.randrange(1 if self.rng.random() < 0.9 else 0, len(lines))
            fields = lines[i].rstrip("\n").split(",")
            op = self.rng.random()
            if op < 0.6:
                fields[self.rng.randrange(len(fields))] = self.mutate_value()
            elif op < 0.75:
                del fields[self.rng.randrange(len(fields))]
            elif op < 0.85:
                fields.insert(self.rng.randrange(len(fields)), self.mutate_value())
            else:
                lines[i] = lines[i].rstrip("\n")
                if self.rng.random() < 0.5:
                    lines[i] += "\n"
                continue
            lines[i] = ",".join(fields) + "\n"
        if self.rng.random() < 0.05:
            lines = [lines[0], "a" * 2_000_000]
        open(self.path("rows.csv"), "w", encoding="utf-8", errors="surrogateescape").writelines(lines)
        mode = self.rng.choice(["train", "strict", "predict", "eval"])
        if mode in ("train", "strict"):
            shutil.rmtree(self.path("ck"), ignore_errors=True)
            args = ["train", "--headless", "--config", "base.yaml", "--train", "rows.csv", "--checkpoint-dir", "ck"]
            if mode == "strict":
                args.append("--strict")
        elif mode == "predict":
            args = ["predict", "--model", "base/final.safetensors", "--data", "rows.csv", "--out", "p.txt"]
        else:
            args = ["eval", "--model", "base/final.safetensors", "--data", "rows.csv", "--json"]
        code, out, err = self.run(args)
        outcome = self.classify(code, out, err, ["rows.csv", "base.yaml", "--"])
        if outcome == "clean" and code == 0:
            outcome = self.check_output(mode, out)
        self.record("rows", outcome, args, ["rows.csv"])

    @family("weights")
    def weights_case(self):
        """A weight column (data.weight) with hostile values: negative, NaN, inf, huge, empty, text."""
        lines = [self.train_lines[0].rstrip("\n") + ",w\n"] + [l.rstrip("\n") + ",1\n" for l in self.train_lines[1:]]
        hostile = ["-1", "-0.001", "nan", "NaN", "inf", "-inf", "1e39", "", "abc", "0x10", "\x00", "1e-50", "0", "-0"]
        for _ in range(self.rng.randint(1, 10)):
            i = self.rng.randrange(1, len(lines))
            lines[i] = lines[i].rstrip("\n").rsplit(",", 1)[0] + "," + self.rng.choice(hostile) + "\n"
        if self.rng.random() < 0.1:
            lines = [lines[0]] + [l.rsplit(",", 1)[0] + ",0\n" for l in lines[1:]]  # every row weighs 0
        open(self.path("weights.csv"), "w", encoding="utf-8", errors="surrogateescape").writelines(lines)
        open(self.path("weights.yaml"), "w").write(self.config_text.replace("data:\n", "data:\n  weight: w\n", 1))
        mode = self.rng.choice(["train", "strict"])
        shutil.rmtree(self.path("ck"), ignore_errors=True)
        args = ["train", "--headless", "--config", "weights.yaml", "--train", "weights.csv", "--checkpoint-dir", "ck"]
        if mode == "strict":
            args.append("--strict")
        code, out, err = self.run(args)
        outcome = self.classify(code, out, err, ["weights.csv", "weights.yaml", "--"])
        if outcome == "clean" and code == 0:
            outcome = self.check_output(mode, out)
        self.record("weights", outcome, args, ["weights.csv", "weights.yaml"])

    def check_output(self, mode, out):
        if mode in ("train", "strict", "config", "flags"):
            if not os.path.exists(self.path("ck/final.safetensors")):
                return "data loss"
            final = [l for l in out.splitlines() if l.startswith("final:")]
            if not final or re.search(r"\bnan\b|\binf\b", final[-1], re.I):
                return "silent"
        elif mode == "predict":
            if not os.path.exists(self.path("p.txt")):
                return "silent"
            values = [l for l in open(self.path("p.txt")) if l.strip()]
            if not values or any(not (0 <= float(v) <= 1) for v in values):
                return "silent"
        elif mode == "eval":
            figures = json.loads(out)
            if any(isinstance(v, float) and v != v for v in figures.values()):
                return "silent"
        return "clean"

    @family("configs")
    def configs_case(self):
        lines = self.config_text.split("\n")
        for _ in range(self.rng.randint(1, 3)):
            i = self.rng.randrange(len(lines))
            op = self.rng.random()
            if op < 0.5 and ":" in lines[i]:
                key = lines[i].split(":", 1)[0]
                value = self.rng.choice(["0", "-1", "9223372036854775807", "1e308", "-1e-9", "abc", "[]", "{}", "[1, , 2]",
                                         "[65536, 65536]", "1073741824", "[a, a]", "nan", ".inf", "''", "null",
                                         "[" * 300, "\"\\e[31m\"", "[18, 19, 17]", "[\"1\", \"0\"]"])
                lines[i] = f"{key}: {value}"
            elif op < 0.7:
                lines.insert(i, lines[self.rng.randrange(len(lines))])
            elif op < 0.85:
                del lines[i]
            else:
                lines[i] = lines[i][: self.rng.randrange(len(lines[i]) + 1)] + self.mutate_value()
        open(self.path("c.yaml"), "w", encoding="utf-8", errors="surrogateescape").write("\n".join(lines))
        shutil.copy(self.path("train.csv"), self.path("train-c.csv"))
        shutil.rmtree(self.path("ck"), ignore_errors=True)
        args = ["train", "--headless", "--config", "c.yaml", "--checkpoint-dir", "ck"]
        code, out, err = self.run(args)
        outcome = self.classify(code, out, err, ["c.yaml", "train.csv", "valid.csv", "memory", "--"])
        if outcome == "clean" and code == 0:
            outcome = self.check_output("config", out)
        self.record("configs", outcome, args, ["c.yaml"])

    @family("checkpoints")
    def checkpoints_case(self):
        raw = bytearray(self.checkpoint)
        crafted = self.rng.random() < 0.5
        if crafted:
            st = SafeTensors(bytes(raw))
            meta = st.header["__metadata__"]
            op = self.rng.randrange(8)
            if op == 0:
                meta[self.rng.choice(["step", "epoch", "examples", "epoch_offset"])] = self.rng.choice(
                    [str(2**63 - 1), str(2**62), "-1", "1e3", ""])
            elif op == 1:
                meta["format_version"] = self.rng.choice(["0", "1", "3", "-1", "x"])
            elif op == 2:
                config = json.loads(meta["config"])
                section, key = self.rng.choice([("optim", "wide"), ("train", "epochs"), ("model", "hidden"), ("features", "hash_buckets")])
                if section == "optim":
                    config["optim"]["wide"][self.rng.choice(["alpha", "l1", "beta"])] = self.rng.choice([-1, 0, 1e300])
                else:
                    config[section][key] = self.rng.choice([0, -1, 2**62, [0], [70000]])
                meta["config"] = json.dumps(config)
            elif op == 3:
                meta.pop(self.rng.choice(["crc32c", "metadata_crc32c"]), None)
            elif op == 4:
                name = self.rng.choice(["wide.ftrl_n", "wide.ftrl_z", "deep.logit.weight", "deep.dense0.bias"])
                b, e = st.tensor(name)
                k = b + 4 * self.rng.randrange((e - b) // 4)
                st.data[k:k + 4] = struct.pack("<f", self.rng.choice([-1.0, 3e38, float("nan"), float("inf"), -3e38]))
            elif op == 5:
                layout = json.loads(meta["layout"])
                for b in layout.get("bucketizers", []):
                    b["boundaries"] = list(reversed(b["boundaries"]))
                meta["layout"] = json.dumps(layout)
            elif op == 6:
                meta["hyperparameters"] = json.dumps({"ftrl_alpha": self.rng.choice([-1, 0, 1e9]), "deep_lr": -1})
            else:
                meta["format_version"] = "1"
                meta.pop("metadata_crc32c", None)
            raw = bytearray(st.serialize())
        else:
            for _ in range(self.rng.randint(1, 3)):
                op = self.rng.random()
                if op < 0.7 and len(raw) > 8:
                    # Most flips land in the header, where the new checks are.
                    n = min(struct.unpack("<Q", bytes(raw[:8]))[0] + 8, len(raw))
                    k = self.rng.randrange(8, n) if self.rng.random() < 0.7 and n > 8 else self.rng.randrange(len(raw))
                    raw[k] ^= 1 << self.rng.randrange(8)
                elif raw:
                    del raw[self.rng.randrange(len(raw)):]
        open(self.path("m.safetensors"), "wb").write(raw)
        mode = self.rng.choice(["inspect", "eval", "predict", "resume"])
        if mode == "inspect":
            args = ["inspect", "m.safetensors"]
        elif mode == "eval":
            args = ["eval", "--model", "m.safetensors", "--data", "valid.csv", "--json"]
        elif mode == "predict":
            args = ["predict", "--model", "m.safetensors", "--data", "valid.csv", "--out", "p.txt"]
        else:
            shutil.rmtree(self.path("ck"), ignore_errors=True)
            args = ["train", "--headless", "--resume", "m.safetensors", "--epochs", "2", "--checkpoint-dir", "ck"]
        if os.path.exists(self.path("p.txt")):
            os.remove(self.path("p.txt"))
        code, out, err = self.run(args)
        outcome = self.classify(code, out, err, ["m.safetensors", "--"])
        if outcome == "clean" and code == 0:
            outcome = self.check_output("train" if mode == "resume" else mode, out)
            if outcome == "clean" and not crafted and mode == "eval" and self.answer(out) != self.answer(self.base_eval):
                outcome = "silent"  # a damaged file loaded and answered differently
        self.record("checkpoints", outcome, args, ["m.safetensors"])

    # Values no fitting can produce, put in the layout or the recorded config of the base
    # checkpoint and re-sealed (issue 21, item 6): each must be refused naming the file.
    def forge_layout(self, layout, config):
        """Applies one forgery to the decoded layout and config; returns its description."""
        r = self.rng
        fields = len(layout["schema"]["categorical"]) + len(layout["schema"]["multiValued"])
        op = r.randrange(12)
        if op <= 2 and layout["crosses"]:
            cross = r.choice(layout["crosses"])
            k = r.randrange(len(cross["components"]))
            if op == 0:
                cross["components"][k] = {"categorical": {"_0": r.choice([fields, fields + r.randrange(1, 5), -1, -r.randrange(2, 9)])}}
            elif op == 1:
                nb = len(layout["bucketizers"])
                cross["components"][k] = {"bucket": {"_0": r.choice([nb, nb + 3, -1])}}
            else:
                cross["components"] = cross["components"][:1]
            return f"cross components {cross['components']}"
        if op == 3 and layout["bucketColumns"]:
            numerics = len(layout["schema"]["numeric"])
            layout["bucketColumns"][0] = r.choice([numerics, -1, numerics + 7, (layout["bucketColumns"][0] + 1) % numerics])
            return f"bucket columns {layout['bucketColumns']}"
        if op == 4 and layout["bucketizers"]:
            b = r.choice(layout["bucketizers"])
            b["boundaries"] = r.choice([[], b["boundaries"][:-1], [x + 0.5 for x in b["boundaries"]]])
            return f"boundaries {b['boundaries']}"
        if op == 5:
            t = r.choice(layout["numeric"])
            t["deviation"] = r.choice([-abs(t["deviation"]), 0, -1e-3, 1e-300])
            return f"deviation {t['deviation']}"
        if op == 6:
            t = r.choice(layout["numeric"])
            t["mean"] = r.choice([1e300, -1e300])
            return f"mean {t['mean']}"
        if op == 7:
            others = [c for c in layout["schema"]["categorical"] + layout["schema"]["numeric"]]
            layout["schema"]["labelColumn"] = r.choice(others)
            return f"label column {layout['schema']['labelColumn']}"
        if op == 8:
            name = r.choice(layout["schema"]["numeric"])
            layout["schema"]["numeric"].append(name)
            layout["numeric"].append(dict(layout["numeric"][layout["schema"]["numeric"].index(name)]))
            return f"numeric columns {layout['schema']['numeric']}"
        if op == 9:
            config["features"]["categorical"] = config["features"]["categorical"][:-1]
            return f"config categorical {config['features']['categorical']}"
        if op == 10:
            f = r.randrange(len(layout["embeddingRows"]))
            layout["embeddingRows"][f] = r.choice([layout["embeddingRows"][f] + 1, 100, 32, -64])
            return f"embedding rows {layout['embeddingRows']}"
        layout["hashBuckets"] = layout["hashBuckets"] * 2
        return f"hash buckets {layout['hashBuckets']}"

    @family("forged layouts")
    def forged_layouts_case(self):
        st = SafeTensors(self.checkpoint)
        meta = st.header["__metadata__"]
        layout, config = json.loads(meta["layout"]), json.loads(meta["config"])
        what = self.forge_layout(layout, config)
        meta["layout"], meta["config"] = json.dumps(layout), json.dumps(config)
        open(self.path("m.safetensors"), "wb").write(st.serialize())
        mode = self.rng.choice(["inspect", "eval", "predict", "resume"])
        if mode == "inspect":
            args = ["inspect", "m.safetensors"]
        elif mode == "eval":
            args = ["eval", "--model", "m.safetensors", "--data", "valid.csv", "--json"]
        elif mode == "predict":
            args = ["predict", "--model", "m.safetensors", "--data", "valid.csv", "--out", "p.txt"]
        else:
            shutil.rmtree(self.path("ck"), ignore_errors=True)
            args = ["train", "--headless", "--resume", "m.safetensors", "--epochs", "2", "--checkpoint-dir", "ck"]
        code, out, err = self.run(args)
        outcome = self.classify(code, out, err, ["m.safetensors"])
        if outcome == "clean" and code == 0:
            outcome = "silent"  # accepted a layout no training produces
        self.last = (self.last[0], f"{what}: {self.last[1]}")
        self.record("forged layouts", outcome, args, ["m.safetensors"])

    FLAGS = ["--epochs", "--batch-size", "--embedding-dim", "--hidden", "--hash-buckets", "--ftrl-alpha", "--ftrl-beta",
             "--ftrl-l1", "--ftrl-l2", "--deep-lr", "--eval-every", "--threads", "--seed", "--cross", "--mode",
             "--checkpoint-every", "--keep", "--metrics-out", "--checkpoint-dir", "--train", "--valid",
             "--early-stop", "--dropout", "--deep-l2", "--embedding-l2", "--divergence-factor", "--max-skipped",
             "--negative-sampling", "--test"]

    @family("flags")
    def flags_case(self):
        flag = self.rng.choice(self.FLAGS)
        value = self.rng.choice([
            "0", "1", "-1", "9223372036854775807", "9223372036854775808", "1e308", "nan", "inf", "-0", "", "abc",
            "10,,5", "65536,65536", "1073741824", "1000000000000", "0.5", "1,2,3", "a:b", ":", "\x1b[31m",
            "/proc/nope", "/dev/full", "/proc/self/status", "x" * 5000,
        ])
        shutil.rmtree(self.path("ck"), ignore_errors=True)
        args = ["train", "--headless", "--config", "base.yaml", "--checkpoint-dir", "ck", flag + "=" + value]
        if flag == "--checkpoint-dir":
            args = ["train", "--headless", "--config", "base.yaml", flag + "=" + value]
        if flag in ("--checkpoint-every", "--keep"):
            args.append("--epochs=1")
        code, out, err = self.run(args)
        outcome = self.classify(code, out, err, [flag, "base.yaml", value[:20] or "--", "memory"])
        if outcome == "clean" and code == 0 and flag != "--checkpoint-dir":
            outcome = self.check_output("flags", out)
        self.record("flags", outcome, args, [])

    def go(self):
        self.setup()
        while time.monotonic() < self.deadline:
            self.case += 1
            FAMILIES[self.case % len(FAMILIES)][1](self)
        shutil.rmtree(self.work, ignore_errors=True)
        columns = ["tried", "clean", "crash", "hang", "silent", "data loss", "message"]
        print(f"fuzz (seed {self.seed}): " + " | ".join(columns))
        total = {c: 0 for c in columns}
        for family, c in self.counts.items():
            print(f"  {family:<16}" + "".join(f"{c[k]:>10}" for k in columns))
            for k in columns:
                total[k] += c[k]
        print(f"  {'all':<16}" + "".join(f"{total[k]:>10}" for k in columns))
        for failure in self.failures:
            print("  " + failure)
        return total["tried"] == total["clean"]


import fuzz_surfaces  # noqa: E402,F401  (registers the attach, output-stream and aliasing families)
import fuzz_inputs  # noqa: E402,F401  (registers the compressed-file and part-folder family)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("wdl", nargs="?")
    parser.add_argument("--reseal", nargs=2, metavar=("IN", "OUT"),
                        help="write IN re-serialized with fresh checksums to OUT, and exit")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--budget", type=float, default=150, help="seconds of fuzzing after the setup")
    parser.add_argument("--keep", default=None, help="folder for failing inputs")
    a = parser.parse_args()
    if a.reseal:
        source, target = a.reseal
        open(target, "wb").write(SafeTensors(open(source, "rb").read()).serialize())
        return
    if not a.wdl:
        parser.error("the wdl binary to fuzz is required")
    keep = a.keep or tempfile.mkdtemp(prefix="wdl-fuzz-failures-")
    ok = Fuzzer(a.wdl, a.seed, a.budget, keep).go()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
