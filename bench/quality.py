"""Translation quality, nb→nn (or nn→nb): plain Apertium vs omset configurations, in one run.

    .venv/bin/python bench/quality.py [--limit N] [--system SPEC ...] [--out DIR] [--cache]
    .venv/bin/python bench/quality.py --reverse ...     # nn→nb against `apertium nno-nob`

Needs the third-party data in ../shared (not part of the repository; exits 2 without
it). On norbench_npk_maalfrid.dev it reports corpus BLEU, chrF and TER (sacrebleu,
default tokenizer) and the exact-match rate for

* plain ``apertium -u nob-nno_e``, run as a CLI now, on all segments at once (joined by
  blank lines so each is its own paragraph, split back, counts verified), and
* each omset system (bench/systems.py: ``omset-core`` by default; ``--system NAME`` or
  ``--system NAME=style:...,pref:...,variant:...``, repeatable).

It also runs apertium_regression_tests.nb-nn.tsv through all of them: exact matches,
and every pair plain Apertium gets right but a system gets wrong (there should be
none). ``--cache`` reuses the Apertium CLI outputs stored in bench/out/ (keyed by input
hash and Apertium versions) instead of recomputing them; the report says which.

``--reverse`` reads every pair Nynorsk→Bokmål (the dev split and the regression pairs),
compares against plain ``apertium -u nno-nob`` and runs the nn→nb systems of
bench/systems.py (``REVERSE``; default ``omset-nb-core omset-bokmal``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sacrebleu

sys.path.insert(0, str(Path(__file__).resolve().parent))

from systems import DEFAULT, REVERSE_DEFAULT, parse_spec  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
DEV = "data/parallel/norbench_npk_maalfrid.dev.nb-nn.tsv"
REGRESSION = "data/parallel/apertium_regression_tests.nb-nn.tsv"
CACHE_DIR = ROOT / "bench" / "out" / "apertium-cache"
MODE = "nob-nno_e"
REVERSE_MODE = "nno-nob"


def shared_files(shared: Path, *rels: str) -> list[Path] | None:
    """The data files under ``shared``, or None after saying on stderr that this
    benchmark needs the third-party data folder (not part of the repository)."""
    paths = [shared / rel for rel in rels]
    for path in paths:
        if not path.is_file():
            print(f"error: {path} not found. This benchmark needs the third-party data "
                  "folder ../shared (pass --shared DIR).", file=sys.stderr)
            return None
    return paths


def load_pairs(path: Path, limit: int | None = None,
               reverse: bool = False) -> tuple[list[str], list[str]]:
    src, ref = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        if len(parts) != 2:
            raise SystemExit(f"error: {path}:{n}: expected 2 tab-separated columns")
        if reverse:
            parts.reverse()
        src.append(parts[0])
        ref.append(parts[1])
        if limit and len(src) >= limit:
            break
    return src, ref


def apertium_versions() -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}=${Version} ",
                          "apertium", "apertium-nno-nob", "lttoolbox"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def apertium_cli(segments: list[str], setvar: str = "", mode: str = MODE) -> list[str]:
    """Plain ``apertium -u nob-nno_e`` (or ``mode``) on all segments in one process. Each segment is
    a paragraph of its own (blank lines between), so Apertium cannot join two.
    ``setvar``: Apertium preferences to switch on (``AP_SETVAR``), comma-separated."""
    if any("\n" in s for s in segments):
        raise ValueError("segments must be single lines")
    text = "\n\n".join(s.strip() for s in segments) + "\n"
    env = {**os.environ, "AP_SETVAR": setvar} if setvar else None
    run = subprocess.run(["apertium", "-u", mode], input=text.encode("utf-8"),
                         capture_output=True, check=True, env=env)
    out = run.stdout.decode("utf-8").split("\n\n")
    out = [o.strip() for o in out]
    while out and out[-1] == "" and len(out) > len(segments):
        out.pop()
    if len(out) != len(segments):
        raise RuntimeError(f"apertium returned {len(out)} segments for {len(segments)}")
    # Empty inputs stay empty (their paragraph is just a blank line).
    return out


def baseline(segments: list[str], use_cache: bool, versions: str,
             setvar: str = "", mode: str = MODE) -> tuple[list[str], str, float]:
    """Apertium's outputs, how they were obtained, and the wall time spent."""
    parts = [mode, versions, *segments] + ([f"AP_SETVAR={setvar}"] if setvar else [])
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]
    cached = CACHE_DIR / f"{key}.txt"
    if use_cache and cached.is_file():
        out = cached.read_text(encoding="utf-8").split("\n")[:-1]
        if len(out) == len(segments):
            return out, f"loaded from cache {cached.relative_to(ROOT)}", 0.0
    t0 = time.perf_counter()
    out = apertium_cli(segments, setvar, mode)
    elapsed = time.perf_counter() - t0
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached.write_text("".join(o + "\n" for o in out), encoding="utf-8")
    return out, f"computed now ({elapsed:.1f} s)", elapsed


@dataclass
class Scores:
    bleu: float
    chrf: float
    ter: float
    exact: float


def score(hyp: list[str], ref: list[str]) -> Scores:
    exact = sum(h.strip() == r.strip() for h, r in zip(hyp, ref)) / len(ref)
    return Scores(sacrebleu.corpus_bleu(hyp, [ref]).score, sacrebleu.corpus_chrf(hyp, [ref]).score,
                  sacrebleu.corpus_ter(hyp, [ref]).score, 100 * exact)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None, help="first N dev segments only")
    ap.add_argument("--system", action="append", default=None,
                    help="NAME from bench/systems.py or NAME=style:..,pref:..,variant:.. "
                         f"(repeatable; default: {' '.join(DEFAULT)})")
    ap.add_argument("--out", type=Path, default=None, help="write every system's outputs here")
    ap.add_argument("--cache", action="store_true",
                    help="reuse cached Apertium CLI outputs from bench/out/ if present")
    ap.add_argument("--reverse", action="store_true",
                    help="nn→nb: read the pairs in reverse, baseline `apertium nno-nob`")
    args = ap.parse_args(argv)
    if shared_files(args.shared, DEV, REGRESSION) is None:
        return 2
    rev = args.reverse
    mode = REVERSE_MODE if rev else MODE
    try:
        systems = [parse_spec(s, rev) for s in (args.system or (REVERSE_DEFAULT if rev else DEFAULT))]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    src, ref = load_pairs(args.shared / DEV, args.limit, rev)
    reg_src, reg_ref = load_pairs(args.shared / REGRESSION, reverse=rev)
    versions = apertium_versions()
    base, how, base_time = baseline(src, args.cache, versions, mode=mode)
    reg_base, reg_how, _ = baseline(reg_src, args.cache, versions, mode=mode)

    outputs: dict[str, tuple[list[str], list[str], float]] = {"apertium": (base, reg_base, base_time)}
    # A house style may switch on preferences Apertium itself offers (`også_òg`): what
    # it changes on purpose is checked against Apertium run with the same preferences.
    reg_base_same: dict[str, list[str]] = {"apertium": reg_base}
    for name, factory in systems:
        with factory() as translate:
            t0 = time.perf_counter()
            hyp = translate(src)
            elapsed = time.perf_counter() - t0
            reg_hyp = translate(reg_src)
            setvar = ",".join(getattr(translate, "prefs", ()))
        if len(hyp) != len(src) or len(reg_hyp) != len(reg_src):
            raise RuntimeError(f"{name}: wrong number of outputs")
        outputs[name] = (hyp, reg_hyp, elapsed)
        reg_base_same[name] = baseline(reg_src, args.cache, versions, setvar, mode)[0] \
            if setvar else reg_base

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        lang = "nb" if rev else "nn"
        for name, (hyp, reg_hyp, _) in outputs.items():
            (args.out / f"{name}.dev.{lang}.txt").write_text("".join(h + "\n" for h in hyp),
                                                            encoding="utf-8")
            (args.out / f"{name}.regression.{lang}.txt").write_text(
                "".join(h + "\n" for h in reg_hyp), encoding="utf-8")

    reg_ok_base = {i for i, (h, r) in enumerate(zip(reg_base, reg_ref)) if h.strip() == r.strip()}
    way = " read in reverse (nn→nb)" if rev else ""
    print(f"Dev: {len(src)} segments ({sum(len(s.split()) for s in src)} words) of {DEV}{way}; "
          f"regression: {len(reg_src)} pairs of {REGRESSION}{way}.")
    print(f"Apertium ({versions}), `apertium -u {mode}`: dev baseline {how}; "
          f"regression baseline {reg_how}.\n")
    print("| system | BLEU | chrF | TER | exact | dev wall time | regression exact | "
          "regressions vs Apertium | … vs Apertium with the style's preferences | "
          "same output as Apertium (dev) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lost_same_by_system: dict[str, list[int]] = {}
    lost_by_system: dict[str, list[int]] = {}
    for name, (hyp, reg_hyp, elapsed) in outputs.items():
        s = score(hyp, ref)
        reg_ok = {i for i, (h, r) in enumerate(zip(reg_hyp, reg_ref)) if h.strip() == r.strip()}
        lost = sorted(reg_ok_base - reg_ok)
        lost_by_system[name] = lost
        ok_same = {i for i, (h, r) in enumerate(zip(reg_base_same[name], reg_ref))
                   if h.strip() == r.strip()}
        lost_same = lost_same_by_system[name] = sorted(ok_same - reg_ok)
        same = sum(h == b for h, b in zip(hyp, base)) / len(src)
        t = f"{elapsed:.1f} s" if elapsed else "(cached)"
        print(f"| {name} | {s.bleu:.2f} | {s.chrf:.2f} | {s.ter:.2f} | {s.exact:.2f} % | {t} | "
              f"{len(reg_ok)}/{len(reg_src)} | {len(lost) if name != 'apertium' else '–'} | "
              f"{len(lost_same) if name != 'apertium' else '–'} | {100 * same:.2f} % |")
    for name, lost in lost_by_system.items():
        if name == "apertium" or not lost:
            continue
        print(f"\n{name}: {len(lost)} regression pair(s) plain Apertium gets right and it gets wrong:")
        hyp = outputs[name][1]
        for i in lost:
            print(f"- {reg_src[i]}\n  expected: {reg_ref[i]}\n  got:      {hyp[i]}")
    # Exit 1 when a system breaks what Apertium gets right with the same preferences:
    # a house style's own choices (docs/style.md) are not regressions of the engine.
    return 1 if any(lost for n, lost in lost_same_by_system.items() if n != "apertium") else 0


if __name__ == "__main__":
    sys.exit(main())
