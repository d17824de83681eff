"""Parsing and reassembling a document is linear in its size (issue 12, point 7).

Each input below once took super-linear time (a block of 32k links 128 s, 16k ``<br>``
20 s, 2,000 nested ``[`` in YAML 14 s before failing). An identity translator isolates
the format code; the bounds are generous but far below what the old code took, and
the growth from n to 8n must stay near 8×, not 64×.
"""

from __future__ import annotations

import gc
import time
from typing import Sequence

import pytest

from omset.formats import FormatError, translate_document
from omset.model import Part


class Identity:
    source, target = "nb", "nn"

    def translate_parts(self, segments: Sequence[Sequence[Part]], glossary=None) -> list[list[Part]]:
        return [list(s) for s in segments]

    def using(self, glossary=None) -> "Identity":
        return self


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


def docx_of(n: int) -> bytes:
    """A DOCX of ``n`` paragraphs, each with a bold word (stored, not compressed)."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">Jeg kommer {i} </w:t></w:r><w:r>'
                   f'<w:rPr><w:b/></w:rPr><w:t>hjem</w:t></w:r><w:r><w:t xml:space="preserve">'
                   f" i dag.</w:t></w:r></w:p>" for i in range(n))
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
           f"<w:body>{body}</w:body></w:document>")
    return _zip([("[Content_Types].xml", _DOCX_TYPES), ("_rels/.rels", _DOCX_RELS),
                 ("word/document.xml", doc)])


def odt_of(n: int) -> bytes:
    """An ODT of ``n`` paragraphs, each with a bold span (stored, not compressed)."""
    body = "".join(f'<text:p>Jeg kommer {i} <text:span text:style-name="T1">hjem</text:span>'
                   " i dag.</text:p>" for i in range(n))
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS} '
               'office:version="1.2"><office:automatic-styles><style:style style:name="T1" '
               'style:family="text"><style:text-properties fo:font-weight="bold"/>'
               "</style:style></office:automatic-styles><office:body><office:text>"
               f"{body}</office:text></office:body></office:document-content>")
    return _zip([("mimetype", "application/vnd.oasis.opendocument.text"),
                 ("META-INF/manifest.xml", _ODT_MANIFEST), ("content.xml", content)])


def _took(doc: str, fmt: str) -> float:
    start = time.perf_counter()
    out = translate_document(doc.encode(), fmt, Identity())
    took = time.perf_counter() - start
    assert out  # something came back
    return took


def _cpu(doc: bytes, fmt: str) -> float:
    """CPU seconds of this process (the machine's load does not count). Objects other
    tests left alive are frozen out of the garbage collector's scans first: in the full
    suite they made every collection slower and the big run look super-linear."""
    gc.collect()
    gc.freeze()
    try:
        start = time.process_time()
        assert translate_document(doc, fmt, Identity())  # type: ignore[arg-type]
        return time.process_time() - start
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("fmt, make", [("docx", docx_of), ("odt", odt_of)])
def test_office_documents_are_linear(fmt, make):
    _cpu(make(200), fmt)                                        # warm up imports
    small = min(_cpu(make(2000), fmt) for _ in range(2))
    big = _cpu(make(16000), fmt)
    assert big < 24 * max(small, 0.02), (small, big)           # 8×: quadratic is 64×


@pytest.mark.parametrize("unit", ["<a href=x>Jeg</a> ", "Jeg <br>", "<b> Jeg </b>"])
def test_html_block_with_many_inline_siblings_is_linear(unit):
    _took("<p>" + unit * 500 + "</p>", "html")               # warm up imports
    small = min(_took("<p>" + unit * 2000 + "</p>", "html") for _ in range(3))
    big = min(_took("<p>" + unit * 16000 + "</p>", "html") for _ in range(2))
    assert big < 10 and big < 24 * max(small, 0.03), (small, big)   # 8×: quadratic is 64×


def test_yaml_deep_flow_nesting_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(FormatError, match="nested too deeply"):
        translate_document(("a: " + "[" * 2000 + "\n").encode(), "yaml", Identity())
    with pytest.raises(FormatError, match="nested too deeply"):
        translate_document(("a: " + "{b: " * 2000 + "\n").encode(), "yaml", Identity())
    assert time.perf_counter() - start < 3


def test_yaml_of_ordinary_depth_still_parses():
    from ruamel.yaml import YAML

    doc = "a: " + "[" * 40 + "Jeg kommer" + "]" * 40 + "\n"
    out = translate_document(doc.encode(), "yaml", Identity()).decode()
    assert YAML(typ="safe").load(out) == YAML(typ="safe").load(doc)
