"""The web editor (omset/web/) in a real browser against a real `omset serve`.

One server on 127.0.0.1 and one Debian chromium per module. Expected outputs are never
written here: they come from the library (``Translator``) for the same text.
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest

from omset import Translator

from .webserver import ServeFailed, serve

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)

SENTENCE = "Vi vil også komme hjem, og flere av dem ble skadet."
PARAGRAPHS = ("Pasienter over hele landet må nå vente lenger på behandling enn for ett år siden.\n\n"
              "Det viser nye tall fra Helsedirektoratet som ble lagt fram tirsdag.")
# Candidates for "a style changes the output"; the test uses the first where the library
# gives different Nynorsk for the two styles.
STYLE_CANDIDATES = ["Han ble skadet mens han syklet hjem.",
                    "Vi ble enige om at han skulle komme.",
                    "Derfor ble det ingen forskjell."]
VARIANT_CANDIDATES = ["Vi skal komme hjem for å spise.", "De må vente på bussen."]


@pytest.fixture(scope="module")
def server(apertium_installed, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    try:
        with serve(log) as base:
            yield base
    except ServeFailed as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield b
        b.close()


@pytest.fixture(scope="module")
def translators(apertium_installed):
    """Library translators for expected outputs, made on first use, one pipeline each."""
    made: dict[tuple, Translator] = {}

    def get(source="nb", target="nn", style=None, variant=None) -> Translator:
        style = style or ("nynorsk-news" if target == "nn" else None)
        key = (source, target, style, variant)
        if key not in made:
            made[key] = Translator(source, target, style=style, variant=variant, pool_size=1)
        return made[key]

    yield get
    for tr in made.values():
        tr.close()


def _page(browser, server, width=1280, height=860):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nn-NO")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.requests = []
    page.on("request", lambda r: page.requests.append(json.loads(r.post_data))
            if r.url.endswith(("/v1/translate", "/v1/desk/translate")) else None)
    page.goto(server)
    expect(page.locator("#style option")).not_to_have_count(0)
    return page


@pytest.fixture
def page(browser, server):
    page = _page(browser, server)
    yield page
    errors = page.errors
    page.context.close()
    assert not errors, f"JavaScript errors: {errors}"


def output(page):
    return page.locator("#output")


# The words of each row without the source words under them. textContent, not
# innerText: rows out of sight are not rendered (content-visibility), and innerText
# gives nothing for them.
_SHOWN = """() => {
    const o = document.querySelector('#output');
    const words = (e) => { const c = e.cloneNode(true); c.querySelectorAll('rt').forEach((r) => r.remove());
                           return c.textContent; };
    return {busy: o.getAttribute('aria-busy'), text: window.omsetEditor.outputText(),
            shown: [...o.querySelectorAll('.ptext')].map(words).join('\\n')};
}"""


def shown_text(page) -> str:
    """What the reader sees in the output pane (source words hidden): the paragraphs'
    text, one a line, without the desk's buttons and labels."""
    return page.evaluate(_SHOWN)["shown"]


def wait_for_output(page, expected: str):
    """The output is up to date and is `expected`: as copied (outputText) and as shown,
    paragraph by paragraph."""
    # leading and trailing spaces of a paragraph are kept in the text, not drawn
    lines = "\n".join(p.strip() for p in re.split(r"\n(?:[ \t]*\n)*", expected))
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        now = page.evaluate(_SHOWN)
        shown = "\n".join(p.strip() for p in now["shown"].split("\n"))
        if now["busy"] == "false" and now["text"] == expected and shown == lines:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"output is not {expected!r}: {now!r}")
        page.wait_for_timeout(100)


# ---- tests ---------------------------------------------------------------------------

def test_typing_bokmal_shows_nynorsk(page, translators):
    src = page.locator("#source")
    src.click()
    src.press_sequentially(SENTENCE, delay=15)
    wait_for_output(page, translators().translate(SENTENCE))
    # typed letter by letter, but debounced: far fewer requests than keystrokes
    assert 1 <= len(page.requests) < len(SENTENCE) / 4
    assert page.locator("html").get_attribute("lang") == "nn"
    assert src.get_attribute("lang") == "nb"
    assert output(page).get_attribute("lang") == "nn"
    assert output(page).get_attribute("aria-live") == "polite"

    # Paragraphs: a pasted text comes back paragraph by paragraph, layout kept
    src.fill(PARAGRAPHS)
    wait_for_output(page, translators().translate(PARAGRAPHS))
    sent = page.requests[-1]
    assert sent["source"] == "nb" and sent["target"] == "nn"
    assert sent["text"] == PARAGRAPHS.split("\n\n")
    # Only the edited paragraph is sent again
    edited = PARAGRAPHS + " Flere ble skadet."
    src.fill(edited)
    wait_for_output(page, translators().translate(edited))
    assert page.requests[-1]["text"] == [edited.split("\n\n")[1]]


def test_word_classes_and_legend(page, translators):
    text = SENTENCE + " Xyzzyblorg kom.\n\n" + PARAGRAPHS
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    segments = translators().translate_detailed([text])[0]
    tokens = [t for s in segments for t in s.tokens]
    with_alts = {t.text for t in tokens if len(t.alternatives) > 1}
    assert with_alts, "the library gives no alternatives for the test sentence"
    shown_alts = set(page.locator("#output .w-alt").all_inner_texts())
    assert shown_alts == with_alts
    # words the translation changed (hjem → heim, ble → vart ...) are marked
    changed = set(page.locator("#output .w-changed").all_inner_texts())
    source_words = {w.lower() for w in text.replace(",", " ").replace(".", " ").split()}
    source_phrases = " ".join(text.lower().split())
    for w in changed:  # nothing marked changed that stands as is in the source
        assert w.lower() not in (source_phrases if " " in w else source_words), w
    assert changed
    assert "heim" in {w.lower() for w in changed}
    assert not ({"vil", "av", "og"} & {w.lower() for w in changed})
    unknown = {t.text for t in tokens if t.unknown}
    assert unknown and set(page.locator("#output .w-unknown").all_inner_texts()) == unknown
    legend = page.locator(".legend")
    for cls in ("w-changed", "w-alt", "w-unknown", "w-picked"):
        expect(legend.locator(f".{cls}")).to_have_count(1)

    # The source-word toggle shows the Bokmål word under each Nynorsk word
    heim = output(page).locator(".w", has_text="heim").first
    expect(heim.locator("rt")).to_be_hidden()
    page.get_by_label("Vis kjeldeord").check()
    expect(heim.locator("rt")).to_be_visible()
    expect(heim.locator("rt")).to_have_text("hjem")
    assert heim.get_attribute("data-src") == "hjem"


def _alternative(translators, text):
    """A token with alternatives, and another of its forms, from the library."""
    for seg in translators().translate_detailed([text])[0]:
        for t in seg.tokens:
            others = [a for a in t.alternatives if a != t.text]
            if others:
                return seg, t, others[0]
    pytest.fail(f"no word with alternatives in {text!r}")


def _replaced(full: str, seg, token, form: str) -> str:
    at = full.index(seg.text) + token.start
    assert full[at:at + len(token.text)] == token.text
    return full[:at] + form + full[at + len(token.text):]


def test_pick_alternative_with_mouse_is_remembered(page, translators, artifacts):
    page.locator("#source").fill(SENTENCE)
    expected = translators().translate(SENTENCE)
    wait_for_output(page, expected)
    seg, token, other = _alternative(translators, SENTENCE)

    page.get_by_label("Vis kjeldeord").check()
    word = output(page).locator(".w-alt", has_text=token.text).first
    menu = page.locator("#menu")
    word.click()
    expect(menu).to_be_visible()
    word.click()  # the same word again closes it
    expect(menu).to_be_hidden()
    word.click()
    expect(menu).to_be_visible()
    page.locator("#source").click()  # so does a click elsewhere
    expect(menu).to_be_hidden()
    word.click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitemradio")).to_have_count(len(token.alternatives))
    expect(word).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=str(artifacts / "editor-desktop-menu.png"))
    menu.get_by_role("menuitemradio", name=other, exact=True).click()
    expect(menu).to_be_hidden()
    page.get_by_label("Vis kjeldeord").uncheck()

    wait_for_output(page, _replaced(expected, seg, token, other))
    expect(output(page).locator(".w-picked")).to_have_count(1)
    # Remembered for that word form: a new paragraph with the same word gets it too
    text = SENTENCE + "\n\n" + SENTENCE
    page.locator("#source").fill(text)
    picked = _replaced(expected, seg, token, other)
    wait_for_output(page, picked + "\n\n" + picked)
    expect(output(page).locator(".w-picked")).to_have_count(2)
    assert page.evaluate("window.omsetEditor.outputText()") == picked + "\n\n" + picked


def test_keyboard_only_choice_of_alternative(page, translators):
    page.locator("#source").fill(SENTENCE)
    expected = translators().translate(SENTENCE)
    wait_for_output(page, expected)
    seg, token, _ = _alternative(translators, SENTENCE)

    # From the top of the page, Tab until a word with alternatives has focus
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('w-alt')"):
            break
    else:
        pytest.fail("Tab never reached a word with alternatives")
    focused = page.evaluate("document.activeElement.innerText")
    assert focused == token.text
    # focus is visible (an outline) on the word
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")

    # Enter opens the menu on the current form; Escape closes it and gives focus back
    page.keyboard.press("Enter")
    expect(page.locator("#menu")).to_be_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-checked')") == "true"
    page.keyboard.press("Escape")
    expect(page.locator("#menu")).to_be_hidden()
    assert page.evaluate("document.activeElement.innerText") == token.text

    # Space opens it again; arrow down to the next form, Enter picks it
    page.keyboard.press(" ")
    expect(page.locator("#menu")).to_be_visible()
    current = token.alternatives.index(token.text)
    choice = token.alternatives[(current + 1) % len(token.alternatives)]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#menu")).to_be_hidden()
    wait_for_output(page, _replaced(expected, seg, token, choice))
    assert page.evaluate("document.activeElement.innerText") == choice

    # Arrow right moves to the next word with alternatives
    words = output(page).locator(".w-alt")
    if words.count() > 1:
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.dataset.id") == words.nth(1).get_attribute("data-id")


def test_style_change_retranslates(page, translators):
    default = page.locator("#style").input_value()
    names = page.locator("#style option").evaluate_all("os => os.map(o => o.value)")
    assert {"nynorsk-news", "moderne", "tradisjonell"} <= set(names)
    other = "moderne" if default != "moderne" else "nynorsk-news"
    for text in STYLE_CANDIDATES:
        before = translators("nb", "nn", default).translate(text)
        after = translators("nb", "nn", other).translate(text)
        if before != after:
            break
    else:
        pytest.fail(f"styles {default} and {other} agree on every candidate sentence")
    page.locator("#source").fill(text)
    wait_for_output(page, before)
    page.locator("#style").select_option(other)
    wait_for_output(page, after)
    assert page.requests[-1]["style"] == other
    expect(page.locator("#style-desc")).not_to_be_empty()

    # A style with the a-infinitive shows it at once in the variant control
    page.locator("#style").select_option("tradisjonell")
    expect(page.locator("#variant-a")).to_be_checked()
    wait_for_output(page, translators("nb", "nn", "tradisjonell").translate(text))


def test_variant_toggle(page, translators):
    expect(page.locator("#variant-e")).to_be_checked()
    for text in VARIANT_CANDIDATES:
        e_form = translators("nb", "nn", None, "e").translate(text)
        a_form = translators("nb", "nn", None, "a").translate(text)
        if e_form != a_form:
            break
    else:
        pytest.fail("a- and e-infinitive agree on every candidate sentence")
    page.locator("#source").fill(text)
    wait_for_output(page, e_form)
    page.locator("label[for=variant-a]").click()
    wait_for_output(page, a_form)
    assert page.requests[-1]["variant"] == "a"
    page.locator("label[for=variant-e]").click()
    wait_for_output(page, e_form)


def test_swap_direction(page, translators):
    page.locator("#source").fill(SENTENCE)
    nn = translators().translate(SENTENCE)
    wait_for_output(page, nn)
    page.get_by_role("button", name="Byt retning").click()
    expect(page.locator("#source")).to_have_value(nn)
    wait_for_output(page, translators("nn", "nb").translate(nn))
    assert page.requests[-1]["source"] == "nn" and page.requests[-1]["target"] == "nb"
    expect(page.locator("#source-title")).to_have_text("Nynorsk")
    expect(page.locator("#target-title")).to_have_text("Bokmål")
    assert page.locator("#source").get_attribute("lang") == "nn"
    assert output(page).get_attribute("lang") == "nb"
    expect(page.locator("#style")).to_be_disabled()
    # and back again
    page.get_by_role("button", name="Byt retning").click()
    expect(page.locator("#source-title")).to_have_text("Bokmål")
    expect(page.locator("#style")).to_be_enabled()


def test_copy_and_download(page, translators, tmp_path):
    page.locator("#source").fill(PARAGRAPHS)
    expected = translators().translate(PARAGRAPHS)
    wait_for_output(page, expected)
    page.get_by_role("button", name="Kopier").click()
    expect(page.locator("#copy")).to_have_text("Kopiert")
    assert page.evaluate("navigator.clipboard.readText()") == expected

    # Copy right after typing waits for the translation instead of copying a stale one
    more = PARAGRAPHS + "\n\nFlere ble skadet."
    expect(page.locator("#copy")).to_have_text("Kopier")  # the first "Kopiert" is gone
    page.locator("#source").fill(more)
    page.get_by_role("button", name="Kopier").click()
    expect(page.locator("#copy")).to_have_text("Kopiert")
    assert page.evaluate("navigator.clipboard.readText()") == translators().translate(more)
    page.locator("#source").fill(PARAGRAPHS)
    wait_for_output(page, expected)

    # The fallback (no Clipboard API: execCommand on a hidden textarea) copies too
    page.evaluate("navigator.clipboard.writeText('tomt')")
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    expect(page.locator("#copy")).to_have_text("Kopier")
    page.get_by_role("button", name="Kopier").click()
    expect(page.locator("#copy")).to_have_text("Kopiert")
    reader = page.context.new_page()
    reader.goto(page.url)
    assert reader.evaluate("navigator.clipboard.readText()") == expected
    reader.close()

    with page.expect_download() as info:
        page.get_by_role("button", name="Last ned").click()
    download = info.value
    assert download.suggested_filename.endswith(".txt")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_text(encoding="utf-8") == expected


def test_errors_are_shown_and_input_kept(page, translators):
    src = page.locator("#source")
    page.route("**/v1/translate", lambda route: route.abort("connectionrefused"))
    src.fill(SENTENCE)
    message = page.locator("#message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Får ikkje kontakt")
    expect(message).to_contain_text("Teksten din er ikkje borte")
    expect(src).to_have_value(SENTENCE)
    page.reload()  # a reload does not lose the input either
    expect(page.locator("#source")).to_have_value(SENTENCE)
    expect(message).to_be_visible()

    page.unroute("**/v1/translate")
    page.route("**/v1/translate", lambda route: route.fulfill(
        status=500, content_type="application/json", body=json.dumps({"detail": "intern feil"})))
    src.fill(SENTENCE + " ")
    expect(message).to_contain_text("HTTP 500")
    expect(src).to_have_value(SENTENCE + " ")

    page.unroute("**/v1/translate")
    page.get_by_role("button", name="Prøv igjen").click()
    wait_for_output(page, translators().translate(SENTENCE + " "))
    expect(message).to_be_hidden()


def test_phone_width_stacks_panes(browser, server, translators, artifacts):
    page = _page(browser, server, width=375, height=812)
    try:
        page.locator("#source").fill(PARAGRAPHS)
        wait_for_output(page, translators().translate(PARAGRAPHS))
        src = page.locator("#source").bounding_box()
        out = output(page).bounding_box()
        assert out["y"] >= src["y"] + src["height"], (src, out)
        assert abs(out["x"] - src["x"]) < 4
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        for sel in ("#swap", "#style", "#copy", "#download"):
            box = page.locator(sel).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, sel
        page.screenshot(path=str(artifacts / "editor-phone.png"), full_page=True)
        assert not page.errors
    finally:
        page.context.close()


def test_desktop_screenshot(page, translators, artifacts):
    text = ("Ventetiden på norske sykehus har økt kraftig\n\n" + PARAGRAPHS)
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    src = page.locator("#source").bounding_box()
    out = output(page).bounding_box()
    assert out["x"] > src["x"] + src["width"] - 1  # side by side
    page.screenshot(path=str(artifacts / "editor-desktop.png"))


def test_api_key_asked_for_when_the_service_wants_one(page, translators):
    """A service with API keys answers 401 without one: the editor asks for it and sends
    it as X-API-Key (the check is simulated in the browser; the translation is real)."""
    seen = []

    def guard(route):
        key = route.request.headers.get("x-api-key")
        seen.append(key)
        if key != "hemmeleg":
            route.fulfill(status=401, content_type="application/json",
                          body=json.dumps({"error": "an API key is required", "status": 401}))
        else:
            route.continue_()

    page.route("**/v1/translate", guard)
    page.locator("#source").fill(SENTENCE)
    expect(page.locator("#message")).to_contain_text("API-nøkkel")
    key = page.get_by_label("API-nøkkel")
    expect(key).to_be_visible()
    key.fill("hemmeleg")
    key.press("Enter")
    wait_for_output(page, translators().translate(SENTENCE))
    expect(page.locator("#message")).to_be_hidden()
    assert seen[0] is None and seen[-1] == "hemmeleg"


def test_long_paste_goes_in_batches(page, translators):
    sentences = ["Vi kommer hjem klokka {}.", "Flere ble skadet i ulykke nummer {}.",
                 "Det var {} pasienter som måtte vente."]
    text = "\n\n".join(sentences[i % 3].format(i + 1) for i in range(90))
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    sent = [r["text"] for r in page.requests]
    assert len(sent) >= 3 and all(len(t) <= 40 for t in sent)
    assert sorted(p for t in sent for p in t) == sorted(text.split("\n\n"))


def test_glossary_terms_win(page, translators):
    text = "Fastlegen ringte i går. Fastlegen kom."
    terms = {"fastlege": "fastlækjar"}
    page.locator("#source").fill(text)
    wait_for_output(page, translators().translate(text))
    page.locator("#glossary-box summary").click()
    page.get_by_label("Ordliste").fill("fastlege = fastlækjar\n")
    expected = translators().translate(text, glossary=terms)
    assert expected != translators().translate(text)
    wait_for_output(page, expected)
    assert page.requests[-1]["glossary"] == terms
    expect(page.locator("#glossary-count")).to_have_text("(1)")
    # a line without "=" is pointed out, not sent
    page.get_by_label("Ordliste").fill("fastlege = fastlækjar\nbare tull")
    expect(page.locator("#glossary-help")).to_contain_text("Line 2")
    # the list belongs to its direction: nn→nb starts empty
    page.get_by_role("button", name="Byt retning").click()
    expect(page.get_by_label("Ordliste")).to_have_value("")
