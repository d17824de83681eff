"""Throughput of the DOCX format on a ~100-page document, against plain text and Apertium.

    .venv/bin/python bench/docx.py [--words 30000] [--style apertium] [--no-apertium] [--pages]

Builds a DOCX of about ``--words`` words (headings, paragraphs of 3–6 sentences, some
bold and italic words, a small table every 25 paragraphs) from the Bokmål side of
../shared/data/parallel/norbench_npk_maalfrid.dev.nb-nn.tsv — read, never copied into
the repository; without it, from generated sentences (the script says which). Then, on
one warm translator, it times

* ``translate_document(docx)`` — the DOCX format, all paragraphs in flight at once;
* ``tr.translate(text)`` — plain text of the same paragraphs, blank-line separated;
* ``apertium -f docx nob-nno_e in.docx out.docx`` — the Apertium CLI on the same file
  (``--no-apertium`` skips it),

and prints the wall times and their ratios. ``--pages`` converts the DOCX to PDF with
LibreOffice to count its pages. Files go to bench/out/docx/.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this file is named docx.py: its own folder must not shadow the python-docx package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
DEV = ROOT.parent / "shared" / "data" / "parallel" / "norbench_npk_maalfrid.dev.nb-nn.tsv"
OUT = ROOT / "bench" / "out" / "docx"

_SUBJECTS = ["Kommunen", "Regjeringen", "Pasientene", "Lærerne", "Styret", "Forskerne"]
_VERBS = ["har vurdert", "vil diskutere", "kommer til å se på", "ble enige om", "kritiserte"]
_OBJECTS = ["de nye tallene", "forslaget fra departementet", "ventetiden på sykehusene",
            "budsjettet for neste år", "hvordan skolene skal drives"]


def sentences(words: int) -> tuple[list[str], str]:
    """Bokmål sentences of about ``words`` words in all; and where they came from."""
    out: list[str] = []
    count = 0
    if DEV.is_file():
        source = f"{DEV.name} (nb side, first {{n}} sentences)"
        for line in DEV.read_text(encoding="utf-8").splitlines():
            nb = line.split("\t")[0].strip()
            if nb:
                out.append(nb)
                count += len(nb.split())
            if count >= words:
                break
        return out, source.format(n=len(out))
    rnd = random.Random(5)
    while count < words:
        s = f"{rnd.choice(_SUBJECTS)} {rnd.choice(_VERBS)} {rnd.choice(_OBJECTS)}."
        out.append(s)
        count += len(s.split())
    return out, f"generated sentences ({DEV} is absent)"


def build(sents: list[str], path: Path) -> list[str]:
    """Write the DOCX; return its paragraphs' plain text (headings and cells included)."""
    import docx

    rnd = random.Random(7)
    d = docx.Document()
    texts: list[str] = []
    i = n = 0
    while i < len(sents):
        if n % 10 == 0:
            head = " ".join(sents[i].split()[:6]).rstrip(".,:;")
            d.add_heading(head, level=2)
            texts.append(head)
        k = rnd.randint(3, 6)
        para = " ".join(sents[i:i + k])
        i += k
        p = d.add_paragraph()
        words = para.split(" ")
        if n % 3 == 0 and len(words) > 8:  # one bold and one italic word, at word boundaries
            b, it = sorted(rnd.sample(range(1, len(words) - 1), 2))
            p.add_run(" ".join(words[:b]) + " ")
            p.add_run(words[b]).bold = True
            p.add_run(" " + " ".join(words[b + 1:it]) + " ")
            p.add_run(words[it]).italic = True
            p.add_run(" " + " ".join(words[it + 1:]))
        else:
            p.add_run(para)
        texts.append(para)
        n += 1
        if n % 25 == 0 and i + 6 <= len(sents):
            table = d.add_table(rows=3, cols=2)
            for r in range(3):
                for c in range(2):
                    cell = " ".join(sents[i].split()[:5])
                    i += 1
                    table.cell(r, c).text = cell
                    texts.append(cell)
    d.save(path)
    return texts


def count_pages(path: Path) -> int | None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([office, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(path)],
                       capture_output=True, timeout=600, check=True)
        pdf = (Path(tmp) / path.with_suffix(".pdf").name).read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", type=int, default=30_000)
    ap.add_argument("--style", default="apertium")
    ap.add_argument("--no-apertium", action="store_true")
    ap.add_argument("--pages", action="store_true")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    from omset import Translator
    from omset.formats import translate_document

    OUT.mkdir(parents=True, exist_ok=True)
    sents, source = sentences(args.words)
    src = OUT / "bench.nb.docx"
    texts = build(sents, src)
    plain = "\n\n".join(texts) + "\n"
    words = len(plain.split())
    print(f"input: {src} — {len(texts)} paragraphs, {words} words, {src.stat().st_size} bytes; "
          f"text from {source}")
    if args.pages:
        print(f"pages (LibreOffice PDF): {count_pages(src)}")
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; load before: {os.getloadavg()[0]:.1f}")

    data = src.read_bytes()
    with Translator("nb", "nn", style=args.style) as tr:
        tr.warm_up()
        tr.translate("Jeg kommer hjem.")
        t = time.perf_counter()
        out = translate_document(data, "docx", tr)
        t_docx = time.perf_counter() - t
        (OUT / "bench.nn.docx").write_bytes(out)
        t = time.perf_counter()
        tr.translate(plain)
        t_text = time.perf_counter() - t
    print(f"omset docx:  {t_docx:7.1f} s  ({words / t_docx:,.0f} words/s)")
    print(f"omset text:  {t_text:7.1f} s  ({words / t_text:,.0f} words/s)")
    print(f"ratio docx/text: {t_docx / t_text:.2f}")
    if not args.no_apertium:
        dst = OUT / "bench.apertium.nn.docx"
        t = time.perf_counter()
        r = subprocess.run(["apertium", "-f", "docx", "nob-nno_e", str(src), str(dst)],
                           capture_output=True, text=True, timeout=3600)
        t_ap = time.perf_counter() - t
        if r.returncode != 0 or not dst.is_file():
            print(f"apertium -f docx: failed ({r.returncode}): {r.stderr.strip()[:300]}")
        else:
            print(f"apertium -f docx nob-nno_e: {t_ap:7.1f} s  ({words / t_ap:,.0f} words/s)")
            print(f"ratio apertium/omset docx: {t_ap / t_docx:.2f}")
    print(f"load after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
