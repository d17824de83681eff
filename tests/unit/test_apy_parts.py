"""The pieces of the APy routes that need no Apertium: the stream handling of analysis
and generation (with a stand-in helper), JSONP names, and /translateDoc's format sniffing."""

from __future__ import annotations

import io
import zipfile

import pytest

from omset.server import morph
from omset.server.apy import document_format
from omset.server.errors import ApiError
from omset.server.jsonp import respond
from omset.server.metrics import ApyStats


def test_analysis_reads_units_escapes_and_blanks():
    asked = []

    def ask(helper, payload):
        asked.append((helper, payload))
        # what lt-proc -z -w writes for "Vi  3/4." (two spaces: a superblank)
        return "^Vi/vi<prn>$[  ]^3\\/4/3\\/4<num>$^./.<sent>$[]\0"

    units = morph.analyse(ask, "Vi  3/4.")
    assert asked == [("analyser", "Vi[  ]3\\/4.[]")]
    assert units == [("Vi/vi<prn>", "Vi  "), ("3/4/3/4<num>", "3/4"), ("./.<sent>", ".")]
    assert morph.coverage(units) == 1.0
    assert morph.coverage([("x/*x", "x"), ("y/y<n>", "y")]) == 0.5
    assert morph.coverage([]) == -1


def test_generation_units_and_answers():
    assert morph.generation_units("ja<ij>") == ["^ja<ij>$"]
    assert morph.generation_units("^a<n>$ ^b<n>$x") == ["^a<n>$ ", "^b<n>$x"]
    # brackets between units are only text (sent escaped); inside a unit they are refused
    assert morph.generation_units("^a<n>$ [x") == ["^a<n>$ [x"]
    # an open tag would make lt-proc read on through the unit's end (no answer: a 504)
    for bad in ("a[b<n>", "^a[b<n>$", "<", "^<$", "a<n", "^a<n$", "^a>$", "^a<>$"):
        with pytest.raises(ValueError):
            morph.generation_units(bad)
    asked = []

    def ask(helper, payload):
        asked.append(payload)
        return "a[SEP]b[x\\[]\0"

    assert morph.generate(ask, ["^a<n>$", "^b<n>$x["]) == [("a", "^a<n>$"), ("bx[", "^b<n>$x[")]
    assert asked == ["^a<n>$[SEP]^b<n>$[x\\[]"]


def test_jsonp_wraps_and_escapes():
    r = respond({"t": "</script>\u2028"}, "cb.ok_1")
    assert r.body.decode() == 'cb.ok_1({"t": "<\\/script>\\u2028"})'
    assert r.media_type.startswith("application/javascript")


def test_document_format_by_name_then_content():
    assert document_format("sak.docx", b"PK\x03\x04") == "docx"
    assert document_format("sak.md", "# Hei".encode()) == "markdown"
    assert document_format(None, b"<!DOCTYPE html><p>Hei</p>") == "html"
    assert document_format("blob", "Hei på deg".encode()) == "text"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert document_format("upload", buf.getvalue()) == "docx"
    for name, data in (("test.txt", b"\0"), ("blob", b"\xff\xfe"), ("x", b"PK\x03\x04junk")):
        with pytest.raises(ApiError) as exc:
            document_format(name, data)
        assert exc.value.status == 400 and exc.value.message.startswith("Invalid file type")


def test_apy_stats_period():
    s = ApyStats(keep=3)
    for i in range(5):
        s.note("nob-nno", s.started + i, 10)
    p = s.period(1000)
    assert p["requests"] == 3 and p["totChars"] == 30
    assert s.use_count["nob-nno"] == 5
    assert s.period(0)["requests"] == 0
