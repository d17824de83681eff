"""A stage that dies anywhere in a pipeline is seen at once (issue 16, section 1).

Real Apertium pipelines; a stage is killed with SIGKILL as a crash or the OOM killer
would. The watchdog's deadline is set far beyond the test's patience (120 s), so the
only way these tests pass is the pipeline noticing the death itself."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from omset import Translator
from omset.engine import Pool
from omset.engine.pipeline import Pipeline, shell_command, split_stages

from .timing import wait_until

SENTENCES = [f"Setning {i}: Vi kommer hjem i morgen, og flere av dem ble skadet." for i in range(120)]
LONG_DEADLINE = 120.0


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def _state(pid: int) -> str:
    """A process's state letter (``Z``: a zombie — it is dead), or "" if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def victim(pipeline: Pipeline, which: str) -> int:
    """PID of a stage: ``first``/``last`` (lt-proc), a program name (its first stage
    of that name, after the first stage), or ``tagger`` (the tagger guard's child)."""
    pids = sorted(pipeline.pids)
    if which == "tagger":
        guards = {p for p in pids if _comm(p).startswith("python")}
        return next(p for p in pids if _comm(p) == "apertium-tagger" and _ppid(p) in guards)
    last = pipeline._proc.popen.pid  # type: ignore[union-attr]  # the shell became it
    if which == "last":
        return last
    if which == "first":  # forked first by the shell
        return min(p for p in pids if p != last and _ppid(p) == last)
    return next(p for p in pids[1:] if _comm(p).startswith(which[:15]))


def _client(tr: Translator, texts: list[str], results: list[list[str]],
            errors: list[BaseException]) -> threading.Thread:
    """A thread (not started) that translates ``texts`` into ``results`` (or
    ``errors``)."""
    def client() -> None:
        try:
            results.append(tr.translate_batch(texts))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    return threading.Thread(target=client)


@pytest.fixture(scope="module")
def tr(apertium_installed):
    with Translator("nb", "nn", style="apertium", pool_size=2, timeout=LONG_DEADLINE) as t:
        yield t


@pytest.fixture(scope="module")
def expected(tr):
    return tr.translate_batch(SENTENCES)


@pytest.mark.parametrize("which", ["cg-proc", "apertium-transfer", "tagger", "first", "last"])
def test_an_idle_pipeline_with_a_dead_stage_counts_as_dead_at_once(tr, expected, which):
    tr.translate_batch(SENTENCES[:4])
    pipeline = next(p for p in tr.engine.heavy.pipelines if p.running)
    before = tr.engine.heavy.restarts
    pid = victim(pipeline, which)
    os.kill(pid, signal.SIGKILL)
    seen = wait_until(lambda: not pipeline.running, 5.0)
    assert seen < 5.0
    assert pipeline.pids == []
    # the whole group went with it: no stage is left blocked in read
    assert _state(pid) in ("", "Z")
    assert tr.translate_batch(SENTENCES) == expected
    assert tr.engine.heavy.restarts > before


@pytest.mark.parametrize("which", ["cg-proc", "apertium-transfer", "tagger"])
def test_a_stage_killed_under_load_loses_nothing(tr, expected, which):
    # Several threads keep both pipelines busy; one stage of one of them is killed.
    # Every request is answered right, far within the watchdog's 120 s.
    tr.translate_batch(SENTENCES[:4])
    before = tr.engine.heavy.restarts
    results: list[list[str]] = []
    errors: list[BaseException] = []
    threads = [_client(tr, SENTENCES, results, errors) for _ in range(3)]
    start = time.monotonic()
    for t in threads:
        t.start()
    pipeline = tr.engine.heavy.pipelines[0]
    wait_until(lambda: pipeline.running and pipeline.inflight_bytes > 0, 30)
    os.kill(victim(pipeline, which), signal.SIGKILL)
    for t in threads:
        t.join(LONG_DEADLINE)
    took = time.monotonic() - start
    assert not errors
    assert results == [expected] * 3
    assert tr.engine.heavy.restarts > before
    assert took < LONG_DEADLINE / 2, took


def test_a_killed_helper_is_seen_at_once(apertium_installed):
    with Translator("nb", "nn", pool_size=1) as t:
        helper = t.engine.helper("analyser")
        answer = t.engine.ask("analyser", "huset")
        assert "<n>" in answer  # started and answering
        pipeline = helper.pipelines[0]
        os.kill(pipeline.pids[0], signal.SIGKILL)
        wait_until(lambda: not pipeline.running, 5.0)
        assert t.engine.ask("analyser", "huset") == answer
        assert helper.restarts == 1


def test_the_shell_becomes_the_last_stage():
    assert split_stages("cat -x 'b c' | env X=1 tr") == [["cat", "-x", "b c"], ["env", "X=1", "tr"]]
    assert shell_command("cat -x 'b c' | env X=1 tr") == (
        "shopt -s lastpipe; cat -x 'b c' | exec env X=1 tr")
    # anything else a shell would have to read runs as it is
    for command in ("sleep 1; cat", "cat && cat", "cat > f", "echo $HOME", "(cat)", "exec cat",
                    "no-such-program"):
        assert split_stages(command) is None
        assert shell_command(command) == command


def test_a_pool_that_answered_lately_and_runs_counts_as_serving():
    # what /healthz reads under load instead of queueing a probe behind the clients
    pool = Pool("cat", size=1, timeout=10)
    try:
        assert not pool.answered_within(5.0)  # nothing answered yet
        assert pool.run("x") == "x"
        assert pool.answered_within(5.0)
        assert not pool.answered_within(0.0)
        pipeline = pool.pipelines[0]
        os.kill(pipeline.pids[0], signal.SIGKILL)
        wait_until(lambda: not pipeline.running, 5.0)
        assert not pool.answered_within(5.0)  # nothing runs: a probe must restart it
        assert pool.run("y") == "y" and pool.answered_within(5.0)
    finally:
        pool.close()
    assert not pool.answered_within(5.0)


NN_SENTENCES = [f"Setning {i}: Vi kjem heim i morgon, og fleire av dei vart skadde."
                for i in range(60)]


@pytest.mark.parametrize("source,target", [("nb", "nn"), ("nn", "nb")])
def test_the_post_stage_killed_with_answers_in_flight_loses_nothing(apertium_installed,
                                                                    source, target):
    # Post-generation (nb→nn) and the Bokmål generator (nn→nb, one lt-proc) die while
    # they hold requests, some answered, some half written: every segment still comes
    # back as it does without the kill (issue 16: suspected for a wrong soak answer).
    texts = SENTENCES[:60] if source == "nb" else NN_SENTENCES
    with Translator(source, target, pool_size=1, timeout=LONG_DEADLINE) as t:
        expected = t.translate_batch(texts)
        assert t.engine.post is not None
        post = t.engine.post.pipelines[0]
        results: list[list[str]] = []
        errors: list[BaseException] = []
        worker = _client(t, texts, results, errors)
        worker.start()
        wait_until(lambda: post.running and post.inflight_bytes > 0, 60, step=0.001)
        os.kill(victim(post, "last"), signal.SIGKILL)
        worker.join(LONG_DEADLINE)
        assert not errors
        assert results == [expected]
        assert t.engine.post.restarts >= 1
