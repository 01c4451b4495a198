#!/usr/bin/env python3
"""Open a safetensors file with the reference implementation and check it.

usage: check_safetensors.py PATH [--sample] [--no-crc]

Loads PATH with safetensors.numpy.load_file, prints each tensor's name, dtype and shape and the
metadata keys, and verifies the per-tensor CRC32C checksums that wdl's SafeTensors module stores
in the metadata entry "crc32c" (a JSON object: tensor name -> 8 hex digits) against the bytes
numpy sees. --sample also checks the exact values of the interop sample that the Swift test
FormatTests.testInteropSample writes (set SAFETENSORS_SAMPLE_OUT=PATH when running it).
Exits non-zero on any mismatch. Needs: pip install safetensors numpy
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def sample_expected():
    return {
        "f32": np.arange(12, dtype=np.float32).reshape(3, 4) * np.float32(0.5) - np.float32(1),
        "f64": np.array([0.1, -2.5, 1e300], dtype=np.float64),
        "i32": np.array([-7, 0, 2**31 - 1], dtype=np.int32),
        "i64": np.array([-1, 2**40, -(2**63)], dtype=np.int64),
        "u8": np.arange(256, dtype=np.uint8).reshape(16, 16),
        "u32": np.array([0, 2**32 - 1, 12345], dtype=np.uint32),
        "u64": np.array([2**64 - 1, 0], dtype=np.uint64),
        "scalar": np.array(3.25, dtype=np.float32),
        "empty": np.zeros((0, 5), dtype=np.float32),
        "flags": np.array([True, False, True]),
    }


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = args[0]
    failures = 0

    tensors = load_file(path)
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    for name in sorted(tensors):
        t = tensors[name]
        print(f"{name}\t{t.dtype}\t{list(t.shape)}")
    print("metadata keys:", sorted(metadata))

    if "crc32c" in metadata and "--no-crc" not in argv:
        stored = json.loads(metadata["crc32c"])
        if set(stored) != set(tensors):
            print("FAIL: checksum names differ from tensor names")
            failures += 1
        for name, t in sorted(tensors.items()):
            actual = crc32c(np.ascontiguousarray(t).tobytes())
            if int(stored.get(name, "0"), 16) != actual:
                print(f"FAIL: {name}: CRC32C stored {stored.get(name)}, computed {actual:08x}")
                failures += 1
        if not failures:
            print(f"checksums: all {len(stored)} match")

    if "--sample" in argv:
        expected = sample_expected()
        if set(expected) != set(tensors):
            print(f"FAIL: names {sorted(tensors)} != {sorted(expected)}")
            failures += 1
        for name, want in expected.items():
            got = tensors.get(name)
            if got is None or got.dtype != want.dtype or got.shape != want.shape or not np.array_equal(got, want):
                print(f"FAIL: {name}: got {got!r}, expected {want!r}")
                failures += 1
        if metadata.get("format") != "wdl-test" or metadata.get("unicode") != "Größe 🚀":
            print(f"FAIL: metadata {metadata}")
            failures += 1
        if not failures:
            print("sample: all values match")

    print("OK" if not failures else f"{failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
