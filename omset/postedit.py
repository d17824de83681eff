"""Learned post-edit rules, at run time: load, match, rewrite.

A rule rewrites one output word, when its context holds, into another word::

    {"id": "R17", "pattern": "skadd", "replacement": "skadde",
     "context": {"prev": "vorte", "before": "fleire"},
     "counts": {"fixed": 9, "broken": 0, "heldout_fixed": 3, "heldout_broken": 0}}

``pattern`` is a whole output word (case-insensitive; the output's capitalisation is
kept) or, with a leading ``*``, a word ending (``*ert`` → ``*erte``: every word ending in
``ert``). An empty ``replacement`` deletes the word (``Oslo`` before ``(NTB)`` in a
dateline). Context keys (all must hold; absent keys are not checked):

* ``prev`` / ``next``: the output word just before / after (punctuation counts;
  ``<s>`` / ``</s>`` are the segment's edges),
* ``prev2``: the output word two places before,
* ``before``: some output word among the six before the previous one,
* ``src``: the Bokmål word this output word translates (aligned by spelling and position),
* ``agree``: ``pl``/``sg``: the word follows a form of vere/verte whose subject is
  plural/singular (:func:`agreement`), for participle agreement.

For each output word the first rule in file order whose pattern and context hold is
applied; contexts always read the engine's output, never another rule's rewrite, so
rules do not chain and deleting one never changes what another does. docs/rules.md
describes the format; :mod:`omset.learn.rules` learns it from parallel text. This module
only applies rules: it is on the path of every request, so it indexes rules by word and
aligns the source only when a rule asks for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from .errors import OmsetError
from .result import Change

__all__ = ["Rule", "RuleSet", "RuleError", "tokens", "align_source", "agreement", "FORMAT", "WINDOW"]

FORMAT = "omset-rules/1"
#: how far ``before`` looks back, not counting the previous word
WINDOW = 6
CONTEXT_KEYS = ("prev", "prev2", "next", "before", "src", "agree")

#: forms of vere/verte/bli (and their Bokmål look-alikes the engine may leave)
AUX = frozenset("er var vart vorte blitt blir vert vere verte vera verta bli blei vore".split())
#: words that may stand between the auxiliary and the participle, or the subject and
#: the auxiliary, without telling the number
_SKIP = frozenset("ikkje òg også no alt allereie ofte berre heilt snart nettopp aldri "
                  "har hadde kan vil skal må kunne ville skulle måtte som".split())
_PLURAL = frozenset("dei vi me de dykk fleire mange alle begge nokre somme desse fleirtalet "
                    "to tre fire fem seks sju åtte ni ti elleve tolv tjue hundrevis tusenvis "
                    "båe".split())
_SINGULAR = frozenset("han ho det den eg du ein ei eit kvar ingen nokon denne dette "
                      "mannen kvinna".split())
_PREP = frozenset("frå av i på med til for hos ved under etter om mot over utan "
                  "mellom blant".split())
_STOP = frozenset(",;:.!?–—()«»\"")

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


class RuleError(OmsetError, ValueError):
    """A rule file that cannot be used."""


def tokens(text: str) -> list[re.Match]:
    """The words and punctuation marks of a text, as regex matches (for their spans)."""
    return list(_TOKEN.finditer(text))


def _prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def align_source(src: Sequence[str], out: Sequence[str]) -> list[str]:
    """For each output word, the (lower-case) source word it translates, or ``""``.

    Apertium translates almost word for word and in order, so identical words anchor the
    alignment and the words between two anchors pair up in order when they are as many;
    otherwise each output word takes the source word in its gap sharing the longest
    beginning with it (``skadet``/``skadd``), or the one at the same relative place.
    """
    result = [""] * len(out)
    sm = SequenceMatcher(a=src, b=out, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for k in range(j2 - j1):
                result[j1 + k] = src[i1 + k]
        elif op == "replace":
            n, m = i2 - i1, j2 - j1
            for k in range(m):
                best, best_score = "", 0
                for d in range(n):
                    s = _prefix(src[i1 + d], out[j1 + k])
                    if s > best_score:
                        best, best_score = src[i1 + d], s
                result[j1 + k] = best if best_score >= 2 else src[i1 + min(n - 1, k * n // m)]
    return result


def agreement(low: Sequence[str], i: int) -> str:
    """``pl``/``sg`` when ``low[i]`` follows a form of vere/verte and the nearest subject
    word before it is plural/singular; ``""`` otherwise.

    Apertium inflects a participle after vere/verte for number only when the subject is
    next to it; this reads a few more words back (past adverbs and modal verbs), so that
    a learned word-ending rule (``*ert`` → ``*erte`` with ``agree: pl``) can fix the
    rest. Plural cues: plural pronouns and quantifiers, numbers above one, definite
    plural nouns (``-ane``, ``-ene``) and masculine plurals (``-ar``).
    """
    j = i - 1
    while j >= 0 and low[j] in _SKIP and i - j <= 3:
        j -= 1
    if j < 0 or low[j] not in AUX:
        return ""
    verdict = ""
    for k in range(j - 1, max(-1, j - 10), -1):
        w = low[k]
        if verdict:
            if w in _PREP:      # the cue was the object of a preposition: look further
                verdict = ""
                continue
            return verdict
        if w in _STOP:
            return ""
        if w in AUX or w in _SKIP:
            continue
        if w in _PLURAL or w.endswith(("ane", "ene")) or (len(w) > 4 and w.endswith("ar")) \
                or (w.isdigit() and w != "1"):
            verdict = "pl"
        elif w in _SINGULAR or w.endswith(("en", "a", "et")):
            verdict = "sg"
    return verdict


@dataclass
class Rule:
    """One post-edit rule (see the module docstring for the meaning of each field)."""

    id: str
    pattern: str
    replacement: str
    context: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def is_suffix(self) -> bool:
        return self.pattern.startswith("*")

    def why(self) -> str:
        """A short human explanation: the context and the evidence behind the rule."""
        ctx = []
        c = self.context
        if "src" in c:
            ctx.append(f"for Bokmål «{c['src']}»")
        if "prev2" in c:
            ctx.append(f"2 after «{c['prev2']}»")
        if "prev" in c:
            ctx.append(f"after «{c['prev']}»")
        if "next" in c:
            ctx.append(f"before «{c['next']}»")
        if "before" in c:
            ctx.append(f"with «{c['before']}» earlier")
        if "agree" in c:
            ctx.append({"pl": "after vere/verte with a plural subject",
                        "sg": "after vere/verte with a singular subject"}.get(c["agree"], c["agree"]))
        fixed, broken = self.counts.get("fixed", 0), self.counts.get("broken", 0)
        where = " ".join(ctx) or "always"
        new = self.replacement or "(deleted)"
        return f"{self.pattern} → {new} {where} (train: fixed {fixed}, broke {broken})"

    def to_json(self) -> dict:
        d: dict = {"id": self.id, "pattern": self.pattern, "replacement": self.replacement,
                   "context": self.context, "counts": self.counts}
        if self.note:
            d["note"] = self.note
        return d

    @classmethod
    def from_json(cls, d: Mapping, where: str = "") -> "Rule":
        try:
            rule = cls(str(d["id"]), str(d["pattern"]).lower(), str(d["replacement"]),
                       {str(k): str(v).lower() for k, v in dict(d.get("context", {})).items()},
                       {str(k): int(v) for k, v in dict(d.get("counts", {})).items()},
                       str(d.get("note", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"{where}: bad rule {d!r}: {exc}") from None
        bad = set(rule.context) - set(CONTEXT_KEYS)
        if bad:
            raise RuleError(f"{where}: rule {rule.id}: unknown context key(s) {sorted(bad)}; "
                            f"known: {', '.join(CONTEXT_KEYS)}")
        if rule.is_suffix != rule.replacement.startswith("*") or not rule.pattern.strip("*") \
                or (rule.is_suffix and rule.replacement == "*"):
            raise RuleError(f"{where}: rule {rule.id}: a word ending (*x) must be replaced "
                            "by a word ending (*y)")
        return rule

    def rewrite(self, word: str) -> str:
        """The replacement for ``word``, in the word's capitalisation."""
        if self.is_suffix:
            new = word[: len(word) - len(self.pattern) + 1] + self.replacement[1:]
            return new.upper() if len(word) > 1 and word.isupper() else new
        else:
            new = self.replacement
        return match_case(word, new)


def match_case(model: str, word: str) -> str:
    """``word`` capitalised like ``model`` (``Skadd`` → ``Skadde``, ``NAV`` stays upper)."""
    if len(model) > 1 and model.isupper() and word.lower() == word:
        return word.upper()
    if model[:1].isupper() and word[:1].islower():
        return word[:1].upper() + word[1:]
    return word


class RuleSet:
    """An ordered list of rules, indexed for fast matching.

    >>> rs = RuleSet([Rule("R1", "skadd", "skadde", {"prev": "vorte", "before": "fleire"})])
    >>> rs.apply("Fleire har blitt skadet.", "Fleire har vorte skadd.")[0]
    'Fleire har vorte skadde.'
    """

    def __init__(self, rules: Iterable[Rule] = (), meta: Mapping | None = None):
        self.rules: list[Rule] = list(rules)
        self.meta: dict = dict(meta or {})
        self._index()

    def _index(self) -> None:
        self._by_word: dict[str, list[Rule]] = {}
        self._by_ending: dict[str, list[Rule]] = {}
        for r in self.rules:
            if r.is_suffix:
                self._by_ending.setdefault(r.pattern[1:], []).append(r)
            else:
                self._by_word.setdefault(r.pattern, []).append(r)
        self._endings = sorted({len(e) for e in self._by_ending}, reverse=True)
        self._order = {id(r): n for n, r in enumerate(self.rules)}
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise RuleError(f"duplicate rule id(s): {', '.join(dup)}")

    def __len__(self) -> int:
        return len(self.rules)

    # -- files ----------------------------------------------------------------------------
    @classmethod
    def load(cls, path: "str | Path") -> "RuleSet":
        """Read a rule file (JSON, docs/rules.md)."""
        try:
            doc = json.loads(Path(str(path)).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RuleError(f"cannot read rules {path}: {exc}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise RuleError(f"{path}: not an omset rule file (\"format\": \"{FORMAT}\" missing)")
        rules = [Rule.from_json(d, str(path)) for d in doc.get("rules", [])]
        return cls(rules, {k: v for k, v in doc.items() if k != "rules"})

    def dumps(self) -> str:
        """The rule file's text: one rule per line, so a rule is easy to find and delete."""
        meta = {"format": FORMAT, **{k: v for k, v in self.meta.items() if k != "format"}}
        head = json.dumps(meta, ensure_ascii=False, indent=1)[:-2]
        body = ",\n".join("  " + json.dumps(r.to_json(), ensure_ascii=False) for r in self.rules)
        return f"{head},\n \"rules\": [\n{body}\n ]\n}}\n"

    def save(self, path: "str | Path") -> None:
        Path(str(path)).write_text(self.dumps(), encoding="utf-8")

    def without(self, *ids: str) -> "RuleSet":
        """This rule set minus some rules (what deleting them from the file does)."""
        drop = set(ids)
        return RuleSet([r for r in self.rules if r.id not in drop], self.meta)

    # -- matching -------------------------------------------------------------------------
    def candidates(self, word: str) -> list[Rule]:
        """Rules whose pattern matches a lower-case word, in file order."""
        found = self._by_word.get(word, [])
        if self._endings:
            extra = [r for n in self._endings if len(word) > n
                     for r in self._by_ending.get(word[-n:], ())]
            if extra:
                found = sorted(found + extra, key=lambda r: self._order[id(r)]) if found else extra
        return found

    def match(self, low: Sequence[str], source: "Callable[[], list[str]]") -> list[tuple[int, Rule]]:
        """Which rule fires on which output word: ``low`` are the lower-case output tokens,
        ``source()`` gives their aligned source words (called only if a rule needs them)."""
        src: list[str] | None = None
        fired: list[tuple[int, Rule]] = []
        n = len(low)
        for i, w in enumerate(low):
            cands = self.candidates(w)
            for rule in cands:
                ctx = rule.context
                if ctx:
                    if "prev" in ctx and ctx["prev"] != (low[i - 1] if i else "<s>"):
                        continue
                    if "next" in ctx and ctx["next"] != (low[i + 1] if i + 1 < n else "</s>"):
                        continue
                    if "prev2" in ctx and ctx["prev2"] != (low[i - 2] if i > 1 else "<s>"):
                        continue
                    if "before" in ctx and ctx["before"] not in low[max(0, i - 1 - WINDOW):max(0, i - 1)]:
                        continue
                    if "agree" in ctx and ctx["agree"] != agreement(low, i):
                        continue
                    if "src" in ctx:
                        if src is None:
                            src = source()
                        if src[i] != ctx["src"]:
                            continue
                fired.append((i, rule))
                break
        return fired

    def apply(self, source_text: str, output_text: str) -> tuple[str, list[Change]]:
        """Rewrite ``output_text`` (the translation of ``source_text``); say what changed."""
        if not self.rules:
            return output_text, []
        toks = tokens(output_text)
        low = [m.group().lower() for m in toks]
        fired = self.match(low, lambda: align_source(
            [m.group().lower() for m in tokens(source_text)], low))
        if not fired:
            return output_text, []
        out, pos, changes = [], 0, []
        for i, rule in fired:
            m = toks[i]
            old = m.group()
            new = rule.rewrite(old) if rule.replacement else ""
            if new == old:
                continue
            out.append(output_text[pos:m.start()])
            out.append(new)
            pos = m.end()
            if not new:  # a deleted word takes the space after it (or before, at the end)
                rest = output_text[pos:]
                stripped = rest.lstrip(" ")
                if stripped and len(stripped) < len(rest):
                    pos += len(rest) - len(stripped)
                elif not stripped and out and out[-2].endswith(" "):
                    out[-2] = out[-2].rstrip(" ")
            changes.append(Change("rule", old, new, f"rule {rule.id}: {rule.why()}"))
        out.append(output_text[pos:])
        return "".join(out), changes
