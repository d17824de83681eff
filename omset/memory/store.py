"""The translation memory: one interface, SQL backends behind it.

:class:`Memory` holds the whole policy (what is stored, what may be served, in which
order) and speaks DB-API SQL with ``?`` placeholders; a backend (:mod:`.sqlite`,
:mod:`.postgres`) only connects, opens transactions and says how its driver spells
placeholders. So SQLite and PostgreSQL behave the same by construction.

Lookups, best first:

1. a trusted (human/approved) entry with the same source in the same context — same
   neighbouring segments, or same document: an in-context ("101 %") match;
2. a trusted entry with the same source: an exact match;
3. a trusted entry whose source is similar enough: a fuzzy match (to be repaired);
4. a machine entry with the same source made by the current engine and profile (a
   cache: it is what the engine would say now).

An entry of another direction is never served, nor one made for another style (entries
with no style, e.g. imported TMX, fit every style).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Self

from . import fuzzy
from .entry import ORIGINS, Entry, MachineVersion, Match
from .errors import MemoryStoreError
from .keys import key, normalise, source_key, term_key, terms, tokens
from .schema import SCHEMA_VERSION, statements

_COLUMNS = ("id", "source", "target", "source_lang", "target_lang", "origin", "style",
            "engine_version", "profile_version", "document", "doc_version", "position",
            "prev_source", "next_source", "created", "author")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM tm_entry"
_INSERT_COLUMNS = ("dedup", "skey") + _COLUMNS[1:]

#: words that occur in more entries than this are too common to find candidates with
MAX_POSTINGS = 20_000
#: how many index rows one fuzzy lookup may read (the rarest words first)
POSTINGS_BUDGET = 1_000
#: how many of a segment's rarest words are looked up in the index
RARE_TERMS = 8
#: how many candidates (by shared rare words) are scored with the edit distance
CANDIDATES = 10
#: rows written per transaction by :meth:`Memory.add_many`
BATCH = 2000


@dataclass(frozen=True)
class Query:
    """A segment to look up, with the context that decides in-context matches."""

    source: str
    source_lang: str
    target_lang: str
    style: str = ""
    machine: MachineVersion | None = None   # None: machine entries are never served
    prev_source: str = ""
    next_source: str = ""
    document: str = ""
    threshold: float = fuzzy.THRESHOLD


def dedup_key(e: Entry) -> int:
    """Two entries with this key equal are the same entry (author and time aside)."""
    return key(e.source_lang, e.target_lang, e.style, normalise(e.source), e.target,
               e.origin, e.engine_version, e.profile_version, e.document, e.doc_version,
               "" if e.position is None else str(e.position),
               normalise(e.prev_source), normalise(e.next_source))


def _postings(entries: Iterable[tuple[int, Entry]]) -> tuple[list[tuple[int, int]],
                                                             Counter[int]]:
    """The fuzzy index rows of the trusted ones of ``entries`` (dedup key, entry):
    (term, entry) pairs in index order (fewer pages touched per batch), and how many
    entries each term gains or loses — what adding and retracting entries both change."""
    postings = sorted((term_key(e.source_lang, e.target_lang, t), d)
                      for d, e in entries if e.trusted for t in terms(e.source))
    return postings, Counter(k for k, _ in postings)


class Memory(ABC):
    """A translation memory. Use :meth:`open`; thread-safe; close it (or use ``with``)."""

    dialect: str = ""
    location: str = ""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    # -- opening ------------------------------------------------------------------------
    @staticmethod
    def open(url_or_path: str, *, create: bool = True, readonly: bool = False) -> Memory:
        """Open a memory: ``postgresql://…`` (or ``postgres://…``) for PostgreSQL, anything
        else is an SQLite file path (``sqlite:///path`` also works). ``create=False``
        refuses a missing SQLite file instead of making one. ``readonly``: the store must
        exist at the current schema version; nothing is ever written through this
        connection (for many readers, such as batch workers)."""
        target = str(url_or_path)
        if target.startswith(("postgresql://", "postgres://")):
            from .postgres import PostgresMemory
            return PostgresMemory(target, readonly=readonly)
        target = target.removeprefix("sqlite://")
        from .sqlite import SQLiteMemory
        return SQLiteMemory(target, create=create and not readonly, readonly=readonly)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what a backend provides --------------------------------------------------------
    #: the backend's connection (sqlite3 or psycopg: both close the same way)
    _db: Any

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Any]:
        """A write transaction (serialised with other writers as the backend needs)."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders); return a cursor."""

    @abstractmethod
    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows."""

    @abstractmethod
    def _table_exists(self, name: str) -> bool:
        """Whether a table of that name exists."""

    @abstractmethod
    def _lock_schema(self) -> None:
        """Inside a transaction: keep other processes from migrating at the same time."""

    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """``column IN (…)`` with its parameters (a backend may spell it so that the
        statement text does not depend on the number of values)."""
        return f"{column} IN ({','.join('?' * len(values))})", list(values)

    def _upsert_df_sql(self) -> str:
        return ("INSERT INTO tm_df (term, n) VALUES (?, ?) "
                "ON CONFLICT (term) DO UPDATE SET n = tm_df.n + excluded.n")

    # -- schema -------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Create the schema or bring it up to date; refuse a newer one."""
        with self._transaction():
            self._lock_schema()
            if not self._table_exists("tm_meta"):
                if self._table_exists("tm_entry"):
                    raise MemoryStoreError(f"{self.location}: tm_entry without tm_meta: "
                                           "not a translation memory omset can read")
                self._execute("CREATE TABLE tm_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._execute("INSERT INTO tm_meta (name, value) VALUES ('schema_version', '0')")
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise MemoryStoreError(
                    f"{self.location}: schema version {version} is newer than this omset "
                    f"reads ({SCHEMA_VERSION}); upgrade omset")
            for v, sqls in statements(self.dialect, version):
                for sql in sqls:
                    self._execute(sql)
                self._execute("UPDATE tm_meta SET value = ? WHERE name = 'schema_version'",
                              (str(v),))

    def _check_readable(self) -> None:
        """For a read-only connection, instead of migrating: the store must be at the
        current schema version already."""
        found = self.schema_version() if self._table_exists("tm_meta") else None
        if found != SCHEMA_VERSION:
            raise MemoryStoreError(
                f"{self.location}: schema version {found if found is not None else 'none'}, "
                f"this omset reads {SCHEMA_VERSION}; open it once for writing (e.g. "
                "`omset memory stats`) to migrate it")

    def schema_version(self) -> int:
        row = self._execute("SELECT value FROM tm_meta WHERE name = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    # -- writing ------------------------------------------------------------------------
    def add(self, entry: Entry) -> bool:
        """Store one entry; False when the same entry was already there."""
        return self.add_many([entry]) == 1

    def add_many(self, entries: Iterable[Entry]) -> int:
        """Store entries (in transactions of :data:`BATCH`); return how many were new."""
        added = 0
        batch: list[Entry] = []
        for e in entries:
            batch.append(e)
            if len(batch) >= BATCH:
                added += self._add_batch(batch)
                batch = []
        if batch:
            added += self._add_batch(batch)
        return added

    def _add_batch(self, batch: list[Entry]) -> int:
        fresh: dict[int, Entry] = {}
        for e in batch:
            fresh.setdefault(dedup_key(e), e)
        with self._lock, self._transaction():
            keys = list(fresh)
            for i in range(0, len(keys), 500):
                cond, params = self._in("dedup", keys[i:i + 500])
                for (d,) in self._execute(
                        f"SELECT dedup FROM tm_entry WHERE {cond}", params).fetchall():
                    fresh.pop(d, None)
            if not fresh:
                return 0
            rows = [(d, source_key(e.source_lang, e.target_lang, e.source), e.source, e.target,
                     e.source_lang, e.target_lang, e.origin, e.style, e.engine_version,
                     e.profile_version, e.document, e.doc_version, e.position, e.prev_source,
                     e.next_source, e.created, e.author) for d, e in fresh.items()]
            self._executemany(
                f"INSERT INTO tm_entry ({', '.join(_INSERT_COLUMNS)}) VALUES "
                f"({','.join('?' * len(_INSERT_COLUMNS))}) ON CONFLICT (dedup) DO NOTHING", rows)
            postings, df = _postings(fresh.items())
            if postings:
                self._executemany("INSERT INTO tm_term (term, entry) VALUES (?, ?) "
                                  "ON CONFLICT DO NOTHING", postings)
                # sorted: concurrent writers take the row locks in the same order
                self._executemany(self._upsert_df_sql(), sorted(df.items()))
        return len(fresh)

    def retract(self, source_lang: str, target_lang: str, document: str,
                sources: Iterable[str]) -> int:
        """Withdraw a document's approval of some source segments: every ``approved``
        entry of ``document`` (any version, any style) in this direction whose source is
        one of ``sources`` (as :func:`.keys.normalise` compares them) is removed, with
        its rows in the fuzzy index, so it is never served again. Entries of other
        documents, human (imported) entries and machine entries stay. Returns how many
        were removed. For the desk's un-confirm of a paragraph: a proofreader's
        withdrawn approval must not keep coming back as a 101 % match."""
        wanted = {normalise(s) for s in sources if s.strip()}
        if not wanted or not document:
            return 0
        skeys = sorted({source_key(source_lang, target_lang, s) for s in wanted})
        with self._lock, self._transaction():
            gone: list[tuple[int, Entry]] = []
            for i in range(0, len(skeys), 500):
                cond, params = self._in("skey", skeys[i:i + 500])
                rows = self._execute(
                    f"SELECT dedup, {', '.join(_COLUMNS)} FROM tm_entry WHERE {cond} "
                    "AND document = ? AND origin = 'approved' AND source_lang = ? "
                    "AND target_lang = ?", (*params, document, source_lang, target_lang)
                ).fetchall()
                gone += [(r[0], e) for r in rows
                         if normalise((e := _entry(r[1:])).source) in wanted]
            if not gone:
                return 0
            dedups = [d for d, _ in gone]
            for i in range(0, len(dedups), 500):
                cond, params = self._in("dedup", dedups[i:i + 500])
                self._execute(f"DELETE FROM tm_entry WHERE {cond}", params)
            postings, df = _postings(gone)
            self._executemany("DELETE FROM tm_term WHERE term = ? AND entry = ?", postings)
            self._executemany("UPDATE tm_df SET n = n - ? WHERE term = ?",
                              [(n, k) for k, n in sorted(df.items())])
        return len(gone)

    # -- reading ------------------------------------------------------------------------
    def lookup(self, query: Query) -> Match | None:
        """The best match for a segment, or None (see the module docstring for the order)."""
        with self._lock:
            exact = [e for e in self._by_source(query) if _fits(e, query)]
            trusted = [e for e in exact if e.trusted]
            if trusted:
                best = max(trusted, key=lambda e: (_in_context(e, query), e.created, e.id or 0))
                in_ctx = _in_context(best, query)
                return Match("in-context" if in_ctx else "exact", 1.01 if in_ctx else 1.0, best)
            found = self._fuzzy(query)
            if found is not None:
                return found
            if exact:
                best = max(exact, key=lambda e: (_in_context(e, query), e.created, e.id or 0))
                return Match("exact", 1.0, best)
            return None

    def _by_source(self, q: Query) -> list[Entry]:
        rows = self._execute(f"{_SELECT} WHERE skey = ?",
                             (source_key(q.source_lang, q.target_lang, q.source),)).fetchall()
        want = normalise(q.source)
        return [e for e in map(_entry, rows) if normalise(e.source) == want]

    def _fuzzy(self, q: Query) -> Match | None:
        words = terms(q.source)
        if not words or q.threshold > 1.0:
            return None
        keys = [term_key(q.source_lang, q.target_lang, t) for t in words]
        mine = tokens(q.source)
        # an entry that reaches the threshold is at most len/threshold tokens long, and
        # lacks at most (1 - threshold) of those: so it shares all picked words but these
        # (and, in practice, at least half of them: a match that misses more of the rare
        # words is too far off to be repaired well)
        allowed = int((1 - q.threshold) * len(mine) / max(q.threshold, 1e-9))
        rows = self._execute(*self._candidates_sql(keys, allowed)).fetchall()
        entries = [_entry(r) for r in rows]
        best: Match | None = None
        for e in entries:
            if not (e.trusted and _fits(e, q)):
                continue
            theirs = tokens(e.source)
            if not fuzzy.possible(len(mine), len(theirs), q.threshold):
                continue
            score = fuzzy.similarity(mine, theirs, q.threshold)
            better = best is None or (score, e.created) > (best.score, best.entry.created)
            if score >= q.threshold and better:
                best = Match("fuzzy", score, e)
        return best

    def _candidates_sql(self, keys: Sequence[int], allowed: int) -> tuple[str, list[Any]]:
        """One statement (one round trip: on a busy server each costs a wake-up of its
        process, which dominated PostgreSQL's fuzzy lookups when this took three) that
        picks the segment's rarest indexed words — as many as fit the postings budget,
        always the rarest one, at most :data:`RARE_TERMS` — and returns the
        :data:`CANDIDATES` entries sharing the most of them, at least all picked words
        but ``allowed`` and at least half of them."""
        cond, params = self._in("term", keys)
        sql = (
            "WITH df AS (SELECT term, ROW_NUMBER() OVER (ORDER BY n, term) AS rn, "
            "SUM(n) OVER (ORDER BY n, term ROWS UNBOUNDED PRECEDING) AS cum "
            f"FROM tm_df WHERE {cond} AND n <= ?), "
            "picked AS (SELECT term FROM df WHERE rn <= ? AND (rn = 1 OR cum <= ?)), "
            "need AS (SELECT COUNT(*) AS p FROM picked), "
            "cand AS (SELECT entry FROM tm_term WHERE term IN (SELECT term FROM picked) "
            "GROUP BY entry HAVING COUNT(*) >= (SELECT CASE WHEN p - ? > (p + 1) / 2 "
            "THEN p - ? ELSE (p + 1) / 2 END FROM need) "
            f"ORDER BY COUNT(*) DESC LIMIT {CANDIDATES}) "
            f"SELECT {', '.join('tm_entry.' + c for c in _COLUMNS)} FROM cand "
            "JOIN tm_entry ON tm_entry.dedup = cand.entry")
        return sql, [*params, MAX_POSTINGS, RARE_TERMS, POSTINGS_BUDGET, allowed, allowed]

    def entries(self, source_lang: str | None = None, target_lang: str | None = None,
                origins: Iterable[str] = ORIGINS) -> Iterator[Entry]:
        """Every stored entry (oldest first), optionally of one direction and some origins."""
        wanted = [o for o in origins if o in ORIGINS]
        params: list[Any]
        where = [f"origin IN ({','.join('?' * len(wanted))})"]
        params = list(wanted)
        if source_lang:
            where.append("source_lang = ?")
            params.append(source_lang)
        if target_lang:
            where.append("target_lang = ?")
            params.append(target_lang)
        last = 0
        while True:  # in pages, so a million entries never sit in memory at once
            with self._lock:
                rows = self._execute(f"{_SELECT} WHERE {' AND '.join(where)} AND id > ? "
                                     f"ORDER BY id LIMIT 1000", (*params, last)).fetchall()
            if not rows:
                return
            for r in rows:
                yield _entry(r)
            last = rows[-1][0]

    def by_ids(self, ids: Iterable[int]) -> dict[int, Entry]:
        """The entries with these ids (missing ids are left out)."""
        wanted = sorted({int(i) for i in ids})
        found: dict[int, Entry] = {}
        with self._lock:
            for i in range(0, len(wanted), 500):
                cond, params = self._in("id", wanted[i:i + 500])
                for row in self._execute(f"{_SELECT} WHERE {cond}", params).fetchall():
                    e = _entry(row)
                    found[e.id or 0] = e
        return found

    def document(self, document: str, source_lang: str, target_lang: str,
                 version: str | None = None) -> tuple[str, list[Entry]]:
        """The trusted entries of one version of a document, by position: the given
        version, or the one stored last. Returns the version and its entries (the
        newest entry per position)."""
        with self._lock:
            if version is None:
                row = self._execute(
                    "SELECT doc_version FROM tm_entry WHERE document = ? AND source_lang = ? "
                    "AND target_lang = ? AND origin <> 'machine' ORDER BY created DESC, id DESC "
                    "LIMIT 1", (document, source_lang, target_lang)).fetchone()
                if row is None:
                    return "", []
                version = str(row[0])
            rows = self._execute(
                f"{_SELECT} WHERE document = ? AND doc_version = ? AND source_lang = ? "
                "AND target_lang = ? AND origin <> 'machine' ORDER BY created, id",
                (document, version, source_lang, target_lang)).fetchall()
        newest: dict[int, Entry] = {}
        for e in map(_entry, rows):
            if e.position is not None:
                newest[e.position] = e       # rows are oldest first: the last one wins
        return version, [newest[p] for p in sorted(newest)]

    def setting(self, name: str) -> str | None:
        """A stored setting (a JSON text of the editor's desk), or None."""
        with self._lock:
            row = self._execute("SELECT value FROM tm_setting WHERE name = ?",
                                (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, name: str, value: str) -> None:
        """Store a setting (last write wins)."""
        with self._lock, self._transaction():
            self._execute("INSERT INTO tm_setting (name, value, updated) VALUES (?, ?, ?) "
                          "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                          "updated = excluded.updated", (name, value, time.time()))

    def stats(self) -> dict[str, Any]:
        """Counts per direction and origin, documents, schema version, backend."""
        with self._lock:
            rows = self._execute("SELECT source_lang, target_lang, origin, COUNT(*) FROM tm_entry "
                                 "GROUP BY source_lang, target_lang, origin").fetchall()
            docs = self._execute("SELECT COUNT(DISTINCT document) FROM tm_entry "
                                 "WHERE document <> ''").fetchone()[0]
        by: dict[str, dict[str, int]] = {}
        for s, t, origin, n in rows:
            by.setdefault(f"{s}-{t}", {})[origin] = int(n)
        return {"backend": self.dialect, "location": self.location,
                "schema_version": self.schema_version(),
                "entries": sum(sum(d.values()) for d in by.values()),
                "directions": by, "documents": int(docs)}


def _entry(row: Sequence[Any]) -> Entry:
    d = dict(zip(_COLUMNS, row))
    return Entry(**d)


def _fits(e: Entry, q: Query) -> bool:
    """May this entry be served for this query at all (direction, style, machine version)?"""
    if (e.source_lang, e.target_lang) != (q.source_lang, q.target_lang):
        return False
    if e.style and q.style and e.style != q.style:
        return False
    if e.trusted:
        return True
    return q.machine is not None and (e.engine_version, e.profile_version) == (
        q.machine.engine, q.machine.profile)


def _in_context(e: Entry, q: Query) -> bool:
    """Same document, or same neighbours, as where the entry was stored."""
    if e.position is None:  # no context known (imported pairs)
        return False
    if q.document and e.document == q.document:
        return True
    return (normalise(e.prev_source), normalise(e.next_source)) == (
        normalise(q.prev_source), normalise(q.next_source))
