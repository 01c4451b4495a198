"""The Python peer of `wdl serve` for scripts/serve-bench.sh: Flask + onnxruntime, serving the
same model exported by `wdl export --onnx`, run under gunicorn.

POST /v1/predict takes {"rows": [{"wide_ids": [...], "embedding_rows": [...], "numeric": [...]}, ...]}:
the model inputs `wdl predict --ids-out` writes, one object per row (less work per row than `wdl
serve`, which parses and encodes raw values). With PEER_RAW=1 it takes raw rows as `wdl serve`
does, {"rows": [{"column": "value", ...}, ...]}, and encodes them with the reference encoder of
python/ (wdl_features, from the model's feature spec): the same work, like for like.
"""
import os
import sys

import numpy as np
import onnxruntime as ort
from flask import Flask, jsonify, request

options = ort.SessionOptions()
options.intra_op_num_threads = 1  # one per gunicorn worker; the workers use the cores
session = ort.InferenceSession(os.environ["ONNX_MODEL"], options, providers=["CPUExecutionProvider"])
inputs = [i.name for i in session.get_inputs()]
types = {"wide_ids": np.int64, "embedding_rows": np.int64, "numeric": np.float32}
app = Flask(__name__)
encoder = None
if os.environ.get("PEER_RAW") == "1":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    from wdl_features import Encoder
    encoder = Encoder.load(os.environ["ONNX_MODEL"] + ".features.json")


def raw_feeds(rows):
    """Raw values (strings or numbers; a key left out is missing) through the reference encoder."""
    needed = [f["name"] for f in encoder.categorical + encoder.multi + encoder.numeric]
    encoded = [encoder.encode_row({name: str(row.get(name, "")).encode("utf-8") for name in needed}) for row in rows]
    return encoder.feeds(encoded)


@app.post("/v1/predict")
def predict():
    rows = request.get_json(force=True)["rows"]
    if encoder is not None:
        feeds = raw_feeds(rows)
    else:
        feeds = {name: np.array([r[name] for r in rows], dtype=types[name]) for name in inputs}
    probabilities = session.run(["probability"], feeds)[0][:, 0]
    return jsonify({"probabilities": probabilities.tolist()})
