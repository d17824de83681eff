"""Fuzzy-match repair with black-box machine translation.

After Ortega, Sánchez-Martínez and Forcada, "Fuzzy-match repair using black-box machine
translation systems" (EAMT 2014 / Computational Linguistics 2016), simplified:

1. align the old source S' (the stored entry's) with the new source S word by word;
   every run of differing words is a *mismatch*;
2. for each mismatch, take the sub-segment σ' of S' that covers it — with 0, 1, 2 …
   words of the unchanged context around it — and the sub-segment σ of S that covers
   the same place; translate both with the engine, as a black box: τ' and τ (text
   without letters, such as a bare number, is its own translation);
3. if τ' occurs exactly once in the stored target T' (as whole words), that is where
   the proofreader's text says σ': replace it with τ. The smallest context that pins
   τ' down wins (the least of the proofreader's text is touched);
4. if some mismatch cannot be placed this way (the proofreader rephrased it, or it is
   ambiguous), the repair is not safe and the caller falls back to plain machine
   translation, saying so.

Everything outside the patched spans is the proofreader's text, byte for byte. The engine
is only a ``translate(list[str]) -> list[str]`` callable, so any translator fits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from .keys import token_spans

Translate = Callable[[list[str]], list[str]]

#: the most unchanged words taken on each side of a mismatch
MAX_CONTEXT = 3


@dataclass
class Repaired:
    """The outcome of one repair: ``text`` is None when it was not safe (``reason`` says why)."""

    text: str | None
    reason: str = ""
    patches: list[tuple[str, str]] = field(default_factory=list)   # (τ', τ) applied


@dataclass
class _Mismatch:
    i1: int   # old-source token span
    i2: int
    j1: int   # new-source token span
    j2: int
    lo: int   # how far context may reach (token indices in the old source) without
    hi: int   # crossing another mismatch
    patch: tuple[int, int, str, str] | None = None   # (start, end) in T', τ', τ


@dataclass
class _Job:
    old: str
    new: str
    target: str
    old_spans: list[tuple[int, int]]
    new_spans: list[tuple[int, int]]
    mismatches: list[_Mismatch]
    failed: str = ""


def _mismatches(old: Sequence[str], new: Sequence[str]) -> list[_Mismatch]:
    """Runs of differing tokens (adjacent edit operations merged into one)."""
    runs: list[list[int]] = []
    for op in Levenshtein.opcodes(list(old), list(new)):
        if op.tag == "equal":
            continue
        if runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:
            runs[-1][1], runs[-1][3] = op.src_end, op.dest_end
        else:
            runs.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    out = []
    for n, (i1, i2, j1, j2) in enumerate(runs):
        lo = runs[n - 1][1] if n else 0
        hi = runs[n + 1][0] if n + 1 < len(runs) else len(old)
        out.append(_Mismatch(i1, i2, j1, j2, lo, hi))
    return out


def _windows(m: _Mismatch, size: int, n_new: int) -> list[tuple[int, int]]:
    """Context (before, after) pairs of total ``size`` that stay within the unchanged words
    next to the mismatch, and leave neither σ' nor σ empty.

    A pure insertion or deletion takes the word before it (the one after it at the
    start of the segment), so that the spacing around the inserted words is inside σ.
    """
    out = []
    one_sided = m.i1 == m.i2 or m.j1 == m.j2
    for before in range(size, -1, -1):
        after = size - before
        if m.i1 - before < m.lo or m.i2 + after > m.hi or m.j2 + after > n_new:
            continue
        if m.i2 - m.i1 + size == 0 or m.j2 - m.j1 + size == 0:
            continue
        if one_sided and (before == 0 if m.i1 > 0 else after == 0):
            continue
        out.append((before, after))
    return out


def _text(s: str, spans: list[tuple[int, int]], a: int, b: int) -> str:
    """The source text of tokens a..b (exclusive), with its own spacing."""
    return s[spans[a][0]:spans[b - 1][1]] if b > a else ""


def _occurrences(haystack: str, needle: str) -> list[int]:
    """Where ``needle`` stands in ``haystack`` as whole words."""
    found, at = [], haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        left_ok = at == 0 or not (haystack[at - 1].isalnum() and needle[0].isalnum())
        right_ok = end == len(haystack) or not (haystack[end].isalnum() and needle[-1].isalnum())
        if left_ok and right_ok:
            found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _verbatim(text: str) -> bool:
    """Text without letters (numbers, punctuation) is the same in the translation:
    no need to ask the engine (Apertium copies it too)."""
    return not any(c.isalpha() for c in text)


def repair_many(items: Sequence[tuple[str, str, str]], translate: Translate,
                max_context: int = MAX_CONTEXT) -> list[Repaired]:
    """Repair several (old source, new source, stored target) triples.

    The sub-segments are translated in rounds of growing context, all triples together,
    so a document with many fuzzy matches costs a few engine calls, not one per match.
    """
    jobs: list[_Job] = []
    for old, new, target in items:
        os_, ns_ = token_spans(old), token_spans(new)
        old_t = [old[a:b] for a, b in os_]
        new_t = [new[a:b] for a, b in ns_]
        jobs.append(_Job(old, new, target, os_, ns_, _mismatches(old_t, new_t)))
    for size in range(max_context * 2 + 1):
        wanted: list[tuple[_Job, _Mismatch, int, int, int, int]] = []
        for job in jobs:
            if job.failed:
                continue
            for m in job.mismatches:
                if m.patch is None:
                    for before, after in _windows(m, size, len(job.new_spans)):
                        wanted.append((job, m, m.i1 - before, m.i2 + after,
                                       m.j1 - before, m.j2 + after))
        if not wanted:
            if all(m.patch is not None for job in jobs for m in job.mismatches):
                break
            continue
        texts: list[str] = []
        for job, _m, a, b, c, d in wanted:
            texts.append(_text(job.old, job.old_spans, a, b))
            texts.append(_text(job.new, job.new_spans, c, d))
        engine = [t for t in dict.fromkeys(texts) if not _verbatim(t)]
        done = translate(engine) if engine else []
        if len(done) != len(engine):
            raise ValueError("translate() must give one output per input")
        known = dict(zip(engine, done))
        out = [known.get(t, t) for t in texts]
        for n, (job, m, _a, _b, _c, _d) in enumerate(wanted):
            if m.patch is not None:
                continue
            tau_old, tau_new = out[2 * n].strip(), out[2 * n + 1].strip()
            if not tau_old:
                continue
            where = _occurrences(job.target, tau_old)
            if len(where) != 1:
                continue
            start, end = where[0], where[0] + len(tau_old)
            if any(p.patch is not None and p.patch[0] < end and start < p.patch[1]
                   for p in job.mismatches):
                continue
            m.patch = (start, end, tau_old, tau_new)
    results = []
    for job in jobs:
        missing = [m for m in job.mismatches if m.patch is None]
        if missing:
            m = missing[0]
            old_part = _text(job.old, job.old_spans, m.i1, m.i2) or "(nothing)"
            new_part = _text(job.new, job.new_spans, m.j1, m.j2) or "(nothing)"
            results.append(Repaired(None, f"cannot place the change {old_part!r} → "
                                          f"{new_part!r} in the stored translation"))
            continue
        text = job.target
        patches = sorted((m.patch for m in job.mismatches if m.patch), reverse=True)
        for start, end, _old, new in patches:
            text = text[:start] + new + text[end:]
        results.append(Repaired(text, "", [(p[2], p[3]) for p in reversed(patches)]))
    return results


def repair(old_source: str, new_source: str, old_target: str, translate: Translate,
           max_context: int = MAX_CONTEXT) -> Repaired:
    """Repair one stored translation for a changed source (see the module docstring)."""
    return repair_many([(old_source, new_source, old_target)], translate, max_context)[0]
