"""Is a text Bokmål, Nynorsk, or neither?

Off-the-shelf language identifiers confuse the two written standards on short
sentences. We ask Apertium's own morphological analysers for both standards, on warm
pipelines: a word that only one of them knows is strong evidence, a word both know is
none. A small table of frequent function words that differ between the norms breaks
ties, and the share of words neither analyser knows says "neither".
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

from .engine.modes import data_dir, mode_file
from .engine.pipeline import Pipeline
from .engine.stream import escape

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_LU = re.compile(r"\^((?:\\.|[^/$\\])*)/((?:\\.|[^$\\])*)\$")

# Frequent words whose spelling alone tells the standard (checked against the
# analysers: each is known only to its own side, or far more frequent there).
NB_MARKERS = frozenset(
    "jeg ikke hva hvem hvor hvordan hvorfor hvilken hvilke hun de dem meg deg seg noe noen "
    "fra også bare være vært blir ble mye mange flere hjem nå selv sier sa skal kommer "
    "kunne hadde gjennom mellom uten etter enn eller denne dette disse samme slik".split())
NN_MARKERS = frozenset(
    "eg ikkje kva kven kvar korleis kvifor kva for ho dei meg deg seg noko nokon nokre "
    "frå òg berre vere vore vert vart blei mykje mange fleire heim no sjølv seier sa skal "
    "kjem kunne hadde gjennom mellom utan etter enn eller denne dette desse same slik "
    "ein eit dykk dokker ikkje".split())
_NB_ONLY = NB_MARKERS - NN_MARKERS
_NN_ONLY = NN_MARKERS - NB_MARKERS


@dataclass(frozen=True)
class Detection:
    """The verdict: ``language`` is ``"nb"``, ``"nn"`` or ``"und"`` (neither)."""

    language: str
    confidence: float
    nb_score: float
    nn_score: float
    words: int


class Detector:
    """Two warm analyser pipelines (Bokmål and Nynorsk). Thread-safe."""

    def __init__(self, timeout: float = 20.0):
        mode_file("nob-nno")  # raises EngineNotInstalled with the install hint
        base = data_dir() / "apertium-nno-nob"
        self._nb = Pipeline(f"lt-proc -z -w -e '{base / 'nob-nno.automorf.bin'}'")
        self._nn = Pipeline(f"lt-proc -z -w -e '{base / 'nno-nob.automorf.bin'}'")
        self._timeout = timeout
        self._lock = threading.Lock()

    def _known(self, pipeline: Pipeline, words: list[str]) -> list[bool]:
        raw = pipeline.submit(escape(" ".join(words)), self._timeout).result()
        known = []
        for m in _LU.finditer(raw):
            known.append(not m.group(2).startswith("*"))
        if len(known) != len(words):  # multiword analyses: fall back word by word
            return [self._known(pipeline, [w])[0] if len(words) > 1 else bool(known and known[0])
                    for w in words]
        return known

    def detect(self, text: str) -> Detection:
        words = _WORD.findall(text)
        if not words:
            return Detection("und", 0.0, 0.0, 0.0, 0)
        words = words[:400]
        lower = [w.lower() for w in words]
        nb_known = self._known(self._nb, lower)
        nn_known = self._known(self._nn, lower)
        nb = nn = 0.0
        neither = 0
        for w, kb, kn in zip(lower, nb_known, nn_known):
            if kb and not kn:
                nb += 1.0
            elif kn and not kb:
                nn += 1.0
            elif not kb and not kn:
                neither += 1
            if w in _NB_ONLY:
                nb += 1.5
            elif w in _NN_ONLY:
                nn += 1.5
        n = len(words)
        if neither / n > 0.5:
            return Detection("und", round(neither / n, 3), nb, nn, n)
        diff = nb - nn
        if diff == 0:
            # Both analysers know every word: a sentence valid in both standards.
            return Detection("und", 0.5, nb, nn, n)
        confidence = 1 / (1 + math.exp(-1.5 * abs(diff)))
        return Detection("nb" if diff > 0 else "nn", round(confidence, 3), nb, nn, n)

    def close(self) -> None:
        self._nb.close()
        self._nn.close()

    def __enter__(self) -> "Detector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
