"""Risk flags on the NorBench dev split (never trained on): do they point at the edits?

    .venv/bin/python bench/risk.py [--limit N] [--timing N] [--model FILE] [--refresh]
        [--reverse]

Needs the third-party data in ../shared (not part of the repository; exits 2 without
it). The default omset configuration translates the dev split with
``translate_detailed`` (cached in bench/out/risk/, keyed by the sources and a
fingerprint of the engine; ``--refresh`` recomputes); :func:`omset.risk.annotate`
scores it. Against each pair's human Nynorsk it reports, side by side:

* **segments**: the share of all TER edits (sacrebleu, defaults) held by the 20 %
  highest-risk pairs — the model, random choice (expected 20 %; the mean of 20 seeded
  shuffles is shown), the 20 % longest sources, and the oracle (the true top 20 %);
* **words**: precision of flagging words by risk down to 30 % recall of the edited
  words, against the rate of edited words (what flagging at random gets), and what
  flagging Apertium's unknown words alone gets; and precision/recall at the model's
  own flag threshold;
* **cost**: on the first ``--timing`` pairs, translated now, the time ``annotate``
  takes relative to ``translate_detailed`` and to ``translate`` on the same pairs.

``--reverse`` reads the dev split Nynorsk→Bokmål: the default Bokmål configuration
(style ``bokmal``) translates the Nynorsk side, and the original Bokmål is the reference.
Without ``--model`` each direction is scored by the model shipped for its output
(``risk-model.json`` for nb→nn, ``risk-model-nb.json`` for nn→nb), as ``annotate`` does.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality import load_pairs, shared_files  # noqa: E402

from omset import Translator  # noqa: E402
from omset.result import Segment  # noqa: E402
from omset.risk import annotate, load, store  # noqa: E402
from omset.risk.evaluate import precision_at_recall, top_share  # noqa: E402
from omset.risk.targets import edits_of, word_edits  # noqa: E402

DEV = "data/parallel/norbench_npk_maalfrid.dev.nb-nn.tsv"
CACHE = ROOT / "bench" / "out" / "risk"
STYLES = {False: "nynorsk-news", True: "bokmal"}


def timing(sources: list[str], model, style: str) -> dict[str, float]:
    """Seconds for translate, translate_detailed and annotate on the same pairs."""
    out: dict[str, float] = {}
    with Translator(*store.direction_of(style), style=style) as tr:
        tr.translate_batch(sources[:20])           # warm the pipelines
        t = time.perf_counter()
        tr.translate_batch(sources)
        out["translate"] = time.perf_counter() - t
        t = time.perf_counter()
        detailed = tr.translate_detailed(sources)
        out["translate_detailed"] = time.perf_counter() - t
    segs = [s for segments in detailed for s in segments]
    t = time.perf_counter()
    annotate(segs, model)
    out["annotate"] = time.perf_counter() - t
    out["segments"] = len(segs)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--limit", type=int, default=None, help="first N dev pairs only")
    ap.add_argument("--timing", type=int, default=1000, help="pairs translated live for the cost")
    ap.add_argument("--model", type=Path, default=None,
                    help="model file (default: the one shipped for the direction's output: "
                         "risk-model.json, with --reverse risk-model-nb.json)")
    ap.add_argument("--refresh", action="store_true", help="ignore cached engine outputs")
    ap.add_argument("--reverse", action="store_true",
                    help="nn→nb: the dev split read in reverse, style bokmal")
    a = ap.parse_args()
    files = shared_files(a.shared, DEV)
    if files is None:
        return 2
    style = STYLES[a.reverse]
    src, ref = load_pairs(files[0], a.limit, reverse=a.reverse)
    cache = CACHE / f"dev{'' if a.limit is None else f'-{a.limit}'}.{style}.jsonl"
    if a.refresh:
        cache.unlink(missing_ok=True)
    outputs = store.translated(src, style, cache, log=lambda m: print(m, file=sys.stderr))
    model = load(a.model, target=store.direction_of(style)[1])
    annotate([s for segs in outputs for s in segs], model)

    risks, edits, lengths = [], [], []
    w_risk, w_label, w_unknown = [], [], []
    for segs, source, reference in zip(outputs, src, ref):
        if not segs:
            continue
        risks.append(max(s.risk or 0.0 for s in segs))
        edits.append(edits_of(segs, reference)[0])
        lengths.append(float(len(source.split())))
        joined = Segment(source, " ".join(s.text for s in segs), [t for s in segs for t in s.tokens])
        for tok, edited in zip(joined.tokens, word_edits(joined, reference)):
            if any(ch.isalnum() for ch in tok.text):
                w_risk.append(tok.risk or 0.0)
                w_label.append(edited)
                w_unknown.append(float(tok.unknown))
    n = len(risks)
    rng = random.Random(0)
    shuffles = []
    for _ in range(20):
        order = list(range(n))
        rng.shuffle(order)
        shuffles.append(top_share([float(order[i]) for i in range(n)], edits))
    share_model = top_share(risks, edits)
    share_random = sum(shuffles) / len(shuffles)
    share_length = top_share(lengths, edits)
    share_oracle = top_share(edits, edits)
    base = sum(w_label) / len(w_label)
    prec, thr = precision_at_recall(w_risk, w_label, 0.3)
    unk_flagged = [y for y, u in zip(w_label, w_unknown) if u]
    unk_prec = sum(unk_flagged) / max(len(unk_flagged), 1)
    unk_recall = sum(unk_flagged) / max(sum(w_label), 1)
    own = [y for y, r in zip(w_label, w_risk) if r >= model.word_flag]
    own_prec = sum(own) / max(len(own), 1)
    own_recall = sum(own) / max(sum(w_label), 1)

    print(f"{'nn→nb' if a.reverse else 'nb→nn'}, style {style}: dev pairs {n}, "
          f"TER edits {sum(edits):.0f}, words {len(w_label)}, "
          f"edited words {sum(w_label)} ({base:.1%})")
    print("\n| segments: share of all TER edits in the top 20 % | share |")
    print("|---|---:|")
    print(f"| omset risk | **{share_model:.1%}** |")
    print(f"| random (mean of 20 shuffles) | {share_random:.1%} |")
    print(f"| longest 20 % (source words) | {share_length:.1%} |")
    print(f"| oracle (true top 20 %) | {share_oracle:.1%} |")
    print("\n| words | precision | recall | × random |")
    print("|---|---:|---:|---:|")
    print(f"| omset risk, flagged down to 30 % recall (risk ≥ {thr:.3f}) | **{prec:.1%}** | 30.0% "
          f"| **{prec / base:.2f}** |")
    print(f"| omset risk ≥ shipped flag {model.word_flag:.3f} | {own_prec:.1%} | {own_recall:.1%} "
          f"| {own_prec / base:.2f} |")
    print(f"| Apertium's unknown words | {unk_prec:.1%} | {unk_recall:.1%} | {unk_prec / base:.2f} |")
    print(f"| random | {base:.1%} | any | 1.00 |")
    ok = share_model >= 0.45 and prec >= 2 * base
    if a.timing:
        t = timing(src[:a.timing], model, style)
        print(f"\n| cost on {min(a.timing, len(src))} pairs ({t['segments']:.0f} segments) "
              "| seconds | annotate / this |")
        print("|---|---:|---:|")
        for k in ("translate", "translate_detailed"):
            print(f"| {k} | {t[k]:.2f} | {t['annotate'] / t[k]:.1%} |")
        print(f"| annotate | {t['annotate']:.2f} | |")
        ok = ok and t["annotate"] <= 0.10 * t["translate_detailed"]
    print(f"\nbars (top 20 % ≥ 45 %, words ≥ 2× random, cost ≤ 10 %): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
