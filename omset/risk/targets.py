"""What the risk models learn to predict: how far the engine's output was from a human's.

* Per segment: the number of TER edits (sacrebleu's TER, its defaults: case-insensitive,
  whitespace tokens) that turn the output into the reference — the proofreader's work.
* Per word: whether the output word survives into the reference. Output text and
  reference are cut into words and punctuation marks and aligned (``difflib`` on
  lower-cased words, the alignment the rule learner uses too); a word outside the
  matching blocks was substituted or deleted by the human, i.e. edited. A token is
  edited when a word overlapping it is (a multiword token ``i dag`` when any of its
  words is; a compound part ``leiarane`` of ``Kommunistleiarane`` when the compound is).

Used by the learner and by ``bench/risk.py`` alike, so the benchmark measures exactly
what the model was trained for.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from ..result import Segment
from ..text.tokens import lower_words, tokens


def ter_edits(hypothesis: str, reference: str) -> tuple[float, float]:
    """(TER edits, reference length in words) of one sentence (needs sacrebleu)."""
    from sacrebleu.metrics import TER

    score = TER().sentence_score(hypothesis, [reference])
    return float(score.num_edits), float(score.ref_length)


def word_edits(seg: Segment, reference: str) -> list[bool]:
    """Per token of ``seg``: True when the reference does not keep it.

    The output *text* is cut into words, not the tokens: Apertium splits compounds into
    several units (``Kommunist`` + ``leiarane``), and the reference writes them as one
    word; a token is edited when a word overlapping it is.
    """
    words = [(m.start(), m.end(), m.group().lower()) for m in tokens(seg.text)]
    ref = lower_words(reference)
    kept = [False] * len(words)
    sm = SequenceMatcher(a=[w for _, _, w in words], b=ref, autojunk=False)
    for block in sm.get_matching_blocks():
        for k in range(block.a, block.a + block.size):
            kept[k] = True
    edited_spans = [(s, e) for (s, e, _), ok in zip(words, kept) if not ok]
    out = []
    for tok in seg.tokens:
        start, end = tok.start, tok.start + len(tok.text)
        out.append(bool(tok.text) and any(s < end and start < e for s, e in edited_spans))
    return out


def edits_of(segments: Sequence[Segment], reference: str) -> tuple[float, float]:
    """TER edits of the segments of one source text (joined by spaces) against its
    reference: the unit the benchmark ranks."""
    return ter_edits(" ".join(s.text for s in segments), reference)
