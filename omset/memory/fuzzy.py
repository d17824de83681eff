"""Fuzzy-match scoring: word-level edit distance, with a cheap length prefilter.

The candidates come from the store's word index (the entries that share the most rare
words with the new segment); this module decides how similar each really is. The score
is ``1 - word edit distance / longer length`` over words and punctuation, the usual
definition of a translation-memory fuzzy match, computed by rapidfuzz.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

#: the default lowest fuzzy score served (CAT tools commonly use 70–75 %)
THRESHOLD = 0.75


def possible(len_a: int, len_b: int, threshold: float) -> bool:
    """Whether two segments of these lengths (in tokens) can reach ``threshold`` at all:
    the edit distance is at least the difference in length."""
    longer = max(len_a, len_b)
    return longer == 0 or 1 - abs(len_a - len_b) / longer >= threshold


def similarity(a: Sequence[str], b: Sequence[str], threshold: float = 0.0) -> float:
    """Word-level similarity of two token lists (0..1); 0 when below ``threshold``."""
    if not a and not b:
        return 1.0
    score = Levenshtein.normalized_similarity(a, b, score_cutoff=threshold)
    return float(score)
