"""Participle agreement with the real engine, on sentences written here."""

import pytest

from omset import Translator
from omset.style import from_toml, load


@pytest.fixture(scope="module")
def agreeing(apertium_installed):
    with Translator(style="nynorsk-news", agreement=True) as tr:
        yield tr


def test_plural_participles_from_apertiums_generator(agreeing):
    tr = agreeing
    assert tr.translate("Mange av dem ble skadet i brannen.") == "Mange av dei vart skadde i brannen."
    assert tr.translate("I fjor ble fire hus solgt.") == "I fjor vart fire hus selde."
    assert tr.translate("Hun og broren har blitt valgt.") == "Ho og broren har vorte valde."
    assert tr.translate("Bøkene som ble funnet, var gamle.").startswith("Bøkene som vart funne,")
    # weak -a verbs have one form; singular subjects and «ein av dei» stay singular
    assert tr.translate("Mange av dem ble kastet ut.") == "Mange av dei vart kasta ut."
    assert tr.translate("En av dem ble skadet.") == "Ein av dei vart skadd."
    assert tr.translate("Gutten med hundene ble skadet.") == "Guten med hundane vart skadd."


def test_switch_per_profile_and_per_translator(agreeing):
    text = "Mange av dem ble skadet i brannen."
    with Translator(style="nynorsk-news", agreement=False, engine=agreeing.engine) as off:
        assert off.translate(text) == "Mange av dei vart skadd i brannen."
    profile = from_toml('name = "x"\nprefs = ["me_vi"]\nagreement = true\n')
    assert profile.agreement and "agreement = true" in profile.to_toml()
    with Translator(style=profile, engine=agreeing.engine) as on:
        assert on.translate(text) == "Mange av dei vart skadde i brannen."
    assert load("tradisjonell").agreement and not load("apertium").agreement


def test_explain_names_the_agreement_layer(agreeing):
    seg = agreeing.translate_detailed(["Mange av dem ble skadet i brannen."])[0][0]
    changes = [c for t in seg.tokens for c in t.changes if c.layer == "agree"]
    assert len(changes) == 1
    ch = changes[0]
    assert (ch.before, ch.after) == ("skadd", "skadde")
    assert "plural subject «mange av dei»" in ch.reason.lower() and "vart" in ch.reason
