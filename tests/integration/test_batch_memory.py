"""``omset batch --memory``: exact matches from a real SQLite memory reused on real Dask
worker processes (a scheduler and two workers started here, on loopback)."""

from __future__ import annotations

import json
from omset.memory import Entry, Memory

from .test_batch import SUMMARY, dask_cluster, omset, sentences, translate_lines


def _memory(path, approved: dict[str, str]) -> None:
    with Memory.open(str(path)) as mem:
        mem.add_many(Entry(s, t, "nb", "nn", "approved") for s, t in approved.items())


def test_workers_reuse_exact_matches_read_only(apertium_installed, tmp_path):
    src = sentences()[:24]
    # what the desk approved for every third sentence: text no engine would write, so a
    # reused entry cannot be mistaken for a fresh translation
    approved = {s: f"Godkjend av desken, nr. {i}." for i, s in enumerate(src) if i % 3 == 0}
    db = tmp_path / "tm.sqlite"
    _memory(db, approved)
    with Memory.open(str(db)) as mem:
        before = mem.stats()["entries"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lines.txt").write_text("".join(f"{s}\n" for s in src), encoding="utf-8")
    with (tmp_path / "in" / "recs.jsonl").open("w", encoding="utf-8") as f:
        for i, s in enumerate(src):
            f.write(json.dumps({"id": i, "text": s}, ensure_ascii=False) + "\n")
    fresh = translate_lines(src)
    want = [approved.get(s, out) for s, out in zip(src, fresh)]
    assert want != fresh
    with dask_cluster() as (port, _procs):
        r = omset(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--lines",
                   "--scheduler", f"tcp://127.0.0.1:{port}", "--partition-records", "5",
                   "--memory", str(db)])
    assert r.returncode == 0, r.stderr
    done = SUMMARY.search(r.stderr.decode())
    assert done and int(done.group(1)) >= 4, r.stderr   # several partitions
    # the summary counts where the segments came from: both files hold every sentence
    reused = 2 * len(approved)
    assert (f"memory: {reused} segment(s) from the memory, {2 * len(src) - reused} from "
            "the engine").encode() in r.stderr, r.stderr
    lines = (tmp_path / "out" / "lines.txt").read_text(encoding="utf-8").split("\n")
    assert lines == [*want, ""]
    recs = [json.loads(x) for x in (tmp_path / "out" / "recs.jsonl").read_text("utf-8").splitlines()]
    assert [r["text"] for r in recs] == want and [r["id"] for r in recs] == list(range(len(src)))
    with Memory.open(str(db)) as mem:   # read-only on the workers: nothing was added
        assert mem.stats()["entries"] == before


def test_unusable_memory_fails_before_any_worker_starts(apertium_installed, tmp_path):
    (tmp_path / "in.txt").write_text("Jeg kommer hjem.\n", encoding="utf-8")
    for bad, says in ((tmp_path / "missing.sqlite", b"no such translation memory"),
                      (tmp_path / "in.txt", b"not an SQLite database")):
        r = omset(["batch", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out"),
                   "--memory", str(bad)], timeout=60)
        assert r.returncode == 2, r.stderr
        assert says in r.stderr and b"Traceback" not in r.stderr
    assert not (tmp_path / "missing.sqlite").exists()
