"""`omset serve --warm-apy`: an APy client's first request finds its engines warm.

APy's default request (`markUnknown=yes`) runs on engines that keep unknown-word marks,
pipelines of their own that start on first use — a cold start for the first APy client.
With `--warm-apy` they start in the background right after start-up; without it they
do not exist until asked for (docs/service.md, "Processes, memory, and what starts
lazily"). The pools are read from `/healthz`, which lists every running pool.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from .webserver import serve

MARKED = ("nb-nn-marked", "nn-nb-marked")


def _pools(base: str) -> dict:
    return httpx.get(base + "healthz", timeout=60).json()["pools"]


def _apy(base: str) -> httpx.Response:
    return httpx.get(base + "translate", params={"langpair": "nob|nno", "q": "Vi kommer hjem."},
                     timeout=120)


def test_without_the_option_apy_engines_start_on_first_use(apertium_installed, tmp_path: Path):
    with serve(tmp_path / "serve.log", "--workers", "1", "--timeout", "120") as base:
        assert not set(MARKED) & set(_pools(base))
        assert _apy(base).status_code == 200
        assert _pools(base)["nb-nn-marked"]["running"] == 1


def test_warm_apy_starts_them_in_the_background_after_readiness(apertium_installed,
                                                                 tmp_path: Path):
    with serve(tmp_path / "serve.log", "--workers", "1", "--timeout", "120",
               "--warm-apy") as base:
        deadline = time.monotonic() + 120
        while True:  # the service answered /healthz before they were all up (or as)
            pools = _pools(base)
            if all(pools.get(name, {}).get("running") == 1 for name in MARKED):
                break
            assert time.monotonic() < deadline, f"APy engines not started: {pools}"
            time.sleep(0.5)
        assert _apy(base).json()["responseData"]["translatedText"]
        after = _pools(base)
        # the request ran on the pipeline started for it: nothing was started or replaced
        assert {n: (after[n]["running"], after[n]["restarts"]) for n in MARKED} == \
            {n: (pools[n]["running"], pools[n]["restarts"]) for n in MARKED}
