"""Choosing Bokmål forms for Nynorsk→Bokmål, before Apertium's Bokmål generator.

Unlike nob→nno, Apertium's ``nno-nob`` generator offers no alternative spellings: on
2,000 NorBench dev sentences (37,216 units), 8 units had more than one form, none of
them a style variant (docs/style.md). Its choices are made one step earlier: transfer
writes every Nynorsk feminine noun as a Bokmål masculine (``^bok<n><m><sg><def>$`` →
*boken*), and a lemma per word (``heim`` → *hjem*). The Bokmål generator itself still
holds the feminine forms (``^bok<n><f><sg><def>$`` → *boka*) and the radical lemmas.

So a Bokmål profile decides on the stream *before* generation: it rewrites a unit's
gender tag or lemma where the profile says so and the generator has that form (asked
once per unit through the Engine's generator helper, cached), and Apertium's own
generator then writes every word. Nothing is replaced in the output text.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ..model import Form, Unit
from .choose import _TOKEN

__all__ = ["BokmalChooser", "apply"]

_TAG = re.compile(r"<([^<>]*)>")
_UNESCAPE = re.compile(r"\\(.)")
# the only place the two genders differ in form: the definite singular (boka / boken)
_MASC_DEF = "<n><m><sg><def>"
_FEM_DEF = "<n><f><sg><def>"
_MAX_CACHE = 200_000

#: one question to the Engine's Bokmål generator: units one per line in, forms out
Ask = Callable[[str], str]


@dataclass
class BokmalChooser:
    """A Bokmål profile's decisions.

    ``feminine``: ``"en"`` keeps Apertium's masculine forms (*boken*), ``"a"`` writes
    the feminine definite singular wherever the generator has it (*boka*), ``"lemmas"``
    only for the lemmas in ``feminine_a``. ``lemma_map``: lemmas to write as another
    lemma with the same tags (``hjem → heim``) where the generator has it.
    """

    feminine: str = "en"
    feminine_a: frozenset[str] = frozenset()
    lemma_map: Mapping[str, str] = field(default_factory=dict)
    name: str = ""

    def __post_init__(self) -> None:
        if self.feminine not in ("a", "en", "lemmas"):
            raise ValueError("feminine must be 'a', 'en' or 'lemmas'")
        self._forms: dict[str, str | None] = {}   # unit → generated form (None: none)
        self._lock = threading.Lock()

    def candidate(self, lu: str) -> tuple[str, str] | None:
        """The unit the profile wants instead of ``lu`` (``^…$``) and why, or None."""
        body = lu[1:-1]
        if body.startswith(("*", "#", "@")) or "/" in body:
            return None
        lemma_raw, _, tags = body.partition("<")
        lemma = _UNESCAPE.sub(r"\1", lemma_raw).lower()
        tags = "<" + tags if tags else ""
        new = self.lemma_map.get(lemma)
        if new is not None:
            return self._recase(lemma_raw, new) + tags, f"{lemma} → {new}"
        if tags.startswith(_MASC_DEF) and (
                self.feminine == "a" or (self.feminine == "lemmas" and lemma in self.feminine_a)):
            return lemma_raw + _FEM_DEF + tags[len(_MASC_DEF):], f"{lemma}: feminine -a"
        return None

    @staticmethod
    def _recase(original: str, new: str) -> str:
        return new[:1].upper() + new[1:] if original[:1].isupper() else new

    def generated(self, units: list[str], ask: Ask) -> dict[str, str | None]:
        """The generator's form of each unit body (None where it has none), asking
        only about the ones not seen before, all in one question."""
        with self._lock:
            missing = [u for u in dict.fromkeys(units) if u not in self._forms]
        if missing:
            answer = ask("".join(f"^{u}$\n" for u in missing)).replace("\0", "").split("\n")
            if len(answer) < len(missing):
                raise RuntimeError("the Bokmål generator answered too few lines")
            with self._lock:
                if len(self._forms) > _MAX_CACHE:
                    self._forms.clear()
                for u, form in zip(missing, answer):
                    form = form.strip()
                    ok = form and not form.startswith(("#", "@", "*")) and "<" not in form
                    self._forms[u] = _UNESCAPE.sub(r"\1", form) if ok else None
        with self._lock:
            return {u: self._forms.get(u) for u in units}


def apply(stream: str, chooser: BokmalChooser, ask: Ask, *,
          wrap: bool = False) -> tuple[str, list[Unit]]:
    """Rewrite the units of a pre-generation stream as the profile chooses.

    Returns the stream for the generator and one :class:`Unit` per lexical unit (with
    the default and the chosen form where the profile had a choice). With ``wrap``
    every unit is enclosed in a word-bound blank ``[[u:N]]…[[/]]``, which the
    generator keeps around the word it writes (the detailed API finds it there).
    """
    tokens = list(_TOKEN.finditer(stream))
    wanted: dict[int, tuple[str, str, str]] = {}   # token index → (default, new, why)
    for i, m in enumerate(tokens):
        lu = m.group("lu")
        if lu is not None:
            cand = chooser.candidate(lu)
            if cand is not None:
                wanted[i] = (lu[1:-1], *cand)
    forms = chooser.generated([u for w in wanted.values() for u in w[:2]], ask) if wanted else {}
    out: list[str] = []
    units: list[Unit] = []
    for i, m in enumerate(tokens):
        lu = m.group("lu")
        if lu is None:
            out.append(m.group())
            continue
        body = lu[1:-1]
        lemma_raw, _, _ = body.partition("<")
        unit = Unit(_UNESCAPE.sub(r"\1", lemma_raw).lstrip("*#@"), tuple(_TAG.findall(body)),
                    [Form(lemma_raw, frozenset())], unknown=lemma_raw.startswith("*"))
        if i in wanted:
            default, new, why = wanted[i]
            old_form, new_form = forms.get(default), forms.get(new)
            if new_form is not None and old_form is not None:
                unit.forms = [Form(old_form, frozenset()), Form(new_form, frozenset())]
                if new_form != old_form:
                    unit.chosen, unit.reason = 1, f"profile {chooser.name}: {why}"
                    lu = f"^{new}$"
        units.append(unit)
        out.append(f"[[u:{len(units) - 1}]]{lu}[[/]]" if wrap else lu)
    return "".join(out), units
