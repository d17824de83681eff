"""Is a text Bokmål, Nynorsk, or neither?

Off-the-shelf language identifiers confuse the two written standards on short
sentences. We combine two kinds of evidence:

* Apertium's own morphological analysers for both standards, on warm pipelines. A word
  only one of them knows is strong evidence; so is a word whose reading differs between
  them (the Nynorsk analyser accepts many Bokmål spellings but gives them a Nynorsk
  lemma, e.g. ``særlig`` → ``særleg``) or whose part of speech exists on one side only.
* A small logistic-regression model over words, word pairs and character n-grams,
  learnt from the NorBench train split (``python -m omset.learn.detect_model``) and
  shipped as derived weights in ``omset/data/detect-model.json``. It also learns how
  much to trust each analyser signal.

"Neither" (``und``) is said when there are no words, when too many words are unknown
to both analysers or are written with letters Norwegian does not use (English,
Swedish, Danish, gibberish), or when there is no evidence either way.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from .engine.modes import lt_proc, mode_file
from .engine.pool import Pool
from .engine.stream import escape

if TYPE_CHECKING:
    from concurrent.futures import Future

MODEL_PATH = Path(__file__).parent / "data" / "detect-model.json"
MAX_WORDS = 400

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_LU = re.compile(r"\^((?:\\.|[^/$\\])*)/((?:\\.|[^$\\])*)\$")
_SEPARATOR = re.compile(r"(?<!\\)\[\] ")
_URL = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+\.\S+")
_READING_SPLIT = re.compile(r"(?<!\\)/")
# Letters of the Norwegian alphabet (plus the accents Norwegian spelling allows).
_NORWEGIAN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzæøåéèêóòôüàç")

# Decision thresholds, chosen on the dev split only (bench/detect.py prints the
# numbers they were chosen from); see docs/benchmarks.md.
FOREIGN_SHARE_UND = 0.2   # share of foreign-looking words at which we say "und"
MIN_FOREIGN_WORDS = 2     # ... but never on the strength of a single word
MIN_EVIDENCE = 0.05       # |log-odds| below this is no evidence either way


@dataclass(frozen=True)
class Detection:
    """The verdict: ``language`` is ``"nb"``, ``"nn"`` or ``"und"`` (neither).

    ``confidence`` is the probability of the verdict; ``nb_score``/``nn_score`` are the
    model's probabilities for the two standards (they sum to 1), ``words`` the number
    of words looked at and ``foreign`` the share of them that look like neither.
    """

    language: str
    confidence: float
    nb_score: float
    nn_score: float
    words: int
    foreign: float = 0.0


Readings = tuple[str, ...]


def _readings(analysis: str) -> Readings:
    """``lemma<tag>…`` readings of one lexical unit; empty when the word is unknown."""
    if analysis.startswith("*"):
        return ()
    return tuple(_READING_SPLIT.split(analysis))


def _lemma(reading: str) -> str:
    return reading.split("<", 1)[0].lower()


def _pos(reading: str) -> str:
    m = re.search(r"<([^>]+)>", reading)
    return m.group(1) if m else ""


def char_ngrams(word: str, sizes: tuple[int, ...] = (2, 3, 4)) -> list[str]:
    """Character n-grams of a lower-cased word with boundary marks."""
    padded = f"<{word}>"
    return [padded[i:i + n] for n in sizes for i in range(len(padded) - n + 1)]


def words_of(text: str) -> list[str]:
    """The words the detector looks at: letters only, no web or mail addresses,
    first ``MAX_WORDS``."""
    return _WORD.findall(_URL.sub(" ", text))[:MAX_WORDS]


def is_foreign(word: str, nb: Readings, nn: Readings) -> bool:
    """A word neither analyser knows, or one with letters Norwegian does not use."""
    if any(ch.isalpha() and ch not in _NORWEGIAN_LETTERS for ch in word.lower()):
        return True
    return not nb and not nn


def features(words: list[str], nb: list[Readings], nn: list[Readings]) -> Counter[str]:
    """The model's features for one text: words, word pairs, character n-grams and
    analyser signals. ``nb``/``nn`` are each word's readings from the two analysers."""
    feats: Counter[str] = Counter()
    lower = [w.lower() for w in words]
    for i, (w, rb, rn) in enumerate(zip(lower, nb, nn)):
        feats["w:" + w] += 1
        if i:
            feats["b:" + lower[i - 1] + "_" + w] += 1
        for g in char_ngrams(w):
            feats["c:" + g] += 1
        if rb and not rn:
            feats["a:nb_only"] += 1
        elif rn and not rb:
            feats["a:nn_only"] += 1
        elif not rb and not rn:
            feats["a:neither_cap" if words[i][:1].isupper() else "a:neither"] += 1
            continue
        else:
            lb = {_lemma(r) for r in rb}
            ln = {_lemma(r) for r in rn}
            if w in lb and w not in ln:
                feats["a:self_lemma_nb"] += 1
            elif w in ln and w not in lb:
                feats["a:self_lemma_nn"] += 1
            if not lb & ln:
                feats["a:lemmas_differ"] += 1
            pb = {_pos(r) for r in rb}
            pn = {_pos(r) for r in rn}
            for p in pb - pn:
                feats["p:nb:" + p] += 1
            for p in pn - pb:
                feats["p:nn:" + p] += 1
    return feats


@dataclass(frozen=True)
class Model:
    """Logistic regression: log-odds of Bokmål = bias + Σ weight × feature count."""

    bias: float
    weights: dict[str, float]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Model":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()})

    def log_odds(self, feats: Counter[str]) -> float:
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) * n for f, n in feats.items())


@lru_cache(maxsize=4)
def _model(path: Path) -> Model:
    return Model.load(path)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Detector:
    """Two warm analyser pipelines (Bokmål and Nynorsk) and the learnt model.

    Thread-safe: the pipelines accept concurrent requests.
    """

    def __init__(self, timeout: float = 20.0, model_path: Path = MODEL_PATH):
        mode_file("nob-nno")  # raises EngineNotInstalled with the install hint
        self._model_path = model_path
        # watched pools: a hung analyser is killed at its deadline and restarted
        self._nb = Pool(lt_proc("-w -e", "nob-nno.automorf.bin"), size=1, timeout=timeout)
        self._nn = Pool(lt_proc("-w -e", "nno-nob.automorf.bin"), size=1, timeout=timeout)
        self._lock = threading.Lock()

    @property
    def model(self) -> Model:
        """The learnt weights, loaded on first use (training needs analyses first)."""
        return _model(self._model_path)

    def _analyse_one(self, pool: Pool, words: list[str]) -> "Future[str]":
        # An empty superblank between words stops the analyser from joining them
        # into multiwords ("i dag"), so there is exactly one unit per word.
        return pool.submit("[] ".join(escape(w) for w in words))

    @staticmethod
    def _collect(raw: str, n: int) -> list[Readings]:
        # One piece per word between the separating superblanks; a word the analyser
        # cut into several units (``Sotheby's``) is known only if every unit is.
        pieces = _SEPARATOR.split(raw)
        if len(pieces) != n:  # should not happen; be safe rather than misalign
            return [()] * n
        out: list[Readings] = []
        for piece in pieces:
            units = [_readings(m.group(2)) for m in _LU.finditer(piece)]
            out.append(() if not units or not all(units) else sum(units, ()))
        return out

    def analyse(self, words: list[str]) -> tuple[list[Readings], list[Readings]]:
        """Each word's readings from the Bokmål and the Nynorsk analyser."""
        return self.analyse_batch([words])[0]

    def analyse_batch(self, word_lists: list[list[str]]
                      ) -> list[tuple[list[Readings], list[Readings]]]:
        """``analyse`` for many texts, all in flight at once (much faster in bulk)."""
        futures = [(self._analyse_one(self._nb, w), self._analyse_one(self._nn, w))
                   if w else None for w in word_lists]
        out: list[tuple[list[Readings], list[Readings]]] = []
        for words, fut in zip(word_lists, futures):
            if fut is None:
                out.append(([], []))
            else:
                out.append((self._collect(fut[0].result(), len(words)),
                            self._collect(fut[1].result(), len(words))))
        return out

    def detect(self, text: str) -> Detection:
        """Say whether ``text`` is Bokmål, Nynorsk or neither (first 400 words)."""
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: list[str]) -> list[Detection]:
        """``detect`` for many texts at once."""
        word_lists = [words_of(t) for t in texts]
        return [self.decide(w, nb, nn) if w else Detection("und", 0.0, 0.0, 0.0, 0)
                for w, (nb, nn) in zip(word_lists, self.analyse_batch(word_lists))]

    def decide(self, words: list[str], nb: list[Readings], nn: list[Readings]) -> Detection:
        """The verdict from words and their analyses (separate so it can be tested)."""
        n = len(words)
        # Capitalised words are often names, unknown in any language: judge on the
        # others, unless that leaves fewer than two (headlines in capitals).
        pool = [i for i, w in enumerate(words) if not w[:1].isupper()]
        if len(pool) < 2:
            pool = list(range(n))
        foreign_n = sum(is_foreign(words[i], nb[i], nn[i]) for i in pool)
        foreign = foreign_n / len(pool)
        z = self.model.log_odds(features(words, nb, nn))
        p_nb = _sigmoid(z)
        verdict = partial(Detection, nb_score=round(p_nb, 4),
                          nn_score=round(1 - p_nb, 4), words=n, foreign=round(foreign, 3))
        if foreign >= FOREIGN_SHARE_UND and foreign_n >= min(MIN_FOREIGN_WORDS, len(pool)):
            return verdict("und", round(min(1.0, 0.5 + foreign / 2), 3))
        if abs(z) < MIN_EVIDENCE:
            return verdict("und", 0.5)
        language = "nb" if z > 0 else "nn"
        return verdict(language, round(max(p_nb, 1 - p_nb), 3))

    def close(self) -> None:
        self._nb.close()
        self._nn.close()

    def __enter__(self) -> "Detector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
