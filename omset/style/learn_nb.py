"""A Bokmål house-style profile from a sample of the house's own Bokmål.

The choices a Bokmål profile makes (:mod:`omset.style.bokmal`) are the feminine
definite singular (*boka* or *boken*) per noun, and radical lemmas (*heim*). Apertium's
Bokmål analyser tells them apart: ``boka`` reads as ``bok<n><f><sg><def>`` only,
``boken`` as ``bok<n><m><sg><def>`` only. So we analyse the sample, count per lemma
the words that read only one way, and write ``feminine = "lemmas"`` with the nouns
the house writes with ``-a`` more often than with ``-en`` (or ``a``/``en`` for
every noun when the house is that consistent).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .profile import Profile

_LU = re.compile(r"\^((?:[^$\\]|\\.)*)\$")
_FEM, _MASC = "<n><f><sg><def>", "<n><m><sg><def>"
_RADICAL = {"heim": "hjem"}   # radical lemma → its moderate/conservative twin


@dataclass
class BokmalEvidence:
    """Per noun lemma: definite singulars written with -a (``a``) and -en (``en``)."""

    a: Counter = field(default_factory=Counter)
    en: Counter = field(default_factory=Counter)
    lemmas: Counter = field(default_factory=Counter)
    words: int = 0

    def add(self, analysis: str) -> None:
        """Count one analysed stream (``^word/reading/…$`` units)."""
        for m in _LU.finditer(analysis):
            surface, *readings = re.split(r"(?<!\\)/", m.group(1))
            self.words += 1
            if surface[:1].isupper():
                continue   # names (Ola, Raja) and sentence starts tell nothing reliable
            fem = {r.split("<", 1)[0].lower() for r in readings if _FEM in r}
            masc = {r.split("<", 1)[0].lower() for r in readings if _MASC in r}
            for lemma in fem - masc:
                self.a[lemma] += 1
            for lemma in masc - fem:
                self.en[lemma] += 1
            for r in readings:
                self.lemmas[r.split("<", 1)[0].lower()] += 1

    def profile(self, name: str, description: str = "", min_count: int = 2) -> Profile:
        """The profile the counts point to."""
        a_total, en_total = sum(self.a.values()), sum(self.en.values())
        feminine_a = frozenset(
            lemma for lemma, n in self.a.items()
            if n + self.en[lemma] >= min_count and n > self.en[lemma])
        if a_total and en_total == 0:
            feminine = "a"
        elif en_total and a_total == 0:
            feminine = "en"
        else:
            feminine = "lemmas"
        lemmas: dict[str, tuple[str, ...]] = {twin: (radical,) for radical, twin in _RADICAL.items()
                  if self.lemmas[radical] > self.lemmas[twin] and self.lemmas[radical] >= min_count}
        return Profile(name=name, description=description, language="nb", feminine=feminine,
                       feminine_a=feminine_a if feminine == "lemmas" else frozenset(),
                       lemmas=lemmas)


def count(lines: Iterable[str], analyse: Callable[[str], str]) -> BokmalEvidence:
    """Count a sample, one line at a time; ``analyse`` is Apertium's Bokmål analyser
    (an Engine's ``analyser`` helper for nb→nn)."""
    from ..engine.stream import escape

    ev = BokmalEvidence()
    for line in lines:
        if line.strip():
            ev.add(analyse(escape(line.strip())))
    return ev
