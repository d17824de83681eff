"""Risk flags: which segments and words a proofreader should check first (docs/risk.md).

    from omset.risk import annotate
    segments = tr.translate_detailed([text])[0]
    annotate(segments)            # fills Segment.risk (0–1) and Token.risk (0–1)

``Segment.risk`` ranks segments: 0.8 means more edits are expected than in 80 % of the
training sentences. ``Token.risk`` is the probability that a proofreader changes the
word; :func:`flagged` says whether it passes the model's flag threshold.
The scores come from the engine's own account of the translation (unknown words,
alternatives, layer changes, names, numbers, quotes, rare words …) through a small
boosted-tree model evaluated in plain Python; no engine call, no numerics library.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..result import Segment, Token
from .features import segment_features, word_features
from .model import ModelError, RiskModel, load

__all__ = ["ModelError", "RiskModel", "annotate", "flagged", "load", "riskiest"]


def annotate(segments: Sequence[Segment], model: RiskModel | str | Path | None = None,
             target: str = "nn") -> None:
    """Fill ``risk`` of every segment and of each of its tokens (in place).

    ``model``: a loaded :class:`RiskModel`, a model file, or None for the one shipped for
    output in ``target`` (``nn``: learned on nb→nn, ``nb``: on nn→nb).
    """
    m = model if isinstance(model, RiskModel) else load(model, target)
    for seg in segments:
        words = word_features(seg, m.lexicon)
        risks = [m.word_risk(x) for x in words]
        for tok, r in zip(seg.tokens, risks):
            tok.risk = round(r, 4)
            tok.flagged = r >= m.word_flag
        seg.risk = m.segment_risk(segment_features(seg, words, risks))


def flagged(token: Token, model: RiskModel | None = None) -> bool:
    """True when the token's risk passes the model's word flag threshold."""
    m = model or load()
    return token.risk is not None and token.risk >= m.word_flag


def riskiest(segments: Sequence[Segment], share: float = 0.2) -> list[Segment]:
    """The ``share`` of annotated segments with the highest risk (at least one when any
    has a risk), riskiest first; ties keep text order."""
    scored = [s for s in segments if s.risk is not None]
    if not scored:
        return []
    k = max(1, round(share * len(scored)))
    return sorted(scored, key=lambda s: -(s.risk or 0.0))[:k]
