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


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')
_ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '</manifest:manifest>')


def _zip(members: list[tuple[str, str]]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, text in members:
            z.writestr(name, text)
    return buf.getvalue()


def _docx(n: int) -> bytes:
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">Jeg kommer {i} </w:t></w:r><w:r>'
                   f'<w:rPr><w:b/></w:rPr><w:t>hjem</w:t></w:r><w:r><w:t xml:space="preserve">'
                   f" i dag.</w:t></w:r></w:p>" for i in range(n))
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
           f"<w:body>{body}</w:body></w:document>")
    return _zip([("[Content_Types].xml", _DOCX_TYPES), ("_rels/.rels", _DOCX_RELS),
                 ("word/document.xml", doc)])


def _odt(n: int) -> bytes:
    body = "".join(f'<text:p>Jeg kommer {i} <text:span text:style-name="T1">hjem</text:span>'
                   " i dag.</text:p>" for i in range(n))
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS} '
               'office:version="1.2"><office:automatic-styles><style:style style:name="T1" '
               'style:family="text"><style:text-properties fo:font-weight="bold"/>'
               "</style:style></office:automatic-styles><office:body><office:text>"
               f"{body}</office:text></office:body></office:document-content>")
    return _zip([("mimetype", "application/vnd.oasis.opendocument.text"),
                 ("META-INF/manifest.xml", _ODT_MANIFEST), ("content.xml", content)])


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
    "docx": ("docx", _docx, 167),
    "odt": ("odt", _odt, 88),
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
