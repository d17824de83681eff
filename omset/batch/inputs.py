"""Which files a run translates, what kind each is, and where its output goes."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BatchError

#: kinds by file extension; anything else is plain text
KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
#: names in OUTDIR that belong to the run itself
STATE_DIR = ".omset-batch"
ERRORS = "errors.jsonl"


@dataclass(frozen=True)
class Input:
    """An input file: ``name`` is its output's path under OUTDIR (POSIX form)."""

    path: Path
    name: str
    kind: str


def kind_of(path: Path) -> str:
    return KINDS.get(path.suffix.lower(), "text")


def _is_magic(spec: str) -> bool:
    return any(c in spec for c in "*?[")


def _root_of(pattern: str) -> Path:
    """The folder a glob's matches are named relative to: its part before any wildcard."""
    parts = Path(pattern).parts
    fixed = [p for p in parts[:next(i for i, p in enumerate(parts) if _is_magic(p))]]
    return Path(*fixed) if fixed else Path(".")


def _visible(path: Path, root: Path) -> bool:
    return not any(p.startswith(".") for p in path.relative_to(root).parts)


def find_inputs(specs: Iterable[str | Path], outdir: Path) -> list[Input]:
    """Files, folders (every visible file under them) and globs, in a stable order.

    Output names mirror the inputs: a file keeps its name, files under a folder or a
    glob keep their path relative to it. Raises :class:`BatchError` for a spec that
    matches nothing, two inputs that would write one output, or an input inside OUTDIR.
    """
    out = outdir.resolve()
    found: list[tuple[Path, str]] = []
    for spec in specs:
        text = str(spec)
        path = Path(text)
        if path.is_dir():
            files = [(f, f.relative_to(path).as_posix()) for f in sorted(path.rglob("*"))
                     if f.is_file() and _visible(f, path)]
        elif path.is_file():
            files = [(path, path.name)]
        elif _is_magic(text):
            root = _root_of(text)
            files = [(Path(m), Path(m).relative_to(root).as_posix())
                     for m in sorted(glob.glob(text, recursive=True)) if Path(m).is_file()]
        else:
            raise BatchError(f"no such file or folder: {text}")
        files = [(f, n) for f, n in files if not f.resolve().is_relative_to(out)]
        if not files:
            raise BatchError(f"no input file in {text}")
        found.extend(files)
    inputs: list[Input] = []
    seen: dict[str, Path] = {}
    for f, name in found:
        if name in seen:
            if seen[name].resolve() == f.resolve():
                continue
            raise BatchError(f"{seen[name]} and {f} would both be written to {outdir / name}")
        if name == ERRORS or name.split("/")[0] == STATE_DIR:
            raise BatchError(f"{f}: its output name {name} is reserved in OUTDIR")
        seen[name] = f
        inputs.append(Input(f, name, kind_of(f)))
    return inputs
