"""Post-edit rules: the file format, matching, rewriting, deleting, learning (no engine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omset.learn.rules import learn, targets
from omset.postedit import FORMAT, Rule, RuleError, RuleSet, match_case, source_words


def _rules() -> RuleSet:
    return RuleSet([
        Rule("R1", "skadd", "skadde", {"prev": "vorte", "before": "fleire"}, {"fixed": 9, "broken": 0}),
        Rule("R2", "sak", "saka", {"src": "saken"}, {"fixed": 5, "broken": 1}),
        Rule("R3", "*ert", "*erte", {"prev": "vart", "before": "dei"}, {"fixed": 7, "broken": 1}),
        Rule("R4", "kor", "korleis", {"next": "mykje"}),
    ])


def test_context_conditions_decide():
    rs = _rules()
    assert rs.apply("Flere har blitt skadet.", "Fleire har vorte skadd.")[0] == "Fleire har vorte skadde."
    # no plural word before: stays
    assert rs.apply("Han har blitt skadet.", "Han har vorte skadd.")[0] == "Han har vorte skadd."


def test_source_word_condition():
    rs = _rules()
    assert rs.apply("Saken er klar.", "Sak er klar.")[0] == "Saka er klar."
    assert rs.apply("En sak er klar.", "Ei sak er klar.")[0] == "Ei sak er klar."


def test_word_ending_rule_generalises_and_keeps_case():
    rs = _rules()
    out, changes = rs.apply("De ble arrestert.", "Dei vart arrestert.")
    assert out == "Dei vart arresterte."
    assert [(c.before, c.after, c.layer) for c in changes] == [("arrestert", "arresterte", "rule")]
    assert changes[0].reason.startswith("rule R3: *ert → *erte")
    assert rs.apply("DE BLE INFORMERT", "DEI VART INFORMERT")[0] == "DEI VART INFORMERTE"


def test_next_word_and_edges():
    rs = _rules()
    assert rs.apply("Hvor mye?", "Kor mykje?")[0] == "Korleis mykje?"
    assert rs.apply("Hvor?", "Kor?")[0] == "Kor?"


def test_first_matching_rule_wins_and_rules_do_not_chain():
    rs = RuleSet([Rule("A", "a", "b", {"prev": "x"}), Rule("B", "a", "c"), Rule("C", "b", "d")])
    assert rs.apply("", "x a a b")[0] == "x b c d"


def test_match_case():
    assert match_case("Skadd", "skadde") == "Skadde"
    assert match_case("NAV", "nav") == "NAV"
    assert match_case("skadd", "skadde") == "skadde"


def test_save_load_and_delete_a_rule(tmp_path: Path):
    rs = _rules()
    rs.meta = {"description": "test"}
    path = tmp_path / "r.json"
    rs.save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT and len(doc["rules"]) == 4
    # one rule per line, so a human can delete a line
    assert sum(1 for line in path.read_text().splitlines() if '"id": "R1"' in line) == 1
    loaded = RuleSet.load(path)
    assert [r.id for r in loaded.rules] == ["R1", "R2", "R3", "R4"]
    assert loaded.apply("", "Fleire har vorte skadd.")[0] == "Fleire har vorte skadde."
    # delete R1 by editing the file
    doc["rules"] = [r for r in doc["rules"] if r["id"] != "R1"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert RuleSet.load(path).apply("", "Fleire har vorte skadd.")[0] == "Fleire har vorte skadd."
    assert len(rs.without("R2", "R3")) == 2


def test_bad_files(tmp_path: Path):
    p = tmp_path / "bad.json"
    p.write_text("{}", encoding="utf-8")
    with pytest.raises(RuleError):
        RuleSet.load(p)
    p.write_text(json.dumps({"format": FORMAT, "rules": [
        {"id": "R1", "pattern": "a", "replacement": "b", "context": {"colour": "red"}}]}))
    with pytest.raises(RuleError, match="unknown context"):
        RuleSet.load(p)
    with pytest.raises(RuleError, match="duplicate"):
        RuleSet([Rule("R1", "a", "b"), Rule("R1", "c", "d")])


def test_source_words_are_the_one_alignment():
    src = "flere av dem ble skadet .".split()
    out = "fleire av dei vart skadd .".split()
    assert source_words(src, out) == src
    assert source_words("saken ble henlagt".split(), "saka vart lagd bort".split())[0] == "saken"
    # what the detailed API shows as a token's source is what a rule's «src» reads
    from omset.align import align
    assert [w.lower() if w else "" for w in align(src, out)] == source_words(src, out)


def test_agreement_is_not_a_rule_context():
    # participle agreement is the tag-based layer (omset.style.agree), not word lists
    with pytest.raises(RuleError, match="unknown context"):
        Rule.from_json({"id": "A1", "pattern": "*dd", "replacement": "*dde",
                        "context": {"agree": "pl"}})


def test_rules_rewrite_text_parts_and_never_across_markup():
    from omset.model import Markup, Protected

    rs = RuleSet([Rule("R1", "andelen", "delen"), Rule("R2", "ntb", "NPK-NTB")])
    b, nb = Markup("<b>"), Markup("</b>")
    parts, changes = rs.apply_parts("Andelen (NTB) er stor.",
                                    [b, "Andelen", nb, " (", Protected("NTB", "url"), ") er stor."])
    assert parts == [b, "Delen", nb, " (", Protected("NTB", "url"), ") er stor."]
    assert [c.after for c in changes] == ["Delen"]             # a protected span is kept
    split = ["Ande", b, "len er stor."]                         # markup inside the word
    assert rs.apply_parts("Andelen er stor.", split) == (split, [])
    # the same words with and without markup: the same rewrite
    assert rs.apply("x", "Andelen er stor.")[0] == "Delen er stor."


def test_targets_from_reference():
    assert targets("dei vart skadd .".split(), "dei vart skadde .".split()) == \
        ["dei", "vart", "skadde", "."]


def test_learning_on_a_tiny_synthetic_corpus():
    # The engine says "skadd" after "vorte" whatever the number; the references agree
    # with a plural subject. "sak" for Bokmål "saken" should be "saka".
    src, out, ref = [], [], []
    for n in range(20):
        src.append(f"Flere personer har blitt skadet i ulykke {n}.")
        out.append(f"Fleire personar har vorte skadd i ulukke {n}.")
        ref.append(f"Fleire personar har vorte skadde i ulukke {n}.")
        src.append(f"En mann har blitt skadet i ulykke {n}.")
        out.append(f"Ein mann har vorte skadd i ulukke {n}.")
        ref.append(f"Ein mann har vorte skadd i ulukke {n}.")
    rs = learn(src, out, ref, min_count=3, heldout=5, log=lambda m: None)
    assert rs.rules, "a rule should be learned"
    r = rs.rules[0]
    assert (r.pattern, r.replacement) == ("skadd", "skadde")
    assert r.context and r.counts["fixed"] >= 3 and r.counts["heldout_fixed"] > 0
    assert r.counts["heldout_fixed"] > r.counts["heldout_broken"]
    assert rs.apply("Flere barn har blitt skadet.", "Fleire born har vorte skadd.")[0] \
        == "Fleire born har vorte skadde."
    assert rs.apply("En gutt har blitt skadet.", "Ein gut har vorte skadd.")[0] \
        == "Ein gut har vorte skadd."


def test_rule_that_does_not_hold_out_is_dropped():
    # The change is right in the learning part only: the held-out pairs say otherwise.
    src = [f"Ord {n}." for n in range(40)]
    out = [f"Ord {n}." for n in range(40)]
    ref = [f"Orda {n}." if n % 4 != 3 else f"Ord {n}." for n in range(40)]
    rs = learn(src, out, ref, min_count=3, heldout=4, log=lambda m: None)
    assert not rs.rules
