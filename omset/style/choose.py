"""Choosing among the spellings Apertium's generator still offers.

After generation (stage 20 of nob→nno) every lexical unit lists all the forms the
Nynorsk norm allows, each with the preference tags that select it::

    ^komme<vblex><inf>/komma/komme<v:infa_infe>/koma<v:komme_kome>/kome<v:infa_infe><v:komme_kome>$

Apertium's own last CG stages pick one by the preferences switched on. We run the
same rules in Python (:mod:`omset.style.genprefs`), so that a style profile can also
decide *per lemma*, and so the editor can show the other forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Mapping

from ..model import Form, Unit
from . import genprefs

if TYPE_CHECKING:
    from .agree import Agreement

_TOKEN = re.compile(  # unrolled loops: this runs over every generated stream
    r"(?P<wb>\[\[[^\]\\]*(?:\\.[^\]\\]*)*\]\])"      # word-bound blank [[...]]
    r"|(?P<sb>\[[^\]\\]*(?:\\.[^\]\\]*)*\])"          # superblank [...]
    r"|(?P<lu>\^[^$\\]*(?:\\.[^$\\]*)*\$)"            # lexical unit ^...$
    r"|(?P<text>[^\[\^\\]+(?:\\.[^\[\^\\]*)*|(?:\\.[^\[\^\\]*)+|\\)"  # anything else
)
_TAG = re.compile(r"<([^<>]*)>")
_UNESCAPE = re.compile(r"\\(.)")
_MAX_DECIDED = 200_000   # cached choices per chooser (a few tens of MB at most)


@dataclass
class Chooser:
    """The decisions of a style profile, in the shape the chooser needs.

    ``prefs``: preferences switched on everywhere. ``lemma_prefs``: per target lemma,
    preferences switched on for that lemma only (``-name`` switches a global one off).
    ``lemma_forms``: per target lemma, forms to pick whenever they are offered.
    ``base_prefs``: what plain Apertium (nob-nno_e) switches on, to tell which choices
    are the profile's own.
    """

    prefs: frozenset[str] = frozenset()
    lemma_prefs: Mapping[str, frozenset[str]] = field(default_factory=dict)
    lemma_forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    name: str = ""
    base_prefs: frozenset[str] = frozenset({"infa_infe", "me_vi"})

    def __post_init__(self) -> None:
        self._rules = genprefs.grammars("a")
        # LU text -> (form to emit, unit): a choice depends only on the LU, and news
        # repeats its words, so most LUs of a long text are decided by one dict lookup.
        self._decided: dict[tuple[str, bool], tuple[str, Unit]] = {}

    def decide(self, lu: str, strip_marks: bool) -> tuple[str, Unit]:
        """The stream text to emit for the LU ``^…$`` and its parsed, chosen unit.

        The unit is shared between calls with the same LU: treat it as read-only.
        """
        key = (lu, strip_marks)
        hit = self._decided.get(key)
        if hit is None:
            unit = parse_unit(lu)
            self.choose(unit)
            form = unit.forms[unit.chosen].raw
            if form.startswith("@"):
                # the generator could not inflect it (lt-proc -b writes `@lemma<tags>`);
                # Apertium's last CG stage (cg-proc -g) prints that as `#lemma`, so do we
                form = "#" + form[1:]
            if strip_marks and not unit.unknown:
                form = form.lstrip("#@")
            if len(self._decided) >= _MAX_DECIDED:
                self._decided.clear()
            hit = self._decided[key] = (form, unit)
        return hit

    def _pick(self, unit: Unit, enabled: frozenset[str]) -> int:
        forms = [(f.text, f.prefs) for f in unit.forms]
        return genprefs.run(self._rules, forms, enabled)[0]

    def choose(self, unit: Unit) -> None:
        """Set ``unit.chosen``, ``unit.default`` (plain Apertium's choice) and the reason."""
        if len(unit.forms) == 1:
            return
        unit.default = self._pick(unit, self.base_prefs)
        unit.chosen = self._pick(unit, self.prefs)
        if unit.chosen != unit.default:
            diff = sorted(unit.forms[unit.chosen].prefs ^ unit.forms[unit.default].prefs)
            unit.reason = f"profile {self.name}: {', '.join(diff) or 'preference'}"
        lemma = unit.lemma.lower()
        if lemma in self.lemma_prefs:
            wanted_prefs = self.lemma_prefs[lemma]
            off = {p[1:] for p in wanted_prefs if p.startswith("-")}
            on = {p for p in wanted_prefs if not p.startswith("-")}
            enabled = frozenset((self.prefs - off) | on)
            pick = self._pick(unit, enabled)
            if pick != unit.chosen:
                unit.chosen = pick
                unit.reason = (f"profile {self.name}: {unit.lemma} with "
                               f"{', '.join(sorted(self.lemma_prefs[lemma])) or 'default forms'}")
        wanted = self.lemma_forms.get(lemma)
        if wanted:
            for i, f in enumerate(unit.forms):
                if f.text.lower() in wanted:
                    if i != unit.chosen:
                        unit.chosen = i
                        unit.reason = f"profile {self.name}: {unit.lemma} → {f.text}"
                    break


def _split(body: str) -> list[str]:
    """Split an LU body on unescaped slashes."""
    parts, cur, i = [], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            cur.append(body[i:i + 2])
            i += 2
            continue
        if c == "/":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def parse_unit(lu: str) -> Unit:
    """Parse ``^lemma<tags>/form1/form2<v:x>$`` (the text between ^ and $ included)."""
    pieces = _split(lu[1:-1])
    head = pieces[0]
    lemma_raw = head.split("<", 1)[0]
    unknown = lemma_raw.startswith("*")
    tags = tuple(_TAG.findall(head))
    forms = []
    for p in pieces[1:] or [lemma_raw]:
        ftags = _TAG.findall(p)
        raw = _TAG.sub("", p)
        forms.append(Form(raw, frozenset(t[2:] for t in ftags if t.startswith("v:"))))
    lemma = _UNESCAPE.sub(r"\1", lemma_raw).lstrip("*@#")
    return Unit(lemma, tags, forms, unknown=unknown)


def apply(stream: str, chooser: Chooser, *, wrap: bool = False,
          strip_marks: bool = True, agree: "Agreement | None" = None) -> tuple[str, list[Unit]]:
    """Replace every LU of a generated stream by its chosen form.

    Returns the text for post-generation and the units in order. With ``wrap`` each
    chosen form is enclosed in a word-bound blank ``[[u:N]]…[[/]]`` so that its place in
    the final text can be found again after post-generation. ``agree``: the participle
    agreement layer (:mod:`omset.style.agree`), which may replace some LUs before the
    choice; their units say so (``agreed_from``, ``agree_reason``).
    """
    out: list[str] = []
    units: list[Unit] = []
    decide = chooser.decide
    tokens = list(_TOKEN.finditer(stream))
    rewritten: dict[int, tuple[str, str]] = {}
    decided: list[Unit] = []
    if agree is not None:
        lus = [m.group("lu") for m in tokens if m.group("lu") is not None]
        decided = [decide(lu, strip_marks)[1] for lu in lus]
        rewritten = {a.index: (a.lu, a.reason) for a in agree.find(decided, lus)}
    for m in tokens:
        lu = m.group("lu")
        if lu is None:
            out.append(m.group())
            continue
        if len(units) in rewritten:
            new_lu, why = rewritten[len(units)]
            before = decided[len(units)]
            form, unit = decide(new_lu, strip_marks)
            unit = replace(unit, agreed_from=before.forms[before.chosen].text, agree_reason=why)
        else:
            form, unit = decide(lu, strip_marks)
        if wrap:
            out.append(f"[[u:{len(units)}]]{form}[[/]]")
        else:
            out.append(form)
        units.append(unit)
    return "".join(out), units


def units_only(stream: str) -> Iterable[Unit]:
    """The parsed LUs of a generated stream (for counting usage)."""
    for m in _TOKEN.finditer(stream):
        if m.group("lu"):
            yield parse_unit(m.group("lu"))
