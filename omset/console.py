"""The command line's console on standard error, made on first use.

Every CLI module prints its messages through :data:`err`; rich (~0.1 s to import) is
loaded only when something is printed, so a one-line ``omset translate`` that has
nothing to report never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

__all__ = ["err", "fail"]


class _Stderr:
    """Rich's console on stderr, created by the first use."""

    _console: Console | None = None

    def get(self) -> Console:
        if _Stderr._console is None:
            from rich.console import Console

            _Stderr._console = Console(stderr=True)
        return _Stderr._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


err = _Stderr()


def fail(message: str, code: int = 2) -> typer.Exit:
    """Say what went wrong on stderr; the caller raises the returned exit (code 2: bad
    input or usage, 1: translation failure)."""
    err.print(f"[bold red]omset:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)
