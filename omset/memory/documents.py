"""Documents (DOCX, ODT, HTML, PO …) against the translation memory.

The format modules know one translator interface (``translate_parts``, ``translate_batch``,
``translate``, ``source``/``target``); :class:`MemoryTranslator` offers it and answers
each segment from the memory first, through :func:`.workflow.translate_segments` — the
same path as plain text, so a document and a text share their entries. All segments a
format hands over in one call are one document for the in-context matches (their
neighbours are the previous and next segments of that call).

A segment whose inner parts are all text (after its edge whitespace) uses the memory
fully: in-context, exact, repaired fuzzy matches, and new machine output is stored. A
segment with inline markup inside it (a bold word, a link, a ``%s`` placeholder) is
looked up by its text without the markup, for a human/approved translation of exactly
that text (in context or not); when :func:`.markup.restore` can put the markup back
safely, that translation is used. Otherwise — no such entry, a fuzzy one only, or markup
with no safe place — the segment goes to the engine as it would without a memory, and
its result says why (``note``, shown by ``--explain``). Such segments are never stored:
the memory holds plain text, and an engine translation with markup is not one of its
text alone.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ..model import Part
from ..text.segment import pieces, strip_edges
from . import fuzzy
from .markup import Unplaceable, restore
from .store import Memory
from .workflow import SegmentResult, approved_matches, one_request_each, translate_segments

#: the note of a segment with inline markup that the memory holds no translation for
MARKUP_NOTE = ("inline markup inside the segment: no approved translation of exactly its "
               "text")


class MemoryTranslator:
    """A translator for :func:`omset.formats.translate_document` that uses and fills a
    memory; every other attribute is the wrapped translator's. ``results`` collects one
    :class:`SegmentResult` per segment translated, in order, for ``--explain``."""

    def __init__(self, translator: Any, memory: Memory, *, document: str = "",
                 version: str = "", author: str = "", store: bool = True,
                 threshold: float = fuzzy.THRESHOLD) -> None:
        self._tr = translator
        self._memory = memory
        self._opts: dict[str, Any] = {"document": document, "version": version,
                                       "author": author, "store": store,
                                       "threshold": threshold}
        self.results: list[SegmentResult] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tr, name)

    def using(self, *, glossary: Any = None) -> MemoryTranslator:
        """The same, on the wrapped translator with extra glossary terms."""
        other = copy.copy(self)
        other._tr = self._tr.using(glossary=glossary)
        return other

    def translate_parts(self, segments: Sequence[Sequence[Part]], *,
                        glossary: Any = None) -> list[list[Part]]:
        """``Translator.translate_parts`` with the memory in front (see the module)."""
        tr = self.using(glossary=glossary) if glossary is not None else self
        plain: list[tuple[int, str, str, str]] = []
        marked: list[int] = []
        for n, seg in enumerate(segments):
            lead, core, trail = strip_edges(seg)
            if core and all(isinstance(p, str) for p in core):
                text = "".join(p for p in core if isinstance(p, str))
                if text.strip():
                    plain.append((n, lead, text, trail))
                    continue
            marked.append(n)
        out: list[list[Part]] = [[] for _ in segments]
        found: dict[int, SegmentResult] = {}
        notes: dict[int, str] = {}
        if marked:
            marked = tr._restore_marked(segments, marked, out, found, notes)
        if marked:
            for n, parts in zip(marked, tr._tr.translate_parts([segments[n] for n in marked])):
                out[n] = parts
        if plain:
            done = translate_segments(tr._tr, tr._memory, [[c for _, _, c, _ in plain]],
                                      engine=one_request_each(tr._tr), **tr._opts)[0]
            for (n, lead, _, trail), r in zip(plain, done):
                out[n] = [p for p in (lead, r.text, trail) if p]
                found[n] = r
        for n, seg in enumerate(segments):
            if n in found:
                self.results.append(found[n])
            elif n in marked and any(isinstance(p, str) and p.strip() for p in seg):
                self.results.append(SegmentResult(_text(seg).strip(), _text(out[n]).strip(),
                                                  "machine", note=notes.get(n, MARKUP_NOTE)))
        return out

    def _restore_marked(self, segments: Sequence[Sequence[Part]], marked: list[int],
                        out: list[list[Part]], found: dict[int, SegmentResult],
                        notes: dict[int, str]) -> list[int]:
        """Segments with inline markup from approved translations of their text, where
        the markup can be put back (into ``out`` and ``found``); returns the rest, with
        ``notes`` saying why an approved translation was not used."""
        split = [strip_edges(segments[n]) for n in marked]
        texts = ["".join(p for p in core if isinstance(p, str)).strip() for _, core, _ in split]
        if not any(texts):
            return marked
        matches = approved_matches(self._tr, self._memory, texts,
                                   document=self._opts["document"])
        rest = []
        for n, (lead, core, trail), m in zip(marked, split, matches):
            if m is None:
                rest.append(n)
                continue
            try:
                parts, around = restore(core, m.text)
            except Unplaceable as exc:
                notes[n] = (f"inline markup inside the segment: {m.entry_origin} entry "
                            f"#{m.entry_id} not used, its markup has no safe place ({exc})")
                rest.append(n)
                continue
            out[n] = [p for p in (lead, *parts, trail) if p != ""]
            m.note = "inline markup put back" + (
                " around " + ", ".join(repr(a) for a in around) if around else " at the ends")
            found[n] = m
        return rest

    def translate_batch(self, texts: Sequence[str], *, glossary: Any = None) -> list[str]:
        """Plain texts, cut into segments as ``Translator.translate_batch`` cuts them."""
        split = [pieces(t) for t in texts]
        done = iter(self.translate_parts([[p.text] for parts in split for p in parts
                                          if p.translate], glossary=glossary))
        return ["".join(_text(next(done)) if p.translate else p.text for p in parts)
                for parts in split]

    def translate(self, text: str, *, glossary: Any = None) -> str:
        return self.translate_batch([text], glossary=glossary)[0]


def _text(parts: Sequence[Part]) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in parts)
