import numpy as np
import pytest

from wdl_features import NumberError, parse_float32
from wdl_features.numbers import parse_float64


@pytest.mark.parametrize("text", ["0", "1", "-1", "+2.5", "3.14", "0.1", ".5", "5.", "1e3", "1E-3", "-2.5e+2",
                                  "123456789", "0.000123", "2174", "65504.5", "1e-40", "3.4e38", "1e30", "7e-25"])
def test_agrees_with_correct_rounding_for_ordinary_text(text):
    # For ≤ 19 significant digits the rule is correctly rounded float64, then nearest float32.
    assert parse_float32(text.encode()) == np.float32(float(text))
    assert parse_float32(text.encode()).dtype == np.float32


def test_boundary_value_is_float32():
    # A quantile boundary stored as float64(float32(3.14)): the text 3.14 must land on it exactly.
    x = parse_float32(b"3.14")
    assert float(x) == 3.140000104904175
    assert float(x) >= 3.140000104904175 > 3.14


def test_empty_is_missing_and_negative_zero_keeps_its_sign():
    assert parse_float32(b"") is None
    x = parse_float32(b"-0")
    assert x == 0 and np.signbit(x)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "1,5", " 1", "0x10", "1e", "e5", ".", "+", "1.2.3",
                                  "1e500", "--1"])
def test_refused(text):
    with pytest.raises(NumberError):
        parse_float32(text.encode())


def test_too_large_for_float32_is_refused():
    with pytest.raises(NumberError):
        parse_float32(b"1e39")
    assert parse_float64(b"1e39") == 1e39


def test_digits_past_nineteen():
    # Integer digits past the 19th scale by 10 (truncated, not rounded); fraction digits past it are dropped.
    assert parse_float64(b"12345678901234567899") == float(1234567890123456789) * 10
    assert parse_float64(b"0.12345678901234567899") == float(1234567890123456789) / 1e19
    assert parse_float64(b"000000000000000000000001.5") == 1.5


def test_large_exponent_multiplies_by_1e22_first():
    assert parse_float64(b"1e23") == 1e22 * 10.0
    assert parse_float64(b"1e-30") == 1.0 / (1e22 * 1e8)
