"""The types every layer shares: a segment's parts, protected spans, generated units.

They live here, not in the module that happens to produce them first, so that
:mod:`omset.text`, :mod:`omset.formats`, :mod:`omset.style` and :mod:`omset.engine` can
all speak of a segment without importing one another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Union

__all__ = ["Markup", "Part", "Marker", "Role", "Protected", "Form", "Unit"]

_UNESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Markup:
    """Opaque inline markup inside a segment (an HTML tag, a DOCX run boundary...).

    It travels through Apertium as a superblank holding only an index, so it comes back
    as the very object it was, wherever Apertium moved it."""

    text: str


#: one piece of a segment: text to translate, or markup to carry
Part = Union[str, Markup]


Role = Literal["open", "close", "void"]


@dataclass(frozen=True)
class Marker(Markup):
    """One piece of a document's inline markup (a tag, ``**``, a link bracket). ``key`` is
    unique within its segment, so two ``<b>`` tags are never confused; an ``open`` and
    its ``close`` share ``pair``. A segment is never cut inside an open pair."""

    key: int = 0
    role: Role = "void"
    pair: int = -1


@dataclass(frozen=True)
class Protected(Markup):
    """A span that must come out exactly as it went in (or as a glossary says): ``kind``
    says why (url, email, handle, …, title, glossary)."""

    kind: str = "protected"
    original: str = ""        # the source text it replaced (glossary terms)


@dataclass
class Form:
    """One spelling the generator offers: stream text and the preferences selecting it."""

    raw: str                 # escaped surface, tags removed (what goes on to post-generation)
    prefs: frozenset[str]    # the v: tags

    @property
    def text(self) -> str:
        return _UNESCAPE.sub(r"\1", self.raw).lstrip("#@*")


@dataclass
class Unit:
    """A lexical unit after generation, and the form chosen for it."""

    lemma: str               # target lemma (``komme``), marks removed
    tags: tuple[str, ...]    # grammatical tags (``vblex``, ``inf``)
    forms: list[Form]
    chosen: int = 0
    unknown: bool = False    # the analyser did not know the source word (``*``)
    reason: str = ""         # why a non-default form was chosen
    default: int = 0         # what Apertium itself would have chosen
    agreed_from: str = ""    # the form before the agreement layer changed it (agree.py)
    agree_reason: str = ""   # why it did

    @property
    def alternatives(self) -> list[str]:
        seen: dict[str, None] = {}
        for f in self.forms:
            seen.setdefault(f.text, None)
        return list(seen) if len(seen) > 1 else []
