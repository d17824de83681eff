"""Source-word alignment for the detailed API (pure Python, no engine)."""

import pytest

from omset.align import align


def test_identical_and_respelled_words_pair_up_in_order():
    out = align("Vi kommer hjem i morgen .", ["Me", "kjem", "heim", "i", "morgon", "."])
    assert out == ["Vi", "kommer", "hjem", "i", "morgen", "."]


def test_multiword_target_takes_as_many_source_words():
    assert align("De har lagt fram planen", ["Dei", "har", "lagt fram", "planen"]) == \
        ["De", "har", "lagt fram", "planen"]


def test_inserted_target_word_gets_no_source():
    out = align("Han kom", ["Han", "no", "kom"])
    assert out[0] == "Han" and out[2] == "kom" and out[1] is None


def test_punctuation_never_pairs_with_a_word():
    out = align("Ja, nei", ["Ja", "nei"])
    assert out == ["Ja", "nei"]


def test_empty_inputs():
    assert align("", ["a"]) == [None]
    assert align("a b", []) == []


def test_edit_distance_on_characters_and_words():
    from omset.align import edit_distance

    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("Vi kom heim".split(), "Me kom heim".split()) == 1
    assert edit_distance([], ["a", "b"]) == 2


def test_an_ordinal_is_not_a_changed_word():
    # the source word `12.` and the output token `12` (its stop a token of its own)
    from omset.result import Token
    assert not Token("12", 0, source="12.").changed
    assert not Token("Hus", 0, source="hus").changed
    assert Token("heim", 0, source="hjem").changed
    assert Token("12", 0, source="13.").changed


def _rebuilt(a, b, ops):
    """``b`` rebuilt from ``a`` by the opcodes, which must cover both in order."""
    out, i, j = [], 0, 0
    for op, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)
        if op == "equal":
            assert a[i1:i2] == b[j1:j2]
        out += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    return out


@pytest.mark.parametrize("n", [10, 300, 60_000])
def test_diff_of_repetitive_text_is_whole_and_fast(n):
    # difflib alone needs time in the product of the lengths here (16 kB: 2.6 s)
    import time

    from omset.align import diff

    a = ["e", ","] * n
    b = list(a)
    b[3], b[n] = "g", "f"
    started = time.process_time()
    ops = diff(a, b)
    assert time.process_time() - started < 2
    assert _rebuilt(a, b, ops) == b


def test_diff_beyond_its_bound_still_covers_inserts_and_deletes():
    from omset.align import diff

    a = ["x"] * 3000
    for b in (["x"] * 2000, ["x"] * 4000, ["y"] * 2500, []):
        assert _rebuilt(a, b, diff(a, b)) == b
