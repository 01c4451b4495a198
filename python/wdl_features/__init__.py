"""Reference encoder for wdl's ONNX export: raw CSV rows to the graph's inputs, written from the
feature spec (docs/model.md, "The feature spec, byte for byte"; spec version 2). numpy only."""

from .csvsplit import RowError
from .encoder import Encoder, SpecError
from .hashing import cross_hash, fmix64, fnv1a, rehash, value_hash
from .numbers import NumberError, parse_float32

__all__ = ["Encoder", "SpecError", "RowError", "NumberError", "parse_float32", "value_hash", "cross_hash",
           "rehash", "fnv1a", "fmix64"]
