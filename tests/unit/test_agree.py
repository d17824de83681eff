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


# -- gender (singular subjects) -----------------------------------------------------------

# what Apertium's generator answers for each form of the participles these tests need
# (strong: mf = nt + -n; weak: stengd/stengt; kjøpt: one singular form)
FORMS = {
    "stenge": {"pl": "stengde", "mf": "stengd", "nt": "stengt", "sup": "stengt"},
    "skrive": {"pl": "skrivne", "mf": "skriven", "nt": "skrive", "sup": "skrive"},
    "vedta": {"pl": "vedtekne/vedtatte<v:tek_tar>", "mf": "vedteken/vedtatt<v:tek_tar>",
              "nt": "vedteke/vedtatt<v:tek_tar>", "sup": "vedteke/vedtatt<v:tek_tar>"},
    "kjøpe": {"pl": "kjøpte", "mf": "kjøpt", "nt": "kjøpt", "sup": "kjøpt"},
}
SHAPE = {"<adj><pp><pl>": "pl", "<adj><pp><mf><sg><ind>": "mf",
         "<adj><pp><nt><sg><ind>": "nt", "<vblex><pp>": "sup"}


def gender_generate(lu: str) -> str | None:
    lemma, _, tags = lu[1:-1].partition("<")
    return FORMS.get(lemma, {}).get(SHAPE.get("<" + tags, ""), "#" + lemma)


def changed(stream: str, gender: str, number: bool = False) -> list[tuple[str, str]]:
    lus = [w for w in stream.split() if w.startswith("^")]
    units = [parse_unit(lu) for lu in lus]
    found = Agreement(gender_generate, number=number, gender=gender).find(units, lus)
    return [(units[a.index].forms[0].text, parse_unit(a.lu).forms[0].text) for a in found]


HUSET = "^hus<n><nt><sg><def>/huset$"
DORA = "^dør<n><f><sg><def>/døra$"
ER = "^vere<vblex><pres>/er$"
BLIR = "^bli<vblex><pres>/blir$"
TIL_MANNEN = "^til<pr>/til$ ^mann<n><m><sg><def>/mannen$"


def test_a_neuter_subject_corrects_what_transfer_inflected_for_another_noun():
    # «Huset til mannen er stengd»: transfer agreed with «mannen», the subject is «huset»
    stream = f"{HUSET} {TIL_MANNEN} {ER} ^stenge<adj><pp><mf><sg><ind>/stengd$ {STOP}"
    for level in ("fix", "strong", "full"):
        assert changed(stream, level) == [("stengd", "stengt")]
    assert changed(stream, "off") == []


def test_a_singular_subject_corrects_a_plural_participle():
    stream = (f"^dersom<cnjsub>/dersom$ ^forslag<n><nt><sg><def>/forslaget$ {BLIR} "
              f"^vedta<adj><pp><pl>/vedtekne/vedtatte<v:tek_tar>$ ^,<cm>/,$")
    assert changed(stream, "fix") == [("vedtekne", "vedteke")]
    # a masculine/feminine subject: the strong form agrees; a weak one is the supine
    # unless the profile wants full agreement
    assert changed(f"^sak<n><f><sg><def>/saka$ {BLIR} ^vedta<adj><pp><pl>/vedtekne$ {STOP}",
                   "fix") == [("vedtekne", "vedteken")]
    weak = f"{DORA} {BLIR} ^stenge<adj><pp><pl>/stengde$ {STOP}"
    assert changed(weak, "fix") == [("stengde", "stengt")]
    assert changed(weak, "full") == [("stengde", "stengd")]


def test_strong_participles_agree_from_the_strong_level_weak_ones_only_in_full():
    strong = f"^avgjerd<n><f><sg><ind>/avgjerd$ {BLIR} ^skrive<vblex><pp>/skrive$ {STOP}"
    weak = f"{DORA} ^ha<vblex><pres>/har$ ^bli<vblex><pp>/vorte$ ^stenge<vblex><pp>/stengt$ {STOP}"
    assert changed(strong, "fix") == []
    assert changed(strong, "strong") == [("skrive", "skriven")]
    assert changed(weak, "strong") == []
    assert changed(weak, "full") == [("stengt", "stengd")]


def test_what_gender_agreement_leaves_alone():
    # a neuter subject with the supine; a masculine/feminine form already agreeing
    assert changed(f"{HUSET} {ER} ^stenge<vblex><pp>/stengt$ {STOP}", "full") == []
    assert changed(f"{DORA} {ER} ^stenge<adj><pp><mf><sg><ind>/stengd$ {STOP}", "full") == []
    # attributive use: a definite form, or a participle before its noun
    assert changed(f"^den<det><dem><f><sg>/den$ ^stenge<adj><pp><sg><def>/stengde$ {DORA} {STOP}",
                   "full") == []
    assert changed(f"^det<prn><pers><p3><nt><sg><nom>/det$ {ER} ^ein<det><qnt><m><sg>/ein$ "
                   f"^stenge<adj><pp><mf><sg><ind>/stengd$ ^veg<n><m><sg><ind>/veg$ {STOP}",
                   "full") == []
    # a participle with one singular form (kjøpt), and after «ha» (active perfect)
    assert changed(f"{DORA} {ER} ^kjøpe<vblex><pp>/kjøpt$ {STOP}", "full") == []
    assert changed(f"{DORA} ^ha<vblex><pres>/har$ ^stenge<vblex><pp>/stengt$ {STOP}", "full") == []
    # a name whose gender the tags do not give, and a participle that governs an object
    assert changed(f"^Molde<np><top>/Molde$ {ER} ^skrive<vblex><pp>/skrive$ {STOP}", "full") == []
    assert changed(f"{DORA} {BLIR} ^gje<vblex><pp>/gitt$ ^høve<n><nt><sg><ind>/høve$ {STOP}",
                   "full") == []


def test_number_and_gender_switch_apart():
    plural = f"{PL_PRON} {VART} ^stenge<vblex><pp>/stengt$ {STOP}"
    assert changed(plural, "full", number=False) == []
    assert changed(plural, "off", number=True) == [("stengt", "stengde")]


def test_the_reason_names_the_rule():
    stream = f"{HUSET} {TIL_MANNEN} {ER} ^stenge<adj><pp><mf><sg><ind>/stengd$ {STOP}"
    lus = [w for w in stream.split() if w.startswith("^")]
    found = Agreement(gender_generate, "hus", number=False, gender="fix").find(
        [parse_unit(lu) for lu in lus], lus)
    assert found[0].reason.startswith("agreement hus (correction): neuter singular subject "
                                      "«huset til mannen» with «er»")


def test_the_gender_key_of_a_profile():
    from omset.style.profile import ProfileError, from_toml

    profile = from_toml('gender = "strong"\n', "house.toml")
    assert profile.gender == "strong" and profile.agrees and not profile.agreement
    assert 'gender = "strong"' in profile.to_toml()
    assert from_toml("", "house.toml").gender == "off" and not from_toml("", "x").agrees
    assert profile.with_options(gender="off").gender == "off"
    with pytest.raises(ProfileError, match="house.toml: gender must be one of off, fix"):
        from_toml('gender = "some"\n', "house.toml")
    with pytest.raises(ValueError, match="gender must be one of"):
        Agreement(gender_generate, gender="yes")


def test_the_expletive_and_an_ambiguous_antecedent_give_no_verdict():
    # «var det førre veke meldt»: «det» is the expletive, not the determiner of «veke»
    assert changed(f"^likevel<adv>/likevel$ ^vere<vblex><pret>/var$ "
                   f"^den<det><dem><nt><sg><expl>/det$ ^førre<adj><pst><un><sg><def>/førre$ "
                   f"^veke<n><f><sg><ind>/veke$ ^melde<vblex><pp>/meldt$ ^om<pr>/om$ {STOP}",
                   "full") == []
    # «tiltaka til befolkninga som er identifiserte»: either noun may be the antecedent
    ambiguous = (f"^tiltak<n><nt><pl><def>/tiltaka$ ^til<pr>/til$ ^befolkning<n><f><sg><def>/"
                 f"befolkninga$ ^som<cnjsub>/som$ {ER} ^stenge<adj><pp><pl>/stengde$ {STOP}")
    assert changed(ambiguous, "full") == []
    # … unless both say the same
    agreeing = ambiguous.replace("^tiltak<n><nt><pl><def>/tiltaka$", "^dør<n><f><sg><def>/døra$")
    assert changed(agreeing, "full") == [("stengde", "stengd")]


def test_no_verdict_inside_a_relative_clause_before_an_unknown_word_or_after_a_bare_determiner():
    # «lovbrot som vart påtale·avgjorde»: a compound Apertium split; «som» is the subject
    assert changed(f"^lovbrot<n><nt><pl><ind>/lovbrot$ ^som<cnjsub>/som$ {VART} "
                   f"^påtale<n><m><sg><ind>/påtale$ ^stenge<adj><pp><pl>/stengde$ {STOP}",
                   "full") == []
    # «som er den desidert mest …»: a determiner on its own is no inverted subject
    assert changed(f"^som<cnjsub>/som$ {ER} ^den<det><dem><m><sg>/den$ "
                   f"^stenge<adj><pp><pl>/stengde$ ^mykje<adv>/mest$ {STOP}", "full") == []
    # a word Apertium does not know right after the participle (mostly its noun)
    assert changed(f"{DORA} {ER} ^stenge<adj><pp><pl>/stengde$ ^*edelstener/*edelstener$ {STOP}",
                   "full") == []


def test_a_multiword_strong_participle_is_strong():
    forms = {"verte": {"mf": "vorten til", "nt": "vorte til"}}

    def generate(lu: str) -> str | None:
        lemma, _, tags = lu[1:-1].partition("<")
        return forms.get(lemma, {}).get(SHAPE.get("<" + tags.replace("># til", ">"), ""))

    assert Agreement(generate).strong("verte", "# til") is True
    assert Agreement(gender_generate).strong("stenge") is False
    assert Agreement(gender_generate).strong("blorfe") is None


def test_a_quantity_noun_with_a_plural_of_phrase_and_a_compound_antecedent_are_left_alone():
    # «Ein del av desse har vorte lauslatne»: a noun head with a plural «av»-phrase
    assert changed(f"^ein<det><qnt><m><sg>/ein$ ^del<n><m><sg><ind>/del$ ^av<pr>/av$ "
                   f"^desse<det><dem><un><pl>/desse$ ^ha<vblex><pres>/har$ "
                   f"^bli<vblex><pp>/vorte$ ^stenge<adj><pp><pl>/stengde$ {STOP}", "full") == []
    # … but «ein av dei» (no noun head) is singular
    assert changed(f"^ein<det><qnt><m><sg>/ein$ ^av<pr>/av$ ^dei<prn><pers><p3><un><pl><acc>/dei$ "
                   f"{ER} ^stenge<adj><pp><pl>/stengde$ {STOP}", "full") == [("stengde", "stengd")]
    # «matvarer med lang haldbarheits·tid som blir etne»: the compound is one phrase, so
    # the antecedent is ambiguous after «med»
    assert changed(f"^matvare<n><f><pl><ind>/matvarer$ ^med<pr>/med$ "
                   f"^lang<adj><sint><pst><mf><sg><ind>/lang$ ^haldbarheit<n><f><sg><ind><cmp>/"
                   f"haldbarheits$ ^tid<n><f><sg><ind>/tid$ ^som<cnjsub>/som$ {BLIR} "
                   f"^vedta<adj><pp><pl>/vedtekne$ {STOP}", "full") == []
