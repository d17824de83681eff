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


@pytest.mark.parametrize("one_sentence", [
    "Det sa professor Kjell G. Salvanes til avisa",
    "Han ringte dr. Hansen om saka",
    "Møtet er i rom nr. 5 på huset",
    "Det gjeld bl.a. Oslo og Bergen",
    "Vi møtest kl. 10 i morgon",
])
def test_split_sentences_does_not_cut_after_an_initial_or_abbreviation(one_sentence):
    # the words on each side of the full stop are one sentence: a cut there would
    # make Apertium read the name after it as a sentence start
    filler = " ".join(f"Setning nummer {i} er her." for i in range(6))
    text = f"{filler} {one_sentence}. {filler}"
    chunks = split_sentences(text, 10)
    assert "".join(chunks) == text
    assert any(one_sentence + "." in c for c in chunks[::2]), chunks
    assert len(chunks) > 3  # the real sentence ends around it are still cut


def test_sentence_breaks_stay_linear_on_long_text():
    # the abbreviation check looks at a few characters before each break, never the
    # whole text before it
    import time
    text = "A. " * 200_000
    started = time.process_time()
    split_sentences(text, 100)
    assert time.process_time() - started < 5
