import pytest

from omset.glossary import Glossary, GlossaryError, match_case
from omset.model import Protected


def protected(parts):
    return [(p.original, p.text) for p in parts if isinstance(p, Protected)]


def test_exact_terms_multiword_and_keep():
    g = Glossary.from_mapping({"fastlege": "fastlækjar", "Norsk Tipping": "", "NAV": "Nav"})
    parts = g.apply(["Fastlege og norsk  tipping, NAV og NAVs kontor."])
    assert protected(parts) == [("Fastlege", "Fastlækjar"), ("norsk  tipping", "norsk  tipping"),
                                ("NAV", "Nav"), ("NAVs", "Navs")]


def test_inflected_single_word_uses_inflector_or_carries_the_ending():
    g = Glossary.from_mapping({"bil": "motorvogn"})
    calls = []

    def inflect(found, source, target):
        calls.append(found)
        return None if found == "bilene" else "motorvogna"

    parts = g.apply(["Bilen og bilene, men ikke bilist."], inflect)
    assert protected(parts) == [("Bilen", "Motorvogna"), ("bilene", "motorvognene")]
    assert calls == ["Bilen", "bilene"]


def test_case_follows_the_text():
    assert match_case("Fastlege", "fastlege", "fastlækjar") == "Fastlækjar"
    assert match_case("FASTLEGE", "fastlege", "fastlækjar") == "FASTLÆKJAR"
    assert match_case("NAV", "NAV", "Nav") == "Nav"


def test_files(tmp_path):
    tsv = tmp_path / "g.tsv"
    tsv.write_text("# kommentar\nfastlege\tfastlækjar\nArbeiderpartiet\n", encoding="utf-8")
    assert Glossary.load(tsv).terms == {"fastlege": "fastlækjar", "Arbeiderpartiet": ""}
    toml = tmp_path / "g.toml"
    toml.write_text('keep = ["NRK"]\n[terms]\nbil = "motorvogn"\n', encoding="utf-8")
    assert Glossary.load(toml).terms == {"bil": "motorvogn", "NRK": ""}
    bad = tmp_path / "bad.toml"
    bad.write_text("[terms\n", encoding="utf-8")
    with pytest.raises(GlossaryError):
        Glossary.load(bad)
    with pytest.raises(GlossaryError):
        Glossary.load(tmp_path / "missing.tsv")


def test_acronym_terms_take_a_hyphen_before_an_ending():
    from omset.glossary import acronym_ending

    assert acronym_ending("FAU", "FAUet") == "FAU-et"
    assert acronym_ending("PC", "PCane") == "PC-ane"
    assert acronym_ending("NRK", "NRKs") == "NRKs"            # genitive s stays joined
    assert acronym_ending("FAU", "FAU") == "FAU"
    assert acronym_ending("fastlækjar", "fastlækjaren") == "fastlækjaren"
    assert acronym_ending("FAU", "Foreldreutvalet") == "Foreldreutvalet"
    g = Glossary({"foreldreråd": "FAU"})
    parts = g.apply(["Det nye foreldrerådet og foreldrerådets leiar."])
    assert protected(parts) == [("foreldrerådet", "FAU-et"), ("foreldrerådets", "FAU-ets")]
    # the words around the term are left as they were
    assert [p for p in parts if not isinstance(p, Protected)] == ["Det nye ", " og ", " leiar."]


def test_the_inflection_cache_is_bounded(monkeypatch):
    # a service translator lives for days and every request may bring a glossary of its
    # own: what its inflector remembers must not grow without end
    from omset import glossary

    monkeypatch.setattr(glossary, "MAX_INFLECTIONS", 100)
    asked: list[str] = []

    def ask(helper: str, payload: str) -> str:
        asked.append(payload)
        return f"^{payload}/*{payload}$"  # unknown to the analyser: no inflection

    inflect = glossary.Inflector(ask)
    for i in range(1_000):
        assert inflect(f"ord{i}", "ord", "word") is None
    assert len(inflect._cache) <= 100
    assert len(asked) == 1_000
    before = len(asked)
    inflect("ord999", "ord", "word")  # the latest ones are still remembered
    assert len(asked) == before
