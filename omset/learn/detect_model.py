"""Learn the Bokmål/Nynorsk detection model shipped in omset/data/detect-model.json.

    python -m omset.learn.detect_model [--shared ../shared] [--out omset/data/detect-model.json]

Needs the third-party data in ``../shared`` (it is not part of the repository):
both sides of ``data/parallel/norbench_npk_maalfrid.train.nb-nn.tsv`` and, as extra
Nynorsk, ``data/mono/gimp_help.mono.nn.txt``. Only the train split is used; the dev
split is for evaluation (bench/detect.py). The output holds derived weights only
(feature → number), no sentences.

Why logistic regression: the features (words, word pairs, character n-grams, analyser
signals) overlap heavily, which naive Bayes would count several times over. It is
trained here in plain Python with AdaGrad so that running omset needs no numerics
library; then the strongest features are kept and the model is refitted on them so
the shipped file stays small.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Mapping

from ..detect import MODEL_PATH, Detector, features, words_of

TRAIN = "data/parallel/norbench_npk_maalfrid.train.nb-nn.tsv"
MONO_NN = "data/mono/gimp_help.mono.nn.txt"
DEFAULT_SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def load_texts(shared: Path) -> list[tuple[str, int]]:
    """(text, label) pairs, label 1 = Bokmål, 0 = Nynorsk. Identical pairs are
    skipped: they are valid in both standards and would teach nothing."""
    texts: list[tuple[str, int]] = []
    for line in (shared / TRAIN).read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2 or parts[0].strip() == parts[1].strip():
            continue
        texts.append((parts[0], 1))
        texts.append((parts[1], 0))
    mono = shared / MONO_NN
    if mono.is_file():
        for line in mono.read_text(encoding="utf-8").splitlines():
            if len(line.split()) >= 3:
                texts.append((line, 0))
    return texts


def featurise(texts: list[tuple[str, int]], chunk: int = 400) -> list[tuple[Counter[str], int]]:
    """Features of every text, analysed on the same warm pipelines the detector uses."""
    out: list[tuple[Counter[str], int]] = []
    with Detector() as det:
        for start in range(0, len(texts), chunk):
            batch = [(words_of(t), y) for t, y in texts[start:start + chunk]]
            batch = [(w, y) for w, y in batch if w]
            analyses = det.analyse_batch([w for w, _ in batch])
            out.extend((features(w, nb, nn), y) for (w, y), (nb, nn) in zip(batch, analyses))
            print(f"\ranalysed {len(out)}/{len(texts)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    return out


def train(data: list[tuple[Counter[str], int]], epochs: int, l2: float, lr: float = 0.2,
          keep: set[str] | None = None, seed: int = 1) -> tuple[float, dict[str, float]]:
    """Logistic regression by AdaGrad; ``keep`` restricts the features used."""
    rng = random.Random(seed)
    w: dict[str, float] = {}
    g2: dict[str, float] = {}
    bias, gb = 0.0, 1e-8
    order = list(range(len(data)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            counts, y = data[i]
            x: Mapping[str, int] = counts if keep is None else {
                f: v for f, v in counts.items() if f in keep}
            z = bias + sum(w.get(f, 0.0) * v for f, v in x.items())
            p = 1 / (1 + math.exp(-z)) if z > -30 else 0.0
            g = p - y
            gb += g * g
            bias -= lr * g / math.sqrt(gb)
            for f, v in x.items():
                wf = w.get(f, 0.0)
                gf = g * v + l2 * wf
                acc = g2.get(f, 1e-8) + gf * gf
                g2[f] = acc
                w[f] = wf - lr * gf / math.sqrt(acc)
    return bias, w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="the shared data folder (default: ../shared beside the checkout)")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--features", type=int, default=20000, help="features to keep")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--l2", type=float, default=1e-4)
    args = ap.parse_args(argv)
    if not (args.shared / TRAIN).is_file():
        print(f"error: training data not found: {args.shared / TRAIN}\n"
              "This script needs the third-party data folder ../shared (not part of the "
              "repository); pass --shared DIR if it lives elsewhere.", file=sys.stderr)
        return 2
    texts = load_texts(args.shared)
    print(f"{len(texts)} texts ({sum(y for _, y in texts)} Bokmål)", file=sys.stderr)
    data = featurise(texts)
    _, full = train(data, args.epochs, args.l2)
    keep = set(sorted(full, key=lambda f: -abs(full[f]))[:args.features])
    bias, w = train(data, args.epochs, args.l2, keep=keep)
    weights = {f: round(v, 3) for f, v in sorted(w.items()) if round(v, 3) != 0.0}
    model = {
        "format": 1,
        "about": "Bokmål-vs-Nynorsk logistic regression for omset.detect; derived "
                 "weights learnt by `python -m omset.learn.detect_model` from the "
                 "NorBench NPK/Målfrid train split (both sides) and GIMP help (Nynorsk).",
        "positive": "nb",
        "bias": round(bias, 4),
        "weights": weights,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out}: {len(weights)} features, "
          f"{args.out.stat().st_size / 1024:.0f} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
