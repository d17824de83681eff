"""``deterministic``: a segment's answer does not depend on what the pipeline read
before. Without it, Apertium's ``cg-proc`` (vislcg3 1.3.9) answers some segments by
the set-match cache earlier requests left behind (docs/engine.md, "cg-proc keeps
state"); the isolating lead (:data:`omset.engine.stream.ISOLATING_LEAD`) makes it clear
that cache before every segment."""

from __future__ import annotations

import random
import subprocess

import pytest

from omset import Translator
from omset.engine import Engine, stream
from omset.engine.modes import stages
from omset.engine.transport import stand_ins

from ..conftest import SHARED

DEV = SHARED / "norbench_npk_maalfrid.dev.nb-nn.tsv"


def test_a_deterministic_translator_sends_the_isolating_lead(apertium_installed, tmp_path):
    # nn→nn runs one pipeline; a stand-in that records what it reads and echoes it
    # shows what reaches Apertium, and that the long lead is read back as nothing
    record = tmp_path / "requests"
    for deterministic in (False, True):
        record.write_bytes(b"")
        # each request is written down before it is echoed, so it is there to read
        echo = (f"while IFS= read -r -d '' r; do printf '%s\\0' \"$r\" >> {record}; "
                "printf '%s\\0' \"$r\"; done")
        with Engine("nn", "nn", variant="e", transport=stand_ins({"heavy": echo})) as engine, \
                Translator("nn", "nn", engine=engine, deterministic=deterministic) as tr:
            assert tr.translate("Vi kjem heim. Det var fint.") == "Vi kjem heim. Det var fint."
        sent = [r for r in record.read_bytes().decode().split("\0") if "heim" in r]
        lead = stream.ISOLATING_LEAD if deterministic else stream.LEAD
        assert len(sent) == 1, record.read_bytes()
        assert sent[0].startswith(lead) and not sent[0].startswith(lead + ".[]")


def _stage_chunks(mode: str, texts: list[str], isolate: bool) -> tuple[str, list[bytes]]:
    """The input of ``mode``'s main ``cg-proc`` stage for each text: (its command, the
    NUL-terminated chunks), computed by the real stages before it."""
    st = stages(mode)
    at = next(i for i, s in enumerate(st) if s.program == "cg-proc" and ".seg." not in s.command)
    before = " | ".join(s.command for s in st[:at])
    data = b"".join(stream.encode(t, isolate=isolate).encode() + b"\0" for t in texts)
    out = subprocess.run(["bash", "-c", before], input=data, capture_output=True, check=True,
                         timeout=120).stdout.split(b"\0")
    return st[at].command, [c + b"\0" for c in out[:len(texts)]]


@pytest.mark.skipif(not DEV.is_file(), reason="needs ../shared (the dev split, read in place)")
def test_no_history_changes_an_isolated_answer(apertium_installed):
    # The soak's wrongly answered paragraph (dev lines 1854-1857, Nynorsk side) after
    # histories that hold a text with `motsett` (the readings that change it) among
    # others: through one warm cg-proc, against a fresh cg-proc on the paragraph alone.
    rows = [line.rstrip("\n").split("\t") for line in DEV.open(encoding="utf-8")]
    victim = " ".join(r[1] for r in rows[1853:1857])
    assert victim.startswith("Frå neste år")
    triggers = [r[1] for r in rows if len(r) > 1 and " motsett " in f" {r[1]} "][:5]
    others = [r[1] for r in random.Random(3).sample(rows, 60) if len(r) > 1]
    rng = random.Random(5)
    histories = []
    for _ in range(24):
        h = rng.sample(others, rng.randint(0, 12))
        h.insert(rng.randint(0, len(h)), rng.choice(triggers))
        histories.append(h)
    changed = {}
    for isolate in (False, True):
        texts = list(dict.fromkeys([victim, *triggers, *others]))
        command, chunks = _stage_chunks("nno-nob", texts, isolate)
        chunk = dict(zip(texts, chunks))

        def answer(history: list[str], chunk: dict[str, bytes] = chunk,
                   command: str = command) -> bytes:
            data = b"".join(chunk[t] for t in history) + chunk[victim]
            out = subprocess.run(["bash", "-c", command], input=data, capture_output=True,
                                 check=True, timeout=120).stdout
            return out.split(b"\0")[len(history)]

        alone = answer([])
        changed[isolate] = sum(answer(h) != alone for h in histories)
    if changed[False] == 0:
        pytest.skip("this vislcg3 answers the paragraph alike after every history tried")
    assert changed[True] == 0, changed
