"""The shipped risk model: boosted trees as plain data, evaluated in plain Python.

The model is trained with scikit-learn (:mod:`omset.risk.training`) but running omset
must not need scikit-learn or numpy (start-up time, install size), so the trees are
exported to JSON — per node: the feature it tests, the threshold, its two children or,
for a leaf, its value — and walked here. A few hundred comparisons per word is far
below the cost of translating the word.

Two models, stacked:

* the **word model** (logistic boosting) gives each token the probability that a
  proofreader would edit it;
* the **segment model** (Poisson boosting) predicts the number of TER edits in a
  segment from segment features and a summary of the word scores. Its prediction is
  turned into a 0–1 risk by its rank among the training segments' predictions, so
  ``risk = 0.8`` means "more edits expected than in 80 % of the training sentences".

``word_flag`` is the word score above which a word is flagged (chosen on the training
split's held-out folds for 30 % recall of the edited words).
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .features import SEGMENT_FEATURES, WORD_FEATURES, Lexicon

FORMAT = "omset-risk/1"
MODEL_FILE = "risk-model.json"
#: the shipped model per target language: learned on nb→nn output, and on nn→nb output
#: (the NorBench train split read in reverse; docs/risk.md)
MODEL_FILES = {"nn": MODEL_FILE, "nb": "risk-model-nb.json"}

#: a tree node: (feature, threshold, left, right) or a leaf value
Node = Any


class ModelError(ValueError):
    """A risk model file that cannot be used (wrong format or feature list)."""


@dataclass(frozen=True)
class Trees:
    """A boosted ensemble: ``init`` plus the leaf value of every tree (already scaled
    by the learning rate). Nodes are nested tuples ``(feature, threshold, left, right)``;
    ``x[feature] <= threshold`` goes left, as in scikit-learn."""

    init: float
    trees: tuple[Node, ...]
    _compiled: Callable[[Sequence[float]], float] | None = field(
        init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _compile(self.init, self.trees))

    def raw(self, x: Sequence[float]) -> float:
        if self._compiled is not None:
            return self._compiled(x)
        return self.walk(x)

    def walk(self, x: Sequence[float]) -> float:
        """:meth:`raw` by walking the nested tuples (the reference the compiled form
        must equal, and the fallback when an ensemble cannot be compiled)."""
        total = self.init
        for node in self.trees:
            while type(node) is tuple:
                node = node[2] if x[node[0]] <= node[1] else node[3]
            total += node
        return total

    @classmethod
    def from_json(cls, d: dict[str, Any], columns: Sequence[int] | None = None) -> Trees:
        """``columns[i]``: where the file's feature ``i`` is in the vectors this omset
        computes (None: the same place)."""
        return cls(float(d["init"]), tuple(_node(t, columns) for t in d["trees"]))


def _literal(v: float) -> str:
    if math.isfinite(v):
        return repr(v)
    return "_nan" if math.isnan(v) else ("_inf" if v > 0 else "-_inf")


def _expression(node: Node, used: set[int]) -> str:
    if type(node) is tuple:
        used.add(int(node[0]))
        return (f"({_expression(node[2], used)} if x{int(node[0])} <= {_literal(node[1])} "
                f"else {_expression(node[3], used)})")
    return _literal(node)


def _compile(init: float, trees: tuple[Node, ...]) -> Callable[[Sequence[float]], float] | None:
    """The ensemble as one Python expression, ``init + tree + tree …``, each tree a
    nested conditional: the same comparisons and the same additions in the same order
    as :meth:`Trees.walk` (so the same float), three to four times faster, because the
    tree walk runs on every word. Each feature the trees read is taken from ``x`` once,
    into a local (a fifth faster again than indexing ``x`` at every split). Only numbers
    read through ``int()``/``float()`` go into the source. None when the trees are too
    deep for Python's compiler."""
    used: set[int] = set()
    total = " + ".join([_literal(init), *(_expression(t, used) for t in trees)])
    reads = "".join(f"    x{i} = x[{i}]\n" for i in sorted(used))
    namespace: dict[str, Any] = {"_inf": math.inf, "_nan": math.nan}
    try:
        exec(compile(f"def _trees(x):\n{reads}    return {total}\n", "<risk trees>", "exec"),
             namespace)
    except (RecursionError, SyntaxError, MemoryError):
        return None
    fn: Callable[[Sequence[float]], float] = namespace["_trees"]
    return fn


def _node(t: Any, columns: Sequence[int] | None) -> Node:
    if isinstance(t, list):
        feature = int(t[0])
        return (columns[feature] if columns is not None else feature, float(t[1]),
                _node(t[2], columns), _node(t[3], columns))
    return float(t)


def _columns(part: str, names: Sequence[str], known: Sequence[str]) -> list[int]:
    """Where each feature a model file names is in this omset's feature vectors. A file
    learned before features were added uses a subset and still loads; one that names a
    feature this omset does not compute is refused."""
    index = {name: i for i, name in enumerate(known)}
    missing = [name for name in names if name not in index]
    if missing:
        raise ModelError(f"the {part} model was trained on features this omset does not "
                         f"compute ({', '.join(missing[:3])}); retrain it with `omset learn risk`")
    return [index[name] for name in names]


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class RiskModel:
    """Word and segment models with the word table they read."""

    word: Trees
    segment: Trees
    quantiles: tuple[float, ...]   # predicted edits of training segments, sorted samples
    word_flag: float
    lexicon: Lexicon
    info: dict[str, Any]

    def word_risk(self, x: Sequence[float]) -> float:
        """Probability that a proofreader edits the word with features ``x``."""
        return sigmoid(self.word.raw(x))

    def expected_edits(self, x: Sequence[float]) -> float:
        """TER edits the segment model expects (it is a Poisson model: exp of its sum)."""
        return math.exp(min(self.segment.raw(x), 50.0))

    def segment_risk(self, x: Sequence[float]) -> float:
        """0–1: the share of training segments expected to need fewer edits."""
        return self.rank(self.expected_edits(x))

    def rank(self, edits: float) -> float:
        q = self.quantiles
        if not q:
            return 0.0
        lo, hi = bisect.bisect_left(q, edits), bisect.bisect_right(q, edits)
        return round((lo + hi) / 2 / len(q), 4)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RiskModel:
        if d.get("format") != FORMAT:
            raise ModelError(f"not a risk model of format {FORMAT}: {d.get('format')!r}")
        word, segment = (Trees.from_json(d[part], _columns(part, d[part]["features"], names))
                         for part, names in (("word", WORD_FEATURES), ("segment", SEGMENT_FEATURES)))
        lex = d["lexicon"]
        return cls(word, segment,
                   tuple(float(v) for v in d["quantiles"]), float(d["word_flag"]),
                   Lexicon(lex["counts"], 1.0, float(lex["prior"]), float(lex["smoothing"]),
                           lex.get("pairs", {})),
                   dict(d.get("info", {})))


def load(path: str | Path | None = None, target: str = "nn") -> RiskModel:
    """The model in ``path``, or the one shipped with omset for output in ``target``
    (``nn`` or ``nb``; loaded once)."""
    if path is None:
        if target not in MODEL_FILES:
            raise ModelError(f"no shipped risk model for {target!r} output")
        return _shipped(target)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read risk model {path}: {exc}") from exc
    return RiskModel.from_json(data)


@lru_cache(maxsize=len(MODEL_FILES))
def _shipped(target: str) -> RiskModel:
    text = resources.files("omset").joinpath("data", MODEL_FILES[target]).read_text(encoding="utf-8")
    return RiskModel.from_json(json.loads(text))
