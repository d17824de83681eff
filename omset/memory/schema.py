"""The memory's schema and its migrations, shared by every SQL backend.

Each migration is a list of statements; ``{id}``, ``{bigint}``, ``{real}`` and
``{without_rowid}`` are filled in per backend (see :data:`DIALECTS`). A store records the
version it is at in ``tm_meta``; opening an older store upgrades it in one transaction,
and a store from a newer omset is refused rather than misread.
"""

from __future__ import annotations

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE IF NOT EXISTS tm_entry (
            id {id},
            dedup {bigint} NOT NULL UNIQUE,
            skey {bigint} NOT NULL,
            source_lang TEXT NOT NULL,
            target_lang TEXT NOT NULL,
            style TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('human', 'approved', 'machine')),
            engine_version TEXT NOT NULL DEFAULT '',
            profile_version TEXT NOT NULL DEFAULT '',
            document TEXT NOT NULL DEFAULT '',
            doc_version TEXT NOT NULL DEFAULT '',
            position INTEGER,
            prev_source TEXT NOT NULL DEFAULT '',
            next_source TEXT NOT NULL DEFAULT '',
            created {real} NOT NULL,
            author TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX IF NOT EXISTS tm_entry_skey ON tm_entry (skey)",
        "CREATE INDEX IF NOT EXISTS tm_entry_document ON tm_entry (document, doc_version)",
        # the fuzzy index: which trusted entries (by dedup key) contain which word
        """CREATE TABLE IF NOT EXISTS tm_term (
            term {bigint} NOT NULL,
            entry {bigint} NOT NULL,
            PRIMARY KEY (term, entry)
        ){without_rowid}""",
        # how many entries contain a word: lookups use the rarest words of a segment
        """CREATE TABLE IF NOT EXISTS tm_df (
            term {bigint} PRIMARY KEY,
            n {bigint} NOT NULL
        ){without_rowid}""",
    ],
    # shared settings of the web editor's proofreading desk (form choices, glossary,
    # story snapshots): small JSON values by name, last write wins
    2: [
        """CREATE TABLE IF NOT EXISTS tm_setting (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated {real} NOT NULL
        )""",
    ],
}

DIALECTS: dict[str, dict[str, str]] = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "bigint": "INTEGER",
               "real": "REAL", "without_rowid": " WITHOUT ROWID"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "bigint": "BIGINT",
                   "real": "DOUBLE PRECISION", "without_rowid": ""},
}


def statements(dialect: str, from_version: int) -> list[tuple[int, list[str]]]:
    """The migrations that take a store from ``from_version`` to :data:`SCHEMA_VERSION`."""
    fill = DIALECTS[dialect]
    return [(v, [s.format(**fill) for s in MIGRATIONS[v]])
            for v in range(from_version + 1, SCHEMA_VERSION + 1)]
