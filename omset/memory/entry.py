"""What the memory stores and what a lookup returns.

An :class:`Entry` is one source segment with its target and everything needed to decide
later whether it may be served: the direction (never served across directions), the
style, who made it (a proofreader's text is kept for ever; machine output only while
the engine and profile that made it are the current ones), and where it stood (document,
version, position, neighbours) for in-context matches.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

Origin = Literal["human", "approved", "machine"]
ORIGINS: tuple[Origin, ...] = ("human", "approved", "machine")
#: origins a proofreader stands behind: served whatever engine is running, and repaired
TRUSTED: frozenset[str] = frozenset({"human", "approved"})

MatchKind = Literal["in-context", "exact", "fuzzy"]


@dataclass(frozen=True)
class MachineVersion:
    """Which engine and which style profile made a machine translation.

    A machine entry is served only while both are the current ones, so a new profile or
    a new Apertium release never hands out stale machine output.
    """

    engine: str
    profile: str


@dataclass
class Entry:
    """One stored translation unit."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: Origin = "approved"
    style: str = ""                  # "" fits any style (e.g. imported TMX)
    engine_version: str = ""         # machine entries only
    profile_version: str = ""        # machine entries only
    document: str = ""
    doc_version: str = ""
    position: int | None = None      # index of the segment in its document
    prev_source: str = ""            # the neighbouring source segments ("" at the ends)
    next_source: str = ""
    created: float = field(default_factory=time.time)
    author: str = ""
    id: int | None = None            # set by the store

    def __post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, not {self.origin!r}")
        if self.origin == "machine" and not (self.engine_version and self.profile_version):
            raise ValueError("a machine entry needs its engine and profile version")

    @property
    def trusted(self) -> bool:
        """A person made or approved this target."""
        return self.origin in TRUSTED


@dataclass(frozen=True)
class Match:
    """A lookup's answer: the entry and how well its source fits.

    ``score`` is 1.01 for an in-context match (the "101 %" of CAT tools), 1.0 for an
    exact one and the word-level similarity (0..1) for a fuzzy one.
    """

    kind: MatchKind
    score: float
    entry: Entry
