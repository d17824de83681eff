"""Style profiles, glossary and protection with the real engine, on sentences written here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from omset import Translator
from omset.style import ProfileError, builtin_names, load

SENTENCES = [
    "Vi skal komme hjem, og flere ble skadet mens vi søkte jobb.",
    "Hun har bygget et hus, og hun vil også bygge et til.",
    "Derfor ble det bestemt at de skulle komme tilbake.",
]


def test_apertium_profile_equals_the_plain_pipeline(nb_nn, apertium_installed):
    # Python-side choice vs Apertium's own genprefs stages, on the same sentences.
    expected = subprocess.run(["apertium", "-u", "nob-nno_e"], input="\n\n".join(SENTENCES),
                              capture_output=True, text=True, check=True).stdout.split("\n\n")
    assert nb_nn.translate_batch(SENTENCES) == [e.strip() for e in expected]


def test_profiles_choose_their_forms(apertium_installed):
    text = SENTENCES[0]
    with Translator(style="moderne") as tr:
        out = tr.translate(text)
        assert "blei" in out and "mens" in out and out.startswith("Vi ")
    with Translator(style="tradisjonell") as tr:
        out = tr.translate(text)
        assert out.startswith("Me skal koma") and "vart" in out and "medan" in out
    with Translator(style="skule") as tr:
        assert "kome" in tr.translate(text)


def test_split_infinitive_and_lemma_overrides(apertium_installed, tmp_path):
    with Translator(style="apertium", variant="split") as tr:
        out = tr.translate("Vi skal komme og kaste ballen.")
        assert "komma" in out and "kaste" in out
    prof = tmp_path / "hus.toml"
    prof.write_text('name = "hus"\ninfinitive = "e"\nprefs = ["me_vi"]\n'
                    '[lemma_prefs]\nkomme = ["komme_kome"]\n'
                    '[lemmas]\nbli = ["blei"]\n', encoding="utf-8")
    with Translator(style=prof) as tr:
        out = tr.translate("Vi skal komme hjem, og de ble skadet.")
        assert "kome" in out and "blei" in out
        # the override is per lemma: other verbs keep the global e-infinitive
        assert "kaste" in tr.translate("Vi skal kaste ballen.")


def test_bad_profiles_are_refused(apertium_installed, tmp_path):
    with pytest.raises(ProfileError, match="unknown style"):
        Translator(style="finnes-ikke")
    bad = tmp_path / "bad.toml"
    bad.write_text('prefs = ["tull_tøys"]\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="tull_tøys"):
        Translator(style=bad)


def test_builtin_profiles_are_valid():
    assert {"nynorsk-news", "moderne", "tradisjonell", "skule", "apertium"} <= set(builtin_names())
    for name in builtin_names():
        assert load(name).name == name


def test_detailed_tokens_carry_alternatives_and_profile_changes(apertium_installed):
    with Translator(style="moderne") as tr:
        seg = tr.translate_detailed(["Flere ble skadet mens vi ventet på Blorfendel."])[0][0]
        assert seg.text == tr.translate("Flere ble skadet mens vi ventet på Blorfendel.")
        by_text = {t.text: t for t in seg.tokens}
        assert seg.text[by_text["blei"].start:].startswith("blei")
        assert "vart" in by_text["blei"].alternatives
        assert by_text["blei"].changes and by_text["blei"].changes[0].layer == "profile"
        assert by_text["Blorfendel"].unknown


def test_glossary_protection_and_explain(apertium_installed, tmp_path):
    gloss = {"fastlege": "fastlækjar", "Arbeiderpartiet": ""}
    with Translator(glossary=gloss, keep_quoted_titles=True) as tr:
        out = tr.translate("Fastlegene i Arbeiderpartiet leste «Kvinnen som visste for mye» "
                           "på https://nrk.no/nyheter-kommer og @kommer.")
        assert out.startswith("Fastlækjarane i Arbeiderpartiet las «Kvinnen som visste for mye»")
        assert "https://nrk.no/nyheter-kommer" in out and "@kommer" in out
        # a per-call glossary adds to the translator's own
        assert "motorvogn" in tr.translate("Bilen er ny.", glossary={"bil": "motorvogn"}).lower()
        seg = tr.translate_detailed(["Fastlegen kom."])[0][0]
        assert any(c.layer == "glossary" for t in seg.tokens for c in t.changes)
    g = tmp_path / "g.tsv"
    g.write_text("fastlege\tfastlækjar\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "omset", "translate", "-g", str(g), "--explain"],
                       input="Fastlegen kom.".encode(), capture_output=True, timeout=120)
    assert r.returncode == 0 and r.stdout.decode().startswith("Fastlækjaren")
    assert "glossary" in r.stderr.decode()


def test_style_learn_finds_the_house_forms(apertium_installed, tmp_path):
    # A small house sample that writes blei, mens and kome consistently.
    sample = tmp_path / "hus.txt"
    sample.write_text("\n".join([
        "Vi blei samde om at vi skulle kome tidleg.",
        "Dei blei verande heime mens det regna.",
        "Ho blei sjuk, og vi måtte kome att.",
        "Mens vi venta, blei det mørkt.",
        "Det blei sagt at dei ville kome mens vi sov.",
    ] * 3), encoding="utf-8")
    out = tmp_path / "hus.toml"
    r = subprocess.run([sys.executable, "-m", "omset", "style", "learn", str(sample), "-o", str(out),
                        "--min-count", "3"], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    prof = load(str(out))
    assert {"vart_blei", "medan_mens", "komme_kome", "me_vi"} <= prof.prefs


def test_detailed_tokens_name_their_source_words(news):
    text = "Flere av dem ble skadet i går."
    (seg,) = news.translate_detailed([text])[0]
    words = [t for t in seg.tokens if t.text.strip(".,")]
    assert all(t.source is not None for t in words)
    # every source word is paired once, in order
    assert " ".join(t.source for t in words).split() == text.rstrip(".").split()
    assert any(t.changed for t in words) and not all(t.changed for t in words)


def test_another_style_per_call_runs_on_the_same_engine(apertium_installed):
    # `using(style=...)` must give what a translator built for that style gives, on the
    # engine it was called on, and closing it must stop nothing
    with Translator(style="nynorsk-news") as tr:
        for name in ("skule", "tradisjonell"):
            other = tr.using(style=name)
            assert other.engine is tr.engine and other.profile is not None
            assert other.profile.name == name
            with Translator(style=name) as own:
                assert other.translate_batch(SENTENCES) == own.translate_batch(SENTENCES)
            other.close()
        # the styles really differ on these sentences, so the comparison above can fail
        assert tr.using(style="tradisjonell").translate_batch(SENTENCES) \
            != tr.translate_batch(SENTENCES)
        assert tr.translate(SENTENCES[0])  # still running after the others closed
    with Translator("nn", "nn") as same, pytest.raises(Exception, match="no house styles"):
        same.using(style="skule")
