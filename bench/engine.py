"""Engine speed and memory: omset next to the plain Apertium CLI, in one run.

    .venv/bin/python bench/engine.py [--limit N] [--repeats R] [--skip-bulk] [--workers W]

The machine this runs on is usually shared, so every comparison is made in the same
run, measurements of omset and of the CLI alternate, and the medians are reported with
the load average before and after. It measures

* article: ``examples/artikkel.nb.txt`` translated warm by omset (all paragraphs in
  flight at once) against ``apertium -u nob-nno_e`` on the same file (target ≤ 0.4×);
* sentence: the median latency of one short sentence, warm (target ≤ 10 ms);
* bulk: the nb side of norbench_npk_maalfrid.dev as lines — through
  ``Translator.translate_lines`` and through the ``omset translate --lines`` command —
  against the Apertium CLI on the same lines, each a paragraph of its own so line
  breaks stay put (as bench/quality.py does): words per second and the ratio (target
  ≥ 0.95×); ``--limit N`` takes the first N lines;
* memory: PSS (from /proc/PID/smaps_rollup) of the pool's pipelines, summed over every
  process of each pipeline, after the runs above (target ≤ 800 MB for 2 pipelines);
* one-shot: the wall time of ``echo SENTENCE | omset translate`` (the product's default
  layers, a fresh process every time: imports, engine start, one request, exit) against
  ``echo SENTENCE | apertium nob-nno_e``, alternating, median of ``--oneshots`` runs each
  (target ≤ 1.2×). ``--only-oneshot`` measures just this.

The omset configuration is the engine alone (``style="apertium"``, no protection, no
post-edit rules: the output the CLI gives) unless ``--product`` asks for the default
``omset translate`` layers. The bulk part needs ../shared (skipped with a note when it
is absent).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from omset import Translator  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "parallel" / "norbench_npk_maalfrid.dev.nb-nn.tsv"
ARTICLE = ROOT / "examples" / "artikkel.nb.txt"
SENTENCE = "Vi vil også komme hjem, og flere av dem ble skadet."
MODE = "nob-nno_e"
CORE = {"style": "apertium", "protect": False, "rules": False}
CORE_FLAGS = ["--style", "apertium", "--no-protect", "--no-rules"]


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def apertium_cli(text: str) -> str:
    return subprocess.run(["apertium", "-u", MODE], input=text.encode("utf-8"),
                          capture_output=True, check=True).stdout.decode("utf-8")


def pss_kib(pid: int) -> int:
    """Proportional set size of one process, from /proc/PID/smaps_rollup (KiB)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def pool_pss(tr: Translator) -> tuple[float, float, int]:
    """(MB of the main pool, MB of everything omset runs incl. the post pool, processes)."""
    main = [pid for p in tr.engine.heavy.pipelines for pid in p.pids]
    post = [pid for role, pool in tr.engine.pools() if role != "heavy"
            for p in pool.pipelines for pid in p.pids]
    m = sum(pss_kib(pid) for pid in main) / 1024
    total = m + sum(pss_kib(pid) for pid in post) / 1024
    return m, total, len(main)


def article(tr: Translator, repeats: int) -> dict[str, float]:
    text = ARTICLE.read_text(encoding="utf-8")
    tr.translate(text)  # warm: every pipeline has seen text
    ours, cli = [], []
    for i in range(repeats):  # alternate, so load changes hit both alike
        if i % 2:
            cli.append(timed(lambda: apertium_cli(text)))
            ours.append(timed(lambda: tr.translate(text)))
        else:
            ours.append(timed(lambda: tr.translate(text)))
            cli.append(timed(lambda: apertium_cli(text)))
    o, c = statistics.median(ours), statistics.median(cli)
    return {"words": len(text.split()), "omset_s": o, "cli_s": c, "ratio": o / c,
            "omset_min": min(ours), "cli_min": min(cli)}


def sentence(tr: Translator, repeats: int) -> dict[str, float]:
    for _ in range(5):
        tr.translate(SENTENCE)
    times = [timed(lambda: tr.translate(SENTENCE)) for _ in range(repeats)]
    return {"median_ms": 1000 * statistics.median(times), "p90_ms":
            1000 * statistics.quantiles(times, n=10)[-1], "min_ms": 1000 * min(times)}


def run_with_peak_rss(cmd: list[str]) -> tuple[bytes, int]:
    """Run ``cmd``; return its stdout and the peak RSS (VmHWM, KiB) of that process
    itself (the Apertium stages are its children and are measured separately)."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
        peak = 0
        while proc.poll() is None:
            try:
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError):
                pass
            time.sleep(0.05)
        err = proc.stderr.read()
        if proc.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed: {err.decode(errors='replace')}")
        out.seek(0)
        return out.read(), peak


def bulk(tr: Translator, lines: list[str], workers: int, product: bool) -> dict[str, float]:
    words = sum(len(line.split()) for line in lines)
    text = "".join(line + "\n" for line in lines)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        cli_text = "\n\n".join(lines) + "\n"
        t_cli = timed(lambda: apertium_cli(cli_text))
        print(f"  (bulk: Apertium CLI {t_cli:.1f} s, load {load()})", flush=True)
        out: list[str] = []
        t_lib = timed(lambda: out.extend(tr.translate_lines(text.splitlines(keepends=True))))
        print(f"  (bulk: translate_lines {t_lib:.1f} s, load {load()})", flush=True)
        got = "".join(out).count("\n")
        assert got == len(lines), f"translate_lines gave {got} lines for {len(lines)}"
        cmd = [sys.executable, "-m", "omset", "translate", "--lines", path,
               "--workers", str(workers)] + ([] if product else CORE_FLAGS)
        t0 = time.perf_counter()
        stdout, peak_kib = run_with_peak_rss(cmd)
        t_cmd = time.perf_counter() - t0
        n_out = stdout.count(b"\n")
        assert n_out == len(lines), f"omset translate --lines gave {n_out} lines for {len(lines)}"
    finally:
        os.unlink(path)
    return {"lines": len(lines), "words": words, "cli_s": t_cli, "lib_s": t_lib, "cmd_s": t_cmd,
            "cli_wps": words / t_cli, "lib_wps": words / t_lib, "cmd_wps": words / t_cmd,
            "lib_ratio": t_cli / t_lib, "cmd_ratio": t_cli / t_cmd, "cmd_peak_mb": peak_kib / 1024,
            "mb": len(text.encode("utf-8")) / 1e6}


def oneshot(repeats: int) -> dict[str, float]:
    """Wall time of one sentence through a fresh ``omset translate`` and a fresh
    ``apertium`` call, alternating."""
    omset_cmd = [str(ROOT / ".venv" / "bin" / "omset"), "translate"]
    if not Path(omset_cmd[0]).exists():
        omset_cmd = [sys.executable, "-m", "omset", "translate"]
    cli_cmd = ["apertium", MODE]
    data = (SENTENCE + "\n").encode()
    ours, cli = [], []
    for _ in range(repeats):
        for cmd, times in ((omset_cmd, ours), (cli_cmd, cli)):
            t0 = time.perf_counter()
            out = subprocess.run(cmd, input=data, capture_output=True, check=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
            assert out.stdout.strip(), f"{cmd} gave no output"
    o, c = statistics.median(ours), statistics.median(cli)
    return {"omset_s": o, "cli_s": c, "ratio": o / c, "omset_min": min(ours), "cli_min": min(cli)}


def print_oneshot(repeats: int) -> None:
    r = oneshot(repeats)
    print(f"one-shot ({repeats} alternating runs each, median wall time): omset translate "
          f"{1000 * r['omset_s']:.0f} ms, apertium {MODE} {1000 * r['cli_s']:.0f} ms, ratio "
          f"{r['ratio']:.2f}× (target ≤ 1.2×); best runs {1000 * r['omset_min']:.0f} / "
          f"{1000 * r['cli_min']:.0f} ms; load {load()}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="bulk: first N dev lines only")
    ap.add_argument("--repeats", type=int, default=15, help="article runs per system")
    ap.add_argument("--sentences", type=int, default=200, help="short-sentence runs")
    ap.add_argument("--workers", type=int, default=2, help="pipelines in omset's pool")
    ap.add_argument("--skip-bulk", action="store_true")
    ap.add_argument("--oneshots", type=int, default=15, help="one-shot runs per system")
    ap.add_argument("--only-oneshot", action="store_true", help="measure the one-shot alone")
    ap.add_argument("--product", action="store_true",
                    help="measure the default omset layers (nynorsk-news) instead of the core")
    args = ap.parse_args(argv)

    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
          f"machine: {os.cpu_count()} CPUs, {platform.platform()}; load before: {load()}")
    if args.only_oneshot:
        print_oneshot(args.oneshots)
        return 0
    print(f"omset: Translator('nb', 'nn', {'default layers' if args.product else CORE}, "
          f"pool_size={args.workers}); CLI: apertium -u {MODE}")
    options = {} if args.product else CORE
    with Translator("nb", "nn", pool_size=args.workers, **options) as tr:  # type: ignore[arg-type]
        tr.warm_up()
        a = article(tr, args.repeats)
        print(f"\narticle ({a['words']} words, {args.repeats} alternating runs each, median): "
              f"omset {1000 * a['omset_s']:.0f} ms, CLI {1000 * a['cli_s']:.0f} ms, "
              f"ratio {a['ratio']:.2f}× (target ≤ 0.40×); best runs {1000 * a['omset_min']:.0f} "
              f"/ {1000 * a['cli_min']:.0f} ms", flush=True)
        s = sentence(tr, args.sentences)
        print(f"sentence ({len(SENTENCE.split())} words, {args.sentences} runs): median "
              f"{s['median_ms']:.1f} ms, p90 {s['p90_ms']:.1f} ms, best {s['min_ms']:.1f} ms "
              f"(target ≤ 10 ms); load {load()}", flush=True)
        if not args.skip_bulk:
            if not DEV.is_file():
                print(f"\nbulk: skipped, {DEV} not found (the third-party data folder "
                      "../shared is not part of the repository)")
            else:
                lines = [row.split("\t")[0] for row in DEV.read_text(encoding="utf-8").splitlines()]
                lines = lines[:args.limit] if args.limit else lines
                b = bulk(tr, lines, args.workers, args.product)
                print(f"\nbulk ({b['lines']} lines, {b['words']} words, --lines): "
                      f"CLI {b['cli_s']:.1f} s = {b['cli_wps']:.0f} words/s; "
                      f"translate_lines {b['lib_s']:.1f} s = {b['lib_wps']:.0f} words/s "
                      f"({b['lib_ratio']:.2f}×); omset translate --lines {b['cmd_s']:.1f} s = "
                      f"{b['cmd_wps']:.0f} words/s ({b['cmd_ratio']:.2f}×) (target ≥ 0.95×); "
                      f"peak RSS of the omset process {b['cmd_peak_mb']:.0f} MB for "
                      f"{b['mb']:.1f} MB of input")
        main_mb, total_mb, procs = pool_pss(tr)
        print(f"\nmemory: PSS of the pool ({args.workers} pipelines, {procs} processes) "
              f"{main_mb:.0f} MB (target ≤ 800 MB); with the post-generation pipeline "
              f"{total_mb:.0f} MB; Python process {pss_kib(os.getpid()) / 1024:.0f} MB; "
              f"pipelines recycled for memory: {tr.pool.recycled}")
    print_oneshot(args.oneshots)
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
