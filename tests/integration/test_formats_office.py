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
    for node in el.iter(W + "t", W + "tab", W + "br", W + "noBreakHyphen"):
        out.append(node.text or "" if node.tag == W + "t" else "\t" if node.tag == W + "tab"
                   else "\u2011" if node.tag == W + "noBreakHyphen" else "\n")
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


def test_docx_with_the_default_style_equals_its_text_engine(news):
    """The product's own style (profile, names, post-edit rules) goes through too."""
    src = docs.build_docx()
    out = translate_document(src, "docx", news)
    before = list(xml(src, "word/document.xml").iter(W + "p"))
    after = list(xml(out, "word/document.xml").iter(W + "p"))
    plain = [(p, q) for p, q in zip(before, after) if len(runs(p)) == 1
             and p.find(f".//{W}hyperlink") is None and "\u00ad" not in w_text(p)]
    assert len(plain) >= 5
    for p, q in plain:
        assert w_text(q) == news.translate(w_text(p))


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
    assert changed == set(DOCX_TEXT_PARTS) | {"word/styles.xml", "docProps/core.xml"}
    assert b"<dc:language>nn-NO</dc:language>" in member(out, "docProps/core.xml")


def test_docx_reopens_in_python_docx(docx_pair, nb_nn):
    import docx

    d = docx.Document(io.BytesIO(docx_pair[1]))
    assert d.sections[0].header.paragraphs[0].text == nb_nn.translate(docs.HEADER)
    assert d.tables[0].cell(1, 1).text == nb_nn.translate(docs.CELLS[1][1])


def test_docx_field_codes_and_references_are_untouched(nb_nn):
    """A complex field's code stays as it was; its result text is translated."""
    body = """<w:p><w:r><w:t xml:space="preserve">Se </w:t></w:r>
<w:r><w:fldChar w:fldCharType="begin"/></w:r>\
<w:r><w:instrText xml:space="preserve"> REF hjem \\h </w:instrText></w:r>
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


TRICKY_BODY = """<w:p><w:r><w:t xml:space="preserve">Han kom hjem. </w:t></w:r><w:r><w:pict><v:shape
 xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent><w:p><w:r><w:t>Flere ble skadet.</w:t>
</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r><w:r><w:t>Hun kom også.</w:t></w:r></w:p>
<w:p><w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:r><w:t>Jeg kommer</w:t></w:r>
</w:sdtContent></w:sdt><w:r><w:t xml:space="preserve"> hjem</w:t></w:r><w:ins w:id="3" w:author="a"><w:r>
<w:t xml:space="preserve"> i morgen</w:t></w:r></w:ins>\
<w:del w:id="4" w:author="a"><w:r><w:delText> i dag</w:delText>
</w:r></w:del><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:smartTag w:uri="x" w:element="place"><w:smartTagPr><w:attr w:name="a" w:val="b"/></w:smartTagPr>
<w:r><w:t>Bergen</w:t></w:r></w:smartTag><w:r><w:t xml:space="preserve"> er en by</w:t></w:r>
<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Send en e</w:t><w:noBreakHyphen/><w:t>post til oss.</w:t></w:r></w:p>"""


def test_docx_text_boxes_content_controls_tracked_changes(nb_nn):
    src = minimal_docx(TRICKY_BODY)
    out = translate_document(src, "docx", nb_nn)
    before, after = xml(src, "word/document.xml"), xml(out, "word/document.xml")
    assert docx_signature(after) == docx_signature(before)
    for p, q in zip(before.iter(W + "p"), after.iter(W + "p")):
        if p.find(f".//{W}txbxContent") is not None:
            continue  # the outer paragraph: its own text and the box's are checked apart
        assert w_text(q) == nb_nn.translate(w_text(p)), w_text(p)
    outer = next(after.iter(W + "p"))
    own_text = "".join(t.text for t in outer.findall(f"{W}r/{W}t"))
    assert own_text == nb_nn.translate("Han kom hjem. Hun kom også.")
    assert [e.text for e in after.iter(W + "delText")] == [" i dag"]
    assert after.find(f".//{W}sdtPr/{W}alias").get(W + "val") == "x"
    assert after.find(f".//{W}smartTagPr") is not None
    assert len(list(after.iter(W + "noBreakHyphen"))) == 1


def test_docx_long_paragraphs_are_translated_like_plain_text(nb_nn):
    """Paragraphs longer than a segment (cut at sentence ends, as the text engine cuts
    them: tests/unit/test_office_runs.py) come out as the text engine gives them."""
    long = " ".join(docs.PLAIN + [docs.FOOTNOTE, docs.COMMENT] + list(docs.CELLS[1])) + "."
    long = " ".join([long] * 7)
    assert len(long) > 2 * nb_nn.max_segment_chars
    body = (f'<w:p><w:r><w:t>{long}</w:t></w:r></w:p>'
            f'<w:p><w:r><w:t xml:space="preserve">{long} Det var </w:t></w:r><w:r><w:rPr><w:b/>'
            f'</w:rPr><w:t>mange</w:t></w:r><w:r><w:t xml:space="preserve"> som kom. {long}</w:t>'
            '</w:r></w:p>')
    out = xml(translate_document(minimal_docx(body), "docx", nb_nn), "word/document.xml")
    plain, formatted = out.iter(W + "p")
    assert w_text(plain) == nb_nn.translate(long)
    assert w_text(formatted) == nb_nn.translate(f"{long} Det var mange som kom. {long}")
    assert [t for t, k in runs(formatted) if b"<w:b/>" in k] == [nb_nn.translate("mange")]


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

def libreoffice() -> str:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.fail("LibreOffice is not installed: run `make test`, which installs it")
    return office


def test_libreoffice_opens_both_outputs(docx_pair, odt_pair, tmp_path):
    office = libreoffice()
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


def test_odt_written_by_libreoffice(nb_nn, tmp_path):
    """A real office suite's ODT (from our DOCX): styles, bookmarks, notes as it writes them."""
    (tmp_path / "lo.docx").write_bytes(docs.build_docx())
    r = subprocess.run([libreoffice(), f"-env:UserInstallation=file://{tmp_path}/profile",
                        "--headless", "--convert-to", "odt", "--outdir", str(tmp_path),
                        str(tmp_path / "lo.docx")], capture_output=True, timeout=240)
    assert r.returncode == 0 and (tmp_path / "lo.odt").is_file(), r.stderr
    src = (tmp_path / "lo.odt").read_bytes()
    out = translate_document(src, "odt", nb_nn)
    content_in, content_out = xml(src, "content.xml"), xml(out, "content.xml")
    assert odt_signature(content_out) == odt_signature(content_in)
    spans = [odt_text(s) for s in content_in.iter(TEXT + "span")]
    assert {"må", "mange", "flere"} <= set(spans)
    checked = 0
    for p, q in zip(content_in.iter(TEXT + "p", TEXT + "h"), content_out.iter(TEXT + "p", TEXT + "h")):
        source = odt_text(p).replace("\u00ad", "")
        if source.strip() and p.find(f".//{OFFICE}annotation") is None \
                and p.find(f".//{TEXT}note") is None:
            assert odt_text(q) == nb_nn.translate(source), source
            checked += 1
    assert checked >= 10


# -- bad and hostile input --------------------------------------------------------------

def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


BILLION_LAUGHS = ('<!DOCTYPE w:document [<!ENTITY a "hahahahahahahahahaha">'
                  + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                            for i in range(8)) + "]>")
EXTERNAL = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("fmt", ["docx", "odt"])
@pytest.mark.parametrize("case", ["text", "truncated", "empty", "other-zip"])
def test_not_a_document_is_refused(fmt, case, nb_nn):
    good = docs.build_docx() if fmt == "docx" else docs.build_odt()
    data = {"text": "Dette er ikke et dokument.\n".encode(),
            "truncated": good[: len(good) // 2],
            "empty": b"",
            "other-zip": zip_of({"hei.txt": b"hei"})}[case]
    with pytest.raises(FormatError) as exc:
        translate_document(data, fmt, nb_nn)
    assert fmt.upper() in str(exc.value)


def test_docx_and_odt_are_not_mistaken_for_each_other(nb_nn):
    with pytest.raises(FormatError, match="not an ODT"):
        translate_document(docs.build_docx(), "odt", nb_nn)
    with pytest.raises(FormatError, match="not a DOCX"):
        translate_document(docs.build_odt(), "docx", nb_nn)


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_zip_bomb_is_refused_before_inflating(fmt, nb_nn, monkeypatch):
    name = "word/document.xml" if fmt == "docx" else "content.xml"
    bomb = zip_of({"[Content_Types].xml": b"<Types/>", name: b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    inflated = []
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read",
                        lambda self, n=-1: inflated.append(n) or real_read(self, n))
    with pytest.raises(FormatError, match="zip bomb"):
        translate_document(bomb, fmt, nb_nn)
    assert inflated == []  # refused on the declared sizes, nothing inflated


def test_zip_that_lies_about_its_size_is_refused(nb_nn):
    """A member declaring 100 bytes that inflates to megabytes: reading stops, no crash."""
    body = b"<w:document/>" + b" " * (8 * 1024 * 1024)
    data = bytearray(zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": body}))
    for sig, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            if data[pos:pos + 200].find(b"word/document.xml") > 0:
                data[pos + offset:pos + offset + 4] = (100).to_bytes(4, "little")
            pos += 4
    with pytest.raises(FormatError):
        translate_document(bytes(data), "docx", nb_nn)


def test_zip_limits_entries_and_total(nb_nn):
    good = docs.build_docx()
    with pytest.raises(FormatError, match="entries"):
        translate_document(good, "docx", nb_nn, options=Options(limits=Limits(max_zip_entries=5)))
    with pytest.raises(FormatError, match="inflate"):
        translate_document(good, "docx", nb_nn,
                           options=Options(limits=Limits(max_uncompressed_bytes=100_000)))


def test_unsafe_member_names_are_refused(nb_nn):
    good = zipfile.ZipFile(io.BytesIO(docs.build_odt()))
    members = {i.filename: good.read(i) for i in good.infolist()}
    members["../../etc/evil"] = b"x"
    with pytest.raises(FormatError, match="unsafe member name"):
        translate_document(zip_of(members), "odt", nb_nn)


@pytest.mark.parametrize("doctype", [BILLION_LAUGHS, EXTERNAL], ids=["entities", "external"])
def test_docx_with_a_dtd_is_refused(doctype, nb_nn):
    data = minimal_docx("<w:p><w:r><w:t>&x;&h;</w:t></w:r></w:p>", doctype)
    with pytest.raises(FormatError, match="DTD"):
        translate_document(data, "docx", nb_nn)


def test_odt_with_entities_is_refused(nb_nn):
    good = zipfile.ZipFile(io.BytesIO(docs.build_odt()))
    members = {i.filename: good.read(i) for i in good.infolist()}
    content = members["content.xml"].decode()
    decl_end = content.index("?>") + 2
    members["content.xml"] = (content[:decl_end] + BILLION_LAUGHS.replace("w:document", "x")
                              + content[decl_end:]).encode()
    with pytest.raises(FormatError, match="DTD"):
        translate_document(zip_of(members), "odt", nb_nn)


def test_docx_with_broken_xml_is_refused(nb_nn):
    with pytest.raises(FormatError, match="well-formed"):
        translate_document(minimal_docx("<w:p><w:r><w:t>Hei</w:r></w:p>"), "docx", nb_nn)


def test_cli_refuses_a_bad_docx_and_writes_nothing(tmp_path, apertium_installed):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(docs.build_docx()[:3000])
    out = tmp_path / "out.docx"
    r = subprocess.run([sys.executable, "-m", "omset", "translate", str(bad), "-o", str(out)],
                       capture_output=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert b"corrupt or truncated" in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
