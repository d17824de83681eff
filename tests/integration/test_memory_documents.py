"""Documents against the translation memory (``omset translate FILE.docx --memory``):
real DOCX, HTML and PO files made here, the real engine and a real SQLite memory."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from omset.formats import translate_document
from omset.memory import Memory
from omset.memory.documents import MARKUP_NOTE, MemoryTranslator
from omset.memory.workflow import store_approved

OMSET = [sys.executable, "-m", "omset"]

V1 = ["Regjeringen bevilger 300 millioner kroner til nye veier i 2025.",
      "Ordføreren i Tromsø sier at hun er fornøyd med avtalen.",
      "Statsministeren besøkte Bergen på mandag."]
# the proofreader's wording differs from the engine's on purpose
PROOFREAD = ["Regjeringa løyver 300 millionar kroner til nye vegar i 2025.",
             "Ordføraren i Tromsø seier at ho er nøgd med avtalen.",
             "Statsministeren vitja Bergen måndag."]
NEW = "Det ble også klart at arbeidet starter i høst."
BOLD = ("Pasientene ", "må", " vente lenger på behandling.")


def run(args):
    return subprocess.run(OMSET + args, check=False, capture_output=True, timeout=300)


def docx_bytes(paragraphs: list[str], bold: bool = False) -> bytes:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    if bold:
        p = d.add_paragraph()
        p.add_run(BOLD[0])
        p.add_run(BOLD[1]).bold = True
        p.add_run(BOLD[2])
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_texts(data: bytes) -> list[str]:
    import docx

    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def v2() -> list[str]:
    return [V1[0].replace("300", "450"), V1[1], V1[2], NEW]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "tm.sqlite"
    with Memory.open(str(path)) as mem:
        store_approved(mem, "\n\n".join(V1), "\n\n".join(PROOFREAD), source_lang="nb",
                       target_lang="nn", document="story", version="1")
    return path


def test_docx_update_keeps_the_proofreaders_work(apertium_installed, db, tmp_path):
    src = tmp_path / "v2.docx"
    src.write_bytes(docx_bytes(v2(), bold=True))
    plain = run(["translate", str(src), "-o", str(tmp_path / "plain.docx")])
    assert plain.returncode == 0, plain.stderr
    r = run(["translate", str(src), "-o", str(tmp_path / "out.docx"), "--memory", str(db),
             "--doc", "story", "--version", "2", "--explain"])
    assert r.returncode == 0, r.stderr
    out = docx_texts((tmp_path / "out.docx").read_bytes())
    without = docx_texts((tmp_path / "plain.docx").read_bytes())
    assert out[0] == PROOFREAD[0].replace("300", "450")      # repaired fuzzy match
    assert out[1:3] == PROOFREAD[1:3]                        # byte for byte
    assert out[3:] == without[3:]                            # new text and the bold paragraph
    assert without[1] != PROOFREAD[1]                        # (the memory made the difference)
    err = r.stderr.decode()
    assert "'300' → '450'" in err and err.count("in-context match (101 %)") == 2
    assert MARKUP_NOTE in err and "Traceback" not in err
    # the new paragraph was stored as machine output; the bold one was not
    with Memory.open(str(db)) as mem:
        machine = [e.source for e in mem.entries(origins=("machine",))]
    assert machine == [NEW]


def test_html_and_memory_share_entries_with_text(news, db):
    html = ("<html lang='nb'><body>" + "".join(f"<p>{t}</p>\n" for t in v2())
            + "<p>Han <b>kommer</b> hjem.</p></body></html>").encode()
    with Memory.open(str(db)) as mem:
        wrapped = MemoryTranslator(news, mem, document="story")
        out = translate_document(html, "html", wrapped).decode()  # type: ignore[arg-type]
        kinds = [r.origin for r in wrapped.results]
        assert kinds == ["fuzzy", "in-context", "in-context", "machine", "machine"]
        assert f"<p>{PROOFREAD[1]}</p>" in out and f"<p>{PROOFREAD[2]}</p>" in out
        assert PROOFREAD[0].replace("300", "450") in out
        assert "<b>" in out
        # a second run serves the stored machine output of the same engine
        again = MemoryTranslator(news, mem, document="story")
        assert translate_document(html, "html", again).decode() == out  # type: ignore[arg-type]
        assert "stored" in again.results[3].note


def po(msgstrs: list[str]) -> str:
    head = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Language: nb\\n"\n\n')
    return head + "".join(f'msgid "m{i}"\nmsgstr "{m}"\n\n' for i, m in enumerate(msgstrs))


def test_po_uses_and_fills_the_memory(apertium_installed, db, tmp_path):
    import polib

    src = tmp_path / "v2.nb.po"
    src.write_text(po([*v2(), "Fila %s finnes ikke."]), encoding="utf-8")
    r = run(["translate", str(src), "-o", str(tmp_path / "nn.po"), "--memory", str(db),
             "--explain"])
    assert r.returncode == 0, r.stderr
    out = {e.msgid: e.msgstr for e in polib.pofile(str(tmp_path / "nn.po"))}
    assert out["m1"] == PROOFREAD[1] and out["m2"] == PROOFREAD[2]
    assert out["m0"] == PROOFREAD[0].replace("300", "450")
    assert "%s" in out["m4"] and "fuzzy match" in r.stderr.decode()
    with Memory.open(str(db)) as mem:
        assert [e.source for e in mem.entries(origins=("machine",))] == [NEW]


def test_bad_document_with_memory_is_exit_2_and_memory_untouched(apertium_installed, db,
                                                                  tmp_path):
    before = db.read_bytes()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip at all")
    r = run(["translate", str(bad), "--memory", str(db)])
    assert r.returncode == 2 and b"Traceback" not in r.stderr
    assert db.read_bytes() == before


def test_html_with_markup_inside_uses_approved_translations(news, db):
    """A link around a name, bold around a number, bold around the whole paragraph: the
    approved translation with the markup put back; bold around a word the proofreader
    rendered differently: the engine, and the result says why."""
    paras = ["Ordføreren i <a href='https://tromso.kommune.no/'>Tromsø</a> sier at hun er "
             "fornøyd med avtalen.",
             "Regjeringen bevilger <b>300</b> millioner kroner til nye veier i 2025.",
             f"<i>{V1[2]}</i>",
             "Statsministeren <b>besøkte</b> Bergen på mandag."]
    html = ("<html lang='nb'><body>" + "".join(f"<p>{p}</p>\n" for p in paras)
            + "</body></html>").encode()
    with Memory.open(str(db)) as mem:
        wrapped = MemoryTranslator(news, mem, document="story")
        out = translate_document(html, "html", wrapped).decode()  # type: ignore[arg-type]
        entries = mem.stats()["entries"]
    assert ("<p>Ordføraren i <a href=\"https://tromso.kommune.no/\">Tromsø</a> seier at ho "
            "er nøgd med avtalen.</p>") in out
    assert "<p>Regjeringa løyver <b>300</b> millionar kroner til nye vegar i 2025.</p>" in out
    assert f"<p><i>{PROOFREAD[2]}</i></p>" in out
    plain = translate_document(html, "html", news).decode()  # type: ignore[arg-type]
    last = [line for line in plain.splitlines() if "<b>" in line and "Bergen" in line]
    assert last and last[0] in out and "vitja" not in last[0]     # the engine's, as without
    kinds = [(r.origin, r.note) for r in wrapped.results]
    assert [k for k, _ in kinds] == ["in-context", "in-context", "in-context", "machine"]
    assert "'Tromsø'" in kinds[0][1] and "'300'" in kinds[1][1] and "ends" in kinds[2][1]
    assert "not used, its markup has no safe place" in kinds[3][1]
    assert "'besøkte'" in kinds[3][1] and "neither side stands exactly once" in kinds[3][1]
    assert entries == 3          # nothing stored for segments with markup


def test_docx_bold_number_in_an_approved_paragraph(apertium_installed, db, tmp_path):
    import docx

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Regjeringen bevilger ")
    p.add_run("300").bold = True
    p.add_run(" millioner kroner til nye veier i 2025.")
    buf = io.BytesIO()
    d.save(buf)
    (tmp_path / "in.docx").write_bytes(buf.getvalue())
    r = run(["translate", str(tmp_path / "in.docx"), "-o", str(tmp_path / "out.docx"),
             "--memory", str(db), "--doc", "story", "--explain"])
    assert r.returncode == 0, r.stderr
    para = docx.Document(str(tmp_path / "out.docx")).paragraphs[0]
    assert para.text == PROOFREAD[0]
    assert [run.text for run in para.runs if run.bold] == ["300"]
    assert "inline markup put back around '300'" in r.stderr.decode()
