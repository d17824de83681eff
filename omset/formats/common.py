"""Small helpers every format module needs: decoding untrusted bytes, the output language."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..text.clean import decode_utf8, strip_controls

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

BOM = "\ufeff"
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_text(data: bytes, what: str = "document", *,
                keep_controls: bool = False) -> tuple[str, bool]:
    """Strict UTF-8 (error names the byte offset), controls removed; (text, had_bom).

    A byte-order mark is remembered so the output can keep it. ``keep_controls``: a
    format whose strings are keys a program looks up (a PO msgid such as gnupg's
    ``Number\x1f``) must keep them byte for byte; only NUL, which no such string can
    hold, is refused.
    """
    from . import FormatError

    try:
        text = decode_utf8(data)
    except Exception as exc:  # InputError: say which document
        raise FormatError(f"{what}: {exc}") from None
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    if keep_controls:
        if "\0" in body:
            raise FormatError(f"{what}: the input holds a NUL byte at character "
                              f"{body.index(chr(0))}")
        return body, bom
    return strip_controls(body)[0], bom


def decode_declared(data: bytes, name: str, what: str = "document", *,
                    keep_controls: bool = False) -> str | None:
    """``data`` in the charset ``name`` a document declares (ISO-8859-1, windows-1252 …),
    strictly, controls as :func:`decode_text` treats them; ``None`` when the declared
    charset is UTF-8 (then :func:`decode_text` is the one to call)."""
    import codecs

    from . import FormatError

    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise FormatError(f"{what} declares an unknown charset {name!r}") from None
    if codec == "utf-8":
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise FormatError(f"{what}: invalid {name} at byte offset {exc.start}") from None
    except LookupError:  # a codec of bytes to bytes (uu, base64, zlib …), not a charset
        raise FormatError(f"{what} declares {name!r}, which is not a charset") from None
    if keep_controls:
        if "\0" in text:
            raise FormatError(f"{what}: the input holds a NUL byte at character "
                              f"{text.index(chr(0))}")
        return text
    return strip_controls(text)[0]


def encode_text(text: str, bom: bool = False) -> bytes:
    """UTF-8 bytes of ``text``, with the byte-order mark when the input had one."""
    return ((BOM if bom else "") + text).encode("utf-8")


def target_lang(tr: "Translator", options: "Options") -> str:
    """The language code to write into the output document (``nn`` or ``nb`` by default)."""
    return options.target_lang or tr.target


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (see :func:`refuse_surrogates`)."""
    return _SURROGATE.search(text) is not None


def refuse_surrogates(text: str, what: str) -> None:
    """FormatError if ``text`` holds a lone surrogate.

    Bytes decoded as UTF-8 never do, but an escape can make one: JSON's ``"\\ud800"``
    or YAML's ``"\\ud800"`` is half of a UTF-16 pair, not a character. It could be
    neither sent to Apertium (a pipe takes UTF-8) nor written back as UTF-8, so it is
    refused up front, with the character named."""
    m = _SURROGATE.search(text)
    if m is not None:
        from . import FormatError

        raise FormatError(f"{what}: a string holds the lone surrogate \\u{ord(m.group()):04x} "
                          "(half of a UTF-16 pair, not a character)")


def unreadable(what: str, exc: Exception) -> Exception:
    """The FormatError for a parser that failed with something other than its own
    syntax error — a TypeError, ValueError or a parser's own assertion: a mapping as a key
    inside a mapping key (YAML), an integer of more than 4,300 digits, which Python
    will not convert (JSON, YAML). Python's advice after ``;`` is not for our users."""
    from . import FormatError

    detail = str(exc).split(";")[0] or "its parser gave up on it"  # a bare assert
    return FormatError(f"{what}: cannot be read as data ({detail})")
