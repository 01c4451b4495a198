import json
import os

import numpy as np
import pytest

from wdl_features import Encoder, SpecError, cross_hash, rehash, value_hash

HERE = os.path.dirname(__file__)


def spec():
    with open(os.path.join(HERE, "small.features.json"), encoding="utf-8") as f:
        return json.load(f)


def test_refuses_unknown_versions():
    s = spec()
    s["version"] = 1
    with pytest.raises(SpecError):
        Encoder(s)
    s = spec()
    s["format"] = "something"
    with pytest.raises(SpecError):
        Encoder(s)


def test_buckets_on_boundaries_and_missing():
    b = spec()["buckets"][0]  # boundaries [0, 2, 3.140000104904175], missing bucket 4
    e = Encoder(spec())
    from wdl_features import parse_float32
    assert [e.bucket(b, parse_float32(t.encode())) for t in ["-1", "0", "1.99", "2", "3.14", "3.1399999", "9"]] == [0, 1, 1, 2, 3, 2, 3]
    assert e.bucket(b, None) == 4


def test_one_row_by_hand():
    e = Encoder(spec())
    row = e.encode_row({"color": b"red", "tags": b"a||c|c", "x1": b"3.14", "x2": b"", "label": b"1"})
    hb = 64
    red = value_hash("color", b"red")
    a, c = value_hash("tags", b"a"), value_hash("tags", b"c")
    bucket = value_hash("x1#bucket", b"3")
    # Wide: color, tags' three values (the empty part dropped, the duplicate kept), x1's bucket,
    # then color x tags (one per tag value, in order) and color x x1.
    crosses = [cross_hash("color x tags", [red, t]) for t in (a, c, c)] + [cross_hash("color x x1", [red, bucket])]
    assert row["wide_ids"] == [h % hb for h in [red, a, c, c, bucket] + crosses]
    assert row["embedding_rows"] == [rehash(red) % 128]
    assert row["multi_rows_0"] == [rehash(h) % 64 for h in (a, c, c)]
    assert row["multi_lengths_0"] == [3]
    # x1 standardized in float64 from float32(3.14); x2 missing is 0; x2 has log: sign(x)·log1p(|x|).
    assert row["numeric"][0] == np.float32((float(np.float32(3.14)) - 1.0) / 2.0)
    assert row["numeric"][1] == 0
    row = e.encode_row({"color": b"", "tags": b"|", "x1": b"", "x2": b"-3", "label": b"0"})
    empty_tag = value_hash("tags", b"")
    assert row["multi_rows_0"] == [rehash(empty_tag) % 64] and row["multi_lengths_0"] == [1]
    assert row["wide_ids"][:3] == [value_hash("color", b"") % hb, empty_tag % hb, value_hash("x1#bucket", b"4") % hb]
    assert row["numeric"][1] == np.float32((-np.log1p(3.0) - 0.5) / 4.0)


def test_cross_combinations_are_capped_and_last_varies_fastest():
    e = Encoder(spec())
    assert e.combinations([[1, 2], [3, 4]]) == [[1, 3], [1, 4], [2, 3], [2, 4]]
    assert len(e.combinations([list(range(10)), list(range(10))])) == 64


def test_csv_rows_header_quotes_and_errors():
    e = Encoder(spec())
    data = b'label,x2,color,tags,x1\r\n1,0.5,"red",a|b,1\n\n0,oops,blue,,2\n1,1,"unterminated,a,1\n0,1,red,a\n'
    rows = e.encode_csv(data)
    assert len(rows) == 4  # the blank line is not a row
    assert isinstance(rows[0], dict) and rows[0]["embedding_rows"] == [rehash(value_hash("color", b"red")) % 128]
    assert all(isinstance(r, ValueError) for r in rows[1:])


def test_feeds_pad_with_the_padding_ids():
    e = Encoder(spec())
    rows = e.encode_csv(b"color,tags,x1,x2\nred,a|b|c,1,1\nblue,,2,2\n")
    feeds = e.feeds(rows)
    assert set(feeds) == {"wide_ids", "embedding_rows", "multi_rows_0", "multi_lengths_0", "numeric"}
    assert feeds["multi_rows_0"].shape == (2, 3) and list(feeds["multi_rows_0"][1, 1:]) == [64, 64]
    assert list(feeds["multi_lengths_0"][:, 0]) == [3, 1]
    assert feeds["wide_ids"].shape == (2, len(rows[0]["wide_ids"]))
    assert list(feeds["wide_ids"][1, len(rows[1]["wide_ids"]):]) == [64] * (len(rows[0]["wide_ids"]) - len(rows[1]["wide_ids"]))
    assert feeds["numeric"].dtype == np.float32 and feeds["wide_ids"].dtype == np.int64


def test_a_missing_column_refuses_the_file():
    with pytest.raises(SpecError, match="tags"):
        Encoder(spec()).encode_csv(b"color,x1,x2\nred,1,2\n")


def test_criteo_rows_with_and_without_label():
    s = spec()
    s["csv"] = {"format": "criteo", "delimiter": "\t", "header": False, "trim_spaces": False, "label": "label"}
    s["categorical"] = [{"name": "C1", "table": 0, "embedding_rows": 64}]
    s["multi_valued"], s["crosses"] = [], []
    s["numeric"] = [{"name": "I1", "log": True, "mean": 0, "deviation": 1}, {"name": "I2", "log": True, "mean": 0, "deviation": 1}]
    s["buckets"] = [{"name": "I1", "numeric": 0, "hash_field": "I1#bucket", "boundaries": [1], "missing_bucket": 2}]
    e = Encoder(s)
    values = ["", "2"] + [""] * 11 + ["68fd1e64"] + [""] * 25
    unlabelled = e.encode_csv(("\t".join(values) + "\n").encode())
    labelled = e.encode_csv(("\t".join(["1"] + values) + "\n" + "\t".join(values) + "\n").encode())
    assert unlabelled[0] == labelled[0]
    assert isinstance(labelled[1], ValueError)  # 39 fields where the first row had 40
    assert unlabelled[0]["wide_ids"] == [value_hash("C1", b"68fd1e64") % 64, value_hash("I1#bucket", b"2") % 64]
    assert unlabelled[0]["numeric"] == [0, np.float32(np.log1p(2.0))]


def test_an_empty_file_is_refused():
    for data in (b"", b"\n  \n"):
        with pytest.raises(SpecError, match="empty"):
            Encoder(spec()).encode_csv(data)
