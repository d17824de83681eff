"""Schemathesis, with every one of its checks, against `omset serve` on 127.0.0.1.

It reads `/openapi.json`, generates valid and invalid requests for every operation and
checks each answer: no 5xx, every status and content type documented, bodies and
headers as the schema says, schema-valid data accepted and invalid data refused, a
wrong method answered 405 with a true `Allow`. A bounded run here (seeded, so a failure
can be replayed); bench/schemathesis_long.py runs ≥ 10,000 examples.
tests/integration/schemathesis.toml holds its settings (one documented exception).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_http_edges import _serve, _stop

CONFIG = Path(__file__).with_name("schemathesis.toml")


def schemathesis_command(url: str, examples: int, seed: int, workers: int = 1) -> list[str]:
    """The command line of a run (also used by bench/schemathesis_long.py)."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    return [exe, "--config-file", str(CONFIG), "run", f"{url}/openapi.json", "--checks", "all",
            "--max-examples", str(examples), "--seed", str(seed), "--workers", str(workers),
            "--generation-database", "none", "--no-color"]


@pytest.mark.timeout(300)
def test_schemathesis_all_checks_pass(apertium_installed, tmp_path):
    pytest.importorskip("schemathesis")
    url, proc = _serve(tmp_path / "serve.log", "--log-level", "warning")
    try:
        run = subprocess.run(schemathesis_command(url, examples=10, seed=20261130),
                             capture_output=True, text=True, timeout=280, cwd=tmp_path,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        _stop(proc)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: " in run.stdout
