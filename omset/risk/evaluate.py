"""The two numbers a risk score is judged by (docs/risk.md), shared by the learner's
held-out report and ``bench/risk.py``.

Ties are broken by position, so the figures are deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _order(scores: Sequence[float]) -> list[int]:
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def top_share(scores: Sequence[float], edits: Sequence[float], share: float = 0.2) -> float:
    """The share of all edits held by the ``share`` highest-scored items."""
    total = sum(edits)
    if not scores or total <= 0:
        return 0.0
    k = max(1, math.ceil(share * len(scores)))
    return sum(edits[i] for i in _order(scores)[:k]) / total


def precision_at_recall(scores: Sequence[float], labels: Sequence[bool],
                        recall: float = 0.3) -> tuple[float, float]:
    """(precision, score threshold) of flagging the highest-scored items until
    ``recall`` of the positives are flagged; (0, 1) without positives."""
    positives = sum(1 for y in labels if y)
    if not positives:
        return 0.0, 1.0
    need = math.ceil(recall * positives)
    hits = 0
    for flagged, i in enumerate(_order(scores), 1):
        hits += bool(labels[i])
        if hits >= need:
            return hits / flagged, float(scores[i])
    return positives / len(scores), 0.0  # pragma: no cover - recall <= 1 always ends above
