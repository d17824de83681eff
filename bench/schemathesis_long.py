"""Schemathesis, all checks, a long run: `omset serve` on 127.0.0.1 fuzzed through its
own `/openapi.json` with at least 10,000 generated requests.

    .venv/bin/python bench/schemathesis_long.py [--examples-per-operation N] [--seed S]

`tests/integration/test_schemathesis.py` runs the same command with 10 examples per
operation in `make test`; this one runs N per operation (default 1400: with the
service's 15 operations, of which 8 take input, over 10,000 requests, plus the
coverage phase's). It prints Schemathesis's summary, the generated count and the wall
time, and exits with Schemathesis's code (0: no check failed).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.test_http_edges import _serve, _stop  # noqa: E402
from tests.integration.test_schemathesis import schemathesis_command  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples-per-operation", type=int, default=1400)
    ap.add_argument("--seed", type=int, default=20261130)
    # one worker: with two, Hypothesis's lambda-source cache (ast, not thread-safe on
    # Python 3.11) failed inside Schemathesis's coverage phase ("AST constructor
    # recursion depth mismatch") — the tool's error, not the service's
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, proc = _serve(Path(tmp) / "serve.log", "--log-level", "warning")
        started = time.monotonic()
        lines: list[str] = []
        try:  # Schemathesis's report streams through (a long run shows its progress)
            with subprocess.Popen(
                    schemathesis_command(url, args.examples_per_operation, args.seed,
                                         args.workers),
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"}) as run:
                assert run.stdout is not None
                for line in run.stdout:
                    lines.append(line)
                    print(line, end="", file=sys.stderr, flush=True)
        finally:
            _stop(proc)
        elapsed = time.monotonic() - started
    out = "".join(lines)
    print(out[out.rfind("SUMMARY"):] if "SUMMARY" in out else out[-4000:])
    generated = re.search(r"(\d[\d,]*) generated", out)
    print(f"date {datetime.date.today()}  load average {os.getloadavg()[0]:.1f}  "
          f"examples/operation {args.examples_per_operation}  seed {args.seed}")
    print(f"generated {generated.group(1) if generated else '?'}  exit code {run.returncode}  "
          f"wall {elapsed:.0f} s")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
