"""Bytes to lines and fields, by the rules of docs/model.md section 1."""

SPACE, TAB, QUOTE, LF, CR = 0x20, 0x09, 0x22, 0x0A, 0x0D
BOM = b"\xef\xbb\xbf"


class RowError(ValueError):
    pass


def lines(data: bytes):
    """The file's lines: the BOM skipped, split at LF, one CR before it dropped."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()  # the newline that ends the last line starts no line
    return [p[:-1] if p.endswith(b"\r") else p for p in parts]


def is_blank(line: bytes) -> bool:
    """Empty, or only spaces and tabs: not a row."""
    return all(b in (SPACE, TAB) for b in line)


def split(line: bytes, delimiter: int, trim: bool):
    """The fields of one line (quotes removed, doubled quotes unescaped); RowError on a bad quote."""
    fields, n, i = [], len(line), 0
    while True:
        start = i
        if trim:
            while start < n and line[start] == SPACE:
                start += 1
        if start < n and line[start] == QUOTE:
            j, value = start + 1, bytearray()
            while True:
                if j >= n:
                    raise RowError("unterminated or misplaced quote")
                if line[j] == QUOTE:
                    if j + 1 < n and line[j + 1] == QUOTE:
                        value.append(QUOTE)
                        j += 2
                        continue
                    break
                value.append(line[j])
                j += 1
            fields.append(bytes(value))
            k = j + 1
            while k < n and line[k] == SPACE:
                k += 1
            if k >= n:
                return fields
            if line[k] != delimiter:
                raise RowError("unterminated or misplaced quote")
            i = k + 1
            continue
        end = line.find(bytes([delimiter]), start)
        if end < 0:
            end = n
        trimmed_end = end
        if trim:
            while trimmed_end > start and line[trimmed_end - 1] == SPACE:
                trimmed_end -= 1
        fields.append(line[start:trimmed_end])
        if end >= n:
            return fields
        i = end + 1
