"""Learning post-edit rules from parallel text (offline; the run-time half is
:mod:`omset.postedit`).

    omset learn TRAIN.tsv -o omset/data/rules/nynorsk-news.json

1. The engine (the profile's layers, rules off) translates the Bokmål side.
2. Its output is aligned word by word with the human Nynorsk (:func:`omset.align.diff`
   on :mod:`omset.text.tokens`):
   inside equal-length differing stretches each output word gets the reference word as
   its *target*; elsewhere the target is the word itself (it was right) or unknown.
   Words the reference leaves out get the empty target (delete); each output word is
   also aligned with the Bokmål word it translates (:func:`omset.align.align`, exactly
   as the rules' ``src`` context reads it at run time).
3. Transformation-based learning, per output word: among the rule templates
   (no context; previous / next / two-before word; the Bokmål word; a word within six
   before; and pairs of these) instantiated at the words that need changing, repeatedly
   take the rule with the largest net gain (words fixed − right words broken) on the
   words no earlier rule covers, while it fixes at least ``min_count`` words. Then the
   same for word endings (``*dd`` → ``*dde``), which generalise fixes to words never
   seen with the context.
4. Held-out check on the *training* pairs: cut them into ``heldout`` slices (every
   n-th pair); for ``folds`` slices, learn on the other pairs and count what each rule
   fixes and breaks on the slice. A rule learned from all training pairs is kept only if
   the same rule's net gain on the held-out slice(s) is positive.

Because a rule's context reads the engine's output only (never another rule's
rewrite) and the first matching rule wins, rules for different words never interact,
which is what makes the per-word greedy search exact and every rule deletable.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..align import diff
from ..postedit import WINDOW, Rule, RuleSet, source_words
from ..text.tokens import is_word, lower_words

#: rule templates: which context keys a rule may test together
TEMPLATES: tuple[tuple[str, ...], ...] = (
    (), ("prev",), ("next",), ("src",), ("prev2", "prev"), ("prev", "next"),
    ("src", "prev"), ("src", "next"), ("before",), ("prev", "before"), ("src", "before"),
)
#: templates for word-ending rules (which need a context to be safe)
SUFFIX_TEMPLATES: tuple[tuple[str, ...], ...] = (
    ("prev",), ("prev", "before"), ("prev2", "prev"), ("src",),
)
UNKNOWN = "\x00?"   # target of a word whose reference is unclear: changing it is neutral


#: what is known around one output word: neighbour words (str) and the words before (a set)
Context = dict[str, "str | set[str]"]


@dataclass
class Sentence:
    """One training pair, tokenised: output words, their targets and contexts."""

    out: list[str]
    targets: list[str]
    src: list[str]

    def context(self, i: int) -> Context:
        o = self.out
        return {"prev": o[i - 1] if i else "<s>",
                "next": o[i + 1] if i + 1 < len(o) else "</s>",
                "prev2": o[i - 2] if i > 1 else "<s>",
                "src": self.src[i],
                "before": set(o[max(0, i - 1 - WINDOW):max(0, i - 1)])}


def targets(out: Sequence[str], ref: Sequence[str]) -> list[str]:
    """What each output word should have been, by a token alignment with the reference."""
    result = [UNKNOWN] * len(out)
    for op, i1, i2, j1, j2 in diff(out, ref):
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                result[i1 + k] = ref[j1 + k]
        elif op == "delete":
            for k in range(i1, i2):
                result[k] = ""   # the reference has nothing here: deleting is right
        else:
            block = set(ref[j1:j2])
            for k in range(i1, i2):
                # A word the reference has nearby was probably right; else unclear.
                result[k] = out[k] if out[k] in block else UNKNOWN
    return result


def prepare(sources: Sequence[str], outputs: Sequence[str], refs: Sequence[str]) -> list[Sentence]:
    sents = []
    for s, o, r in zip(sources, outputs, refs):
        out = lower_words(o)
        sents.append(Sentence(out, targets(out, lower_words(r)), source_words(lower_words(s), out)))
    return sents


def _keys(ctx: Context, templates: Iterable[tuple[str, ...]]) -> list[tuple]:
    """Every (template, values) instance of the templates at one word."""
    keys: list[tuple] = []
    for t in templates:
        if "before" in t:
            rest = tuple(ctx[k] for k in t if k != "before")
            if "" in rest:
                continue
            keys.extend((t, rest + (b,)) for b in sorted(ctx["before"]))
        else:
            vals = tuple(ctx[k] for k in t)
            if "" in vals:
                continue
            keys.append((t, vals))
    return keys


def _context(key: tuple) -> dict[str, str]:
    t, vals = key
    order = [k for k in t if k != "before"] + (["before"] if "before" in t else [])
    return dict(zip(order, vals))


@dataclass
class _Occ:
    """One occurrence of a word in the training output."""

    target: str
    keys: list[tuple]
    covered: bool = False


@dataclass
class Learner:
    """Greedy transformation-based learning over :class:`Sentence` s."""

    min_count: int = 3
    min_gain: int = 2
    log: list[str] = field(default_factory=list)

    def learn_words(self, sents: Sequence[Sentence]) -> tuple[list[Rule], set[tuple[int, int]]]:
        """Whole-word rules, and the (sentence, word) positions they cover."""
        wrong: Counter = Counter()
        for s in sents:
            for w, t in zip(s.out, s.targets):
                if t != w and t != UNKNOWN:
                    wrong[w] += 1
        words = {w for w, n in wrong.items() if n >= self.min_count}
        occ: dict[str, list[tuple[int, int, _Occ]]] = defaultdict(list)
        for si, s in enumerate(sents):
            for i, w in enumerate(s.out):
                if w in words:
                    occ[w].append((si, i, _Occ(s.targets[i], _keys(s.context(i), TEMPLATES))))
        rules: list[Rule] = []
        covered: set[tuple[int, int]] = set()
        for w in sorted(occ):
            for rule, cov in self._greedy(w, w, [o for *_, o in occ[w]],
                                          [(si, i) for si, i, _ in occ[w]]):
                rules.append(rule)
                covered |= cov
        return rules, covered

    def _greedy(self, pattern: str, word_of: "str | None", items: list[_Occ],
                where: list[tuple[int, int]], repl_of=None):
        """Greedy rule search over the occurrences of one pattern."""
        counts: dict[tuple, dict[str, int]] = {}
        members: dict[tuple, list[int]] = {}
        for n, o in enumerate(items):
            t = o.target
            for k in o.keys:
                c = counts.get(k)
                if c is None:
                    counts[k] = c = {}
                    members[k] = []
                c[t] = c.get(t, 0) + 1
                members[k].append(n)
        # Counts only go down as words get covered, so keys that cannot reach
        # ``min_count`` for any replacement now never will.
        live = [k for k, c in counts.items()
                if any(n >= self.min_count for r, n in c.items() if r not in (pattern, UNKNOWN, "\x00right"))]
        while True:
            best, best_score = None, (0, 0, 0)
            for k in live:
                c = counts[k]
                right = c.get(pattern, 0) if repl_of is None else c.get("\x00right", 0)
                for r, good in c.items():
                    if r in (pattern, UNKNOWN, "\x00right") or good < self.min_count:
                        continue
                    if r == "" and not _may_delete(pattern, k):
                        continue
                    gain = good - right
                    score = (gain, -len(k[0]), good)
                    if gain >= self.min_gain and score > best_score:
                        best, best_score = (k, r, good, right), score
            if best is None:
                return
            k, r, good, right = best
            cov = set()
            for n in members[k]:
                o = items[n]
                if o.covered:
                    continue
                o.covered = True
                cov.add(where[n])
                for k2 in o.keys:
                    counts[k2][o.target] -= 1
            yield Rule("", pattern, r, _context(k), {"fixed": good, "broken": right}), cov

    def learn_endings(self, sents: Sequence[Sentence], covered: set[tuple[int, int]]) -> list[Rule]:
        """Word-ending rules (``*dd`` → ``*dde``) on words no word rule covers."""
        pairs: Counter = Counter()
        for si, s in enumerate(sents):
            for i, (w, t) in enumerate(zip(s.out, s.targets)):
                if t == w or t == UNKNOWN or (si, i) in covered or not w.isalpha():
                    continue
                p = len(_common(w, t))
                if p < 3:
                    continue
                for extra in (1, 2):
                    if p - extra >= 2:
                        pairs[("*" + w[p - extra:], "*" + t[p - extra:])] += 1
        rules: list[Rule] = []
        taken: set[tuple[int, int]] = set(covered)
        wanted = [(p, r) for (p, r), n in pairs.most_common() if n >= 2 * self.min_count]
        by_end: dict[str, list[tuple[int, int]]] = defaultdict(list)
        ends = {p[1:] for p, _ in wanted}
        lengths = {len(e) for e in ends}
        for si, s in enumerate(sents):
            for i, w in enumerate(s.out):
                for n in lengths:
                    if len(w) > n and w[-n:] in ends:
                        by_end[w[-n:]].append((si, i))
        for pat, rep in wanted:
            end = pat[1:]
            items, where = [], []
            for si, i in by_end[end]:
                s = sents[si]
                w = s.out[i]
                if (si, i) not in taken:
                    t = s.targets[i]
                    new = w[: len(w) - len(end)] + rep[1:]
                    tgt = "\x00fix" if t == new else ("\x00right" if t == w else UNKNOWN)
                    items.append(_Occ(tgt, _keys(s.context(i), SUFFIX_TEMPLATES)))
                    where.append((si, i))
            for rule, cov in self._greedy(pat, None, items, where, repl_of=rep):
                rule.replacement = rep
                rules.append(rule)
                taken |= cov
        return rules


def _may_delete(pattern: str, key: tuple) -> bool:
    """Deleting a word is allowed for punctuation, and for a word opening the segment
    before a given word (a dateline: ``Oslo (NTB):``); deleting a word inside a sentence
    (``i løpet av`` → ``i av``) scores on word alignment but breaks the grammar."""
    if not is_word(pattern):
        return True
    t, vals = key
    return t == ("prev", "next") and vals[0] == "<s>"


def _common(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def evaluate(rules: RuleSet, sents: Sequence[Sentence]) -> dict[str, tuple[int, int]]:
    """Per rule id: (words fixed, right words broken) on these sentences."""
    res: dict[str, list[int]] = {r.id: [0, 0] for r in rules.rules}
    for s in sents:
        for i, rule in rules.match(s.out, s.src.copy):  # the sources are at hand already
            new = rule.rewrite(s.out[i]).lower()
            t = s.targets[i]
            if new == s.out[i]:
                continue
            if t == new:
                res[rule.id][0] += 1
            elif t == s.out[i]:
                res[rule.id][1] += 1
    return {k: (a, b) for k, (a, b) in res.items()}


def _key(r: Rule) -> tuple:
    return (r.pattern, r.replacement, tuple(sorted(r.context.items())))


def learn_rules(sents: Sequence[Sentence], min_count: int, min_gain: int) -> list[Rule]:
    """Word rules, then word-ending rules, in the order they are to be tried."""
    lr = Learner(min_count, min_gain)
    word_rules, covered = lr.learn_words(sents)
    rules = word_rules + lr.learn_endings(sents, covered)
    for n, r in enumerate(rules, 1):
        r.id = f"R{n}"
    return rules


def learn(sources: Sequence[str], outputs: Sequence[str], refs: Sequence[str], *,
          min_count: int = 3, min_gain: int = 2, heldout: int = 5, folds: int = 1,
          guard: "tuple[Sequence[str], Sequence[str], Sequence[str]] | None" = None,
          log=print) -> RuleSet:
    """Learn a rule set from engine outputs and references (see the module docstring).

    Held-out check: the pairs are cut into ``heldout`` slices (every ``heldout``-th pair);
    for ``folds`` of them, rules are learned on the other pairs and scored on the slice.
    A rule learned from all pairs is kept only if the same rule (pattern, replacement,
    context) fixed more words than it broke, summed over the held-out slices.
    """
    sents = prepare(sources, outputs, refs)
    held_score: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for f in range(min(folds, heldout)):
        part = [s for n, s in enumerate(sents) if n % heldout != heldout - 1 - f]
        held = [s for n, s in enumerate(sents) if n % heldout == heldout - 1 - f]
        fold = RuleSet(learn_rules(part, min_count, min_gain))
        scores = evaluate(fold, held)
        for r in fold.rules:
            acc = held_score[_key(r)]
            acc[0] += scores[r.id][0]
            acc[1] += scores[r.id][1]
    rules = learn_rules(sents, min_count, min_gain)
    kept = []
    for r in rules:
        fixed, broken = held_score.get(_key(r), (0, 0))
        r.counts["heldout_fixed"], r.counts["heldout_broken"] = fixed, broken
        if fixed - broken > 0:
            kept.append(r)
    log(f"{len(rules)} candidate rules learned on {len(sents)} pairs; {len(kept)} kept "
        f"(net gain > 0 on {min(folds, heldout)} held-out slice(s) of 1/{heldout} of them)")
    if guard is not None:
        kept = apply_guard(kept, *guard, log=log)
    for n, r in enumerate(kept, 1):
        r.id = f"R{n}"
    return RuleSet(kept)


def apply_guard(rules: list[Rule], sources: Sequence[str], outputs: Sequence[str],
                refs: Sequence[str], log=print) -> list[Rule]:
    """Drop every rule that rewrites a guard pair the engine already gets exactly right.

    The guard is a diagnostic suite (Apertium's regression pairs): what the engine gets
    right there must stay right, whatever the training data prefer.
    """
    right = [(s, o) for s, o, r in zip(sources, outputs, refs) if o.strip() == r.strip()]
    dropped: list[Rule] = []
    while True:
        rs = RuleSet(rules)
        bad = set()
        for s, o in right:
            _, changes = rs.apply(s, o)
            bad |= {c.reason.split(":")[0].split()[-1] for c in changes}
        if not bad:
            break
        dropped += [r for r in rules if r.id in bad]
        rules = [r for r in rules if r.id not in bad]
    if dropped:
        log(f"guard: dropped {len(dropped)} rule(s) that change guard pairs the engine gets "
            f"right: " + ", ".join(f"{r.pattern}→{r.replacement or '∅'}" for r in dropped))
    return rules


def read_pairs(path: Path, reverse: bool = False) -> tuple[list[str], list[str]]:
    """(sources, references) of a ``Bokmål<TAB>Nynorsk`` file; ``reverse`` reads it
    Nynorsk→Bokmål."""
    src, ref = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 2:
            src.append(cols[1] if reverse else cols[0])
            ref.append(cols[0] if reverse else cols[1])
    return src, ref


def engine_outputs(sources: Sequence[str], style: str, cache: Path | None, log=print,
                   reverse: bool = False) -> list[str]:
    """The engine's translations (rules off), from ``cache`` when it matches
    (nn→nb with ``reverse``)."""
    if cache is not None and cache.is_file():
        lines = cache.read_text(encoding="utf-8").split("\n")[:-1]
        if len(lines) == len(sources):
            log(f"engine outputs from {cache}")
            return lines
    from ..translator import Translator

    t0 = time.perf_counter()
    source, target = ("nn", "nb") if reverse else ("nb", "nn")
    with Translator(source, target, style=style, rules=False) as tr:
        out = [o.replace("\n", " ") for o in tr.translate_batch(list(sources))]
    log(f"translated {len(sources)} pairs in {time.perf_counter() - t0:.0f} s")
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("".join(o + "\n" for o in out), encoding="utf-8")
    return out


def run(parallel: Path | None, output: Path, *, style: str = "nynorsk-news", min_count: int = 3,
        min_gain: int = 2, heldout: int = 5, folds: int = 1, cache: Path | None = None,
        guard: Path | None = None, guard_cache: Path | None = None, log=print,
        reverse: bool = False, memory: str | None = None) -> RuleSet:
    """What ``omset learn`` does: translate, learn, write the rule file. ``reverse``
    reads the pairs (and the guard pairs) Nynorsk→Bokmål and learns rules for nn→nb.
    ``memory``: also (or only) the approved entries of that translation memory
    (:mod:`.from_memory`)."""
    src, ref = read_pairs(parallel, reverse) if parallel is not None else ([], [])
    source, target = ("nn", "nb") if reverse else ("nb", "nn")
    if memory is not None:
        from ..memory import Memory

        from .from_memory import approved_pairs

        with Memory.open(memory, readonly=True) as mem:
            m_src, m_ref = approved_pairs(mem, source, target, style)
        log(f"{len(m_src)} approved {source}→{target} segments from the memory")
        src, ref = src + m_src, ref + m_ref
    if not src:
        from ..errors import InputError

        raise InputError("no pairs to learn from")
    out = engine_outputs(src, style, cache, log, reverse)
    guarded = None
    if guard is not None:
        g_src, g_ref = read_pairs(guard, reverse)
        guarded = (g_src, engine_outputs(g_src, style, guard_cache, log, reverse), g_ref)
    rs = learn(src, out, ref, min_count=min_count, min_gain=min_gain, heldout=heldout,
               folds=folds, guard=guarded, log=log)
    way = "nn→nb, pairs read in reverse" if reverse else "nb→nn"
    learned_from = " and ".join(
        ([parallel.name] if parallel is not None else [])
        + ([f"the approved entries of the memory {Path(memory).name}"] if memory else []))
    rs.meta = {"description": f"post-edit rules for style {style} ({way}), learned from "
                              f"{learned_from}",
               "command": "omset learn " + (f"{parallel.name} " if parallel else "")
                          + (f"--memory {Path(memory).name} " if memory else "")
                          + f"-o {output.name} --style {style} "
                          + ("--reverse " if reverse else "")
                          + f"--min-count {min_count} --min-gain {min_gain} --heldout {heldout} "
                          f"--folds {folds}"
                          + (f" --guard {guard.name}" if guard else ""),
               "pairs": len(src), "style": style,
               "direction": "nn-nb" if reverse else "nb-nn"}
    output.parent.mkdir(parents=True, exist_ok=True)
    rs.save(output)
    return rs


if __name__ == "__main__":  # pragma: no cover
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("parallel", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--min-gain", type=int, default=2)
    ap.add_argument("--heldout", type=int, default=5)
    ap.add_argument("--folds", type=int, default=1)
    ap.add_argument("--guard", type=Path)
    ap.add_argument("--guard-cache", type=Path)
    ap.add_argument("--reverse", action="store_true")
    ap.add_argument("--style", default=None)
    a = ap.parse_args()
    run(a.parallel, a.output, style=a.style or ("bokmal" if a.reverse else "nynorsk-news"),
        reverse=a.reverse, min_count=a.min_count, min_gain=a.min_gain, heldout=a.heldout,
        folds=a.folds, guard=a.guard, guard_cache=a.guard_cache,
        cache=a.cache, log=lambda m: print(m, file=sys.stderr))
