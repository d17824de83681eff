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

import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..memory.store import Memory
from ..memory.workflow import EXACT_ONLY, MemoryTranslation, join_pieces, one_request_each
from ..text.segment import iter_pieces, pieces


class MemoryEngine:
    """The :class:`~.records.Engine` a worker uses with ``--memory``. It counts the
    segments it answered from the memory and from the engine; :meth:`take_counts` hands
    them to the partition that finished (so the run's summary can say how much the
    memory saved)."""

    def __init__(self, translator: Any, memory: Memory) -> None:
        self.translator = translator
        self.memory = memory
        self._options: dict[str, Any] = {"store": False, "threshold": EXACT_ONLY,
                                         "engine": one_request_each(translator)}
        self._lock = threading.Lock()
        self._memory_segments = 0
        self._engine_segments = 0

    def _join(self, split: list[list[Any]]) -> list[MemoryTranslation]:
        done = join_pieces(self.translator, self.memory, split, **self._options)
        reused = sum(s.from_memory for t in done for s in t.segments)
        total = sum(len(t.segments) for t in done)
        with self._lock:
            self._memory_segments += reused
            self._engine_segments += total - reused
        return done

    def take_counts(self) -> tuple[int, int]:
        """Segments answered (from the memory, by the engine) since the last call."""
        with self._lock:
            counts = (self._memory_segments, self._engine_segments)
            self._memory_segments = self._engine_segments = 0
        return counts

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [r.text for r in self._join([pieces(t) for t in texts])]

    def translate(self, text: str) -> str:
        return self.translate_batch([text])[0]

    def translate_lines(self, lines: Iterable[str], *, by_line: bool = True) -> Iterator[str]:
        """A partition's lines, cut as ``Translator.translate_lines`` cuts them."""
        split = list(iter_pieces(lines, by_line=by_line))
        yield self._join([split])[0].text

    def close(self) -> None:
        self.memory.close()
        self.translator.close()
