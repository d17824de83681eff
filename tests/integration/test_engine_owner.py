"""The Engine as the one owner of a direction's processes (issue 17): every helper has
a deadline and a restart, the style layer never runs on a pipeline's reader thread, a
sentence is translated alike whatever format carries it, translators share an engine.

Stand-in processes come in through the engine's transport seam
(:func:`omset.engine.transport.stand_ins`), so the code under test is the real one.
"""

from __future__ import annotations

import time

import pytest

from omset import Translator
from omset.engine import Engine
from omset.engine.modes import lt_proc
from omset.engine.transport import stand_ins
from omset.errors import EngineTimeout
from omset.formats import translate_document

SENTENCES = ["Andelen som røyker har falt kraftig (NTB).",
             "Vi kommer også hjem i morgen, sa hun.",
             "Flere av dem ble skadet, og fastlegen ringte til sykehuset.",
             "Les mer på https://example.no/saken-om-bilene før fredag."]


def _hangs_first(flag, command: str) -> str:
    """A stand-in that hangs in its first incarnation and runs ``command`` after."""
    return f"if [ ! -e {flag} ]; then touch {flag}; exec sleep 60; else exec {command}; fi"


@pytest.mark.parametrize("helper", ["generator", "analyser"])
def test_a_hung_helper_times_out_within_its_limit_and_is_restarted(apertium_installed,
                                                                   tmp_path, helper):
    real = {"generator": lt_proc("-g", "nob-nno.autogen.bin"),
            "analyser": lt_proc("-w -e", "nob-nno.automorf.bin")}[helper]
    question = {"generator": "^hus<n><nt><pl><def>$", "analyser": "husene"}[helper]
    with Engine("nb", "nn", helper_timeout=1.0,
                transport=stand_ins({helper: _hangs_first(tmp_path / "flag", real)})) as engine:
        start = time.monotonic()
        with pytest.raises(EngineTimeout):
            engine.ask(helper, question)
        assert time.monotonic() - start < 1.0 + 1.0   # its limit and the watchdog's beat
        answer = engine.ask(helper, question)           # a fresh process answers
        assert ("husa" in answer) if helper == "generator" else ("hus<n>" in answer)
        assert engine.helper(helper).restarts == 1


def test_a_hung_generator_fails_a_request_clearly_instead_of_hanging(apertium_installed):
    # participle agreement asks the generator; a generator that never answers makes
    # the request fail with EngineTimeout after the helper's limit, not block forever
    with Engine("nb", "nn", helper_timeout=1.0,
                transport=stand_ins({"generator": "exec sleep 60"})) as engine:
        with Translator("nb", "nn", style="skule", engine=engine) as tr:
            start = time.monotonic()
            with pytest.raises(EngineTimeout):
                tr.translate("Flere av dem ble skadet.")
            assert time.monotonic() - start < 10
            with pytest.raises(EngineTimeout):  # so does glossary inflection (analyser ok)
                tr.translate("Vi har to fastleger.", glossary={"fastlege": "fastlækjar"})


def test_a_slow_style_layer_does_not_get_a_healthy_pipeline_restarted(news, monkeypatch):
    # The style layer (choosing forms, agreement) takes longer than a request's time
    # limit. It runs on the engine's own executor, so the pipelines keep being read and
    # no request behind it is taken for stuck.
    import omset.translator as translator_module

    expected = [news.translate(s) for s in SENTENCES[:3]]
    real = translator_module.choose_forms

    def slow(*args, **kwargs):
        time.sleep(4.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(translator_module, "choose_forms", slow)
    with Translator("nb", "nn", timeout=3.0, pool_size=1) as tr:
        tr.translate("Hei.")      # started and warm: a cold start is not what is measured
        assert tr.translate_batch(SENTENCES[:3]) == expected
        assert tr.engine.restarts == 0


def test_the_same_sentence_gets_the_same_words_in_every_format(news):
    # post-edit rules, protection, names and the cutting of long segments apply alike
    # to plain text and to a segment inside markup
    import polib

    long = " ".join(SENTENCES * 8)
    assert len(long) > 2 * news.max_segment_chars
    for s in SENTENCES + [long]:
        text = news.translate(s)
        html = translate_document(f"<p>{s}</p>".encode(), "html", news).decode()
        assert html == f"<p>{text}</p>", s
        md = translate_document(f"# Tittel\n\n{s}\n".encode(), "markdown", news).decode()
        assert md.split("\n\n", 1)[1] == text + "\n", s
        po = polib.POFile()
        po.metadata = {"Language": "nb", "Content-Type": "text/plain; charset=UTF-8"}
        po.append(polib.POEntry(msgid=f"m{len(po)}", msgstr=s))
        out = polib.pofile(translate_document(str(po).encode(), "po", news).decode())
        assert out[0].msgstr == text, s


def test_rules_fire_inside_markup_but_never_across_it(news):
    import re

    source = "Andelen som røyker har falt (NTB)."
    out = translate_document(f"<p><b>Andelen</b>{source[7:]}</p>".encode(), "html", news).decode()
    assert out.startswith("<p><b>Delen</b> ")              # rule R: andelen → delen
    assert re.sub(r"</?[bp]>", "", out) == news.translate(source)
    # the same rule cannot reach into a word that markup splits
    split = translate_document("<p>Ande<i>len</i> har falt.</p>".encode(), "html", news).decode()
    assert "Delen" not in split and "Ande" in split


def test_a_document_glossary_rides_on_the_same_engine(news):
    terms = {"fastlege": "fastlækjar"}
    out = translate_document(b"<p>Fastlegen ringte.</p>", "html", news, glossary=terms)
    assert out.decode() == f"<p>{news.translate('Fastlegen ringte.', glossary=terms)}</p>"
    assert "Fastlækjaren" in out.decode()
    assert news.glossary is None or "fastlege" not in {t.lower() for t in news.glossary.terms}


def test_translators_of_one_direction_share_one_engine_and_its_helpers(news):
    with Translator("nb", "nn", style="skule", engine=news.engine) as skule, \
            Translator("nb", "nn", style="moderne", engine=news.engine) as moderne:
        for tr in (skule, moderne):
            tr.translate("Flere av dem ble skadet.")          # agreement: the generator
        generators = [pool for role, pool in news.engine.pools() if role == "generator"]
        assert len(generators) == 1 and generators[0].size == 1
    assert news.translate("Hei.")  # the borrowers' close left the engine running
    with pytest.raises(ValueError):
        Translator("nn", "nb", engine=news.engine)
