"""What the risk models learn to predict: how far the engine's output was from a human's.

* Per segment: the number of TER edits (sacrebleu's TER, its defaults: case-insensitive,
  whitespace tokens) that turn the output into the reference — the proofreader's work.
* Per word: whether the output word survives into the reference. Output and reference
  are cut into words and punctuation marks and aligned (``difflib`` on lower-cased
  tokens, the alignment the rule learner uses too); a word outside the matching blocks
  was substituted or deleted by the human, i.e. edited. A multiword token (``i dag``)
  counts as edited when any of its words is.

Used by the learner and by ``bench/risk.py`` alike, so the benchmark measures exactly
what the model was trained for.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from ..align import TOKEN
from ..result import Segment
from .features import tokens_of


def ter_edits(hypothesis: str, reference: str) -> tuple[float, float]:
    """(TER edits, reference length in words) of one sentence (needs sacrebleu)."""
    from sacrebleu.metrics import TER

    score = TER().sentence_score(hypothesis, [reference])
    return float(score.num_edits), float(score.ref_length)


def word_edits(seg: Segment, reference: str) -> list[bool]:
    """Per token of ``seg``: True when the reference does not keep it."""
    pieces: list[tuple[int, str]] = []
    for i, tok in enumerate(seg.tokens):
        pieces += [(i, w.lower()) for w in tokens_of(tok)]
    ref = [w.lower() for w in TOKEN.findall(reference)]
    kept = [False] * len(pieces)
    sm = SequenceMatcher(a=[w for _, w in pieces], b=ref, autojunk=False)
    for block in sm.get_matching_blocks():
        for k in range(block.a, block.a + block.size):
            kept[k] = True
    edited = [False] * len(seg.tokens)
    for (i, _), ok in zip(pieces, kept):
        if not ok:
            edited[i] = True
    return edited


def edits_of(segments: Sequence[Segment], reference: str) -> tuple[float, float]:
    """TER edits of the segments of one source text (joined by spaces) against its
    reference: the unit the benchmark ranks."""
    return ter_edits(" ".join(s.text for s in segments), reference)
