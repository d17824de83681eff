"""Plain text: paragraphs, blank lines and indentation come back exactly as they were."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import decode_text, encode_text

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "text/plain; charset=utf-8"


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    text, bom = decode_text(data, "text")
    return encode_text(tr.translate(text), bom)
