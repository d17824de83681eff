"""Spans that must come out exactly as they went in.

URLs, e-mail addresses, @handles, #hashtags, code spans and — when asked — titles in
«guillemets» are cut out of the segment before Apertium sees it and travel through
the pipeline as opaque :class:`~omset.engine.stream.Markup` (a superblank holding only
an index), so no stage can alter them. Numbers need no such treatment: Apertium passes
them through untouched, with their spaces and separators (tested).
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ..model import Markup, Part, Protected

_PATTERNS: list[tuple[str, str]] = [
    ("code", r"`[^`\n]+`"),
    ("url", r"\b(?:https?://|ftp://|www\.)[^\s<>«»\"]+[^\s<>«»\".,;:!?)\]']"),
    ("email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    ("handle", r"(?<![\w@])@[A-Za-z0-9_]{2,}"),
    ("hashtag", r"(?<![\w#&])#[^\W_][\w]*"),
    ("path", r"(?<![\w/])(?:/[\w-]+(?:\.[\w-]+)*){2,}/?"),
    ("identifier", r"\b[A-Za-z_]\w*\(\)|\b[A-Za-z_][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b"),
]
_TITLE = r"«[^«»\n]{1,120}»"
_MAX_TITLE_WORDS = 12


def _pattern(keep_titles: bool) -> re.Pattern[str]:
    parts = [f"(?P<{k}>{p})" for k, p in _PATTERNS]
    if keep_titles:
        parts.insert(0, f"(?P<title>{_TITLE})")
    return re.compile("|".join(parts))


_PLAIN = _pattern(False)
_WITH_TITLES = _pattern(True)


def _is_title(span: str) -> bool:
    """A «…» span that reads like a title, not a quotation: short, capitalised,
    not ending as a sentence does."""
    inner = span[1:-1].strip()
    return (bool(inner) and inner[0].isupper() and len(inner.split()) <= _MAX_TITLE_WORDS
            and not inner.endswith((".", "!", "?", ",")))


def protect(text: str, *, keep_titles: bool = False) -> list[Part]:
    """Split ``text`` into plain parts and :class:`Protected` parts."""
    pattern = _WITH_TITLES if keep_titles else _PLAIN
    parts: list[Part] = []
    pos = 0
    for m in pattern.finditer(text):
        kind = m.lastgroup or "protected"
        if kind == "title" and not _is_title(m.group()):
            continue
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        parts.append(Protected(m.group(), kind))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts or [text]


#: Longest run of non-blank characters Apertium is given as a word. ``lt-proc`` takes
#: super-linear time on one long token (10/20/40/80 kB: 0.65/1.45/5.2/29.8 s), so a
#: "word" longer than this — a pasted blob, a base64 string — passes through as
#: written, protected, and costs nothing. The longest Norwegian compounds and most URLs
#: (which are protected anyway) are well under it.
MAX_TOKEN_CHARS = 1000
_LONG_TOKEN = re.compile(r"\S{%d,}" % (MAX_TOKEN_CHARS + 1))


def cap_tokens(parts: Sequence[Part], max_chars: int = MAX_TOKEN_CHARS) -> list[Part]:
    """``parts`` with every run of more than ``max_chars`` non-blank characters in a text
    part made :class:`Protected` (kind ``long-token``): see :data:`MAX_TOKEN_CHARS`."""
    pattern = (_LONG_TOKEN if max_chars == MAX_TOKEN_CHARS
               else re.compile(r"\S{%d,}" % (max_chars + 1)))
    out: list[Part] = []
    for p in parts:
        if not isinstance(p, str) or len(p) <= max_chars:
            out.append(p)
        else:
            out += split_matches(p, pattern, lambda span: Protected(span, "long-token"))
    return out


def split_matches(text: str, pattern: re.Pattern[str],
                  make: Callable[[str], Markup]) -> list[Part]:
    """``text`` cut around the matches of ``pattern``, each match made a part of its own
    by ``make`` (the text between them kept as plain parts)."""
    parts: list[Part] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        parts.append(make(m.group()))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def has_protected(parts: Sequence[Part]) -> bool:
    return any(isinstance(p, Markup) for p in parts)


def join(parts: Sequence[Part]) -> str:
    """Text of a translated segment: protected spans back in place."""
    return "".join(p if isinstance(p, str) else p.text for p in parts)
