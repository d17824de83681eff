"""What the format fuzzer needs, shared by ``bench/fuzz.py`` (the long run, each input in a
watched child process) and ``tests/unit/test_fuzz.py`` (a short run driven by hypothesis,
and the replay of every input that ever failed).

* :data:`SEEDS`: a few small documents of every format, written here in code (never
  copied from elsewhere), each using the constructs its format module handles;
* :func:`mutate`: a structure-aware mutator — byte edits, format tokens inserted,
  ranges deleted, repeated or spliced from another seed; DOCX and ODT mostly get one
  XML member mutated and are zipped again, so the fuzzing reaches past the zip reader;
* :class:`Identity`: a translator without an engine. Each segment still makes the
  round trip through Apertium's stream format (:func:`omset.engine.stream.encode` and
  :func:`~omset.engine.stream.decode`, what a pipeline of ``cat`` would answer), so
  markup indices and escaping are fuzzed along with the format code;
* :func:`outcome`: one input through :func:`omset.formats.translate_document`: ``ok``,
  a clear error (any :class:`omset.errors.OmsetError`: the documented tree), or a crash
  (anything else — a bug).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import traceback
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from omset.model import Part

FORMATS = ("text", "html", "markdown", "docx", "odt", "srt", "vtt", "po", "xliff", "json", "yaml")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fuzz"
EXPECTED = FIXTURES / "expected.json"
MAX_INPUT = 16 * 1024  # mutated inputs are capped: the fuzzer looks for bugs, not size
MAX_KEPT = 4 * 1024    # (bench/formats_linear.py times large ones); the corpus holds small ones


def _wire(payload: str) -> str:
    """What a pipeline of ``cat`` answers: the request as UTF-8 bytes and back (a string
    that cannot be written to a pipe fails here as it would in Pipeline.submit)."""
    return payload.encode("utf-8").decode("utf-8")


class Identity:
    """A translator that changes nothing, through the stream format and back."""

    source, target = "nb", "nn"

    def translate_parts(self, segments: Sequence[Sequence[Part]], *,
                        glossary: object = None) -> list[list[Part]]:
        from omset.engine.stream import decode, encode

        return [decode(_wire(encode(list(seg))), list(seg)) for seg in segments]

    def translate_batch(self, texts: Sequence[str], *, glossary: object = None) -> list[str]:
        from omset.engine.stream import decode_text, encode

        return [decode_text(_wire(encode(t))) for t in texts]

    def translate(self, text: str, *, glossary: object = None) -> str:
        return self.translate_batch([text])[0]

    def using(self, *, glossary: object = None) -> "Identity":
        return self


@dataclass(frozen=True)
class Outcome:
    """What one input did: ``kind`` is ``ok``, ``clear`` or ``crash``."""

    kind: str
    error: str = ""     # the exception's class name
    message: str = ""   # its message (clear) or traceback (crash)

    def expected(self) -> dict:
        """The record a fixture keeps: the clear error it must give (or ``ok``)."""
        return {"kind": self.kind, "error": self.error,
                "message": self.message if self.kind == "clear" else ""}


def outcome(data: bytes, fmt: str) -> Outcome:
    """Translate ``data`` as ``fmt`` with :class:`Identity`; never raises."""
    from omset.errors import OmsetError
    from omset.formats import translate_document

    try:
        translate_document(data, fmt, Identity())  # type: ignore[arg-type]
    except OmsetError as exc:
        return Outcome("clear", type(exc).__name__, str(exc))
    except BaseException as exc:  # noqa: BLE001 - a crash is what we are looking for
        if isinstance(exc, KeyboardInterrupt):
            raise
        return Outcome("crash", type(exc).__name__, traceback.format_exc())
    return Outcome("ok")


# -- seeds ------------------------------------------------------------------------------
_PROSE = ["Vi kommer hjem i morgen, og flere av dem ble skadet.",
          "Regjeringen vil senke skattene for bedrifter.", "Hei!"]


def _zip(members: dict[str, str], first_stored: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if first_stored is not None:
            z.writestr(zipfile.ZipInfo(first_stored), members[first_stored],
                       compress_type=zipfile.ZIP_STORED)
        for name, text in members.items():
            if name != first_stored:
                z.writestr(name, text)
    return buf.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Override PartName="/word/document.xml" ContentType="'
       'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
       '<Override PartName="/word/styles.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>')


def _docx(body: str) -> bytes:
    return _zip({
        "[Content_Types].xml": _CT,
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                       'openxmlformats.org/package/2006/relationships"><Relationship Id="r1" '
                       'Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       'relationships/officeDocument" Target="word/document.xml"/>'
                       '</Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}>'
                             f"<w:body>{body}</w:body></w:document>",
        "word/styles.xml": f'<?xml version="1.0"?><w:styles {_W}><w:docDefaults><w:rPrDefault>'
                           '<w:rPr><w:lang w:val="nb-NO"/></w:rPr></w:rPrDefault>'
                           "</w:docDefaults></w:styles>",
    })


_DOCX_BODIES = [
    f'<w:p><w:r><w:t>{_PROSE[0]}</w:t></w:r></w:p>',
    f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
    f'<w:t xml:space="preserve">Vi </w:t></w:r><w:r><w:t>kommer</w:t></w:r>'
    f'<w:r><w:tab/><w:t>hjem</w:t><w:br/></w:r><w:proofErr w:type="spellStart"/>'
    f'<w:hyperlink r:id="rId9"><w:r><w:t>lenke</w:t></w:r></w:hyperlink>'
    f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
    f'<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:noBreakHyphen/><w:t>i dag.</w:t></w:r>'
    f'</w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>{_PROSE[1]}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
    f'<w:p><w:ins w:id="1"><w:r><w:t>{_PROSE[2]}</w:t></w:r></w:ins><w:del w:id="2"><w:r>'
    f'<w:delText>borte</w:delText></w:r></w:del><w:sdt><w:sdtContent><w:r><w:t>felt</w:t>'
    f'</w:r></w:sdtContent></w:sdt><w:bookmarkStart w:id="0" w:name="b"/></w:p>',
]

_ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:xlink="http://www.w3.org/1999/xlink"')


def _odt(body: str) -> bytes:
    return _zip({
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                       f"{_ODT_NS}><office:automatic-styles><style:style style:name=\"T1\" "
                       f'style:family="text"><style:text-properties fo:language="nb" '
                       f'fo:country="NO"/></style:style></office:automatic-styles>'
                       f"<office:body><office:text>{body}</office:text></office:body>"
                       "</office:document-content>",
        "styles.xml": f'<?xml version="1.0"?><office:document-styles {_ODT_NS}>'
                      "</office:document-styles>",
        "meta.xml": '<?xml version="1.0"?><office:document-meta xmlns:office="urn:oasis:names:'
                    'tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/'
                    '1.1/"><office:meta><dc:language>nb-NO</dc:language></office:meta>'
                    "</office:document-meta>",
    }, first_stored="mimetype")


_ODT_BODIES = [
    f"<text:p>{_PROSE[0]}</text:p>",
    f'<text:h text:outline-level="1">Vi <text:span text:style-name="T1">kommer</text:span>'
    f'<text:s text:c="3"/>hjem<text:tab/><text:line-break/><text:a xlink:href="x">lenke</text:a>'
    f'<text:note text:note-class="footnote"><text:note-body><text:p>{_PROSE[2]}</text:p>'
    f"</text:note-body></text:note></text:h><table:table><table:table-row><table:table-cell>"
    f"<text:p>{_PROSE[1]}</text:p></table:table-cell></table:table-row></table:table>",
]

_TEXT_SEEDS = [
    f"{_PROSE[0]}\n\n  {_PROSE[1]}\n\tInnrykk.\n",
    "Overskrift\n\nEpost: ola@example.no, https://example.no/a?b=c og 10 000 kr.\r\n~ [x] {y}",
    "",
]

_HTML_SEEDS = [
    f"<!DOCTYPE html><html lang=\"nb\"><head><title>Tittel</title><meta name=\"description\" "
    f"content=\"Om oss\"><style>p{{color:red}}</style></head><body><h1>Vi kommer</h1>"
    f"<p>{_PROSE[0]} <b>Fet</b> og <a href=\"/x\" title=\"Lenke\">lenke</a>.<br>Ny linje"
    f"&nbsp;&amp; mer.</p><ul><li>Ett</li><li>To <i>kursiv</i></li></ul><pre>kode</pre>"
    f"<img alt=\"Et bilde\" src=\"a.png\"><script>var x = '<p>';</script><!-- kommentar -->"
    f"<table><tr><td>{_PROSE[1]}</td></tr></table><p translate=\"no\">ikke</p>"
    f"<p lang=\"en\">English</p><input placeholder=\"Søk\" value=\"Send\"></body></html>",
    f"<p>{_PROSE[2]} <span>Jeg</span> <code>x</code> <sup>1</sup></p>",
    "<div>Tekst <div>inni</div> etter</div>",
]

_MD_SEEDS = [
    f"---\ntitle: Vi kommer hjem\nlang: nb\ndate: 2026-01-01\n---\n# Overskrift\n\n"
    f"{_PROSE[0]} **Fet** og *kursiv* og `kode` og [lenke](http://x \"tittel\").\n"
    f"Linje to.  \nLinje tre.\n\n> Sitat {_PROSE[2]}\n\n- Ett\n- To\n\n1. Første\n\n"
    f"| A | B |\n|---|---|\n| {_PROSE[1]} | x |\n\n```python\nkode = 1\n```\n\n"
    f"![Et bilde](a.png)\n\n<div>Html blokk</div>\n\n[ref]: http://x\n\n~~borte~~ &amp;\n",
    "+++\ntitle = \"x\"\n+++\nTekst\n===\n\n    innrykket kode\n\n* * *\n",
    "Tekst med [ref] og <b>html</b> og \\*escaped\\*.\n",
]

_SRT_SEEDS = [
    f"1\n00:00:01,000 --> 00:00:02,500\n{_PROSE[0]}\n\n2\n00:00:03,000 --> 00:00:04,000\n"
    f"<i>Vi kommer</i>\n{{\\an8}}hjem i dag\n\n3\n00:00:05,000 --> 00:00:06,000\n{_PROSE[2]}\n",
    "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nHei.\r\n\r\n",
]

_VTT_SEEDS = [
    f"WEBVTT - Tittel\n\nNOTE en kommentar\n\nSTYLE\n::cue {{ color: red }}\n\n"
    f"id1\n00:00:01.000 --> 00:00:02.500 align:start line:0\n<v Ola>{_PROSE[0]}</v>\n\n"
    f"00:01.000 --> 00:02.000\n<c.gul>Vi</c> <00:00:01.500>kommer <b>hjem</b>\n",
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHei.\n",
]

_PO_SEEDS = [
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: nb\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    '#: src/a.c:1\n#, c-format\nmsgid "File %s not found"\nmsgstr "Filen %s finnes ikke"\n\n'
    'msgctxt "menu"\nmsgid "_Open"\nmsgstr "_Åpne"\n\n'
    'msgid "One file"\nmsgid_plural "%d files"\nmsgstr[0] "Én fil"\nmsgstr[1] "%d filer"\n\n'
    '#, fuzzy\n#| msgid "Old"\nmsgid "New"\nmsgstr "Vi kommer {count} hjem"\n\n'
    '#~ msgid "Gone"\n#~ msgstr "Borte"\n\nmsgid "Empty"\nmsgstr ""\n',
    'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    'msgid "a"\nmsgstr "Linje\\nto\\t<b>fet</b> &amp; %(navn)s"\n',
]

_XLIFF_SEEDS = [
    '<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:'
    'xliff:document:1.2"><file source-language="nb" target-language="nn" datatype="plaintext"'
    f' original="x"><body><trans-unit id="1"><source>{_PROSE[0]}</source></trans-unit>'
    '<trans-unit id="2"><source>Vi <g id="1">kommer</g> hjem<x id="2"/> <bpt id="3">&lt;b&gt;'
    '</bpt>i dag<ept id="3">&lt;/b&gt;</ept> <ph id="4">{0}</ph> <mrk mtype="protected">Navn'
    '</mrk>.</source><target state="new"/></trans-unit><trans-unit id="3" translate="no">'
    '<source>Nei</source></trans-unit><group><trans-unit id="4"><source>Hei</source>'
    '<target state="translated">Hei</target></trans-unit></group></body></file></xliff>',
    '<?xml version="1.0"?><xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" '
    'srcLang="nb"><file id="f"><unit id="u1"><segment><source>Vi <pc id="1">kommer</pc> '
    '<ph id="2"/>hjem <sc id="3"/>nå<ec startRef="3"/>.</source></segment><ignorable>'
    f'<source> </source></ignorable><segment state="initial"><source>{_PROSE[1]}</source>'
    '<target></target></segment></unit></file></xliff>',
]

_JSON_SEEDS = [
    json.dumps({"app": {"title": _PROSE[0], "count": "Du har {count} nye meldinger",
                        "plural": "{n, plural, one {# fil} other {# filer}}",
                        "nest": "$t(app.title) og {{name}} og %{x} og <b>fet</b>",
                        "list": ["Ett", "To", 3, None, True], "empty": ""}},
               ensure_ascii=False, indent=2) + "\n",
    '{\n\t"nb": {"a": "Hei %s", "b": "Fluent { $n -> [one] en *[other] flere }"}\n}',
    '["Vi kommer hjem", {"k": "\\u00e5 \\ud83d\\ude00"}]',
]

_YAML_SEEDS = [
    f"nb:\n  title: {_PROSE[0]}\n  # kommentar\n  quoted: \"Vi kommer %{{count}} hjem\"\n"
    f"  block: |\n    {_PROSE[1]}\n    Linje to.\n  folded: >-\n    Foldet\n    tekst\n"
    f"  base: &base\n    a: Hei\n  other:\n    <<: *base\n    b: *base\n  list:\n    - Ett\n"
    f"    - 2\n    - ~\n  flow: {{a: Hei, b: [Ja, Nei]}}\n",
    "---\na: Hei\n...\n---\nb: !tag Nei\n",
    "plain: 'enkel ''sitat'''\nnum: 1.5\nbool: yes\n",
]

SEEDS: dict[str, list[bytes]] = {
    "text": [s.encode() for s in _TEXT_SEEDS],
    "html": [s.encode() for s in _HTML_SEEDS],
    "markdown": [s.encode() for s in _MD_SEEDS],
    "docx": [_docx(b) for b in _DOCX_BODIES],
    "odt": [_odt(b) for b in _ODT_BODIES],
    "srt": [s.encode() for s in _SRT_SEEDS],
    "vtt": [s.encode() for s in _VTT_SEEDS],
    "po": [s.encode() for s in _PO_SEEDS],
    "xliff": [s.encode() for s in _XLIFF_SEEDS],
    "json": [s.encode() for s in _JSON_SEEDS],
    "yaml": [s.encode() for s in _YAML_SEEDS],
}

# -- mutation ---------------------------------------------------------------------------
_COMMON_TOKENS = [b"\n", b"\r\n", b"\r", b"\t", b" ", b"  ", b"\x00", b"\xff", b"\xc3", b"\xe2\x80",
                  b"\xef\xbb\xbf", b"\\", b"[", b"]", b"^", b"$", b"@", b"{", b"}", b"<", b">",
                  b"&", b"\"", b"'", b"\xe2\x80\xa8", b"\xee\x80\x80", b"\xee\x80\x81",
                  b"\xf0\x9f\x98\x80", b"\xcc\x81", b"~", b".", b"%s", b"{0}", b"#", b"\x1f",
                  b"\x0c", b"-", b"*", b"9" * 12]
_TOKENS: dict[str, list[bytes]] = {
    "text": [b"\n\n", b". ", b"http://x.no/", b"a@b.no"],
    "html": [b"<p>", b"</p>", b"<b>", b"</b>", b"<br>", b"<a href='x'>", b"</a>", b"<!--",
             b"-->", b"<![CDATA[", b"]]>", b"&nbsp;", b"&#x0;", b"&#1114112;", b"&amp",
             b"<!DOCTYPE html [<!ENTITY a 'b'>]>", b"<script>", b"</script>", b"<pre>",
             b"<div>", b"</div>", b"<?xml version='1.0'?>", b" lang='en'", b" translate='no'",
             b" alt=", b"<table><tr><td>", b"<svg>", b"<math>", b"<template>", b"<html>",
             b"<head>", b"<body>", b"<title>", b"<textarea>", b"<option>", b"<li>"],
    "markdown": [b"**", b"*", b"_", b"`", b"```", b"~~~", b"# ", b"> ", b"- ", b"1. ", b"|",
                 b"|---|", b"[", b"](", b")", b"![", b"<b>", b"</b>", b"<div>\n", b"---\n",
                 b"+++\n", b"\\", b"&amp;", b"&#0;", b"    ", b"[x]: http://y\n", b"  \n",
                 b"<!--", b"-->", b"<http://x>", b"title: ", b": "],
    "srt": [b"00:00:01,000 --> 00:00:02,000", b"\n\n", b"1\n", b"<i>", b"</i>", b"{\\an8}",
            b"-->", b",000", b"99:99:99,999", b"-1"],
    "vtt": [b"WEBVTT", b"00:00:01.000 --> 00:00:02.000", b"\n\n", b"NOTE ", b"STYLE\n",
            b"REGION\n", b"<v A>", b"</v>", b"<c.x>", b"</c>", b"<00:00:01.000>", b" align:start",
            b"-->", b"<b>", b"&amp;", b"&lt;", b"<ruby>", b"<rt>"],
    "po": [b'msgid "', b'msgstr "', b'msgctxt "', b'msgid_plural "', b'msgstr[0] "', b'msgstr[9] "',
           b'"\n', b"\\n", b'\\"', b"#, fuzzy\n", b"#~ ", b"#| ", b"%s", b"%1$s", b"%(x)s", b"\\",
           b"charset=ISO-8859-1", b"charset=", b"Plural-Forms: nplurals=", b"\n\n"],
    "xliff": [b"<source>", b"</source>", b"<target>", b"</target>", b"<g id='1'>", b"</g>",
              b"<x id='1'/>", b"<bx id='1'/>", b"<ex id='1'/>", b"<ph id='1'>", b"</ph>",
              b"<bpt id='1'>", b"</bpt>", b"<ept id='1'>", b"</ept>", b"<it pos='open'>", b"</it>",
              b"<mrk mtype='x'>", b"</mrk>", b"<pc id='1'>", b"</pc>", b"<sc id='1'/>",
              b"<ec startRef='1'/>", b"<sm id='1'/>", b"<em startRef='1'/>", b"<trans-unit id='9'>",
              b"</trans-unit>", b"<segment>", b"</segment>", b"<!ENTITY", b"<!DOCTYPE x>",
              b" source-language='en'", b" target-language='nb'", b" state='new'",
              b" srcLang='en'", b" trgLang='nb'", b"&#x0;", b"&amp;", b"<![CDATA[x]]>",
              b" translate='no'", b" xml:space='preserve'"],
    "json": [b"{", b"}", b"[", b"]", b'"', b":", b",", b'"k": "v"', b"\\u0000", b"\\ud800",
             b"\\u", b"null", b"1e999", b"-0", b"{{x}}", b"{n, plural, one {#} other {#}}",
             b"$t(a)", b"%{x}", b"{ $x -> [a] b *[c] d }", b"<b>", b"&amp;", b"@:key", b"\\n"],
    "yaml": [b": ", b"- ", b"&a ", b"*a", b"<<: ", b"!!str ", b"!tag ", b"|\n  ", b">-\n  ", b"---\n",
             b"...\n", b"#", b"? ", b"{", b"}", b"[", b"]", b"'", b'"', b"%YAML 1.2\n", b"%TAG ",
             b"\t", b"nb:\n  ", b"{{x}}", b"%{x}", b"!!binary ", b"!!python/object ", b"\\x00"],
}
_TOKENS["docx"] = [b"<w:p>", b"</w:p>", b"<w:r>", b"</w:r>", b"<w:t>", b"</w:t>", b"<w:tab/>",
                   b"<w:br/>", b"<w:rPr><w:b/></w:rPr>", b"<w:hyperlink>", b"</w:hyperlink>",
                   b"<w:ins>", b"</w:ins>", b"<w:del>", b"</w:del>", b"<w:fldSimple w:instr='x'>",
                   b"</w:fldSimple>", b"<w:noBreakHyphen/>", b"<w:softHyphen/>", b"<w:sym/>",
                   b"<w:sdt>", b"<w:sdtContent>", b"</w:sdtContent>", b"</w:sdt>",
                   b"<w:smartTag>", b"</w:smartTag>", b"<!ENTITY", b"&#x0;", b"<w:lang w:val='en'/>",
                   b" xml:space='preserve'", b"<w:cr/>", b"<w:instrText>", b"<w:fldChar/>"]
_TOKENS["odt"] = [b"<text:p>", b"</text:p>", b"<text:span>", b"</text:span>", b"<text:s/>",
                  b"<text:s text:c='99999999'/>", b"<text:s text:c='-1'/>", b"<text:tab/>",
                  b"<text:line-break/>", b"<text:a>", b"</text:a>", b"<text:note>",
                  b"</text:note>", b"<text:h>", b"</text:h>", b" text:style-name='T1'",
                  b"<text:soft-page-break/>", b"<draw:frame>", b"<!ENTITY", b"&#x0;",
                  b" fo:language='en'", b"<office:annotation>", b"</office:annotation>"]


def _pick_pos(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def _mutate_bytes(rng: random.Random, data: bytes, tokens: list[bytes],
                  others: Sequence[bytes]) -> bytes:
    """1–8 random edits of ``data``."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(9)
        pos = _pick_pos(rng, bytes(buf))
        if op == 0 and buf:                        # change one byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op in (1, 2):                         # insert a token of the format
            tok = rng.choice(tokens if op == 1 else _COMMON_TOKENS)
            buf[pos:pos] = tok
        elif op == 3 and buf:                      # delete a range
            end = min(len(buf), pos + rng.choice((1, 2, 8, 64, 1024)))
            del buf[pos:end]
        elif op == 4 and buf:                      # repeat a range (nesting, long runs)
            end = min(len(buf), pos + rng.choice((1, 3, 16, 80)))
            buf[pos:pos] = bytes(buf[pos:end]) * rng.choice((2, 3, 10, 10, 100, 400))
        elif op == 5 and others:                   # splice in a piece of another input
            other = rng.choice(others)
            a = rng.randint(0, len(other))
            buf[pos:pos] = other[a:a + rng.choice((4, 32, 256, 4096))]
        elif op == 6 and buf:                      # truncate
            del buf[pos:]
        elif op == 7 and buf:                      # swap two ranges
            a, b = sorted((pos, rng.randint(0, len(buf))))
            n = min(rng.choice((1, 8, 64)), b - a)
            buf[a:a + n], buf[b - n:b] = buf[b - n:b], buf[a:a + n]
        else:                                      # one random character, any plane
            buf[pos:pos] = chr(rng.choice((rng.randrange(0x20, 0x7f), rng.randrange(0x80, 0x800),
                                           rng.randrange(0x800, 0xd800),
                                           rng.randrange(0x10000, 0x110000)))).encode()
        if len(buf) > MAX_INPUT:
            del buf[MAX_INPUT:]
    return bytes(buf)


def _rezip(rng: random.Random, data: bytes, fmt: str, others: Sequence[bytes]) -> bytes | None:
    """Mutate one member of a zip container and zip it again (None if ``data`` is no zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [(i, z.read(i)) for i in z.infolist()]
    except Exception:  # noqa: BLE001 - a mutated container: mutate its bytes instead
        return None
    if not members:
        return None
    xml = [k for k, (info, _) in enumerate(members) if info.filename.endswith(".xml")]
    k = rng.choice(xml or range(len(members)))
    info, body = members[k]
    members[k] = (info, _mutate_bytes(rng, body, _TOKENS[fmt], others))
    if rng.random() < 0.05:  # a member dropped or doubled
        members.pop(rng.randrange(len(members))) if rng.random() < 0.5 else \
            members.append(members[rng.randrange(len(members))])
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as z:
        warnings.simplefilter("ignore")  # a doubled member is meant
        for info, body in members:
            z.writestr(info, body)
    return buf.getvalue()


def mutate(rng: random.Random, fmt: str, corpus: Sequence[bytes]) -> bytes:
    """A new input for ``fmt`` from one input of ``corpus`` (seeds and kept inputs)."""
    data = rng.choice(corpus)
    if fmt in ("docx", "odt") and rng.random() < 0.85:
        out = _rezip(rng, data, fmt, corpus)
        if out is not None:
            return out
    return _mutate_bytes(rng, data, _TOKENS[fmt], corpus)


# -- fixtures ---------------------------------------------------------------------------
def fixture_name(fmt: str, data: bytes) -> str:
    return f"{fmt}-{hashlib.sha1(data).hexdigest()[:16]}.bin"


def load_expected() -> dict[str, dict]:
    """file name → {"format", "kind", "error", "message", "found"} of every kept input."""
    if not EXPECTED.exists():
        return {}
    return json.loads(EXPECTED.read_text())


def keep(fmt: str, data: bytes, found: str) -> str:
    """Keep an input that failed as a fixture (its expected outcome is filled in once it
    is fixed, by ``bench/fuzz.py --update-fixtures``); returns its file name."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    name = fixture_name(fmt, data)
    (FIXTURES / name).write_bytes(data)
    table = load_expected()
    entry = table.setdefault(name, {"format": fmt, "kind": "", "error": "", "message": ""})
    entry["found"] = found
    EXPECTED.write_text(json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return name


__all__ = ["FORMATS", "SEEDS", "Identity", "Outcome", "outcome", "mutate", "keep",
           "load_expected", "fixture_name", "FIXTURES"]
