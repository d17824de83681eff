"""OUTDIR: finished partitions, assembled outputs and the error list, all written so
that an interrupted run leaves either nothing or a complete file behind.

Layout::

    OUTDIR/<name>                       the translated file, once all its partitions are done
    OUTDIR/errors.jsonl                 every bad record of every input, in input order
    OUTDIR/.omset-batch/run.json        the options' fingerprint
    OUTDIR/.omset-batch/files/<name>/   input.json (size, mtime), NNNNNN.out / NNNNNN.err.jsonl
                                        per partition, then done.json and errors.jsonl

A partition counts as written when its ``.out`` exists; it is renamed into place after
its error entries, so a re-run never sees half of one and never writes one twice.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ..formats import output_mode
from .errors import BatchError
from .inputs import ERRORS, STATE_DIR, Input
from .partitions import Partition
from .records import Result


@contextmanager
def atomic(dst: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at ``dst`` complete, or not at all."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, output_mode(dst))
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(name, dst)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def with_translations(table: Any, columns: dict[str, list[str | None]]) -> Any:
    """A Parquet table with the translated columns replacing or added beside the source."""
    import pyarrow as pa

    for name, values in columns.items():
        array = pa.array(values, type=pa.string())
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, array)
        else:
            table = table.append_column(name, array)
    return table


def _stamp(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: Any) -> None:
    with atomic(path) as f:
        f.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))


class Store:
    """The state of one OUTDIR for one set of options (``fingerprint``)."""

    def __init__(self, outdir: Path, fingerprint: str, *, restart: bool = False):
        self.outdir = outdir
        self.state = outdir / STATE_DIR
        if restart and self.state.exists():
            shutil.rmtree(self.state)
        self.state.mkdir(parents=True, exist_ok=True)
        run = self.state / "run.json"
        old = _read_json(run)
        if old is None:
            _write_json(run, {"fingerprint": fingerprint})
        elif old.get("fingerprint") != fingerprint:
            raise BatchError(f"{outdir} holds a run with other options or glossary; use "
                             "another OUTDIR, or --restart to translate everything again")

    def _dir(self, inp: Input) -> Path:
        return self.state / "files" / inp.name

    def _part(self, part: Partition, ext: str) -> Path:
        return self._dir(part.input) / f"{part.index:06d}{ext}"

    def done(self, inp: Input) -> bool:
        """The input's output is complete and the input has not changed since."""
        mark = _read_json(self._dir(inp) / "done.json")
        return (mark is not None and mark.get("input") == _stamp(inp.path)
                and (self.outdir / inp.name).exists())

    def begin(self, inp: Input) -> None:
        """Forget partitions written from an earlier version of the input."""
        d = self._dir(inp)
        stamp = _stamp(inp.path)
        if _read_json(d / "input.json") != stamp and d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True, exist_ok=True)
        (d / "done.json").unlink(missing_ok=True)  # its output is gone: made again
        if not (d / "input.json").exists():
            _write_json(d / "input.json", stamp)

    def has(self, part: Partition) -> bool:
        return self._part(part, ".out").exists()

    def write(self, part: Partition, result: Result, table: Any = None) -> None:
        """Store one translated partition (its errors first, then its output)."""
        errs = self._part(part, ".err.jsonl")
        if result.errors:
            with atomic(errs) as f:
                for entry in result.errors:
                    f.write(_entry(part.input, entry))
        else:
            errs.unlink(missing_ok=True)
        with atomic(self._part(part, ".out")) as f:
            if table is None:
                f.write(result.output)
            else:
                import pyarrow.parquet as pq

                pq.write_table(with_translations(table, result.output), f)

    def assemble(self, inp: Input, parts: list[Partition], empty: Any = None) -> None:
        """Join an input's partitions into its output file, then drop them.

        ``empty``: for Parquet, a table with the output's columns and no rows (an input
        without rows still gets an output with its schema).
        """
        d = self._dir(inp)
        dst = self.outdir / inp.name
        with atomic(dst) as f:
            if inp.kind == "parquet":
                _join_parquet(f, [self._part(p, ".out") for p in parts], empty)
            else:
                for p in parts:
                    with self._part(p, ".out").open("rb") as src:
                        shutil.copyfileobj(src, f, 1 << 20)
        with atomic(d / ERRORS) as f:
            for p in parts:
                errs = self._part(p, ".err.jsonl")
                if errs.exists():
                    f.write(errs.read_bytes())
        _write_json(d / "done.json", {"input": _stamp(inp.path), "partitions": len(parts)})
        for p in parts:
            self._part(p, ".out").unlink(missing_ok=True)
            self._part(p, ".err.jsonl").unlink(missing_ok=True)

    def errors(self, inp: Input) -> Iterator[bytes]:
        """The input's error entries written so far, in order (finished or not)."""
        d = self._dir(inp)
        files = [d / ERRORS] if (d / "done.json").exists() else sorted(d.glob("*.err.jsonl"))
        for path in files:
            if path.exists():
                yield from path.read_bytes().splitlines(keepends=True)

    def write_errors(self, inputs: Iterable[Input], extra: Iterable[dict[str, Any]] = ()) -> int:
        """OUTDIR/errors.jsonl from every input's entries (and ``extra`` run-level ones);
        returns how many there are."""
        n = 0
        with atomic(self.outdir / ERRORS) as f:
            for inp in inputs:
                for line in self.errors(inp):
                    f.write(line)
                    n += 1
            for entry in extra:
                f.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
                n += 1
        return n


def _entry(inp: Input, entry: dict[str, Any]) -> bytes:
    return json.dumps({"file": str(inp.path), **entry}, ensure_ascii=False).encode("utf-8") + b"\n"


def _join_parquet(f: BinaryIO, paths: list[Path], empty: Any) -> None:
    import pyarrow.parquet as pq

    writer = None
    try:
        for path in paths:
            table = pq.read_table(path)
            if writer is None:
                writer = pq.ParquetWriter(f, table.schema)
            writer.write_table(table)
        if writer is None:
            pq.write_table(empty, f)
    finally:
        if writer is not None:
            writer.close()
