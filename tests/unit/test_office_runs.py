"""The paragraph ↔ segment mapping of the office formats (omset/formats/runs.py)."""

from __future__ import annotations

from omset.model import Markup
from omset.formats.runs import Flat, LangTags, Piece


def texts(pieces):
    return [(p.text, p.key) if p.text is not None else ("<obj>", p.obj) for p in pieces]


def test_format_switches_become_markup_between_words():
    flat = Flat([Piece("Han er ", "n"), Piece("veldig", "b"), Piece(" glad.", "n")])
    assert [p if isinstance(p, str) else "M" for p in flat.parts] == ["Han er ", "M", "veldig", "M", " glad."]
    assert flat.has_markup and flat.has_text


def test_restore_follows_the_markup_where_apertium_put_it():
    flat = Flat([Piece("Han er ", "n"), Piece("veldig", "b"), Piece(" glad.", "n")])
    m1, m2 = [p for p in flat.parts if isinstance(p, Markup)]
    # a translation that moved the bold switch one word to the left
    out = flat.restore(["Han ", m1, "er svært", m2, " glad."])
    assert texts(out) == [("Han ", "n"), ("er svært", "b"), (" glad.", "n")]


def test_same_formatting_merges_and_boundaries_leave_words():
    flat = Flat([Piece("Syke", "b"), Piece("hus", "b2"), Piece(None, "o", obj="bm"),
                 Piece("et er ", "b2"), Piece("stort", "b2")])
    assert flat.parts[0] == "Sykehuset"
    assert texts(flat.pieces) == [("Sykehuset", "b"), ("<obj>", "bm"), (" er stort", "b2")]


def test_lost_opaque_markup_is_put_back_at_the_end_and_duplicates_once():
    flat = Flat([Piece("Hei ", "n"), Piece(None, "o", obj="fn"), Piece(" du.", "n")])
    (m,) = [p for p in flat.parts if isinstance(p, Markup)]
    assert texts(flat.restore(["Hei du."])) == [("Hei du.", "n"), ("<obj>", "fn")]
    assert texts(flat.restore([m, "Hei", m, " du."])) == [("<obj>", "fn"), ("Hei du.", "n")]


def test_paragraph_of_only_markup_has_no_text():
    assert not Flat([Piece(None, "o", obj=1), Piece("  ", "n")]).has_text


def test_language_tags():
    tags = LangTags("nb", "nn")
    assert tags.tag == "nn-NO"
    assert tags.matches("nb-NO") and tags.matches("no_NO") and tags.matches("NB")
    assert not tags.matches("en-GB") and not tags.matches(None) and not tags.matches("nn-NO")
    assert LangTags("nn", "nb").matches("nn-NO")


def test_a_dropped_formatted_word_leaves_one_space():
    flat = Flat([Piece("i Stortinget ", "n"), Piece("i", "b"), Piece(" forrige uke.", "n")])
    m1, m2 = [p for p in flat.parts if isinstance(p, Markup)]
    assert texts(flat.restore(["i Stortinget ", m1, m2, " førre veke."])) == \
        [("i Stortinget førre veke.", "n")]
    spaced = Flat([Piece("a  b ", "n"), Piece("c", "b"), Piece(" d", "n")])
    m1, m2 = [p for p in spaced.parts if isinstance(p, Markup)]
    assert texts(spaced.restore(["a  b ", m1, m2, " d"])) == [("a  b  d", "n")]


def test_long_paragraphs_are_cut_at_sentence_ends_like_plain_text():
    from omset.text.segment import split_parts, split_sentences

    first = "Han kom hjem i går etter en lang dag på jobben i byen. " * 3
    flat = Flat([Piece(first, "n"), Piece("Vi", "b"), Piece(" kom også. " + "Alle kom. " * 20, "n")])
    cut = split_parts(flat.parts, 120)
    chunks = [c for c in cut if isinstance(c, list)]
    assert len(chunks) > 2
    joined = "".join(p if isinstance(p, str) else ""
                     for c in cut for p in (c if isinstance(c, list) else [c]))
    assert joined == "".join(p for p in flat.parts if isinstance(p, str))
    text_cut = ["".join(p for p in c if isinstance(p, str)) if isinstance(c, list) else c for c in cut]
    assert text_cut == split_sentences(joined, 120)
    assert sum(1 for c in chunks for p in c if isinstance(p, Markup)) == 2
    assert split_parts(flat.parts, 10_000) == [flat.parts]


def test_a_copied_switch_counts_where_apertium_put_it_last():
    # Apertium's transfer copies the closing superblank before and after the word
    flat = Flat([Piece("tall fra ", "n"), Piece("Hdir", "a", anchor=True), Piece(" som", "n")])
    m1, m2 = [p for p in flat.parts if isinstance(p, Markup)]
    out = flat.restore(["tal frå ", m1, m2, " Hdir", m2, " som"])
    assert texts(out) == [("tal frå ", "n"), ("Hdir", "a"), (" som", "n")]


def test_a_link_left_without_words_takes_the_next_word():
    flat = Flat([Piece("fra ", "n"), Piece("Hdir", "a", anchor=True), Piece(" som", "n")])
    m1, m2 = [p for p in flat.parts if isinstance(p, Markup)]
    assert texts(flat.restore(["frå ", m1, m2, " Hdir som"])) == \
        [("frå ", "n"), ("Hdir", "a"), (" som", "n")]
    # without the anchor (bold) a dropped word's formatting may go
    bold = Flat([Piece("fra ", "n"), Piece("Hdir", "b"), Piece(" som", "n")])
    b1, b2 = [p for p in bold.parts if isinstance(p, Markup)]
    assert texts(bold.restore(["frå ", b1, b2, " Hdir som"])) == [("frå Hdir som", "n")]


def test_a_word_formatted_in_part_gets_its_parts_back_when_unchanged():
    flat = Flat([Piece("Han la ", "n"), Piece("Syke", "b"), Piece("huset ned.", "n")])
    assert flat.parts[2] == "Sykehuset"
    m1, m2 = [p for p in flat.parts if isinstance(p, Markup)]
    out = flat.restore(["Han la ", m1, "Sykehuset", m2, " ned."])
    assert texts(out) == [("Han la ", "n"), ("Syke", "b"), ("huset ned.", "n")]
    # a changed word keeps the formatting of its first part
    out = flat.restore(["Han la ", m1, "Sjukehuset", m2, " ned."])
    assert texts(out) == [("Han la ", "n"), ("Sjukehuset", "b"), (" ned.", "n")]


def test_a_pinned_piece_stays_inside_its_word():
    flat = Flat([Piece("Utslipp av CO", "n"), Piece(None, "o", obj="2", pinned=True),
                 Piece(" øker, H", "n"), Piece(None, "o", obj="₂", pinned=True), Piece("O", "n")])
    assert [p if isinstance(p, str) else "M" for p in flat.parts] == \
        ["Utslipp av CO", "M", " øker, H", "M", "O"]
