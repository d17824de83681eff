"""The participle agreement layer on generated streams written here (no Apertium)."""

import pytest

from omset.style.agree import Agreement
from omset.style.choose import Chooser, apply, parse_unit

# what Apertium's generator answers for the plural participles these tests need
PLURALS = {"skade": "skadde", "ta": "tekne/tatte<v:tek_tar>", "kaste": "kasta",
           "finne": "funne", "selje": "selde", "knyte": "knytte"}


def fake_generate(lu: str) -> str | None:
    lemma = lu[1:].split("<", 1)[0]
    return PLURALS.get(lemma, "#" + lemma)


def agreed(stream: str) -> list[tuple[str, str]]:
    """(old form, new form) of every participle the layer changes in ``stream``."""
    lus = [w for w in stream.split() if w.startswith("^")]
    units = [parse_unit(lu) for lu in lus]
    found = Agreement(fake_generate).find(units, lus)
    return [(units[a.index].forms[0].text, parse_unit(a.lu).forms[0].text) for a in found]


PL_PRON = "^dei<prn><pers><p3><un><pl><nom>/dei$"
VART = "^bli<vblex><pret>/vart/blei<v:vart_blei>$"
SKADD = "^skade<vblex><pp>/skadd$"
STOP = "^..<sent><clb>/..$"


CHANGED = {
    "a prepositional phrase between subject and verb": (
        f"^mange<adj><sint><comp><un><sp>/fleire$ ^av<pr>/av$ "
        f"^dei<prn><pers><p3><un><pl><acc>/dei$ {VART} {SKADD} {STOP}", ("skadd", "skadde")),
    "inverted order": (
        f"^i går<adv>/i går$ {VART} ^to<det><qnt><un><pl>/to$ "
        f"^person<n><m><pl><ind>/personar$ {SKADD} {STOP}", ("skadd", "skadde")),
    "har vorte": (
        f"{PL_PRON} ^ha<vblex><pres>/har$ ^aldri<adv>/aldri$ "
        f"^bli<vblex><pp>/vorte/blitt<v:vart_blei>$ ^ta<vblex><pp>/teke/tatt<v:tek_tar>$ {STOP}",
        ("teke", "tekne")),
    "relative som": (
        f"^person<n><m><pl><def>/personane$ ^som<cnjsub>/som$ {VART} "
        f"^skade<adj><pp><mf><sg><ind>/skadd$ {STOP}", ("skadd", "skadde")),
    "coordinated subject": (
        "^han<prn><pers><p3><m><sg><nom>/han$ ^og<cnjcoo>/og$ "
        "^ho<prn><pers><p3><f><sg><nom>/ho$ ^vere<vblex><pres>/er$ "
        f"^finne<adj><pp><mf><sg><ind>/funnen$ {STOP}", ("funnen", "funne")),
}


@pytest.mark.parametrize("case", sorted(CHANGED))
def test_plural_subjects(case):
    stream, change = CHANGED[case]
    assert agreed(stream) == [change]


def test_singular_head_before_the_preposition_wins():
    assert agreed(f"^ein<det><qnt><m><sg>/ein$ ^av<pr>/av$ "
                  f"^dei<prn><pers><p3><un><pl><acc>/dei$ {VART} {SKADD} {STOP}") == []
    assert agreed(f"^mann<n><m><sg><def>/mannen$ ^med<pr>/med$ ^hund<n><m><pl><def>/hundane$ "
                  f"{VART} {SKADD} {STOP}") == []


def test_no_change_without_a_clear_plural_subject():
    # a singular subject; the expletive «det» with a plural object after the participle
    assert agreed(f"^han<prn><pers><p3><m><sg><nom>/han$ {VART} {SKADD} {STOP}") == []
    assert agreed(f"^det<prn><pers><p3><nt><sg><nom>/det$ {VART} ^finne<vblex><pp>/funne$ "
                  f"^to<det><qnt><un><pl>/to$ ^lik<n><nt><pl><ind>/lik$ {STOP}") == []
    # a plural noun after a verb is its object, not the subject of «vart»
    assert agreed(f"^mann<n><m><sg><def>/mannen$ ^som<cnjsub>/som$ ^sjå<vblex><pret>/såg$ "
                  f"^bil<n><m><pl><def>/bilane$ {VART} {SKADD} {STOP}") == []
    # «og» between two adjectives is inside one phrase, not a coordination of subjects
    assert agreed(f"^førekomst<n><m><sg><def>/førekomsten$ ^av<pr>/av$ ^kald<adj><pst><un><pl>/kalde$ "
                  f"^og<cnjcoo>/og$ ^tørr<adj><pst><un><pl>/tørre$ ^vinter<n><m><pl><ind>/vintrar$ "
                  f"^vere<vblex><pres>/er$ ^knyte<vblex><pp>/knytt$ {STOP}") == []
    # active perfect with «ha»: no agreement
    assert agreed(f"{PL_PRON} ^ha<vblex><pres>/har$ {SKADD} {STOP}") == []


def test_no_change_when_the_participle_governs_something():
    assert agreed(f"{PL_PRON} ^bli<vblex><pres>/blir$ ^gje<vblex><pp>/gitt$ "
                  f"^høve<n><nt><sg><ind>/høve$ {STOP}") == []


def test_same_form_or_ungenerable_plural_changes_nothing():
    assert agreed(f"{PL_PRON} {VART} ^kaste<vblex><pp>/kasta$ {STOP}") == []
    assert agreed(f"{PL_PRON} {VART} ^blorfe<vblex><pp>/blorfa$ {STOP}") == []


def test_apply_marks_the_unit_and_keeps_the_profile_choice():
    stream = (f"{PL_PRON} ^ha<vblex><pres>/har$ ^bli<vblex><pp>/vorte/blitt<v:vart_blei>$ "
              f"^ta<vblex><pp>/teke/tatt<v:tek_tar>$^..<sent><clb>/..$")
    plain = Chooser(frozenset({"infa_infe", "me_vi"}), name="test")
    tar = Chooser(frozenset({"infa_infe", "me_vi", "tek_tar"}), name="test")
    agree = Agreement(fake_generate, name="test")
    text, units = apply(stream, plain, agree=agree)
    assert text == "dei har vorte tekne.."
    assert units[3].agreed_from == "teke" and "plural subject «dei»" in units[3].agree_reason
    assert apply(stream, tar, agree=agree)[0] == "dei har vorte tatte.."
    assert apply(stream, plain)[0] == "dei har vorte teke.."
    assert not apply(stream, plain)[1][3].agree_reason


def test_the_agreement_key_of_a_profile_must_be_a_boolean():
    from omset.style.profile import ProfileError, from_toml

    assert from_toml("agreement = true\n", "house.toml").agreement is True
    assert from_toml("", "house.toml").agreement is False
    with pytest.raises(ProfileError, match="house.toml: agreement must be true or false"):
        from_toml('agreement = "yes"\n', "house.toml")
