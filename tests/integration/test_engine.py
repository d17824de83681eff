"""The engine against the real Apertium pipelines and the real Apertium CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest

from omset import EngineNotInstalled, Translator, UnsupportedLanguage
from omset.engine import Pool, encode, decode_text

SENTENCES = [
    "Vi vil også komme hjem, og flere av dem ble skadet.",
    "Regjeringen legger fram statsbudsjettet i morgen.",
    "Hun sier at hun ikke visste hvor hun skulle gjøre av seg.",
    "Ventetiden på norske sykehus har økt kraftig",
    "Tallene viser at 12,5 prosent av elevene valgte nynorsk i fjor.",
]


def cli(text: str, mode: str = "nob-nno_e") -> str:
    return subprocess.run(["apertium", "-u", mode], input=text, capture_output=True,
                          text=True, check=True).stdout


def test_output_equals_the_apertium_cli_for_each_segment(nb_nn):
    # The CLI gets the segments as separate paragraphs, so its line breaks stay put,
    # after a lone full stop, so that the first is a sentence inside a text like the rest.
    expected = cli(".\n\n" + "\n\n".join(SENTENCES)).split("\n\n")[1:]
    assert nb_nn.translate_batch(SENTENCES) == [e.strip() for e in expected]


def cli_in_text(segment: str, mode: str = "nob-nno_e") -> str:
    """The CLI on ``segment`` after a paragraph holding only a full stop: a sentence
    inside a text with no content before it — how omset reads every segment."""
    return cli(f".\n\n{segment}\n", mode).split("\n\n", 1)[1].strip()


CONTEXT_PAIRS = [
    # (previous paragraph, segment): the CLI reads the segment differently after it
    ("Regjeringen vil innføre nye krav til campingplassene",
     "– Men det bør den være hvis den skal ha noen betydning, sier hun."),
]


@pytest.mark.parametrize("previous,segment", CONTEXT_PAIRS)
def test_segments_are_isolated_from_what_the_pipeline_saw_before(apertium_installed,
                                                                 previous, segment):
    # One long CLI stream carries context from one paragraph into the next (here the
    # pronoun's gender from a noun before); omset's segments never do, so a segment's
    # translation is the same whatever came before it.
    together = cli(f"{previous}\n\n{segment}\n").split("\n\n")[1].strip()
    in_text = cli_in_text(segment)
    assert together != in_text  # the context effect exists (else this test proves nothing)
    with Translator(style="apertium", pool_size=1) as tr:
        assert tr.translate_batch([previous, segment])[1] == in_text
        assert tr.translate(f"{previous}\n\n{segment}").split("\n\n")[1] == in_text
        assert tr.translate(segment) == in_text


@pytest.mark.parametrize("segment", ["Kisten blir deretter fløyet til Texas.",
                                     "For Trøndelag ventes temperaturene å ligge høyt."])
def test_a_segment_is_read_as_a_sentence_inside_a_text(apertium_installed, segment):
    # Apertium's tagger reads the first words of a text differently from those of any
    # later sentence; omset reads every segment as a sentence inside a text, the way
    # the CLI reads every paragraph of a file but the first.
    at_start = cli(segment + "\n").strip()
    in_text = cli_in_text(segment)
    assert at_start != in_text  # the effect exists (else this test proves nothing)
    with Translator(style="apertium", pool_size=1) as tr:
        assert tr.translate(segment) == in_text
        assert tr.translate_batch(["Han svarte «vet ikke».", segment])[1] == in_text


def test_headline_without_full_stop_keeps_its_line(nb_nn):
    text = "Ventetiden på norske sykehus har økt kraftig\nPasienter må nå vente lenger.\n"
    out = nb_nn.translate(text)
    assert out.count("\n") == 2
    head, body = out.splitlines()
    assert head == nb_nn.translate("Ventetiden på norske sykehus har økt kraftig")
    assert body == nb_nn.translate("Pasienter må nå vente lenger.")


def test_paragraphs_and_blank_lines_are_preserved(nb_nn):
    text = "\n  Jeg kommer.\n\n\n\tDu kommer.  \n\n"
    out = nb_nn.translate(text)
    assert out == "\n  Eg kjem.\n\n\n\tDu kjem.  \n\n"


def test_batch_gives_one_output_per_input(nb_nn):
    inputs = ["", "   ", "Jeg kommer.", "Linje en\nLinje to", "Hei"]
    out = nb_nn.translate_batch(inputs)
    assert len(out) == len(inputs)
    assert out[0] == "" and out[1] == "   " and out[2] == "Eg kjem."
    assert out[3].count("\n") == 1


def test_long_segment_is_split_and_joined(nb_nn):
    text = " ".join(SENTENCES[:3] * 20)
    assert len(text) > nb_nn.max_segment_chars
    out = nb_nn.translate(text)
    single = nb_nn.translate(SENTENCES[0])
    assert out.startswith(single)
    assert out.count(single) == 20


def test_many_threads_at_once_get_their_own_answers(nb_nn):
    expected = {s: nb_nn.translate(s) for s in SENTENCES}
    errors: list[str] = []

    def worker(k: int) -> None:
        for i in range(20):
            s = SENTENCES[(k + i) % len(SENTENCES)]
            got = nb_nn.translate(s)
            if got != expected[s]:
                errors.append(f"{s!r} -> {got!r}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


NN_SENTENCES = [
    "Eg kjem ikkje heim i dag.",
    "Ho sa at dei hadde vore på sjukehuset heile veka.",
    "Kommunen vil byggje fleire bustader, men pengane manglar",
    "Kva meiner du om at skulen skal stengje klokka 14?",
    "Me gjekk over brua medan det regna, og ingen av oss vart våte.",
    "Ungane har ete opp kakene — no er det berre smular att!",
]


def test_nynorsk_to_bokmaal_equals_the_nno_nob_cli(apertium_installed):
    # Same protocol as nb→nn: every segment its own paragraph for the CLI. The
    # bokmal-konservativ profile keeps Apertium's own forms and has no rules, so the
    # split engine (heavy stages, style layer, generator) must give exactly its output.
    expected = cli("\n\n".join(NN_SENTENCES), "nno-nob").split("\n\n")
    with Translator("nn", "nb", style="bokmal-konservativ") as plain:
        assert plain.engine.post is not None   # nn→nb splits before the generator
        assert plain.translate_batch(NN_SENTENCES) == [e.strip() for e in expected]
        assert plain.translate(NN_SENTENCES[0]) == "Jeg kommer ikke hjem i dag."


# `media` has an ambiguity class apertium-tagger's nno-nob model does not know; meeting
# it, the tagger overwrites its own model's open class (omset/engine/tagger_guard.py).
# A warm pipeline without the guard then tagged every later segment with that model:
# `Inga` → `Ingen`, `sol` → `søl`.
AFTER_AN_UNKNOWN_CLASS = [
    "Saka vart omtala i media.",
    "Inga Bejer Engh lanserer ein ny strategi.",
    "Det er størst sjanse for sol Austafjells.",
    "Saka vart omtala i media.",
    "Inga Bejer Engh lanserer ein ny strategi.",
]


def test_each_segment_in_flight_is_tagged_as_if_alone(apertium_installed):
    alone = [cli(s + "\n", "nno-nob").strip() for s in AFTER_AN_UNKNOWN_CLASS]
    assert alone[1].startswith("Inga ") and " sol " in alone[2]
    with Translator("nn", "nb", pool_size=1, protect=False, rules=False) as tr:
        assert tr.translate_batch(AFTER_AN_UNKNOWN_CLASS) == alone  # all in flight at once
        assert [tr.translate(s) for s in AFTER_AN_UNKNOWN_CLASS] == alone  # one by one


def test_variant_and_preferences(apertium_installed):
    with Translator(variant="a") as tr:
        assert "komma" in tr.translate("Vi skal komme.")
    with Translator(prefs=["også_òg"]) as tr:
        assert tr.translate("Vi kommer også.") == "Vi kjem òg."
        # the preference holds for every request, not only the first
        assert tr.translate("Hun kommer også.") == "Ho kjem òg."


def test_unknown_preference_is_rejected(apertium_installed):
    with pytest.raises(UnsupportedLanguage, match="omset prefs"):
        Translator(prefs=["ikke_en_pref"])


def test_unknown_words_marked_only_on_request(apertium_installed):
    text = "Blorfendel kom hjem."
    with Translator(mark_unknown=True) as tr:
        assert "*Blorfendel" in tr.translate(text)
    with Translator() as tr:
        out = tr.translate("Blorfendel kom hjem med @nrk og #valg2025 på x*y.")
        assert out.startswith("Blorfendel")
        assert "@nrk" in out and "#valg2025" in out


def _stage_pid(pipeline, program: str) -> int:
    """PID of the first stage of ``pipeline`` whose command line contains ``program``."""
    for pid in sorted(pipeline.pids):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        except FileNotFoundError:
            continue
        if cmd.startswith(program):
            return pid
    raise AssertionError(f"no {program} stage in {pipeline.pids}")


def test_a_stage_killed_mid_request_is_restarted_and_answered(apertium_installed):
    with Translator(pool_size=1, style="apertium") as tr:
        text = " ".join(SENTENCES * 30)
        expected = tr.translate(text)  # also warms the pipeline
        pipeline = tr.pool.pipelines[0]
        victim = _stage_pid(pipeline, "cg-proc")  # the disambiguator, mid-pipeline
        result: list[str] = []
        t = threading.Thread(target=lambda: result.append(tr.translate(text)))
        t.start()
        deadline = time.monotonic() + 10
        while not pipeline._proc.pending and time.monotonic() < deadline:
            time.sleep(0.001)
        assert pipeline._proc.pending, "the request never got in flight"
        os.kill(victim, signal.SIGKILL)
        t.join(120)
        assert result == [expected]
        assert tr.pool.restarts >= 1
        assert victim not in pipeline.pids


def test_a_stuck_request_fails_within_its_limit_and_the_pipeline_restarts(tmp_path):
    # The first incarnation hangs, the restarted one echoes. The request that hung
    # fails with EngineTimeout after its own deadline — sent again it would only hang
    # again — and the next request is answered by a fresh pipeline.
    from omset.errors import EngineTimeout

    flag = tmp_path / "first"
    cmd = f"if [ ! -e {flag} ]; then touch {flag}; exec sleep 60; else exec cat; fi"
    pool = Pool(cmd, size=1, timeout=0.5, timeout_per_kb=0)
    try:
        start = time.monotonic()
        with pytest.raises(EngineTimeout, match="did not answer within 0.5 s"):
            pool.run(encode("Hei."))
        assert time.monotonic() - start < 0.5 + 1.0   # the limit, plus the watchdog's beat
        assert decode_text(pool.run(encode("Hei."))) == "Hei."
        assert pool.restarts == 1
    finally:
        pool.close()


def test_requests_behind_a_stuck_one_are_retried_on_a_fresh_pipeline(tmp_path):
    from omset.errors import EngineTimeout

    flag = tmp_path / "first"
    cmd = f"if [ ! -e {flag} ]; then touch {flag}; exec sleep 60; else exec cat; fi"
    pool = Pool(cmd, size=1, timeout=0.5, timeout_per_kb=0)
    try:
        stuck, behind = pool.submit(encode("En.")), pool.submit(encode("To."))
        with pytest.raises(EngineTimeout):
            stuck.result(timeout=10)
        assert decode_text(behind.result(timeout=10)) == "To."
    finally:
        pool.close()


def test_missing_installation_says_how_to_install(monkeypatch):
    from omset.engine import modes

    modes.stages.cache_clear()
    monkeypatch.setenv("OMSET_APERTIUM_DIR", "/nonexistent")
    with pytest.raises(EngineNotInstalled, match="apt-get install apertium-nno-nob"):
        Translator()
    modes.stages.cache_clear()


def _varied_lines(n: int):
    """``n`` different lines, generated lazily (the input never exists as a whole)."""
    for i in range(n):
        yield f"Linje {i} har litt tekst, {i * 7 % 1000} ord og et punktum.\n"


def test_streaming_memory_is_bounded_by_the_window(apertium_installed):
    # The Apertium stages are replaced by `cat` (the stream comes back as it went in),
    # so this measures omset's own streaming: in-flight segments never exceed the
    # window, and Python's peak memory does not grow with the length of the input.
    import tracemalloc

    window = 64
    with Translator(style="apertium", protect=False, rules=False, pool_size=1) as tr:
        tr.engine.heavy.close()
        tr.engine.post.close()
        tr.engine.heavy, tr.engine.post = Pool("cat", size=2), Pool("cat", size=1)
        inflight, peak_inflight = [0], [0]
        lock = threading.Lock()
        submit = tr.engine.heavy.submit

        def counting_submit(payload: str):
            fut = submit(payload)
            with lock:
                inflight[0] += 1
                peak_inflight[0] = max(peak_inflight[0], inflight[0])

            def done(_):
                with lock:
                    inflight[0] -= 1
            fut.add_done_callback(done)
            return fut

        tr.engine.heavy.submit = counting_submit  # type: ignore[method-assign]
        peaks = []
        for n in (2_000, 8_000):
            tracemalloc.start()
            size = newlines = 0
            for out in tr.translate_lines(_varied_lines(n), window=window):
                size += len(out)
                newlines += out.count("\n")
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            assert newlines == n  # every line came back
        assert peak_inflight[0] <= window + 1
        # 4× the input (0.1 → 0.4 MB) must not need more memory: peak ~0.5 MB for both
        assert peaks[1] < 1.5 * peaks[0], peaks
        assert peaks[1] < 4 << 20, peaks


def test_tildes_and_unicode_spaces_come_through_as_with_the_cli(nb_nn):
    # `~` is post-generation's contraction mark: apertium-destxt hides it in a
    # superblank and so must we; no-break and thin spaces are ordinary characters.
    segments = ["Det koster ~5 kroner, ca. ~ 10 % av ~alt~ i år.", "Han sa~de kommer.",
                "Det kostet 10\u00a0000 kroner, og kl.\u00a010 kom 2\u202f500 av dem.",
                "Vi har\tde og  dem her."]
    expected = cli("\n\n".join(segments) + "\n").split("\n\n")
    assert nb_nn.translate_batch(segments) == [e.strip("\n") for e in expected]


def test_a_pipeline_that_grew_too_big_is_replaced_without_losing_requests(nb_nn):
    # A budget every pipeline exceeds: it is replaced every other wave; every answer
    # still comes, equal to a normal pipeline's, and the old processes exit.
    expected = nb_nn.translate_batch(SENTENCES * 6)
    with Translator(style="apertium", pool_size=1) as tr:
        for p in tr.pool.pipelines:
            p.recycle_mb, p.recycle_every = 1, 5
        got = []
        pipeline = tr.pool.pipelines[0]
        for _ in range(6):  # in waves: a pipeline's size is judged once it is running
            got += tr.translate_batch(SENTENCES)
            deadline = time.monotonic() + 30  # the replacement takes over once warm
            while pipeline._standby is not None and time.monotonic() < deadline:
                time.sleep(0.02)
        assert got == expected
        assert tr.pool.recycled >= 3 and tr.pool.restarts == 0
        old = tr.pool.pipelines[0]._retiring
        deadline = time.monotonic() + 30
        while not all(p.dead for p in old) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(p.dead for p in old)  # retired processes finish and exit


def test_a_replacement_pipeline_is_warm_before_it_takes_requests():
    # Recycling must not make requests wait for a cold start (0.25 s idle, over 1 s
    # loaded): the old pipeline keeps answering until the replacement has warmed up.
    with Translator(style="apertium", pool_size=1) as tr:
        pipeline = tr.pool.pipelines[0]
        pipeline.recycle_mb, pipeline.recycle_every = 1, 3
        tr.translate_batch(SENTENCES[:3])
        before = set(pipeline.pids)
        tr.translate(SENTENCES[0])  # the 4th request starts the replacement
        assert pipeline._standby is not None or pipeline.recycled == 1
        deadline = time.monotonic() + 30
        while pipeline.recycled == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pipeline.recycled == 1 and pipeline._standby is None
        assert not set(pipeline.pids) & before  # a new process group took over
        times = []
        for s in SENTENCES[1:4]:  # and it was warm: no cold start on its first request
            t = time.monotonic()
            tr.translate(s)
            times.append(time.monotonic() - t)
        assert times[0] < 3 * min(times[1:]) + 0.1, times


def test_the_faster_allocator_changes_no_output(apertium_installed, monkeypatch):
    # jemalloc (or mimalloc) under the token-level stages is a speed-up only: the same
    # bytes come out as with glibc's malloc, and the pipeline really runs with it.
    from omset.engine import modes
    if modes.allocator() is None:
        pytest.skip("neither libjemalloc2 nor libmimalloc is installed")
    texts = SENTENCES + ["Sykehusene i Helse Sør-Øst melder om ventetider på opptil "
                         "fire måneder for enkelte planlagte operasjoner i høst."]
    with Translator(style="apertium", pool_size=1) as tr:
        fast = tr.translate_batch(texts)
        pids = tr.pool.pipelines[0].pids
        preloaded = [pid for pid in pids
                     if modes.allocator() in open(f"/proc/{pid}/maps").read()]
        assert len(preloaded) >= 5  # the lt-proc, lsx-proc, lrx-proc, transfer stages
    modes.allocator.cache_clear()
    monkeypatch.setenv("OMSET_MALLOC", "system")
    try:
        assert modes.allocator() is None
        with Translator(style="apertium", pool_size=1) as tr:
            assert tr.translate_batch(texts) == fast
    finally:
        modes.allocator.cache_clear()


@pytest.mark.parametrize("variant,mode", [("e", "nno-nno_e"), ("a", "nno_e-nno")])
def test_nynorsk_is_normalised_by_apertiums_own_modes(apertium_installed, variant, mode):
    # nn→nn: Apertium's normaliser modes (a-/e-infinitive), whole, as the CLI runs them.
    texts = ["Me skal komma heim att, og dei vil ikkje gje opp",
             "Vi må kome oss vidare før det blir mørkt."]
    with Translator("nn", "nn", variant=variant, pool_size=1) as tr:
        assert tr.mode == mode and tr.variant == variant
        assert tr.translate_batch(texts) == [cli_in_text(t, mode) for t in texts]
    assert ("komme" in cli_in_text(texts[0], mode)) == (variant == "e")  # it does something
    with pytest.raises(UnsupportedLanguage):
        Translator("nb", "nb")


def test_a_replacement_that_fails_to_start_leaves_the_old_pipeline_serving():
    # Recycling must never cost an answer: if the replacement dies before it has warmed
    # up, the old pipeline keeps taking requests and the next check tries again.
    with Translator(style="apertium", pool_size=1) as tr:
        pipeline = tr.pool.pipelines[0]
        expected = tr.translate_batch(SENTENCES)
        good = pipeline.command
        pipeline.command = "exit 3"  # what the replacement will run: it ends at once
        pipeline.recycle_mb, pipeline.recycle_every = 1, 2
        before = set(pipeline.pids)
        assert tr.translate_batch(SENTENCES) == expected  # the attempt starts in here
        deadline = time.monotonic() + 30
        while pipeline._standby is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pipeline._standby is None and pipeline.recycled == 0
        assert set(pipeline.pids) == before and pipeline.restarts == 0
        assert tr.translate_batch(SENTENCES) == expected  # still the old one, still right
        pipeline.command = good  # a later check replaces it for real
        deadline = time.monotonic() + 30
        while pipeline.recycled == 0 and time.monotonic() < deadline:
            tr.translate(SENTENCES[0])
            time.sleep(0.05)
        assert pipeline.recycled >= 1 and tr.translate_batch(SENTENCES) == expected


def test_a_lower_case_name_particle_is_a_name_only_before_a_name(apertium_installed):
    # nno-nob's analyser knows `di` as a name particle (`Leonardo di Caprio`), and the
    # CLI's tagger may pick that reading where no name follows: `di` stays Nynorsk.
    # omset drops the name reading of a lower-case word before a word that is not
    # capitalised (omset/engine/name_particles.py), and keeps it before a name.
    segment = "Dette gjeld for di og mi framtid."
    assert " di og " in cli_in_text(segment, "nno-nob")  # the effect exists
    with Translator("nn", "nb", style="bokmal-konservativ", protect=False, rules=False) as tr:
        assert " din og min " in tr.translate(segment)
        assert "Leonardo di Caprio" in tr.translate("Dei møtte Leonardo di Caprio i går.")
