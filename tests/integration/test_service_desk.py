"""The desk routes (omset/server/desk.py): a story's paragraphs against the memory with
word details, confirmed paragraphs stored with their place in the story, the story
reopened by id, shared settings. Real pipelines, a real SQLite memory, the app
in-process; expected texts come from the library."""

from __future__ import annotations

import pytest

V1 = ["Statsministeren kom til Bergen tirsdag.",
      "Over 12 personer ble skadet i ulykken, opplyser politiet.",
      "Politiet etterforsker saken."]
V2 = [V1[0], V1[1].replace("12", "14"), V1[2], "Flere vitner har meldt seg i dag."]


@pytest.fixture()
def client(apertium_installed, tmp_path):
    from fastapi.testclient import TestClient

    from omset.server import Settings, create_app

    app = create_app(Settings(workers=1, warm=(), memory=str(tmp_path / "tm.sqlite")))
    with TestClient(app) as c:
        yield c


def _edit(text: str) -> str:
    return text.replace(".", " (retta).", 1)


def test_desk_story_flow(client, news, tmp_path):
    assert client.get("/v1/desk").json() == {"memory": True}
    r = client.post("/v1/desk/translate", json={"text": V1, "document_id": "sak-9",
                                                "version": "1"})
    assert r.status_code == 200, r.text
    items = r.json()["translations"]
    assert [i["origin"] for i in items] == ["machine"] * 3
    assert [i["text"] for i in items] == [news.translate(t) for t in V1]
    # machine output comes with the engine's words, as /v1/translate gives them
    detailed = news.translate_detailed(V1)
    assert [[s["text"] for s in i["segments"]] for i in items] == \
        [[s.text for s in segs] for segs in detailed]
    assert all(tok["text"] for i in items for s in i["segments"] for tok in s["tokens"])

    edited = [_edit(items[0]["text"]), _edit(items[1]["text"]), items[2]["text"]]
    r = client.post("/v1/desk/approve", json={
        "source_paragraphs": V1, "target_paragraphs": edited, "approved": [0, 1],
        "document_id": "sak-9", "version": "1", "author": "desk"})
    assert r.status_code == 200 and r.json()["approved"] == 2, r.text

    # the next version: proofread paragraphs as stored, the changed one repaired from the
    # proofread text (given back as `previous`), new text from the engine
    r = client.post("/v1/desk/translate", json={"text": V2, "document_id": "sak-9",
                                                "version": "2"})
    got = r.json()["translations"]
    assert got[0]["origin"] == "in-context" and got[0]["text"] == edited[0]
    assert got[0]["segments"] == []
    assert got[1]["origin"] == "fuzzy" and got[1]["previous"] == edited[1]
    assert got[1]["text"] == edited[1].replace("12", "14")
    assert got[2]["origin"] == "machine" and got[2]["text"] == news.translate(V2[2])
    assert got[3]["origin"] == "machine" and got[3]["text"] == news.translate(V2[3])

    # reopened by id: the story as the desk left it
    story = client.get("/v1/desk/story", params={"document_id": "sak-9"}).json()
    assert story["version"] == "1"
    assert [p["target"] for p in story["paragraphs"]] == edited
    assert [p["approved"] for p in story["paragraphs"]] == [True, True, False]
    assert client.get("/v1/desk/story", params={"document_id": "nope"}).status_code == 404


def test_story_from_entries_stored_without_the_desk(client, tmp_path):
    r = client.post("/v1/memory", json={"source_text": "\n\n".join(V1[:2]),
                                        "target_text": "Ein.\n\nTo.", "document_id": "cli",
                                        "version": "3"})
    assert r.status_code == 200
    story = client.get("/v1/desk/story", params={"document_id": "cli"}).json()
    assert story["version"] == "3"
    assert [(p["source"], p["target"]) for p in story["paragraphs"]] == \
        [(V1[0], "Ein."), (V1[1], "To.")]


def test_shared_settings(client):
    assert client.get("/v1/desk/settings").json() == {}
    prefs = {"choices": {"nn": {"skule": "skole"}}, "glossary": {"nb>nn": "fastlege = fastlækjar"}}
    assert client.put("/v1/desk/settings", json=prefs).status_code == 200
    assert client.get("/v1/desk/settings").json() == prefs
    big = {"x": "a" * 300_000}
    assert client.put("/v1/desk/settings", json=big).status_code == 413


def test_desk_requests_are_checked(client):
    assert client.post("/v1/desk/translate", json={"text": ["To\nlinjer."]}).status_code == 400
    assert client.post("/v1/desk/translate", json={"text": ["  "]}).status_code == 400
    r = client.post("/v1/desk/approve", json={"source_paragraphs": ["En."],
                                              "target_paragraphs": [], "approved": [0],
                                              "document_id": "x"})
    assert r.status_code == 400
    r = client.post("/v1/desk/approve", json={"source_paragraphs": ["En."],
                                              "target_paragraphs": ["Ein."], "approved": [3],
                                              "document_id": "x"})
    assert r.status_code == 400


def test_without_memory_the_desk_says_so(apertium_installed):
    from fastapi.testclient import TestClient

    from omset.server import Settings, create_app

    with TestClient(create_app(Settings(workers=1, warm=()))) as c:
        assert c.get("/v1/desk").json() == {"memory": False}
        r = c.get("/v1/desk/settings")
        assert r.status_code == 400 and "--memory" in r.json()["error"]


def test_paragraphs_that_do_not_end_a_sentence_stay_apart(client, news):
    # lines like these would be joined as one wrapped paragraph in a plain text; the
    # desk's paragraphs are one line each, whatever they end with
    texts = ["0", "a0", "Politiet etterforsker saken", "Hei"]
    r = client.post("/v1/desk/translate", json={"text": texts, "source": "nb"})
    assert r.status_code == 200, r.text
    assert [i["text"] for i in r.json()["translations"]] == [news.translate(t) for t in texts]


def test_labels_and_look_ups_are_checked(client):
    # a NUL in a story's labels is refused, whether or not the memory is used
    r = client.post("/v1/translate", json={"text": "Hei.", "version": "1\u0000"})
    assert r.status_code == 400 and "version" in r.json()["error"], r.text
    r = client.post("/v1/memory", json={"source_text": "Ja.", "target_text": "Ja.",
                                        "author": "a\u0000b"})
    assert r.status_code == 400 and "author" in r.json()["error"], r.text
    r = client.post("/v1/desk/approve", json={"source_paragraphs": [], "target_paragraphs": [],
                                              "approved": [], "document_id": "x",
                                              "style": "\u0000"})
    assert r.status_code == 400, r.text
    # a look-up takes any two known languages (the memory holds no nb→nb), not unknown ones
    assert client.get("/v1/desk/story", params={"document_id": "x", "target": "nb"}
                      ).status_code == 404
    r = client.get("/v1/memory/export", params={"target": "nob", "format": "tsv"})
    assert r.status_code == 200 and r.text == ""
    assert client.get("/v1/memory/export", params={"source": "xx"}).status_code == 400
    assert client.get("/v1/desk/story", params={"document_id": ""}).status_code == 400


def test_story_keeps_its_layout(client):
    """The white space around the paragraphs (single line breaks, blank lines, a leading
    indent) is kept in the snapshot and given back; a layout that does not fit the
    paragraphs, or holds text, is refused."""
    layout = ["\n", "\n", "\n\n  \n", "\n"]
    base = {"source_paragraphs": V1, "target_paragraphs": ["Ein.", "To.", "Tre."],
            "approved": [1], "document_id": "sak-lay", "version": "1"}
    r = client.post("/v1/desk/approve", json={**base, "layout": layout})
    assert r.status_code == 200, r.text
    story = client.get("/v1/desk/story", params={"document_id": "sak-lay"}).json()
    assert story["layout"] == layout
    text = layout[0] + "".join(p["source"] + g for p, g in zip(story["paragraphs"], layout[1:]))
    assert text == "\n" + V1[0] + "\n" + V1[1] + "\n\n  \n" + V1[2] + "\n"
    # without one (an older desk): no layout in the snapshot
    r = client.post("/v1/desk/approve", json={**base, "document_id": "sak-nolay"})
    assert r.status_code == 200
    assert "layout" not in client.get("/v1/desk/story",
                                      params={"document_id": "sak-nolay"}).json()
    for bad in (layout[:-1], ["", "x\n", "\n", ""], ["", "  ", "\n", ""], ["", "\n" * 2000, "\n", ""]):
        r = client.post("/v1/desk/approve", json={**base, "layout": bad})
        assert r.status_code == 400, (bad, r.text)
        assert "layout" in r.json()["error"], r.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_unconfirmed_paragraph_is_no_longer_served(apertium_installed, news, tmp_path, backend):
    """A paragraph the proofreader confirmed and then un-confirmed (``retracted``) comes
    back from the engine again, in the story's next version, on either backend."""
    import contextlib

    from fastapi.testclient import TestClient

    from omset.server import Settings, create_app
    from tests import pgserver

    with contextlib.ExitStack() as stack:
        url = (str(tmp_path / "tm.sqlite") if backend == "sqlite"
               else stack.enter_context(pgserver.server()))
        c = stack.enter_context(TestClient(create_app(Settings(workers=1, warm=(),
                                                               memory=url))))
        edited = [_edit(news.translate(t)) for t in V1]
        story = {"source_paragraphs": V1, "target_paragraphs": edited,
                 "document_id": "sak-3", "version": "1"}
        r = c.post("/v1/desk/approve", json={**story, "approved": [0, 1, 2]})
        assert r.status_code == 200 and r.json()["approved"] == 3, r.text
        got = c.post("/v1/desk/translate", json={"text": V1, "document_id": "sak-3",
                                                 "version": "2"}).json()["translations"]
        assert [g["text"] for g in got] == edited
        # paragraph 1 un-confirmed: its approval is withdrawn, the others stay
        r = c.post("/v1/desk/approve", json={**story, "approved": [0, 2], "retracted": [1]})
        assert r.status_code == 200, r.text
        assert r.json() == {"stored": 0, "approved": 2, "retracted": 1}
        got = c.post("/v1/desk/translate", json={"text": V1, "document_id": "sak-3",
                                                 "version": "2"}).json()["translations"]
        assert [g["origin"] for g in got] == ["in-context", "machine", "in-context"]
        assert got[1]["text"] == news.translate(V1[1]) != edited[1]
        assert [g["text"] for i, g in enumerate(got) if i != 1] == [edited[0], edited[2]]
        opened = c.get("/v1/desk/story", params={"document_id": "sak-3"}).json()
        assert [p["approved"] for p in opened["paragraphs"]] == [True, False, True]
        # nor exported
        exported = c.get("/v1/memory/export", params={"format": "tsv"}).text
        assert edited[1] not in exported and edited[0] in exported
        for bad in ({"approved": [1], "retracted": [1]}, {"approved": [], "retracted": [3]}):
            r = c.post("/v1/desk/approve", json={**story, **bad})
            assert r.status_code == 400, r.text
