"""Risk flags on real engine output: annotate fills the fields, the report prints the
riskiest segments, and `omset learn risk` retrains end to end (omset.risk)."""

from __future__ import annotations

import itertools
import subprocess
import sys

from rich.console import Console

from omset.cli_risk import show_riskiest
from omset.risk import annotate, load

SHORT = "Vi kommer hjem."
LONG = ("– Vi har ikke fått noe svar fra Sjøfartsdirektoratet eller Kystverket ennå, sier "
        "Kari Nordmann, som leder Fjordkraftforeningen i Sogndal, til avisen «Vestlandsnytt» "
        "torsdag kveld, etter at 17 fartøyer ble stanset i 2019.")


def test_annotate_fills_segment_and_word_risk(news):
    # translate_detailed annotates nb→nn itself; annotating again gives the same scores
    segs = [s for text in news.translate_detailed([SHORT, LONG]) for s in text]
    assert len(segs) == 2 and all(s.risk is not None for s in segs)
    given = [(s.risk, [t.risk for t in s.tokens]) for s in segs]
    annotate(segs)
    assert [(s.risk, [t.risk for t in s.tokens]) for s in segs] == given
    for seg in segs:
        assert seg.risk is not None and 0.0 <= seg.risk <= 1.0
        assert seg.tokens and all(t.risk is not None and 0.0 <= t.risk <= 1.0 for t in seg.tokens)
        assert "risk" in seg.to_dict() and "risk" in seg.to_dict()["tokens"][0]
    short, long_ = segs
    assert long_.risk > short.risk  # type: ignore[operator]
    before = [(s.risk, [t.risk for t in s.tokens]) for s in segs]
    again = [s for text in news.translate_detailed([SHORT, LONG]) for s in text]
    annotate(again)
    assert [(s.risk, [t.risk for t in s.tokens]) for s in again] == before


def test_show_riskiest_prints_the_riskiest_segment_first(news):
    segs = news.translate_detailed([f"{SHORT}\n\n{LONG}\n\nDet regner."])[0]
    console = Console(record=True, width=400)
    show_riskiest(segs, console, share=0.34)
    out = console.export_text()
    assert "riskiest segments" in out
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(lines) == 1 and "Fjordkraftforeningen" in lines[0]


# a synthetic parallel text: Bokmål sentences from parts, Nynorsk written by hand; some
# references say it differently from any word-for-word translation (naboen → grannen)
_SUBJECTS = [("Vi", "Me"), ("Hun", "Ho"), ("De", "Dei"), ("Kari", "Kari")]
_PREDICATES = [("kommer hjem", "kjem heim"), ("leser boken", "les boka"),
               ("snakker med naboen", "pratar med grannen"),
               ("ønsker å reise til Bergen", "vil gjerne reise til Bergen"),
               ("har ikke sett filmen", "har ikkje sett filmen"),
               ("kjøper melk", "kjøper mjølk")]
_TIMES = [("i dag", "i dag"), ("etter jobben", "etter arbeidet")]


def _pairs() -> list[str]:
    lines = []
    for (s_nb, s_nn), (p_nb, p_nn), (t_nb, t_nn) in itertools.product(_SUBJECTS, _PREDICATES, _TIMES):
        lines.append(f"{s_nb} {p_nb} {t_nb}.\t{s_nn} {p_nn} {t_nn}.")
    return lines


def test_learn_risk_trains_a_model_that_loads_and_is_reproducible(tmp_path, apertium_installed):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("\n".join(_pairs()) + "\n", encoding="utf-8")
    cache, model = tmp_path / "cache.jsonl", tmp_path / "model.json"
    cmd = [sys.executable, "-m", "omset", "learn", "risk", str(pairs), "-o", str(model),
           "--folds", "2", "--cache", str(cache)]
    first = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "held out" in first.stderr and model.is_file() and cache.is_file()
    data = model.read_bytes()
    m = load(model)
    assert m.info["pairs"] == 48 and m.lexicon.counts
    second = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0 and "engine outputs from" in second.stderr
    assert model.read_bytes() == data        # same data, same model, byte for byte


def test_learn_risk_refuses_malformed_pairs(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("bare ein kolonne\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "omset", "learn", "risk", str(bad), "-o",
                        str(tmp_path / "m.json")], check=False, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "bad.tsv:1" in r.stderr
    assert not (tmp_path / "m.json").exists()


def test_nn_nb_output_is_scored_with_the_model_learned_in_reverse(nn_nb):
    import pytest

    from omset.risk import ModelError

    nn_short = "Vi kjem heim."
    nn_long = ("– Vi har ikkje fått noko svar frå Sjøfartsdirektoratet eller Kystverket enno, "
               "seier Kari Nordmann, som leiar Fjordkraftforeininga i Sogndal, til avisa "
               "«Vestlandsnytt» torsdag kveld, etter at 17 fartøy vart stansa i 2019.")
    segs = [s for text in nn_nb.translate_detailed([nn_short, nn_long]) for s in text]
    assert all(s.risk is not None for s in segs)
    given = [(s.risk, [t.risk for t in s.tokens]) for s in segs]
    nb_model, nn_model = load(target="nb"), load()
    assert nb_model is not nn_model and nb_model.word_flag != nn_model.word_flag
    annotate(segs, target="nb")                   # the same model gives the same scores
    assert [(s.risk, [t.risk for t in s.tokens]) for s in segs] == given
    annotate(segs)                                # the nb→nn model scores differently
    assert [(s.risk, [t.risk for t in s.tokens]) for s in segs] != given
    with pytest.raises(ModelError, match="no shipped risk model"):
        load(target="se")
