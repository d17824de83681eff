"""Every document format, fuzzed briefly; every input the fuzzer ever broke omset with,
replayed (issue 16, section 4).

The long run is ``bench/fuzz.py`` (each input in a watched child process: hangs over
5 s and RSS over 1 GB count as failures there); here hypothesis drives the same
mutator over the same seeds for a bounded number of inputs per format, with its
deadline as the hang check. A crash is any exception outside omset's documented
error tree (:mod:`omset.errors`)."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzzing

EXAMPLES = 120  # per format: 11 formats stay well within a minute on a loaded machine
HANG_CPU_S = 5.0  # bench/fuzz.py's hang bound, counted in this thread's CPU time


@pytest.mark.parametrize("fmt", fuzzing.FORMATS)
def test_every_seed_is_a_document_of_its_format(fmt):
    # the fuzzer starts from documents omset translates (one YAML seed holds two
    # documents on purpose: refused with a clear error)
    outcomes = [fuzzing.outcome(seed, fmt) for seed in fuzzing.SEEDS[fmt]]
    assert all(o.kind in ("ok", "clear") for o in outcomes), outcomes
    assert sum(o.kind == "ok" for o in outcomes) >= len(outcomes) - 1


@pytest.mark.parametrize("fmt", fuzzing.FORMATS)
def test_mutated_documents_give_a_translation_or_a_clear_error(fmt):
    # The hang check counts CPU time, not wall time: on a shared 2-core CI machine a
    # 25 ms input once took 7.6 s of wall time (hypothesis' deadline failed, then
    # shrank for minutes), while a real super-linear input burns CPU either way.
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.randoms(use_true_random=False))
    def check(rng: random.Random) -> None:
        corpus = list(fuzzing.SEEDS[fmt])
        data = fuzzing.mutate(rng, fmt, corpus)
        started = time.thread_time()
        out = fuzzing.outcome(data, fmt)
        spent = time.thread_time() - started
        assert out.kind != "crash", out.message
        assert spent < HANG_CPU_S, f"{len(data)} bytes of {fmt} took {spent:.1f} s of CPU"

    check()


def test_the_identity_translator_changes_nothing():
    from omset.model import Markup

    tr = fuzzing.Identity()
    bold = Markup("<b>")
    texts = ["Vi kommer [hjem] \\ i ^dag$ @ {x} <y>", "to  mellomrom\n\nog linjer\t~ x"]
    assert tr.translate_batch(texts) == texts
    assert tr.translate(texts[1]) == texts[1]
    out = tr.translate_parts([["Vi ", bold, "kommer"]])
    assert out == [["Vi ", bold, "kommer"]] and out[0][1] is bold


KEPT = sorted(fuzzing.load_expected().items())


@pytest.mark.parametrize("name,expected", KEPT, ids=[name for name, _ in KEPT])
def test_every_input_that_ever_failed_now_gives_its_expected_answer(name, expected):
    assert expected["kind"] in ("ok", "clear"), \
        f"{name} still fails: fix it, then run bench/fuzz.py --update-fixtures"
    data = (fuzzing.FIXTURES / name).read_bytes()
    out = fuzzing.outcome(data, expected["format"])
    assert out.expected() == {k: expected[k] for k in ("kind", "error", "message")}, out.message
