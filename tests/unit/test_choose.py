"""The genprefs rule engine, on a grammar text written here (no Apertium needed)."""

from omset.style import genprefs
from omset.style.choose import parse_unit

GRAMMAR = """
LIST S1 = v:infa_infe ;
LIST S2 = VAR:infa_infe ;
LIST S3 = VAR:kløyvd_inf ;
LIST S4 = "kome" "vere" ;
LIST S5 = v:vart_blei ;
LIST S6 = VAR:vart_blei ;
SELECT S1 (0 S3 ) (NEGATE 0 S4 ) ;
SELECT S1 (0 S2 ) ;
REMOVE S1 ;
SELECT S5 (0 S6 ) ;
REMOVE S5 ;
"""


def forms(lu):
    return [(f.text, f.prefs) for f in parse_unit(lu).forms]


def test_parse_unit_strips_tags_inside_forms():
    unit = parse_unit("^bygge<vblex><inf>/byggja/bygg<v:ggj_gg>a/byggje<v:infa_infe>$")
    assert unit.lemma == "bygge" and unit.tags == ("vblex", "inf")
    assert [f.text for f in unit.forms] == ["byggja", "bygga", "byggje"]
    assert unit.forms[1].prefs == {"ggj_gg"}
    assert parse_unit("^*Blorf/Blorf$").unknown


def test_select_remove_and_lemma_condition():
    rules = genprefs.parse(GRAMMAR)
    assert len(rules) == 5
    kaste = forms("^kaste<vblex><inf>/kasta/kaste<v:infa_infe>$")
    kome = forms("^kome<vblex><inf>/koma/kome<v:infa_infe>$")
    bli = forms("^bli<vblex><pret>/vart/blei<v:vart_blei>$")
    assert genprefs.run(rules, kaste, frozenset())[0] == 0            # a-infinitive
    assert genprefs.run(rules, kaste, frozenset({"infa_infe"}))[0] == 1
    assert genprefs.run(rules, kaste, frozenset({"kløyvd_inf"}))[0] == 1  # long stem: e
    assert genprefs.run(rules, kome, frozenset({"kløyvd_inf"}))[0] == 0   # listed: a
    assert genprefs.run(rules, bli, frozenset())[0] == 0
    assert genprefs.run(rules, bli, frozenset({"vart_blei"}))[0] == 1


def test_remove_never_removes_the_last_form():
    rules = genprefs.parse(GRAMMAR)
    only = [("blei", frozenset({"vart_blei"}))]
    assert genprefs.run(rules, only, frozenset()) == [0]
