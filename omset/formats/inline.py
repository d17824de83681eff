"""Inline markup inside a segment, for every format that has it (HTML, Markdown, DOCX …).

A format turns a block (a paragraph, a heading, a table cell) into one segment: text
parts and :class:`Marker` parts, one per opening or closing tag (``<b>``, ``**``, ``[``)
and one per void or opaque piece (``<br>``, ``<code>…</code>``, an image). Apertium
moves the markers with the words around them (:meth:`Translator.translate_parts`).

Apertium may occasionally put markers in an order that no longer nests (``<b>`` after
its own ``</b>``, or ``<b><i>`` closed as ``</b></i>``). :func:`translate_segments`
checks every answer and, for a segment that does not nest, translates the text between
its markers piece by piece instead, with every marker where it was: the words of one
piece lose some context, but the document's structure never breaks.

A format only needs :class:`Builder` (to make segments) and :func:`translate_segments`
(to translate them); it renders the answer by walking the parts and asking each
marker's ``key`` what it stood for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from ..model import Marker, Part, Role

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator

__all__ = ["Marker", "Builder", "nests", "tidy", "translate_segments", "texts_only"]



@dataclass
class Builder:
    """Collects the parts of one segment; adjacent text is merged."""

    parts: list[Part] = field(default_factory=list)
    _next: int = 0
    _open: list[int] = field(default_factory=list)

    def text(self, s: str | None) -> None:
        if not s:
            return
        if self.parts and isinstance(self.parts[-1], str):
            self.parts[-1] += s
        else:
            self.parts.append(s)

    def _marker(self, label: str, role: Role, pair: int) -> Marker:
        m = Marker(label, self._next, role, pair)
        self._next += 1
        self.parts.append(m)
        return m

    def void(self, label: str = "") -> Marker:
        """An opaque piece: a void tag, code, an image — it stays, its text is not translated."""
        return self._marker(label, "void", -1)

    def open(self, label: str = "") -> Marker:
        m = self._marker(label, "open", self._next)
        self._open.append(m.key)
        return m

    def close(self, label: str = "") -> Marker:
        """Close the innermost open marker."""
        return self._marker(label, "close", self._open.pop())

    @property
    def has_text(self) -> bool:
        return any(isinstance(p, str) and p.strip() for p in self.parts)


def markers(parts: Sequence[Part]) -> list[Marker]:
    return [p for p in parts if isinstance(p, Marker)]


def nests(source: Sequence[Part], out: Sequence[Part]) -> bool:
    """True when ``out`` has every marker of ``source`` exactly once, properly nested."""
    want = {m.key for m in markers(source)}
    seen: set[int] = set()
    stack: list[int] = []
    for m in markers(out):
        if m.key in seen or m.key not in want:
            return False
        seen.add(m.key)
        if m.role == "open":
            stack.append(m.pair)
        elif m.role == "close":
            if not stack or stack.pop() != m.pair:
                return False
    return not stack and seen == want


def tidy(parts: Sequence[Part]) -> list[Part]:
    """Move spaces out of tags: ``<b> word </b>`` → `` <b>word</b> ``.

    Apertium keeps blanks in order but a marker can end up on the wrong side of a space;
    for Markdown that matters (``** word**`` is not emphasis), for HTML it is tidier.
    Adjacent text parts are merged first; a space moved next to another is dropped.
    One pass, left to right: a move only touches the text beside its own marker, so a
    block of thousands of tags costs linear time.
    """
    merged: list[Part] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif not (isinstance(p, str) and p == ""):
            merged.append(p)
    out: list[Part] = []
    i = 0
    while i < len(merged):
        p = merged[i]
        nxt = merged[i + 1] if i + 1 < len(merged) else None
        if isinstance(p, Marker) and p.role == "open" and isinstance(nxt, str):
            core = nxt.lstrip(" ")
            if core and core != nxt:
                merged[i + 1] = core
                _put_space(out, before=True, space=nxt[:len(nxt) - len(core)])
        elif isinstance(p, Marker) and p.role == "close" and out and isinstance(out[-1], str):
            inner = out[-1]
            core = inner.rstrip(" ")
            if core and core != inner:
                out[-1] = core
                out.append(p)
                space = inner[len(core):]
                if isinstance(nxt, str):
                    merged[i + 1] = nxt if nxt.startswith(" ") else space + nxt
                else:
                    out.append(space)
                i += 1
                continue
        out.append(p)
        i += 1
    return out


def _put_space(out: list[Part], *, before: bool, space: str) -> None:
    """Put ``space`` at the end of ``out`` (just before an opening marker), merged with
    the text there."""
    if out and isinstance(out[-1], str):
        text: str = out[-1]
        out[-1] = text if text.endswith(" ") else text + space
    else:
        out.append(space)


def texts_only(parts: Sequence[Part]) -> str:
    """The text of a segment, markers left out."""
    return "".join(p for p in parts if isinstance(p, str))


def translate_segments(tr: "Translator", segments: Sequence[Sequence[Part]], *,
                       tidy_spaces: bool = True) -> list[list[Part]]:
    """Translate segments with markers; every answer has the source's markers, nested.

    Segments whose answer does not nest are translated again run by run (the text
    between two markers is one request), markers kept where they were.
    """
    answers = tr.translate_parts(segments) if segments else []
    out: list[list[Part]] = []
    retry: list[int] = []
    for i, (seg, ans) in enumerate(zip(segments, answers)):
        if nests(seg, ans):
            out.append(tidy(ans) if tidy_spaces else [p for p in ans if p != ""])
        else:
            out.append([])
            retry.append(i)
    if retry:
        runs = [[p] for i in retry for p in segments[i] if isinstance(p, str)]
        done = iter(tr.translate_parts(runs))
        for i in retry:
            out[i] = [texts_only(next(done)) if isinstance(p, str) else p for p in segments[i]]
    return out
