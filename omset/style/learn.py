"""Inferring a house-style profile from a sample of the house's own Nynorsk.

For every word of the sample we ask Apertium which spellings the norm allows for the
same lemma and inflection (analyse with the Nynorsk analyser and tagger, then run the
nob→nno generator on the analysis, which lists every form with the preference tags
selecting it) and note which one the house wrote. Preferences that never show up as a
generator choice (``også``/``òg``, ``derfor``/``difor``, chosen earlier in Apertium's
pipeline) are counted from the word pairs in their descriptions. A preference is
switched on when the house uses its form in most of the cases where it had the choice.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from ..engine.modes import pipeline_command, preferences
from ..engine.pool import Pool
from ..engine.stream import encode
from . import genprefs
from ..align import edit_distance
from ..model import Unit
from .choose import parse_unit
from .profile import Profile

_LU = re.compile(r"\^((?:\\.|[^/$\\])*)/((?:\\.|[^$\\])*)\$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_UNESCAPE = re.compile(r"\\(.)")


@dataclass
class Tally:
    """How often the house wrote the form of a preference, and how often the other."""

    on: int = 0
    off: int = 0
    lemmas: Counter = field(default_factory=Counter)   # lemma -> on-count
    lemmas_off: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.on + self.off

    @property
    def share(self) -> float:
        return self.on / self.total if self.total else 0.0


@dataclass
class Evidence:
    """Everything counted in a sample; :meth:`profile` turns it into a profile."""

    prefs: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    split_short: Tally = field(default_factory=Tally)   # e-infinitive among short-stem verbs
    split_long: Tally = field(default_factory=Tally)    # e-infinitive among the others
    words: int = 0
    source: dict[str, str] = field(default_factory=dict)  # pref -> "generator" | "words"

    def profile(self, name: str, description: str = "", min_count: int = 3) -> Profile:
        prefs = {p for p, t in self.prefs.items()
                 if p not in ("infa_infe", "kløyvd_inf") and t.total >= min_count and t.share > 0.5}
        infinitive = "e" if self.prefs["infa_infe"].share >= 0.5 else "a"
        if (self.split_short.total >= min_count and self.split_long.total >= min_count
                and self.split_short.share < 0.5 <= self.split_long.share):
            infinitive = "split"
        return Profile(name, description, infinitive, frozenset(prefs))

    def report(self) -> list[tuple[str, int, int, float, str]]:
        """(preference, house form, other form, share, evidence) per preference seen."""
        return sorted(((p, t.on, t.off, t.share, self.source.get(p, ""))
                       for p, t in self.prefs.items() if t.total), key=lambda r: -(r[1] + r[2]))


_FILLER = {"å", "trykksterkt", "system:"}


def _pairs(description: str) -> list[tuple[str, str]]:
    """Single-word pairs of a description such as ``vart/vorte → blei/blitt``.

    Multiword choices (``i tilfelle → i fall``) and suffix rules (``-er → -ar``) cannot
    be counted from words and give no pairs.
    """
    if "→" not in description:
        return []
    left, right = description.split("→", 1)
    lw = [w for w in left.split() if w.lower() not in _FILLER]
    rw = [w for w in right.split() if w.lower() not in _FILLER]
    if len(lw) != 1 or len(rw) != 1:
        return []
    pairs = []
    for a, b in zip(lw[0].split("/"), rw[0].split("/")):
        a, b = a.strip(" ,.()").lower(), b.strip(" ,.()").lower()
        if a and b and not a.startswith("-") and a != b:
            pairs.append((a, b))
    return pairs


def _distance(a: list[str], b: list[str]) -> int:
    """Word-level edit distance (for comparing a translation with a reference)."""
    return edit_distance(a, b)


def check_on_parallel(base: Profile, candidates: Iterable[str],
                      pairs: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """For each candidate preference: (sentences closer to the reference, farther) when
    it is added to ``base``, on Bokmål→Nynorsk ``pairs``. Used for preferences that act
    before generation, whose effect in context word counts cannot show."""
    from ..translator import Translator

    sources = [s for s, _ in pairs]
    refs = [_WORD.findall(r.lower()) for _, r in pairs]
    with Translator("nb", "nn", style=base) as tr:
        plain = [_WORD.findall(t.lower()) for t in tr.translate_batch(sources)]
    result = {}
    for pref in candidates:
        with Translator("nb", "nn", style=base.with_options(prefs=[pref])) as tr:
            out = [_WORD.findall(t.lower()) for t in tr.translate_batch(sources)]
        better = worse = 0
        for p, o, r in zip(plain, out, refs):
            if p != o:
                d0, d1 = _distance(p, r), _distance(o, r)
                better += d1 < d0
                worse += d1 > d0
        result[pref] = (better, worse)
    return result


class StyleLearner:
    """Two small warm pipelines: Nynorsk analysis+tagging, and nob→nno generation."""

    def __init__(self) -> None:
        analyse = pipeline_command("nno-nob", stop=5).replace("apertium-tagger -z -g",
                                                                 "apertium-tagger -z -p -g")
        gen = pipeline_command("nob-nno_e").split(" | ")
        generator = next(s for s in gen if "autogen.bin" in s)
        # watched pools: a hung stage is killed at its deadline, not waited on forever
        self._analyse = Pool(analyse, size=1, timeout=60.0)
        self._generate = Pool(generator, size=1, timeout=60.0)
        self._short = next((r.unless_lemma for r in genprefs.load("nob-nno.genprefs")
                            if r.unless_lemma), frozenset())
        self._described = {p: _pairs(d) for p, d in preferences("nb", "nn").items()}

    def close(self) -> None:
        self._analyse.close()
        self._generate.close()

    def __enter__(self) -> "StyleLearner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _units(self, paragraph: str) -> list[tuple[str, Unit]]:
        analysed = self._analyse.run(encode(paragraph))
        lus = [(m.group(1), m.group(2)) for m in _LU.finditer(analysed)]
        lus = [(s, a) for s, a in lus if not a.startswith("*")]
        if not lus:
            return []
        request = " ".join(f"^{a}$" for _, a in lus)
        generated = self._generate.run(request)
        units = [parse_unit(m.group()) for m in re.finditer(r"\^(?:\\.|[^$\\])*\$", generated)]
        if len(units) != len(lus):
            return []
        return [(_UNESCAPE.sub(r"\1", s), u) for (s, _), u in zip(lus, units)]

    def count(self, paragraphs: Iterable[str], evidence: Evidence | None = None) -> Evidence:
        ev = evidence or Evidence()
        seen_in_generator: set[str] = set()
        word_counts: Counter = Counter()
        for para in paragraphs:
            para = para.strip()
            if not para:
                continue
            words = [w.lower() for w in _WORD.findall(para)]
            ev.words += len(words)
            word_counts.update(words)
            for surface, unit in self._units(para):
                forms = unit.forms
                if len(forms) < 2:
                    continue
                low = surface.lower()
                used = [f for f in forms if f.text.lower() == low]
                if not used:
                    continue
                tags = set().union(*(f.prefs for f in forms))
                used_tags = used[0].prefs
                lemma = unit.lemma.lower()
                for tag in tags:
                    # a tag counts only if some form without it was also possible
                    t = ev.prefs[tag]
                    seen_in_generator.add(tag)
                    if tag in used_tags:
                        t.on += 1
                        t.lemmas[lemma] += 1
                    else:
                        t.off += 1
                        t.lemmas_off[lemma] += 1
                if "infa_infe" in tags and "inf" in unit.tags:
                    e_form = "infa_infe" in used_tags
                    short = any(f.text in self._short for f in forms)
                    bucket = ev.split_short if short else ev.split_long
                    bucket.on += e_form
                    bucket.off += not e_form
        for pref, pairs in self._described.items():
            if pref in seen_in_generator or not pairs:
                continue
            t = ev.prefs[pref]
            for a, b in pairs:
                t.off += word_counts[a]
                t.on += word_counts[b]
            if t.total:
                ev.source[pref] = "words"
        for tag in seen_in_generator:
            ev.source[tag] = "generator"
        return ev
