"""Where Apertium's nno-nob data lives and how its pipelines are spelled.

We never run the ``apertium`` shell script: its deformatters drop NUL bytes and it
costs ~0.33 s to start. Instead ``apertium-wblank-mode -z`` gives us the stage list of a
mode file with NUL-flush on every stage, and we start that once and keep it warm.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import EngineNotInstalled, UnsupportedLanguage
from ..languages import Lang

Variant = Literal["a", "e", "split"]

INSTALL_HINT = (
    "Apertium's Bokmål–Nynorsk data is not installed: run `sudo apt-get install "
    "apertium-nno-nob` (Debian/Ubuntu), or `make demo` in the omset checkout."
)


def data_dir() -> Path:
    """Apertium's data directory (``$OMSET_APERTIUM_DIR`` overrides it)."""
    return Path(os.environ.get("OMSET_APERTIUM_DIR", "/usr/share/apertium"))


def mode_name(source: Lang, target: Lang, variant: Variant = "e") -> str:
    """Apertium mode for a direction: nb→nn has an a- and an e-infinitive mode, and
    nn→nn (normalising Nynorsk) one towards each infinitive."""
    if (source, target) == ("nn", "nn"):
        return "nno-nno_e" if variant == "e" else "nno_e-nno"
    if (source, target) == ("nb", "nn"):
        return "nob-nno_e" if variant == "e" else "nob-nno"
    if (source, target) == ("nn", "nb"):
        return "nno-nob"
    raise UnsupportedLanguage(f"no Apertium mode for {source}→{target}")


def mode_file(name: str) -> Path:
    path = data_dir() / "modes" / f"{name}.mode"
    if not path.is_file():
        raise EngineNotInstalled(INSTALL_HINT)
    return path


@dataclass(frozen=True)
class Stage:
    """One program of a pipeline, as a shell command."""

    command: str

    @property
    def program(self) -> str:
        return self.command.split()[0]


@functools.lru_cache(maxsize=16)
def stages(name: str, mark_unknown: bool = False) -> tuple[Stage, ...]:
    """The NUL-flushing stages of mode ``name``.

    ``mark_unknown`` selects the generator flag: ``-g`` keeps Apertium's ``*``/``#``/``@``
    marks, ``-n`` (our default) drops the ones the generator can drop.
    """
    if shutil.which("apertium-wblank-mode") is None:
        raise EngineNotInstalled(INSTALL_HINT)
    path = mode_file(name)
    out = subprocess.run(
        ["apertium-wblank-mode", "-z", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    gen_flag = "-g" if mark_unknown else "-n"
    command = out.replace("$1", gen_flag).replace("$2", "")
    parts = [p.strip() for p in command.split(" | ")]
    for p in parts:
        if shutil.which(p.split()[0]) is None:
            raise EngineNotInstalled(f"{INSTALL_HINT} (missing program {p.split()[0]!r})")
    return tuple(Stage(_guarded(p)) for p in parts)


_TAGGER_GUARD = Path(__file__).with_name("tagger_guard.py")


def _guarded(command: str) -> str:
    """``apertium-tagger`` runs behind ``tagger_guard.py``: the tagger edits its own model
    when it meets an ambiguity class it does not know, so in a warm pipeline one request
    would change how later ones are tagged; the guard swaps in a fresh tagger after such
    a request (see there)."""
    if command.split()[0] != "apertium-tagger":
        return command
    return f"{shlex.quote(sys.executable)} -I {shlex.quote(str(_TAGGER_GUARD))} {command}"


def generator_stage(name: str) -> int:
    """Index of the generator stage (``lt-proc -b …autogen.bin``): after it, every
    spelling the norm allows is still in the stream."""
    for i, s in enumerate(stages(name)):
        if s.program == "lt-proc" and s.command.rstrip("' ").endswith("autogen.bin"):
            return i
    raise EngineNotInstalled(f"{INSTALL_HINT} (mode {name} has no generator stage)")


def pipeline_command(name: str, mark_unknown: bool = False,
                     start: int = 0, stop: int | None = None) -> str:
    """Shell command running stages ``start:stop`` of mode ``name``."""
    chosen = stages(name, mark_unknown)[start:stop]
    return " | ".join(with_allocator(s.command) for s in chosen)


# Stages that allocate a small string or vector per token and spend much of their time in
# glibc's malloc: with jemalloc, `lsx-proc` (the multiword stage, ~10 % of all CPU) takes
# ~40 % less time and the `lt-proc` stages ~20 % less, same output byte for byte
# (docs/engine.md). `cg-proc` gains nothing measurable, so it keeps glibc's.
_ALLOCATOR_STAGES = frozenset({"lt-proc", "lsx-proc", "lrx-proc", "apertium-transfer",
                               "apertium-interchunk", "apertium-postchunk"})
_ALLOCATORS = ("libjemalloc.so.2", "libmimalloc.so.2")


@functools.lru_cache(maxsize=1)
def allocator() -> str | None:
    """Path of the malloc library the token-level stages run with, or None for glibc's.

    ``$OMSET_MALLOC`` names a library file, or ``system`` for none; by default the
    first of jemalloc and mimalloc found in the usual library directories
    (``make demo`` installs Debian's ``libjemalloc2``)."""
    chosen = os.environ.get("OMSET_MALLOC", "")
    if chosen:
        return None if chosen == "system" or not Path(chosen).is_file() else chosen
    return next(filter(None, map(system_library, _ALLOCATORS)), None)


def system_library(file: str) -> str | None:
    """Path of a shared library ``file`` in the system's usual library directories."""
    for directory in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                      "/usr/lib64", "/usr/lib"):
        if (Path(directory) / file).is_file():
            return str(Path(directory) / file)
    return None


def lt_proc(flags: str, binary: str) -> str:
    """Shell command for one NUL-flushing ``lt-proc`` on a file of the pair's data
    (``lt_proc("-w -e", "nob-nno.automorf.bin")``: the analyser), run like the
    pipelines' own ``lt-proc`` stages (:func:`with_allocator`)."""
    path = data_dir() / "apertium-nno-nob" / binary
    return with_allocator(f"lt-proc -z {flags} {shlex.quote(str(path))}")


def with_allocator(command: str) -> str:
    """``command`` run with :func:`allocator`'s library preloaded, if it is a stage
    that gains from it."""
    lib = allocator()
    if lib is None or command.split()[0] not in _ALLOCATOR_STAGES:
        return command
    return f"env LD_PRELOAD={shlex.quote(lib)} {command}"


def preferences(source: Lang, target: Lang) -> dict[str, str]:
    """Apertium's own preferences for a direction: id -> description."""
    # the stdlib parser behind defusedxml imports in ~7 ms where lxml takes ~30 ms, and
    # every one-shot `omset translate` reads this small file (profiles validate against it)
    from defusedxml import ElementTree

    src, tgt = ("nob", "nno") if source == "nb" else ("nno", "nob")
    path = data_dir() / "apertium-nno-nob" / f"{src}-{tgt}.xml"
    if not path.is_file():
        if not (data_dir() / "apertium-nno-nob").is_dir():
            raise EngineNotInstalled(INSTALL_HINT)
        return {}
    tree = ElementTree.parse(str(path))
    result: dict[str, str] = {}
    for pref in tree.iter("preference"):
        desc = pref.find("description")
        result[pref.get("id", "")] = (desc.text or "").strip() if desc is not None else ""
    return result


def mode_preferences() -> dict[str, dict[str, dict[str, str]]]:
    """The preferences Apertium installs per mode (``prefs/<mode>.xml``): mode → id →
    language → description, as written (APy's ``/pairprefs``)."""
    from defusedxml import ElementTree

    folder = data_dir() / "prefs"
    result: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(folder.glob("*.xml")) if folder.is_dir() else ():
        tree = ElementTree.parse(str(path))
        result[path.name[:-4]] = {
            pref.get("id", ""): {d.get("lang", ""): d.text or "" for d in pref.iter("description")}
            for pref in tree.iter("preference")}
    return result

