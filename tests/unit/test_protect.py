import pytest

from omset.model import Protected
from omset.text.protect import join, protect


@pytest.mark.parametrize("text,kind", [
    ("Se https://www.nrk.no/norge/a-1.2345?x=1 nå", "url"),
    ("Skriv til tips@nrk.no i dag", "email"),
    ("Følg @NRKnyheter her", "handle"),
    ("Bruk #valg2025 her", "hashtag"),
    ("Kjør `pip install omset` her", "code"),
    ("Filen ligger i /usr/local/bin her", "path"),
    ("Kall foo_bar() her", "identifier"),
])
def test_each_kind_is_protected_and_text_is_kept(text, kind):
    parts = protect(text)
    assert join(parts) == text
    kinds = [p.kind for p in parts if isinstance(p, Protected)]
    assert kinds == [kind]


def test_sentence_punctuation_is_not_swallowed():
    parts = protect("Les https://nrk.no/a. Og /usr/bin/x, takk.")
    assert [p.text for p in parts if isinstance(p, Protected)] == ["https://nrk.no/a", "/usr/bin/x"]


def test_titles_only_on_request_and_not_quotations():
    text = "Han leste «Kvinnen som visste for mye» og sa «Dette er bra.»"
    assert not any(isinstance(p, Protected) for p in protect(text))
    parts = protect(text, keep_titles=True)
    assert [p.text for p in parts if isinstance(p, Protected)] == ["«Kvinnen som visste for mye»"]


def test_plain_text_is_one_part():
    assert protect("Ingen ting å beskytte her.") == ["Ingen ting å beskytte her."]
