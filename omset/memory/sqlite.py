"""The SQLite backend: one file, nothing to set up, several writers at once.

WAL mode lets readers go on while one process writes; every write transaction starts
with ``BEGIN IMMEDIATE`` and waits (``busy_timeout``) for the other writers instead of
failing, so two proofreaders, a CLI job and the service lose nothing.

A file that is not an SQLite database, or an SQLite database that is not a translation
memory, is refused before anything is written to it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .errors import MemoryStoreError
from .store import Memory

_MAGIC = b"SQLite format 3\x00"
#: how long a writer waits for another one (milliseconds)
BUSY_MS = 60_000
#: page cache per connection (KiB): the word index of a large memory is written at random
CACHE_KB = 65_536


class SQLiteMemory(Memory):
    dialect = "sqlite"

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        super().__init__()
        p = Path(path)
        self.location = str(p)
        self._readonly = readonly
        _check_file(p, create)
        try:
            self._db = sqlite3.connect(
                f"file:{quote(str(p.resolve()))}?mode=ro" if readonly else str(p),
                timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False,
                uri=readonly)
        except sqlite3.Error as exc:
            raise MemoryStoreError(f"{p}: cannot open the translation memory: {exc}") from exc
        try:
            _while_locked(lambda: self._set_up(p))
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise MemoryStoreError(f"{p}: not a usable translation memory: {exc}") from exc
        except BaseException:
            self._db.close()
            raise

    def _set_up(self, p: Path) -> None:
        """Check, switch to WAL and migrate; every step may be retried as a whole."""
        self._check_foreign(p)
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        if self._readonly:  # a reader changes nothing: no WAL switch, no migration
            self._db.execute(f"PRAGMA cache_size = -{CACHE_KB}")
            self._check_readable()
            return
        mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise MemoryStoreError(f"{p}: cannot switch the database to WAL mode ({mode})")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KB}")
        self._migrate()

    def _check_foreign(self, p: Path) -> None:
        """Refuse an SQLite database made by something else (we would add tables to it)."""
        names = {r[0] for r in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
        if names and "tm_meta" not in names:
            raise MemoryStoreError(f"{p}: an SQLite database, but not an omset translation "
                                   f"memory (tables: {', '.join(sorted(names)[:5])})")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self._db.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise MemoryStoreError(f"{self.location}: {exc}") from exc

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            self._db.executemany(sql, rows)
        except sqlite3.DatabaseError as exc:
            raise MemoryStoreError(f"{self.location}: {exc}") from exc

    def _table_exists(self, name: str) -> bool:
        return self._execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                             (name,)).fetchone() is not None

    def _lock_schema(self) -> None:
        """BEGIN IMMEDIATE already holds the write lock."""


def _while_locked(step: Callable[[], None]) -> None:
    """Run ``step`` again while another process holds a lock SQLite will not wait for.

    SQLite skips the busy handler where waiting could deadlock: switching a fresh file to
    WAL while another connection is creating it answers "database is locked" at once, even
    with ``busy_timeout`` set. Two processes opening a new memory at the same moment must
    both succeed, so the set-up is retried (it is idempotent) for as long as a writer
    would wait.
    """
    deadline = time.monotonic() + BUSY_MS / 1000
    pause = 0.005
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            locked = "locked" in str(exc) or "busy" in str(exc)
            if not locked or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _check_file(p: Path, create: bool) -> None:
    """Look at the file before SQLite does: a missing, foreign or unreadable file is an
    error, and nothing is created next to it."""
    if p.is_dir():
        raise MemoryStoreError(f"{p}: is a directory, not a translation memory file")
    if not p.exists():
        if not create:
            raise MemoryStoreError(f"{p}: no such translation memory")
        if not p.parent.is_dir():
            raise MemoryStoreError(f"{p}: the directory {p.parent} does not exist")
        return
    try:
        with p.open("rb") as f:
            head = f.read(len(_MAGIC))
    except OSError as exc:
        raise MemoryStoreError(f"{p}: cannot read the translation memory: {exc}") from exc
    if head and head != _MAGIC:
        raise MemoryStoreError(f"{p}: not an SQLite database (corrupt or another kind of "
                               "file); it was left as it is")
