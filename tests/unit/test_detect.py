"""Detection logic without Apertium: feature extraction, analyser parsing, decisions,
and the shipped model file."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from omset import detect
from omset.detect import MODEL_PATH, Detector, Model, features, is_foreign, words_of


def _decider(weights: dict[str, float], bias: float = 0.0) -> Detector:
    """A Detector whose model is given, without starting any pipeline."""
    det = Detector.__new__(Detector)
    det.__dict__["_fake_model"] = Model(bias, weights)
    return det


@pytest.fixture(autouse=True)
def _fake_model_property(monkeypatch):
    orig = Detector.model

    def model(self):
        return self.__dict__.get("_fake_model") or orig.fget(self)

    monkeypatch.setattr(Detector, "model", property(model))


def test_words_of_skips_numbers_punctuation_and_addresses():
    text = "Se https://www.nrk.no/sport/x-1 og skriv til ola@example.no i 2024, takk!"
    assert words_of(text) == ["Se", "og", "skriv", "til", "i", "takk"]


def test_collect_keeps_one_reading_list_per_word():
    raw = ("^Sotheby/*Sotheby$^'/'<apos>$^s/s<n>$[] ^i/i<pr>/i<adv>$[] "
           "^London/London<np><top>$[] ^blorf/*blorf$")
    got = Detector._collect(raw, 4)
    assert got[0] == ()  # one unknown unit makes the whole word unknown
    assert got[1] == ("i<pr>", "i<adv>")
    assert got[2] == ("London<np><top>",)
    assert got[3] == ()
    assert Detector._collect(raw, 5) == [()] * 5  # never misalign


def test_features_report_analyser_disagreement():
    words = ["Ikke", "hjem", "blorf"]
    nb = [("ikke<adv>",), ("hjem<n><nt><sg><ind>", "hjem<pr>"), ()]
    nn = [("ikkje<adv>",), (), ()]
    f = features(words, nb, nn)
    assert f["w:ikke"] == 1 and f["b:ikke_hjem"] == 1
    assert f["a:self_lemma_nb"] == 1 and f["a:lemmas_differ"] == 1
    assert f["a:nb_only"] == 1 and f["a:neither"] == 1
    assert f["c:<ik"] == 1 and f["c:em>"] == 1
    assert not any(k.startswith("p:") for k in f)


def test_features_report_part_of_speech_on_one_side_only():
    f = features(["en"], [("en<det><qnt>", "en<adv>")], [("en<pr>",)])
    assert f["p:nb:det"] == 1 and f["p:nb:adv"] == 1 and f["p:nn:pr"] == 1


def test_is_foreign():
    assert is_foreign("sjön", ("sjö<n>",), ())  # letters Norwegian does not use
    assert is_foreign("blorf", (), ())
    assert not is_foreign("heim", (), ("heim<n>",))


def test_decide_follows_the_sign_of_the_log_odds():
    det = _decider({"w:ikke": 3.0, "w:ikkje": -3.0})
    known = [("x<adv>",)]
    r = det.decide(["ikke"], known, known)
    assert (r.language, r.words) == ("nb", 1) and r.confidence > 0.9
    assert abs(r.nb_score + r.nn_score - 1) < 1e-3
    assert det.decide(["ikkje"], known, known).language == "nn"
    assert det.decide(["hus"], known, known).language == "und"  # no evidence at all


def test_decide_says_und_when_most_words_are_foreign():
    det = _decider({"w:the": 5.0})
    words = "the cat sat on the mat".split()
    unknown = [()] * len(words)
    r = det.decide(words, unknown, unknown)
    assert r.language == "und" and r.foreign == 1.0
    # Names (capitalised) unknown to both analysers do not count as foreign.
    words = ["Kari", "Nordmann", "kommer", "ikke"]
    nb = [(), (), ("komme<vblex>",), ("ikke<adv>",)]
    r = _decider({"w:ikke": 2.0}).decide(words, nb, [(), (), (), ()])
    assert r.language == "nb" and r.foreign == 0.0


def test_shipped_model_is_small_derived_weights():
    assert MODEL_PATH.stat().st_size < 1_000_000
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["positive"] == "nb" and len(data["weights"]) > 1000
    # Features, not text: no key holds more than two words.
    assert all(k.count("_") <= 3 and " " not in k for k in data["weights"])
    model = Model.load()
    assert model.log_odds(Counter({"w:ikkje": 1, "w:eg": 1})) < 0
    assert model.log_odds(Counter({"w:ikke": 1, "w:jeg": 1})) > 0


def test_model_is_loaded_lazily_and_cached(monkeypatch):
    calls = []
    monkeypatch.setattr(detect.Model, "load", classmethod(lambda cls, p: calls.append(p) or Model(0, {})))
    detect._model.cache_clear()
    try:
        det = Detector.__new__(Detector)
        det._model_path = MODEL_PATH
        assert det.model is det.model and len(calls) == 1
    finally:
        detect._model.cache_clear()
