"""The worker's side of a partition: raw records in, translated records out.

Runs on a Dask worker with that worker's one warm translator, but knows nothing about
Dask, so it can be tested with any object that translates. Every record that cannot be
translated — bytes that are not UTF-8, a JSON line that does not parse, a record over the
size limit, a segment the engine fails or times out on — becomes an error entry and keeps
its place in the output (an empty line, a ``null`` field, or the JSON line as it was), so
one bad record never costs the rest of its partition.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import EngineTimeout, InputError
from ..text.clean import decode_utf8, strip_controls
from ..text.segment import _joins_next


class Engine(Protocol):
    """What a worker needs from a translator (``omset.Translator`` has all three)."""

    def translate(self, text: str) -> str: ...

    def translate_batch(self, texts: Sequence[str]) -> list[str]: ...

    def translate_lines(self, lines: Iterable[str], *, by_line: bool = True) -> Iterator[str]: ...


@dataclass(frozen=True)
class Skipped:
    """A line too long to be read into memory: only its size and line ending travel."""

    size: int
    ending: str


@dataclass(frozen=True)
class Job:
    """One partition as it is sent to a worker.

    ``kind`` is ``text``, ``jsonl`` or ``parquet``. ``payload`` holds raw lines (``bytes``
    or :class:`Skipped`) for text and JSON Lines, or ``{column: [str | None, ...]}`` for
    Parquet. ``first`` is the number of the first record: a 1-based line or 0-based row.
    """

    kind: str
    payload: Any
    first: int
    by_line: bool = True
    fields: tuple[str, ...] = ("text",)
    suffix: str = ""
    max_bytes: int = 1_000_000


@dataclass
class Result:
    """A translated partition: ``output`` is bytes (text, JSON Lines) or the translated
    columns ``{name: [str | None, ...]}`` (Parquet)."""

    output: Any
    records: int
    words: int = 0
    controls: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: with ``--memory``: segments answered from the memory / by the engine
    from_memory: int = 0
    from_engine: int = 0


def segment_break(previous: str, line: str) -> bool:
    """Whether a paragraph-mode segment ends between two lines (bodies without endings).

    The same rule :func:`omset.text.segment.iter_pieces` applies, so a partition cut
    here is translated exactly as it would be inside the whole file.
    """
    return not previous.strip() or not line.strip() or not _joins_next(previous, line)


def reason(exc: BaseException) -> str:
    """An error entry's reason for an exception raised while translating a record."""
    if isinstance(exc, EngineTimeout):
        return f"engine time-out: {exc}"
    return f"engine error ({type(exc).__name__}): {exc}"


def translate_job(engine: Engine, job: Job) -> Result:
    """Translate one partition; never raises for a bad record."""
    if job.kind == "text":
        return _text(engine, job)
    if job.kind == "jsonl":
        return _jsonl(engine, job)
    if job.kind == "parquet":
        return _parquet(engine, job)
    raise ValueError(f"unknown kind of input {job.kind!r}")


def _too_big(size: int, limit: int) -> str:
    return f"record of {size} bytes is over the limit of {limit} bytes"


def _words(texts: Iterable[str]) -> int:
    return sum(len(t.split()) for t in texts)


# -- plain text ---------------------------------------------------------------------------

def _ending(raw: bytes) -> str:
    return "\r\n" if raw.endswith(b"\r\n") else "\n" if raw.endswith(b"\n") else ""


def _units(lines: Sequence[str], by_line: bool) -> list[range]:
    """Runs of lines that are translated together: each line with ``--lines``, else the
    segments of paragraph mode (a blank line is a unit of its own)."""
    units: list[range] = []
    start = 0
    for i in range(1, len(lines) + 1):
        if i == len(lines) or by_line or segment_break(lines[i - 1].rstrip("\r\n"),
                                                      lines[i].rstrip("\r\n")):
            units.append(range(start, i))
            start = i
    return units


def _text(engine: Engine, job: Job) -> Result:
    """Lines decoded and cleaned as ``omset translate`` does, translated in one stream;
    a bad line is left empty (its line ending only)."""
    errors: list[dict[str, Any]] = []
    lines: list[str] = []
    controls = 0
    for i, raw in enumerate(job.payload):
        number = job.first + i
        if isinstance(raw, Skipped):
            errors.append({"line": number, "reason": _too_big(raw.size, job.max_bytes)})
            lines.append(raw.ending)
            continue
        try:
            text, n = strip_controls(decode_utf8(raw))
        except InputError as exc:
            errors.append({"line": number, "reason": str(exc)})
            lines.append(_ending(raw))
            continue
        controls += n
        lines.append(text)
    units = _units(lines, job.by_line)
    for unit in units:
        size = sum(len(lines[i].encode("utf-8")) for i in unit)
        if size > job.max_bytes:
            errors.append({"line": job.first + unit[0], "reason": _too_big(size, job.max_bytes)})
            for i in unit:
                lines[i] = lines[i][len(lines[i].rstrip("\r\n")):]
    try:
        out = "".join(engine.translate_lines(lines, by_line=job.by_line))
    except Exception:  # noqa: BLE001 - find the unit that failed; the others are kept
        parts = []
        for unit in units:
            chunk = [lines[i] for i in unit]
            try:
                parts.append("".join(engine.translate_lines(chunk, by_line=job.by_line)))
            except Exception as exc:  # noqa: BLE001 - one bad record, reported
                errors.append({"line": job.first + unit[0], "reason": reason(exc)})
                parts.append("".join(line[len(line.rstrip("\r\n")):] for line in chunk))
        out = "".join(parts)
    errors.sort(key=lambda e: e["line"])
    return Result(out.encode("utf-8"), len(lines), _words(lines), controls, errors)


# -- texts of records (JSON Lines fields, Parquet cells) ----------------------------------

def translate_texts(engine: Engine, texts: Sequence[str]) -> list[str | Exception]:
    """One translation per text, all in flight at once; if that fails, text by text, so
    only the texts the engine really fails on come back as exceptions."""
    if not texts:
        return []
    try:
        return list(engine.translate_batch(texts))
    except Exception:  # noqa: BLE001 - retried one by one, to find the bad ones
        return [_translate_one(engine, text) for text in texts]


def _translate_one(engine: Engine, text: str) -> str | Exception:
    try:
        return engine.translate(text)
    except Exception as exc:  # noqa: BLE001 - one bad record, reported
        return exc


def _cells(values: Sequence[Any], where: str, name: str, first: int, max_bytes: int,
           errors: list[dict[str, Any]], todo: list[tuple[int, str]]) -> None:
    """Queue the strings among ``values`` for translation; report the ones that cannot be."""
    for i, value in enumerate(values):
        if value is None:
            continue
        entry = {where: first + i, "field" if where == "line" else "column": name}
        if not isinstance(value, str):
            errors.append({**entry, "reason": f"{name!r} is a {type(value).__name__}, not text"})
            continue
        size = len(value.encode("utf-8"))
        if size > max_bytes:
            errors.append({**entry, "reason": _too_big(size, max_bytes)})
            continue
        todo.append((i, value))


def _translated(engine: Engine, todo: list[tuple[int, str]], n: int, where: str, name: str,
                first: int, errors: list[dict[str, Any]]) -> tuple[list[str | None], int, int]:
    """Translate the queued cells of one field/column: (values, words, control chars)."""
    out: list[str | None] = [None] * n
    cleaned = [strip_controls(text) for _, text in todo]
    results = translate_texts(engine, [text for text, _ in cleaned])
    for (i, _), result in zip(todo, results):
        if isinstance(result, Exception):
            errors.append({where: first + i, "field" if where == "line" else "column": name,
                           "reason": reason(result)})
        else:
            out[i] = result
    return out, _words(t for t, _ in cleaned), sum(c for _, c in cleaned)


def _jsonl(engine: Engine, job: Job) -> Result:
    """Each line one JSON object; its ``fields`` translated into ``field + suffix``.

    A line that cannot be read as a JSON object is copied as it is; a field that is
    absent or null is left alone; a field that could not be translated becomes null.
    """
    errors: list[dict[str, Any]] = []
    records: list[dict[str, Any] | None] = []
    endings: list[str] = []
    originals: list[bytes] = []
    for i, raw in enumerate(job.payload):
        number = job.first + i
        if isinstance(raw, Skipped):
            errors.append({"line": number, "reason": _too_big(raw.size, job.max_bytes)})
            records.append(None)
            endings.append(raw.ending)
            originals.append(raw.ending.encode())
            continue
        originals.append(raw)
        endings.append(_ending(raw))
        obj = None
        try:
            body = decode_utf8(raw).strip()
            if not body:  # blank lines carry no record
                records.append(None)
                continue
            obj = json.loads(body)
        except InputError as exc:
            errors.append({"line": number, "reason": str(exc)})
        except ValueError as exc:
            errors.append({"line": number, "reason": f"not valid JSON: {exc}"})
        else:
            if not isinstance(obj, dict):
                errors.append({"line": number, "reason": "not a JSON object"})
                obj = None
        records.append(obj)
    words = controls = 0
    for name in job.fields:
        todo: list[tuple[int, str]] = []
        values = [r.get(name) if r is not None else None for r in records]
        _cells(values, "line", name, job.first, job.max_bytes, errors, todo)
        out, w, c = _translated(engine, todo, len(records), "line", name, job.first, errors)
        words, controls = words + w, controls + c
        for i, r in enumerate(records):
            if r is not None and r.get(name) is not None:  # absent or null: left alone
                r[name + job.suffix] = out[i]
    chunks = [originals[i] if r is None else
              (json.dumps(r, ensure_ascii=False) + endings[i]).encode("utf-8")
              for i, r in enumerate(records)]
    errors.sort(key=lambda e: e["line"])
    return Result(b"".join(chunks), len(records), words, controls, errors)


# -- Parquet ------------------------------------------------------------------------------

def _parquet(engine: Engine, job: Job) -> Result:
    """Columns of strings translated into ``column + suffix``; nulls stay null."""
    errors: list[dict[str, Any]] = []
    columns: dict[str, list[str | None]] = {}
    words = controls = 0
    n = 0
    for name in job.fields:
        values = job.payload[name]
        n = len(values)
        todo: list[tuple[int, str]] = []
        _cells(values, "row", name, job.first, job.max_bytes, errors, todo)
        out, w, c = _translated(engine, todo, n, "row", name, job.first, errors)
        columns[name + job.suffix] = out
        words, controls = words + w, controls + c
    errors.sort(key=lambda e: e["row"])
    return Result(columns, n, words, controls, errors)
