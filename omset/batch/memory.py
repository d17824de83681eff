"""Exact reuse from a translation memory on a batch worker (``omset batch --memory``).

Each worker process opens the memory itself, read-only (an SQLite file every worker can
reach, or a ``postgresql://`` URL), and wraps its warm translator in
:class:`MemoryEngine`: a segment the memory holds an exact (or in-context) human or
approved translation for comes back as stored, and so does the stored machine output of
the same engine and profile; the rest goes to the engine exactly as without a memory.
Nothing is written: fuzzy matches are not repaired and new output is not stored,
so a corpus run never grows or locks the newsroom's memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..memory.store import Memory
from ..memory.workflow import EXACT_ONLY, join_pieces, one_request_each
from ..text.segment import iter_pieces, pieces


class MemoryEngine:
    """The :class:`~.records.Engine` a worker uses with ``--memory``."""

    def __init__(self, translator: Any, memory: Memory) -> None:
        self.translator = translator
        self.memory = memory
        self._options: dict[str, Any] = {"store": False, "threshold": EXACT_ONLY,
                                         "engine": one_request_each(translator)}

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [r.text for r in join_pieces(self.translator, self.memory,
                                            [pieces(t) for t in texts], **self._options)]

    def translate(self, text: str) -> str:
        return self.translate_batch([text])[0]

    def translate_lines(self, lines: Iterable[str], *, by_line: bool = True) -> Iterator[str]:
        """A partition's lines, cut as ``Translator.translate_lines`` cuts them."""
        split = list(iter_pieces(lines, by_line=by_line))
        yield join_pieces(self.translator, self.memory, [split], **self._options)[0].text

    def close(self) -> None:
        self.memory.close()
        self.translator.close()
