"""Cutting inputs into partitions, and reading one partition back.

A partition is a run of whole records, the unit a worker translates and OUTDIR stores
at once. The cut points depend only on the file and the options, so a re-run with the
same arguments finds the same partitions and can skip the ones already written. Plain
text in paragraph mode is cut only where a segment ends (the rule ``omset translate``
uses), so a partition is translated exactly as it would be inside the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..text.clean import strip_controls
from .errors import BatchError
from .inputs import Input
from .options import Options
from .records import Skipped, segment_break


@dataclass(frozen=True)
class Partition:
    """Records ``first .. first + count - 1`` of an input.

    Text and JSON Lines: ``start``/``stop`` are byte offsets, ``first`` a 1-based line.
    Parquet: ``start`` is a row group, ``stop`` the offset of the slice in it, ``first``
    a 0-based row.
    """

    input: Input
    index: int
    first: int
    count: int
    start: int
    stop: int


def read_lines(f: BinaryIO, max_bytes: int, stop: int | None = None) \
        -> Iterator[tuple[bytes | Skipped, int]]:
    """Lines of a binary file with their sizes; a line longer than ``max_bytes`` is
    passed over in bounded pieces and comes as :class:`Skipped` (memory stays bounded
    whatever the input)."""
    pos = f.tell()
    while stop is None or pos < stop:
        raw = f.readline(max_bytes + 1)
        if not raw:
            return
        size = len(raw)
        if size > max_bytes and not raw.endswith(b"\n"):
            tail = raw
            while tail and not tail.endswith(b"\n"):
                tail = f.readline(1 << 20)
                size += len(tail)
            ending = "\r\n" if tail.endswith(b"\r\n") else "\n" if tail.endswith(b"\n") else ""
            yield Skipped(size - len(ending), ending), size
        else:
            yield raw, size
        pos += size


def _body(raw: bytes | Skipped) -> str:
    """A line as paragraph mode sees it (a skipped line will be left empty)."""
    if isinstance(raw, Skipped):
        return ""
    return strip_controls(raw.decode("utf-8", "replace"))[0].rstrip("\r\n")


def plan(inp: Input, opts: Options) -> list[Partition]:
    """All partitions of one input, in order."""
    if inp.kind == "parquet":
        return _plan_parquet(inp, opts)
    parts: list[Partition] = []
    paragraphs = inp.kind == "text" and not opts.by_line
    # a paragraph-mode segment with no end in sight is cut anyway (it is over the size
    # limit by then, and memory stays bounded)
    hard_limit = 2 * (opts.partition_bytes + opts.max_record_bytes)
    start = pos = count = size = 0
    first = line = 1
    previous = ""
    try:
        f = inp.path.open("rb")
    except OSError as exc:
        raise BatchError(f"cannot read {inp.path}: {exc.strerror}") from None
    with f:
        for raw, length in read_lines(f, opts.max_record_bytes):
            body = _body(raw) if paragraphs else ""
            full = count >= opts.partition_records or size >= opts.partition_bytes
            if count and ((full and (not paragraphs or segment_break(previous, body)))
                          or size >= hard_limit):
                parts.append(Partition(inp, len(parts), first, count, start, pos))
                start, first, count, size = pos, line, 0, 0
            count, size, pos, line, previous = count + 1, size + length, pos + length, line + 1, body
    if count:
        parts.append(Partition(inp, len(parts), first, count, start, pos))
    return parts


def parquet_file(inp: Input, opts: Options) -> Any:
    """The Parquet file, after checking that the columns to translate are text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(inp.path)
    except (OSError, pa.ArrowException) as exc:
        raise BatchError(f"{inp.path}: not a readable Parquet file ({exc})") from None
    schema = pf.schema_arrow
    for name in opts.columns:
        if name not in schema.names:
            raise BatchError(f"{inp.path}: no column {name!r} (it has {', '.join(schema.names)})")
        kind = schema.field(name).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)):
            raise BatchError(f"{inp.path}: column {name!r} is {kind}, not text")
    return pf


def _plan_parquet(inp: Input, opts: Options) -> list[Partition]:
    pf = parquet_file(inp, opts)
    parts: list[Partition] = []
    row = 0
    for group in range(pf.num_row_groups):
        rows = pf.metadata.row_group(group).num_rows
        for offset in range(0, rows, opts.partition_records):
            n = min(opts.partition_records, rows - offset)
            parts.append(Partition(inp, len(parts), row + offset, n, group, offset))
        row += rows
    return parts


class Reader:
    """Reads partitions in order on the client; keeps the current Parquet row group."""

    def __init__(self, opts: Options):
        self.opts = opts
        self._group: tuple[Any, int, Any] | None = None

    def lines(self, part: Partition) -> list[bytes | Skipped]:
        with part.input.path.open("rb") as f:
            f.seek(part.start)
            return [raw for raw, _ in read_lines(f, self.opts.max_record_bytes, part.stop)]

    def table(self, part: Partition) -> Any:
        """The partition's rows, all columns (the output keeps them)."""
        if self._group is None or self._group[:2] != (part.input.path, part.start):
            pf = parquet_file(part.input, self.opts)
            self._group = (part.input.path, part.start, pf.read_row_group(part.start))
        return self._group[2].slice(part.stop, part.count)

    def job(self, part: Partition) -> tuple[Any, Any]:
        """(what the worker gets, what the client keeps to write the output)."""
        if part.input.kind == "parquet":
            table = self.table(part)
            payload = {name: table.column(name).to_pylist() for name in self.opts.columns}
            return self.opts.job("parquet", payload, part.first), table
        return self.opts.job(part.input.kind, self.lines(part), part.first), None
