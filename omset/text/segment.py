"""Cutting text into segments that are translated independently.

A segment is the unit Apertium sees between two NUL flushes, so two segments can never
merge or split, whatever Apertium does inside one. Whitespace between segments (line
breaks, blank lines, indentation at the ends) is never sent to Apertium and comes back
byte for byte.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from ..model import Marker, Part

_SENTENCE_END = re.compile(r"[.!?…:;»\"”’)\]]\s*$")
_STARTS_LOWER = re.compile(r"^\s*[a-zæøåäöüé]")
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?…])[\"»”’)]*(\s+)(?=[\"«“(\-–—]*[A-ZÆØÅÄÖÜÉ0-9])")
#: a full stop that ends a word no sentence ends with: an initial (``Kjell G. Salvanes``)
#: or an abbreviation that a name or number follows (``dr. Hansen``, ``nr. 5``, ``kl. 10``)
_NOT_AN_END = re.compile(
    r"(?:^|[\s(«\"])(?:[A-ZÆØÅÄÖÜÉ]|(?i:dr|nr|st|ca|kl|jf|prof|tlf|inkl|ekskl|pkt|ref|mr|"
    r"bl\.a|f\.eks|m\.a|o\.a))\.$")


def _sentence_breaks(text: str) -> Iterator[re.Match[str]]:
    """The spacing after each sentence end of ``text`` (group 1 of each match).

    A cut between two words that are one sentence would change how Apertium reads
    them (a name after an initial becomes a sentence start), so a full stop after an
    initial or one of a few abbreviations is not taken for an end."""
    for m in _SENTENCE_BREAK.finditer(text):
        if not _NOT_AN_END.search(text, max(0, m.start() - 10), m.start()):
            yield m


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
    for m in _sentence_breaks(text):
        if m.start(1) - chunk_start >= max_chars:
            out.append(text[chunk_start:m.start(1)])
            out.append(m.group(1))
            chunk_start = m.end(1)
    out.append(text[chunk_start:])
    return out


def strip_edges(parts: Sequence[Part]) -> tuple[str, list[Part], str]:
    """(leading whitespace, the segment without it, trailing whitespace) of a segment
    given as parts.

    The whitespace at a segment's ends (the newline and indentation before ``</li>``)
    is kept here rather than sent: Apertium may return it before a closing marker,
    where it could no longer be told from the segment's own ending."""
    core = list(parts)
    lead = trail = ""
    if core and isinstance(core[0], str):
        text = core[0].lstrip()
        lead, core[0] = core[0][:len(core[0]) - len(text)], text
    if core and isinstance(core[-1], str):
        text = core[-1].rstrip()
        trail, core[-1] = core[-1][len(text):], text
    return lead, [p for p in core if p != ""], trail


def split_parts(parts: Sequence[Part], max_chars: int) -> list["list[Part] | str"]:
    """:func:`split_sentences` for a segment with inline markup: alternating
    [chunk, spacing, chunk, …] where each chunk is a list of parts.

    The cuts are the ones :func:`split_sentences` makes in the segment's text, except
    where the spacing is not inside one text part or a :class:`~omset.model.Marker`
    pair is open there; so a sentence is cut — and so translated — the same with or
    without markup around its words.
    """
    text = "".join(p for p in parts if isinstance(p, str))
    if len(text) <= max_chars:
        return [list(parts)]
    starts: list[int] = []          # text offset of each text part outside open pairs
    ends: list[int] = []
    pos = depth = 0
    for p in parts:
        if isinstance(p, str):
            if depth == 0:
                starts.append(pos)
                ends.append(pos + len(p))
            pos += len(p)
        elif isinstance(p, Marker):
            depth += (p.role == "open") - (p.role == "close")
    cuts: list[tuple[int, int]] = []
    chunk_start = 0
    for m in _sentence_breaks(text):
        s, e = m.span(1)
        k = bisect.bisect_right(starts, s) - 1
        if s - chunk_start >= max_chars and k >= 0 and e <= ends[k]:
            cuts.append((s, e))
            chunk_start = e
    if not cuts:
        return [list(parts)]
    out: list[list[Part] | str] = [[]]
    pos = 0
    for p in parts:
        if not isinstance(p, str):
            out[-1].append(p)  # type: ignore[union-attr]
            continue
        end, rest = pos + len(p), p
        while cuts and cuts[0][1] <= end:
            s, e = cuts.pop(0)
            head, space, rest = rest[:s - pos], rest[s - pos:e - pos], rest[e - pos:]
            if head:
                out[-1].append(head)  # type: ignore[union-attr]
            out += [space, []]
            pos = e
        if rest:
            out[-1].append(rest)  # type: ignore[union-attr]
        pos = end
    return out
