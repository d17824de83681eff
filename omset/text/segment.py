"""Cutting text into segments that are translated independently.

A segment is the unit Apertium sees between two NUL flushes, so two segments can never
merge or split, whatever Apertium does inside one. Whitespace between segments (line
breaks, blank lines, indentation at the ends) is never sent to Apertium and comes back
byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

_SENTENCE_END = re.compile(r"[.!?…:;»\"”’)\]]\s*$")
_STARTS_LOWER = re.compile(r"^\s*[a-zæøåäöüé]")
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?…])[\"»”’)]*(\s+)(?=[\"«“(\-–—]*[A-ZÆØÅÄÖÜÉ0-9])")


@dataclass(frozen=True)
class Piece:
    """A run of the input: ``translate`` says whether it is a segment or spacing."""

    text: str
    translate: bool


def split_edges(text: str) -> tuple[str, str, str]:
    """Split ``text`` into leading whitespace, core, trailing whitespace."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core[0])
    end = start + len(core)
    return text[:start], core, text[end:]


def _joins_next(line: str, following: str) -> bool:
    """A hard-wrapped line: it ends mid-sentence and the next one goes on in lower case.

    Anything else (a headline, a list item, a line that ends a sentence) is a segment
    of its own, which is what keeps Apertium from pulling a headline into the next line.
    """
    return not _SENTENCE_END.search(line) and bool(_STARTS_LOWER.match(following))


def _segment(body: str, end: str) -> Iterator[Piece]:
    """One segment with its surrounding whitespace and line ending as spacing pieces."""
    lead, core, trail = split_edges(body)
    if lead:
        yield Piece(lead, False)
    if core:
        yield Piece(core, True)
    if trail + end:
        yield Piece(trail + end, False)


def iter_pieces(lines: Iterable[str], *, by_line: bool = False) -> Iterator[Piece]:
    """Pieces of a text given as lines (with their line endings).

    ``by_line``: every line is a segment (``omset translate --lines``); otherwise blank
    lines separate paragraphs and wrapped lines of one paragraph stay together.
    """
    pending = ""  # the current segment: wrapped lines joined with their line breaks
    pending_end = ""
    for raw in lines:
        body = raw.rstrip("\r\n")
        end = raw[len(body):]
        if by_line or not body.strip():
            if pending:
                yield from _segment(pending, pending_end)
                pending = pending_end = ""
            yield from _segment(body, end)
            continue
        if pending and _joins_next(pending, body):
            pending += pending_end + body
        else:
            if pending:
                yield from _segment(pending, pending_end)
            pending = body
        pending_end = end
    if pending:
        yield from _segment(pending, pending_end)


def pieces(text: str, *, by_line: bool = False) -> list[Piece]:
    """All pieces of ``text``; joining their texts gives ``text`` back exactly."""
    return list(iter_pieces(text.splitlines(keepends=True), by_line=by_line))


def split_sentences(text: str, max_chars: int) -> list[str]:
    """Split a long segment at sentence boundaries into chunks of about ``max_chars``.

    Returns alternating [chunk, spacing, chunk, ...]; ``"".join`` gives ``text`` back.
    Short segments come back whole, and a single sentence is never cut: that would
    change its translation. Chunks let one long paragraph use every pipeline at once.
    """
    if len(text) <= max_chars:
        return [text]
    out: list[str] = []
    chunk_start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        if m.start(1) - chunk_start >= max_chars:
            out.append(text[chunk_start:m.start(1)])
            out.append(m.group(1))
            chunk_start = m.end(1)
    out.append(text[chunk_start:])
    return out
