"""How an :class:`~omset.engine.Engine` reaches its processes: the transport seam.

An Engine never starts a process itself; it asks its transport for a watched
:class:`~omset.engine.pool.Pool` per role (``heavy``, ``post``, ``analyser``,
``generator``) and the shell command Apertium's mode spells for it. The default,
:func:`pipes`, starts exactly that command. :func:`stand_ins` swaps some roles'
commands for others — ``sleep 60`` for a hung generator, ``cat`` for a stage that echoes
— so every deadline, restart and retry path of the real code can be driven by a test,
with the same pools, threads and protocol, and no special case in the engine.
"""

from __future__ import annotations

from typing import Mapping, Protocol

from .pool import Pool

__all__ = ["Transport", "pipes", "stand_ins"]


class Transport(Protocol):
    def __call__(self, role: str, command: str, *, size: int | None,
                 timeout: float) -> Pool: ...


def pipes(role: str, command: str, *, size: int | None, timeout: float) -> Pool:
    """Warm pipelines of ``command``, as production runs them."""
    return Pool(command, size=size, timeout=timeout)


def stand_ins(commands: Mapping[str, str]) -> Transport:
    """:func:`pipes`, with the command of each role in ``commands`` replaced."""
    def transport(role: str, command: str, *, size: int | None, timeout: float) -> Pool:
        return pipes(role, commands.get(role, command), size=size, timeout=timeout)
    return transport
