from omset.engine.stream import decode, decode_text, encode, escape
from omset.model import Markup


def test_escape_special_characters():
    assert escape("a[b]^c$d/e@f<g>{h}\\i") == "a\\[b\\]\\^c\\$d\\/e\\@f\\<g\\>\\{h\\}\\\\i"


def test_encode_turns_whitespace_into_superblanks_and_ends_sentence():
    # a sentence end before (the lead) and after (the sentinel) every segment
    assert encode("a b\nc  d\te") == ".[]a b[\n]c[  ]d[\t]e.[][]"


def test_the_lead_dot_and_its_unit_span_go_away():
    spans: dict[int, tuple[int, int]] = {}
    raw = "[[u:0]].[[/]][][[u:1]]Hei[[/]] [[u:2]]der[[/]][[u:3]].[[/]][][]"
    assert decode_text(raw, spans=spans) == "Hei der"
    assert spans == {0: (0, 0), 1: (0, 3), 2: (4, 7), 3: (7, 7)}


def test_decode_inverts_encode_for_an_untouched_stream():
    text = "Tekst med [klammer], ^tegn$ og / \\ @ <x> {y}\n\tog  mer"
    assert decode_text(encode(text)) == text


def test_decode_removes_unescaped_at_marks_but_keeps_escaped_at():
    assert decode_text("@ukjent og \\@handle.[]") == "ukjent og @handle"
    assert decode_text("@ukjent.[]", strip_marks=False) == "@ukjent"


def test_decode_drops_stream_commands_and_wordbound_blanks():
    assert decode_text("[<STREAMCMD:SETVAR:x>]Hei[[t:b:1]] der.[]") == "Hei der"


def test_markup_comes_back_as_the_same_objects_where_apertium_put_it():
    b, eb = Markup("<b>"), Markup("</b>")
    parts = ["Ein ", b, "fin", eb, " dag."]
    raw = encode(parts)
    assert "<b>" not in raw  # markup travels as an index only
    # Simulate Apertium moving the closing tag one word on.
    tag = raw[raw.index("[", raw.index("fin")):raw.index("]", raw.index("fin")) + 1]
    moved = raw.replace(tag, "")
    moved = moved.replace(" dag", " dag" + tag)
    out = decode(moved, parts)
    assert out.count(b) == 1 and out.count(eb) == 1
    assert out[-2] is eb


def test_trim_removes_blanks_apertium_leaves_at_the_ends():
    # `I løpet av de siste` → Apertium deletes the first words, the blank stays
    spans: dict[int, tuple[int, int]] = {}
    raw = " [[u:0]]dei[[/]] [[u:1]]siste[[/]] .[][]"
    assert decode_text(raw, spans=spans) == " dei siste "
    spans.clear()
    assert decode_text(raw, spans=spans, trim=True) == "dei siste"
    assert spans == {0: (0, 3), 1: (4, 9)}
    # markup at an end is never trimmed into
    b = Markup("<b>")
    assert decode(" x[\ue0001\ue001] .[][]", ["x", b], trim=True) == ["x", b]


def test_allocator_only_for_token_level_stages(monkeypatch, tmp_path):
    from omset.engine import modes
    lib = tmp_path / "libfake.so"
    lib.write_bytes(b"")
    monkeypatch.setenv("OMSET_MALLOC", str(lib))
    modes.allocator.cache_clear()
    try:
        assert modes.with_allocator("lsx-proc -z x.bin") == f"env LD_PRELOAD={lib} lsx-proc -z x.bin"
        assert modes.with_allocator("cg-proc -z g.bin") == "cg-proc -z g.bin"
        monkeypatch.setenv("OMSET_MALLOC", "system")
        modes.allocator.cache_clear()
        assert modes.with_allocator("lsx-proc -z x.bin") == "lsx-proc -z x.bin"
    finally:
        modes.allocator.cache_clear()


def test_a_blank_apertium_writes_twice_comes_back_once():
    # a transfer rule of nob-nno writes the line break after `økt` twice
    # (`jeg økt⏎  huset` → `eg [⏎  ]auka[⏎  ]huset`): the copy that touches another
    # blank is dropped, so the layout keeps its lines
    sent = ["jeg økt\n  huset"]
    assert decode(".[]eg [\n  ]auka[\n  ]huset.[][]", sent) == ["eg auka\n  huset"]
    # as often as it was sent, and between two words: left alone
    sent = ["a\n  b\n  c"]
    assert decode(".[]x[\n  ]y[\n  ]z.[][]", sent) == ["x\n  y\n  z"]
    # a repeated blank between two words is never dropped (that would join them)
    assert decode(".[]x[\n  ]y[\n  ]z.[][]", ["a\n  b"]) == ["x\n  y\n  z"]
