"""The stable hash of docs/model.md, section 3 ("The hash")."""

MASK = (1 << 64) - 1
FNV_OFFSET_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
FIELD_SEPARATOR = 0x1F
CROSS_SEPARATOR = 0x1E
REHASH_XOR = 0x9E3779B97F4A7C15


def fnv1a(data: bytes, state: int = FNV_OFFSET_BASIS) -> int:
    h = state
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK
    return h


def fmix64(k: int) -> int:
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & MASK
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & MASK
    k ^= k >> 33
    return k


def field_state(field: str) -> int:
    """FNV state after utf8(field) and 0x1F: every value of the field continues from it."""
    return fnv1a(bytes([FIELD_SEPARATOR]), fnv1a(field.encode("utf-8")))


def value_hash(field: str, value: bytes, state: int = None) -> int:
    """valueHash(field, value); `value` is the field's raw bytes (b"" is the missing value)."""
    return fmix64(fnv1a(value, field_state(field) if state is None else state))


def cross_state(name: str) -> int:
    return fnv1a(bytes([CROSS_SEPARATOR]), fnv1a(name.encode("utf-8")))


def cross_hash(name: str, hashes, state: int = None) -> int:
    """crossHash(name, h1…hk): FNV over the name, 0x1E and each hash's 8 little-endian bytes."""
    h = cross_state(name) if state is None else state
    for component in hashes:
        h = fnv1a(component.to_bytes(8, "little"), h)
    return fmix64(h)


def rehash(h: int) -> int:
    """The embedding row's independent index."""
    return fmix64(h ^ REHASH_XOR)
