"""Which source word each output word translates: a monotone alignment by spelling.

Apertium does not report which source word became which target word, and the one
mechanism that would carry it (word-bound blanks around every input word) changes its
output: it blocks multiword analyses such as ``lagt fram``. Bokmål and Nynorsk are close
enough that spelling and order recover the pairs well: a Needleman–Wunsch alignment
with edit-distance costs, where a multiword target token (``lagt fram``) may take as
many source words. Reordered words (rare between the two standards) may come out
unpaired; the caller treats ``None`` as "not known".
"""

from __future__ import annotations

import re
from typing import Hashable, Sequence

TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
_GAP = 0.8
_MAX_CELLS = 250_000


def edit_distance(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Levenshtein distance between two sequences (characters of a word, words of a text)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _similarity(a: str, b: str) -> float:
    """1 − normalised Levenshtein distance, case-insensitive."""
    a, b = a.lower(), b.lower()
    if a == b:
        return 1.0
    return 1.0 - edit_distance(a, b) / max(len(a), len(b))


def _is_word(s: str) -> bool:
    return any(c.isalnum() for c in s)


def _cost(a: str, b: str) -> float:
    if _is_word(a) != _is_word(b):
        return 3.0
    return 1.0 - _similarity(a, b)


def align(source: str, targets: Sequence[str]) -> list[str | None]:
    """For each target token, the source word(s) it translates, or ``None``.

    ``source`` is the source segment's text; ``targets`` the output tokens in order.
    """
    src = TOKEN.findall(source)
    n, m = len(src), len(targets)
    if n == 0 or m == 0 or n * m > _MAX_CELLS:
        return [None] * m
    width = [min(4, len(t.split())) for t in targets]
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
        for j in range(1, m + 1):
            diag, k = D[i - 1][j - 1] + _cost(src[i - 1], targets[j - 1]), 1
            w = width[j - 1]
            if w > 1 and i >= w:
                multi = D[i - w][j - 1] + _cost(" ".join(src[i - w:i]), targets[j - 1])
                if multi < diag:
                    diag, k = multi, w
            up, left = D[i - 1][j] + _GAP, D[i][j - 1] + _GAP
            if diag <= up and diag <= left:
                D[i][j], back[i][j], take[i][j] = diag, 0, k
            elif up <= left:
                D[i][j], back[i][j] = up, 1
            else:
                D[i][j], back[i][j] = left, 2
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
