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
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, proc = _serve(Path(tmp) / "serve.log", "--log-level", "warning")
        started = time.monotonic()
        try:
            run = subprocess.run(
                schemathesis_command(url, args.examples_per_operation, args.seed, args.workers),
                capture_output=True, text=True, cwd=tmp,
                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        finally:
            _stop(proc)
        elapsed = time.monotonic() - started
    summary = run.stdout[run.stdout.rfind("SUMMARY"):] if "SUMMARY" in run.stdout else run.stdout[-4000:]
    print(summary)
    generated = re.search(r"(\d[\d,]*) generated", run.stdout)
    print(f"date {datetime.date.today()}  load average {os.getloadavg()[0]:.1f}  "
          f"examples/operation {args.examples_per_operation}  seed {args.seed}")
    print(f"generated {generated.group(1) if generated else '?'}  exit code {run.returncode}  "
          f"wall {elapsed:.0f} s")
    if run.returncode:
        print(run.stdout[-20000:], file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
