"""Localisation and subtitle formats, end to end on the real engine.

Every fixture is written here. Expected translations are never hard-coded: a message
without placeholders must come out exactly as the plain-text engine translates it
(``tr.translate``), and everything that is not message text must come back unchanged.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter

import polib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from omset.formats import FormatError, Options, translate_document
from omset.formats.placeholders import placeholders_of, split, translate_messages

# -- placeholders -------------------------------------------------------------------------


@pytest.mark.parametrize("message, kept", [
    ("Filen %s finnes ikke.", ["%s"]),
    ("%(name)s har slettet %1$s filer, 5 % av dem", ["%(name)s", "%1$s"]),
    ("Hei {{name}}, du har {count} nye meldinger", ["{{name}}", "{count}"]),
    ("$t(app.name) er klar, %{user}", ["$t(app.name)", "%{user}"]),
    ("Klikk <a href=\"x\">her</a> for &amp; mer\\nNeste linje", ['<a href="x">', "</a>", "&amp;", "\\n"]),
    ("%PRODUCTNAME kunne ikke åpne $(ARG1)", ["%PRODUCTNAME", "$(ARG1)"]),
])
def test_placeholders_are_recognised(message, kept):
    assert placeholders_of(message) == kept
    assert "".join(p if isinstance(p, str) else p.text for p in split(message)) == message


def test_messages_without_placeholders_translate_as_plain_text(nb_nn):
    msgs = ["Filen ble lagret.", "Vil du lukke vinduet?", "Jeg kommer hjem i kveld."]
    assert translate_messages(nb_nn, msgs) == [nb_nn.translate(m) for m in msgs]


def test_placeholder_stays_by_its_words(nb_nn):
    out = translate_messages(nb_nn, ["Filen %s finnes ikke.", "Du har {count} nye meldinger"])
    assert out[0] == nb_nn.translate("Filen X finnes ikke.").replace("X", "%s")
    assert out[1].startswith(nb_nn.translate("Du har").rstrip(".") + " {count} ")


def test_a_placeholder_apertium_copies_comes_back_once(nb_nn):
    # Apertium's transfer emits the superblank after «av totalt» twice
    out = translate_messages(nb_nn, ["(av totalt {X} oppføringer funnet)", "av totalt %d filer"])
    assert out[0] == nb_nn.translate("(av totalt 5 oppføringer funnet)").replace("5", "{X}")
    assert out[1] == nb_nn.translate("av totalt 5 filer").replace("5", "%d")


def test_icu_plural_keeps_skeleton_and_translates_branches(nb_nn):
    msg = "Du har {count, plural, one {# ny melding} other {# nye meldinger}}."
    out = translate_messages(nb_nn, [msg])[0]
    one, other = nb_nn.translate_batch(["ny melding", "nye meldinger"])
    assert out.endswith("{count, plural, one {# " + one + "} other {# " + other + "}}.")
    assert "meldingar" in out  # the branch really was translated


def test_accelerator_is_kept_on_the_translated_word(nb_nn):
    plain = translate_messages(nb_nn, ["Ta med verdier fra skjulte celler", "Åpne fil"])
    out = translate_messages(nb_nn, ["Ta med _verdier fra skjulte celler", "&Åpne fil"])
    # the marker does not change the translation, and sits where the rule says
    for o, p, marker in zip(out, plain, "_&"):
        assert o.count(marker) == 1 and o.replace(marker, "", 1) == p
    word = plain[0].split()[2]                      # verdier's translation
    assert f"_{word}" in out[0] and word.startswith("v")
    assert out[1] == "&" + plain[1]                 # Å is gone: start of the word


WORDS = ["Filen", "ble", "lagret", "og", "flere", "meldinger", "kommer", "hjem", "i", "dag",
         "Vil", "du", "lukke", "vinduet", "nye", "brukere"]
HOLDERS = ["%s", "%d", "%1$s", "%(name)s", "{0}", "{count}", "{{name}}", "$t(key)",
           "%{name}", "<b>", "</b>", "<br/>", "\\n", "%PRODUCTNAME", "&amp;"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(HOLDERS)),
                         min_size=1, max_size=12), min_size=1, max_size=8))
def test_property_placeholders_survive_exactly(nb_nn, messages):
    texts = [" ".join(m) + "." for m in messages]
    for src, out in zip(texts, translate_messages(nb_nn, texts)):
        assert Counter(placeholders_of(out)) == Counter(placeholders_of(src)), (src, out)
        for h in placeholders_of(src):
            assert h in out


# -- gettext PO ---------------------------------------------------------------------------

NB_PO = r'''# Bokmål translation of Demo.
msgid ""
msgstr ""
"Project-Id-Version: demo 1.0\n"
"Language-Team: Norwegian Bokmål <i18n-nb@example.org>\n"
"Language: nb\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#. Shown when saving worked
#: src/save.c:10
msgid "The file was saved."
msgstr "Filen ble lagret."

#: src/main.c:42
#, c-format
msgid "The file %s does not exist."
msgstr "Filen %s finnes ikke."

#, c-format
msgid "%d file was deleted"
msgid_plural "%d files were deleted"
msgstr[0] "%d fil ble slettet"
msgstr[1] "%d filer ble slettet"

msgid "Untranslated"
msgstr ""

msgctxt "menu"
msgid "_Open the window"
msgstr "_Åpne vinduet"

msgid "Do you want to close the window?"
msgstr "Vil du lukke vinduet?"

#~ msgid "Old"
#~ msgstr "Jeg kommer hjem"
'''


def _po(data: bytes) -> polib.POFile:
    from omset.formats.po import parse

    return parse(data.decode("utf-8"))


def test_po_round_trip(nb_nn):
    src = _po(NB_PO.encode())
    out = _po(translate_document(NB_PO.encode(), "po", nb_nn))
    assert [(e.msgctxt, e.msgid, e.msgid_plural, e.obsolete) for e in out] == \
           [(e.msgctxt, e.msgid, e.msgid_plural, e.obsolete) for e in src]
    for a, b in zip(src, out):
        assert (a.comment, a.tcomment, a.occurrences) == (b.comment, b.tcomment, b.occurrences)
        if a.obsolete or not (a.msgstr or a.msgstr_plural):
            assert (b.msgstr, b.flags) == (a.msgstr, a.flags)       # left alone
            continue
        assert b.flags == a.flags + ["fuzzy"]
        if not placeholders_of(a.msgstr) and not a.msgid_plural and "_" not in a.msgstr:
            assert b.msgstr == nb_nn.translate(a.msgstr)
    by_id = {e.msgid: e for e in out}
    assert by_id["The file %s does not exist."].msgstr.count("%s") == 1
    plural = by_id["%d file was deleted"].msgstr_plural
    assert sorted(plural) == [0, 1] and all(v.startswith("%d ") for v in plural.values())
    assert plural[1] == nb_nn.translate("X filer ble slettet").replace("X", "%d")
    assert by_id["_Open the window"].msgstr.startswith("_")
    assert out.metadata["Language"] == "nn"
    assert out.metadata["Language-Team"] == "Norwegian Nynorsk"
    assert out.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert out.metadata["Project-Id-Version"] == "demo 1.0"


def test_po_nynorsk_to_bokmal(nn_nb):
    nn_po = NB_PO.replace("Language: nb", "Language: nn").replace("Filen ble lagret.", "Fila vart lagra.")
    out = _po(translate_document(nn_po.encode(), "po", nn_nb))
    assert out.metadata["Language"] == "nb"
    assert out.metadata["Language-Team"] == "Norwegian Bokmål"
    assert out[0].msgstr == nn_nb.translate("Fila vart lagra.")


def test_po_no_fuzzy(nb_nn):
    out = _po(translate_document(NB_PO.encode(), "po", nb_nn, options=Options(fuzzy=False)))
    assert not any("fuzzy" in e.flags for e in out)


@pytest.mark.parametrize("text, message", [
    ('msgid ""\nmsgstr ""\n"Language: \\n"\n\nmsgid "Hello"\nmsgstr ""\n', "POT template"),
    ('msgid "a"\nmsgstr "b"\nmsgstr "c"\nbroken', "not a valid gettext file"),
    ("/etc/passwd", "not a valid gettext file"),
    ('msgid ""\nmsgstr ""\n"Language: nn\\n"\n\nmsgid "Hello"\nmsgstr "Hei"\n', "Language: nn"),
])
def test_po_bad_input_is_refused(nb_nn, text, message):
    with pytest.raises(FormatError, match=message):
        translate_document(text.encode(), "po", nb_nn)


def test_po_in_latin1_is_read_in_its_charset_and_written_as_utf8(nb_nn, tmp_path):
    """A catalogue that declares ISO-8859-1 (as psmisc and wget-gnulib ship) is read in
    that charset, translated, and written as UTF-8 with the header saying so; msgfmt
    accepts the result."""
    latin1 = (NB_PO.replace("charset=UTF-8", "charset=ISO-8859-1")
              .replace('msgid "Untranslated"', 'msgid "\u00a9 Untranslated"'))
    data = latin1.encode("iso-8859-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")                      # (really not UTF-8)
    out_bytes = translate_document(data, "po", nb_nn)
    out = _po(out_bytes)                          # decodes as UTF-8
    src = _po(latin1.encode("utf-8"))
    assert [(e.msgctxt, e.msgid) for e in out] == [(e.msgctxt, e.msgid) for e in src]
    assert "\u00a9 Untranslated" in [e.msgid for e in out]
    assert out.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    by_id = {e.msgid: e.msgstr for e in out}
    assert by_id["The file was saved."] == nb_nn.translate("Filen ble lagret.")
    assert by_id["_Open the window"].startswith("_") and "\ufffd" not in out_bytes.decode()
    if shutil.which("msgfmt"):
        (tmp_path / "nn.po").write_bytes(out_bytes)
        r = subprocess.run(["msgfmt", "-c", "--check-format", "-o", "/dev/null",
                            str(tmp_path / "nn.po")], capture_output=True, check=False)
        assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("charset, message", [
    ("UTF-8", "not valid UTF-8"),               # Latin-1 bytes in a catalogue saying UTF-8
    ("KOI-NOTHING", "unknown charset 'KOI-NOTHING'"),
])
def test_po_in_a_charset_it_is_not_is_refused(nb_nn, charset, message):
    data = NB_PO.replace("charset=UTF-8", f"charset={charset}").encode("iso-8859-1")
    with pytest.raises(FormatError, match=message):
        translate_document(data, "po", nb_nn)


# -- XLIFF --------------------------------------------------------------------------------

XLIFF12 = '''<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="nb" datatype="plaintext" original="app">
    <body>
      <trans-unit id="saved">
        <source>Filen ble lagret.</source>
      </trans-unit>
      <trans-unit id="click">
        <source>Klikk <g id="1">her</g> for å lukke vinduet<x id="2"/>.</source>
        <target state="new"/>
        <note>A button</note>
      </trans-unit>
      <trans-unit id="done">
        <source>Jeg kommer hjem.</source>
        <target state="final">Eg kjem heim att.</target>
      </trans-unit>
      <trans-unit id="code" translate="no">
        <source>Ikke oversett</source>
      </trans-unit>
    </body>
  </file>
</xliff>
'''

XLIFF20 = '''<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="nb">
  <file id="f1">
    <unit id="u1">
      <segment>
        <source>Vil du <pc id="1">lukke</pc> vinduet?</source>
      </segment>
      <segment>
        <source>Filen ble lagret<ph id="2"/>.</source>
      </segment>
    </unit>
  </file>
</xliff>
'''
NS12 = "{urn:oasis:names:tc:xliff:document:1.2}"
NS20 = "{urn:oasis:names:tc:xliff:document:2.0}"


def _text_of(el) -> str:
    return "".join(el.itertext())


def test_xliff12_round_trip(nb_nn):
    out = etree.fromstring(translate_document(XLIFF12.encode(), "xliff", nb_nn))
    src = etree.fromstring(XLIFF12.encode())
    assert [u.get("id") for u in out.iter(NS12 + "trans-unit")] == \
           [u.get("id") for u in src.iter(NS12 + "trans-unit")]
    assert [etree.tostring(s, with_tail=False) for s in out.iter(NS12 + "source")] == \
           [etree.tostring(s, with_tail=False) for s in src.iter(NS12 + "source")]
    assert out.find(NS12 + "file").get("target-language") == "nn"
    units = {u.get("id"): u for u in out.iter(NS12 + "trans-unit")}
    saved = units["saved"].find(NS12 + "target")
    assert saved.text == nb_nn.translate("Filen ble lagret.")
    assert saved.get("state") == "needs-review-translation"
    click = units["click"].find(NS12 + "target")
    assert [(c.tag, dict(c.attrib)) for c in click] == [(NS12 + "g", {"id": "1"}),
                                                        (NS12 + "x", {"id": "2"})]
    assert _text_of(click) == nb_nn.translate("Klikk her for å lukke vinduet.")
    assert units["click"].find(NS12 + "note").text == "A button"
    assert _text_of(units["done"].find(NS12 + "target")) == "Eg kjem heim att."   # human: kept
    assert units["code"].find(NS12 + "target") is None


def test_xliff20_round_trip_and_no_fuzzy(nb_nn):
    data = translate_document(XLIFF20.encode(), "xliff", nb_nn, options=Options(fuzzy=False))
    out = etree.fromstring(data)
    assert out.get("trgLang") == "nn" and out.get("srcLang") == "nb"
    segs = list(out.iter(NS20 + "segment"))
    assert [s.get("state") for s in segs] == ["translated", "translated"]
    assert all(s.get("subState") is None for s in segs)
    first = segs[0].find(NS20 + "target")
    assert [c.tag for c in first] == [NS20 + "pc"]
    assert _text_of(first) == nb_nn.translate("Vil du lukke vinduet?")
    second = segs[1].find(NS20 + "target")
    assert [c.tag for c in second] == [NS20 + "ph"] and second[0].tail == "."


def test_xliff_with_bokmal_targets_is_translated_in_place(nb_nn):
    doc = XLIFF12.replace('source-language="nb"', 'source-language="en" target-language="nb"') \
        .replace("<source>Filen ble lagret.</source>",
                 "<source>The file was saved.</source><target>Filen ble lagret.</target>")
    out = etree.fromstring(translate_document(doc.encode(), "xliff", nb_nn))
    tgt = next(out.iter(NS12 + "target"))
    assert tgt.text == nb_nn.translate("Filen ble lagret.")
    assert out.find(NS12 + "file").get("target-language") == "nn"


LAUGHS = '''<?xml version="1.0"?>
<!DOCTYPE xliff [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xliff version="1.2"><file source-language="nb"><body>
<trans-unit id="1"><source>&lol3;</source></trans-unit></body></file></xliff>
'''
XXE = '''<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xliff version="1.2"><file source-language="nb"><body>
<trans-unit id="1"><source>&xxe;</source></trans-unit></body></file></xliff>
'''


@pytest.mark.parametrize("doc", [LAUGHS, XXE, "<xliff version='1.2'><file>",
                                 "<html><body>Hei</body></html>"])
def test_xliff_hostile_or_broken_is_refused(nb_nn, doc):
    with pytest.raises(FormatError) as info:
        translate_document(doc.encode(), "xliff", nb_nn)
    assert "root:" not in str(info.value)  # nothing of /etc/passwd


# -- JSON and YAML ------------------------------------------------------------------------

NB_JSON = '''{
\t"app": {
\t\t"saved": "Filen ble lagret.",
\t\t"files_one": "Du har {{count}} fil",
\t\t"files_other": "Du har {{count}} filer",
\t\t"icu": "{count, plural, one {# ny melding} other {# nye meldinger}}",
\t\t"list": ["Vil du lukke vinduet?", 3, true, null]
\t},
\t"empty": ""
}
'''


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, path + (i,))
    else:
        yield path, node


def test_json_round_trip(nb_nn):
    data = translate_document(NB_JSON.encode(), "json", nb_nn)
    text = data.decode()
    assert text.startswith('{\n\t"app": {\n\t\t"saved": ') and text.endswith("}\n")
    src, out = json.loads(NB_JSON), json.loads(text)
    pairs = list(zip(_leaves(src), _leaves(out)))
    assert [a[0] for a, _ in pairs] == [b[0] for _, b in pairs]      # same keys, same order
    for (_path, a), (_, b) in pairs:
        if not isinstance(a, str) or not a:
            assert a == b
        elif not placeholders_of(a):
            assert b == nb_nn.translate(a)
        else:
            assert Counter(placeholders_of(b)) == Counter(placeholders_of(a))
    assert out["app"]["icu"].startswith("{count, plural, one {# ")


NB_YAML = '''# Rails-meldinger
nb:
  defaults: &defaults
    saved: "Filen ble lagret."   # etter lagring
    close: 'Vil du lukke vinduet?'
  activerecord:
    <<: *defaults
    errors:
      too_long: "er for lang (maksimalt %{count} tegn)"
  body: |
    Filen ble lagret.
    Jeg kommer hjem.
  same: &s Jeg kommer hjem.
  again: *s
  days:
    - Søndag
    - Mandag
  count: 3
'''


def test_yaml_rails_round_trip(nb_nn):
    out = translate_document(NB_YAML.encode(), "yaml", nb_nn).decode()
    src_lines, out_lines = NB_YAML.splitlines(), out.splitlines()
    assert len(out_lines) == len(src_lines)
    assert out_lines[1] == "nn:"
    # everything but the translated values is byte-identical: keys, comments, quoting,
    # anchors, aliases, merge keys, block scalar indicator, list layout
    for a, b in zip(src_lines[2:], out_lines[2:]):
        key = re.match(r"\s*(- |[\w<]+: ?(&\w+ |\*\w+|\||\d+$)?)", a)
        if key:
            assert b.startswith(key.group()), (a, b)
    assert '# etter lagring' in out and "<<: *defaults" in out and "again: *s" in out
    tr = nb_nn.translate
    assert f'    saved: "{tr("Filen ble lagret.")}"' in out
    assert f"    close: '{tr('Vil du lukke vinduet?')}'" in out
    assert f"  same: &s {tr('Jeg kommer hjem.')}" in out
    assert '%{count}' in out and "  count: 3" in out


def test_yaml_alias_bomb_is_bounded(nb_nn):
    rows = ['a: &a ["Jeg kommer hjem.", "lol"]']
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(rows) + "\n"
    t0 = time.monotonic()
    out = translate_document(bomb.encode(), "yaml", nb_nn).decode()
    assert time.monotonic() - t0 < 30
    assert out.count("*") == bomb.count("*")            # aliases kept, never expanded
    assert nb_nn.translate("Jeg kommer hjem.") in out


@pytest.mark.parametrize("fmt, doc, message", [
    ("json", '{"a": "b",}', "JSON: .* line 1"),
    ("json", "[" * 100000, "JSON"),
    ("yaml", "a: [b\nc: d", "YAML"),
    ("yaml", "just a string", "not a message file"),
    ("yaml", "", "empty"),
])
def test_broken_message_files_are_refused(nb_nn, fmt, doc, message):
    with pytest.raises(FormatError, match=message):
        translate_document(doc.encode(), fmt, nb_nn)


# -- subtitles ----------------------------------------------------------------------------

NB_SRT = """1
00:00:01,000 --> 00:00:03,500
Jeg kommer hjem i kveld,
og flere av dem ble skadet.

2
00:00:04,000 --> 00:00:06,000
<i>Jeg kan ikke</i>

3
00:00:06,100 --> 00:00:08,000
huske det.

4
00:00:09,000 --> 00:00:10,000
{\\an8}Filen ble lagret.
"""

NB_VTT = """WEBVTT - norsk tekst
Kind: captions

NOTE Dette er en kommentar
som ikke skal oversettes

STYLE
::cue { color: yellow }

intro
00:00:01.000 --> 00:00:03.500 align:start position:10%
<v Kari>Jeg kommer hjem i kveld,
og flere av dem ble skadet.

00:00:04.000 --> 00:00:06.000 line:0
Filen ble <00:00:05.000>lagret.
"""


def test_srt_round_trip(nb_nn):
    import srt

    out_text = translate_document(NB_SRT.encode(), "srt", nb_nn).decode()
    src, out = list(srt.parse(NB_SRT)), list(srt.parse(out_text))
    assert [(c.index, c.start, c.end) for c in out] == [(c.index, c.start, c.end) for c in src]
    assert [len(c.content.split("\n")) for c in out] == [len(c.content.split("\n")) for c in src]
    tr = nb_nn.translate
    # a cue that is a whole sentence: as the plain-text engine translates it
    assert out[0].content.replace("\n", " ") == tr("Jeg kommer hjem i kveld, og flere av dem ble skadet.")
    assert out[3].content == "{\\an8}" + tr("Filen ble lagret.")
    # a sentence over two cues: translated together, split back at the cue boundary
    assert out[1].content.startswith("<i>") and out[1].content.endswith("</i>")
    joined = re.sub(r"</?i>", "", out[1].content) + " " + out[2].content
    assert joined == tr("Jeg kan ikke huske det.")
    # …which matters: alone, the second cue comes out differently (huske, not hugse)
    assert out[2].content != tr("huske det.")


def test_vtt_keeps_header_notes_styles_ids_and_settings(nb_nn):
    out = translate_document(NB_VTT.encode(), "vtt", nb_nn).decode()
    src_lines, out_lines = NB_VTT.splitlines(), out.splitlines()
    assert len(out_lines) == len(src_lines)
    changed = [i for i, (a, b) in enumerate(zip(src_lines, out_lines)) if a != b]
    assert changed == [11, 12, 15]                      # the cue text lines only
    assert out_lines[11].startswith("<v Kari>")
    assert "<00:00:05.000>" in out_lines[15]
    assert out_lines[15].replace("<00:00:05.000>", "") == nb_nn.translate("Filen ble lagret.")


@pytest.mark.parametrize("fmt, doc", [
    ("srt", "1\n00:00:01,000 --> soon\nHei\n"),
    ("srt", "1\nHei på deg\n"),
    ("vtt", "WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nHei\n"),
])
def test_broken_subtitles_are_refused(nb_nn, fmt, doc):
    with pytest.raises(FormatError, match="line"):
        translate_document(doc.encode(), fmt, nb_nn)


def test_media_types_of_the_two_format_modules():
    from omset.formats import media_type

    assert media_type("json").startswith("application/json")
    assert media_type("yaml").startswith("application/yaml")
    assert media_type("srt").startswith("application/x-subrip")
    assert media_type("vtt").startswith("text/vtt")
    assert media_type("po").startswith("text/x-gettext-translation")
    assert media_type("xliff").startswith("application/xliff+xml")


# -- command line -------------------------------------------------------------------------

CLI_CASES = {
    "nb.po": (NB_PO, lambda out: "Language: nn" in out and "#, fuzzy" not in out),
    "nb.xlf": (XLIFF12, lambda out: 'target-language="nn"' in out and 'state="translated"' in out),
    "nb.json": (NB_JSON, lambda out: "Fila vart lagra." in out or "Fila" in out),
    "nb.yml": (NB_YAML, lambda out: out.splitlines()[1] == "nn:"),
    "nb.srt": (NB_SRT, lambda out: "00:00:06,100 --> 00:00:08,000" in out),
    "nb.vtt": (NB_VTT, lambda out: out.startswith("WEBVTT - norsk tekst")),
}


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_cli_translates_each_format(apertium_installed, tmp_path, name):
    doc, check = CLI_CASES[name]
    src = tmp_path / name
    src.write_text(doc, encoding="utf-8")
    dst = tmp_path / name.replace("nb", "nn")
    r = subprocess.run([sys.executable, "-m", "omset", "translate", str(src), "-o", str(dst),
                        "--style", "apertium", "--no-fuzzy"], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    out = dst.read_text(encoding="utf-8")
    assert out != doc and check(out), out


def test_cli_refuses_a_pot_with_exit_2(apertium_installed, tmp_path):
    pot = tmp_path / "demo.pot"
    pot.write_text('msgid ""\nmsgstr ""\n\nmsgid "Hello"\nmsgstr ""\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "omset", "translate", str(pot), "-o",
                        str(tmp_path / "nn.po")], capture_output=True, timeout=300)
    assert r.returncode == 2 and b"POT" in r.stderr
    assert not (tmp_path / "nn.po").exists()
