"""``omset batch``: translate a corpus on Dask (the library side is :mod:`omset.batch`).

Exit codes: 0 everything translated; 1 some partitions could not be translated (a re-run
tries them again) or the engine is missing; 2 bad arguments; 3 finished, but some
records are in OUTDIR/errors.jsonl; 130 interrupted (a re-run finishes the rest).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from .batch.defaults import MAX_RECORD_BYTES, PARTITION_RECORDS

#: exit code of a run that finished with bad records
RECORD_ERRORS = 3


def batch(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, folders or globs: plain text, .jsonl, .parquet.")],
    outdir: Annotated[Path, typer.Option("-o", "--output",
        help="Folder for the outputs (same names as the inputs), errors.jsonl and the run's state.")],
    source: Annotated[str, typer.Option("-s", "--source", help="Source language: nb or nn.")] = "nb",
    target: Annotated[str, typer.Option("-t", "--target", help="Target language: nn or nb.")] = "nn",
    style: Annotated[str | None, typer.Option("--style",
        help="House style: a built-in name or a .toml file.")] = None,
    variant: Annotated[str | None, typer.Option("--variant",
        help="Nynorsk infinitive: e, a or split.")] = None,
    glossary: Annotated[list[Path] | None, typer.Option("--glossary", "-g",
        help="Glossary file (TSV or TOML), repeatable.")] = None,
    lines: Annotated[bool, typer.Option("--lines",
        help="Plain text: every line is one segment (else paragraphs).")] = False,
    field: Annotated[list[str] | None, typer.Option("--field",
        help="JSON Lines field to translate (repeatable; default text).")] = None,
    column: Annotated[list[str] | None, typer.Option("--column",
        help="Parquet column to translate (repeatable; default text).")] = None,
    suffix: Annotated[str, typer.Option("--suffix",
        help="Write the translation to FIELD+SUFFIX beside the source (default: replace it).")] = "",
    memory: Annotated[str | None, typer.Option("--memory",
        help="Translation memory whose exact matches are reused, read-only: an SQLite file "
             "every worker can reach, or a postgresql:// URL.")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler",
        help="Dask scheduler address, e.g. tcp://HOST:8786 (default: a local cluster).")] = None,
    workers: Annotated[int | None, typer.Option("--workers",
        help="Local cluster: worker processes (default: CPU cores).")] = None,
    partition_records: Annotated[int, typer.Option("--partition-records",
        help="Records per partition (the unit of work and of resuming).")] = PARTITION_RECORDS,
    max_record_bytes: Annotated[int, typer.Option("--max-record-bytes",
        help="Larger records go to errors.jsonl.")] = MAX_RECORD_BYTES,
    timeout: Annotated[float, typer.Option("--timeout",
        help="Seconds the engine may take on a segment (plus 1 s per KB).")] = 20.0,
    restart: Annotated[bool, typer.Option("--restart",
        help="Forget what OUTDIR holds and translate everything again.")] = False,
    deterministic: Annotated[bool, typer.Option("--deterministic",
        help="Every segment's answer independent of what its worker translated before "
             "(costs pipeline CPU; docs/engine.md).")] = False,
) -> None:
    """Translate a corpus on Dask: locally on every core, or on a cluster (docs/batch.md)."""
    from .batch import BatchError, translate_corpus
    from .cli import _interrupt_on_sigterm
    from .console import err
    from .console import fail as _fail
    from .errors import EngineNotInstalled

    from .batch.progress import Bar

    bar = Bar(err)
    previous = _interrupt_on_sigterm()
    try:
        summary = translate_corpus(
            inputs, outdir, source=source, target=target, style=style, variant=variant,
            glossary=glossary or [], lines=lines, fields=field or ["text"], columns=column or ["text"],
            suffix=suffix, memory=memory, scheduler=scheduler, workers=workers,
            partition_records=partition_records, max_record_bytes=max_record_bytes,
            timeout=timeout, restart=restart, deterministic=deterministic, reporter=bar)
    except BatchError as exc:
        raise _fail(str(exc), 1 if isinstance(exc.__cause__, EngineNotInstalled) else 2) from None
    except EngineNotInstalled as exc:
        raise _fail(str(exc), 1) from None
    except KeyboardInterrupt:
        raise _fail(f"interrupted; finished partitions are kept in {outdir}, "
                    "run the same command again to finish", 130) from None
    finally:
        bar.stop()
        if previous is not None:
            import signal

            signal.signal(signal.SIGTERM, previous)
    s = summary
    plural = "s" if s.workers != 1 else ""
    rate = (f" ({s.words_per_second:,.0f} words/s on {s.workers} worker{plural}, ready "
            f"after {s.startup_seconds:.1f} s)" if s.workers else "")
    err.print(f"omset batch: {s.records} records, {s.words} words in {s.seconds:.1f} s{rate}; "
              f"{s.partitions} partitions translated, {s.skipped} already done"
              + (f", {s.files_done} of {s.files} files already done" if s.files_done else ""),
              highlight=False, soft_wrap=True)
    if memory is not None:
        err.print(f"omset batch: memory: {s.from_memory} segment(s) from the memory, "
                  f"{s.from_engine} from the engine", highlight=False, soft_wrap=True)
    if s.controls:
        err.print(f"omset batch: removed {s.controls} NUL/control character(s)", highlight=False,
                  soft_wrap=True)
    if s.failed:
        raise _fail(f"{s.failed} partition(s) could not be translated (see "
                    f"{outdir / 'errors.jsonl'}); run the same command again to retry them", 1)
    if s.errors:
        err.print(f"omset batch: {s.errors} record(s) could not be translated: "
                  f"{outdir / 'errors.jsonl'}", highlight=False, soft_wrap=True)
        raise typer.Exit(RECORD_ERRORS)
