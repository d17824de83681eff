"""Real gettext catalogues through omset's PO format, checked by gettext itself.

    .venv/bin/python bench/l10n_real.py [DOMAIN ...] [--dir /usr/share/locale/nb/LC_MESSAGES]

Every Bokmål catalogue of the machine (or the named domains) is turned back into a PO
with ``msgunfmt``, given a ``c-format`` flag where its msgid has a ``%`` (so
``msgfmt --check-format`` compares the printf directives), translated nb→nn with
``omset.formats.translate_document`` (style nynorsk-news, entries not marked fuzzy so
msgfmt checks them all), and checked with ``msgfmt -c --check-format`` before and after.
Per catalogue it prints: messages, msgfmt errors before/after, msgids or msgctxts that
changed (must be 0), messages whose placeholders (``placeholders_of``) or accelerator
count changed, and the time. Needs ``msgunfmt``/``msgfmt`` (Debian ``gettext``, installed
by ``scripts/setup.sh --test``); exits 2 when they or the catalogues are missing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import polib

from omset import Translator
from omset.formats import FormatError, Options, translate_document
from omset.formats.placeholders import placeholders_of

_ACCEL = re.compile(r"(?<!&)[_&~](?=[^\W\d_])")  # a marker anywhere in a word


def _errors(po: Path) -> int:
    r = subprocess.run(["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(po)],
                       capture_output=True, text=True)
    m = re.search(r"found (\d+) fatal errors?", r.stderr)
    return int(m.group(1)) if m else 0


def _prepare(mo: Path, out: Path) -> polib.POFile:
    subprocess.run(["msgunfmt", str(mo), "-o", str(out)], check=True, capture_output=True)
    po = polib.pofile(str(out), wrapwidth=78)
    for e in po:
        if "%" in e.msgid and "c-format" not in e.flags:
            e.flags.append("c-format")
    po.save(str(out))
    return po


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("domains", nargs="*")
    ap.add_argument("--dir", default="/usr/share/locale/nb/LC_MESSAGES")
    args = ap.parse_args()
    if not shutil.which("msgunfmt") or not shutil.which("msgfmt"):
        print("needs msgunfmt and msgfmt (Debian gettext): run scripts/setup.sh --test",
              file=sys.stderr)
        return 2
    mos = sorted(Path(args.dir).glob("*.mo"))
    if args.domains:
        mos = [m for m in mos if m.stem in args.domains]
    if not mos:
        print(f"no catalogues under {args.dir}", file=sys.stderr)
        return 2
    total: Counter[str] = Counter()
    print(f"{'catalogue':24} {'msgs':>6} {'err before':>10} {'err after':>9} {'ids changed':>11} "
          f"{'ph lost':>7} {'accel lost':>10} {'s':>6}")
    refused: list[str] = []
    with Translator("nb", "nn") as tr, tempfile.TemporaryDirectory() as tmp:
        for mo in mos:
            src = Path(tmp) / f"{mo.stem}.po"
            dst = Path(tmp) / f"{mo.stem}.nn.po"
            po = _prepare(mo, src)
            start = time.perf_counter()
            try:
                out = translate_document(src.read_bytes(), "po", tr, options=Options(fuzzy=False))
            except FormatError as exc:  # a catalogue omset refuses, with its reason
                refused.append(f"{mo.stem}: {exc}")
                print(f"{mo.stem:24} refused: {exc}", flush=True)
                continue
            took = time.perf_counter() - start
            dst.write_bytes(out)
            new = polib.pofile(str(dst), wrapwidth=78)
            row = Counter(msgs=len([e for e in po if e.msgstr]), before=_errors(src),
                          after=_errors(dst))
            row["ids"] = sum((a.msgid, a.msgctxt, a.msgid_plural) != (b.msgid, b.msgctxt, b.msgid_plural)
                             for a, b in zip(po, new)) + abs(len(po) - len(new))
            for a, b in zip(po, new):
                for x, y in [(a.msgstr, b.msgstr)] + [(a.msgstr_plural[k], b.msgstr_plural.get(k, ""))
                                                     for k in a.msgstr_plural]:
                    if x:
                        row["ph"] += Counter(placeholders_of(x)) != Counter(placeholders_of(y))
                        row["accel"] += len(_ACCEL.findall(x)) != len(_ACCEL.findall(y))
            total += row
            print(f"{mo.stem:24} {row['msgs']:>6} {row['before']:>10} {row['after']:>9} "
                  f"{row['ids']:>11} {row['ph']:>7} {row['accel']:>10} {took:>6.1f}", flush=True)
    print(f"{'TOTAL':24} {total['msgs']:>6} {total['before']:>10} {total['after']:>9} "
          f"{total['ids']:>11} {total['ph']:>7} {total['accel']:>10}")
    print(f"refused with a clear error: {len(refused)} catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
