"""Translation memory: a proofread sentence is never translated or fixed twice.

    from omset.memory import Memory, translate_text, store_approved
    with Memory.open("tm.sqlite") as mem:          # or "postgresql://…"
        result = translate_text(translator, mem, text, document="story-1", version="2")
        result.text, [s.origin for s in result.segments]

Modules: :mod:`.entry` (what is stored), :mod:`.store` (the interface and lookup policy),
:mod:`.sqlite` / :mod:`.postgres` (backends), :mod:`.keys` and :mod:`.fuzzy` (matching),
:mod:`.repair` (fuzzy-match repair), :mod:`.workflow` (translating a text against the
memory), :mod:`.tmx` and :mod:`.tabular` (import/export).
"""

from __future__ import annotations

from . import tabular, tmx
from .entry import Entry, MachineVersion, Match
from .errors import MemoryStoreError
from .store import Memory, Query

__all__ = ["Entry", "MachineVersion", "Match", "Memory", "MemoryStoreError", "Query", "tabular",
           "tmx"]
