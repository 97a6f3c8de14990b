"""Checks on values that callers hand to the replica: type, length and range, with a named error."""

from __future__ import annotations

from app.store.errors import InvalidInput

MAX_TEXT = 1024
MAX_BLOB = 64 * 1024


def text(value: object, name: str, *, max_len: int = MAX_TEXT, allow_empty: bool = False) -> str:
    """Return `value` if it is text of acceptable length, else raise InvalidInput."""
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text, got {type(value).__name__}")
    if (not value and not allow_empty) or len(value) > max_len:
        raise InvalidInput(f"{name} must be 1 to {max_len} characters long")
    if "\x00" in value:
        raise InvalidInput(f"{name} must not contain NUL characters")
    return value


def blob(value: object, name: str, *, size: int | None = None, max_len: int = MAX_BLOB) -> bytes:
    """Return `value` as bytes if it has the expected size, else raise InvalidInput."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise InvalidInput(f"{name} must be bytes, got {type(value).__name__}")
    value = bytes(value)
    if size is not None and len(value) != size:
        raise InvalidInput(f"{name} must be {size} bytes, got {len(value)}")
    if len(value) > max_len:
        raise InvalidInput(f"{name} is longer than {max_len} bytes")
    return value


def integer(value: object, name: str, *, minimum: int = 0, optional: bool = False) -> int | None:
    """Return `value` if it is an integer in the 63-bit range at or above `minimum`, else raise InvalidInput."""
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value < 1 << 63:
        raise InvalidInput(f"{name} must be an integer from {minimum} up")
    return value
