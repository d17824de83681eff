"""Documents (DOCX, ODT, HTML, PO …) against the translation memory.

The format modules know one translator interface (``translate_parts``, ``translate_batch``,
``translate``, ``source``/``target``); :class:`MemoryTranslator` offers it and answers
each segment from the memory first, through :func:`.workflow.translate_segments` — the
same path as plain text, so a document and a text share their entries. All segments a
format hands over in one call are one document for the in-context matches (their
neighbours are the previous and next segments of that call).

A segment whose inner parts are all text (after its edge whitespace) uses the memory
fully: in-context, exact, repaired fuzzy matches, and new machine output is stored. A
segment with inline markup inside it (a bold word, a link, a ``%s`` placeholder) goes to
the engine as it would without a memory and is neither looked up nor stored: the memory
holds plain text, and a stored target says nowhere where the markup belongs. Its result
says so (``note``), so ``--explain`` shows how many segments that was.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ..model import Part
from ..text.segment import pieces, strip_edges
from . import fuzzy
from .store import Memory
from .workflow import SegmentResult, one_request_each, translate_segments

#: the note of a segment the memory was not used for
MARKUP_NOTE = "inline markup inside the segment: the memory is not used for it"


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
        if marked:
            for n, parts in zip(marked, tr._tr.translate_parts([segments[n] for n in marked])):
                out[n] = parts
        found: dict[int, SegmentResult] = {}
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
                                                  "machine", note=MARKUP_NOTE))
        return out

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
