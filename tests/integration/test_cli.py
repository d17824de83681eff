"""The omset command, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys

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

def test_nynorsk_normalisation_takes_bad_input_like_translation(apertium_installed):
    # nn→nn shares the CLI's input handling: normalised text, NULs removed and said,
    # non-UTF-8 refused with its offset, empty in → empty out; nb→nb is refused clearly.
    nn = ["translate", "-s", "nn", "-t", "nn", "--variant", "e"]
    r = run(nn, "Me skal\x00 komma heim.\n".encode())
    assert r.returncode == 0 and r.stdout.decode() == "Vi skal komme heim.\n"
    assert b"removed 1" in r.stderr
    r = run(nn, "Me skal komma.\n".encode() + b"\xff")
    assert r.returncode == 2 and b"offset 15" in r.stderr and r.stdout == b""
    assert run(nn, b"").stdout == b""
    r = run(["translate", "-s", "nb", "-t", "nb"], b"Jeg kommer.")
    assert r.returncode == 2 and b"only Nynorsk can be normalised" in r.stderr


def test_no_marks_by_default_and_marks_on_request(apertium_installed):
    text = "Zqxwvbn er et ukjent ord.".encode()
    assert not any(c in run(["translate"], text).stdout.decode() for c in "*#@")
    assert "*Zqxwvbn" in run(["translate", "--mark-unknown"], text).stdout.decode()

def test_variant_pref_and_bad_options(apertium_installed):
    assert "komma" in run(["translate", "--variant", "a"], "Vi vil komme.".encode()).stdout.decode()
    assert (run(["translate", "--pref", "også_òg"], "Vi kommer også.".encode()).stdout.decode()
            == "Vi kjem òg.")
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

def apertium(text: str, mode: str = "nob-nno_e", setvar: str = "") -> str:
    """The plain Apertium CLI, for comparison (``setvar``: AP_SETVAR preferences)."""
    env = {**os.environ, "AP_SETVAR": setvar} if setvar else None
    # a final newline: without one the CLI drops the full stop after a final number
    return subprocess.run(["apertium", "-u", mode], input=text + "\n", capture_output=True,
                          text=True, check=True, env=env).stdout.strip()

# Words the generator cannot inflect: Apertium's CLI prints them with a `#` mark.
HASH_MARKED = "Kystverket skal bruke en undervannsrobot mot smitteøkning."

def test_generator_marks_only_on_request(apertium_installed):
    assert "#" in apertium(HASH_MARKED)  # the CLI leaves the mark in (so the test can fail)
    plain = run(["translate", "--style", "apertium"], HASH_MARKED.encode()).stdout.decode()
    assert not any(c in plain for c in "*#@")
    assert plain.strip() == apertium(HASH_MARKED).replace("#", "")
    marked = run(["translate", "--style", "apertium", "--mark-unknown"], HASH_MARKED.encode())
    assert marked.stdout.decode().count("#") == apertium(HASH_MARKED).count("#")

@pytest.mark.parametrize("variant,mode,setvar", [
    ("e", "nob-nno_e", ""),
    ("a", "nob-nno", ""),                 # `me`, as the mode writes (e: `vi`)
    ("split", "nob-nno", "kløyvd_inf"),
])
def test_variant_equals_the_apertium_mode(apertium_installed, variant, mode, setvar):
    text = "Vi skal komme hjem og vaske bilen, men de vil bare sove og spise."
    r = run(["translate", "--style", "apertium", "--variant", variant], text.encode())
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == apertium(text, mode, setvar)

def test_output_file_is_not_left_behind_when_translation_fails(apertium_installed, tmp_path,
                                                               monkeypatch):
    # In-process, with the translator failing half-way: nothing at OUT, no temporary file.
    from typer.testing import CliRunner

    from omset import cli
    from omset.errors import EngineError
    from omset.translator import Translator

    def failing(self, lines, **kw):
        yield "Eg kjem.\n"
        raise EngineError("a pipeline died twice")

    monkeypatch.setattr(Translator, "translate_lines", failing)
    src = tmp_path / "inn.txt"
    src.write_text("Jeg kommer.\nDu kommer.\n", encoding="utf-8")
    out = tmp_path / "ut.txt"
    r = CliRunner().invoke(cli.app, ["translate", str(src), "-o", str(out)])
    assert r.exit_code == 1
    assert "a pipeline died twice" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inn.txt"]

def test_terminated_run_leaves_no_partial_output(apertium_installed, tmp_path):
    import signal
    import time

    src = tmp_path / "inn.txt"
    src.write_text("Jeg kommer hjem i morgen, sa hun.\n" * 3000, encoding="utf-8")
    out = tmp_path / "ut.txt"
    proc = subprocess.Popen(OMSET + ["translate", str(src), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".ut.txt")]:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inn.txt"]

def test_no_progress_bar_for_small_input_on_a_terminal(apertium_installed):
    import pty

    leader, follower = pty.openpty()
    try:
        r = subprocess.run(OMSET + ["translate"], input=b"Jeg kommer.\n", stdout=subprocess.PIPE,
                           stderr=follower, timeout=120)
        os.close(follower)
        follower = -1
        os.set_blocking(leader, False)
        try:
            said = os.read(leader, 65536)
        except (BlockingIOError, OSError):
            said = b""
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert r.returncode == 0 and r.stdout == b"Eg kjem.\n"
    assert said == b""

@pytest.mark.parametrize("terminal", [True, False])
def test_progress_bar_only_over_the_threshold_on_a_terminal(apertium_installed, tmp_path,
                                                            monkeypatch, terminal):
    # In-process with a lowered threshold (the real one is ~20k words, too slow for CI).
    from rich.console import Console
    from typer.testing import CliRunner

    from omset import cli

    monkeypatch.setattr(cli, "PROGRESS_BYTES", 20)
    monkeypatch.setattr(cli._Stderr, "_console", Console(stderr=True, force_terminal=terminal, width=100))
    src = tmp_path / "inn.txt"
    src.write_text("Jeg kommer hjem.\nDu kommer også hjem.\n", encoding="utf-8")
    r = CliRunner().invoke(cli.app, ["translate", str(src)])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Eg kjem heim.\n")
    assert ("omset" in r.stderr and "━" in r.stderr) == terminal

def _peak_rss_kib(proc: subprocess.Popen) -> int:
    """VmHWM (peak resident set) of a running process, polled until it ends."""
    import time

    peak = 0
    while proc.poll() is None:
        time.sleep(0.01)
        try:
            for line in open(f"/proc/{proc.pid}/status"):
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            break
    return peak

def test_large_stdin_streams_in_bounded_memory(apertium_installed):
    # 50 MB through stdin: every 25th line is a real sentence, the others are long
    # whitespace lines that the segmenter passes by (real Apertium at ~2k words/s cannot
    # do 50 MB of words in a CI test; the window test in test_engine.py covers the
    # translated path with a stand-in pipeline).
    import threading

    filler = (" " * 999 + "\n") * 24
    data = "".join(f"Jeg kommer {i}.\n{filler}" for i in range(2100)).encode()
    assert len(data) > 50_000_000
    head, tail = apertium("Jeg kommer 98765.").split("98765")
    expected = "".join(f"{head}{i}{tail}\n{filler}" for i in range(2100))
    proc = subprocess.Popen(OMSET + ["translate", "--style", "apertium", "--workers", "1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()))
    feeder = threading.Thread(target=lambda: (proc.stdin.write(data), proc.stdin.close()))
    reader.start()
    feeder.start()
    peak = _peak_rss_kib(proc)
    feeder.join(60)
    reader.join(60)
    assert proc.wait() == 0, proc.stderr.read()
    assert out[0].decode() == expected
    assert peak < 150_000, f"peak RSS {peak} KiB for {len(data) >> 20} MiB of input"


def test_serve_refuses_a_default_style_of_the_wrong_language():
    # the default style is for nb→nn requests: a Bokmål profile there is a mistake
    from omset.style import builtin_names, load
    bokmal = [n for n in builtin_names() if load(n).language == "nb"]
    assert bokmal
    r = run(["serve", "--style", bokmal[0], "--port", "1"])
    assert r.returncode == 2
    assert b"Nynorsk style" in r.stderr
