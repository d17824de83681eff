"""Learning the risk model from parallel text (``omset learn risk``; docs/risk.md).

    omset learn risk TRAIN.tsv -o omset/data/risk-model.json --cache bench/out/risk/train.jsonl

1. The engine translates the Bokmål side with ``translate_detailed`` (cached).
2. Targets (:mod:`omset.risk.targets`): TER edits per segment, edited-or-kept per word.
3. The word table (:class:`~omset.risk.features.Lexicon`) counts words in the sources,
   the engine output and the references, and how often each output word was edited.
4. Out-of-fold training, so that no example is scored by tables or models that saw its
   own answer: the pairs are cut into ``folds`` slices; the features of a slice use the
   word table of the other slices, and its word scores (which the segment model reads)
   come from a word model trained on the other slices. The final models are then fitted
   on all pairs; the segment risk scale is the spread of the out-of-fold predictions.
5. The trees are exported to JSON (:mod:`omset.risk.model`) and checked to give the
   same scores in plain Python as in scikit-learn.

Needs scikit-learn and sacrebleu (``pip install 'omset[learn]'``); running omset does not.
Deterministic: fixed seeds, folds by position.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..result import Segment
from ..text.clean import decode_utf8, strip_controls
from ..text.tokens import lower_words
from . import store
from .evaluate import precision_at_recall, top_share
from .features import (
    SEGMENT_FEATURES,
    WORD_FEATURES,
    Lexicon,
    segment_features,
    word_features,
)
from .model import FORMAT, RiskModel, Trees, sigmoid
from .targets import ter_edits, word_edits

#: boosting settings: the segment model's Poisson loss was chosen over least squares by
#: the held-out folds of the train split (48.2 vs 47.3 % of the edits in the top fifth).
#: The word model has 200 trees of depth 5 (it had 100 of depth 3): with the word-pair
#: features, the deeper trees lift the held-out word precision at 30 % recall on the
#: train split read in reverse from 52 to 61 %, and the riskiest fifth of segments from
#: 44.8 to 45.5 % (docs/benchmarks.md, "Risk flags, Nynorsk → Bokmål")
WORD_PARAMS: dict[str, Any] = {"max_iter": 200, "max_depth": 5, "learning_rate": 0.15,
                               "min_samples_leaf": 40, "l2_regularization": 1.0,
                               "early_stopping": False, "random_state": 0}
SEGMENT_PARAMS: dict[str, Any] = {"loss": "poisson", "max_iter": 150, "max_depth": 3,
                                  "learning_rate": 0.05, "min_samples_leaf": 50,
                                  "early_stopping": False, "random_state": 0}
QUANTILES = 200          # samples of the training predictions kept for the 0–1 scale
MIN_COUNT = 5            # words seen fewer times in all of training are not shipped
FLAG_RECALL = 0.3        # recall of edited words the shipped word flag aims at
COLUMNS = 6              # of the word table (features.Lexicon)

Log = Callable[[str], None]


class TrainingError(ValueError):
    """Training data that cannot train a model (malformed or too little)."""


@dataclass
class Example:
    """One training pair translated into exactly one segment, with its targets."""

    segment: Segment
    reference: str
    fold: int
    edits: float
    word_edited: list[bool]
    words: list[list[float]] = field(default_factory=list)   # features, fold's table
    word_oof: list[float] = field(default_factory=list)      # out-of-fold word scores


def read_pairs(path: Path) -> tuple[list[str], list[str]]:
    """Bokmål and Nynorsk sides of a ``nb<TAB>nn`` file; a malformed line or bad UTF-8
    is an error naming the line or byte (NUL and control characters are dropped)."""
    try:
        text = strip_controls(decode_utf8(path.read_bytes()))[0]
    except InputError as exc:
        raise TrainingError(f"{path}: {exc}") from None
    src, ref = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise TrainingError(f"{path}:{n}: expected 'Bokmål<TAB>Nynorsk'")
        src.append(parts[0])
        ref.append(parts[1])
    return src, ref


def _table_counts(ex: Example) -> Counter[tuple[str, int]]:
    """This pair's contributions to the word table: (word, column) -> count (the
    columns of :class:`~omset.risk.features.Lexicon`)."""
    c: Counter[tuple[str, int]] = Counter()
    for w in lower_words(ex.segment.source):
        c[(w, 0)] += 1
    for tok, edited in zip(ex.segment.tokens, ex.word_edited):
        if tok.text:
            c[(tok.text.lower(), 1)] += 1
            c[(tok.text.lower(), 2)] += int(edited)
            if tok.source:
                c[(tok.source.lower(), 4)] += 1
                c[(tok.source.lower(), 5)] += int(edited)
    for w in lower_words(ex.reference):
        c[(w, 3)] += 1
    return c


def _pair_counts(ex: Example) -> Counter[tuple[str, int]]:
    """This pair's contributions to the pair table: ("a b", 0) for neighbouring output
    tokens, ("a b", 1) for neighbouring reference words (features.Lexicon.pairs)."""
    c: Counter[tuple[str, int]] = Counter()
    out = [t.text.lower() for t in ex.segment.tokens if t.text]
    ref = lower_words(ex.reference)
    for col, words in ((0, out), (1, ref)):
        for a, b in zip(words, words[1:]):
            c[(f"{a} {b}", col)] += 1
    return c


Table = dict[str, list[float]]


def _tables(per_fold: Sequence[Counter[tuple[str, int]]], columns: int,
            keep: Callable[[list[float]], bool]) -> tuple[Table, list[Table]]:
    """The full table (rows ``keep`` accepts) and, per fold, the same rows counted
    without that fold."""
    full: Table = {}
    for counts in per_fold:
        for (w, col), n in counts.items():
            full.setdefault(w, [0.0] * columns)[col] += n
    full = {w: c for w, c in full.items() if keep(c)}
    without = []
    for counts in per_fold:
        table = {w: list(c) for w, c in full.items()}
        for (w, col), n in counts.items():
            if w in table:
                table[w][col] -= n
        without.append(table)
    return full, without


def build_tables(examples: Sequence[Example], folds: int) -> tuple[Table, list[Table]]:
    """The shipped word table (words seen at least :data:`MIN_COUNT` times) and, per
    fold, the same words counted without that fold."""
    per_fold = [Counter[tuple[str, int]]() for _ in range(folds)]
    for ex in examples:
        per_fold[ex.fold].update(_table_counts(ex))
    return _tables(per_fold, COLUMNS, lambda c: c[0] + c[1] + c[3] >= MIN_COUNT)


def build_pair_tables(examples: Sequence[Example], folds: int) -> tuple[Table, list[Table]]:
    """The same for word pairs (output and reference counts; pairs seen at least
    :data:`MIN_COUNT` times in both together)."""
    per_fold = [Counter[tuple[str, int]]() for _ in range(folds)]
    for ex in examples:
        per_fold[ex.fold].update(_pair_counts(ex))
    return _tables(per_fold, 2, lambda c: c[0] + c[1] >= MIN_COUNT)


def _fit(kind: str, X: Sequence[Sequence[float]], y: Sequence[float]) -> Any:
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )

    if kind == "word":
        if len(set(y)) < 2:
            raise TrainingError("the training pairs have no edited words (or only edited "
                                "words): nothing to learn")
        model: Any = HistGradientBoostingClassifier(**WORD_PARAMS)
    else:
        model = HistGradientBoostingRegressor(**SEGMENT_PARAMS)
    # one thread: the histograms are then summed in one order, so the same data gives
    # the same model byte for byte (and a busy machine is not oversubscribed)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return model.fit(_matrix(X), list(y))


def _matrix(X: Sequence[Sequence[float]]) -> Any:
    import numpy as np

    return np.asarray(X, dtype=np.float64).reshape(len(X), -1)


def _raw(model: Any, X: Sequence[Sequence[float]]) -> list[float]:
    """The boosting sum: log-odds for the word model, log expected edits for the
    segment model (Poisson)."""
    m = _matrix(X)
    if hasattr(model, "decision_function"):
        return [float(v) for v in model.decision_function(m)]
    return [math.log(float(v)) for v in model.predict(m)]


def export_trees(model: Any, X_check: Sequence[Sequence[float]]) -> dict[str, Any]:
    """The ensemble as JSON-able data; its plain-Python sum is checked against
    scikit-learn's on ``X_check``, so a change in scikit-learn's tree layout (read from
    its predictors' node arrays) fails here, loudly, instead of shipping a wrong model."""
    def node(nodes: Any, i: int) -> Any:
        n = nodes[i]
        if n["is_leaf"]:
            return float(n["value"])
        return [int(n["feature_idx"]), float(n["num_threshold"]),
                node(nodes, int(n["left"])), node(nodes, int(n["right"]))]

    trees = [node(per_class[0].nodes, 0) for per_class in model._predictors]
    data: dict[str, Any] = {"init": 0.0, "trees": trees}
    first = Trees.from_json(data).raw(X_check[0])
    data["init"] = _raw(model, X_check[:1])[0] - first
    ours, theirs = Trees.from_json(data), _raw(model, X_check)
    worst = max((abs(ours.raw(x) - t) for x, t in zip(X_check, theirs)), default=0.0)
    if worst > 1e-6:
        raise TrainingError(f"exported trees disagree with scikit-learn by {worst:.2g}")
    return data


def _examples(sources: Sequence[str], refs: Sequence[str], outputs: Sequence[Sequence[Segment]],
              folds: int) -> list[Example]:
    out = []
    for i, (segs, ref) in enumerate(zip(outputs, refs)):
        if len(segs) != 1:  # a pair cut into several segments has no per-segment reference
            continue
        seg = segs[0]
        edits, _ = ter_edits(seg.text, ref)
        out.append(Example(seg, ref, i % folds, edits, word_edits(seg, ref)))
    return out


def train(sources: Sequence[str], refs: Sequence[str], outputs: Sequence[Sequence[Segment]],
          *, folds: int = 5, log: Log = print) -> tuple[dict[str, Any], dict[str, float]]:
    """The model file's content, and held-out figures for the report."""
    return fit(*prepare(sources, refs, outputs, folds=folds, log=log), folds=folds, log=log)


def prepare(sources: Sequence[str], refs: Sequence[str], outputs: Sequence[Sequence[Segment]],
            *, folds: int = 5, log: Log = print) -> tuple[list[Example], Lexicon, float]:
    """Examples with targets and out-of-fold word features, the word and pair tables
    (as the shipped :class:`Lexicon`), the mean word edit rate."""
    if folds < 2:
        raise TrainingError("folds must be at least 2")
    examples = _examples(sources, refs, outputs, folds)
    if len(examples) < 5 * folds:
        raise TrainingError(f"{len(examples)} usable pairs is too few to learn from "
                            f"(at least {5 * folds})")
    full, without = build_tables(examples, folds)
    full_pairs, pairs_without = build_pair_tables(examples, folds)
    outs = [t for ex in examples for t, tok in zip(ex.word_edited, ex.segment.tokens) if tok.text]
    prior = sum(outs) / max(len(outs), 1)
    scale = folds / (folds - 1)
    fold_lex = [Lexicon(t, scale, prior, pairs=p) for t, p in zip(without, pairs_without)]
    for ex in examples:
        ex.words = word_features(ex.segment, fold_lex[ex.fold])
    log(f"{len(examples)} pairs, {sum(len(e.words) for e in examples)} tokens, "
        f"{len(full)} words and {len(full_pairs)} word pairs in the tables, "
        f"edit rate {prior:.3f}")
    return examples, Lexicon(full, 1.0, prior, pairs=full_pairs), prior


def fit(examples: list[Example], full: Lexicon, prior: float, *,
        folds: int = 5, log: Log = print) -> tuple[dict[str, Any], dict[str, float]]:
    """Fit the word and segment models (out-of-fold, then on everything) and export."""
    # out-of-fold word scores
    for k in range(folds):
        X = [x for ex in examples if ex.fold != k for x in ex.words]
        y = [float(t) for ex in examples if ex.fold != k for t in ex.word_edited]
        model = _fit("word", X, y)
        held = [ex for ex in examples if ex.fold == k]
        scores = [sigmoid(v) for v in _raw(model, [x for ex in held for x in ex.words])]
        pos = 0
        for ex in held:
            ex.word_oof, pos = scores[pos:pos + len(ex.words)], pos + len(ex.words)
        log(f"word model, fold {k + 1}/{folds}")
    Xw = [x for ex in examples for x in ex.words]
    yw = [float(t) for ex in examples for t in ex.word_edited]
    word_model = _fit("word", Xw, yw)

    seg_X = [segment_features(ex.segment, ex.words, ex.word_oof) for ex in examples]
    seg_y = [ex.edits for ex in examples]
    seg_oof = [0.0] * len(examples)
    for k in range(folds):
        idx = [i for i, ex in enumerate(examples) if ex.fold != k]
        held_idx = [i for i, ex in enumerate(examples) if ex.fold == k]
        model = _fit("segment", [seg_X[i] for i in idx], [seg_y[i] for i in idx])
        for i, v in zip(held_idx, _raw(model, [seg_X[i] for i in held_idx])):
            seg_oof[i] = math.exp(v)
    segment_model = _fit("segment", seg_X, seg_y)

    is_word = [x[WORD_FEATURES.index("is_word")] > 0 for x in Xw]
    word_scores = [s for ex in examples for s in ex.word_oof]
    w_scores = [s for s, w in zip(word_scores, is_word) if w]
    w_labels = [bool(y) for y, w in zip(yw, is_word) if w]
    precision, flag = precision_at_recall(w_scores, w_labels, FLAG_RECALL)
    base = sum(w_labels) / max(len(w_labels), 1)
    report = {"pairs": float(len(examples)),
              "top20_share": top_share(seg_oof, seg_y),
              "top20_share_length": top_share([x[0] for x in seg_X], seg_y),
              "word_precision_at_30": precision, "word_base_rate": base}
    sorted_oof = sorted(seg_oof)
    step = len(sorted_oof) / QUANTILES
    quantiles = [sorted_oof[min(int((i + 0.5) * step), len(sorted_oof) - 1)] for i in range(QUANTILES)]
    check = slice(0, 2000)
    data = {
        "format": FORMAT,
        "info": {"pairs": len(examples), "folds": folds,
                 "held_out": {k: round(v, 4) for k, v in report.items()}},
        "word": {"features": list(WORD_FEATURES), **export_trees(word_model, Xw[check])},
        "segment": {"features": list(SEGMENT_FEATURES),
                    **export_trees(segment_model, seg_X[check])},
        "quantiles": quantiles,
        "word_flag": flag,
        "lexicon": {"prior": prior, "smoothing": full.smoothing,
                    "counts": {w: [int(v) for v in c] for w, c in sorted(full.counts.items())},
                    "pairs": {w: [int(v) for v in c] for w, c in sorted(full.pairs.items())}},
    }
    RiskModel.from_json(data)  # the file must load
    return data, report


def run(parallel: Path, output: Path, *, style: str = "nynorsk-news", folds: int = 5,
        cache: Path | None = None, log: Log = print) -> dict[str, float]:
    """What ``omset learn risk`` does: translate, learn, write the model file. The pairs
    are ``Bokmål<TAB>Nynorsk``; a Bokmål style (``bokmal``: nn→nb) reads them in reverse."""
    sources, refs = read_pairs(parallel)
    if store.direction_of(style)[0] == "nn":
        sources, refs = refs, sources
    outputs = store.translated(sources, style, cache, log)
    data, report = train(sources, refs, outputs, folds=folds, log=log)
    data["info"].update({"style": style, "trained_on": parallel.name,
                         "command": f"omset learn risk {parallel.name} -o {output.name} "
                                    f"--style {style} --folds {folds}"})
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    return report
