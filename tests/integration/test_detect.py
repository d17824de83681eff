"""Detection with the real Apertium analysers and the shipped model, on sentences
written for these tests (none taken from any corpus)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from omset.detect import Detector

BOKMAL = [
    "Jeg tror ikke at hun kommer hjem før i morgen kveld.",
    "Kommunen har vedtatt en ny plan for skolene i bygda.",
    "Hvorfor har ingen fortalt meg at møtet ble flyttet?",
    "Prisene på strøm har steget kraftig den siste uken.",
    "Barna lekte ute i snøen hele ettermiddagen.",
    "Regjeringen vil bruke mer penger på veier og jernbane.",
    "Det er blitt vanskeligere å finne en leilighet i byen.",
    "Hun skrev boken mens hun bodde i et lite hus ved sjøen.",
    "Trafikken gikk sakte fordi det hadde skjedd en ulykke.",
    "Vi må huske å kjøpe melk og brød på vei hjem.",
]
NYNORSK = [
    "Eg trur ikkje at ho kjem heim før i morgon kveld.",
    "Kommunen har vedteke ein ny plan for skulane i bygda.",
    "Kvifor har ingen fortalt meg at møtet vart flytta?",
    "Prisane på straum har stige kraftig den siste veka.",
    "Borna leika ute i snøen heile ettermiddagen.",
    "Regjeringa vil bruke meir pengar på vegar og jernbane.",
    "Det har vorte vanskelegare å finne ei leilegheit i byen.",
    "Ho skreiv boka medan ho budde i eit lite hus ved sjøen.",
    "Trafikken gjekk sakte fordi det hadde skjedd ei ulukke.",
    "Vi må hugse å kjøpe mjølk og brød på veg heim.",
]
NEITHER = [
    "The meeting was moved to next Tuesday because nobody could attend.",
    "Please remember to bring your laptop and charger tomorrow.",
    "Vi åkte till landet i helgen och badade i sjön varje dag.",
    "Regeringen vill sänka skatten för pensionärer nästa år.",
    "Vi købte en ny bil i sidste uge, men den kører allerede dårligt.",
    "Han spurgte mig, hvad jeg lavede i weekenden.",
    "Der Hund läuft jeden Morgen schnell über die Straße.",
    "blorf snazzle quimp trabo dweezil fnork",
    "xkcd qwrt plmbz vrrk zzt",
]


@pytest.fixture(scope="module")
def detector(apertium_installed):
    with Detector() as det:
        yield det


@pytest.mark.parametrize("lang,sentences", [("nb", BOKMAL), ("nn", NYNORSK)])
def test_norwegian_sentences(detector, lang, sentences):
    results = detector.detect_batch(sentences)
    wrong = [(s, r) for s, r in zip(sentences, results) if r.language != lang]
    assert not wrong
    assert all(0.5 < r.confidence <= 1 for r in results)


def test_other_languages_and_gibberish_are_neither(detector):
    wrong = [(s, r) for s in NEITHER if (r := detector.detect(s)).language != "und"]
    assert not wrong


def test_batch_equals_single(detector):
    texts = BOKMAL[:3] + NEITHER[:2] + ["", "123 456"] + NYNORSK[:3]
    assert detector.detect_batch(texts) == [detector.detect(t) for t in texts]


def test_detector_is_thread_safe(detector):
    from concurrent.futures import ThreadPoolExecutor

    texts = (BOKMAL + NYNORSK) * 3
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(detector.detect, texts))
    assert [r.language for r in got] == ["nb"] * 10 + ["nn"] * 10 + ["nb"] * 10 + ["nn"] * 10 \
        + ["nb"] * 10 + ["nn"] * 10


def test_no_words_is_neither(detector):
    for text in ["", "   ", "2024 — 17:30 !!!"]:
        r = detector.detect(text)
        assert (r.language, r.words) == ("und", 0)


def test_long_text_is_confident(detector):
    r = detector.detect(" ".join(NYNORSK * 5))
    assert r.language == "nn" and r.confidence > 0.99


@pytest.mark.parametrize("text,lang", [(BOKMAL[0], "nb"), (NYNORSK[0], "nn"), (NEITHER[0], "und")])
def test_cli_output_format(apertium_installed, text, lang):
    r = subprocess.run([sys.executable, "-m", "omset", "detect"], input=text.encode(),
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(rf"{lang}\t[01]\.\d\d\n", r.stdout.decode())
