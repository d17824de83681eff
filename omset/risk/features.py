"""What the risk models see: numbers computed from the engine's own account of a segment.

Everything here is read off a :class:`~omset.result.Segment` as ``translate_detailed``
returns it (the words, their source words, Apertium's alternatives and unknown-word
flags, the changes each layer made) plus a small word table learned from the training
split (:class:`Lexicon`: how often a word occurs in Bokmål sources, in engine output and
in human Nynorsk, and how often the engine's word was edited). No engine call is made,
so scoring costs a fraction of translating.

The feature lists are fixed by name (:data:`WORD_FEATURES`, :data:`SEGMENT_FEATURES`);
a model file records the names it was trained on, and loading a model whose names
differ is refused rather than silently misread.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..result import Segment
from ..text.tokens import is_word

#: layers that can change a word (omset.result.Change.layer)
LAYERS = ("profile", "agree", "glossary", "protect", "rule")
_OPEN_QUOTES, _CLOSE_QUOTES, _STRAIGHT = "«“„‘", "»”’", "\"'"
_SENTENCE_STARTERS = frozenset(".!?:;«“„\"'–—-(")
_WINDOW = 3   # words either side whose unknown flags count as context

WORD_FEATURES: tuple[str, ...] = (
    "is_word", "is_punct", "has_digit", "capitalised", "capitalised_inner", "all_caps",
    "unknown", "alternatives", *(f"layer_{name}" for name in LAYERS), "no_source", "glued",
    "changed", "shared_prefix", "text_words", "source_words", "chars", "hyphen",
    "src_freq", "out_freq", "ref_freq", "out_edit_rate", "out_seen",
    "position", "first", "last", "in_quotes", "in_parens",
    "prev_unknown", "next_unknown", "near_unknown", "prev_punct", "next_punct",
    "prev_changed", "next_changed", "prev_alternatives", "next_alternatives",
    "prev_out_edit_rate", "next_out_edit_rate", "prev_capitalised_inner",
    "next_capitalised_inner", "segment_words", "segment_unknown",
    # what the source word tells (added for nn→nb, where most edits are lexical choice:
    # a Nynorsk word whose rendering proofreaders often change, or one the target side
    # never writes; a model file names the features it uses, so older files still load)
    "src_edit_rate", "src_ref_freq", "out_src_freq", "ref_out_ratio",
    "prev_src_edit_rate", "next_src_edit_rate",
    # the output word with its neighbour as a pair: how often the references write the
    # pair against how often the engine does (log ratio), and both counts. Phrasing a
    # human would not write (``i fjor høst``, a preposition the reference changes) shows
    # in the pair when neither word is rare on its own
    "prev_pair_ratio", "prev_pair_out", "prev_pair_ref",
    "next_pair_ratio", "next_pair_out", "next_pair_ref",
)

#: per-segment features; four of them (``word_risk_…``) summarise the word model's scores
SEGMENT_FEATURES: tuple[str, ...] = (
    "words", "tokens", "chars", "source_chars", "length_ratio", "punct", "commas",
    "quotes", "colon", "parens", "dashes", "sentence_ends", "starts_with_dash",
    "unknown", "alternatives", "with_alternatives", *(f"layer_{name}" for name in LAYERS),
    "names", "numbers", "multiword", "compound_parts", "changed", "changed_share", "rare", "unseen_out",
    "mean_src_freq", "min_src_freq", "expected_edits_lexicon",
    "word_risk_sum", "word_risk_max", "word_risk_mean", "word_risk_over_half",
    "expected_edits_source", "kept_source_only",
    # word pairs the engine writes far more often than the references (from the pair table)
    "pair_ratio_negative", "pairs_rarely_written",
)


@dataclass
class Lexicon:
    """Per lower-cased word: [source count, engine output count, times the engine's word
    was edited, reference count, tokens translated from it, times their output was
    edited], all from the training split (a table with only the first four columns, as
    older model files have, reads the last two as 0); and per word pair how often the
    engine and the references write it (:meth:`pair`).

    ``scale`` multiplies the counts: while training on one fold with the tables of the
    others, the counts come from fewer sentences than the shipped table does.
    """

    counts: Mapping[str, Sequence[float]] = field(default_factory=dict)
    scale: float = 1.0
    prior: float = 0.1           # edit rate of an average word (smoothing target)
    smoothing: float = 5.0       # pseudo-occurrences at the prior
    #: per lower-cased word pair ``"a b"`` (adjacent output tokens, or adjacent reference
    #: words): [engine output count, reference count]; empty in older model files
    pairs: Mapping[str, Sequence[float]] = field(default_factory=dict)

    def lookup(self, word: str) -> tuple[float, float, float, float]:
        c = self.counts.get(word.lower())
        if c is None:
            return 0.0, 0.0, 0.0, 0.0
        return c[0] * self.scale, c[1] * self.scale, c[2] * self.scale, c[3] * self.scale

    def source_edits(self, word: str) -> tuple[float, float]:
        """(tokens translated from ``word``, how many of them proofreaders edited)."""
        c = self.counts.get(word.lower())
        if c is None or len(c) < 6:
            return 0.0, 0.0
        return c[4] * self.scale, c[5] * self.scale

    def pair(self, first: str, second: str) -> tuple[float, float, float]:
        """(log ratio of reference to output count, log output count, log reference
        count) of the word pair; an unknown pair is (0, 0, 0)."""
        c = self.pairs.get(f"{first.lower()} {second.lower()}")
        if c is None:
            return 0.0, 0.0, 0.0
        out, ref = c[0] * self.scale, c[1] * self.scale
        return math.log((ref + 1.0) / (out + 1.0)), _log(out), _log(ref)

    def edit_rate(self, out_count: float, edited: float) -> float:
        return (edited + self.smoothing * self.prior) / (out_count + self.smoothing)


def _log(x: float) -> float:
    return math.log1p(x)


def _shared_prefix(a: str, b: str) -> float:
    """How much of the longer word the two share from the start (0–1); a cheap stand-in
    for "spelling change" (``mulig`` → ``mogleg``) versus "different word"."""
    a, b = a.lower(), b.lower()
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n / max(len(a), len(b), 1)


def word_features(seg: Segment, lexicon: Lexicon) -> list[list[float]]:
    """One feature vector (in :data:`WORD_FEATURES` order) per token of ``seg``.

    Written as flat lists rather than per-token dicts: this runs on every word of every
    scored segment and is most of the scoring time.
    """
    toks = seg.tokens
    n = len(toks)
    rows: list[list[float]] = []
    unknown: list[float] = []
    punct: list[float] = []
    changed: list[float] = []
    alts: list[float] = []
    rates: list[float] = []
    src_rates: list[float] = []
    extra: list[list[float]] = []
    inner: list[float] = []
    quote_depth = parens = 0
    straight_open = False
    prev_text = ""
    last = max(n - 1, 1)
    # a compound Apertium analysed in parts (``Kommunist`` + ``leiarane``): no space
    glued = [0.0] * n
    for i in range(1, n):
        a, b = toks[i - 1], toks[i]
        if a.text and b.text and a.start + len(a.text) == b.start \
                and a.text[-1:].isalnum() and b.text[:1].isalnum():
            glued[i - 1] = glued[i] = 1.0
    for i, tok in enumerate(toks):
        text = tok.text
        word = is_word(text)
        src = tok.source
        cap = text[:1].isupper()
        cap_inner = float(cap and not (i == 0 or prev_text in _SENTENCE_STARTERS))
        layer_flags = ([float(name in {c.layer for c in tok.changes}) for name in LAYERS]
                       if tok.changes else _NO_LAYERS)
        src_c, _, _, src_ref_c = lexicon.lookup(src) if src else (0.0, 0.0, 0.0, 0.0)
        out_src_c, out_c, edited, ref_c = lexicon.lookup(text)
        rate = lexicon.edit_rate(out_c, edited)
        src_rate = lexicon.edit_rate(*lexicon.source_edits(src)) if src else lexicon.prior
        # quotes and parentheses: the marks themselves count as inside
        if text in _OPEN_QUOTES:
            quote_depth += 1
        elif text in _STRAIGHT:
            straight_open = not straight_open
        if text == "(":
            parens += 1
        is_changed = float(src is not None and src.lower() != text.lower())
        rows.append([
            float(word), float(bool(text) and not word), float(any(ch.isdigit() for ch in text)),
            float(cap), cap_inner, float(len(text) > 1 and text.isupper()),
            float(tok.unknown), float(len(tok.alternatives)),
            *layer_flags,
            float(src is None), glued[i], is_changed,
            _shared_prefix(src, text) if src else 0.0,
            float(len(text.split())), float(len(src.split())) if src else 0.0,
            float(len(text)), float("-" in text and len(text) > 1),
            _log(src_c), _log(out_c), _log(ref_c), rate, float(out_c > 0),
            i / last, float(i == 0), float(i == n - 1),
            float(quote_depth > 0 or straight_open), float(parens > 0),
        ])
        if text in _CLOSE_QUOTES and quote_depth:
            quote_depth -= 1
        if text == ")" and parens:
            parens -= 1
        unknown.append(float(tok.unknown))
        punct.append(rows[-1][1])
        changed.append(is_changed)
        alts.append(float(len(tok.alternatives)))
        rates.append(rate)
        src_rates.append(src_rate)
        extra.append([src_rate, _log(src_ref_c), _log(out_src_c),
                      math.log((ref_c + 1.0) / (out_c + 1.0))])
        inner.append(cap_inner)
        prev_text = text
    words = float(sum(r[0] for r in rows))
    n_unknown = sum(unknown)
    prior = lexicon.prior
    # pairs of neighbouring tokens with text (empty tokens are skipped)
    pair_prev = [_NO_PAIR] * n
    pair_next = [_NO_PAIR] * n
    with_text = [i for i, tok in enumerate(toks) if tok.text]
    for j, k in zip(with_text, with_text[1:]):
        pair_next[j] = pair_prev[k] = lexicon.pair(toks[j].text, toks[k].text)
    for i, row in enumerate(rows):
        p, q = i - 1, i + 1
        has_p, has_q = p >= 0, q < n
        row += [
            unknown[p] if has_p else 0.0, unknown[q] if has_q else 0.0,
            sum(unknown[max(0, i - _WINDOW):i + _WINDOW + 1]) - unknown[i],
            punct[p] if has_p else 1.0, punct[q] if has_q else 1.0,
            changed[p] if has_p else 0.0, changed[q] if has_q else 0.0,
            alts[p] if has_p else 0.0, alts[q] if has_q else 0.0,
            rates[p] if has_p else prior, rates[q] if has_q else prior,
            inner[p] if has_p else 0.0, inner[q] if has_q else 0.0,
            words, n_unknown,
            *extra[i],
            src_rates[p] if has_p else prior, src_rates[q] if has_q else prior,
            *pair_prev[i], *pair_next[i],
        ]
    return rows


_NO_PAIR = (0.0, 0.0, 0.0)
_NO_LAYERS = [0.0] * len(LAYERS)
_RARELY_WRITTEN = math.log(3.0)   # log1p(2): the engine wrote the pair at least twice


_COL = {name: i for i, name in enumerate(WORD_FEATURES)}


def segment_features(seg: Segment, words: Sequence[Sequence[float]],
                     word_risks: Sequence[float]) -> list[float]:
    """The segment's feature vector (:data:`SEGMENT_FEATURES` order), from its word
    features and the word model's scores for them."""
    def col(name: str) -> list[float]:
        j = _COL[name]
        return [w[j] for w in words]

    word_idx = [i for i, w in enumerate(col("is_word")) if w]
    n_words = float(len(word_idx))
    text = seg.text
    all_src_freq = col("src_freq")
    src_freq = [all_src_freq[i] for i in word_idx]
    out_seen = col("out_seen")
    rates = col("out_edit_rate")
    changed = col("changed")
    src_rates = col("src_edit_rate")
    src_ref = col("src_ref_freq")
    pair_ratio, pair_out = col("prev_pair_ratio"), col("prev_pair_out")
    layer_counts = [sum(col(f"layer_{name}")) for name in LAYERS]
    risks = list(word_risks)
    return [
        n_words, float(len(seg.tokens)), float(len(text)), float(len(seg.source)),
        len(text) / max(len(seg.source), 1),
        sum(col("is_punct")), float(text.count(",")),
        float(sum(text.count(q) for q in _OPEN_QUOTES + _CLOSE_QUOTES + _STRAIGHT)),
        float(":" in text), float("(" in text), float(sum(text.count(d) for d in "–—")),
        float(sum(text.count(p) for p in ".!?")),
        float(text.lstrip()[:1] in ("–", "—", "-")),
        sum(col("unknown")), sum(col("alternatives")),
        float(sum(1 for a in col("alternatives") if a)),
        *layer_counts,
        sum(col("capitalised_inner")), sum(col("has_digit")),
        float(sum(1 for t in col("text_words") if t > 1)), sum(col("glued")),
        # the share of changed words, smoothed (Laplace): a one-word segment that kept
        # its word is weak evidence of "nothing was translated", a long one strong
        sum(changed), (sum(changed[i] for i in word_idx) + 1.0) / (n_words + 2.0),
        float(sum(1 for f in src_freq if f == 0.0)),
        float(sum(1 for i in word_idx if not out_seen[i])),
        sum(src_freq) / max(len(src_freq), 1), min(src_freq, default=0.0),
        sum(rates[i] for i in word_idx),
        sum(risks), max(risks, default=0.0), sum(risks) / max(len(risks), 1),
        float(sum(1 for r in risks if r > 0.5)),
        sum(src_rates[i] for i in word_idx),
        # words the engine left as they were although the target side never writes them
        float(sum(1 for i in word_idx if not changed[i] and src_ref[i] == 0.0)),
        sum(min(0.0, pair_ratio[i]) for i in word_idx),
        float(sum(1 for i in word_idx if pair_out[i] >= _RARELY_WRITTEN and pair_ratio[i] < -1.0)),
    ]
