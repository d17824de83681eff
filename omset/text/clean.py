"""Turning untrusted bytes into text we can translate, and saying what we changed."""

from __future__ import annotations

import re

from ..errors import InputError

# C0 controls except tab, newline and carriage return; DEL; C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def decode_utf8(data: bytes, offset: int = 0) -> str:
    """Decode UTF-8 strictly; the error names the byte offset of the first bad byte.

    ``offset`` is where ``data`` starts in the whole input, so a caller reading a file in
    pieces still reports the position in the file. The Apertium CLI silently cuts its
    input at the first bad byte; we refuse instead.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pos = offset + exc.start
        bad = data[exc.start:exc.start + 1].hex()
        raise InputError(
            f"input is not valid UTF-8: byte 0x{bad} at offset {pos} "
            f"(convert it first, e.g. `iconv -f latin1 -t utf-8`)"
        ) from None


def strip_controls(text: str) -> tuple[str, int]:
    """Remove NUL and other control characters (not tab/newline/CR); return the count."""
    cleaned, count = _CONTROLS.subn("", text)
    return cleaned, count
