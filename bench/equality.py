"""How often omset's core equals the plain Apertium CLI, and where it does not.

    .venv/bin/python bench/equality.py [--limit N] [--cache] [--out DIR] [--mode nob-nno_e]

Runs the nb side of norbench_npk_maalfrid.dev through

* ``apertium -u nob-nno_e`` as a CLI (every segment its own paragraph, so line breaks
  stay put; see bench/quality.py), and
* ``Translator("nb", "nn", style="apertium", protect=False, rules=False)`` (the
  ``omset-core`` system: the engine alone, plain Apertium's form choices),

prints the share of segments with identical output; runs the CLI once more on each
differing segment *alone* (after a paragraph holding only a full stop, as omset reads
every segment), to tell differences caused by the CLI reading a paragraph in the
context of the previous ones from real ones; prints the differences grouped by
class (see :func:`classify`) and writes every differing segment to
``DIR/differences.<mode>.tsv`` (index, class, source, apertium, apertium alone, omset).
``--mode nno-nob`` does the same for nn→nb on the nn side.
Needs the third-party data folder ../shared (exits 2 without it).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import difflib
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import quality  # noqa: E402
from omset import Translator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_WORD = re.compile(r"\w+|[^\w\s]")


def words_diff(a: str, b: str) -> list[tuple[str, str]]:
    """The (apertium, omset) word runs that differ between two outputs."""
    wa, wb = _WORD.findall(a), _WORD.findall(b)
    sm = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    return [(" ".join(wa[i1:i2]), " ".join(wb[j1:j2]))
            for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]


def cli_alone(segment: str, mode: str) -> str:
    """The Apertium CLI on one segment with no content before it: after a paragraph
    holding only a full stop, which is what omset's lead ``.[]`` gives each segment (a
    sentence inside a text, not the start of one; docs/engine.md)."""
    out = subprocess.run(["apertium", "-u", mode], input=f".\n\n{segment}\n".encode("utf-8"),
                         capture_output=True, check=True).stdout.decode("utf-8")
    return out.split("\n\n", 1)[1].strip() if "\n\n" in out else out.strip()


def classify(apertium: str, alone: str, omset: str) -> str:
    """The class of one difference; docs/engine.md explains each.

    * ``cli-context``: the CLI gives omset's output when the segment is run alone. In
      one long CLI stream a paragraph is read in the context of the ones before it
      (the tagger, capitalisation at a paragraph start, pronoun choice, a previous line
      without a full stop); omset translates every segment in isolation.
    * ``unknown-mark``: equal but for Apertium's ``#`` (word it could not inflect),
      which ``apertium -u`` keeps and omset removes unless ``--mark-unknown``.
    * ``cli-context+mark``: both.
    * ``other:…``: anything else, with a mechanical sub-class (``whitespace``,
      ``case``, ``missing-words``, ``word-choice``).
    """
    if alone == omset:
        return "cli-context"
    if apertium.replace("#", "") == omset:
        return "unknown-mark"
    if alone.replace("#", "") == omset:
        return "cli-context+mark"
    if "".join(apertium.split()) == "".join(omset.split()):
        return "other:whitespace"
    diffs = words_diff(apertium, omset)
    if all(not a for a, _ in diffs) or all(not b for _, b in diffs):
        return "other:missing-words"
    if all(a.lower() == b.lower() for a, b in diffs):
        return "other:case"
    return "other:word-choice"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=quality.DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None, help="first N dev segments only")
    ap.add_argument("--cache", action="store_true",
                    help="reuse cached Apertium CLI outputs from bench/out/ if present")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "equality")
    ap.add_argument("--mode", choices=("nob-nno_e", "nno-nob"), default="nob-nno_e")
    args = ap.parse_args(argv)
    dev = args.shared / quality.DEV
    if not dev.is_file():
        print(f"error: {dev} not found. This benchmark needs the third-party data folder "
              "../shared (pass --shared DIR).", file=sys.stderr)
        return 2
    nb, nn = quality.load_pairs(dev, args.limit)
    reverse = args.mode == "nno-nob"
    src = nn if reverse else nb
    quality.MODE = args.mode
    base, how, base_time = quality.baseline(src, args.cache, quality.apertium_versions())
    options = {} if reverse else {"style": "apertium"}
    with Translator(*(("nn", "nb") if reverse else ("nb", "nn")), protect=False, rules=False,
                    **options) as tr:  # type: ignore[arg-type]
        tr.warm_up()
        hyp = tr.translate_batch(src)
    same = [h == b for h, b in zip(hyp, base)]
    differing = [i for i, s in enumerate(same) if not s]
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        alone = dict(zip(differing, ex.map(lambda i: cli_alone(src[i], args.mode), differing)))
    classes: dict[str, list[int]] = collections.defaultdict(list)
    for i in differing:
        classes[classify(base[i], alone[i], hyp[i])].append(i)
    args.out.mkdir(parents=True, exist_ok=True)
    dump = args.out / f"differences.{args.mode}.tsv"
    with dump.open("w", encoding="utf-8") as f:
        f.write("index\tclass\tsource\tapertium\tapertium alone\tomset\tdiff\n")
        for cls, idx in sorted(classes.items()):
            for i in idx:
                d = " | ".join(f"{a} → {b}" for a, b in words_diff(base[i], hyp[i]))
                f.write(f"{i}\t{cls}\t{src[i]}\t{base[i]}\t{alone[i]}\t{hyp[i]}\t{d}\n")
    print(f"{len(src)} segments of {quality.DEV} ({'nn' if reverse else 'nb'} side), "
          f"`apertium -u {args.mode}` baseline {how}.")
    n = len(src)
    context = len(classes["cli-context"]) + len(classes["cli-context+mark"])
    print(f"same output as the Apertium CLI (whole file in one run): {sum(same)}/{n} = "
          f"{100 * sum(same) / n:.3f} %")
    print(f"same output as the Apertium CLI on the segment alone: {sum(same) + context}/{n} "
          f"= {100 * (sum(same) + context) / n:.2f} %; also ignoring `#` marks: "
          f"{sum(same) + context + len(classes['unknown-mark'])}/{n} = "
          f"{100 * (sum(same) + context + len(classes['unknown-mark'])) / n:.2f} %")
    for cls, idx in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {cls}: {len(idx)}")
        for i in idx[:3]:
            d = " | ".join(f"{a!r} → {b!r}" for a, b in words_diff(base[i], hyp[i]))
            print(f"    #{i}: {d}")
    print(f"all differences: {dump}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
