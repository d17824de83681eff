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
* ``src``: the Bokmål word this output word translates (:func:`omset.align.align`, the
  same alignment the detailed API shows).

Participle agreement is not a rule context: it is the tag-based layer
:mod:`omset.style.agree`, which reads Apertium's own analysis of the subject.

For each output word the first rule in file order whose pattern and context hold is
applied; contexts always read the engine's output, never another rule's rewrite, so
rules do not chain and deleting one never changes what another does. docs/rules.md
describes the format; :mod:`omset.learn.rules` learns it from parallel text. This module
only applies rules: it is on the path of every request, so it indexes rules by word and
aligns the source only when a rule asks for it. Rules see a segment's words whatever
inline markup sits between them; a rewrite that would cross markup is not made
(:meth:`RuleSet.apply_parts`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, NamedTuple, Sequence

from .align import align
from .errors import OptionError
from .model import Part, Protected
from .result import Change
from .text.tokens import lower_words, tokens

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["Rule", "RuleSet", "RuleError", "Edit", "source_words", "FORMAT", "WINDOW"]

FORMAT = "omset-rules/1"
#: how far ``before`` looks back, not counting the previous word
WINDOW = 6
CONTEXT_KEYS = ("prev", "prev2", "next", "before", "src")


class RuleError(OptionError):
    """A rule file that cannot be used."""


def source_words(source: Sequence[str], out: Sequence[str]) -> list[str]:
    """For each (lower-case) output word, the lower-case source word it translates, or
    ``""``: :func:`omset.align.align`, in the shape rule contexts compare."""
    return [(w or "").lower() for w in align(source, out)]


class Edit(NamedTuple):
    """One rewrite of an output text: ``text[start:end]`` becomes ``new``."""

    start: int
    end: int
    new: str
    change: Change


@dataclass
class Rule:
    """One post-edit rule (see the module docstring for the meaning of each field)."""

    id: str
    pattern: str
    replacement: str
    context: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""
    #: the language the ``src`` context reads (a rule file learned nn→nb says Nynorsk)
    source_language: str = field(default="Bokmål", compare=False)

    @property
    def is_suffix(self) -> bool:
        return self.pattern.startswith("*")

    def why(self) -> str:
        """A short human explanation: the context and the evidence behind the rule."""
        ctx = []
        c = self.context
        if "src" in c:
            ctx.append(f"for {self.source_language} «{c['src']}»")
        if "prev2" in c:
            ctx.append(f"2 after «{c['prev2']}»")
        if "prev" in c:
            ctx.append(f"after «{c['prev']}»")
        if "next" in c:
            ctx.append(f"before «{c['next']}»")
        if "before" in c:
            ctx.append(f"with «{c['before']}» earlier")
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
        if self.meta.get("direction") == "nn-nb":
            for r in self.rules:
                r.source_language = "Nynorsk"
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
    def load(cls, path: "str | Path | Traversable") -> "RuleSet":
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
                    if "src" in ctx:
                        if src is None:
                            src = source()
                        if src[i] != ctx["src"]:
                            continue
                fired.append((i, rule))
                break
        return fired

    def edits(self, source_text: str, output_text: str) -> list[Edit]:
        """The rewrites the rules make in ``output_text`` (the translation of
        ``source_text``), in text order and never overlapping."""
        if not self.rules:
            return []
        toks = tokens(output_text)
        low = [m.group().lower() for m in toks]
        fired = self.match(low, lambda: source_words(lower_words(source_text), low))
        out: list[Edit] = []
        for i, rule in fired:
            m = toks[i]
            old = m.group()
            new = rule.rewrite(old) if rule.replacement else ""
            if new == old:
                continue
            start, end = m.start(), m.end()
            if not new:  # a deleted word takes the space after it (or before, at the end)
                rest = output_text[end:]
                stripped = rest.lstrip(" ")
                if stripped and len(stripped) < len(rest):
                    end += len(rest) - len(stripped)
                elif not stripped:
                    floor = out[-1].end if out else 0
                    while start > floor and output_text[start - 1] == " ":
                        start -= 1
            out.append(Edit(start, end, new, Change("rule", old, new, f"rule {rule.id}: {rule.why()}")))
        return out

    def apply(self, source_text: str, output_text: str) -> tuple[str, list[Change]]:
        """Rewrite ``output_text`` (the translation of ``source_text``); say what changed."""
        edits = self.edits(source_text, output_text)
        if not edits:
            return output_text, []
        out, pos = [], 0
        for e in edits:
            out += [output_text[pos:e.start], e.new]
            pos = e.end
        out.append(output_text[pos:])
        return "".join(out), [e.change for e in edits]

    def apply_parts(self, source_text: str, parts: Sequence[Part]) -> tuple[list[Part], list[Change]]:
        """:meth:`apply` on a translated segment with inline markup.

        The rules read the segment's words — its text and its protected spans, not the
        markup between them — so a sentence is rewritten the same in HTML as in plain
        text. A rewrite is made only inside one text part: never inside a protected span,
        never across markup (``Syke<b>hus</b>``).
        """
        text: list[str] = []
        where: list[tuple[int, int, int]] = []   # (start, end, index) of each text part
        pos = 0
        for i, p in enumerate(parts):
            if isinstance(p, str):
                where.append((pos, pos + len(p), i))
                text.append(p)
                pos += len(p)
            elif isinstance(p, Protected):
                text.append(p.text)
                pos += len(p.text)
        edits = self.edits(source_text, "".join(text))
        if not edits:
            return list(parts), []
        by_part: dict[int, list[tuple[int, int, str]]] = {}
        changes: list[Change] = []
        for e in edits:
            home = next(((s, i) for s, end, i in where if s <= e.start and e.end <= end), None)
            if home is None:
                continue
            s, i = home
            by_part.setdefault(i, []).append((e.start - s, e.end - s, e.new))
            changes.append(e.change)
        out: list[Part] = list(parts)
        for i, cuts in by_part.items():
            old: str = out[i]  # type: ignore[assignment]
            for start, end, new in reversed(cuts):
                old = old[:start] + new + old[end:]
            out[i] = old
        return out, changes
