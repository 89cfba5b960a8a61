"""A value that must not leak: redacted in repr, str, format, logs and tracebacks.

The plaintext is reachable only through `reveal()`, so every place that uses it is
greppable. Equality compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, NoReturn


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def fingerprint(self) -> str:
        """Short, safe to show and to read aloud: last four characters and a SHA-256 prefix."""
        digest = hashlib.sha256(self._value.encode()).hexdigest()[:12]
        return f"…{self._value[-4:]} sha256:{digest}"

    def masked(self) -> str:
        return "•" * 12 + self._value[-4:]

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", hashlib.sha256(self._value.encode()).digest()))

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is not picklable")

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self
