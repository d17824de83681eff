"""Parse + reassemble time of every format, from small to large inputs.

    .venv/bin/python bench/formats_linear.py [--max-kb 10240] [--only docx odt]

The translator is an identity stand-in, so only the format code is timed: each
document is a unit repeated to 1 kB, 4 kB, 16 kB … up to ``--max-kb`` (10 MB), parsed,
rebuilt and written back. Times are CPU seconds of this process (``time.process_time``:
parsing is single-threaded, and on a shared machine wall time mostly measures the other
jobs). Per format it prints the seconds at each size, the log-log slope of time against
size (1.0 is linear, 2.0 quadratic) and the largest size's throughput in CPU time. DOCX
and ODT are zips stored without compression (so the size is the XML's, and the zip-bomb
ratio check does not refuse a repetitive body); each paragraph has a bold word, so runs
are split and merged. The hostile shapes of issue 12 (one HTML block of many links, many
``<br>``, unmatched ``{``) are measured too. No Apertium, no third-party data.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

from omset.formats import translate_document

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.unit.test_formats_linear import Identity, docx_of, odt_of  # noqa: E402  the tests' own


def _srt(n: int) -> str:
    return "".join(f"{i}\n00:00:01,000 --> 00:00:02,000\nJeg kommer hjem.\n\n" for i in range(1, n + 1))


def _po(n: int) -> str:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    return head + "".join(f'msgid "File {i} %s\\n"\nmsgstr "Filen {i} %s\\n"\n\n' for i in range(n))


def _xliff(n: int) -> str:
    units = "".join(f'<trans-unit id="{i}"><source>Jeg kommer <g id="1">hjem</g>.</source>'
                    f"</trans-unit>" for i in range(n))
    return ('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file '
            f'source-language="nb" datatype="plaintext" original="x"><body>{units}</body>'
            "</file></xliff>")


SHAPES = {
    "html": ("html", lambda n: "<p>Jeg kommer <b>hjem</b> i dag.</p>\n" * n, 36),
    "html one block of links": ("html", lambda n: "<p>" + "<a href=x>Jeg</a> " * n + "</p>", 19),
    "html one block of <br>": ("html", lambda n: "<p>" + "Jeg <br>" * n + "</p>", 8),
    "markdown": ("markdown", lambda n: "Jeg kommer **hjem** i dag.\n\n" * n, 28),
    "po": ("po", _po, 40),
    "json": ("json", lambda n: "{" + ",".join(f'"k{i}": "Jeg kommer {{x}} hjem."'
                                              for i in range(n)) + "}", 30),
    "yaml": ("yaml", lambda n: "".join(f"k{i}: Jeg kommer hjem.\n" for i in range(n)), 24),
    "srt": ("srt", _srt, 50),
    "xliff": ("xliff", _xliff, 80),
    "json unmatched {": ("json", lambda n: '{"a": "' + "{" * n + ' Jeg kommer hjem."}', 1),
    "docx": ("docx", docx_of, 167),
    "odt": ("odt", odt_of, 88),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-kb", type=int, default=10240)
    ap.add_argument("--only", nargs="*", choices=list(SHAPES),
                    help="Only these shapes, in this order (default: all).")
    args = ap.parse_args()
    sizes = [1]
    while sizes[-1] * 4 <= args.max_kb:
        sizes.append(sizes[-1] * 4)
    if sizes[-1] < args.max_kb:
        sizes.append(args.max_kb)
    print(f"# CPU seconds; load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'shape':26}" + "".join(f"{str(s) + ' kB':>10}" for s in sizes) + f"{'slope':>8}"
          + f"{'MB/s':>7}", flush=True)
    for name in args.only or SHAPES:   # in the order asked for
        fmt, make, unit = SHAPES[name]
        times = []
        for kb in sizes:
            made = make(max(1, kb * 1024 // unit))
            doc = made.encode() if isinstance(made, str) else made
            start = time.process_time()
            translate_document(doc, fmt, Identity())  # type: ignore[arg-type]
            times.append(max(time.process_time() - start, 1e-4))
        skip = 1 if len(sizes) > 2 else 0   # the first size mostly times imports
        xs = [math.log(s) for s in sizes[skip:]]
        ys = [math.log(t) for t in times[skip:]]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        rate = len(doc) / times[-1] / 1e6
        print(f"{name:26}" + "".join(f"{t:>10.3f}" for t in times) + f"{slope:>8.2f}"
              + f"{rate:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
