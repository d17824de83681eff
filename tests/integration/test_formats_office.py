"""DOCX and ODT round trips with the real engine, and hostile input.

The documents are built by tests/integration/office_docs.py. Expected text is always
what the plain-text engine gives for the same words (``tr.translate``), never a
hard-coded translation.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from omset.formats import FormatError, Limits, Options, translate_document

sys.path.insert(0, str(Path(__file__).parent))
import office_docs as docs  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DOCX_TEXT_PARTS = ["word/document.xml", "word/header1.xml", "word/footer1.xml",
                   "word/footnotes.xml", "word/comments.xml"]
#: inline elements a translated paragraph may regroup or drop (runs, text, spell-check)
DOCX_INLINE = {W + n for n in ("r", "t", "tab", "br", "proofErr", "softHyphen",
                               "lastRenderedPageBreak")}
ODT_INLINE = {TEXT + n for n in ("s", "tab", "line-break", "soft-page-break")}


@pytest.fixture(scope="module")
def docx_pair(nb_nn) -> tuple[bytes, bytes]:
    src = docs.build_docx()
    return src, translate_document(src, "docx", nb_nn)


@pytest.fixture(scope="module")
def odt_pair(nb_nn) -> tuple[bytes, bytes]:
    src = docs.build_odt()
    return src, translate_document(src, "odt", nb_nn)


def member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def xml(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(member(data, name))


# -- DOCX -------------------------------------------------------------------------------

def docx_signature(root: etree._Element) -> list[str]:
    """Every element but runs and their text, outside run properties: the structure."""
    return [el.tag for el in root.iter() if isinstance(el.tag, str) and el.tag not in DOCX_INLINE
            and not any(a.tag == W + "rPr" for a in el.iterancestors())
            and el.tag != W + "rPr"]


def w_text(el: etree._Element) -> str:
    out = []
    for node in el.iter(W + "t", W + "tab", W + "br"):
        out.append(node.text or "" if node.tag == W + "t" else "\t" if node.tag == W + "tab" else "\n")
    return "".join(out)


def runs(p: etree._Element) -> list[tuple[str, bytes]]:
    """(text, run properties) per run with text, neighbours of equal properties joined."""
    out: list[tuple[str, bytes]] = []
    for r in p.iter(W + "r"):
        text = w_text(r)
        if not text:
            continue
        rpr = r.find(W + "rPr")
        key = etree.tostring(rpr) if rpr is not None else b""
        if out and out[-1][1] == key:
            out[-1] = (out[-1][0] + text, key)
        else:
            out.append((text, key))
    return out


def test_docx_structure_is_kept(docx_pair):
    src, out = docx_pair
    for name in DOCX_TEXT_PARTS:
        assert docx_signature(xml(out, name)) == docx_signature(xml(src, name)), name
    body = xml(out, "word/document.xml")
    assert len(body.findall(f".//{W}tbl")) == 1 and len(body.findall(f".//{W}tc")) == 4
    assert len(xml(out, "word/footnotes.xml").findall(f"{W}footnote")) == 3
    assert len(xml(out, "word/comments.xml").findall(f"{W}comment")) == 1


def test_docx_plain_paragraphs_equal_the_text_engine(docx_pair, nb_nn):
    src, out = docx_pair
    checked = 0
    for name in DOCX_TEXT_PARTS:
        before = list(xml(src, name).iter(W + "p"))
        after = list(xml(out, name).iter(W + "p"))
        assert len(before) == len(after)
        for p, q in zip(before, after):
            source = w_text(p).replace("\u00ad", "")
            if not source.strip() or len(runs(p)) != 1 or p.find(f".//{W}hyperlink") is not None:
                continue
            assert w_text(q) == nb_nn.translate(source), source
            assert w_text(q) != source or nb_nn.translate(source) == source
            checked += 1
    assert checked >= 8  # headings, body, table cells, header, footer, note, comment


def test_docx_formatted_words_keep_their_formatting(docx_pair, nb_nn):
    src, out = docx_pair
    before = list(xml(src, "word/document.xml").iter(W + "p"))
    after = list(xml(out, "word/document.xml").iter(W + "p"))
    formatted = 0
    for p, q in zip(before, after):
        a, b = runs(p), runs(q)
        if len(a) < 2 or p.find(f".//{W}hyperlink") is not None:
            continue
        # the same formatting, in the same order, on the translated words
        assert [k for _, k in a] == [k for _, k in b], w_text(p)
        assert w_text(q) == nb_nn.translate(w_text(p))
        for (word, key), (new, _) in zip(a, b):
            if b"<w:b/>" in key or b"<w:i/>" in key:
                assert new == nb_nn.translate(word), (word, new)
                formatted += 1
    assert formatted == 3  # må, mange, flere


def test_docx_hyperlink_keeps_its_translated_text(docx_pair, nb_nn):
    src, out = docx_pair
    (link,) = xml(out, "word/document.xml").iter(W + "hyperlink")
    (orig,) = xml(src, "word/document.xml").iter(W + "hyperlink")
    assert link.attrib == orig.attrib
    assert w_text(link) == nb_nn.translate(docs.LINK_TEXT)
    p = link.getparent()
    assert w_text(p) == nb_nn.translate(w_text(orig.getparent()))


def test_docx_language_and_untouched_members(docx_pair):
    src, out = docx_pair
    langs = {el.get(W + "val") for el in xml(out, "word/styles.xml").iter(W + "lang")}
    assert "nn-NO" in langs and "nb-NO" not in langs
    a, b = zipfile.ZipFile(io.BytesIO(src)), zipfile.ZipFile(io.BytesIO(out))
    assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
    changed = set()
    for i, j in zip(a.infolist(), b.infolist()):
        assert i.compress_type == j.compress_type and i.date_time == j.date_time
        if a.read(i) != b.read(j):
            changed.add(i.filename)
    assert changed == set(DOCX_TEXT_PARTS) | {"word/styles.xml"}


def test_docx_reopens_in_python_docx(docx_pair, nb_nn):
    import docx

    d = docx.Document(io.BytesIO(docx_pair[1]))
    assert d.sections[0].header.paragraphs[0].text == nb_nn.translate(docs.HEADER)
    assert d.tables[0].cell(1, 1).text == nb_nn.translate(docs.CELLS[1][1])


def test_docx_field_codes_and_references_are_untouched(nb_nn):
    """A complex field's code stays as it was; its result text is translated."""
    body = f"""<w:p><w:r><w:t xml:space="preserve">Se </w:t></w:r>
<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> REF hjem \\h </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>kapittelet om sykehus</w:t></w:r>
<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> nedenfor.</w:t></w:r></w:p>"""
    out = translate_document(minimal_docx(body), "docx", nb_nn)
    root = xml(out, "word/document.xml")
    assert [e.text for e in root.iter(W + "instrText")] == [" REF hjem \\h "]
    kinds = [e.get(W + "fldCharType") for e in root.iter(W + "fldChar")]
    assert kinds == ["begin", "separate", "end"]
    p = next(root.iter(W + "p"))
    assert w_text(p) == nb_nn.translate("Se kapittelet om sykehus nedenfor.")
    # the result text sits between separate and end
    seq = [(e.tag, e.get(W + "fldCharType")) for e in p.iter(W + "fldChar", W + "t")]
    sep = seq.index((W + "fldChar", "separate"))
    assert seq[sep + 1][0] == W + "t" and seq[sep + 2] == (W + "fldChar", "end")


def minimal_docx(body_xml: str, doctype: str = "") -> bytes:
    """A DOCX of three members with ``body_xml`` as the body (for edge and hostile cases)."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
           f'<w:document {ns}><w:body>{body_xml}</w:body></w:document>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
             '/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


# -- ODT --------------------------------------------------------------------------------

def odt_signature(root: etree._Element) -> list[str]:
    return [el.tag for el in root.iter() if isinstance(el.tag, str) and el.tag not in ODT_INLINE]


def odt_text(el: etree._Element) -> str:
    """Text as an ODF reader shows it (text:s, text:tab, text:line-break expanded)."""
    out = [el.text or ""]
    for child in el:
        if child.tag == TEXT + "s":
            out.append(" " * int(child.get(TEXT + "c", "1")))
        elif child.tag == TEXT + "tab":
            out.append("\t")
        elif child.tag == TEXT + "line-break":
            out.append("\n")
        elif child.tag in (TEXT + "span", TEXT + "a"):
            out.append(odt_text(child))
        out.append(child.tail or "")
    return "".join(out)


def test_odt_structure_is_kept(odt_pair):
    src, out = odt_pair
    for name in ("content.xml", "styles.xml"):
        assert odt_signature(xml(out, name)) == odt_signature(xml(src, name)), name
    content = xml(out, "content.xml")
    assert len(list(content.iter(TEXT + "note"))) == 1
    assert len(list(content.iter(OFFICE + "annotation"))) == 1


def test_odt_paragraphs_equal_the_text_engine(odt_pair, nb_nn):
    src, out = odt_pair
    checked = 0
    for name in ("content.xml", "styles.xml"):
        before = list(xml(src, name).iter(TEXT + "p", TEXT + "h"))
        after = list(xml(out, name).iter(TEXT + "p", TEXT + "h"))
        assert len(before) == len(after)
        for p, q in zip(before, after):
            source = odt_text(p)
            if source.strip():
                assert odt_text(q) == nb_nn.translate(source), source
                checked += 1
    assert checked >= 12


def test_odt_span_and_link_keep_their_words(odt_pair, nb_nn):
    src, out = odt_pair
    content = xml(out, "content.xml")
    spans = [(s.get(TEXT + "style-name"), odt_text(s)) for s in content.iter(TEXT + "span")]
    assert spans == [("Sterk", nb_nn.translate(docs.ODT_BOLD[1]))]
    (link,) = content.iter(TEXT + "a")
    assert link.attrib == next(xml(src, "content.xml").iter(TEXT + "a")).attrib
    assert odt_text(link) == nb_nn.translate(docs.LINK_TEXT)
    # the double space (text:s) survives
    assert any(e.tag == TEXT + "s" for e in content.iter())


def test_odt_language_and_members(odt_pair):
    src, out = odt_pair
    fo = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
    props = xml(out, "styles.xml").iter(
        "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}text-properties")
    assert {(e.get(fo + "language"), e.get(fo + "country")) for e in props} >= {("nn", "NO")}
    assert b"nn-NO" in member(out, "meta.xml")
    a, b = zipfile.ZipFile(io.BytesIO(src)), zipfile.ZipFile(io.BytesIO(out))
    assert [(i.filename, i.compress_type) for i in a.infolist()] == \
        [(i.filename, i.compress_type) for i in b.infolist()]
    assert b.infolist()[0].filename == "mimetype" and b.infolist()[0].compress_type == zipfile.ZIP_STORED
    assert a.read("META-INF/manifest.xml") == b.read("META-INF/manifest.xml")


def test_odt_reopens_in_odfpy(odt_pair, nb_nn):
    from odf.opendocument import load

    from odf import teletype, text

    doc = load(io.BytesIO(odt_pair[1]))
    assert doc.mimetype == "application/vnd.oasis.opendocument.text"
    paragraphs = [teletype.extractText(p) for p in doc.getElementsByType(text.P)]
    assert nb_nn.translate(docs.PLAIN[0]) in paragraphs


# -- LibreOffice ------------------------------------------------------------------------

def test_libreoffice_opens_both_outputs(docx_pair, odt_pair, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.fail("LibreOffice is not installed: run `make test`, which installs it")
    files = []
    for name, (_, out) in (("ut-docx.docx", docx_pair), ("ut-odt.odt", odt_pair)):
        (tmp_path / name).write_bytes(out)
        files.append(str(tmp_path / name))
    r = subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
                       capture_output=True, timeout=240)
    assert r.returncode == 0, r.stderr
    for stem in ("ut-docx", "ut-odt"):
        pdf = tmp_path / f"{stem}.pdf"
        assert pdf.is_file(), (stem, r.stdout, r.stderr)
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
