"""Nynorsk→Bokmål with its own layers: Bokmål profiles, rules learned in reverse,
glossary and protection, the CLI — on sentences written here, with the real engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from omset import Translator
from omset.postedit import RuleSet
from omset.style import ProfileError, builtin_names, load
from omset.style.profile import Profile

pytestmark = pytest.mark.usefixtures("apertium_installed")

SENTENCE = "Boka låg på bordet, og jenta kom heim til hytta."


def _omset(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "omset", *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def _words(text: str) -> set[str]:
    return {w.strip(".,").lower() for w in text.split()}


def test_bokmal_profiles_are_builtin_and_for_bokmal():
    for name in ("bokmal", "bokmal-konservativ", "bokmal-radikal"):
        assert name in builtin_names()
        assert load(name).language == "nb"
    assert load(None, "nb").name == "bokmal" and load(None).name == "nynorsk-news"


def test_conservative_and_radical_profiles_write_their_forms():
    with Translator("nn", "nb", style="bokmal-konservativ") as kons, \
            Translator("nn", "nb", style="bokmal-radikal") as rad:
        k, r = _words(kons.translate(SENTENCE)), _words(rad.translate(SENTENCE))
        assert {"boken", "jenten", "hjem", "hytten"} <= k
        assert {"boka", "jenta", "heim", "hytta"} <= r
        assert "mye" in _words(kons.translate("Det kom mykje snø."))
        assert "heime" in _words(rad.translate("Dei var heime."))
        # only the definite singular differs: plural and indefinite stay as they are
        assert rad.translate("Bøkene og ei bok.") == kons.translate("Bøkene og ei bok.")


def test_default_profile_chooses_per_noun():
    prof = load("bokmal")
    assert prof.feminine == "lemmas" and prof.feminine_a
    with Translator("nn", "nb") as tr:
        assert tr.profile is not None and tr.profile.name == "bokmal"
        # a profile of one's own with the same mechanism: -a for «bok» only
        own = Profile(name="eigen", language="nb", feminine="lemmas", feminine_a=frozenset({"bok"}))
        with Translator("nn", "nb", style=own, engine=tr.engine) as mine:
            words = _words(mine.translate(SENTENCE))
            assert "boka" in words and "jenten" in words and "hytten" in words


def test_detailed_output_names_the_profile_choice():
    with Translator("nn", "nb", style="bokmal-radikal") as tr:
        seg = tr.translate_detailed([SENTENCE])[0][0]
        assert seg.text == tr.translate(SENTENCE)
        boka = next(t for t in seg.tokens if t.text == "Boka")
        assert boka.alternatives == ["Boken", "Boka"]
        assert boka.changes[0].layer == "profile" and "feminine" in boka.changes[0].reason
        assert seg.text[boka.start:boka.start + 4] == "Boka"


def test_a_nynorsk_style_is_refused_for_nn_nb():
    with pytest.raises(ProfileError, match="Nynorsk"):
        Translator("nn", "nb", style="skule")
    with pytest.raises(ProfileError, match="Bokmål"):
        Translator("nb", "nn", style="bokmal")


def test_glossary_inflects_into_bokmal_and_protection_holds():
    with Translator("nn", "nb", glossary={"bil": "vogn"}) as tr:
        out = tr.translate("Bilen står ved https://example.no/bilen-min og @bilen.")
        assert out.startswith("Vognen står")
        assert "https://example.no/bilen-min" in out and "@bilen" in out
    with Translator("nn", "nb", glossary={"Høgre": ""}) as tr:
        assert "Høgre" in tr.translate("Ho røysta på Høgre.")


def test_a_rule_learned_in_reverse_applies_and_explain_names_it(tmp_path: Path):
    # The "house" writes «meget» where the engine writes «mye» (for Nynorsk «mykje»).
    nouns = ("regn", "snø", "vind", "sol", "folk", "arbeid", "støy", "trafikk", "is", "tåke")
    sources = [f"Det kom mykje {n} i går." for n in nouns]
    with Translator("nn", "nb", rules=False) as tr:
        outputs = tr.translate_batch(sources)
    assert all(" mye " in o for o in outputs)
    refs = [o.replace(" mye ", " meget ") for o in outputs]
    tsv = tmp_path / "tiny.nb-nn.tsv"   # Bokmål<TAB>Nynorsk, read in reverse
    tsv.write_text("".join(f"{r}\t{s}\n" for s, r in zip(sources, refs)), encoding="utf-8")
    out = tmp_path / "rules.json"
    r = _omset("learn", str(tsv), "--reverse", "-o", str(out), "--min-count", "3")
    assert r.returncode == 0, r.stderr
    rs = RuleSet.load(out)
    assert [(x.pattern, x.replacement) for x in rs.rules] == [("mye", "meget")]
    assert json.loads(out.read_text(encoding="utf-8"))["direction"] == "nn-nb"
    with Translator("nn", "nb", rules=out) as tr:
        assert tr.translate("Det var mykje folk der.") == "Det var meget folk der."
        # what --explain prints (cli._explain reads the same detailed answer)
        seg = tr.translate_detailed(["Det var mykje folk der."])[0][0]
        change = next(c for t in seg.tokens for c in t.changes if c.layer == "rule")
        assert (change.before, change.after) == ("mye", "meget")
        assert change.reason.startswith(f"rule {rs.rules[0].id}: mye → meget")


def test_cli_takes_bokmal_styles_and_explains():
    r = _omset("translate", "-s", "nn", "-t", "nb", "--style", "bokmal-radikal", "--explain",
               stdin=SENTENCE + "\n")
    assert r.returncode == 0, r.stderr
    assert {"boka", "jenta", "heim"} <= _words(r.stdout)
    assert "Boken → Boka" in r.stderr and "bokmal-radikal" in r.stderr
    r = _omset("translate", "-s", "nn", "-t", "nb", "--style", "tradisjonell", stdin="Hei.\n")
    assert r.returncode != 0 and "Nynorsk" in r.stderr
    r = _omset("styles")
    assert r.returncode == 0 and "bokmal-radikal" in r.stdout


def test_explain_names_a_rule_learned_in_reverse(tmp_path: Path):
    rules = tmp_path / "r.json"
    rules.write_text(json.dumps({"format": "omset-rules/1", "direction": "nn-nb", "rules": [
        {"id": "B1", "pattern": "mye", "replacement": "meget", "context": {"src": "mykje"},
         "counts": {"fixed": 5, "broken": 0}}]}), encoding="utf-8")
    with Translator("nn", "nb", rules=rules) as tr:
        seg = tr.translate_detailed(["Det var mykje folk der."])[0][0]
        assert seg.text == "Det var meget folk der."
        change = next(c for t in seg.tokens for c in t.changes if c.layer == "rule")
        assert change.reason.startswith("rule B1: mye → meget for Nynorsk «mykje»")


def test_the_default_profile_keeps_its_names():
    with Translator("nn", "nb") as tr, Translator("nn", "nb", style="bokmal-konservativ") as plain:
        kept = [w for w in ("Vegdirektoratet", "Fellesforbundet", "Felleskjøpet")
                if tr.glossary is not None and w in tr.glossary.terms]
        assert kept, "the bokmal keep-list of names is not loaded"
        for name in kept:
            src = f"Dei har snakka med {name} i dag."
            assert name in tr.translate(src)
        changed = [w for w in kept if w not in plain.translate(f"Dei har snakka med {w} i dag.")]
        assert changed   # without the keep-list Apertium changes at least one of them
