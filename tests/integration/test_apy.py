"""APy compatibility, checked the way APy's own test suite checks APy.

`omset serve` runs on loopback and gets the requests APy's `tests/test.py` makes
(adapted to the Bokmål–Nynorsk data, the only pair installed). Expected values are
never written down: they come from the Apertium CLI (`apertium`, `lt-proc`) on the same
data, and — when `apertium-apy` is installed (`pip install -e '.[bench]'`) — from a real
APy started on this machine with the same modes, whose answers omset must equal
exactly. APy's analysers and generators are not installed with apertium-nno-nob, so the
APy process gets a modes directory naming the very analysers and generators omset's
engines ask (docs/service.md, "Compatibility").
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .test_service import _free_port, _wait_healthy
from .webserver import stop

DATA = Path("/usr/share/apertium/apertium-nno-nob")
MAX_BODY = 2 * 1024 * 1024

# Sentences written for these tests; many have `vi`, which Apertium's nob-nno mode
# writes `me` and its nob-nno_e mode `vi`.
NB = ["Vi kommer hjem i morgen.",
      "Da vi kom fram, var butikken stengt.",
      "Hun sa at vi måtte vente på bussen.",
      "Vi vet ikke hva som skjedde med bilen.",
      "Kommunen har økt bevilgningene til skolen.",
      "Barna lekte i hagen mens vi spiste middag.",
      "Hvis vi ikke gjør noe nå, blir det for sent.",
      "Det var vi som fant hunden, ikke dere.",
      "Vi ønsker å komme tilbake neste år",
      "Etter valget fikk vi en ny ordfører, og vi er fornøyde.",
      "Han mener at vi burde ha spurt først.",
      "Vi testet undervannsteknologi og flurbbet i går."]
NN = ["Me kjem heim i morgon.", "Ho har ikkje sett dei sidan i fjor.",
      "Dei skal byggja eit nytt hus ved sjøen."]
MODES = {"nob|nno": "nob-nno", "nob|nno_e": "nob-nno_e", "nno|nob": "nno-nob",
         "nno|nno_e": "nno-nno_e", "nno_e|nno": "nno_e-nno"}
#: what omset's engines ask for analysis and generation (omset/server/apy.py), as
#: APy mode files
APY_MODES = {"nno-morph": f"lt-proc -w -e '{DATA}/nno-nob.automorf.bin'",
             "nob-morph": f"lt-proc -w -e '{DATA}/nob-nno.automorf.bin'",
             "nno-gener": f"lt-proc -g '{DATA}/nob-nno.autogen.bin'",
             "nob-gener": f"lt-proc -g '{DATA}/nno-nob.autogen.bin'"}


@pytest.fixture(scope="module")
def memory_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("apy-tm") / "tm.sqlite"


@pytest.fixture(scope="module")
def omset(apertium_installed, memory_file):
    """`omset serve` with a translation memory (empty but for what the memory tests add)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "omset", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--timeout", "120", "--max-body", str(MAX_BODY),
         "--memory", str(memory_file), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        with httpx.Client(base_url=url, timeout=180) as client:
            yield client
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def apy(apertium_installed, tmp_path_factory):
    """A real APy on this machine's modes (skipped when apertium-apy is not installed)."""
    exe = shutil.which("apertium-apy", path=str(Path(sys.executable).parent)) \
        or shutil.which("apertium-apy")
    if exe is None:
        pytest.skip("apertium-apy is not installed (pip install -e '.[bench]')")
    nonpairs = tmp_path_factory.mktemp("apy-modes")
    (nonpairs / "modes").mkdir()
    for name, command in APY_MODES.items():
        (nonpairs / "modes" / f"{name}.mode").write_text(command + "\n", encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen([exe, "-p", str(port), "-j", "1", "-s", str(nonpairs),
                             "/usr/share/apertium"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/listPairs", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("APy did not start")
            time.sleep(0.3)
        with httpx.Client(base_url=url, timeout=180) as client:
            yield client
    finally:
        stop(proc)


# -- the CLI on the same data ----------------------------------------------------------------
def cli_translate(mode: str, text: str, *, marks: bool = True) -> str:
    """`apertium MODE` on ``text`` as a paragraph inside a text (after one holding a full
    stop): how omset reads every segment (docs/engine.md, "the lead")."""
    out = subprocess.run(["apertium"] + ([] if marks else ["-u"]) + [mode],
                         input=f".\n\n{text}\n", capture_output=True, text=True,
                         check=True).stdout
    return out.split("\n\n", 1)[1].strip()


def cli_units(binary: str, flags: list[str], text: str) -> list[tuple[str, str]]:
    """`lt-proc` on one line of plain text: (unit, text after it) pairs."""
    out = subprocess.run(["lt-proc", *flags, str(DATA / binary)], input=text,
                         capture_output=True, text=True, check=True).stdout.rstrip("\n")
    return re.findall(r"\^([^$]*)\$([^^]*)", out)


# -- /translate -------------------------------------------------------------------------------
@pytest.mark.parametrize("pair", ["nob|nno", "nob|nno_e"])
def test_nob_nno_is_apertiums_mode(omset, pair):
    """`nob|nno` is Apertium's a-infinitive mode exactly (`me`), `nob|nno_e` its
    e-infinitive mode (`vi`), with APy's default marks and with `markUnknown=no`."""
    for text in NB:
        expected = cli_translate(MODES[pair], text)
        got = omset.get("/translate", params={"langpair": pair, "q": text}).json()
        assert got == {"responseData": {"translatedText": expected},
                       "responseDetails": None, "responseStatus": 200}, text
        plain = omset.post("/translate", data={"langpair": pair, "q": text,
                                                "markUnknown": "no"}).json()
        # APy's markUnknown=no removes the `*` of unknown words only
        assert plain["responseData"]["translatedText"] == expected.replace("*", ""), text
    words = {pair: " ".join(omset.get("/translate", params={"langpair": pair, "q": t})
                            .json()["responseData"]["translatedText"] for t in NB)}
    assert re.search(r"\b[Mm]e\b" if pair == "nob|nno" else r"\b[Vv]i\b", words[pair])


def test_other_pairs_and_two_letter_codes_are_apertiums_modes(omset):
    for pair in ("nno|nob", "nno|nno_e", "nno_e|nno"):
        for text in NN:
            got = omset.get("/translate", params={"langpair": pair, "q": text,
                                                  "markUnknown": "no"}).json()
            assert got["responseData"]["translatedText"] == \
                cli_translate(MODES[pair], text).replace("*", ""), (pair, text)
    # APy reads nb|nn as nob|nno, and falls back from a variant it does not have
    for alias in ("nb|nn", "nob|nno_x"):
        got = omset.get("/translate", params={"langpair": alias, "q": NB[0]}).json()
        assert got["responseData"]["translatedText"] == cli_translate("nob-nno", NB[0])


def test_translate_requests_of_apys_suite_get_apys_answers(omset, apy):
    """APy's TestTranslateHandler and TestListHandler requests: the same JSON back."""
    requests = [({"q": t, "langpair": p}, "GET") for p in MODES for t in NB[:4] + NN[:1]]
    requests += [({"q": NB[-1], "langpair": "nob|nno_e", "markUnknown": "no"}, "GET"),
                 ({"q": NB[-1], "langpair": "nob|nno", "markUnknown": "False"}, "POST"),
                 ({"q": NB[0], "langpair": "nb|nn"}, "POST"),
                 ({"q": "ignored", "langpair": "typomode"}, "GET"),
                 ({"q": "ignored", "langpair": "non|mod"}, "GET"),
                 ({"q": "ignored", "langpair": "eng|spa"}, "POST")]
    for params, method in requests:
        mine = omset.request(method, "/translate", **_args(params, method))
        theirs = apy.request(method, "/translate", **_args(params, method))
        assert (mine.status_code, mine.json()) == (theirs.status_code, theirs.json()), params
    for q in ("pairs", "analyzers", "analysers", "generators", "taggers"):
        mine, theirs = (c.get("/list", params={"q": q}).json() for c in (omset, apy))
        if q == "pairs":
            mine, theirs = (sorted(map(json.dumps, d["responseData"])) for d in (mine, theirs))
        assert mine == theirs, q
    assert omset.get("/listPairs").json()["responseData"]
    assert omset.get("/pairprefs").json() == apy.get("/pairprefs").json()
    mine, theirs = (c.get("/identifyLang", params={"q": "ikkje"}).json() for c in (omset, apy))
    assert set(mine) == {"nob", "nno"} and mine["nno"] > 0.9 and theirs["nno"] > 0.9


def _args(params: dict, method: str) -> dict:
    return {"params": params} if method == "GET" else {"data": params}


def test_jsonp_callback(omset, apy):
    """APy's test_valid_pair_jsonp, and its errors, which APy wraps too."""
    for params in ({"q": NB[0], "langpair": "nob|nno", "callback": "callback123456"},
                   {"q": "x", "langpair": "typomode", "callback": "ns.cb_1"}):
        mine = omset.get("/translate", params=params)
        theirs = apy.get("/translate", params=params)
        name = params["callback"]
        assert mine.text.startswith(name + "(") and mine.text.endswith(")")
        assert mine.headers["content-type"].startswith("application/javascript")
        assert mine.status_code == theirs.status_code
        assert json.loads(mine.text[len(name) + 1:-1]) == json.loads(theirs.text[len(name) + 1:-1])
    listed = omset.get("/listPairs", params={"callback": "cb"})
    assert json.loads(listed.text[3:-1]) == omset.get("/listPairs").json()
    # a callback that is not a plain JavaScript name is refused, never echoed
    bad = omset.get("/translate", params={"q": "x", "langpair": "nob|nno",
                                         "callback": "alert(1);x"})
    assert bad.status_code == 400 and "alert" not in bad.text.split("explanation")[0]
    assert bad.json()["status"] == "error"


# -- /translateDoc ------------------------------------------------------------------------------
def test_translate_doc(omset, apy_or_none):
    """APy's TestDocTranslateHandler: a text file back translated, and its errors."""
    text = "\n\n".join(NB[:3]) + "\n"
    r = omset.post("/translateDoc", data={"langpair": "nob|nno"},
                   files={"file": ("test.txt", text.encode(), "text/plain")})
    assert r.status_code == 200, r.text
    expected = "\n\n".join(cli_translate("nob-nno", t, marks=False) for t in NB[:3]) + "\n"
    assert r.content.decode() == expected
    assert "attachment" in r.headers["content-disposition"]
    html = "<html><body><p>Vi kommer <b>hjem</b> i morgen.</p></body></html>"
    h = omset.post("/translateDoc", data={"langpair": "nob|nno_e"},
                   files={"file": ("sak", html.encode(), "application/octet-stream")})
    assert h.status_code == 200 and "<b>heim</b>" in h.text and h.text.startswith("<html>")
    cases = [({"langpair": "typomode"}, {"x": ("x.txt", b"", "text/plain")}),
             ({"langpair": "nob|nno"}, {"file": ("test.txt", b"\0", "text/plain")}),
             ({"langpair": "nob|nno"}, {"file": ("blob", bytes(range(256)), "text/plain")})]
    for fields, files in cases:
        mine = omset.post("/translateDoc", data=fields, files=files)
        assert mine.status_code == 400 and mine.json()["status"] == "error", mine.text
        if apy_or_none is not None:
            theirs = apy_or_none.post("/translateDoc", data=fields, files=files).json()
            if "blob" in str(files):  # APy names the type libmagic guesses (image/x-tga…)
                mine_body = mine.json()
                assert mine_body.pop("explanation").startswith("Invalid file type ")
                assert theirs.pop("explanation").startswith("Invalid file type ")
                assert mine_body == theirs
            else:
                assert mine.json() == theirs
    big = omset.post("/translateDoc", data={"langpair": "nob|nno"},
                     files={"file": ("test.txt", b"0" * (MAX_BODY + 1), "text/plain")})
    assert big.status_code == 413
    assert {k: big.json()[k] for k in ("status", "code", "message")} == {
        "status": "error", "code": 413, "message": "Request Entity Too Large"}
    if apy_or_none is not None:
        theirs = apy_or_none.post("/translateDoc", data={"langpair": "nob|nno"},
                                  files={"file": ("test.txt", text.encode(), "text/plain")})
        assert theirs.content == r.content


@pytest.fixture(scope="module")
def apy_or_none(request):
    """The real APy when it can be started, else None (the test then checks the CLI)."""
    try:
        return request.getfixturevalue("apy")
    except pytest.skip.Exception:
        return None


# -- /analyze, /generate, /calcCoverage -------------------------------------------------------
ANALYSE = [("nno", "ikkje"), ("nno", "Eg kjem heim att, sa ho"), ("nob", "Vi kommer hjem"),
           ("nno", "notnno ikkje")]


def test_analyze(omset, apy_or_none):
    """APy's TestAnalyzeHandler: `[[analyses, surface], …]`, as lt-proc analyses."""
    for lang, q in ANALYSE:
        binary = "nno-nob.automorf.bin" if lang == "nno" else "nob-nno.automorf.bin"
        expected = [[u, u.split("/", 1)[0] + after]
                    for u, after in cli_units(binary, ["-w", "-e"], q)]
        got = omset.get("/analyze", params={"q": q, "lang": lang})
        assert got.status_code == 200 and got.json() == expected, q
        assert omset.post("/analyse", data={"q": q, "lang": lang}).json() == expected
        if apy_or_none is not None:
            assert apy_or_none.get("/analyze", params={"q": q, "lang": lang}).json() == expected
    for c in filter(None, (omset, apy_or_none)):
        bad = c.get("/analyze", params={"q": "ignored", "lang": "zzz"})
        assert bad.status_code == 400 and bad.json() == {
            "status": "error", "code": 400, "message": "Bad Request",
            "explanation": "That mode is not installed"}


def test_generate(omset, apy_or_none):
    """APy's TestGenerateHandler: `[[form, unit], …]` for units or one bare unit."""
    queries = [("nno", "^ja<ij>$"), ("nno", "ja<ij>"),
               ("nno", "^hus<n><nt><sg><def>$ ^kome<vblex><pres>$^komme<vblex><inf>$"),
               ("nob", "^hus<n><nt><pl><def>$")]
    for lang, q in queries:
        binary = "nob-nno.autogen.bin" if lang == "nno" else "nno-nob.autogen.bin"
        units = re.findall(r"\^[^$]*\$[^^]*", q) or [f"^{q}$"]
        expected = [[subprocess.run(["lt-proc", "-g", str(DATA / binary)], input=u,
                                    capture_output=True, text=True, check=True).stdout, u]
                    for u in units]
        got = omset.get("/generate", params={"q": q, "lang": lang})
        assert got.status_code == 200 and got.json() == expected, q
        if apy_or_none is not None:
            assert apy_or_none.get("/generate", params={"q": q, "lang": lang}).json() == expected
    bad = omset.get("/generate", params={"q": "ignored", "lang": "zzz"})
    assert bad.json()["explanation"] == "That mode is not installed"
    for q in ("^a[b<n>$", "^<$", "a<n"):   # an open tag used to hang the generator: 504
        unsafe = omset.get("/generate", params={"q": q, "lang": "nno"})
        assert unsafe.status_code == 400 and unsafe.json()["status"] == "error", q


def test_calc_coverage(omset, apy_or_none):
    """APy's TestCoverageHandler: the share of known words (unknown: `*` analyses)."""
    for lang, q in ANALYSE + [("nob", "Vi xqzzy hjem flurbbet")]:
        binary = "nno-nob.automorf.bin" if lang == "nno" else "nob-nno.automorf.bin"
        units = cli_units(binary, ["-w", "-e"], q)
        expected = [sum(not u.split("/", 1)[1].startswith("*") for u, _ in units) / len(units)]
        assert omset.get("/calcCoverage", params={"q": q, "lang": lang}).json() == expected, q
        if apy_or_none is not None:
            assert apy_or_none.get("/calcCoverage",
                                   params={"q": q, "lang": lang}).json() == expected
    for params in ({"q": "", "lang": "nno"}, {"q": "ignored", "lang": "xxx"}):
        mine = omset.get("/calcCoverage", params=params)
        assert mine.status_code == 400
        if apy_or_none is not None:
            assert mine.json() == apy_or_none.get("/calcCoverage", params=params).json()


# -- /pipedebug, /stats -----------------------------------------------------------------------
def test_pipe_debug(omset, apy_or_none):
    """APy's TestPipeDebugHandler: one output per stage, the last the translation."""
    q = "Vi kommer hjem"
    r = omset.get("/pipedebug", params={"q": q, "langpair": "nob|nno"})
    assert r.status_code == 200, r.text
    data = r.json()["responseData"]
    assert len(data["pipeline"]) + 1 == len(data["output"]) and len(data["output"]) > 10
    assert data["output"][0] == q
    assert data["output"][-1] == cli_translate("nob-nno", q)
    # every program of the mode file, in its order (apertium-wblank-mode adds the
    # word-bound blank stages around them)
    mode = Path("/usr/share/apertium/modes/nob-nno.mode").read_text()
    steps = iter(data["pipeline"])
    for command in mode.split("|"):
        program, data_file = command.split()[0], command.split()[-1]
        assert any(program in step and data_file in step for step in steps), command
    if apy_or_none is not None:
        theirs = apy_or_none.get("/pipedebug", params={"q": q, "langpair": "nob|nno"}).json()
        assert theirs["responseData"]["output"][-1].strip() == data["output"][-1]
    for c in filter(None, (omset, apy_or_none)):
        bad = c.get("/pipedebug", params={"q": "ignored", "langpair": "eng-spa"})
        assert bad.status_code == 400 and bad.json()["explanation"] == \
            "That pair is invalid, use e.g. eng|spa"


def test_stats(omset):
    """APy's TestStatsHandler: the same keys; the counts follow the translations made."""
    before = omset.get("/stats").json()["responseData"]
    omset.get("/translate", params={"q": NB[1], "langpair": "nob|nno_e"})
    data = omset.get("/stats").json()["responseData"]
    assert data["uptime"] > 0
    for key in ("useCount", "runningPipes", "holdingPipes", "periodStats"):
        assert key in data
    for key in ("charsPerSec", "totChars", "totTimeSpent", "requests", "ageFirstRequest"):
        assert key in data["periodStats"]
    assert data["useCount"]["nob-nno_e"] == before["useCount"].get("nob-nno_e", 0) + 1
    assert data["periodStats"]["totChars"] >= len(NB[1])
    assert data["runningPipes"] and all(n > 0 for n in data["runningPipes"].values())
    assert omset.get("/translatePage", params={"langpair": "nob|nno",
                                              "url": "http://127.0.0.1/"}).status_code == 404


# -- the memory -------------------------------------------------------------------------------
def test_compatible_routes_serve_exact_memory_matches(omset, memory_file, news):
    """With `--memory`, APy's and LibreTranslate's /translate give a proofread segment
    back byte for byte; a machine entry only under the same engine and profile stamp;
    everything else from the engine. The memory is only read."""
    from omset.memory import Memory
    from omset.memory.entry import Entry
    from omset.memory.version import machine_version

    src = "Vi kommer hjem fra hytta i morgen tidlig."
    new = "Hun sa at vi måtte vente på ferja."
    proofread = "Vi kjem heim frå hytta tidleg i morgon *(korrigert)."
    for style in ("apertium", None):   # APy's plain mode; LibreTranslate: the server's
        r = omset.post("/v1/memory", json={"source_text": src, "target_text": proofread,
                                           "style": style})
        assert r.status_code == 200, r.text
    text = f"{src}\n\n{new}"
    apy_new = omset.get("/translate", params={"langpair": "nob|nno_e", "q": new,
                                              "markUnknown": "no"}).json()
    apy_both = omset.get("/translate", params={"langpair": "nob|nno_e", "q": text,
                                               "markUnknown": "no"}).json()
    assert apy_both["responseData"]["translatedText"] == \
        f"{proofread}\n\n{apy_new['responseData']['translatedText']}"
    lt = omset.post("/translate", json={"q": [src, new], "source": "nb", "target": "nn"}).json()
    assert lt["translatedText"] == [proofread, news.translate(new)]
    # the a-infinitive mode is another style of the same profile name: served as well
    a = omset.get("/translate", params={"langpair": "nob|nno", "q": src}).json()
    assert a["responseData"]["translatedText"] == proofread
    stamp = machine_version(news)
    cached, stale = "Saka vart lagra av maskina i går.", "Gamal maskinomsetjing."
    with Memory.open(str(memory_file)) as mem:
        count = mem.stats()
        mem.add_many([
            Entry("Saken ble lagret i går.", cached, "nb", "nn", "machine",
                  style=news.profile.name, engine_version=stamp.engine,
                  profile_version=stamp.profile),
            Entry("Saken ble endret i går.", stale, "nb", "nn", "machine",
                  style=news.profile.name, engine_version="omset 0.0; old data",
                  profile_version=stamp.profile)])
    got = omset.post("/translate", json={"q": ["Saken ble lagret i går.",
                                               "Saken ble endret i går."],
                                         "source": "nb", "target": "nn"}).json()
    assert got["translatedText"] == [cached, news.translate("Saken ble endret i går.")]
    with Memory.open(str(memory_file)) as mem:
        assert mem.stats()["entries"] == count["entries"] + 2   # nothing stored by the routes
