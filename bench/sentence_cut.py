"""Does cutting a paragraph at its sentence ends change its translation?

    .venv/bin/python bench/sentence_cut.py [--paragraphs 600] [--shared DIR]

Needs the third-party data in ../shared (exits 2 without it). Paragraphs of 2–4
consecutive sentences of the NorBench dev split (most dev pairs are one sentence; joined
in order, with one space, as a news paragraph reads) are translated by one warm
Translator twice: whole (``max_segment_chars=600``, the default: a paragraph this short
is one request) and cut at every sentence end ``omset.text.segment`` finds
(``max_segment_chars=1``: one request per sentence, spread over the pipelines). It
prints how many paragraphs come out identical, shows the ones that do not, and times
both ways paragraph by paragraph (one paragraph in flight at a time: the latency a
translation-memory miss waits for).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality import DEFAULT_SHARED, DEV, load_pairs, shared_files  # noqa: E402

from omset import Translator  # noqa: E402
from omset.text.segment import split_sentences  # noqa: E402


def paragraphs(src: list[str], count: int) -> list[str]:
    """``count`` paragraphs of 2, 3, 4, 2, 3, 4 … consecutive dev sentences that the
    segmenter cuts into as many pieces as it joined."""
    out: list[str] = []
    i, size = 0, 2
    while len(out) < count and i + size <= len(src):
        group = src[i:i + size]
        i += size
        text = " ".join(s.strip() for s in group)
        if len(split_sentences(text, 1)) == 2 * size - 1:   # cut where they were joined
            out.append(text)
            size = 2 + (size - 1) % 3
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--paragraphs", type=int, default=600)
    ap.add_argument("--no-rules", action="store_true",
                    help="both translators without post-edit rules (Apertium and the style "
                         "layer only)")
    ap.add_argument("--timed", type=int, default=100, help="paragraphs timed one by one")
    args = ap.parse_args()
    files = shared_files(args.shared, DEV)
    if files is None:
        return 2
    src, _ref = load_pairs(files[0])
    paras = paragraphs(src, args.paragraphs)
    print(f"# bench/sentence_cut.py — {time.strftime('%Y-%m-%d %H:%M')} UTC")
    rules = False if args.no_rules else None
    with Translator("nb", "nn", rules=rules) as whole:
        cut = Translator("nb", "nn", rules=rules, max_segment_chars=1, engine=whole.engine)
        whole.warm_up()
        whole.translate("\n\n".join(paras[:20]))
        a = whole.translate_batch(paras)
        b = cut.translate_batch(paras)
        differ = [(p, x, y) for p, x, y in zip(paras, a, b) if x != y]
        sentences = sum(len(split_sentences(p, 1)) // 2 + 1 for p in paras)
        print(f"\n{len(paras)} paragraphs ({sentences} sentences): "
              f"{len(paras) - len(differ)} identical whole and cut at sentence ends")
        for p, x, y in differ[:40]:
            print(f"\n  source: {p}\n  whole:  {x}\n  cut:    {y}")
        times: dict[str, list[float]] = {"whole": [], "cut": []}
        for p in paras[:args.timed]:
            for name, tr in (("whole", whole), ("cut", cut)):
                t0 = time.perf_counter()
                tr.translate(p)
                times[name].append(time.perf_counter() - t0)
        if not args.timed:
            return 0
        w, c = (statistics.median(times[k]) * 1000 for k in ("whole", "cut"))
        print(f"\nlatency of one paragraph alone (median of {len(times['whole'])}): "
              f"whole {w:.1f} ms, cut {c:.1f} ms, whole/cut {w / c:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
