"""The ``omset`` command line: parse options, read input, call the library, print.

Exit codes: 0 success, 1 translation failure, 2 bad input or usage.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from .errors import EngineNotInstalled, InputError, OmsetError
from .text.clean import decode_utf8, strip_controls

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Translate Norwegian Bokmål ⇄ Nynorsk with Apertium's nno-nob data.")
err = Console(stderr=True)

#: inputs larger than this (≈ 20k words) get a progress bar on a terminal
PROGRESS_BYTES = 120_000
_CHUNK = 1 << 20


def _fail(message: str, code: int = 2) -> "typer.Exit":
    err.print(f"[bold red]omset:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _spool_stdin() -> Path:
    """Copy stdin to a temporary file so it can be checked before anything is written."""
    fd, name = tempfile.mkstemp(prefix="omset-stdin-")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, _CHUNK)
    return Path(name)


def _validate(path: Path) -> int:
    """Check a file is UTF-8 from end to end (bounded memory); return control-char count."""
    offset, tail, controls = 0, b"", 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            data = tail + chunk
            # keep an incomplete UTF-8 sequence at the end for the next round
            cut = len(data)
            for back in range(1, min(4, len(data)) + 1):
                b = data[-back]
                if b & 0xC0 != 0x80:  # a lead or ASCII byte
                    need = 1 if b < 0x80 else 2 if b >> 5 == 6 else 3 if b >> 4 == 14 else 4
                    if need > back:
                        cut = len(data) - back
                    break
            text = decode_utf8(data[:cut], offset)
            controls += strip_controls(text)[1]
            offset += cut
            tail = data[cut:]
    if tail:
        decode_utf8(tail, offset)
    return controls


def _lines(f: BinaryIO, progress: Optional[Progress], task) -> Iterator[str]:
    for raw in f:
        if progress is not None:
            progress.advance(task, len(raw))
        yield strip_controls(raw.decode("utf-8"))[0]


@app.command()
def translate(
    files: List[Path] = typer.Argument(None, help="Input files (default: standard input).",
                                       exists=False),
    source: str = typer.Option("nb", "-s", "--source", help="Source language: nb or nn."),
    target: str = typer.Option("nn", "-t", "--target", help="Target language: nn or nb."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here, not to stdout."),
    lines: bool = typer.Option(False, "--lines", help="Every input line is one segment."),
    variant: str = typer.Option("e", "--variant", help="Nynorsk infinitive: e (komme) or a (komma)."),
    pref: List[str] = typer.Option([], "--pref", help="Apertium preference (repeatable); see `omset prefs`."),
    mark_unknown: bool = typer.Option(False, "--mark-unknown", help="Mark unknown words with * # @."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Pipelines (default: CPU cores)."),
) -> None:
    """Translate text files or standard input."""
    from .translator import Translator

    spooled: list[Path] = []
    try:
        inputs = list(files or [])
        for p in inputs:
            if not p.is_file():
                raise _fail(f"no such file: {p}")
        if not inputs:
            spooled.append(_spool_stdin())
            inputs = spooled
        controls = 0
        for p in inputs:
            try:
                controls += _validate(p)
            except InputError as exc:
                raise _fail(f"{p if p not in spooled else 'standard input'}: {exc}")
        if controls:
            err.print(f"omset: removed {controls} NUL/control character(s) from the input",
                      highlight=False)
        total = sum(p.stat().st_size for p in inputs)
        if total == 0:
            if output:
                output.write_bytes(b"")
            return
        if variant not in ("a", "e"):
            raise _fail("--variant must be a or e")
        try:
            tr = Translator(source, target, variant=variant, prefs=pref,  # type: ignore[arg-type]
                            mark_unknown=mark_unknown, pool_size=workers)
        except EngineNotInstalled as exc:
            raise _fail(str(exc), 1)
        except (OmsetError, ValueError) as exc:
            raise _fail(str(exc))
        show = total > PROGRESS_BYTES and err.is_terminal
        progress = Progress(TextColumn("omset"), BarColumn(), TransferSpeedColumn(),
                            TimeRemainingColumn(), console=err, disable=not show)
        tmp = None
        with tr, progress:
            task = progress.add_task("translate", total=total)
            if output:
                fd, name = tempfile.mkstemp(dir=output.parent or Path("."), prefix=f".{output.name}.")
                tmp = Path(name)
                sink = os.fdopen(fd, "w", encoding="utf-8", newline="")
            else:
                sink = sys.stdout
            try:
                for p in inputs:
                    with p.open("rb") as f:
                        for chunk in tr.translate_lines(_lines(f, progress if show else None, task),
                                                        by_line=lines):
                            sink.write(chunk)
                sink.flush()
                if tmp is not None:
                    sink.close()
                    os.replace(tmp, output)
                    tmp = None
            except OmsetError as exc:
                raise _fail(f"translation failed: {exc}", 1)
            finally:
                if tmp is not None:
                    sink.close()
                    tmp.unlink(missing_ok=True)
    finally:
        for p in spooled:
            p.unlink(missing_ok=True)


@app.command()
def prefs(
    source: str = typer.Option("nb", "-s", "--source"),
    target: str = typer.Option("nn", "-t", "--target"),
) -> None:
    """List Apertium's preferences for a direction (use them with --pref)."""
    from .translator import Translator

    try:
        table_data = Translator.preferences(source, target)
    except OmsetError as exc:
        raise _fail(str(exc), 1 if isinstance(exc, EngineNotInstalled) else 2)
    table = Table("preference", "what it does", box=None)
    for name, desc in sorted(table_data.items()):
        table.add_row(name, desc)
    Console().print(table)


@app.command()
def detect(file: Optional[Path] = typer.Argument(None, help="Input file (default: stdin).")) -> None:
    """Say whether a text is Bokmål (nb), Nynorsk (nn) or neither (und)."""
    from .detect import Detector

    data = file.read_bytes() if file else sys.stdin.buffer.read()
    try:
        text = strip_controls(decode_utf8(data))[0]
        with Detector() as det:
            result = det.detect(text)
    except EngineNotInstalled as exc:
        raise _fail(str(exc), 1)
    except InputError as exc:
        raise _fail(str(exc))
    typer.echo(f"{result.language}\t{result.confidence:.2f}")


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
