"""The Dask side of a worker: one warm translator per worker process, and the task.

The translator is made once, when the plugin reaches the worker (at registration, or
when a worker joins or is restarted later), and lives as long as the worker; tasks only
borrow it. Its one pipeline matches Dask's one-worker-per-core layout. With a memory,
the worker also opens it once, read-only, and reuses its exact matches
(:mod:`.memory`).
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin, get_worker

from .records import Job, Result, translate_job


class TranslatorPlugin(WorkerPlugin):
    """Holds a worker's ``omset.Translator`` (``kwargs`` as ``Translator`` takes them)."""

    def __init__(self, kwargs: dict[str, Any], memory: str | None = None):
        self.kwargs = kwargs
        self.memory = memory
        self.translator: Any = None

    def setup(self, worker: Any) -> None:
        from ..translator import Translator

        translator = Translator(**self.kwargs).warm_up()
        if self.memory is None:
            self.translator = translator
            return
        # --memory: this worker's own read-only connection; exact matches reused
        from ..memory import Memory
        from .memory import MemoryEngine

        try:
            self.translator = MemoryEngine(translator, Memory.open(self.memory, readonly=True))
        except BaseException:
            translator.close()
            raise

    def teardown(self, worker: Any) -> None:
        if self.translator is not None:
            self.translator.close()
            self.translator = None


def run_partition(job: Job, plugin: str) -> Result:
    """The task: translate one partition with this worker's translator."""
    holder = get_worker().plugins[plugin]
    assert isinstance(holder, TranslatorPlugin)
    result = translate_job(holder.translator, job)
    take_counts = getattr(holder.translator, "take_counts", None)
    if take_counts is not None:   # --memory: how many segments the memory answered
        result.from_memory, result.from_engine = take_counts()
    return result
