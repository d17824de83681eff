"""omset.batch without Dask or Apertium: records, partitions, inputs and OUTDIR's state,
with a small fake engine (upper-cases; times out on any text containing TIMEOUT)."""

from __future__ import annotations

import json

import pytest

from omset.batch.errors import BatchError
from omset.batch.inputs import find_inputs
from omset.batch.options import Options
from omset.batch.partitions import Reader, plan, read_lines
from omset.batch.records import Job, Skipped, translate_job
from omset.batch.writers import Store
from omset.errors import EngineTimeout


class Fake:
    """Upper-cases; a text containing TIMEOUT fails as the engine's time-out does."""

    def __init__(self) -> None:
        self.calls = 0

    def _one(self, text: str) -> str:
        self.calls += 1
        if "TIMEOUT" in text:
            raise EngineTimeout("Apertium did not answer within 20 s, twice")
        return text.upper()

    def translate(self, text: str) -> str:
        return self._one(text)

    def translate_batch(self, texts):
        return [self._one(t) for t in texts]

    def translate_lines(self, lines, *, by_line=True):
        for line in lines:
            yield self._one(line)


def test_text_bad_records_keep_their_place_and_the_rest_is_translated():
    lines = [b"ja\n", b"\xff nei\n", b"TIMEOUT her\n", Skipped(5000, "\n"), b"hei\x00 du\r\n", b"slutt"]
    r = translate_job(Fake(), Job("text", lines, 10, by_line=True, max_bytes=100))
    assert r.output.decode() == "JA\n\n\n\nHEI DU\r\nSLUTT"
    assert [(e["line"], e["reason"].split(":")[0]) for e in r.errors] == [
        (11, "input is not valid UTF-8"), (12, "engine time-out"),
        (13, "record of 5000 bytes is over the limit of 100 bytes")]
    assert r.records == 6 and r.controls == 1


def test_paragraph_units_are_segments_and_an_oversize_paragraph_is_reported():
    lines = [b"Dette er en\n", b"lang setning.\n", b"\n", b"Kort.\n", b"Neste.\n"]
    r = translate_job(Fake(), Job("text", lines, 1, by_line=False, max_bytes=20))
    # the wrapped paragraph (26 bytes) is over the limit: its lines are left empty
    assert r.output.decode() == "\n\n\nKORT.\nNESTE.\n"
    assert r.errors == [{"line": 1, "reason": "record of 26 bytes is over the limit of 20 bytes"}]


def test_jsonl_fields_suffix_nulls_and_unreadable_lines():
    lines = [json.dumps({"t": "hei", "u": None, "n": 1}).encode() + b"\n", b"{oops\n", b"\n",
             json.dumps({"t": "TIMEOUT"}).encode() + b"\n", b"7\n", json.dumps({"t": ["x"]}).encode()]
    r = translate_job(Fake(), Job("jsonl", lines, 1, fields=("t", "u"), suffix="_nn"))
    out = r.output.decode().split("\n")
    assert json.loads(out[0]) == {"t": "hei", "u": None, "n": 1, "t_nn": "HEI"}
    assert out[1] == "{oops" and out[2] == "" and out[4] == "7"
    assert json.loads(out[3]) == {"t": "TIMEOUT", "t_nn": None}
    assert json.loads(out[5]) == {"t": ["x"], "t_nn": None}
    assert [(e["line"], e.get("field")) for e in r.errors] == [(2, None), (4, "t"), (5, None), (6, "t")]


def test_a_failing_batch_falls_back_to_one_text_at_a_time():
    engine = Fake()
    r = translate_job(engine, Job("parquet", {"c": ["a", None, "TIMEOUT", "b"]}, 0, fields=("c",)))
    assert r.output == {"c": ["A", None, None, "B"]}
    assert r.errors == [{"row": 2, "column": "c", "reason": r.errors[0]["reason"]}]
    assert r.errors[0]["reason"].startswith("engine time-out")


def test_read_lines_passes_over_long_lines_in_bounded_pieces(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"kort\n" + b"x" * 3_000_000 + b"\r\nslutt")
    with path.open("rb") as f:
        got = list(read_lines(f, 100))
    assert got == [(b"kort\n", 5), (Skipped(3_000_000, "\r\n"), 3_000_002), (b"slutt", 5)]


def test_paragraph_partitions_are_cut_only_between_segments(tmp_path):
    path = tmp_path / "doc.txt"
    # every wrapped sentence spans two lines (no cut may fall inside it)
    path.write_text("".join(f"Linje {i} fortsetter\npå neste linje.\n" for i in range(30)),
                    encoding="utf-8")
    inp = find_inputs([path], tmp_path / "out")[0]
    parts = plan(inp, Options(partition_records=5))
    assert all(p.first % 2 == 1 for p in parts) and len(parts) == 10
    assert sum(p.count for p in parts) == 60
    by_line = plan(inp, Options(partition_records=5, by_line=True))
    assert [p.count for p in by_line] == [5] * 12
    reader = Reader(Options())
    assert b"".join(reader.lines(parts[1])) == path.read_bytes()[parts[1].start:parts[1].stop]


def test_inputs_mirror_folders_and_globs_and_refuse_clashes(tmp_path):
    (tmp_path / "c" / "sub").mkdir(parents=True)
    for name in ("c/a.txt", "c/sub/b.jsonl", "c/.hidden", "c/d.parquet"):
        (tmp_path / name).write_text("x\n")
    got = find_inputs([tmp_path / "c"], tmp_path / "out")
    assert [(i.name, i.kind) for i in got] == [("a.txt", "text"), ("d.parquet", "parquet"),
                                               ("sub/b.jsonl", "jsonl")]
    got = find_inputs([str(tmp_path / "c" / "**" / "*.jsonl")], tmp_path / "out")
    assert [i.name for i in got] == ["sub/b.jsonl"]
    (tmp_path / "a.txt").write_text("y\n")
    with pytest.raises(BatchError, match="both be written"):
        find_inputs([tmp_path / "c", tmp_path / "a.txt"], tmp_path / "out")
    with pytest.raises(BatchError, match="no such file"):
        find_inputs([tmp_path / "nope"], tmp_path / "out")
    # OUTDIR inside the input folder is not read as input
    assert [i.name for i in find_inputs([tmp_path / "c"], tmp_path / "c" / "sub")] == \
        ["a.txt", "d.parquet"]


def test_store_writes_once_resumes_and_refuses_other_options(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("en\nto\ntre\n")
    inp = find_inputs([src], tmp_path / "out")[0]
    opts = Options(partition_records=2, by_line=True)
    store = Store(tmp_path / "out", opts.fingerprint())
    store.begin(inp)
    parts = plan(inp, opts)
    reader = Reader(opts)
    first = translate_job(Fake(), reader.job(parts[0])[0])
    store.write(parts[0], first)
    assert store.has(parts[0]) and not store.has(parts[1])
    # a new Store on the same OUTDIR (a re-run) sees the finished partition
    again = Store(tmp_path / "out", opts.fingerprint())
    again.begin(inp)
    assert again.has(parts[0])
    again.write(parts[1], translate_job(Fake(), reader.job(parts[1])[0]))
    again.assemble(inp, parts)
    assert (tmp_path / "out" / "a.txt").read_text() == "EN\nTO\nTRE\n"
    assert again.done(inp) and not list((tmp_path / "out").rglob("*.out"))
    with pytest.raises(BatchError, match="other options"):
        Store(tmp_path / "out", Options(partition_records=3).fingerprint())
    src.write_text("endra\n")  # a changed input is translated again
    assert not again.done(inp)
