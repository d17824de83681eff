"""Shared fixtures. Integration tests use the real Apertium pipelines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "parallel"
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def apertium_installed() -> None:
    if shutil.which("lt-proc") is None or not Path("/usr/share/apertium/modes/nob-nno_e.mode").exists():
        pytest.fail("apertium-nno-nob is not installed: run `make test`, which installs it")


@pytest.fixture(scope="session")
def nb_nn(apertium_installed):
    """One warm nb→nn translator with plain Apertium's choices (style "apertium")."""
    from omset import Translator

    with Translator("nb", "nn", style="apertium") as tr:
        yield tr


@pytest.fixture(scope="session")
def news(apertium_installed):
    """The default product configuration: style nynorsk-news with all its layers."""
    from omset import Translator

    with Translator("nb", "nn") as tr:
        yield tr


@pytest.fixture(scope="session")
def nn_nb(apertium_installed):
    from omset import Translator

    with Translator("nn", "nb") as tr:
        yield tr


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
