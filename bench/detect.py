"""Accuracy of `omset detect` on single sentences of the NorBench dev split.

    .venv/bin/python bench/detect.py [--shared ../shared] [--limit N] [--errors N]

Needs the third-party data in ../shared (not part of the repository). Every sentence
of 4+ words from both sides of norbench_npk_maalfrid.dev is classified; the script
prints accuracy per language and overall, how often "und" was said, and the
distribution of the numbers the "und" thresholds in omset/detect.py act on (the
thresholds are chosen from these dev figures, never from the test sentences).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from omset.detect import Detector  # noqa: E402

DEV = "data/parallel/norbench_npk_maalfrid.dev.nb-nn.tsv"
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def load(shared: Path, limit: int | None) -> list[tuple[str, str]]:
    """(expected language, sentence) for every dev sentence of 4+ words."""
    items: list[tuple[str, str]] = []
    for line in (shared / DEV).read_text(encoding="utf-8").splitlines()[:limit]:
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        for lang, sent in zip(("nb", "nn"), parts):
            if len(sent.split()) >= 4:
                items.append((lang, sent))
    return items


def quantiles(values: list[float], qs=(0.5, 0.9, 0.99, 0.999, 1.0)) -> str:
    v = sorted(values)
    return ", ".join(f"q{q:g}={v[min(len(v) - 1, int(q * len(v)))]:.3f}" for q in qs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None, help="first N dev lines only")
    ap.add_argument("--errors", type=int, default=0, help="print N misclassified sentences")
    args = ap.parse_args(argv)
    if not (args.shared / DEV).is_file():
        print(f"error: {args.shared / DEV} not found. This benchmark needs the "
              "third-party data folder ../shared (pass --shared DIR).", file=sys.stderr)
        return 2
    items = load(args.shared, args.limit)
    t0 = time.perf_counter()
    with Detector() as det:
        results = []
        for i in range(0, len(items), 500):
            results.extend(det.detect_batch([s for _, s in items[i:i + 500]]))
    elapsed = time.perf_counter() - t0
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    said: Counter[tuple[str, str]] = Counter()
    errors = []
    for (lang, sent), r in zip(items, results):
        total[lang] += 1
        said[(lang, r.language)] += 1
        if r.language == lang:
            right[lang] += 1
        else:
            errors.append((lang, r, sent))
    n = sum(total.values())
    print(f"Dev sentences of 4+ words: {n} ({total['nb']} nb, {total['nn']} nn); "
          f"{elapsed:.1f} s, {1000 * elapsed / n:.2f} ms/sentence in batches of 500\n")
    print("| side | sentences | right | accuracy | said nb | said nn | said und |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for lang in ("nb", "nn"):
        print(f"| {lang} | {total[lang]} | {right[lang]} | {100 * right[lang] / total[lang]:.2f} % "
              f"| {said[(lang, 'nb')]} | {said[(lang, 'nn')]} | {said[(lang, 'und')]} |")
    ok = right["nb"] + right["nn"]
    print(f"| all | {n} | {ok} | {100 * ok / n:.2f} % | | | |\n")
    print("foreign share:", quantiles([r.foreign for r in results]))
    margin = [abs(r.nb_score - 0.5) for r in results]
    print("|p(nb) - 0.5|:", quantiles(margin, (0.001, 0.01, 0.05, 0.5)))
    for lang, r, sent in errors[:args.errors]:
        print(f"{lang}->{r.language}\t{r.confidence:.2f}\tforeign={r.foreign}\t{sent[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
