"""The translation memory's store, the same suite on SQLite and on a real PostgreSQL
server that this module starts (tests/pgserver.py). No mocks of the database."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from omset.memory import Entry, MachineVersion, Memory, MemoryStoreError, Query
from omset.memory.schema import SCHEMA_VERSION
from tests import pgserver

NOW = MachineVersion("engine 1", "profile A")
_dbs = itertools.count()


@pytest.fixture(scope="module")
def pg_server():
    if pgserver.bindir() is None:
        pytest.fail("PostgreSQL is not installed: run scripts/setup.sh --test")
    with pgserver.server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """A fresh, empty memory of each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "tm.sqlite")
    import psycopg

    server = request.getfixturevalue("pg_server")
    name = f"tm{next(_dbs)}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def mem(url):
    with Memory.open(url) as m:
        yield m


def entry(source: str, target: str, **kw) -> Entry:
    kw.setdefault("source_lang", "nb")
    kw.setdefault("target_lang", "nn")
    return Entry(source, target, **kw)


def q(source: str, **kw) -> Query:
    return Query(source, kw.pop("source_lang", "nb"), kw.pop("target_lang", "nn"), **kw)


def test_exact_match_returns_the_target_byte_for_byte(mem):
    target = "  Han  kjem heim,\tseier ho – «i morgon».\u00a0"
    mem.add(entry("Han kommer hjem, sier hun – «i morgen».", target))
    m = mem.lookup(q("Han   kommer hjem, sier hun – «i morgen»."))  # other spacing
    assert m is not None and m.kind == "exact" and m.score == 1.0
    assert m.entry.target == target


def test_in_context_beats_exact_and_is_101(mem):
    mem.add(entry("Ja.", "Ja, seier eg.", position=3, prev_source="Kommer du?",
                  next_source="Bra.", document="a"))
    mem.add(entry("Ja.", "Ja.", created=2e9))  # newer, but without context
    m = mem.lookup(q("Ja.", prev_source="Kommer du?", next_source="Bra."))
    assert m is not None and (m.kind, m.score, m.entry.target) == ("in-context", 1.01, "Ja, seier eg.")
    m = mem.lookup(q("Ja.", document="a"))
    assert m is not None and m.kind == "in-context"
    m = mem.lookup(q("Ja.", prev_source="Noe annet.", document="b"))
    assert m is not None and (m.kind, m.entry.target) == ("exact", "Ja.")


def test_another_direction_is_never_served(mem):
    mem.add(entry("Det regnar i dag.", "Det regner i dag.", source_lang="nn", target_lang="nb"))
    assert mem.lookup(q("Det regnar i dag.")) is None
    assert mem.lookup(q("Det regnar i dag", threshold=0.5)) is None
    m = mem.lookup(q("Det regnar i dag.", source_lang="nn", target_lang="nb"))
    assert m is not None and m.entry.target == "Det regner i dag."


def test_machine_entry_only_for_the_same_engine_and_profile(mem):
    mem.add(entry("Vi kommer.", "Vi kjem.", origin="machine", engine_version="engine 1",
                  profile_version="profile A"))
    assert mem.lookup(q("Vi kommer.", machine=NOW)).entry.target == "Vi kjem."
    assert mem.lookup(q("Vi kommer.", machine=MachineVersion("engine 1", "profile B"))) is None
    assert mem.lookup(q("Vi kommer.", machine=MachineVersion("engine 2", "profile A"))) is None
    assert mem.lookup(q("Vi kommer.")) is None
    # and a machine entry is never a fuzzy match to repair
    assert mem.lookup(q("Vi kommer snart.", machine=NOW, threshold=0.3)) is None


def test_trusted_fuzzy_beats_a_machine_exact(mem):
    mem.add(entry("Prisen er 10 kroner i dag.", "Prisen er 10 kroner i dag.",
                  origin="machine", engine_version="engine 1", profile_version="profile A"))
    mem.add(entry("Prisen er 12 kroner i dag.", "Prisen er 12 kr i dag.", origin="approved"))
    m = mem.lookup(q("Prisen er 10 kroner i dag.", machine=NOW))
    assert m is not None and m.kind == "fuzzy" and m.entry.origin == "approved"


def test_style_must_fit_unless_the_entry_has_none(mem):
    mem.add(entry("Vi kommer.", "Vi kjem.", style="nynorsk-news"))
    mem.add(entry("Dere kommer.", "De kjem.", style=""))
    assert mem.lookup(q("Vi kommer.", style="other")) is None
    assert mem.lookup(q("Vi kommer.", style="nynorsk-news")) is not None
    assert mem.lookup(q("Dere kommer.", style="other")) is not None


def test_fuzzy_threshold_and_best_candidate(mem):
    mem.add_many([
        entry("Regjeringen bevilger 300 millioner kroner til nye veier.", "A"),
        entry("Regjeringen bevilger 300 millioner kroner til nye skoler.", "B"),
        entry("Kommunen bygger nye veier i år.", "C"),
    ])
    m = mem.lookup(q("Regjeringen bevilger 350 millioner kroner til nye veier."))
    assert m is not None and m.kind == "fuzzy" and m.entry.target == "A"
    assert 0.85 < m.score < 1.0
    assert mem.lookup(q("Regjeringen bygger noe helt annet i dag.")) is None
    assert mem.lookup(q("Regjeringen bevilger 350 millioner kroner til nye veier.",
                        threshold=0.95)) is None


def test_same_entry_twice_is_stored_once(mem):
    e = entry("En.", "Ein.", document="d", doc_version="1", position=0)
    assert mem.add(e) is True
    assert mem.add(entry("En.", "Ein.", document="d", doc_version="1", position=0, author="x")) is False
    assert mem.add(entry("En.", "Ein.", document="d", doc_version="2", position=0)) is True
    assert mem.stats()["entries"] == 2


def test_retracted_approval_is_never_served_again(mem):
    src = "Regjeringen bevilger 300 millioner kroner til nye veier."
    mem.add_many([
        entry(src, "Godkjend v1.", origin="approved", document="sak", doc_version="1",
              position=0),
        entry(f"  {src} ", "Godkjend v2.", origin="approved", document="sak",
              doc_version="2", position=0),
        entry(src, "Frå ei anna sak.", origin="approved", document="anna", position=4,
              created=1.0),
        entry(src, "Importert.", origin="human", document="sak", created=1.0),
        entry(src, "Maskin.", origin="machine", document="sak", engine_version="engine 1",
              profile_version="profile A"),
    ])
    before = mem.stats()["entries"]
    m = mem.lookup(q(src, document="sak"))
    assert m is not None and m.entry.target == "Godkjend v2."
    assert mem.retract("nb", "nn", "sak", ["Noe annet.", ""]) == 0
    assert mem.retract("nn", "nb", "sak", [src]) == 0       # another direction
    assert mem.retract("nb", "nn", "sak", [src.replace("  ", " ") + "  "]) == 2
    assert mem.stats()["entries"] == before - 2
    assert mem.retract("nb", "nn", "sak", [src]) == 0        # already gone
    # neither version of the document's approval comes back, as exact or as fuzzy match;
    # the other document's approval and the imported pair still do
    m = mem.lookup(q(src, document="sak"))
    assert m is not None and m.entry.target in ("Frå ei anna sak.", "Importert.")
    fuzzy = q("Regjeringen bevilger 350 millioner kroner til nye veier.", document="sak")
    m = mem.lookup(fuzzy)
    assert m is not None and m.kind == "fuzzy"
    assert m.entry.target in ("Frå ei anna sak.", "Importert.")
    assert [e.target for e in mem.entries(origins=["approved"])] == ["Frå ei anna sak."]
    assert mem.document("sak", "nb", "nn", "2") == ("2", [])
    # re-approving the same entry stores it again
    assert mem.add(entry(src, "Godkjend v2.", origin="approved", document="sak",
                         doc_version="2", position=0)) is True
    assert mem.lookup(q(src, document="sak")).entry.target == "Godkjend v2."
    # with every trusted entry of a word gone, the fuzzy index forgets it too
    assert mem.retract("nb", "nn", "sak", [src]) == 1
    mem.retract("nb", "nn", "anna", [src])
    assert mem.lookup(fuzzy) is not None    # the human entry is left
    from omset.memory.keys import term_key
    # one trusted entry (the human one) holds each word now
    k = term_key("nb", "nn", "veier")
    assert mem._execute("SELECT n FROM tm_df WHERE term = ?", (k,)).fetchall() == [(1,)]
    assert len(mem._execute("SELECT entry FROM tm_term WHERE term = ?", (k,)).fetchall()) == 1


def test_entries_stats_and_paging(mem):
    n = 2345
    assert mem.add_many(entry(f"Setning nummer {i}.", f"Setning nummer {i}.") for i in range(n)) == n
    mem.add(entry("Ja.", "Ja.", origin="machine", engine_version="e", profile_version="p"))
    got = list(mem.entries("nb", "nn", origins=("human", "approved")))
    assert [e.source for e in got] == [f"Setning nummer {i}." for i in range(n)]
    assert len(list(mem.entries())) == n + 1
    s = mem.stats()
    assert s["entries"] == n + 1 and s["directions"]["nb-nn"] == {"approved": n, "machine": 1}
    assert s["schema_version"] == SCHEMA_VERSION


def test_reopening_keeps_everything(url):
    with Memory.open(url) as m:
        m.add(entry("Hei.", "Hei."))
    with Memory.open(url) as m:
        assert m.lookup(q("Hei.")).entry.target == "Hei."
        assert m.schema_version() == SCHEMA_VERSION


WRITER = textwrap.dedent("""
    import os, sys, time
    from omset.memory import Entry, Memory
    url, tag, n, barrier, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    race_open = sys.argv[6] == "open"

    def all_ready():
        open(os.path.join(barrier, "ready-" + tag), "w").close()
        while len([f for f in os.listdir(barrier) if f.startswith("ready-")]) < count:
            time.sleep(0.001)

    if race_open:   # all processes open (and maybe create) the store at the same moment
        all_ready()
    m = Memory.open(url)
    if not race_open:   # all processes start writing at the same moment
        all_ready()
    with m:
        print(time.time(), flush=True)   # first write starts
        for i in range(n):   # one transaction per entry: the most contention
            m.add(Entry(f"Skriver {tag} lagrer setning {i} om de samme ordene.",
                        f"Skrivar {tag} lagrar setning {i}.", "nb", "nn", author=tag))
        print(time.time(), flush=True)   # last write done
""")


def writers(url: str, n: int, barrier: Path, tags: str = "ab",
            race: str = "write") -> list[subprocess.Popen]:
    barrier.mkdir()
    return [subprocess.Popen([sys.executable, "-c", WRITER, url, tag, str(n), str(barrier),
                              str(len(tags)), race], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for tag in tags]


def test_two_processes_writing_at_once_lose_nothing(url, tmp_path):
    with Memory.open(url):   # create the schema first (also raced below on a fresh store)
        pass
    n = 1000   # long enough that the two runs overlap even on a loaded machine
    procs = writers(url, n, tmp_path / "barrier")
    spans = []
    for p in procs:
        out, errs = p.communicate(timeout=300)
        assert p.returncode == 0, errs.decode()
        spans.append([float(t) for t in out.split()])
    # the two writers really wrote at the same time (their entries need not interleave:
    # SQLite's busy handler lets one writer win the lock again and again)
    (a0, a1), (b0, b1) = spans
    assert max(a0, b0) < min(a1, b1)
    with Memory.open(url) as m:
        assert m.stats()["entries"] == 2 * n
        for tag in ("a", "b"):
            assert sum(e.author == tag for e in m.entries()) == n
        # the word index took every writer's entries too
        hit = m.lookup(q("Skriver b lagrer setning 77 om de samme ordene!"))
        assert hit is not None and hit.entry.target == "Skrivar b lagrar setning 77."


def test_processes_creating_a_fresh_store_at_once(url, tmp_path):
    # SQLite answers "locked" without waiting while a fresh file switches to WAL; four
    # openers at one moment hit that window in about half the runs without the retry
    for round_ in range(3):
        target = url if round_ == 0 or "://" in url else str(tmp_path / f"tm{round_}.sqlite")
        procs = writers(target, 5, tmp_path / f"barrier{round_}", tags="abcd", race="open")
        for p in procs:
            _, errs = p.communicate(timeout=300)
            assert p.returncode == 0, errs.decode()
        with Memory.open(target) as m:
            assert m.stats()["entries"] >= 20


# -- SQLite files: refused when not ours, and left untouched ------------------------------

def test_corrupt_file_is_refused_and_untouched(tmp_path):
    p = tmp_path / "tm.sqlite"
    junk = b"this is not a database\x00" * 100
    p.write_bytes(junk)
    with pytest.raises(MemoryStoreError, match="not an SQLite database"):
        Memory.open(str(p))
    assert p.read_bytes() == junk
    assert sorted(x.name for x in tmp_path.iterdir()) == ["tm.sqlite"]


def test_damaged_sqlite_pages_are_refused(tmp_path):
    p = tmp_path / "tm.sqlite"
    with Memory.open(str(p)) as m:
        m.add_many(entry(f"S {i}.", f"T {i}.") for i in range(500))
    data = bytearray(p.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)   # smash the schema page
    p.write_bytes(bytes(data))
    for x in tmp_path.glob("tm.sqlite-*"):
        x.unlink()
    with pytest.raises(MemoryStoreError):
        Memory.open(str(p))
    assert p.read_bytes() == bytes(data)


def test_foreign_sqlite_database_is_not_adopted(tmp_path):
    p = tmp_path / "other.db"
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE customers (name TEXT)")
    db.commit()
    db.close()
    before = p.read_bytes()
    with pytest.raises(MemoryStoreError, match="not an omset translation memory"):
        Memory.open(str(p))
    assert p.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    p = tmp_path / "tm.sqlite"
    with Memory.open(str(p)):
        pass
    db = sqlite3.connect(p)
    db.execute("UPDATE tm_meta SET value = '99' WHERE name = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(MemoryStoreError, match="newer"):
        Memory.open(str(p))


def test_older_schema_is_migrated(tmp_path):
    """A store at version 0 (only tm_meta) is brought up to date in place."""
    p = tmp_path / "tm.sqlite"
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE tm_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO tm_meta VALUES ('schema_version', '0')")
    db.commit()
    db.close()
    with Memory.open(str(p)) as m:
        assert m.schema_version() == SCHEMA_VERSION
        m.add(entry("Hei.", "Hei."))


def test_missing_file_without_create(tmp_path):
    with pytest.raises(MemoryStoreError, match="no such"):
        Memory.open(str(tmp_path / "nope.sqlite"), create=False)
    assert not list(tmp_path.iterdir())


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(MemoryStoreError, match="cannot connect"):
        Memory.open("postgresql://nobody:secret@127.0.0.1:1/none")


def test_password_is_not_in_messages():
    with pytest.raises(MemoryStoreError) as exc:
        Memory.open("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(exc.value)


def test_wal_mode(tmp_path: Path):
    p = tmp_path / "tm.sqlite"
    with Memory.open(str(p)):
        pass
    db = sqlite3.connect(p)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_read_only_connection_reads_and_never_writes(url):
    with Memory.open(url) as mem:
        mem.add(entry("Han kommer hjem.", "Han kjem heim."))
    with Memory.open(url, readonly=True) as ro:
        m = ro.lookup(q("Han kommer hjem."))
        assert m is not None and m.entry.target == "Han kjem heim."
        with pytest.raises(MemoryStoreError):
            ro.add(entry("Hun kommer.", "Ho kjem."))
    with Memory.open(url) as mem:
        assert mem.stats()["entries"] == 1


def test_read_only_needs_an_existing_current_store(tmp_path):
    with pytest.raises(MemoryStoreError, match="no such translation memory"):
        Memory.open(str(tmp_path / "none.sqlite"), readonly=True)
    assert not (tmp_path / "none.sqlite").exists()
    old = tmp_path / "old.sqlite"
    sqlite3.connect(old).executescript(
        "CREATE TABLE tm_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO tm_meta VALUES ('schema_version', '0');")
    with pytest.raises(MemoryStoreError, match="schema version 0"):
        Memory.open(str(old), readonly=True)
