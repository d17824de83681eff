"""Participle agreement with the real engine, on sentences written here."""

import re

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


# -- gender: singular subjects, on sentences written here ----------------------------------

def generated(tr, lu: str) -> str:
    """The first form Apertium's own Nynorsk generator gives for ``lu`` (the expected
    word: these tests never spell a participle themselves)."""
    from omset.style.choose import parse_unit

    return parse_unit(f"{lu[:-1]}/{tr.engine.ask('generator', lu).strip()}$").forms[0].text


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def agree_changes(tr, text: str) -> list[tuple[str, str, str]]:
    seg = tr.translate_detailed([text])[0][0]
    return [(c.before, c.after, c.reason) for t in seg.tokens for c in t.changes
            if c.layer == "agree"]


@pytest.fixture(scope="module")
def gendered(agreeing):
    """nynorsk-news with full gender agreement (number off), on the same engine."""
    with Translator(style="nynorsk-news", agreement=False, gender="full",
                    engine=agreeing.engine) as tr:
        yield tr


def test_corrections_where_transfer_inflected_for_the_wrong_subject(gendered):
    tr = gendered
    # the neuter subject is «Huset», not «mannen» next to the verb
    nt = generated(tr, "^stenge<adj><pp><nt><sg><ind>$")
    assert tr.translate("Huset til mannen er stengt.").split()[-1] == nt + "."
    # transfer writes the plural after «Dersom forslaget blir»
    out = tr.translate("Dersom budsjettet blir vedtatt, må vi spare.")
    assert out.split()[3] == generated(tr, "^vedta<adj><pp><nt><sg><ind>$") + ","
    ((before, after, reason),) = agree_changes(tr, "Dersom budsjettet blir vedtatt, må vi spare.")
    assert before == generated(tr, "^vedta<adj><pp><pl>$") and "(correction)" in reason
    assert "neuter singular subject «budsjettet» with «blir»" in reason


def test_strong_and_weak_participles_by_level(gendered, agreeing):
    strong_text, weak_text = "En avgjørelse vil senere bli tatt.", "Søknaden er sendt inn."
    teken = generated(gendered, "^ta<adj><pp><mf><sg><ind>$")
    send = generated(gendered, "^sende<adj><pp><mf><sg><ind>$")
    assert teken in words(gendered.translate(strong_text))
    assert send in words(gendered.translate(weak_text))
    with Translator(style="nynorsk-news", gender="strong", engine=agreeing.engine) as strong:
        assert teken in words(strong.translate(strong_text))
        assert strong.translate(weak_text) == "Søknaden er " + generated(
            strong, "^sende<vblex><pp>$") + " inn."
    # the default profile corrects and inflects strong participles, not weak ones
    with Translator(style="nynorsk-news", engine=agreeing.engine) as default:
        assert default.profile.gender == "strong"
        assert teken in words(default.translate(strong_text))
        assert not agree_changes(default, weak_text)
    with Translator(style="apertium", engine=agreeing.engine) as plain:
        assert not agree_changes(plain, strong_text) and not agree_changes(plain, weak_text)


def test_gender_agreement_leaves_alone(gendered):
    tr = gendered
    for text in ("Den stengte døren var grønn.",      # attributive, definite
                 "Det var en stengt vei.",           # attributive, before its noun
                 "Huset er stengt.",                 # a neuter subject
                 "Boken er kjøpt.",                  # one singular form (kjøpt)
                 "Boka ble kastet.",                 # a weak -a verb (kasta)
                 "Vi har stengt døren.",             # active perfect with «ha»
                 "Suppa er kokt sammen med løk."):   # the generator's forms are the same
        assert agree_changes(tr, text) == [], text
    assert tr.translate("Det var en stengt vei.").split()[3] == generated(
        tr, "^stenge<adj><pp><mf><sg><ind>$")
