"""Parse + reassemble time of every text format, from small to large inputs.

    .venv/bin/python bench/formats_linear.py [--max-kb 4096]

The translator is an identity stand-in, so only the format code is timed: each
document is a unit repeated to 1 kB, 16 kB, 256 kB … up to ``--max-kb``, parsed,
rebuilt and written back. Per format it prints the seconds at each size and the
log-log slope of time against size (1.0 is linear, 2.0 quadratic); the hostile shapes
of issue 12 (one HTML block of many links, many ``<br>``, unmatched ``{``) are measured
too. No Apertium, no third-party data.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from omset.formats import translate_document

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.unit.test_formats_linear import Identity  # noqa: E402  the tests' stand-in


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
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-kb", type=int, default=4096)
    args = ap.parse_args()
    sizes = [1]
    while sizes[-1] * 4 <= args.max_kb:
        sizes.append(sizes[-1] * 4)
    print(f"{'shape':26}" + "".join(f"{str(s) + ' kB':>10}" for s in sizes) + f"{'slope':>8}")
    for name, (fmt, make, unit) in SHAPES.items():
        times = []
        for kb in sizes:
            doc = make(max(1, kb * 1024 // unit)).encode()
            start = time.perf_counter()
            translate_document(doc, fmt, Identity())  # type: ignore[arg-type]
            times.append(max(time.perf_counter() - start, 1e-4))
        skip = 1 if len(sizes) > 2 else 0   # the first size mostly times imports
        xs = [math.log(s) for s in sizes[skip:]]
        ys = [math.log(t) for t in times[skip:]]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print(f"{name:26}" + "".join(f"{t:>10.3f}" for t in times) + f"{slope:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
