"""Fuzz family for the input paths of issue 23: compressed files and part folders. Registered in
fuzz_registry.FAMILIES; each case takes the Fuzzer of .ci/fuzz.py (its run, classify and record).

A case builds the base training rows as a gzip or zstd file, or a folder of parts, damages it
(a cut at a random byte, flipped bytes in the compressed data, garbage after the last member or
frame, NUL bytes in the rows, an empty part, a part whose header differs) and trains or evaluates
on it. Clean: an error naming the file (with its byte offset or line), or a finished command whose
figures are finite; never a crash, a hang or a silent short read (exit 0 having read fewer rows
than an undamaged copy holds while the damage cut the data)."""
import gzip
import json
import os
import shutil
import subprocess

from fuzz_registry import family


def compress(kind, data):
    if kind == "gzip":
        return gzip.compress(data, mtime=0)
    return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout


@family("archives")
def archives_case(fz):
    rows = "".join(fz.train_lines).encode()
    kind = fz.rng.choice(["gzip", "zstd"]) if shutil.which("zstd") else "gzip"
    damage = fz.rng.choice(["cut", "flip", "trailing", "nul", "empty part", "header part"])
    target = "in.data"
    shutil.rmtree(fz.path(target), ignore_errors=True)
    if os.path.isfile(fz.path(target)):
        os.remove(fz.path(target))
    truncates = False
    if damage in ("empty part", "header part"):
        os.makedirs(fz.path(target))
        half = len(fz.train_lines) // 2
        parts = ["".join(fz.train_lines[:half]), fz.train_lines[0] + "".join(fz.train_lines[half:])]
        if damage == "empty part":
            parts.insert(1, "")
        else:
            header = fz.train_lines[0].rstrip("\n").split(",")
            header[fz.rng.randrange(len(header))] = "renamed"
            parts[1] = ",".join(header) + "\n" + "".join(fz.train_lines[half:])
        for i, text in enumerate(parts):
            blob = compress(kind, text.encode()) if fz.rng.random() < 0.5 else text.encode()
            open(os.path.join(fz.path(target), f"part-{i:04d}"), "wb").write(blob)
    else:
        blob = bytearray(compress(kind, rows))
        if damage == "cut":
            blob = blob[:fz.rng.randrange(1, len(blob))]
            truncates = True
        elif damage == "flip":
            for _ in range(fz.rng.randint(1, 8)):
                i = fz.rng.randrange(len(blob))
                blob[i] ^= 1 << fz.rng.randrange(8)
            truncates = True
        elif damage == "trailing":
            blob += bytes(fz.rng.randrange(256) for _ in range(fz.rng.randint(1, 64)))
        else:
            lines = list(fz.train_lines)
            for _ in range(fz.rng.randint(1, 5)):
                i = fz.rng.randrange(1, len(lines))
                j = fz.rng.randrange(len(lines[i]))
                lines[i] = lines[i][:j] + "\x00" + lines[i][j:]
            blob = bytearray(compress(kind, "".join(lines).encode()))
        open(fz.path(target), "wb").write(bytes(blob))
    if fz.rng.random() < 0.5:
        shutil.rmtree(fz.path("ck"), ignore_errors=True)
        args = ["train", "--headless", "--config", "base.yaml", "--train", target, "--epochs", "1", "--checkpoint-dir", "ck"]
        if fz.rng.random() < 0.3:
            args.append("--stream")
    else:
        args = ["eval", "--model", "base/final.safetensors", "--data", target, "--json"]
    code, out, err = fz.run(args)
    outcome = fz.classify(code, out, err, [target, "part-"])
    if outcome == "clean" and code == 0:
        if args[0] == "eval":
            outcome = fz.check_output("eval", out)
        if truncates and outcome == "clean":
            # A damaged archive read to a clean exit is right only when every row came through
            # (a flipped bit in a gzip header's time stamp, say); fewer is a silent short read.
            rows = len(fz.train_lines) - 1
            if args[0] == "eval":
                figures = json.loads(out)
                read = figures.get("rows", 0) + figures.get("skipped_rows", 0)
            else:
                read = rows if f" {rows} examples" in out else -1
            outcome = "clean" if read == rows else "silent"
    fz.record("archives", outcome, args, [target, "base.yaml"])
