"""CPU per segment of every Apertium stage, with glibc's malloc and with the others.

    .venv/bin/python bench/stages.py [--limit N] [--mode nob-nno_e] [--repeats R]

Feeds the first N segments of NorBench's dev split (../shared, read in place; the
example article's lines when it is absent) through the stages of a mode one stage at a
time — each stage gets the whole stream, one NUL-flushed request per segment, as the
stage before produced it — and reports each stage's CPU time per segment, once per
malloc library found (glibc's, jemalloc, mimalloc, tcmalloc via ``LD_PRELOAD``),
alternating, best of R. It also checks that every library gives the same bytes. This is
where docs/engine.md's choice of jemalloc for the token-level stages comes from.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from omset.engine import modes, stream  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "parallel" / "norbench_npk_maalfrid.dev.nb-nn.tsv"
LIBS = {"jemalloc": "libjemalloc.so.2", "mimalloc": "libmimalloc.so.2",
        "tcmalloc": "libtcmalloc_minimal.so.4"}


def segments(limit: int, nynorsk: bool) -> list[str]:
    if DEV.is_file():
        with DEV.open(encoding="utf-8") as f:
            return [line.rstrip("\n").split("\t")[int(nynorsk)] for line in f][:limit]
    print(f"bench/stages.py: {DEV} is ABSENT; using examples/artikkel.nb.txt", file=sys.stderr)
    text = (ROOT / "examples" / "artikkel.nb.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()][:limit]


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(command: str, data: bytes, lib: str | None) -> tuple[float, bytes]:
    env = dict(os.environ)
    if lib:
        env["LD_PRELOAD"] = lib
    before = child_cpu()
    out = subprocess.run(command, shell=True, input=data, capture_output=True, env=env,
                         check=True).stdout
    return child_cpu() - before, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=600)
    ap.add_argument("--mode", default="nob-nno_e")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    libs: dict[str, str | None] = {"glibc": None}
    for name, file in LIBS.items():
        if path := modes.system_library(file):
            libs[name] = path
    texts = segments(args.limit, args.mode == "nno-nob")
    stages = [s.command for s in modes.stages(args.mode)]
    data = "".join(stream.encode(t) + "\0" for t in texts).encode("utf-8")
    n = len(texts)
    print(f"{n} segments, mode {args.mode}; ms of CPU per segment, best of {args.repeats}")
    print(f"{'#':>2} {'stage':24s} " + " ".join(f"{name:>9s}" for name in libs))
    totals = dict.fromkeys(libs, 0.0)
    for k, command in enumerate(stages):
        best = dict.fromkeys(libs, float("inf"))
        outs = {}
        for _ in range(args.repeats):
            for name, lib in libs.items():
                cpu, outs[name] = run(command, data, lib)
                best[name] = min(best[name], cpu)
        if len(set(outs.values())) != 1:
            raise SystemExit(f"stage {k} ({command}) gives different output with another malloc")
        for name in libs:
            totals[name] += best[name]
        program = "tagger (guard)" if "tagger_guard" in command else command.split()[0]
        print(f"{k:2d} {program:24s} " + " ".join(f"{1000 * best[x] / n:9.2f}" for x in libs))
        data = outs["glibc"]
    print(f"   {'all stages':24s} " + " ".join(f"{1000 * totals[x] / n:9.2f}" for x in libs))


if __name__ == "__main__":
    main()
