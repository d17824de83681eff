"""The service's translation memory (issue 11): a story translated, proofread and stored,
then its next version — proofread paragraphs come back exactly, a corrected number is
repaired into the proofread text, new text comes from the engine. Real pipelines, a
real SQLite memory, the app in-process."""

from __future__ import annotations

import pytest

V1 = ["Statsministeren kom til Bergen tirsdag.",
      "Over 12 personer ble skadet i ulykken, opplyser politiet."]
V2 = [V1[0], V1[1].replace("12", "14"), "Flere vitner har meldt seg i dag."]


def _proofread(machine: str) -> str:
    """What a desk does to a machine sentence: here, one edit it makes every time."""
    return machine.replace(".", " (retta).", 1) if "." in machine else machine + " (retta)"


@pytest.fixture()
def client(apertium_installed, tmp_path):
    from fastapi.testclient import TestClient

    from omset.server import Settings, create_app

    app = create_app(Settings(workers=1, warm=(), memory=str(tmp_path / "tm.sqlite")))
    with TestClient(app) as c:
        yield c


def test_a_story_update_keeps_every_proofread_sentence(client, news):
    first = client.post("/v1/translate", json={"text": "\n\n".join(V1), "memory": True,
                                               "document_id": "sak-1", "version": "1"})
    assert first.status_code == 200, first.text
    done = first.json()["translations"][0]
    assert [s["origin"] for s in done["memory"]] == ["machine", "machine"]
    assert done["text"] == news.translate("\n\n".join(V1))
    machine = done["text"].split("\n\n")
    proofread = [_proofread(m) for m in machine]
    r = client.post("/v1/memory", json={"source_text": "\n\n".join(V1),
                                        "target_text": "\n\n".join(proofread),
                                        "document_id": "sak-1", "version": "1", "author": "desk"})
    assert r.status_code == 200 and r.json() == {"stored": 2}

    second = client.post("/v1/translate", json={"text": "\n\n".join(V2), "memory": True,
                                                "document_id": "sak-1", "version": "2"})
    assert second.status_code == 200, second.text
    got = second.json()["translations"][0]
    segs = got["memory"]
    assert segs[0]["origin"] in ("in-context", "exact") and segs[0]["text"] == proofread[0]
    assert segs[1]["origin"] == "fuzzy" and segs[1]["text"] == proofread[1].replace("12", "14")
    assert segs[2]["origin"] == "machine" and segs[2]["text"] == news.translate(V2[2])
    assert got["text"] == "\n\n".join(s["text"] for s in segs)

    tmx = client.get("/v1/memory/export", params={"format": "tmx"})
    assert tmx.status_code == 200 and "application/x-tmx+xml" in tmx.headers["content-type"]
    assert all(p.replace("(", "").split()[0] in tmx.text for p in proofread)
    assert "Flere vitner" not in tmx.text       # machine output is not exported as approved


def test_memory_requests_are_checked(client, tmp_path):
    r = client.post("/v1/memory", json={"source_text": "En.\n\nTo.", "target_text": "Ein."})
    assert r.status_code == 400 and "segments" in r.json()["error"]
    r = client.post("/v1/translate", json={"text": "<p>Hei.</p>", "memory": True, "format": "html"})
    assert r.status_code == 400
    r = client.get("/v1/memory/export", params={"source": "nb", "target": "xx"})
    assert r.status_code == 400


def test_without_a_configured_memory_the_request_is_refused(apertium_installed):
    from fastapi.testclient import TestClient

    from omset.server import Settings, create_app

    with TestClient(create_app(Settings(workers=1, warm=()))) as c:
        r = c.post("/v1/translate", json={"text": "Hei.", "memory": True})
        assert r.status_code == 400 and "--memory" in r.json()["error"]
        assert c.post("/v1/memory", json={"source_text": "a", "target_text": "b"}).status_code == 400


def test_the_library_recalls_through_the_translator(news, tmp_path):
    from omset import Translator
    from omset.memory import Memory
    from omset.memory.workflow import store_approved

    with Memory.open(str(tmp_path / "lib.sqlite")) as mem, \
            Translator("nb", "nn", engine=news.engine, memory=mem) as tr:
        machine = tr.recall(V1[1], document="d")
        assert machine.segments[0].origin == "machine"
        store_approved(mem, V1[1], _proofread(machine.text), source_lang="nb", target_lang="nn",
                       style="nynorsk-news", document="d")
        again = tr.recall(V1[1], document="d")
        assert again.text == _proofread(machine.text)
        assert again.segments[0].origin in ("in-context", "exact")
        assert tr.translate(V1[1]) == machine.text   # translate() itself never reads memory
