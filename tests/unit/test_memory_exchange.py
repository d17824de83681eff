"""TMX 1.4b and TSV import/export (no engine needed)."""

from __future__ import annotations

import io

import pytest
from lxml import etree

from omset.errors import InputError
from omset.memory import Entry, tabular, tmx


def entries() -> list[Entry]:
    return [
        Entry("Han sa «nei» & gikk <hjem>.", "Han sa «nei» & gjekk <heim>.", "nb", "nn",
              "approved", document="d1", doc_version="2", position=0, next_source="Neste.",
              author="Kari", created=1_700_000_000.0),
        Entry("Vi kommer.", "Vi kjem.", "nb", "nn", "machine", engine_version="e1",
              profile_version="p1", style="nynorsk-news", created=1_700_000_100.0),
        Entry("Linje en\nlinje to", "Line ein\nline to", "nb", "nn", "human",
              created=1_700_000_200.0),
    ]


def test_tmx_round_trip(tmp_path):
    buf = io.StringIO()
    assert tmx.write(entries(), buf, "nb") == 3
    p = tmp_path / "x.tmx"
    p.write_text(buf.getvalue(), encoding="utf-8")
    back = list(tmx.read(p, "nb", "nn"))
    for a, b in zip(entries(), back, strict=True):
        for f in ("source", "target", "origin", "style", "engine_version", "profile_version",
                  "document", "doc_version", "position", "prev_source", "next_source",
                  "author", "created"):
            assert getattr(a, f) == getattr(b, f), f


def test_written_tmx_is_well_formed_tmx_14(tmp_path):
    buf = io.StringIO()
    tmx.write(entries(), buf, "nb")
    root = etree.fromstring(buf.getvalue().encode())
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang",
                 "srclang", "datatype"):
        assert header.get(attr), attr
    assert header.get("segtype") in ("block", "paragraph", "sentence", "phrase")
    for tu in root.iter("tu"):
        kinds = [c.tag for c in tu]
        # TMX 1.4b DTD: (note|prop)*, tuv+
        assert kinds == sorted(kinds, key=lambda k: k == "tuv") and kinds.count("tuv") == 2
        assert len(tu.get("creationdate")) == 16 and tu.get("creationdate").endswith("Z")
        for tuv in tu.iter("tuv"):
            assert tuv.get("{http://www.w3.org/XML/1998/namespace}lang") in ("nb", "nn")
            assert [c.tag for c in tuv] == ["seg"]


def test_control_characters_do_not_break_the_xml():
    buf = io.StringIO()
    tmx.write([Entry("A\x01b.", "A\x07b.", "nb", "nn")], buf, "nb")
    etree.fromstring(buf.getvalue().encode())


def test_foreign_tmx_language_codes_and_inline_codes(tmp_path):
    p = tmp_path / "omegat.tmx"
    p.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="OmegaT" creationtoolversion="6" segtype="sentence"
 o-tmf="OmegaT TMX" adminlang="EN-US" srclang="NB-NO" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="NB-NO"><seg>Trykk <bpt i="1">&lt;b&gt;</bpt>her<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
<tuv xml:lang="NN-NO"><seg>Trykk <bpt i="1">&lt;b&gt;</bpt>her<ept i="1">&lt;/b&gt;</ept>.</seg></tuv></tu>
<tu><tuv xml:lang="no-NB"><seg>Bare bokmål.</seg></tuv><tuv xml:lang="en"><seg>Only.</seg></tuv></tu>
<tu><tuv lang="nob"><seg>Gammel <hi>TMX</hi>.</seg></tuv>
<tuv lang="nno"><seg>Gammal <hi>TMX</hi>.</seg></tuv></tu>
</body></tmx>""", encoding="utf-8")
    report = tmx.ReadReport()
    got = [(e.source, e.target, e.origin) for e in tmx.read(p, "nb", "nn", report)]
    assert got == [("Trykk her.", "Trykk her.", "human"), ("Gammel TMX.", "Gammal TMX.", "human")]
    assert report.skipped_languages == 1
    # the other direction reads the same units the other way round
    assert [e.source for e in tmx.read(p, "nn", "nb")] == ["Trykk her.", "Gammal TMX."]


@pytest.mark.parametrize("doc", [
    """<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">]>
<tmx version="1.4"><header/><body><tu><tuv xml:lang="nb"><seg>&a;</seg></tuv>
<tuv xml:lang="nn"><seg>&a;</seg></tuv></tu></body></tmx>""",
    """<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header/><body/></tmx>""",
    """<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<tmx version="1.4"><header/><body><tu><tuv xml:lang="nb"><seg>&x;</seg></tuv></tu></body></tmx>""",
    "<tmx><body><tu>unclosed",
    "not xml at all",
])
def test_tmx_with_doctype_entities_or_broken_xml_is_refused(tmp_path, doc):
    p = tmp_path / "evil.tmx"
    p.write_text(doc, encoding="utf-8")
    with pytest.raises(InputError):
        list(tmx.read(p, "nb", "nn"))


def test_machine_units_without_version_are_skipped(tmp_path):
    p = tmp_path / "m.tmx"
    p.write_text("""<tmx version="1.4"><header srclang="nb"/><body>
<tu><prop type="x-omset-origin">machine</prop><tuv xml:lang="nb"><seg>A.</seg></tuv>
<tuv xml:lang="nn"><seg>A.</seg></tuv></tu></body></tmx>""", encoding="utf-8")
    report = tmx.ReadReport()
    assert list(tmx.read(p, "nb", "nn", report)) == []
    assert report.skipped_machine == 1


def test_tsv_read_and_write(tmp_path):
    p = tmp_path / "a.tsv"
    p.write_text("Jeg kommer.\tEg kjem.\n\nHei\u00a0du.\tHei du.\r\n", encoding="utf-8")
    got = list(tabular.read(p, "nb", "nn"))
    assert [(e.source, e.target, e.origin) for e in got] == [
        ("Jeg kommer.", "Eg kjem.", "human"), ("Hei\u00a0du.", "Hei du.", "human")]
    buf = io.StringIO()
    assert tabular.write(entries(), buf) == 3
    lines = buf.getvalue().splitlines()
    assert len(lines) == 3 and all(line.count("\t") == 1 for line in lines)
    assert lines[2] == "Linje en linje to\tLine ein line to"


@pytest.mark.parametrize("content, where", [
    ("God morgen\n", ":1:"), ("A\tB\nA\tB\tC\n", ":2:"), ("A\t \n", ":1:")])
def test_tsv_errors_name_the_line(tmp_path, content, where):
    p = tmp_path / "bad.tsv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=where):
        list(tabular.read(p, "nb", "nn"))


def test_tsv_not_utf8(tmp_path):
    p = tmp_path / "bad.tsv"
    p.write_bytes(b"Gr\xf8nn\tGr\xf8n\n")
    with pytest.raises(InputError):
        list(tabular.read(p, "nb", "nn"))
