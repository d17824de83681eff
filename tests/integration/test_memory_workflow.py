"""Translating updated articles against the memory, with the real engine and CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from omset.memory import Memory
from omset.memory.workflow import store_approved, translate_text

OMSET = [sys.executable, "-m", "omset"]

V1 = ("Statsministeren besøkte Bergen på mandag.\n\n"
      "Regjeringen bevilger 300 millioner kroner til nye veier i 2025.\n\n"
      "Ordføreren i Tromsø sier at hun er fornøyd med avtalen.\n\n"
      "Han kommer hjem i morgen.\n")
# the proofreader's wording differs from the engine's on purpose
V1_PROOFREAD = ("Statsministeren vitja Bergen måndag.\n\n"
                "Regjeringa løyver 300 millionar kroner til nye vegar i 2025.\n\n"
                "Ordføraren i Tromsø seier at ho er nøgd med avtalen.\n\n"
                "Han kjem heim i morgon, melder NTB.\n")


def v2() -> str:
    return (V1.replace("300 millioner", "450 millioner")
            .replace("i Tromsø", "i Bodø")
            + "\nDet ble også klart at arbeidet starter i høst.\n")


@pytest.fixture
def mem(tmp_path):
    with Memory.open(str(tmp_path / "tm.sqlite")) as m:
        store_approved(m, V1, V1_PROOFREAD, source_lang="nb", target_lang="nn",
                       style="nynorsk-news", document="story", version="1")
        yield m


def test_update_keeps_the_proofreaders_work(news, mem):
    r = translate_text(news, mem, v2(), document="story", version="2")
    kinds = [(s.origin, s.note[:7]) for s in r.segments]
    assert [k for k, _ in kinds] == ["in-context", "fuzzy", "fuzzy", "in-context", "machine"]
    out = r.text.split("\n\n")
    proofread = V1_PROOFREAD.split("\n\n")
    assert out[0] == proofread[0] and out[3] == proofread[3].rstrip("\n")
    assert out[1] == proofread[1].replace("300", "450")
    assert out[2] == proofread[2].replace("Tromsø", "Bodø")
    # the new paragraph is what the engine says without a memory
    assert out[4] == news.translate("Det ble også klart at arbeidet starter i høst.\n")
    assert all(s.score and s.score < 1 for s in r.segments if s.origin == "fuzzy")


def test_machine_output_is_stored_and_served_to_the_same_engine_only(news, nb_nn, mem):
    text = "Det ble også klart at arbeidet starter i høst.\n"
    first = translate_text(news, mem, text)
    assert first.segments[0].origin == "machine" and not first.segments[0].note
    again = translate_text(news, mem, text)
    assert again.segments[0].origin == "machine" and "stored" in again.segments[0].note
    assert again.text == first.text
    # another profile (plain Apertium) never gets the news profile's machine output
    other = translate_text(nb_nn, mem, text, store=False)
    assert "stored" not in other.segments[0].note
    assert mem.stats()["directions"]["nb-nn"]["machine"] == 1


def test_another_direction_never_gets_these_entries(nn_nb, mem):
    r = translate_text(nn_nb, mem, V1_PROOFREAD.split("\n\n")[0], store=False)
    assert r.segments[0].origin == "machine"
    r = translate_text(nn_nb, mem, V1.split("\n\n")[0], store=False)
    assert r.segments[0].origin == "machine"


def test_rephrased_proofreading_falls_back_to_the_engine_and_says_so(news, tmp_path):
    with Memory.open(str(tmp_path / "tm.sqlite")) as m:
        store_approved(m, "Hun kommer hjem i morgen tidlig.", "Kvinna er heime i morgon tidleg.",
                       source_lang="nb", target_lang="nn")
        r = translate_text(news, m, "Han kommer hjem i morgen tidlig.")
    s = r.segments[0]
    assert s.origin == "machine" and "not repaired" in s.note
    assert r.text == news.translate("Han kommer hjem i morgen tidlig.")


def test_store_approved_needs_aligned_texts(mem):
    from omset.errors import InputError

    with pytest.raises(InputError, match="3 segments"):
        store_approved(mem, "A.\n\nB.\n\nC.\n", "A.\n\nB.\n", source_lang="nb", target_lang="nn")


def run(args, data=None):
    return subprocess.run(OMSET + args, check=False, input=data, capture_output=True,
                          timeout=180)


def test_cli_update_workflow(apertium_installed, tmp_path):
    db = str(tmp_path / "tm.sqlite")
    (tmp_path / "v1.nb").write_text(V1, encoding="utf-8")
    (tmp_path / "v1.nn").write_text(V1_PROOFREAD, encoding="utf-8")
    (tmp_path / "v2.nb").write_text(v2(), encoding="utf-8")
    r = run(["memory", "add", str(tmp_path / "v1.nb"), str(tmp_path / "v1.nn"), "--memory", db,
             "--doc", "story", "--version", "1"])
    assert r.returncode == 0, r.stderr
    r = run(["translate", str(tmp_path / "v2.nb"), "--memory", db, "--doc", "story",
             "--version", "2", "--explain"])
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert out.startswith(V1_PROOFREAD.split("\n\n")[0] + "\n\n")
    assert "Regjeringa løyver 450 millionar kroner til nye vegar i 2025." in out
    err = r.stderr.decode()
    assert "in-context match (101 %)" in err and "fuzzy match" in err and "'300' → '450'" in err
    assert "machine translation" in err
    r = run(["memory", "stats", "--memory", db, "--json"])
    assert r.returncode == 0 and '"approved": 4' in r.stdout.decode()


def test_cli_corrupt_memory_exit_2_and_untouched(apertium_installed, tmp_path):
    db = tmp_path / "tm.sqlite"
    junk = b"\x00garbage that is not sqlite" * 50
    db.write_bytes(junk)
    for args in (["translate", "--memory", str(db)], ["memory", "stats", "--memory", str(db)],
                 ["memory", "export", "--memory", str(db)]):
        r = run(args, b"Jeg kommer.\n")
        assert r.returncode == 2, (args, r.stderr)
        assert b"not an SQLite database" in r.stderr and b"Traceback" not in r.stderr
        assert r.stdout == b""
    assert db.read_bytes() == junk
    assert [p.name for p in tmp_path.iterdir()] == ["tm.sqlite"]


def test_cli_import_export_round_trip(apertium_installed, tmp_path):
    db, db2 = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("Jeg kommer.\tEg kjem.\nVi drar.\tVi dreg.\n", encoding="utf-8")
    assert run(["memory", "import", str(tsv), "--memory", db, "-s", "nb", "-t", "nn"]).returncode == 0
    r = run(["memory", "export", "--memory", db, "-o", str(tmp_path / "out.tmx")])
    assert r.returncode == 0, r.stderr
    r = run(["memory", "import", str(tmp_path / "out.tmx"), "--memory", db2])
    assert r.returncode == 0 and b"imported 2 new" in r.stderr
    r = run(["memory", "export", "--memory", db2, "-f", "tsv"])
    assert r.stdout.decode() == tsv.read_text(encoding="utf-8")
    r = run(["translate", "--memory", db2, "--explain"], b"Jeg kommer.\n")
    assert r.stdout.decode() == "Eg kjem.\n" and b"exact match" in r.stderr


def test_cli_refuses_bad_imports_and_stores_nothing(apertium_installed, tmp_path):
    db = tmp_path / "tm.sqlite"
    bad = tmp_path / "bad.tsv"
    bad.write_text("Jeg kommer.\tEg kjem.\nno tab here\n", encoding="utf-8")
    r = run(["memory", "import", str(bad), "--memory", str(db)])
    assert r.returncode == 2 and b"bad.tsv:2" in r.stderr
    evil = tmp_path / "evil.tmx"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "b">]><tmx/>')
    r = run(["memory", "import", str(evil), "--memory", str(db)])
    assert r.returncode == 2 and b"Traceback" not in r.stderr
    assert not db.exists()


def test_cli_with_postgresql(apertium_installed, tmp_path):
    from tests import pgserver

    (tmp_path / "v1.nb").write_text(V1, encoding="utf-8")
    (tmp_path / "v1.nn").write_text(V1_PROOFREAD, encoding="utf-8")
    with pgserver.server() as url:
        r = run(["memory", "add", str(tmp_path / "v1.nb"), str(tmp_path / "v1.nn"),
                 "--memory", url, "--doc", "story"])
        assert r.returncode == 0, r.stderr
        r = run(["translate", "--memory", url, "--doc", "story", "--explain"], v2().encode())
        assert r.returncode == 0, r.stderr
        assert "Ordføraren i Bodø seier at ho er nøgd med avtalen." in r.stdout.decode()
        r = run(["memory", "stats", "--memory", url])
        assert r.returncode == 0 and b"4 approved, 1 machine" in r.stdout
