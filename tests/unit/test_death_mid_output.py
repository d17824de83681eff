"""A stage that dies while a request's answer is half written: the caller gets the whole
answer from a fresh process, never the part the dead one wrote, nor that part joined to
the retry's answer (issue 16: one wrong answer in a 30-minute soak with kills was
suspected to be this; see docs/engine.md, "A stage killed in flight").

The stand-in stage is a ``cat`` that, in the first process only, writes part of what it
read and then dies at a chosen point: in the middle of the payload, right after the
payload's NUL (before the nonce), or in the middle of the nonce. Later processes (a flag
file marks the first one's death) echo as ``cat`` does, so the right answer is the
request as sent."""

from __future__ import annotations

import sys
import threading

import pytest

from omset.engine import Pool

# Reads one request (payload NUL nonce NUL); the first process writes what ``cut`` says
# and exits with an error, as a killed stage's output simply stops.
_STAGE = r"""
import os, sys
flag, cut = sys.argv[1], sys.argv[2]
data = b""
while data.count(b"\0") < 2:
    chunk = os.read(0, 1 << 16)
    if not chunk:
        sys.exit(0)
    data += chunk
payload, nonce, rest = data.split(b"\0", 2)
if not os.path.exists(flag):
    open(flag, "w").close()
    part = {"payload": payload[:len(payload) // 2],
            "after-nul": payload + b"\0",
            "nonce": payload + b"\0" + nonce[:len(nonce) // 2]}[cut]
    os.write(1, part)
    os._exit(1)
os.write(1, data)
while chunk := os.read(0, 1 << 16):
    os.write(1, chunk)
"""


@pytest.fixture
def dying_pool(tmp_path):
    """``dying_pool(cut)``: a one-pipeline pool of the stand-in stage, whose first
    process dies at ``cut`` (and leaves ``tmp_path / "died"`` behind); closed after."""
    script = tmp_path / "stage.py"
    script.write_text(_STAGE)
    pools: list[Pool] = []

    def make(cut: str) -> Pool:
        pools.append(Pool(f"{sys.executable} {script} {tmp_path / 'died'} {cut}",
                          size=1, timeout=30))
        return pools[-1]

    yield make
    for pool in pools:
        pool.close()


@pytest.mark.parametrize("cut", ["payload", "after-nul", "nonce"])
def test_output_of_a_stage_that_died_mid_answer_is_never_returned(tmp_path, dying_pool, cut):
    pool = dying_pool(cut)
    payload = "^Frå/frå<pr>$ ^neste/neste<adj>$ " * 40
    assert pool.run(payload) == payload
    assert (tmp_path / "died").exists()   # the first process did die mid-answer
    assert pool.restarts == 1             # and the answer came from a fresh one


def test_every_request_in_flight_when_a_stage_dies_gets_its_own_whole_answer(dying_pool):
    # several requests in flight; the first dies half-way through the first answer:
    # each request comes back whole and as its own (none shifted onto its neighbour's)
    pool = dying_pool("payload")
    payloads = [f"^ord{i}/ord{i}<n>$ " * (i + 1) for i in range(12)]
    futures = [pool.submit(p) for p in payloads]
    assert [f.result(timeout=30) for f in futures] == payloads


def test_a_retry_never_lands_on_the_process_that_died(dying_pool):
    # the death is seen (end of output) before any retry is sent, so the retry starts a
    # new process rather than queueing behind the dead one's unread output
    pool = dying_pool("after-nul")
    seen: list[int] = []
    lock = threading.Lock()

    def ask(i: int) -> None:
        answer = pool.run(f"^a{i}/a{i}<n>$")
        with lock:
            seen.append(answer == f"^a{i}/a{i}<n>$")

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert seen == [True] * 6
    assert pool.restarts == 1
