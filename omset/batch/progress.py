"""The progress bar of ``omset batch``: records, words per second, time left.

Its own module so that rich's progress machinery is imported only when a batch runs.
"""

from __future__ import annotations

from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["Bar"]


class _WordsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.fields.get("words", 0) / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} words/s", style="progress.data.speed")


class Bar:
    """A rich progress bar over records (words/s, time left) on a terminal."""

    def __init__(self, console: Any):
        self.console = console
        self.progress = Progress(TextColumn("omset batch"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("records"), _WordsPerSecond(), TimeRemainingColumn(),
                                 console=console, disable=not console.is_terminal)
        self.task: Any = None
        self.words = 0

    def start(self, records: int, dashboard: str | None) -> None:
        if dashboard:
            self.console.print(f"Dask dashboard: {dashboard}", highlight=False, soft_wrap=True)
        self.progress.start()
        self.task = self.progress.add_task("batch", total=records, words=0)

    def advance(self, records: int, words: int) -> None:
        self.words += words
        self.progress.update(self.task, advance=records, words=self.words)

    def stop(self) -> None:
        self.progress.stop()
