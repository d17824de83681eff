"""Localisation quality, nb→nn: software messages, plain Apertium vs omset, in one run.

    .venv/bin/python bench/l10n.py [--limit N] [--system NAME ...] [--cache] [--out DIR]

Needs the third-party data in ../shared (not part of the repository; exits 2 without
it): ``l10n_libreoffice_mozilla.nb-nn.tsv`` (14,804 LibreOffice, Firefox and
Thunderbird messages, translated into nb and nn separately from English) and its
``.meta.tsv`` (the source file of every line), read in place, never copied.

For every system it reports corpus BLEU, chrF and TER (sacrebleu, default tokenizer),
exact matches, and how many of the messages that hold placeholders (``%s``,
``{count}``, ``%PRODUCTNAME``, tags, …) or an accelerator (``~``, ``_``, ``&``) come out
with all of them intact — on the whole set and per product (LibreOffice uses the
a-infinitive, Mozilla the e-infinitive). Plain Apertium is ``apertium -u nob-nno_e``
run as a CLI now, each message its own paragraph (bench/quality.py); omset systems run
each message through :func:`omset.formats.placeholders.translate_messages` (what the
PO, XLIFF, JSON and YAML formats do), except ``omset-core``, which is the bare engine.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quality import apertium_versions, baseline, score  # noqa: E402

from omset import Translator  # noqa: E402
from omset.align import edit_distance  # noqa: E402
from omset.formats.placeholders import placeholders_of, split, translate_messages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
DATA = "data/parallel/l10n_libreoffice_mozilla.nb-nn.tsv"
META = "data/parallel/l10n_libreoffice_mozilla.meta.tsv"

System = Callable[[list[str]], list[str]]


@contextmanager
def messages_system(**options: object) -> Iterator[System]:
    """omset as the message formats use it: placeholders and accelerators protected."""
    with Translator("nb", "nn", **options) as tr:  # type: ignore[arg-type]
        tr.warm_up()
        yield lambda msgs: translate_messages(tr, msgs)


@contextmanager
def plain_system(**options: object) -> Iterator[System]:
    with Translator("nb", "nn", **options) as tr:  # type: ignore[arg-type]
        tr.warm_up()
        yield tr.translate_batch


SYSTEMS: dict[str, Callable[[], object]] = {
    # the bare engine: plain Apertium's choices, nothing protected (≈ the CLI)
    "omset-core": lambda: plain_system(style="apertium", protect=False, rules=False),
    # Apertium's choices, placeholders and accelerators protected
    "apertium+placeholders": lambda: messages_system(style="apertium", rules=False),
    "apertium+placeholders, a-inf": lambda: messages_system(style="apertium", variant="a",
                                                            rules=False),
    "nynorsk-news+placeholders": lambda: messages_system(style="nynorsk-news"),
    "tradisjonell+placeholders": lambda: messages_system(style="tradisjonell"),
    "skule+placeholders": lambda: messages_system(style="skule"),
    "programvare": lambda: messages_system(style="programvare"),
    "programvare, a-inf": lambda: messages_system(style="programvare", variant="a"),
}
DEFAULT = list(SYSTEMS)

_ACCEL = re.compile(r"(?<![\w&])[~_&](?=[^\W\d_])|(?<=[^\W\d_])[~_](?=[^\W\d_])")


def load(shared: Path, limit: int | None) -> tuple[list[str], list[str], list[str]]:
    rows = (shared / DATA).read_text(encoding="utf-8").splitlines()
    meta = (shared / META).read_text(encoding="utf-8").splitlines()[1:]
    if len(rows) != len(meta):
        raise SystemExit(f"error: {DATA} has {len(rows)} lines but {META} {len(meta)}")
    src, ref, origin = [], [], []
    for n, (row, m) in enumerate(zip(rows, meta), 1):
        cols = row.split("\t")
        if len(cols) != 2:
            raise SystemExit(f"error: {DATA}:{n}: expected 2 tab-separated columns")
        src.append(cols[0])
        ref.append(cols[1])
        origin.append("libreoffice" if m.startswith("libreoffice") else "mozilla")
    if limit and limit < len(src):   # an even spread, so both products are in it
        keep = [round(i * len(src) / limit) for i in range(limit)]
        src, ref, origin = ([x[i] for i in keep] for x in (src, ref, origin))
    return src, ref, origin


def _text(message: str) -> str:
    """A message without its placeholders (``%AVERAGE_VALUE`` has no accelerator)."""
    return "".join(p for p in split(message, accelerators=False) if isinstance(p, str))


def kept(src: list[str], hyp: list[str]) -> tuple[int, int, int, int]:
    """(messages with placeholders, … all kept; with an accelerator, … kept)."""
    ph = ph_ok = acc = acc_ok = 0
    for s, h in zip(src, hyp):
        want = placeholders_of(s)
        if want:
            ph += 1
            ph_ok += Counter(placeholders_of(h)) == Counter(want)
        a = _ACCEL.findall(_text(s))
        if len(a) == 1:
            acc += 1
            acc_ok += _ACCEL.findall(_text(h)) == a
    return ph, ph_ok, acc, acc_ok


SWEEP_PREFS = ["komme_kome", "derfor_difor", "medan_mens", "tek_tar", "vart_blei", "kj_k",
               "ggj_gg", "er_ar", "også_òg", "mellom_blant", "no_nå", "då_da",
               "samtidig_samstundes", "forskjell_skilnad", "verken_korkje", "oversikt_oversyn",
               "mengd_mengde", "skule_skole", "nærast_nærmast", "eigentleg_eigenleg"]
_WORDS = re.compile(r"\w+")
#: messages the preference sweep looks at (an even spread); the report's ``unseen``
#: subset is the rest, so a profile chosen on the sweep is also judged on unseen text
SWEEP_SAMPLE = 4000


def sweep(src: list[str], ref: list[str], origin: list[str]) -> None:
    """Each preference added to the ``apertium`` profile (e-infinitive, vi): messages
    closer to / farther from the reference, per product. Preferences are chosen in
    context, since a word count cannot show which of two spellings a translator wrote."""
    refs = [_WORDS.findall(r.lower()) for r in ref]

    def words(**opts: object) -> list[list[str]]:
        with messages_system(style="apertium", rules=False, **opts) as run:
            return [_WORDS.findall(h.lower()) for h in run(src)]

    plain = words()
    print("| preference | LibreOffice closer/farther | Mozilla closer/farther |")
    print("|---|---:|---:|")
    for pref in ["infa_infe (a-infinitive)"] + SWEEP_PREFS:
        out = words(variant="a") if pref.startswith("infa") else words(prefs=(pref,))
        c = Counter()
        for p, o, r, org in zip(plain, out, refs, origin):
            if p != o:
                d0, d1 = edit_distance(p, r), edit_distance(o, r)
                c[org, "+"] += d1 < d0
                c[org, "-"] += d1 > d0
        print(f"| {pref} | +{c['libreoffice', '+']}/−{c['libreoffice', '-']} | "
              f"+{c['mozilla', '+']}/−{c['mozilla', '-']} |", flush=True)


def report(src: list[str], ref: list[str], origin: list[str],
           outputs: dict[str, tuple[list[str], float]], full: bool = True) -> None:
    """The Markdown table: every system on all messages, per product, and on the
    messages the preference sweep never saw (``unseen``: outside its 4,000 sample)."""
    swept = {round(i * len(src) / SWEEP_SAMPLE) for i in range(SWEEP_SAMPLE)} \
        if len(src) > SWEEP_SAMPLE else set(range(len(src)))
    subsets: dict[str, Sequence[int]] = {"all": range(len(src))}
    for o in ("libreoffice", "mozilla"):
        subsets[o] = [i for i, x in enumerate(origin) if x == o]
    if full:  # the sweep's sample is defined on the whole file
        subsets["unseen"] = [i for i in range(len(src)) if i not in swept]
    words = sum(len(s.split()) for s in src)
    print(f"{len(src)} messages ({words} words) of {DATA}: "
          + ", ".join(f"{k} {len(v)}" for k, v in subsets.items() if k != "all") + ".\n")
    print("| system | subset | BLEU | chrF | TER | exact | placeholders kept | accelerators kept "
          "| wall time |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (hyp, elapsed) in outputs.items():
        for sub, idx in subsets.items():
            if not idx:
                continue
            s = score([hyp[i] for i in idx], [ref[i] for i in idx])
            ph, ph_ok, acc, acc_ok = kept([src[i] for i in idx], [hyp[i] for i in idx])
            t = (f"{elapsed:.1f} s" if elapsed else "–") if sub == "all" else ""
            print(f"| {name} | {sub} | {s.bleu:.2f} | {s.chrf:.2f} | {s.ter:.2f} | "
                  f"{s.exact:.2f} % | {ph_ok}/{ph} | {acc_ok}/{acc} | {t} |")


def rescore(shared: Path, dirs: list[Path]) -> int:
    """Score saved outputs (``--out`` of earlier runs) against the references."""
    src, ref, origin = load(shared, None)
    outputs: dict[str, tuple[list[str], float]] = {}
    for d in dirs:
        for f in sorted(d.glob("*.nn.txt")):
            hyp = f.read_text(encoding="utf-8").split("\n")[:-1]
            if len(hyp) != len(src):
                print(f"error: {f} has {len(hyp)} lines for {len(src)} messages", file=sys.stderr)
                return 2
            outputs.setdefault(f.name[:-len(".nn.txt")], (hyp, 0.0))
    print(f"Rescored from {', '.join(str(d) for d in dirs)} (wall times: see the run).")
    report(src, ref, origin, outputs)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None, help="N messages spread evenly over the file")
    ap.add_argument("--system", action="append", default=None,
                    help=f"repeatable; default all of: {', '.join(DEFAULT)}")
    ap.add_argument("--cache", action="store_true",
                    help="reuse cached Apertium CLI outputs from bench/out/ if present")
    ap.add_argument("--out", type=Path, default=None, help="write every system's outputs here")
    ap.add_argument("--sweep", action="store_true",
                    help="instead: try each Apertium preference on top of the apertium profile")
    ap.add_argument("--rescore", type=Path, action="append", default=[],
                    help="score the outputs a previous run wrote with --out DIR instead of "
                         "translating again (repeatable; every <system>.nn.txt in DIR)")
    args = ap.parse_args(argv)
    for rel in (DATA, META):
        if not (args.shared / rel).is_file():
            print(f"error: {args.shared / rel} not found. This benchmark needs the "
                  "third-party data folder ../shared beside the checkout (or pass "
                  "--shared DIR); it is not part of the repository.", file=sys.stderr)
            return 2
    if args.sweep:
        sweep(*load(args.shared, args.limit or SWEEP_SAMPLE))
        return 0
    if args.rescore:
        return rescore(args.shared, args.rescore)
    names = args.system or DEFAULT
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        print(f"error: unknown system(s) {unknown}; known: {', '.join(SYSTEMS)}", file=sys.stderr)
        return 2
    src, ref, origin = load(args.shared, args.limit)
    versions = apertium_versions()
    base, how, base_time = baseline(src, args.cache, versions)
    outputs: dict[str, tuple[list[str], float]] = {"apertium": (base, base_time)}
    for name in names:
        with SYSTEMS[name]() as run:  # type: ignore[attr-defined]
            t0 = time.perf_counter()
            hyp = run(src)
            outputs[name] = (hyp, time.perf_counter() - t0)
        if len(hyp) != len(src):
            raise RuntimeError(f"{name}: {len(hyp)} outputs for {len(src)} messages")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, (hyp, _) in outputs.items():
            safe = re.sub(r"[^\w.+-]+", "_", name)
            (args.out / f"{safe}.nn.txt").write_text("".join(h + "\n" for h in hyp),
                                                     encoding="utf-8")
    print(f"Apertium ({versions}), `apertium -u nob-nno_e`: {how}.\n")
    report(src, ref, origin, outputs, full=args.limit is None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
