"""The PostgreSQL backend (psycopg 3): for a newsroom with many editors and several
service replicas sharing one memory.

Same schema and same SQL as SQLite (the policy lives in :class:`~.store.Memory`); here
only the connection, the placeholders and the schema lock differ. Migrations take a
transaction-scoped advisory lock, so replicas starting together migrate once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .errors import MemoryStoreError
from .store import Memory

#: an arbitrary constant naming omset's schema lock
_SCHEMA_LOCK = 0x6F6D7365


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresMemory(Memory):
    dialect = "postgresql"

    def __init__(self, url: str, *, connect_timeout: int = 10, readonly: bool = False) -> None:
        super().__init__()
        import psycopg

        self._psycopg = psycopg
        self.location = _redact(url)
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout)
        except psycopg.Error as exc:
            raise MemoryStoreError(f"{self.location}: cannot connect: {exc}".strip()) from exc
        try:
            if readonly:  # the server itself refuses any write on this connection
                self._execute("SET default_transaction_read_only = on")
                self._check_readable()
            else:
                self._migrate()
        except BaseException:
            self._db.close()
            raise

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            try:
                with self._db.transaction():
                    yield
            except self._psycopg.Error as exc:
                raise MemoryStoreError(f"{self.location}: {exc}") from exc

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self._db.execute(self._sql(sql), list(params))
        except self._psycopg.Error as exc:
            raise MemoryStoreError(f"{self.location}: {exc}") from exc

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            with self._db.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        except self._psycopg.Error as exc:
            raise MemoryStoreError(f"{self.location}: {exc}") from exc

    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """``= ANY(array)``: one statement text for any number of values, so psycopg
        prepares it once and the server does not plan every lookup again."""
        return f"{column} = ANY(?)", [list(values)]

    def _table_exists(self, name: str) -> bool:
        return self._execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]

    def _lock_schema(self) -> None:
        self._execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
