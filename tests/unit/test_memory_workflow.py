"""translate_text / store_approved with a small fake translator (real engine: integration)."""

from __future__ import annotations

import re

import pytest

from omset.memory import Memory
from omset.memory.workflow import store_approved, translate_text

WORDS = {"kommer": "kjem", "hjem": "heim", "jeg": "eg", "Jeg": "Eg", "ikke": "ikkje"}


class FakeTranslator:
    """The part of Translator's public API the workflow uses; counts what it translates."""

    source, target, mode = "nb", "nn", "fake"
    profile = None

    def __init__(self) -> None:
        self.seen: list[str] = []

    def translate_batch(self, texts: list[str]) -> list[str]:
        self.seen += texts
        return [re.sub(r"\w+", lambda m: WORDS.get(m.group(), m.group()), t) for t in texts]


@pytest.fixture
def mem(tmp_path):
    with Memory.open(str(tmp_path / "tm.sqlite")) as m:
        yield m


def test_whitespace_between_segments_is_kept_and_hits_cost_no_engine(mem):
    store_approved(mem, "Jeg kommer.\n\nDu kommer hjem.\n", "Eg kjem, altså.\n\nDu kjem heim.\n",
                   source_lang="nb", target_lang="nn", document="d")
    tr = FakeTranslator()
    r = translate_text(tr, mem, "  Jeg kommer.\n\n\n   Du kommer hjem.\r\n", document="d")
    assert r.text == "  Eg kjem, altså.\n\n\n   Du kjem heim.\r\n"
    assert [s.origin for s in r.segments] == ["in-context", "in-context"]
    assert tr.seen == []


def test_machine_output_is_stored_and_reused(mem):
    tr = FakeTranslator()
    first = translate_text(tr, mem, "Jeg kommer ikke.\n")
    assert first.text == "Eg kjem ikkje.\n" and first.segments[0].origin == "machine"
    assert tr.seen == ["Jeg kommer ikke."]
    again = translate_text(tr, mem, "Jeg kommer ikke.\n")
    assert again.text == first.text and "stored" in again.segments[0].note
    assert tr.seen == ["Jeg kommer ikke."]
    assert mem.stats()["directions"]["nb-nn"] == {"machine": 1}


def test_store_false_adds_nothing(mem):
    translate_text(FakeTranslator(), mem, "Jeg kommer.\n", store=False)
    assert mem.stats()["entries"] == 0


def test_fuzzy_repair_and_fallback(mem):
    store_approved(mem, "Han kjøpte 3 biler.\n\nHun kommer hjem.\n",
                   "Han kjøpte 3 bilar, seier ho.\n\nKvinna er heime.\n",
                   source_lang="nb", target_lang="nn")
    tr = FakeTranslator()
    r = translate_text(tr, mem, "Han kjøpte 5 biler.\n\nHan kommer hjem.\n")
    fixed, fallback = r.segments
    assert (fixed.origin, fixed.text) == ("fuzzy", "Han kjøpte 5 bilar, seier ho.")
    assert 0.75 <= fixed.score < 1
    assert fallback.origin == "machine" and "not repaired" in fallback.note
    assert fallback.text == "Han kjem heim."
    assert "fuzzy" in fixed.explain() and "machine" in fallback.explain()


def test_empty_and_blank_text(mem):
    assert translate_text(FakeTranslator(), mem, "").text == ""
    r = translate_text(FakeTranslator(), mem, "\n  \n")
    assert r.text == "\n  \n" and r.segments == []


def test_machine_origin_cannot_be_stored_as_approved(mem):
    with pytest.raises(ValueError):
        store_approved(mem, "A.", "A.", source_lang="nb", target_lang="nn", origin="machine")
