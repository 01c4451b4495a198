"""The Python peer of `wdl serve` for scripts/serve-bench.sh: Flask + onnxruntime, serving the
same model exported by `wdl export --onnx`, run under gunicorn.

POST /v1/predict takes {"rows": [{"wide_ids": [...], "embedding_rows": [...], "numeric": [...]}, ...]}:
the model inputs `wdl predict --ids-out` writes, one object per row. It does NOT encode raw rows
(no Python encoder of wdl's features is used here), so it does less work per row than `wdl serve`,
which parses and encodes raw values; the figures say so.
"""
import os

import numpy as np
import onnxruntime as ort
from flask import Flask, jsonify, request

options = ort.SessionOptions()
options.intra_op_num_threads = 1  # one per gunicorn worker; the workers use the cores
session = ort.InferenceSession(os.environ["ONNX_MODEL"], options, providers=["CPUExecutionProvider"])
inputs = [i.name for i in session.get_inputs()]
types = {"wide_ids": np.int64, "embedding_rows": np.int64, "numeric": np.float32}
app = Flask(__name__)


@app.post("/v1/predict")
def predict():
    rows = request.get_json(force=True)["rows"]
    feeds = {name: np.array([r[name] for r in rows], dtype=types[name]) for name in inputs}
    probabilities = session.run(["probability"], feeds)[0][:, 0]
    return jsonify({"probabilities": probabilities.tolist()})
