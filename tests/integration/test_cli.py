"""The omset command, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OMSET = [sys.executable, "-m", "omset"]


def run(args: list[str], data: bytes | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(OMSET + args, input=data, capture_output=True, timeout=120, **kw)


def test_stdin_to_stdout(apertium_installed):
    r = run(["translate"], "Jeg kommer hjem.\n".encode())
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "Eg kjem heim.\n"


def test_lines_keeps_the_number_of_lines(apertium_installed):
    lines = ["Ventetiden har økt kraftig", "", "Pasienter venter", "Jeg kommer.", "   ", "slutt"]
    data = ("\n".join(lines) + "\n").encode()
    r = run(["translate", "--lines", "-s", "nob", "-t", "nno"], data)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode().split("\n")
    assert len(out) == len(lines) + 1
    assert out[1] == "" and out[4] == "   "


def test_files_and_output_file(apertium_installed, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Jeg kommer.\n\nDu kommer.\n", encoding="utf-8")
    out = tmp_path / "ut.txt"
    r = run(["translate", str(a), "-o", str(out)])
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == "Eg kjem.\n\nDu kjem.\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_reverse_direction(apertium_installed):
    r = run(["translate", "-s", "nn", "-t", "nb"], "Eg kjem ikkje.".encode())
    assert r.stdout.decode() == "Jeg kommer ikke."


def test_non_utf8_is_refused_with_offset_and_nothing_written(apertium_installed, tmp_path):
    out = tmp_path / "ut.txt"
    r = run(["translate", "-o", str(out)], "Jeg kommer på tirsdag.\n".encode() + b"\xe6\xf8\xe5\n")
    assert r.returncode == 2
    assert b"offset 24" in r.stderr
    assert not out.exists()


def test_nul_and_control_characters_are_removed_and_reported(apertium_installed):
    r = run(["translate"], "Jeg\x00 kommer\x07.\n".encode())
    assert r.returncode == 0
    assert r.stdout.decode() == "Eg kjem.\n"
    assert b"removed 2" in r.stderr


def test_empty_input_gives_empty_output(apertium_installed):
    r = run(["translate"], b"")
    assert r.returncode == 0 and r.stdout == b""


def test_no_marks_by_default_and_marks_on_request(apertium_installed):
    text = "Zqxwvbn er et ukjent ord.".encode()
    assert not any(c in run(["translate"], text).stdout.decode() for c in "*#@")
    assert "*Zqxwvbn" in run(["translate", "--mark-unknown"], text).stdout.decode()


def test_variant_pref_and_bad_options(apertium_installed):
    assert "komma" in run(["translate", "--variant", "a"], "Vi vil komme.".encode()).stdout.decode()
    assert run(["translate", "--pref", "også_òg"], "Vi kommer også.".encode()).stdout.decode() == "Vi kjem òg."
    bad = run(["translate", "-t", "sv"], b"Hei.")
    assert bad.returncode == 2 and b"unsupported language" in bad.stderr
    assert run(["translate", "--pref", "tull"], b"Hei.").returncode == 2


def test_missing_apertium_gives_one_clear_sentence(tmp_path):
    env = {**os.environ, "OMSET_APERTIUM_DIR": str(tmp_path)}
    r = run(["translate"], b"Hei.", env=env)
    assert r.returncode == 1
    assert b"apt-get install apertium-nno-nob" in r.stderr


def test_prefs_lists_preferences(apertium_installed):
    r = run(["prefs"])
    assert r.returncode == 0 and "også_òg" in r.stdout.decode()


def test_input_is_streamed_not_read_whole(nb_nn):
    # An endless input: the first answers arrive while the input is still being read.
    def endless():
        i = 0
        while True:
            i += 1
            yield f"Jeg kommer {i}.\n"

    out = nb_nn.translate_lines(endless(), by_line=True, window=64)
    got = [next(out) for _ in range(400)]
    assert got[0] == "Eg kjem 1." and got[398] == "Eg kjem 200."


def test_output_file_follows_the_umask(tmp_path):
    import os
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text("Jeg kommer.\n", encoding="utf-8")
    (tmp_path / "a.html").write_text("<p>Jeg kommer.</p>\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        for name in ("a.txt", "a.html"):
            src, out = tmp_path / name, tmp_path / ("out-" + name)
            extra: list[str] = []
            subprocess.run([sys.executable, "-m", "omset", "translate", str(src), "-o", str(out),
                            *extra, "--workers", "1"], check=True, capture_output=True)
            assert out.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)
