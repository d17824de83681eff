"""``omset memory …`` and the text path of ``omset translate --memory``.

Kept apart from :mod:`omset.cli` so the translation memory (rapidfuzz, psycopg) is
imported only when a memory is used. Exit codes as everywhere: 0 success, 1 translation
failure, 2 bad input, usage or an unusable memory (which is then left untouched).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .memory import Memory
    from .memory.workflow import SegmentResult

memory_app = typer.Typer(no_args_is_help=True,
                         help="Translation memory: import, export, statistics, proofread texts.")
from .console import err  # noqa: E402
from .console import fail as _fail  # noqa: E402

MEMORY_HELP = "Translation memory: an SQLite file path or a postgresql:// URL."


@contextmanager
def opened(location: str, *, create: bool = True) -> Iterator[Memory]:
    """Open a memory; an unusable one exits 2 with the reason (and is not touched)."""
    from .memory import Memory, MemoryStoreError

    try:
        mem = Memory.open(location, create=create)
    except MemoryStoreError as exc:
        raise _fail(str(exc)) from None
    try:
        yield mem
    except MemoryStoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        mem.close()


def _direction(source: str, target: str) -> tuple[str, str]:
    from .errors import UnsupportedLanguage
    from .languages import direction

    try:
        return direction(source, target, normalise=True)
    except UnsupportedLanguage as exc:
        raise _fail(str(exc)) from None


def _read_text(path: Path) -> str:
    from .errors import InputError
    from .text.clean import decode_utf8, strip_controls

    if not path.is_file():
        raise _fail(f"no such file: {path}")
    try:
        return strip_controls(decode_utf8(path.read_bytes()))[0]
    except InputError as exc:
        raise _fail(f"{path}: {exc}") from None


def translate_file(tr: Any, location: str, path: Path, sink: IO[str], *, by_line: bool,
                   explain: bool, document: str | None, version: str | None) -> None:
    """``omset translate FILE --memory …``: translate one text file against the memory;
    with ``explain``, say on stderr where each segment's text came from."""
    from .errors import OmsetError
    from .memory import MemoryStoreError
    from .memory.workflow import translate_text
    from .text.clean import strip_controls

    text = strip_controls(path.read_text(encoding="utf-8"))[0]
    with opened(location) as mem:
        try:
            result = translate_text(tr, mem, text, document=document or "",
                                    version=version or "", by_line=by_line)
        except MemoryStoreError:
            raise
        except OmsetError as exc:
            raise _fail(f"translation failed: {exc}", 1) from None
    sink.write(result.text)
    if explain:
        explain_segments(result.segments)


def explain_segments(segments: Sequence[SegmentResult]) -> None:
    """``--explain`` with a memory: on stderr, where each segment's text came from."""
    from collections import Counter

    for n, seg in enumerate(segments, 1):
        err.print(f"[bold]{n}[/] {seg.explain()}: [dim]{seg.text[:70]}[/]", highlight=False,
                  soft_wrap=True)
    counts = ", ".join(f"{v} {k}" for k, v in sorted(Counter(s.origin for s in segments).items()))
    err.print(f"omset: {len(segments)} segments: {counts}", highlight=False)


def translate_document(tr: Any, location: str, data: bytes, kind: str, options: Any, *,
                       explain: bool, document: str | None, version: str | None) -> bytes:
    """``omset translate FILE.docx --memory …``: a document translated segment by segment
    against the memory (:mod:`omset.memory.documents`); errors propagate as without it."""
    from .formats import translate_document as translate_doc
    from .memory.documents import MemoryTranslator

    with opened(location) as mem:
        wrapped = MemoryTranslator(tr, mem, document=document or "", version=version or "")
        out = translate_doc(data, kind, wrapped, options=options)  # type: ignore[arg-type]
    if explain:
        explain_segments(wrapped.results)
    return out


@memory_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A .tmx or .tsv file (source<TAB>target).")],
    memory: str = typer.Option(..., "--memory", "-m", help=MEMORY_HELP),
    source: str = typer.Option("nb", "-s", "--source", help="Source language."),
    target: str = typer.Option("nn", "-t", "--target", help="Target language."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="tmx or tsv; default: by extension."),
    author: str = typer.Option("", "--author", help="Author of TSV pairs."),
) -> None:
    """Import human translations from TMX 1.4b or TSV."""
    from .errors import InputError
    from .memory import tabular, tmx

    s, t = _direction(source, target)
    if not file.is_file():
        raise _fail(f"no such file: {file}")
    kind = (fmt or file.suffix.lstrip(".")).lower()
    report = tmx.ReadReport()
    try:
        if kind == "tmx":
            entries = list(tmx.read(file, s, t, report))
        elif kind in ("tsv", "tab", "txt"):
            entries = list(tabular.read(file, s, t, author=author))
        else:
            raise _fail(f"{file}: unknown memory format {kind!r} (tmx or tsv; see --format)")
    except InputError as exc:
        raise _fail(str(exc)) from None
    with opened(memory) as mem:
        added = mem.add_many(entries)
    skipped = ""
    if report.skipped_languages or report.skipped_machine:
        skipped = (f"; skipped {report.skipped_languages} unit(s) without both {s} and {t}"
                   f" and {report.skipped_machine} machine unit(s) without engine version")
    err.print(f"omset: imported {added} new entries of {len(entries)} read{skipped}",
              highlight=False)


@memory_app.command("export")
def export(
    memory: str = typer.Option(..., "--memory", "-m", help=MEMORY_HELP),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here, not to stdout.")] = None,
    fmt: str | None = typer.Option(None, "--format", "-f",
                                   help="tmx (default) or tsv; default: by -o's extension."),
    source: str | None = typer.Option(None, "-s", "--source", help="Only this source language."),
    target: str | None = typer.Option(None, "-t", "--target", help="Only this target language."),
    machine: bool = typer.Option(False, "--machine", help="Include machine entries too."),
) -> None:
    """Export the memory (human and approved entries) as TMX 1.4b or TSV."""
    import os
    import tempfile

    from .formats import output_mode
    from .languages import normalize
    from .memory import tabular, tmx

    kind = (fmt or (output.suffix.lstrip(".") if output else "tmx")).lower()
    if kind not in ("tmx", "tsv"):
        raise _fail(f"unknown export format {kind!r}: tmx or tsv")
    try:
        s = normalize(source) if source else None
        t = normalize(target) if target else None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    origins = ("human", "approved", "machine") if machine else ("human", "approved")
    with opened(memory, create=False) as mem:
        entries = mem.entries(s, t, origins)
        if output is None:
            n = tmx.write(entries, sys.stdout, s or "nb") if kind == "tmx" \
                else tabular.write(entries, sys.stdout)
        else:  # through a temporary file beside it: never a half-written export
            fd, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
            try:
                os.fchmod(fd, output_mode(output))
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    n = tmx.write(entries, out, s or "nb") if kind == "tmx" \
                        else tabular.write(entries, out)
                os.replace(name, output)
            finally:
                if os.path.exists(name):
                    os.unlink(name)
    err.print(f"omset: exported {n} entries", highlight=False)


@memory_app.command("stats")
def stats(
    memory: str = typer.Option(..., "--memory", "-m", help=MEMORY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """How many entries per direction and origin, documents, schema version."""
    with opened(memory, create=False) as mem:
        info = mem.stats()
    if as_json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return
    print(f"{info['backend']} {info['location']} (schema {info['schema_version']})")
    print(f"entries: {info['entries']}, documents: {info['documents']}")
    for d, by in sorted(info["directions"].items()):
        print(f"  {d}: " + ", ".join(f"{v} {k}" for k, v in sorted(by.items())))


@memory_app.command("add")
def add(
    source_file: Annotated[Path, typer.Argument(help="The source text.")],
    target_file: Annotated[Path, typer.Argument(help="Its proofread translation, paragraph by paragraph.")],
    memory: str = typer.Option(..., "--memory", "-m", help=MEMORY_HELP),
    source: str = typer.Option("nb", "-s", "--source", help="Source language."),
    target: str = typer.Option("nn", "-t", "--target", help="Target language."),
    doc: str = typer.Option("", "--doc", help="Document id."),
    version: str = typer.Option("", "--version", help="Document version."),
    style: str = typer.Option("", "--style", help="The house style it is written in (default: any)."),
    author: str = typer.Option("", "--author", help="Who proofread it."),
    lines: bool = typer.Option(False, "--lines", help="Every line is one segment."),
) -> None:
    """Store a proofread translation (a pair of paragraph-aligned files) as approved."""
    from .errors import InputError
    from .memory.workflow import store_approved

    s, t = _direction(source, target)
    src, tgt = _read_text(source_file), _read_text(target_file)
    with opened(memory) as mem:
        try:
            added = store_approved(mem, src, tgt, source_lang=s, target_lang=t, style=style,
                                   document=doc, version=version, author=author,
                                   by_line=lines)
        except InputError as exc:
            raise _fail(f"{source_file} / {target_file}: {exc}") from None
    err.print(f"omset: stored {added} new approved segment(s)", highlight=False)
