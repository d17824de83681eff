"""Word alignment, in one place: which source word each output word translates
(:func:`align`), and how two texts of the same language differ word by word (:func:`diff`).

Apertium does not report which source word became which target word, and the one
mechanism that would carry it (word-bound blanks around every input word) changes its
output: it blocks multiword analyses such as ``lagt fram``. Bokmål and Nynorsk are close
enough that spelling and order recover the pairs well: a Needleman–Wunsch alignment
with edit-distance costs (rapidfuzz's Levenshtein), where a multiword target token
(``lagt fram``) may take as many source words. Reordered words (rare between the two
standards) may come out unpaired; the caller treats ``None`` as "not known".

Every user of a source alignment — ``Token.source`` in the detailed API, the ``src``
context of post-edit rules, the rule learner, the benchmarks — calls :func:`align`, so
the editor shows the very source word a rule fired on.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import cache
from typing import Callable, Hashable, Literal, Sequence

from .text.tokens import is_word, words

__all__ = ["align", "diff", "edit_distance"]

_GAP = 0.8
_MAX_CELLS = 250_000
#: :func:`diff`'s bound: two texts of 2,000 tokens, 0.2 s at worst (repetitive text)
_MAX_DIFF_CELLS = 4_000_000


@cache
def _levenshtein() -> tuple[Callable[..., int], Callable[..., float]]:
    # imported on first use: a one-line `omset translate` never aligns anything
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance, Levenshtein.normalized_distance


def edit_distance(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Levenshtein distance between two sequences (characters of a word, words of a text)."""
    return int(_levenshtein()[0](a, b))


class _Token:
    """A token as the alignment compares it, worked out once: the DP compares every
    source token with every target token, and lower-casing and testing word-ness per
    cell made the alignment (run for every segment where a post-edit rule with ``src``
    context looks) the largest cost of a large text through ``omset translate``."""

    __slots__ = ("low", "word")

    def __init__(self, text: str):
        self.low = text.lower()
        self.word = is_word(text)

    def costs(self, others: "Sequence[_Token]") -> list[float]:
        """The cost of pairing this token with each of ``others``: 0 for the same word
        (ignoring case) up to 1 for nothing in common; a word never pairs with
        punctuation. One row of the DP at a time, in one comprehension."""
        low, word, distance = self.low, self.word, _levenshtein()[1]
        return [3.0 if o.word != word else 0.0 if o.low == low else float(distance(low, o.low))
                for o in others]


def align(source: str | Sequence[str], targets: Sequence[str]) -> list[str | None]:
    """For each target token, the source word(s) it translates, or ``None``.

    ``source`` is the source segment's text or its tokens
    (:func:`omset.text.tokens.words`); ``targets`` the output tokens in order. A target
    token may hold several words (a multiword unit), and then pairs with up to four
    source words.
    """
    src = words(source) if isinstance(source, str) else list(source)
    n, m = len(src), len(targets)
    if n == 0 or m == 0 or n * m > _MAX_CELLS:
        return [None] * m
    width = [min(4, len(t.split())) for t in targets]
    tgt = [_Token(t) for t in targets]
    one = [_Token(w) for w in src]
    # the source words a multiword target may take: (i, w) -> words i-w .. i-1 joined
    spans = {(i, w): _Token(" ".join(src[i - w:i]))
             for w in set(width) if w > 1 for i in range(w, n + 1)}
    inf = float("inf")
    D = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]   # 0 diagonal, 1 up (skip src), 2 left
    take = [[1] * (m + 1) for _ in range(n + 1)]   # source words a diagonal step takes
    D[0][0] = 0.0
    for i in range(1, n + 1):
        D[i][0], back[i][0] = i * _GAP, 1
    for j in range(1, m + 1):
        D[0][j], back[0][j] = j * _GAP, 2
    for i in range(1, n + 1):
        row, prev, brow, trow = D[i], D[i - 1], back[i], take[i]
        cost = one[i - 1].costs(tgt)
        for j in range(1, m + 1):
            diag, k = prev[j - 1] + cost[j - 1], 1
            w = width[j - 1]
            if w > 1 and i >= w:
                multi = D[i - w][j - 1] + spans[i, w].costs((tgt[j - 1],))[0]
                if multi < diag:
                    diag, k = multi, w
            up, left = prev[j] + _GAP, row[j - 1] + _GAP
            if diag <= up and diag <= left:
                row[j], brow[j], trow[j] = diag, 0, k
            elif up <= left:
                row[j], brow[j] = up, 1
            else:
                row[j], brow[j] = left, 2
    out: list[str | None] = [None] * m
    i, j = n, m
    while i > 0 or j > 0:
        b = back[i][j]
        if i > 0 and j > 0 and b == 0:
            k = take[i][j]
            out[j - 1] = " ".join(src[i - k:i])
            i, j = i - k, j - 1
        elif i > 0 and (j == 0 or b == 1):
            i -= 1
        else:
            j -= 1
    return out


#: one step of :func:`diff`: ``(op, i1, i2, j1, j2)`` as difflib gives it
Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


def diff(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """How ``b`` differs from ``a`` (two token lists of the same language): difflib's
    opcodes ``(op, i1, i2, j1, j2)``, with ``op`` one of equal, replace, delete, insert.

    difflib takes time in the product of the lengths on repetitive text (16 kB of
    ``e, e, e`` took 2.6 s), so past :data:`_MAX_DIFF_CELLS` — far beyond any paragraph — only
    the common head and tail are matched and what lies between them is one change."""
    if len(a) * len(b) <= _MAX_DIFF_CELLS:
        return SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    n, m = len(a), len(b)
    head = 0
    while head < min(n, m) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(n, m) - head and a[n - 1 - tail] == b[m - 1 - tail]:
        tail += 1
    ops: list[Opcode] = []
    if head:
        ops.append(("equal", 0, head, 0, head))
    i2, j2 = n - tail, m - tail
    if (i2 - head) * (j2 - head) and (i2 - head) * (j2 - head) <= _MAX_DIFF_CELLS:
        ops += [(op, s1 + head, s2 + head, t1 + head, t2 + head) for op, s1, s2, t1, t2 in
                SequenceMatcher(a=a[head:i2], b=b[head:j2], autojunk=False).get_opcodes()]
    elif i2 > head or j2 > head:
        op = "replace" if i2 > head and j2 > head else "delete" if i2 > head else "insert"
        ops.append((op, head, i2, head, j2))  # type: ignore[arg-type]
    if tail:
        ops.append(("equal", i2, n, j2, m))
    return ops
