"""tagger_guard.py with a stand-in tagger: which process answers which request."""

import subprocess
import sys
from pathlib import Path

import omset.engine.tagger_guard as guard

# Answers each NUL-terminated request with "<pid>:<request>\0"; a request containing NEW
# makes it report a new ambiguity class on stderr first, as apertium-tagger -d does. It
# must be given -d (the guard adds it). At end of input it answers what came after the
# last NUL, and adds a NUL even if that was nothing, as apertium-tagger does.
FAKE_TAGGER = r"""
import os, sys
assert sys.argv[1] == "-d", sys.argv
buf = b""
while data := os.read(0, 65536):
    buf += data
    while b"\0" in buf:
        chunk, buf = buf.split(b"\0", 1)
        if b"NEW" in chunk:
            os.write(2, b"Error: A new ambiguity class was found. \n")
        os.write(1, b"%d:%s\0" % (os.getpid(), chunk))
os.write(1, b"%d:%s\0" % (os.getpid(), buf) if buf else b"\0")
"""


def run_guard(tmp_path: Path, data: bytes) -> tuple[list[tuple[str, str]], int]:
    """The answers as (pid, text), and how many NULs came out."""
    fake = tmp_path / "fake-tagger"
    fake.write_text(f"#!{sys.executable}\n{FAKE_TAGGER}")
    fake.chmod(0o755)
    out = subprocess.run([sys.executable, "-I", guard.__file__, str(fake)],
                         input=data, capture_output=True, check=True, timeout=30).stdout
    return [tuple(a.decode().split(":", 1)) for a in out.split(b"\0") if a], out.count(b"\0")


def test_a_fresh_tagger_takes_over_after_a_request_that_changed_the_model(tmp_path):
    # The retired taggers' end-of-input NULs are dropped: one answer per request.
    answers, nuls = run_guard(tmp_path, b"a\0b NEW\0c\0d\0e NEW\0f\0")
    assert nuls == 6 + 1  # + the end-of-input NUL of the last tagger
    assert [text for _, text in answers] == ["a", "b NEW", "c", "d", "e NEW", "f"]
    pids = [pid for pid, _ in answers]
    assert pids[0] == pids[1] != pids[2] == pids[3] == pids[4] != pids[5]


def test_input_after_the_last_nul_is_answered_at_end_of_input(tmp_path):
    answers, _ = run_guard(tmp_path, b"a\0tail")
    assert [text for _, text in answers] == ["a", "tail"]
