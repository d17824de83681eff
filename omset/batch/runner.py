"""A batch run: plan the partitions, start or reach a Dask cluster, keep it busy, write
what comes back, and say how it went.

The client reads the inputs and writes OUTDIR; workers only translate. So workers need
omset and Apertium but no shared file system, and every output byte is written by one
process, once. At most a few partitions per worker thread are in flight, so memory on
both sides stays bounded however large the corpus.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .defaults import MAX_RECORD_BYTES, PARTITION_BYTES, PARTITION_RECORDS
from .errors import BatchError
from .inputs import Input, find_inputs
from .options import Options
from .partitions import Partition, Reader, parquet_file, plan
from .writers import Store, with_translations


@dataclass
class Summary:
    """What a run did. ``errors`` counts every bad record in OUTDIR/errors.jsonl (of
    this run and earlier ones of the same OUTDIR); ``failed`` partitions could not be
    translated at all (their workers kept dying) and are tried again by a re-run."""

    files: int = 0
    files_done: int = 0
    partitions: int = 0
    skipped: int = 0
    failed: int = 0
    records: int = 0
    words: int = 0
    errors: int = 0
    controls: int = 0
    #: with ``--memory``: segments answered from the memory (exact or in-context
    #: matches, or the same engine's stored output) and by the engine
    from_memory: int = 0
    from_engine: int = 0
    seconds: float = 0.0
    startup_seconds: float = 0.0
    workers: int = 0
    dashboard: str | None = None

    @property
    def complete(self) -> bool:
        """Every output file is written."""
        return self.failed == 0

    @property
    def words_per_second(self) -> float:
        """Words translated per second once the cluster was ready."""
        busy = self.seconds - self.startup_seconds
        return self.words / busy if busy > 0 else 0.0


class Reporter(Protocol):
    """Progress of a run, e.g. a progress bar."""

    def start(self, records: int, dashboard: str | None) -> None: ...

    def advance(self, records: int, words: int) -> None: ...


def translate_corpus(inputs: Sequence[str | Path], outdir: str | Path, *,
                     source: str = "nb", target: str = "nn", style: str | None = None,
                     variant: str | None = None, glossary: Iterable[str | Path] = (),
                     lines: bool = False, fields: Sequence[str] = ("text",),
                     columns: Sequence[str] = ("text",), suffix: str = "",
                     max_record_bytes: int = MAX_RECORD_BYTES,
                     partition_records: int = PARTITION_RECORDS,
                     partition_bytes: int = PARTITION_BYTES, timeout: float = 20.0,
                     memory: str | Path | None = None, scheduler: str | None = None,
                     workers: int | None = None, restart: bool = False,
                     deterministic: bool = False,
                     reporter: Reporter | None = None) -> Summary:
    """Translate files, folders and globs of text, JSON Lines and Parquet into ``outdir``.

    ``lines``: each plain-text line is one segment (as ``omset translate --lines``),
    else paragraphs. ``fields``/``columns``: the JSON Lines fields / Parquet columns to
    translate; ``suffix``: write the translation to ``name + suffix`` instead of over the
    source.
    ``scheduler``: a Dask scheduler address; by default a local cluster of ``workers``
    processes (one per core) is started and stopped. A re-run with the same arguments
    skips what is done (``restart`` starts over). ``deterministic``: every segment's
    answer is independent of what its worker translated before (``Translator``).
    Raises :class:`BatchError` for arguments that cannot work; bad records only end up
    in ``outdir/errors.jsonl``.
    """
    if variant not in (None, "a", "e", "split"):
        raise BatchError("variant must be a, e or split")
    if not fields or not columns:
        raise BatchError("name at least one field and column to translate")
    if partition_records < 1 or partition_bytes < 1 or max_record_bytes < 1:
        raise BatchError("partition sizes and the record limit must be positive")
    opts = Options(source=source, target=target, style=style, variant=variant,
                   glossary=tuple(Path(g) for g in glossary), by_line=lines,
                   fields=tuple(fields), columns=tuple(columns), suffix=suffix,
                   max_record_bytes=max_record_bytes,
                   partition_records=partition_records, partition_bytes=partition_bytes,
                   timeout=timeout, memory=_memory_location(memory, local=not scheduler),
                   deterministic=deterministic)
    out = Path(outdir)
    files = find_inputs(inputs, out)
    _check_translator(opts, local=not scheduler)
    return Run(files, out, opts, restart=restart).run(scheduler, workers, reporter)


def _memory_location(memory: str | Path | None, *, local: bool) -> str | None:
    """The memory as the workers open it: a URL as given, an SQLite path made absolute
    (workers need not share the client's working folder). A local run opens it once
    here, read-only, so a missing or unusable memory fails before any worker starts; on
    a remote cluster the workers must reach the same path (a shared file system) or the
    URL, and check it themselves."""
    if memory is None:
        return None
    location = str(memory)
    if not location.startswith(("postgresql://", "postgres://")):
        path = Path(location.removeprefix("sqlite://"))
        if local or path.exists():
            location = str(path.resolve())
    if local:
        from ..memory import Memory, MemoryStoreError

        try:
            Memory.open(location, readonly=True).close()
        except MemoryStoreError as exc:
            raise BatchError(f"--memory: {exc}") from None
    return location


def _check_translator(opts: Options, *, local: bool) -> None:
    """Fail on a bad direction, style or glossary here, not on every worker. A client
    of a remote cluster needs no Apertium of its own: there the workers check."""
    from ..errors import EngineNotInstalled
    from ..translator import Translator

    try:
        Translator.preferences(opts.source, opts.target)
        if opts.target == "nn" and opts.source != "nn":
            from ..style import load

            load(opts.style).with_options(opts.variant, (), None)
        opts.translator_kwargs()
    except EngineNotInstalled:
        if local:
            raise
    except (ValueError, OSError) as exc:
        raise BatchError(str(exc)) from None


#: partitions a local worker translates at once, on its one translator: while one drains
#: the pipeline at its end, the other keeps it busy (the translator is thread-safe)
TASKS_PER_WORKER = 2


#: Dask's statistical profiler samples every thread's stack every 10 ms, and its GIL
#: monitor (with gilknocker installed) polls every 1 ms: CPU the pipelines need
#: (docs/batch.md says how to switch them off on a cluster of your own)
QUIET_WORKERS = {"distributed.worker.profile.enabled": False,
                 "distributed.admin.system-monitor.gil.enabled": False}


@contextmanager
def cluster(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: on the scheduler given, or on a local cluster of one worker process
    per core, which is stopped again on the way out."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        local = None
    else:
        # any free port: two runs on one machine must not fight over 8787
        with dask.config.set(QUIET_WORKERS):  # the nannies pass it on to their workers
            local = LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                 threads_per_worker=TASKS_PER_WORKER,
                                 processes=True, dashboard_address="127.0.0.1:0",
                                 silence_logs=logging.ERROR)
        client = Client(local)
    try:
        yield client
    finally:
        client.close()
        if local is not None:
            local.close()


def _dashboard(client: Any, local: bool) -> str | None:
    """The dashboard's address, if the scheduler serves one (a local one only does with
    bokeh installed)."""
    if local and importlib.util.find_spec("bokeh") is None:
        return None
    try:
        services = client.scheduler_info().get("services", {})
    except Exception:  # noqa: BLE001 - a link is a nicety
        return None
    return client.dashboard_link if "dashboard" in services else None


class Run:
    """One run over a list of inputs."""

    def __init__(self, files: list[Input], outdir: Path, opts: Options, *, restart: bool):
        self.files, self.outdir, self.opts = files, outdir, opts
        self.store = Store(outdir, opts.fingerprint(), restart=restart)
        self.summary = Summary(files=len(files))
        self.failures: list[dict[str, Any]] = []
        self.left: dict[Input, int] = {}
        self.parts: dict[Input, list[Partition]] = {}

    def run(self, scheduler: str | None, workers: int | None,
            reporter: Reporter | None) -> Summary:
        started = time.monotonic()
        todo: list[Partition] = []
        for inp in self.files:
            if self.store.done(inp):
                self.summary.files_done += 1
                continue
            self.store.begin(inp)
            self.parts[inp] = parts = plan(inp, self.opts)
            missing = [p for p in parts if not self.store.has(p)]
            self.summary.skipped += len(parts) - len(missing)
            self.left[inp] = len(missing)
            todo += missing
        try:
            for inp, n in self.left.items():
                if n == 0:  # every partition written by an earlier run
                    self._finish(inp)
            if todo:
                self._translate(todo, scheduler, workers, reporter)
        finally:
            self.summary.errors = self.store.write_errors(self.files, self.failures)
            self.summary.seconds = time.monotonic() - started
        return self.summary

    def _translate(self, todo: list[Partition], scheduler: str | None, workers: int | None,
                   reporter: Reporter | None) -> None:
        from distributed import as_completed

        from .plugin import TranslatorPlugin, run_partition

        t0 = time.monotonic()
        with cluster(scheduler, workers) as client:
            name = f"omset-translator-{self.opts.fingerprint()}"
            try:
                client.register_plugin(TranslatorPlugin(self.opts.translator_kwargs(),
                                                         self.opts.memory), name=name)
            except Exception as exc:
                raise BatchError(f"the workers could not start a translator: {exc}") from exc
            try:
                self.summary.startup_seconds = time.monotonic() - t0
                threads = sum(client.nthreads().values())
                self.summary.workers = len(client.nthreads())
                self.summary.dashboard = _dashboard(client, local=not scheduler)
                if reporter is not None:
                    reporter.start(sum(p.count for p in todo), self.summary.dashboard)
                reader = Reader(self.opts)
                keys = (f"omset-partition-{uuid.uuid4().hex[:8]}-{i}" for i in itertools.count())
                queue = iter(todo)
                inflight: dict[Any, tuple[Partition, Any]] = {}
                done = as_completed()

                def submit() -> None:
                    part = next(queue, None)
                    if part is None:
                        return
                    job, table = reader.job(part)
                    fut = client.submit(run_partition, job, name, key=next(keys))
                    inflight[fut] = (part, table)
                    done.add(fut)

                for _ in range(max(4, 2 * threads + 2)):
                    submit()
                for fut in done:
                    part, table = inflight.pop(fut)
                    self._collect(fut, part, table, reporter)
                    fut.release()
                    submit()
            finally:
                if scheduler:  # a shared cluster: stop this run's pipelines
                    with suppress(Exception):  # the workers may be gone already
                        client.unregister_worker_plugin(name)

    def _collect(self, fut: Any, part: Partition, table: Any, reporter: Reporter | None) -> None:
        """Store a finished partition (or note that it failed) and assemble its file
        when it was the last one."""
        if fut.status != "finished":
            self.summary.failed += 1
            where = "rows" if part.input.kind == "parquet" else "lines"
            last = part.first + part.count - 1
            self.failures.append({"file": str(part.input.path), where: f"{part.first}-{last}",
                                  "reason": f"partition not translated: {fut.exception()!r}; "
                                            "a re-run tries it again"})
            return
        result = fut.result()
        self.store.write(part, result, table)
        s = self.summary
        s.partitions += 1
        s.records += result.records
        s.words += result.words
        s.controls += result.controls
        s.from_memory += result.from_memory
        s.from_engine += result.from_engine
        if reporter is not None:
            reporter.advance(result.records, result.words)
        self.left[part.input] -= 1
        if self.left[part.input] == 0:
            self._finish(part.input)

    def _finish(self, inp: Input) -> None:
        empty = None
        if inp.kind == "parquet" and not self.parts[inp]:
            schema = parquet_file(inp, self.opts).schema_arrow
            empty = with_translations(schema.empty_table(),
                                      {c + self.opts.suffix: [] for c in self.opts.columns})
        self.store.assemble(inp, self.parts[inp], empty)
