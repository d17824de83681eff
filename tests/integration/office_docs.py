"""Builders for the DOCX and ODT test documents (made here, never taken from elsewhere).

python-docx builds the body, tables, headers and footers; it cannot make footnotes or
comments, so those parts are injected as minimal OOXML with lxml afterwards.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = f"{{{W_NS}}}"

BOLD_SENTENCE = ("Pasientene ", "må", " vente lenger på behandling enn for ett år siden.")
PLAIN = [
    "Ventetiden på norske sykehus har økt kraftig.",
    "Det viser nye tall fra Helsedirektoratet som ble lagt fram tirsdag.",
]
CELLS = [["Kommune", "Antall pasienter"], ["Bergen", "Flere enn før"]]
HEADER = "Nyheter fra hele landet"
FOOTER = "Side for lesere"
FOOTNOTE = "Tallene ble hentet fra en ny rapport."
COMMENT = "Vi må sjekke denne setningen."
LINK_TEXT = "nettsiden til direktoratet"


def _add_hyperlink(paragraph, url: str, text: str) -> None:
    part = paragraph.part
    r_id = part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/"
                          "relationships/hyperlink", is_external=True)
    link = etree.SubElement(paragraph._p, W + "hyperlink")
    link.set(f"{{{R_NS}}}id", r_id)
    run = etree.SubElement(link, W + "r")
    rpr = etree.SubElement(run, W + "rPr")
    etree.SubElement(rpr, W + "rStyle").set(W + "val", "Hyperlink")
    etree.SubElement(rpr, W + "u").set(W + "val", "single")
    t = etree.SubElement(run, W + "t")
    t.text = text


def build_docx() -> bytes:
    """A DOCX with bold/italic runs, a hyperlink, a table, header, footer, footnote, comment."""
    import docx

    d = docx.Document()
    rpr_default = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    lang = rpr_default.find(W + "lang")
    if lang is None:
        lang = etree.SubElement(rpr_default, W + "lang")
    lang.set(W + "val", "nb-NO")
    d.core_properties.language = "nb-NO"
    d.add_heading("Ventetiden har økt", level=1)
    for text in PLAIN:
        d.add_paragraph(text)
    p = d.add_paragraph()
    p.add_run(BOLD_SENTENCE[0])
    p.add_run(BOLD_SENTENCE[1]).bold = True
    p.add_run(BOLD_SENTENCE[2])
    p = d.add_paragraph()
    p.add_run("Det var ")
    p.add_run("mange").italic = True
    p.add_run(" som ble skadet, og ")
    p.add_run("flere").bold = True
    p.add_run(" kom hjem.")
    p = d.add_paragraph("Les mer på ")
    _add_hyperlink(p, "https://example.org/rapport", LINK_TEXT)
    p.add_run(" i dag.")
    # a paragraph with a tab, a line break, a soft hyphen and a spell-check mark
    p = d.add_paragraph()
    r = p.add_run("Navn:")
    r.add_tab()
    r2 = p.add_run("Ola er syke\u00adpleier")
    r2.add_break()
    r2.add_text("og han kommer hjem.")
    etree.SubElement(p._p, W + "proofErr").set(W + "type", "spellStart")
    table = d.add_table(rows=2, cols=2)
    for i, row in enumerate(CELLS):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    section = d.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = FOOTER
    # the paragraph that gets a footnote reference and a comment
    d.add_paragraph("Rapporten kom i går.")
    buf = io.BytesIO()
    d.save(buf)
    return _inject_notes(buf.getvalue())


FOOTNOTES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0">\
<w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>\
<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>\
<w:r><w:t xml:space="preserve"> {FOOTNOTE}</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""

COMMENTS_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W_NS}">
<w:comment w:id="0" w:author="Redaktør" w:date="2024-01-01T00:00:00Z" w:initials="R">\
<w:p><w:r><w:t>{COMMENT}</w:t></w:r></w:p></w:comment>
</w:comments>"""


def _inject_notes(data: bytes) -> bytes:
    """Add footnotes.xml and comments.xml and anchor both in the last paragraph."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml":
                root = etree.fromstring(body)
                ct = "http://schemas.openxmlformats.org/package/2006/content-types"
                for part, kind in (("footnotes", "footnotes"), ("comments", "comments")):
                    o = etree.SubElement(root, f"{{{ct}}}Override")
                    o.set("PartName", f"/word/{part}.xml")
                    o.set("ContentType", "application/vnd.openxmlformats-officedocument."
                          f"wordprocessingml.{kind}+xml")
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "word/_rels/document.xml.rels":
                root = etree.fromstring(body)
                ns = "http://schemas.openxmlformats.org/package/2006/relationships"
                for rid, kind in (("rIdFn1", "footnotes"), ("rIdCm1", "comments")):
                    rel = etree.SubElement(root, f"{{{ns}}}Relationship")
                    rel.set("Id", rid)
                    rel.set("Type", f"http://schemas.openxmlformats.org/officeDocument/2006/"
                            f"relationships/{kind}")
                    rel.set("Target", f"{kind}.xml")
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "word/document.xml":
                root = etree.fromstring(body)
                last = [p for p in root.iter(W + "p") if "".join(p.itertext()) == "Rapporten kom i går."][0]
                first_run = last.find(W + "r")
                start = etree.Element(W + "commentRangeStart")
                start.set(W + "id", "0")
                first_run.addprevious(start)
                end = etree.SubElement(last, W + "commentRangeEnd")
                end.set(W + "id", "0")
                ref_run = etree.SubElement(last, W + "r")
                etree.SubElement(ref_run, W + "commentReference").set(W + "id", "0")
                fn_run = etree.SubElement(last, W + "r")
                rpr = etree.SubElement(fn_run, W + "rPr")
                etree.SubElement(rpr, W + "vertAlign").set(W + "val", "superscript")
                etree.SubElement(fn_run, W + "footnoteReference").set(W + "id", "1")
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            z.writestr(info, body)
        z.writestr("word/footnotes.xml", FOOTNOTES_XML.encode())
        z.writestr("word/comments.xml", COMMENTS_XML.encode())
    return out.getvalue()


ODT_BOLD = ("Pasientene ", "må", " vente lenger på behandling enn for ett år siden.")


def build_odt() -> bytes:
    """An ODT (odfpy) with a bold span, a link, a table, header, footer, footnote, comment."""
    from odf import dc, office, table, text
    from odf.opendocument import OpenDocumentText
    from odf.style import (Footer, Header, MasterPage, PageLayout, Style, TextProperties)

    doc = OpenDocumentText()
    default = Style(name="Standard", family="paragraph")
    default.addElement(TextProperties(language="nb", country="NO"))
    doc.styles.addElement(default)
    bold = Style(name="Sterk", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    layout = PageLayout(name="pm1")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(text.P(text=HEADER))
    footer.addElement(text.P(text=FOOTER))
    master.addElement(header)
    master.addElement(footer)
    doc.masterstyles.addElement(master)
    doc.meta.addElement(dc.Language(text="nb-NO"))

    doc.text.addElement(text.H(outlinelevel=1, text="Ventetiden har økt"))
    for s in PLAIN:
        doc.text.addElement(text.P(stylename=default, text=s))
    p = text.P(stylename=default)
    p.addText(ODT_BOLD[0])
    p.addElement(text.Span(stylename=bold, text=ODT_BOLD[1]))
    p.addText(ODT_BOLD[2])
    doc.text.addElement(p)
    p = text.P(stylename=default, text="Les mer på ")
    p.addElement(text.A(href="https://example.org/rapport", type="simple", text=LINK_TEXT))
    p.addText(" i dag.")
    doc.text.addElement(p)
    p = text.P(stylename=default, text="Rapporten kom i går.")
    note = text.Note(id="ftn1", noteclass="footnote")
    note.addElement(text.NoteCitation(text="1"))
    body = text.NoteBody()
    body.addElement(text.P(text=FOOTNOTE))
    note.addElement(body)
    p.addElement(note)
    ann = office.Annotation()
    ann.addElement(dc.Creator(text="Redaktør"))
    ann.addElement(text.P(text=COMMENT))
    p.addElement(ann)
    doc.text.addElement(p)
    p = text.P(stylename=default, text="Navn:")
    p.addElement(text.Tab())
    p.addText("Ola kommer ")
    p.addElement(text.S())  # a second space, kept only as text:s in ODF
    p.addText("hjem.")
    doc.text.addElement(p)
    tab = table.Table(name="Tabell1")
    tab.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for row in CELLS:
        tr = table.TableRow()
        for cell in row:
            tc = table.TableCell()
            tc.addElement(text.P(text=cell))
            tr.addElement(tc)
        tab.addElement(tr)
    doc.text.addElement(tab)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()
