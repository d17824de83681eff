"""How segments are compared and found: normalised text, word tokens and 64-bit keys.

Exact matches compare the normalised source (Unicode NFC, runs of whitespace as one
space), so a re-wrapped paragraph still matches; the stored target is returned as it was
stored. Keys are 64-bit hashes (signed, to fit an SQL BIGINT) that every backend indexes
the same way.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")
#: a word (letters, digits, with inner hyphens/apostrophes/periods/commas as in 3,5 or
#: e-post) or a single punctuation mark
_TOKEN = re.compile(r"\w+(?:[-'’.,:]\w+)*|[^\w\s]")


def normalise(text: str) -> str:
    """The form in which two segments are the same segment."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def tokens(text: str) -> list[str]:
    """Words and punctuation marks of a segment, in order (for word-level edit distance)."""
    return _TOKEN.findall(normalise(text))


def token_spans(text: str) -> list[tuple[int, int]]:
    """Where each of :func:`tokens` is in ``text`` itself (``text`` not normalised)."""
    return [m.span() for m in _TOKEN.finditer(text)]


def terms(text: str) -> set[str]:
    """The distinct lower-cased words of a segment: what the fuzzy index is made of."""
    return {t.lower() for t in tokens(text) if t[0].isalnum() or t[0] == "_"}


def key(*parts: str) -> int:
    """A signed 64-bit hash of the parts (unambiguous: parts are length-prefixed)."""
    data = "".join(f"{len(p)}:{p}" for p in parts).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def source_key(source_lang: str, target_lang: str, source: str) -> int:
    """The exact-match key of a source segment in one direction."""
    return key("s", source_lang, target_lang, normalise(source))


@lru_cache(maxsize=1 << 18)
def term_key(source_lang: str, target_lang: str, term: str) -> int:
    """The fuzzy-index key of a word in one direction."""
    return key("t", source_lang, target_lang, term)
