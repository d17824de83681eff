"""Documents as real users have them (issue 12): what real catalogues, Word and
OpenDocument files and hostile inputs showed. Every fixture is written here; expected
translations come from the engine itself (``tr.translate``), never hard-coded."""

from __future__ import annotations

import json

import polib
import pytest
from lxml import etree

from omset.formats import translate_document

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"


def _po(entries: list[tuple[str, str]], contexts: tuple[str | None, ...] = ()) -> bytes:
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for k, (msgid, msgstr) in enumerate(entries):
        ctxt = contexts[k] if k < len(contexts) else None
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, msgctxt=ctxt))
    return po.__unicode__().encode()


def _parse_po(data: bytes) -> polib.POFile:
    from omset.formats.po import parse

    return parse(data.decode("utf-8"))


# -- 1. a newline after a final placeholder --------------------------------------------

ENDINGS = [("File %s\n", "Filen %s\n"), ("Cannot open %s: %s\n", "Kan ikke åpne %s: %s\n"),
           ("Deleted {count} files\n", "Slettet {count} filer\n"),
           ("Read %d lines\n\n", "Leste %d linjer\n\n")]


def test_po_newline_after_final_placeholder_is_kept(news):
    out = _parse_po(translate_document(_po(ENDINGS), "po", news))
    got = {e.msgid: e.msgstr for e in out}
    for msgid, msgstr in ENDINGS:
        trail = msgstr[len(msgstr.rstrip("\n")):]
        assert got[msgid].endswith(trail) and not got[msgid].endswith(trail + "\n"), got[msgid]
        assert got[msgid] != msgstr            # really translated


def test_json_yaml_xliff_newline_after_final_placeholder_is_kept(news):
    values = [m for _, m in ENDINGS]
    doc = json.dumps({f"k{i}": v for i, v in enumerate(values)}, ensure_ascii=False)
    out = json.loads(translate_document(doc.encode(), "json", news))
    for i, v in enumerate(values):
        assert out[f"k{i}"].endswith("\n") and out[f"k{i}"].rstrip("\n") != v.rstrip("\n")
        assert len(out[f"k{i}"]) - len(out[f"k{i}"].rstrip("\n")) == len(v) - len(v.rstrip("\n"))
    yaml = "a: |\n  Filen %s\nb: |\n  Slettet {count} filer\n"
    out_yaml = translate_document(yaml.encode(), "yaml", news).decode()
    assert out_yaml.count(": |\n") == 2 and "|-" not in out_yaml
    units = "".join(f'<trans-unit id="{i}"><source>{v}</source></trans-unit>'
                    for i, v in enumerate(values))
    xliff = (f'<xliff version="1.2" xmlns="{XLIFF_NS}"><file source-language="nb" '
             f'datatype="plaintext" original="x"><body>{units}</body></file></xliff>')
    tree = etree.fromstring(translate_document(xliff.encode(), "xliff", news))
    targets = tree.findall(f".//{{{XLIFF_NS}}}target")
    assert len(targets) == len(values)
    for t, v in zip(targets, values):
        assert t.text.endswith("\n") and len(t.text) - len(t.text.rstrip("\n")) == \
            len(v) - len(v.rstrip("\n"))


# -- 2. msgid and msgctxt byte for byte ----------------------------------------------------

def test_po_msgid_and_msgctxt_with_control_characters_come_back_byte_for_byte(news):
    entries = [("%sNumber\x1f: %s%%0AHolder\x1f: %s%s", "%sNummer\x1f: %s%%0AHolder\x1f: %s%s"),
               ("Tab\there\x07", "Filen ble lagret.\x07"),
               ("Plain", "Jeg kommer hjem.")]
    data = _po(entries, contexts=("ctx\x1fa", None, "menu\x04x"))
    assert b"\x1f" in data                         # raw control bytes in the file
    out = translate_document(data, "po", news)
    src, got = _parse_po(data), _parse_po(out)
    assert [(e.msgctxt, e.msgid) for e in got] == [(e.msgctxt, e.msgid) for e in src]
    for line in data.splitlines():                   # the very bytes, not just equal strings
        if line.startswith((b"msgid", b"msgctxt")):
            assert line in out.splitlines(), line
    by_id = {e.msgid: e.msgstr for e in got}
    assert by_id[entries[0][0]].count("\x1f") == 2
    assert by_id[entries[1][0]] == news.translate("Filen ble lagret.") + "\x07"
    assert by_id["Plain"] == news.translate("Jeg kommer hjem.")


def test_po_with_a_nul_is_refused(news):
    from omset.formats import FormatError

    with pytest.raises(FormatError, match="NUL"):
        translate_document(_po([("a", "b")]).replace(b'msgstr "b"', b'msgstr "b\x00"'), "po", news)


# -- 3. accelerators only where the msgid has one -------------------------------------------

def test_po_accelerators_follow_the_msgid_and_spare_identifiers(news):
    entries = [
        ("Also the TIME_STYLE environment variable sets the default style to use.\n",
         "Bruk miljøvariabelen «TIME_STYLE»  for å endre forvalgt stil.\n"),
        ("Use the shortcut_choice key", "Bruk nøkkelen kortvalg_valg"),
        ("_Open the window", "_Åpne vinduet"),
        ("_Back", "Til_bake"),
    ]
    got = {e.msgid: e.msgstr for e in _parse_po(translate_document(_po(entries), "po", news))}
    first = got[entries[0][0]]
    assert "«TIME_STYLE»" in first and first.count("_") == 1
    assert "kortvalg_valg" in got[entries[1][0]]
    opened = got["_Open the window"]
    assert opened.count("_") == 1 and opened.replace("_", "") == news.translate("Åpne vinduet")
    back = got["_Back"]
    assert back.count("_") == 1 and back.replace("_", "") == news.translate("Tilbake")


# -- 4. Word and OpenDocument hyperlinks are kept ---------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
LINKED = ("Det viser nye tall fra ", "Helsedirektoratet", " som ble lagt fram tirsdag.")


def _docx(paragraphs) -> bytes:
    """A DOCX of paragraphs, each a list of (text, kind): kind "", "link", "sub", "sup"."""
    import io
    import sys
    from pathlib import Path

    import docx

    sys.path.insert(0, str(Path(__file__).parent))
    from office_docs import _add_hyperlink

    d = docx.Document()
    for runs in paragraphs:
        p = d.add_paragraph()
        for text, kind in runs:
            if kind == "link":
                _add_hyperlink(p, "https://example.org/", text)
            else:
                r = p.add_run(text)
                r.font.subscript = kind == "sub"
                r.font.superscript = kind == "sup"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _odt(paragraphs) -> bytes:
    import io

    from odf import text
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties

    doc = OpenDocumentText()
    styles = {}
    for kind, pos in (("sub", "sub 58%"), ("sup", "super 58%")):
        st = Style(name=kind, family="text")
        st.addElement(TextProperties(textposition=pos))
        doc.automaticstyles.addElement(st)
        styles[kind] = st
    for runs in paragraphs:
        p = text.P()
        for t_, kind in runs:
            if kind == "link":
                p.addElement(text.A(href="https://example.org/", type="simple", text=t_))
            elif kind:
                p.addElement(text.Span(stylename=styles[kind], text=t_))
            else:
                p.addText(t_)
        doc.text.addElement(p)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def _xml(data: bytes, name: str):
    import io
    import zipfile

    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def _docx_paragraphs(data: bytes) -> list[etree._Element]:
    return list(_xml(data, "word/document.xml").iter(W + "p"))


def _wtext(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def test_docx_and_odt_hyperlink_in_mid_sentence_is_kept(news):
    runs = [(LINKED[0], ""), (LINKED[1], "link"), (LINKED[2], "")]
    whole = news.translate("".join(LINKED))
    out = translate_document(_docx([runs]), "docx", news)
    (p,) = _docx_paragraphs(out)
    links = list(p.iter(W + "hyperlink"))
    assert len(links) == 1 and _wtext(links[0]).strip() == "Helsedirektoratet"
    assert _wtext(p) == whole
    out = translate_document(_odt([runs]), "odt", news)
    (a,) = _xml(out, "content.xml").iter(TEXT + "a")
    assert "".join(a.itertext()).strip() == "Helsedirektoratet"
    p = a.getparent()
    assert "".join(p.itertext()) == whole


# -- 5. sub/superscript and formatting inside an unchanged word ---------------------------------

SHIFTED = [("Utslippet av CO", ""), ("2", "sub"), (" økte i fjor, og H", ""), ("2", "sub"),
           ("O dekker 3 km", ""), ("2", "sup"), (" av tomta.", "")]


def test_docx_sub_and_superscript_stay_on_their_digits(news):
    out = translate_document(_docx([SHIFTED]), "docx", news)
    (p,) = _docx_paragraphs(out)
    shifted = [(_wtext(r), r.find(f"{W}rPr/{W}vertAlign").get(W + "val")) for r in p.iter(W + "r")
               if r.find(f"{W}rPr/{W}vertAlign") is not None]
    assert shifted == [("2", "subscript"), ("2", "subscript"), ("2", "superscript")]
    text = _wtext(p)
    assert "CO2" in text and "H2O" in text and "km2" in text


def test_odt_sub_and_superscript_stay_on_their_digits(news):
    out = translate_document(_odt([SHIFTED]), "odt", news)
    root = _xml(out, "content.xml")
    spans = [(s.get(TEXT + "style-name"), "".join(s.itertext())) for s in root.iter(TEXT + "span")]
    assert spans == [("sub", "2"), ("sub", "2"), ("sup", "2")]
    (p,) = root.iter(TEXT + "p")
    text = "".join(p.itertext())
    assert "CO2" in text and "H2O" in text and "km2" in text


def test_docx_bold_part_of_an_unchanged_word_is_kept(news):
    runs = [("Han jobber i ", ""), ("Oslo", "b"), ("posten og i ", ""), ("Nav", "b"),
            ("kontoret.", "")]
    data = _docx([[(t, "") for t, _ in runs]])
    root = _xml(data, "word/document.xml")
    (p,) = root.iter(W + "p")
    for r, (_, kind) in zip(p.iter(W + "r"), runs):   # make the marked runs bold
        if kind:
            rpr = r.find(W + "rPr")
            if rpr is None:
                rpr = etree.SubElement(r, W + "rPr")
                r.insert(0, rpr)
            etree.SubElement(rpr, W + "b")
    import io
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            z.writestr(info, etree.tostring(root) if info.filename == "word/document.xml"
                       else src.read(info))
    out = translate_document(buf.getvalue(), "docx", news)
    (q,) = _docx_paragraphs(out)
    whole = news.translate("".join(t for t, _ in runs))
    assert _wtext(q) == whole
    bold = [_wtext(r) for r in q.iter(W + "r") if r.find(f"{W}rPr/{W}b") is not None]
    for word, first in (("Osloposten", "Oslo"), ("Navkontoret", "Nav")):
        if word in whole:                     # the word came through unchanged
            assert first in bold, (bold, whole)


# -- 6. selectors nested a thousand deep --------------------------------------------------------

def test_json_with_icu_and_fluent_nested_a_thousand_deep_is_translated(news):
    icu = "{n, plural, one {Jeg kommer " * 1000 + "hjem" + "} other {nå}}" * 1000
    fluent = "{ $n ->\n  *[other] Jeg kommer " * 1000 + "hjem" + "\n}" * 1000
    doc = json.dumps({"icu": icu, "fluent": fluent, "plain": "Jeg kommer hjem."})
    out = json.loads(translate_document(doc.encode(), "json", news))
    assert out["plain"] == news.translate("Jeg kommer hjem.")
    for key, src in (("icu", icu), ("fluent", fluent)):
        assert out[key].count("{") == src.count("{") and out[key].count("}") == src.count("}")
        assert out[key] != src and "kjem" in out[key]     # the outer branches are translated


# -- 8. the smaller ones ---------------------------------------------------------------------------

def test_iframe_title_is_translated(news):
    out = translate_document(b'<p>Se <iframe title="Jeg kommer hjem" src="x"></iframe> her.</p>',
                             "html", news).decode()
    assert f'title="{news.translate("Jeg kommer hjem")}"' in out and 'src="x"' in out


def test_srt_keeps_each_lines_own_ending(news):
    srt = ("1\r\n00:00:01,000 --> 00:00:02,000\r\nJeg kommer hjem.\n\n"
           "2\n00:00:03,000 --> 00:00:04,000\nVi kommer hjem.\r\n")
    out = translate_document(srt.encode(), "srt", news).decode()
    src_lines, out_lines = srt.split("\n"), out.split("\n")
    assert [ln.endswith("\r") for ln in out_lines] == [ln.endswith("\r") for ln in src_lines]
    assert news.translate("Jeg kommer hjem.") in out


def test_yaml_folded_scalar_keeps_its_lines(news):
    doc = "a: >\n  Jeg kommer hjem i dag og\n  vi kommer hjem i morgen.\n"
    out = translate_document(doc.encode(), "yaml", news).decode()
    lines = out.splitlines()
    assert lines[0] == "a: >" and len(lines) == 3
    assert " ".join(ln.strip() for ln in lines[1:]) == \
        news.translate("Jeg kommer hjem i dag og vi kommer hjem i morgen.")


def test_markdown_backslash_before_a_space_stays_one_backslash(news):
    out = translate_document("Du kan les\\ mer om saken.\n".encode(), "markdown", news).decode()
    assert out.count("\\") == 1 and "\\\\" not in out


def test_xliff_11_is_translated(news):
    ns = "urn:oasis:names:tc:xliff:document:1.1"
    doc = (f'<xliff version="1.1" xmlns="{ns}"><file source-language="nb" datatype="po" '
           f'original="x"><body><trans-unit id="1"><source>Jeg kommer <g id="1">hjem</g> '
           f'i dag.</source></trans-unit></body></file></xliff>')
    root = etree.fromstring(translate_document(doc.encode(), "xliff", news))
    (target,) = root.iter(f"{{{ns}}}target")
    assert "".join(target.itertext()) == news.translate("Jeg kommer hjem i dag.")
    assert target.find(f"{{{ns}}}g") is not None
    assert root.find(f"{{{ns}}}file").get("target-language") == "nn"
