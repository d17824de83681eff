"""Inline markers: nesting checks, space tidying, and the fallback when an answer breaks them."""

from __future__ import annotations

from omset.formats.inline import Builder, Marker, nests, tidy, translate_segments


def segment() -> tuple[list, Marker, Marker, Marker]:
    b = Builder()
    b.text("Jeg ")
    o = b.open("<b>")
    b.text("kommer")
    c = b.close("</b>")
    b.text(" hjem")
    v = b.void("<br>")
    return b.parts, o, c, v


def test_builder_pairs_and_merges_text():
    b = Builder()
    b.text("a")
    b.text("b")
    outer = b.open()
    inner = b.open()
    close_inner = b.close()
    close_outer = b.close()
    assert b.parts[0] == "ab"
    assert (close_inner.pair, close_outer.pair) == (inner.key, outer.key)
    assert Marker("<b>", 1, "open", 1) != Marker("<b>", 2, "open", 2)


def test_nests():
    parts, o, c, v = segment()
    assert nests(parts, ["Eg ", o, "kjem", c, " heim", v])
    assert nests(parts, [v, o, "kjem", c])
    assert not nests(parts, ["Eg ", c, "kjem", o, v])        # closed before opened
    assert not nests(parts, ["Eg ", o, "kjem", c])           # a marker lost
    assert not nests(parts, [o, o, c, v])                    # a marker twice


def test_crossed_pairs_do_not_nest():
    b = Builder()
    o1 = b.open()
    o2 = b.open()
    c2 = b.close()
    c1 = b.close()
    assert nests(b.parts, [o1, o2, "x", c2, c1])
    assert not nests(b.parts, [o1, o2, "x", c1, c2])


def test_tidy_moves_spaces_out_of_pairs():
    parts, o, c, v = segment()
    assert tidy(["Eg", o, " kjem ", c, "heim"]) == ["Eg ", o, "kjem", c, " heim"]
    assert tidy([o, " kjem", c]) == [" ", o, "kjem", c]
    assert tidy(["a ", "b", v, ""]) == ["a b", v]


class Reverser:
    """A stand-in translator that upper-cases text and, for segments with markers, returns
    them in reverse order (what a badly behaved engine could do)."""

    def __init__(self):
        self.calls: list[list] = []

    def translate_parts(self, segments):
        self.calls.append([list(s) for s in segments])
        out = []
        for seg in segments:
            up = [p.upper() if isinstance(p, str) else p for p in seg]
            if any(isinstance(p, Marker) for p in seg):
                up = list(reversed(up))
            out.append(up)
        return out


def test_an_answer_that_breaks_nesting_is_translated_run_by_run():
    parts, o, c, v = segment()
    fake = Reverser()
    (out,) = translate_segments(fake, [parts])  # type: ignore[arg-type]
    assert out == ["JEG ", o, "KOMMER", c, " HJEM", v]
    assert len(fake.calls) == 2 and fake.calls[1] == [["Jeg "], ["kommer"], [" hjem"]]


def test_an_answer_that_nests_is_kept_in_the_engines_order():
    b = Builder()
    b.text("a")
    v1 = b.void()
    b.text("b")
    v2 = b.void()
    fake = Reverser()
    (out,) = translate_segments(fake, [b.parts])  # type: ignore[arg-type]
    assert out == [v2, "B", v1, "A"] and len(fake.calls) == 1


def test_long_segments_are_cut_after_sentences_outside_pairs():
    from omset.text.segment import split_parts

    b = Builder()
    b.text("En to. Tre fire. ")
    b.open("<b>")
    b.text("Fem seks. Sju åtte. Ni ti.")
    b.close("</b>")
    b.text(" Elleve tolv. Tretten.")
    cut = split_parts(b.parts, 5)
    pieces = [c for c in cut if not isinstance(c, str)]
    assert [c for c in cut if isinstance(c, str)] == [" "] * (len(pieces) - 1)
    joined = [p if isinstance(p, str) else [p] for c in cut for p in (c if isinstance(c, list) else [c])]
    assert "".join(p for p in joined if isinstance(p, str)) == \
        "".join(p for p in b.parts if isinstance(p, str))       # nothing lost, nothing added
    assert pieces[0] == ["En to."] and pieces[1] == ["Tre fire."]
    assert sum(isinstance(p, Marker) for p in pieces[2]) == 2   # the pair is never cut
    assert pieces[-1] == ["Tretten."]
    assert split_parts(b.parts, 1000) == [b.parts]


def test_a_segment_without_markup_is_cut_as_plain_text_is():
    from omset.text.segment import split_parts, split_sentences

    text = "Dette er ei setning. " * 8 + "Og så ei til. Slutt."
    assert [c if isinstance(c, str) else "".join(c) for c in split_parts([text], 50)] == \
        split_sentences(text, 50)
