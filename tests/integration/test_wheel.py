"""The package as a user installs it: a wheel built from the checkout, installed into a
fresh virtual environment, run from a folder outside the checkout (so nothing can be
found by accident in the working tree: built-in styles, rules, names, the web editor)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _uv() -> str:
    found = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    if not Path(found).exists():
        pytest.fail("uv is not installed: run `make test`, which installs it")
    return found


@pytest.fixture(scope="module")
def installed(apertium_installed, tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv with the wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    uv = _uv()
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run([uv, "build", "--wheel", "-q", "-o", str(work / "dist"), str(ROOT)],
                   check=True, env=env, timeout=600, cwd=work)
    wheel = next((work / "dist").glob("omset-*.whl"))
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(work / "venv")],
                   check=True, env=env, timeout=300, cwd=work)
    subprocess.run([uv, "pip", "install", "-q", "--python", str(work / "venv" / "bin" / "python"),
                    str(wheel)], check=True, env=env, timeout=600, cwd=work)
    return work / "venv" / "bin"


def _run(bin_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "omset"), *args], input=stdin.encode(), capture_output=True,
                          timeout=300, cwd=bin_dir.parent.parent)


def test_the_installed_package_is_not_the_checkout(installed):
    out = subprocess.run([str(installed / "python"), "-c", "import omset; print(omset.__file__)"],
                         capture_output=True, text=True, check=True, cwd=installed.parent.parent)
    assert str(ROOT) not in out.stdout and "site-packages" in out.stdout


def test_the_wheel_translates_with_its_builtin_style(installed):
    r = _run(installed, "translate", stdin="Vi vil også komme hjem (NTB).\n")
    assert r.returncode == 0, r.stderr.decode()
    from omset import Translator

    with Translator("nb", "nn") as tr:  # the checkout's library: the same output
        assert r.stdout.decode() == tr.translate("Vi vil også komme hjem (NTB).\n")
    assert "(NPK-NTB)" in r.stdout.decode()  # the shipped rules came along


def test_the_wheel_lists_its_styles(installed):
    r = _run(installed, "styles")
    assert r.returncode == 0, r.stderr.decode()
    for name in ("nynorsk-news", "skule", "apertium", "programvare"):
        assert name in r.stdout.decode()


def test_the_wheel_serves(installed):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(installed / "omset"), "serve", "--port", str(port), "--workers", "1",
                             "--log-level", "warning"], cwd=installed.parent.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the installed server did not come up"
                time.sleep(0.3)
        assert r.status_code == 200, r.text
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert page.status_code == 200 and "<html" in page.text.lower()  # the web editor too
    finally:
        proc.terminate()
        proc.wait(timeout=30)
