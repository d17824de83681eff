"""The Bokmål chooser on streams written here, with a stand-in for the generator."""

from __future__ import annotations

import re

from omset.style.bokmal import BokmalChooser, apply

# what the Bokmål generator would say: a few forms, everything else unknown (#)
FORMS = {"bok<n><m><sg><def>": "boken", "bok<n><f><sg><def>": "boka",
         "hus<n><nt><sg><def>": "huset", "hjem<adv>": "hjem", "heim<adv>": "heim",
         "dør<n><m><sg><def>": "døren"}


class FakeGenerator:
    def __init__(self) -> None:
        self.questions: list[str] = []

    def __call__(self, payload: str) -> str:
        self.questions.append(payload)
        units = re.findall(r"\^(.*?)\$", payload)
        return "".join(FORMS.get(u, "#" + u) + "\n" for u in units) + "\0"


def test_feminine_where_the_generator_has_it_and_lemma_map():
    gen = FakeGenerator()
    ch = BokmalChooser("a", lemma_map={"hjem": "heim"}, name="r")
    stream = "^bok<n><m><sg><def>$ ^dør<n><m><sg><def>$ ^hus<n><nt><sg><def>$ ^hjem<adv>$^.<sent>$"
    out, units = apply(stream, ch, gen)
    # bok gets <f> (generated), dør stays (no feminine form), hus is neuter
    assert out == "^bok<n><f><sg><def>$ ^dør<n><m><sg><def>$ ^hus<n><nt><sg><def>$ ^heim<adv>$^.<sent>$"
    assert [u.forms[u.chosen].text for u in units[:1]] == ["boka"]
    assert units[0].alternatives == ["boken", "boka"] and "feminine" in units[0].reason
    assert units[3].reason.endswith("hjem → heim")
    assert units[1].chosen == 0 and units[2].alternatives == []
    # answers are cached: the same stream asks nothing new
    asked = len(gen.questions)
    apply(stream, ch, gen)
    assert len(gen.questions) == asked


def test_conservative_changes_nothing_and_wraps_units():
    gen = FakeGenerator()
    stream = "^bok<n><m><sg><def>$ ^*Blorf$"
    out, units = apply(stream, BokmalChooser("en"), gen, wrap=True)
    assert out == "[[u:0]]^bok<n><m><sg><def>$[[/]] [[u:1]]^*Blorf$[[/]]"
    assert gen.questions == [] and units[1].unknown


def test_per_lemma_feminine_and_case():
    ch = BokmalChooser("lemmas", frozenset({"bok"}), {"hjem": "heim"})
    assert ch.candidate("^Bok<n><m><sg><def>$") == ("Bok<n><f><sg><def>", "bok: feminine -a")
    assert ch.candidate("^dør<n><m><sg><def>$") is None
    assert ch.candidate("^Hjem<adv>$") == ("Heim<adv>", "hjem → heim")
    assert ch.candidate("^bok<n><m><pl><def>$") is None
