"""Base58 (Bitcoin alphabet), as PrivateBin puts the paste key in the URL fragment.

Written here rather than pulled in as a dependency: it is a dozen lines.
"""

from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(ALPHABET[rest])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def b58decode(text: str, size: int = 0) -> bytes:
    """Decode; left-pad with zero bytes to `size` like PrivateBin's JS (`padStart(32)`).

    The padding makes keys with leading zero bytes decode right even when an encoder
    dropped their leading "1"s.
    """
    number = 0
    for ch in text:
        if ch not in _INDEX:
            raise ValueError("not a base58 string")
        number = number * 58 + _INDEX[ch]
    leading_zeros = len(text) - len(text.lstrip("1"))
    raw = b"\0" * leading_zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")
    if size and len(raw) > size:
        raise ValueError(f"decodes to more than {size} bytes")
    return raw.rjust(size, b"\0")
