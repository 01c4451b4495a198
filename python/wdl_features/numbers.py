"""Numeric fields to float32, exactly as docs/model.md section 2 says (wdl's NumberParser)."""

import numpy as np

_POWERS = [float(10 ** p) for p in range(23)]  # 10^0 … 10^22, each exact in float64


class NumberError(ValueError):
    pass


def _power10(k: int) -> float:
    """P(k): exact up to 10^22, ∞ above 10^400, else 10^22 multiplied in float64 then the rest."""
    if k <= 22:
        return _POWERS[k]
    if k > 400:
        return float("inf")
    v, left = 1.0, k
    while left > 22:
        v *= 1e22
        left -= 22
    return v * _POWERS[left]


def parse_float64(text: bytes) -> float:
    """The float64 v of section 2; raises NumberError for text outside the grammar or non-finite v."""
    n, i = len(text), 0
    if n == 0:
        raise NumberError("empty")
    negative = False
    if text[0] in b"+-":
        negative = text[0] == ord("-")
        i = 1
    mantissa = exponent = digits = significant = 0
    while i < n and 48 <= text[i] <= 57:
        if significant < 19:
            mantissa = mantissa * 10 + (text[i] - 48)
            if mantissa > 0:
                significant += 1
        else:
            exponent += 1
        digits += 1
        i += 1
    if i < n and text[i] == ord("."):
        i += 1
        while i < n and 48 <= text[i] <= 57:
            if significant < 19:
                mantissa = mantissa * 10 + (text[i] - 48)
                if mantissa > 0:
                    significant += 1
                exponent -= 1
            digits += 1
            i += 1
    if digits == 0:
        raise NumberError(f"'{text.decode('utf-8', 'replace')}' is not a number")
    if i < n and text[i] in b"eE":
        i += 1
        exponent_negative = False
        if i < n and text[i] in b"+-":
            exponent_negative = text[i] == ord("-")
            i += 1
        e = exponent_digits = 0
        while i < n and 48 <= text[i] <= 57:
            if e < 100_000:
                e = e * 10 + (text[i] - 48)
            exponent_digits += 1
            i += 1
        if exponent_digits == 0:
            raise NumberError(f"'{text.decode('utf-8', 'replace')}' is not a number")
        exponent += -e if exponent_negative else e
    if i != n:
        raise NumberError(f"'{text.decode('utf-8', 'replace')}' is not a number")
    value = float(mantissa)  # Python rounds an int to the nearest float64, ties to even
    if exponent != 0 and mantissa != 0:
        value = value * _power10(exponent) if exponent > 0 else value / _power10(-exponent)
    if value in (float("inf"), float("-inf")):
        raise NumberError(f"'{text.decode('utf-8', 'replace')}' is not finite")
    return -value if negative else value


def parse_float32(text: bytes):
    """The float32 x of a numeric field, or None for the missing value (an empty field)."""
    if len(text) == 0:
        return None
    v = parse_float64(text)
    with np.errstate(over="ignore"):
        x = np.float32(v)  # nearest float32, ties to even
    if not np.isfinite(x):
        raise NumberError(f"number {text.decode('utf-8', 'replace')} is too large")
    return x
