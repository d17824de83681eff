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

from tests.integration.test_http_edges import _serve
from tests.integration.webserver import stop

CONFIG = Path(__file__).with_name("schemathesis.toml")


#: the operations a translation memory adds or changes (``"memory": true`` in /v1/translate)
MEMORY_PATHS = "^/v1/(memory|desk|translate$)"


def schemathesis_command(url: str, examples: int, seed: int, workers: int = 1,
                         paths: str | None = None) -> list[str]:
    """The command line of a run (also used by bench/schemathesis_long.py); ``paths``: a
    regular expression naming the operations to run (default: all)."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    only = ["--include-path-regex", paths] if paths else []
    return [exe, "--config-file", str(CONFIG), "run", f"{url}/openapi.json", "--checks", "all",
            "--max-examples", str(examples), "--seed", str(seed), "--workers", str(workers),
            "--generation-database", "none", "--no-color", *only]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("memory", [False, True], ids=["no-memory", "memory"])
def test_schemathesis_all_checks_pass(apertium_installed, tmp_path, memory):
    """Without a memory its routes are out of the schema and every operation runs; with
    one (a fresh SQLite file) the operations it adds or changes run (the others are
    the same as without), so the second run stays short."""
    pytest.importorskip("schemathesis")
    extra = ("--memory", str(tmp_path / "tm.sqlite")) if memory else ()
    url, proc = _serve(tmp_path / "serve.log", "--log-level", "warning", *extra)
    try:
        run = subprocess.run(schemathesis_command(url, examples=10, seed=20261130,
                                                  paths=MEMORY_PATHS if memory else None),
                             capture_output=True, text=True, timeout=280, cwd=tmp_path,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        stop(proc)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: " in run.stdout
