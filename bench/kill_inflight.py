"""Every stage of every pool killed while a request is in flight on it: is every answer
still the one the same request gets without a kill?

    .venv/bin/python bench/kill_inflight.py [--directions nn-nb,nb-nn] [--reps 2] [--deterministic]
                                            [--delays 0,0.002,0.01,0.03,0.1,0.3]
                                            [--pools heavy,post,analyser,generator]

issue 16: one quiet 30-minute soak gave one wrong answer (nn→nb) among 69,115 after 29
random kills; kills *between* requests never gave one. So here each process of each
pool's pipeline — every stage, the tagger guard and both of its taggers (the working
one and the spare), the post stages, the helper ``lt-proc`` analyser and generator — is
killed with SIGKILL ``delay`` seconds after a batch of requests has been *written* to
that pipeline (0: right after the write; later delays fall while the stages work and
while the answers come out), for every delay, ``--reps`` times. The requests are real
texts of the soak (NorBench dev paragraphs when it is there, the soak's wrongly
answered paragraph first); the reference is the same translator's answers before any kill. A request that
fails (no answer after the pool's retries) counts as lost, one that differs as wrong,
with the words that differ printed. A wrong answer is not always the kill's doing:
``cg-proc`` answers some requests by what its process saw before (bench/cg_history.py,
docs/engine.md), and a kill changes what the retry's pipeline has seen.

In-process (one :class:`omset.Translator` per direction, one pipeline per pool, the
service's default styles), so the moment of the kill is known to the millisecond.
"""

from __future__ import annotations

import argparse
import datetime
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import load_texts  # noqa: E402  bench/service.py's texts

#: how the nn→nb request the quiet soak of 2026-11-30 (session 3) answered wrongly once
#: begins (the soak printed its first 60 characters): the Nynorsk of one of its paragraphs
SOAK_WRONG = "Frå neste år får alle grunnskular moglegheit til opplæring. "
SOAK_WRONG_NB = "Fra neste år får alle grunnskoler mulighet til opplæring. "


def processes(pipeline) -> list[tuple[str, int]]:
    """(label, pid) of every process of a pipeline's group, in a stable order: by pid
    (the shell become the last stage first, then the stages as forked), each label the
    program's name and its occurrence (``cg-proc#1``); the tagger guard's two children
    are ``apertium-tagger#0`` and ``#1``."""
    seen: Counter[str] = Counter()
    out = []
    for pid in sorted(pipeline.pids):
        try:
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        out.append((f"{name}#{seen[name]}", pid))
        seen[name] += 1
    return out


def written(pipeline) -> bool:
    """Whether the pipeline holds requests and its writer has taken all of them."""
    proc = pipeline._proc
    return proc is not None and not proc.dead and bool(proc.pending) and not proc.outbox


def wait_for(cond: Callable[[], bool], limit: float) -> bool:
    until = time.monotonic() + limit
    while not cond():
        if time.monotonic() > until:
            return False
        time.sleep(0.0005)
    return True


class Direction:
    """A translator of one direction, its reference answers and helper questions."""

    def __init__(self, source: str, target: str, texts: list[str], pool_size: int = 1,
                 deterministic: bool = False):
        from omset import Translator

        self.name = f"{source}-{target}"
        self.tr = Translator(source, target, pool_size=pool_size, timeout=30,
                             deterministic=deterministic)
        self.texts = texts
        self.expected = self.tr.translate_batch(texts)
        engine = self.tr.engine
        # helper questions as the service asks them (APy's /analyze and /generate, the
        # glossary's inflection): a sentence to the analyser, its units to the generator
        from omset.server import morph

        self.questions = {
            "analyser": [t for t in texts[:4]],
            "generator": [f"^{u.split('/')[1]}$" for u, _ in morph.analyse(engine.ask, texts[0])
                          if "/" in u and not u.split("/")[1].startswith("*")][:8],
        }
        self.answers = {
            "analyser": [morph.analyse(engine.ask, q) for q in self.questions["analyser"]],
            "generator": morph.generate(engine.ask, self.questions["generator"]),
        }

    def pool(self, role: str):
        return dict(self.tr.engine.pools())[role] if role in ("heavy", "post") \
            else self.tr.engine.helper(role)

    def run(self, role: str) -> tuple[list, list]:
        """One batch of work that reaches pool ``role``: (answers, expected)."""
        from omset.server import morph

        engine = self.tr.engine
        if role == "analyser":
            return ([morph.analyse(engine.ask, q) for q in self.questions["analyser"]],
                    self.answers["analyser"])
        if role == "generator":
            return (morph.generate(engine.ask, self.questions["generator"]),
                    self.answers["generator"])
        return self.tr.translate_batch(self.texts), self.expected


def _words_apart(expected: str, received: str) -> str:
    """Where two answers differ, word by word (``Berre → Bare``), and how they begin."""
    a, b = expected.split(), received.split()
    if len(a) != len(b):
        return f"expected {expected!r}, received {received!r}"
    return f"{expected[:40]!r}…: " + ", ".join(f"{x} → {y}" for x, y in zip(a, b) if x != y)


def trial(d: Direction, role: str, label: str, delay: float) -> tuple[str, str]:
    """Kill process ``label`` of pool ``role``'s pipeline ``delay`` s after a batch was
    written to it; (outcome, detail)."""
    pipeline = d.pool(role).pipelines[0]
    pipeline.warm_up()
    wait_for(lambda: bool(pipeline.pids), 10)
    out: list = []

    def work() -> None:
        try:
            out.append(d.run(role))
        except Exception as exc:  # noqa: BLE001 - counted as lost
            out.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    if not wait_for(lambda: written(pipeline), 30):
        worker.join()
        return "missed", "no request reached the pipeline"
    time.sleep(delay)
    victim = dict(processes(pipeline)).get(label)
    killed = False
    if victim is not None:
        try:
            os.kill(victim, signal.SIGKILL)
            killed = True
        except ProcessLookupError:
            pass
    worker.join(120)
    if not out:
        return "hung", "no answer within 120 s"
    if isinstance(out[0], Exception):
        return "lost", f"{type(out[0]).__name__}: {out[0]}"[:200]
    got, expected = out[0]
    if got != expected:
        return "wrong", "; ".join(_words_apart(str(e), str(g))
                                  for e, g in zip(expected, got) if e != g)
    return ("right" if killed else "not killed"), ""


def storm(d: Direction, seconds: float, every: float, clients: int, seed: int) -> Counter[str]:
    """``clients`` threads translate the direction's texts (in random order, one request
    each, as the soak's clients do) for ``seconds`` while a random process of a random
    pipeline of the direction (heavy, post, helpers) is killed every ``every`` s; every
    answer is checked, and each wrong one is printed with the kills before it."""
    import random

    rng = random.Random(seed)
    tally: Counter[str] = Counter()
    kills: list[tuple[float, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    expected = dict(zip(d.texts, d.expected))

    def client(own: random.Random) -> None:
        while time.monotonic() < stop_at:
            text = own.choice(d.texts)
            t0 = time.monotonic()
            try:
                got = d.tr.translate(text)
            except Exception as exc:  # noqa: BLE001 - counted as lost
                with lock:
                    tally["lost"] += 1
                print(f"  lost: {type(exc).__name__}: {exc}"[:200], flush=True)
                continue
            with lock:
                if got == expected[text]:
                    tally["right"] += 1
                    continue
                tally["wrong"] += 1
                before = [k for at, k in kills if t0 - 2 <= at]
            print(f"  WRONG after {time.monotonic() - t0:.2f} s: sent {text!r}\n"
                  f"    expected {expected[text]!r}\n    received {got!r}\n    "
                  + "\n    ".join(before or ["no kill since 2 s before it was sent"]),
                  flush=True)

    threads = [threading.Thread(target=client, args=(random.Random(seed * 100 + i),))
               for i in range(clients)]
    for t in threads:
        t.start()
    while time.monotonic() < stop_at:
        time.sleep(every)
        pools = [(role, pool) for role, pool in d.tr.engine.pools()]
        role, pool = rng.choice(pools)
        running = [p for p in pool.pipelines if p.running]
        if not running:
            continue
        pipeline = rng.choice(running)
        procs = processes(pipeline)
        if not procs:
            continue
        label, pid = rng.choice(procs)
        busy = len(pipeline._proc.pending) if pipeline._proc else 0
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        with lock:
            kills.append((time.monotonic(), f"{time.strftime('%H:%M:%S')} killed {label} "
                          f"(pid {pid}) of {d.name} {role} {pipeline.name}, {busy} in flight"))
            tally["kills"] += 1
    for t in threads:
        t.join()
    return tally


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--directions", default="nn-nb,nb-nn")
    ap.add_argument("--pools", default="heavy,post,analyser,generator")
    ap.add_argument("--delays", default="0,0.002,0.01,0.03,0.1,0.3")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--texts", type=int, default=6, help="requests per batch (the "
                    "soak's paragraph that came back wrong, then its longest other texts)")
    ap.add_argument("--stages", default="", help="only processes whose label starts so")
    ap.add_argument("--storm", type=float, default=0, help="instead: this many seconds of "
                    "--clients threads translating while a random process of the "
                    "direction's pools is killed every --every s")
    ap.add_argument("--every", type=float, default=1.0)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--pool-size", type=int, default=1, help="heavy pipelines (storm: 2 as "
                    "the service on two cores)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--deterministic", action="store_true",
                    help="translators with deterministic=True (no cg-proc history)")
    args = ap.parse_args()
    delays = [float(x) for x in args.delays.split(",")]
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}; delays {delays} s after the write, {args.reps} reps"
          + ("; deterministic" if args.deterministic else ""),
          flush=True)
    # the soak's texts (bench/chaos.py's choice: sentences and four-sentence paragraphs),
    # the paragraph it answered wrongly first, then the longest others
    nb = list(dict.fromkeys(load_texts(200, seed=7)[0]))
    nb.sort(key=lambda t: (not t.startswith(SOAK_WRONG_NB), -len(t)))
    nb = nb[:args.texts]
    totals: Counter[str] = Counter()
    for name in args.directions.split(","):
        source, target = name.split("-")
        if source == "nn":
            from omset import Translator

            with Translator("nb", "nn", pool_size=1) as to_nn:
                texts = to_nn.translate_batch(nb)
        else:
            texts = nb
        d = Direction(source, target, texts, args.pool_size, args.deterministic)
        try:
            if args.storm:
                got = storm(d, args.storm, args.every, args.clients, args.seed)
                print(f"{name} storm: {dict(got)}", flush=True)
                totals.update(got)
                continue
            for role in args.pools.split(","):
                d.run(role)  # started and warm
                labels = [label for label, _ in processes(d.pool(role).pipelines[0])
                          if label.startswith(args.stages)]
                for label in labels:
                    got: Counter[str] = Counter()
                    for delay in delays:
                        for _ in range(args.reps):
                            outcome, detail = trial(d, role, label, delay)
                            got[outcome] += 1
                            totals[outcome] += 1
                            if outcome not in ("right", "not killed"):
                                print(f"  {name} {role} {label} +{delay:g} s: {outcome}: "
                                      f"{detail}", flush=True)
                    print(f"{name} {role} {label}: " + ", ".join(
                        f"{k} {v}" for k, v in sorted(got.items())), flush=True)
        finally:
            d.tr.close()
    print(f"# total: {dict(totals)}; load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
