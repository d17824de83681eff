"""The proofreading desk (issue 15) in a real browser against a real `omset serve
--memory` (a temporary SQLite file). Expected texts come from the library (Translator,
the memory workflow), never from fixed strings."""

from __future__ import annotations

import pytest

from .test_editor import _page, browser, output, translators, wait_for_output  # noqa: F401
from .webserver import ServeFailed, serve

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

V1 = ["Pasienter over hele landet må nå vente lenger på behandling.",
      "Det viser nye tall fra Helsedirektoratet.",
      "Ventetiden var 72 dager i fjor."]
V2 = [V1[0], V1[1], V1[2].replace("72", "74"), "Flere vitner har meldt seg i dag."]


@pytest.fixture(scope="module")
def server(apertium_installed, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("desk")
    try:
        with serve(tmp / "serve.log", "--memory", str(tmp / "tm.sqlite")) as base:
            yield base
    except ServeFailed as exc:
        pytest.fail(str(exc))


@pytest.fixture
def page(browser, server):  # noqa: F811
    page = _page(browser, server)
    yield page
    errors = page.errors
    page.context.close()
    assert not errors, f"JavaScript errors: {errors}"


def rows(page):
    return output(page).locator(".para")


def edit(page, i: int, text: str):
    """Edit paragraph i of the output to `text`, as a proofreader types it."""
    row = rows(page).nth(i)
    row.hover()
    row.locator(".pedit").click()
    box = row.locator(".ptext")
    expect(box).to_have_attribute("contenteditable", "plaintext-only")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_full_desk_flow(browser, server, translators, artifacts, tmp_path):  # noqa: F811
    """v1 → two paragraphs edited and confirmed → v2 with one paragraph changed and one
    added → edits kept, the changed one flagged and repaired, the new one machine output;
    reload; a second proofreader sees the same approved text."""
    from omset.memory import Memory
    from omset.memory.workflow import store_approved, translate_text

    story = "sak-flyt"
    tr = translators()
    page = _page(browser, server, 1280, 800)
    page.goto(server + f"?sak={story}&versjon=1")
    expect(page.locator("#story-id")).to_have_value(story)
    page.locator("#source").fill("\n\n".join(V1))
    machine = [tr.translate(p) for p in V1]
    wait_for_output(page, "\n\n".join(machine))
    edited = [machine[0].replace("over", "i", 1) + " Det er uroande.", machine[1],
              machine[2].replace(".", " (retta).")]
    assert edited[0] != machine[0] and edited[2] != machine[2]
    edit(page, 0, edited[0])
    page.keyboard.press("Control+Enter")
    expect(rows(page).nth(0)).to_contain_class("p-approved")
    edit(page, 2, edited[2])
    rows(page).nth(2).locator(".pok").click()
    expect(rows(page).nth(2)).to_contain_class("p-approved")
    expect(page.locator("#status")).to_contain_text("lagra i minnet")
    assert page.evaluate("window.omsetEditor.outputText()") == "\n\n".join(edited)

    # what the memory must give for v2, from the library on a memory of its own
    with Memory.open(str(tmp_path / "expect.sqlite")) as mem:
        store_approved(mem, "\n\n".join(V1), "\n\n".join([edited[0], machine[1], edited[2]]),
                       source_lang="nb", target_lang="nn", style="nynorsk-news",
                       document=story, version="1")
        want = translate_text(tr, mem, "\n\n".join(V2), document=story, version="2")
    assert want.segments[2].origin == "fuzzy"
    expected_v2 = [edited[0], machine[1], want.segments[2].text, tr.translate(V2[3])]

    page.locator("#story-version").fill("2")
    page.locator("#story-open").click()
    page.locator("#source").fill("\n\n".join(V2))
    wait_for_output(page, "\n\n".join(expected_v2))
    expect(rows(page).nth(0)).to_contain_class("p-approved")
    expect(rows(page).nth(2)).to_contain_class("p-flag")
    expect(rows(page).nth(2).locator(".pflag")).to_have_text("kjelda er endra")
    expect(rows(page).nth(2).locator("mark.w-new")).not_to_have_count(0)
    expect(rows(page).nth(3)).to_contain_class("p-machine")
    page.screenshot(path=str(artifacts / "desk-desktop.png"))
    # confirming the repaired paragraph clears the flag
    rows(page).nth(2).hover()
    rows(page).nth(2).locator(".pok").click()
    expect(rows(page).nth(2)).not_to_contain_class("p-flag")
    expect(page.locator("#status")).to_contain_text("versjon 2")

    page.reload()
    expect(page.locator("#story-version")).to_have_value("2")
    wait_for_output(page, "\n\n".join(expected_v2))
    expect(rows(page).nth(2)).to_contain_class("p-approved")
    assert not page.errors, page.errors
    page.context.close()

    # another proofreader, another browser context: the same approved text
    other = _page(browser, server, 1280, 800)
    other.goto(server + f"?sak={story}")
    wait_for_output(other, "\n\n".join(expected_v2))
    for i in (0, 2):
        expect(rows(other).nth(i)).to_contain_class("p-approved")
    assert not other.errors, other.errors
    other.context.close()


def test_reopened_story_keeps_its_line_breaks(browser, server, translators):  # noqa: F811
    """A stored story opened by id (?sak=&versjon=) in another browser comes back with
    the paragraph layout it was stored with: single line breaks, a blank line, the line
    break at the end."""
    story = "sak-linjer"
    paras = ["Ventetiden øker", "Sykehuset i Bodø har fått flere pasienter i høst.",
             "Det sier direktøren til avisen.", "Tallene kom i går."]
    seps = ["\n", "\n", "\n\n", "\n"]
    text = "".join(p + s for p, s in zip(paras, seps))
    machine = "".join(translators().translate(p) + s for p, s in zip(paras, seps))
    page = _page(browser, server)
    try:
        page.goto(server + f"?sak={story}&versjon=1")
        page.locator("#source").fill(text)
        wait_for_output(page, machine)
        rows(page).nth(1).hover()
        rows(page).nth(1).locator(".pok").click()
        expect(page.locator("#status")).to_contain_text("lagra i minnet")
        assert not page.errors, page.errors
    finally:
        page.context.close()
    other = _page(browser, server)                # no browser storage: from the service
    try:
        other.goto(server + f"?sak={story}&versjon=1")
        expect(other.locator("#source")).to_have_value(text)
        wait_for_output(other, machine)
        expect(rows(other).nth(1)).to_contain_class("p-approved")
        expect(rows(other).nth(2)).not_to_contain_class("gap")     # a single line break
        expect(rows(other).nth(3)).to_contain_class("gap")         # a blank line
        assert not other.errors, other.errors
    finally:
        other.context.close()


def test_edit_undo_and_unchanged_paragraphs_keep_edits(page, translators):  # noqa: F811
    tr = translators()
    src = ["Han kom hjem i går.", "Hun ble skadet."]
    page.goto(page.url.split("?")[0] + "?sak=sak-angre")
    page.locator("#source").fill("\n".join(src))           # single line break: two paragraphs
    machine = [tr.translate(p) for p in src]
    wait_for_output(page, "\n".join(machine))
    expect(rows(page)).to_have_count(2)
    edit(page, 0, "Han kom heim i går kveld.")
    page.locator("#source").click()                          # leaves the paragraph: kept as edited
    expect(rows(page).nth(0)).to_contain_class("p-edited")
    # the Bokmål of the other paragraph changes: the edit stays
    page.locator("#source").fill(src[0] + "\n" + "Hun ble alvorlig skadet.")
    wait_for_output(page, "Han kom heim i går kveld.\n" + tr.translate("Hun ble alvorlig skadet."))
    # the edited paragraph's own source changes: the edit stays, flagged
    page.locator("#source").fill("Han kom hjem i dag.\nHun ble alvorlig skadet.")
    expect(rows(page).nth(0).locator(".pflag")).to_have_text("kjelda er endra")
    expect(rows(page).nth(0).locator(".ptext")).to_have_text("Han kom heim i går kveld.")
    # undo: Ctrl+Z outside the text fields, and the paragraph's own button
    page.locator("#source").fill("\n".join(src))
    wait_for_output(page, "Han kom heim i går kveld.\n" + machine[1])
    rows(page).nth(0).hover()
    rows(page).nth(0).locator(".pundo").click()
    wait_for_output(page, "\n".join(machine))


def test_undoing_a_confirmation_withdraws_it_from_the_memory(page, server, translators):  # noqa: F811
    """A proofreader confirms a paragraph, then takes it back with Angre: the memory must
    stop serving it (the service's ``retracted``), while the other confirmation stays."""
    import httpx

    tr = translators()
    story = "sak-attende"
    src = ["Kommunen vil bygge en ny skole i sentrum.", "Arbeidet starter til høsten.",
           "Skolen skal stå ferdig om tre år."]  # not in any other test's story
    page.goto(page.url.split("?")[0] + f"?sak={story}&versjon=1")
    page.locator("#source").fill("\n\n".join(src))
    machine = [tr.translate(p) for p in src]
    wait_for_output(page, "\n\n".join(machine))
    edited = [machine[0].replace(".", " i år."), machine[1].replace(".", " no.")]
    for i in (0, 1):
        edit(page, i, edited[i])
        page.keyboard.press("Control+Enter")
        expect(rows(page).nth(i)).to_contain_class("p-approved")
        expect(page.locator("#status")).to_contain_text("lagra i minnet")

    def origins() -> list[str]:
        r = httpx.post(server + "v1/desk/translate", timeout=60,
                       json={"text": src, "document_id": story, "version": "2"})
        assert r.status_code == 200, r.text
        return [t["origin"] for t in r.json()["translations"]]

    assert origins()[:2] == ["in-context", "in-context"]
    rows(page).nth(1).hover()
    rows(page).nth(1).locator(".pundo").click()
    expect(page.locator("#status")).to_contain_text("teken attende")
    expect(rows(page).nth(1)).not_to_contain_class("p-approved")
    assert origins()[:2] == ["in-context", "machine"]


def test_swap_keeps_the_original_and_offers_undo(page, translators):  # noqa: F811
    text = "Gjentatte hundrevis av foreldre har klaget i stedet for å vente."
    page.locator("#source").fill(text)
    nn = translators().translate(text)
    wait_for_output(page, nn)
    page.get_by_role("button", name="Byt retning").click()
    expect(page.locator("#source")).to_have_value(nn)
    wait_for_output(page, translators("nn", "nb").translate(nn))
    expect(page.locator("#hint")).to_contain_text("teken vare på")
    page.get_by_role("button", name="Byt retning").click()
    expect(page.locator("#source")).to_have_value(text)     # the original, not a round trip
    expect(page.locator("#source-title")).to_have_text("Bokmål")
    page.get_by_role("button", name="Byt retning").click()
    page.get_by_role("button", name="Angre bytet").click()
    expect(page.locator("#source")).to_have_value(text)


def test_copy_and_download_refuse_stale_or_empty_output(page, translators):  # noqa: F811
    page.get_by_role("button", name="Kopier").click()
    expect(page.locator("#status")).to_contain_text("ingen tekst")
    page.locator("#source").fill("Vi kommer hjem.")
    wait_for_output(page, translators().translate("Vi kommer hjem."))
    page.evaluate("navigator.clipboard.writeText('før')")
    page.route("**/v1/desk/translate", lambda route: route.abort("connectionrefused"))
    page.locator("#source").fill("Vi kommer hjem i morgen.")
    expect(page.locator("#message")).to_be_visible()
    page.get_by_role("button", name="Kopier").click()
    expect(page.locator("#status")).to_contain_text("ikkje oppdatert")
    assert page.evaluate("navigator.clipboard.readText()") == "før"
    page.get_by_role("button", name="Last ned").click()
    expect(page.locator("#status")).to_contain_text("ikkje oppdatert")
    page.unroute("**/v1/desk/translate")


def test_source_words_ordinals_and_texts(page, translators):  # noqa: F811
    text = "Kommunen vil bygge 12 nye skoler innen 7. mai, sa han på 1. plass (42)."
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    assert output(page).locator("ruby").count() == 0        # no ruby while source words are off
    changed = output(page).locator(".w-changed").all_inner_texts()
    assert not [w for w in changed if w.rstrip(".").isdigit()], changed
    page.get_by_label("Vis kjeldeord").check()
    expect(output(page).locator("ruby").first).to_be_visible()
    page.get_by_label("Vis kjeldeord").uncheck()
    expect(output(page).locator("ruby")).to_have_count(0)
    # every style's description in the editor is the style file's Nynorsk one
    styles = page.evaluate("fetch('v1/styles').then((r) => r.json())")["styles"]
    for s in styles:
        if s["language"] != "nn":
            continue
        page.locator("#style").select_option(s["name"])
        expect(page.locator("#style-desc")).to_have_text(s["description_nn"])
        assert s["description_nn"] != s["description"]
    tip = page.locator("label[for=variant-split]").get_attribute("title")
    assert "kort" in tip and "å kaste" in tip and "å kasta" not in tip


def test_phone_width_with_a_url_does_not_scroll_sideways(browser, server, translators,  # noqa: F811
                                                        artifacts):
    page = _page(browser, server, 390, 844)
    try:
        text = ("Les mer på https://www.example.no/nyheter/innenriks/2026/11/30/"
                "ventetiden-pa-sykehusene-har-okt-kraftig-siste-aret\n\n"
                "Kommunestyret vedtok budsjettet etter en lang debatt.\n\n"
                "Ordføreren var fornøyd med resultatet.")
        page.locator("#source").fill(text)
        wait_for_output(page, translators().translate(text))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifacts / "desk-phone.png"), full_page=True)
        assert not page.errors
    finally:
        page.context.close()


def test_side_by_side_partner_and_scroll_sync(page, translators):  # noqa: F811
    paras = [f"Dette er avsnitt nummer {i} om ventetiden på sykehusene i landet." for i in range(90)]
    page.locator("#source").fill("\n\n".join(paras))
    wait_for_output(page, translators().translate("\n\n".join(paras)))
    row = rows(page).nth(3)
    row.hover()
    expect(row).to_contain_class("partner")
    expect(page.locator('#mirror .mp[data-i="3"]')).to_contain_class("partner")
    # a sentence and its source sentence
    text = "Han kom hjem i går. Hun ble skadet i ulykken."
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    second = output(page).locator('.sent[data-s="1"]')
    second.hover()
    expect(second).to_contain_class("partner-s")
    expect(page.locator('#mirror .ms[data-s="1"]')).to_have_text(text.split(". ")[1])
    expect(page.locator('#mirror .ms[data-s="1"]')).to_contain_class("partner-s")
    page.locator("#source").fill("\n\n".join(paras))
    wait_for_output(page, translators().translate("\n\n".join(paras)))
    # scroll the source so paragraph 25 is at the top: its translation comes to the top
    page.evaluate("""() => {
        const s = document.querySelector('#source'), m = document.querySelector('#mirror');
        const span = m.querySelector('.mp[data-i="25"]');
        s.scrollTop = span.offsetTop; }""")
    page.wait_for_timeout(300)
    gap = page.evaluate("""() => {
        const o = document.querySelector('#output');
        const r = o.querySelector('.para[data-i="25"]');
        return r.getBoundingClientRect().top - o.getBoundingClientRect().top; }""")
    assert abs(gap) < 30, gap


def test_next_flagged_walks_and_counts(page, translators):  # noqa: F811
    text = "Xyzzyblorg og Quuxfrobnitz kom til Bergen."
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    seg = translators().translate_detailed([text])[0]
    flagged = [t for s in seg for t in s.tokens if t.unknown or t.flagged]
    assert flagged
    count = page.locator("#flag-count")
    expect(count).to_have_text(str(len(flagged)))
    page.keyboard.press("F8")
    expect(count).to_have_text(str(len(flagged) - 1))
    assert page.evaluate("document.activeElement.classList.contains('flag-current')")
    expect(page.locator("#status")).to_contain_text("att")


def test_form_choices_persist_and_are_shared(page, browser, server, translators):  # noqa: F811
    from .test_editor import _alternative
    text = "Vi vil også komme hjem, og flere av dem ble skadet."
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    _seg, token, other = _alternative(translators, text)
    output(page).locator(".w-alt", has_text=token.text).first.click()
    page.locator("#menu .menu-all").click()
    expect(page.locator("#menu .menu-all")).to_have_attribute("aria-checked", "true")
    page.locator("#menu").get_by_role("menuitemradio", name=other, exact=True).click()
    expect(output(page).locator(".w-picked")).to_have_count(1)
    page.wait_for_timeout(600)                              # the shared save is debounced
    page.reload()
    page.locator("#source").fill(text)
    expect(output(page).locator(".w-picked")).to_have_count(1)
    fresh = _page(browser, server)                          # no browser storage: from the service
    try:
        fresh.locator("#source").fill(text)
        expect(output(fresh).locator(".w-picked")).to_have_count(1)
    finally:
        fresh.context.close()
    settings = page.evaluate("fetch('v1/desk/settings').then(r => r.json())")
    assert settings["lemmas"]["nn"]
    # back to the suggestion for the next tests
    output(page).locator(".w-picked").first.click()
    page.locator(f'#menu .menu-item[data-form="{token.text}"]').click()
    expect(output(page).locator(".w-picked")).to_have_count(0)
    page.wait_for_timeout(600)                              # shared again (debounced)


def test_document_upload_and_detection(page, translators, tmp_path):  # noqa: F811
    md = tmp_path / "sak.md"
    md.write_text("# Ventetiden\n\nVi kommer hjem i morgen.\n", encoding="utf-8")
    with page.expect_download() as info:
        page.locator("#file-input").set_input_files(str(md))
    d = info.value
    assert d.suggested_filename == "sak.nn.md"
    got = tmp_path / "out.md"
    d.save_as(got)
    from omset import formats
    want = formats.translate_document(md.read_bytes(), "markdown", translators()).decode()
    assert got.read_text(encoding="utf-8") == want
    # Nynorsk typed in the Bokmål pane: the editor offers the other direction
    nn = translators().translate("Vi kommer hjem i morgen, og vi har også fått nye tall.")
    page.locator("#source").fill(nn)
    expect(page.locator("#hint")).to_contain_text("nynorsk")
    page.locator("#hint-action").click()
    expect(page.locator("#source-title")).to_have_text("Nynorsk")
    expect(page.locator("#source")).to_have_value(nn)


def test_desk_without_memory_keeps_edits_in_the_browser(browser, translators, tmp_path):  # noqa: F811
    with serve(tmp_path / "serve.log") as base:
        page = _page(browser, base)
        try:
            page.locator("#source").fill(V1[0])
            wait_for_output(page, translators().translate(V1[0]))
            edit(page, 0, "Retta tekst.")
            page.keyboard.press("Control+Enter")
            expect(page.locator("#status")).to_contain_text("nettlesaren")
            page.reload()
            wait_for_output(page, "Retta tekst.")
            assert not page.errors
        finally:
            page.context.close()


def test_only_changed_paragraphs_are_sent_and_redrawn(page, translators):  # noqa: F811
    paras = [f"Møtet nummer {i} ble holdt i kommunestyret i går." for i in range(20)]
    page.locator("#source").fill("\n\n".join(paras))
    wait_for_output(page, translators().translate("\n\n".join(paras)))
    page.evaluate("document.querySelectorAll('#output .para').forEach((el, i) => { el.__mark = i; })")
    sent_before = len(page.requests)
    paras[5] = paras[5].replace("i går", "i dag")
    page.locator("#source").fill("\n\n".join(paras))
    wait_for_output(page, translators().translate("\n\n".join(paras)))
    assert [r["text"] for r in page.requests[sent_before:]] == [[paras[5]]]
    marks = page.evaluate("[...document.querySelectorAll('#output .para')].map((el) => el.__mark ?? null)")
    assert marks == [i if i != 5 else None for i in range(20)]
