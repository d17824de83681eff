"""A stage killed mid-work: how long until the pipeline counts as dead and every request
is answered — the shell become the last stage (omset now) against the same stages under
a plain ``bash -c`` (omset before issue 16), in one run.

    .venv/bin/python bench/stage_kill.py [--stages cg-proc,apertium-transfer,apertium-tagger]
                                         [--sentences N] [--timeout S]

For each stage name and each way of starting, a fresh nb→nn translator (one pipeline,
style ``apertium``, the watchdog at ``--timeout`` seconds as the service has it):

* idle: the stage of an idle pipeline is killed; seconds until the pipeline counts as
  dead (given up at 10 s: under a shell it never does until a request comes and waits
  out the watchdog), and what then happens to the next request, how fast;
* load: ``--sentences`` sentences are in flight when the stage is killed; seconds from
  the kill until all are answered, whether they equal the answers without a kill, and
  the restarts.

Apertium's pipeline is the baseline's own; only how omset starts and watches it differs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import signal
import threading
import time

from omset import Translator
from omset.errors import EngineError
from omset.engine.transport import Transport, pipes


def under_shell() -> Transport:
    """The command as one plain ``bash -c`` (``; exit`` keeps the shell as the stages'
    parent, holding the output pipe, as it was): omset's pipelines before issue 16."""
    def transport(role: str, command: str, *, size: int | None, timeout: float):
        return pipes(role, f"{command}; exit $?", size=size, timeout=timeout)
    return transport


def stage_pid(pipeline, name: str) -> int:
    for pid in sorted(pipeline.pids):
        try:
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm == name[:15]:
            return pid
    raise LookupError(f"no {name} in the pipeline")


def measure(stage: str, transport: Transport, sentences: list[str], timeout: float) -> dict:
    from omset.engine import Engine

    result: dict = {}
    with Engine("nb", "nn", pool_size=1, timeout=timeout, transport=transport) as engine, \
            Translator("nb", "nn", style="apertium", engine=engine) as tr:
        expected = tr.translate_batch(sentences)
        pipeline = engine.heavy.pipelines[0]
        # idle
        os.kill(stage_pid(pipeline, stage), signal.SIGKILL)
        start = time.monotonic()
        while pipeline.running and time.monotonic() - start < 10:
            time.sleep(0.005)
        result["idle_s"] = time.monotonic() - start if not pipeline.running else None
        start = time.monotonic()
        try:  # a working pipeline again (under a shell: only after the watchdog)
            tr.translate_batch(sentences[:2])
            result["next_request"] = "answered"
        except EngineError as exc:
            result["next_request"] = type(exc).__name__
        result["next_s"] = time.monotonic() - start
        tr.translate_batch(sentences[:2])
        # under load
        out: list[object] = []

        def work() -> None:
            try:
                out.append(tr.translate_batch(sentences))
            except EngineError as exc:
                out.append(exc)

        worker = threading.Thread(target=work)
        restarts = engine.heavy.restarts
        worker.start()
        while pipeline.inflight_bytes == 0:
            time.sleep(0.001)
        time.sleep(0.2)
        os.kill(stage_pid(pipeline, stage), signal.SIGKILL)
        start = time.monotonic()
        worker.join()
        result["load_s"] = time.monotonic() - start
        result["right"] = out == [expected] or type(out[0]).__name__
        result["restarts"] = engine.heavy.restarts - restarts
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stages", default="cg-proc,apertium-transfer,apertium-tagger")
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()
    sentences = [f"Sak {i}: Regjeringen vil senke skattene for bedrifter som investerer i "
                 f"ny teknologi, sa hun." for i in range(args.sentences)]
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"load {os.getloadavg()[0]:.1f}, {args.sentences} sentences, watchdog "
          f"{args.timeout:g} s")
    print("| stage | started | idle: seen dead after | idle: next request | "
          "load: all answered after kill | right | restarts |")
    print("|---|---|---|---|---|---|---|")
    for stage in args.stages.split(","):
        for label, transport in (("bash -c (before)", under_shell()),
                                 ("lastpipe + exec (now)", pipes)):
            r = measure(stage, transport, sentences, args.timeout)
            idle = f"{r['idle_s']:.3f} s" if r["idle_s"] is not None else "not within 10 s"
            print(f"| {stage} | {label} | {idle} | {r['next_request']} after {r['next_s']:.2f} s"
                  f" | {r['load_s']:.2f} s | {r['right']} | {r['restarts']} |", flush=True)
    print(f"# load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
