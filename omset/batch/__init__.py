"""Corpus-scale translation on Dask: ``omset batch`` and :func:`translate_corpus`.

Inputs (plain text, JSON Lines, Parquet) are cut into partitions; Dask workers, each
with one warm translator, translate them; OUTDIR gets the outputs, written partition by
partition so a re-run resumes where an interrupted one stopped, and ``errors.jsonl``
with every record that could not be translated. Nothing here imports Dask or pyarrow
until a run starts.

    from omset.batch import translate_corpus
    summary = translate_corpus(["corpus/"], "out/", lines=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import BatchError

if TYPE_CHECKING:  # pragma: no cover
    from .runner import Summary, translate_corpus

__all__ = ["BatchError", "Summary", "translate_corpus"]


def __getattr__(name: str) -> Any:
    """The runner is imported on first use: ``omset --help`` need not load it."""
    if name in ("Summary", "translate_corpus"):
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
