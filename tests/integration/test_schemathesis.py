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


#: the service's options for a run with keys and limits on, and the key Schemathesis sends
KEY = "schemathesis-key"
LIMITS = ("--req-limit", "60", "--char-limit", "2000")


def limits_options(tmp: Path) -> list[str]:
    """``omset serve`` options that require :data:`KEY` and set :data:`LIMITS` (the key
    file written in ``tmp``)."""
    keys = tmp / "keys.txt"
    keys.write_text(KEY + "\n")
    return ["--api-key-file", str(keys), *LIMITS]


def schemathesis_command(url: str, examples: int, seed: int, workers: int = 1,
                         paths: str | None = None, key: str | None = None) -> list[str]:
    """The command line of a run (also used by bench/schemathesis_long.py); ``paths``: a
    regular expression naming the operations to run (default: all); ``key``: an API key
    sent with every request (its ``ignored_auth`` check also sends none, and a wrong one)."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    only = ["--include-path-regex", paths] if paths else []
    # With keys on, the ignored_auth check (a request without the key must get 401 or
    # 403) is left out: omset's LibreTranslate routes answer 400 "Please contact the
    # server operator to get an API key", as LibreTranslate does (a per-operation
    # exception in schemathesis.toml did not take effect in Schemathesis 4.32); the
    # other routes' 401 and 403 are checked in test_service.py::test_api_keys.
    auth = ["--header", f"Authorization: Bearer {key}", "--exclude-checks", "ignored_auth"] \
        if key else []
    return [exe, "--config-file", str(CONFIG), "run", f"{url}/openapi.json", "--checks", "all",
            "--max-examples", str(examples), "--seed", str(seed), "--workers", str(workers),
            "--generation-database", "none", "--no-color", *only, *auth]


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("memory", "limits"), [(False, False), (True, False), (False, True)],
                         ids=["no-memory", "memory", "keys-and-limits"])
def test_schemathesis_all_checks_pass(apertium_installed, tmp_path, memory, limits):
    """Without a memory its routes are out of the schema and every operation runs; with
    one (a fresh SQLite file) the operations it adds or changes run (the others are
    the same as without), so the second run stays short. With keys and limits on
    (:data:`LIMITS`), Schemathesis sends a valid key, the schema documents 401/403 and
    429 with ``Retry-After``, and a request limit this low is reached: 429s are answered
    and checked against the schema."""
    pytest.importorskip("schemathesis")
    extra = [*(("--memory", str(tmp_path / "tm.sqlite")) if memory else ()),
             *(limits_options(tmp_path) if limits else ())]
    url, proc = _serve(tmp_path / "serve.log", "--log-level", "warning", *extra)
    try:
        run = subprocess.run(schemathesis_command(url, examples=10, seed=20261130,
                                                  paths=MEMORY_PATHS if memory else None,
                                                  key=KEY if limits else None),
                             capture_output=True, text=True, timeout=280, cwd=tmp_path,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        stop(proc)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: " in run.stdout
