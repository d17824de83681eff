"""Apertium's generation-preference grammars, read from the installed data and run in Python.

nob→nno ends with two small Constraint Grammars that choose among the spellings the
generator offers (``e_vi_genprefs`` in the e-infinitive mode, then ``genprefs``):
for each preference, in a fixed order, SELECT the forms tagged with it when the
preference is switched on, REMOVE them otherwise (never removing the last form), then
take the first form left. We read those rules from the compiled grammars
(``vislcg3 --grammar-out``) instead of copying them, so a new Apertium release is
followed automatically, and run them per lexical unit, which lets a style profile
switch preferences per lemma.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..engine.modes import data_dir

_LIST = re.compile(r"^LIST (\S+) = (.*?)\s*;\s*$")
_RULE = re.compile(r"^(SELECT|REMOVE) (\S+)((?: \([^)]*\))*)\s*;\s*$")
_COND = re.compile(r"\((NEGATE )?0 (\S+) \)")
_ITEM = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Rule:
    """SELECT/REMOVE forms tagged ``v:<pref>`` when the conditions hold."""

    op: str                              # "SELECT" or "REMOVE"
    pref: str                            # the v: tag the rule acts on
    when_var: str | None = None          # condition: this VAR is switched on
    unless_lemma: frozenset[str] = frozenset()  # condition: no form's base is in this set


@functools.lru_cache(maxsize=4)
def load(name: str) -> tuple[Rule, ...]:
    """Rules of the compiled grammar ``<name>.rlx.bin`` (e.g. ``nob-nno.genprefs``)."""
    path = data_dir() / "apertium-nno-nob" / f"{name}.rlx.bin"
    text = subprocess.run(["vislcg3", "-g", str(path), "--grammar-out", "/dev/stdout"],
                          input="", capture_output=True, text=True, check=True).stdout
    return parse(text)


def parse(text: str) -> tuple[Rule, ...]:
    """Parse the subset of CG-3 the genprefs grammars use."""
    lists: dict[str, list[str]] = {}
    rules: list[Rule] = []
    for line in text.splitlines():
        m = _LIST.match(line)
        if m:
            lists[m.group(1)] = [a or b for a, b in _ITEM.findall(m.group(2))]
            continue
        m = _RULE.match(line)
        if not m:
            continue
        op, target, conds = m.groups()
        tag = lists[target][0]
        if not tag.startswith("v:"):
            continue
        when_var: str | None = None
        unless: frozenset[str] = frozenset()
        for neg, setname in _COND.findall(conds):
            items = lists[setname]
            if neg:
                unless = frozenset(items)
            elif items[0].startswith("VAR:"):
                when_var = items[0][4:]
        rules.append(Rule(op, tag[2:], when_var, unless))
    return tuple(rules)


def run(rules: Sequence[Rule], forms: Sequence[tuple[str, frozenset[str]]],
        enabled: frozenset[str]) -> list[int]:
    """Indices of the forms left after ``rules``, in order (the first is the choice).

    ``forms``: (base text, v-tags) per form. ``enabled``: preferences switched on.
    """
    alive = list(range(len(forms)))
    for r in rules:
        if r.when_var is not None and r.when_var not in enabled:
            continue
        if r.unless_lemma and any(forms[i][0] in r.unless_lemma for i in alive):
            continue
        tagged = [i for i in alive if r.pref in forms[i][1]]
        if not tagged:
            continue
        if r.op == "SELECT":
            alive = tagged
        else:
            rest = [i for i in alive if r.pref not in forms[i][1]]
            if rest:
                alive = rest
    return alive


def grammars(variant: str) -> tuple[Rule, ...]:
    """The rule sequence Apertium runs for an infinitive variant (``a``/``e``)."""
    rules = load("nob-nno.genprefs")
    if variant == "e":
        rules = load("nob-nno.e_vi_genprefs") + rules
    return rules


def available() -> bool:
    return (Path(data_dir()) / "apertium-nno-nob" / "nob-nno.genprefs.rlx.bin").is_file()
