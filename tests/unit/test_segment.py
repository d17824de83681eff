import pytest

from omset.text.segment import pieces, split_edges, split_sentences

TEXTS = [
    "",
    "\n\n",
    "Overskrift uten punktum\nBrødtekst her.\n",
    "Linje som er\nbrutt midt i setningen.\n\n\n  Innrykk  \r\n- punkt\n- punkt to",
    "Bare én linje",
    "  \t \n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_pieces_give_the_text_back_exactly(text):
    for by_line in (False, True):
        assert "".join(p.text for p in pieces(text, by_line=by_line)) == text


def test_headline_is_its_own_segment():
    segs = [p.text for p in pieces("Ventetiden har økt kraftig\nPasienter må vente.\n") if p.translate]
    assert segs == ["Ventetiden har økt kraftig", "Pasienter må vente."]


def test_wrapped_lines_stay_one_segment():
    segs = [p.text for p in pieces("Dette er en setning som\nfortsetter her.\n") if p.translate]
    assert segs == ["Dette er en setning som\nfortsetter her."]


def test_by_line_makes_every_nonblank_line_a_segment():
    segs = [p.text for p in pieces("en setning som\nfortsetter\n\nny", by_line=True) if p.translate]
    assert segs == ["en setning som", "fortsetter", "ny"]


def test_split_edges():
    assert split_edges("  hei \n") == ("  ", "hei", " \n")
    assert split_edges("   ") == ("   ", "", "")


def test_split_sentences_keeps_text_and_never_cuts_a_sentence():
    text = " ".join(f"Setning nummer {i} er her." for i in range(40))
    chunks = split_sentences(text, 100)
    assert "".join(chunks) == text
    assert len(chunks) > 3
    for c in chunks[::2]:
        assert c.endswith(".")
    assert split_sentences("Kort.", 100) == ["Kort."]
