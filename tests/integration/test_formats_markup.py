"""HTML and Markdown documents through the real engine: shape kept, text translated.

Structure is compared with parsers independent of the format code (html5lib for HTML,
markdown-it-py's own tokens for Markdown); translated text is compared with what the
plain-text engine gives for the same sentences, never with hard-coded outputs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown_it import MarkdownIt

from omset.formats import FormatError, translate_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "markup"
TRANSLATABLE = {"alt", "title", "placeholder", "aria-label", "lang"}
UNTOUCHED = ("script", "style", "code", "pre", "kbd", "samp", "var", "textarea")


# -- helpers -------------------------------------------------------------------------------

def tree(data: bytes | str, fragment: bool = False):
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if fragment:
        return html5lib.parseFragment(text, treebuilder="etree", namespaceHTMLElements=False)
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)


def shape(data: bytes | str, fragment: bool = False) -> list[tuple]:
    """Every element and comment in order, with its attributes other than the translated ones."""
    out = []
    for el in tree(data, fragment).iter():
        if not isinstance(el.tag, str):
            out.append(("#comment", el.text))
            continue
        out.append((el.tag, tuple(sorted((k, v) for k, v in el.attrib.items()
                                         if k not in TRANSLATABLE))))
    return out


def text_of(el) -> str:
    return "".join(el.itertext())


def has_children(el) -> bool:
    return len(el) > 0


def html(tr, data: str | bytes, **kw) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return translate_document(raw, "html", tr, **kw).decode("utf-8")


def md(tr, text: str) -> str:
    return translate_document(text.encode("utf-8"), "markdown", tr).decode("utf-8")


MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def md_shape(text: str) -> list[tuple]:
    """markdown-it's token stream without the translated text: types, markup, targets, code."""
    out: list[tuple] = []
    for t in MD.parse(text):
        out.append((t.type, t.tag, t.markup, t.info, t.level, tuple(t.map or ())))
        if t.type in ("fence", "code_block"):
            out.append(("code", t.content))
        for c in t.children or []:
            keep = {k: v for k, v in (c.attrs or {}).items() if k in ("href", "src")}
            out.append((c.type, c.markup, tuple(sorted(keep.items())),
                        c.content if c.type in ("code_inline", "html_inline") else None))
    return out


def blank_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if not line.strip()]


# -- HTML ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_nb() -> str:
    return (FIXTURES / "page.nb.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page_nn(nb_nn, page_nb) -> str:
    return html(nb_nn, page_nb)


def indentation(text: str) -> list[int]:
    return [len(line) - len(line.lstrip()) for line in text.split("\n")]


def test_page_keeps_its_structure_and_prolog(page_nb, page_nn):
    assert shape(page_nn) == shape(page_nb)
    assert indentation(page_nn) == indentation(page_nb)
    # doctype and the comment before <html> are copied as they were
    assert page_nn.split("<html")[0] == page_nb.split("<html")[0]
    assert page_nn.endswith("</html>\n")
    assert '<html lang="nn">' in page_nn
    assert page_nn != page_nb


def test_plain_paragraphs_read_as_the_text_engine(nb_nn, page_nb, page_nn):
    src, out = tree(page_nb), tree(page_nn)
    checked = 0
    for tag in ("p", "h1", "li", "td", "th", "title", "blockquote"):
        for a, b in zip(src.iter(tag), out.iter(tag)):
            if has_children(a) or a.get("translate") or a.get("lang"):
                continue
            assert text_of(b) == nb_nn.translate(text_of(a)), text_of(a)
            checked += 1
    assert checked >= 8


def test_paragraph_with_inline_markup_reads_as_the_text_engine(nb_nn, page_nb, page_nn):
    src, out = tree(page_nb), tree(page_nn)
    pairs = [(a, b) for a, b in zip(src.iter("p"), out.iter("p"))
             if a.find("a") is not None or a.find("b") is not None]
    assert len(pairs) == 2
    for a, b in pairs:
        assert " ".join(text_of(b).split()) == nb_nn.translate(" ".join(text_of(a).split()))


def test_inline_markup_stays_around_its_word(nb_nn, page_nn):
    out = tree(page_nn)
    p = next(p for p in out.iter("p") if p.find("b") is not None)
    plain = nb_nn.translate("Jeg kommer hjem.").split()
    assert p.find("b").text == plain[1]
    assert text_of(p) == " ".join(plain)
    para = next(p for p in out.iter("p") if p.find("a") is not None)
    link = para.find("a")
    assert link.get("href") == "https://www.helsedirektoratet.no/tall"
    assert link.text == nb_nn.translate("nye tall") and link.text in text_of(para)


def test_untouched_elements_are_byte_identical(page_nb, page_nn):
    for tag in UNTOUCHED:
        a = re.findall(rf"<{tag}\b.*?</{tag}>", page_nb, re.S)
        b = re.findall(rf"<{tag}\b.*?</{tag}>", page_nn, re.S)
        assert a and a == b, tag
    for marker in ('<p translate="no">Jeg kommer hjem.</p>', '<p lang="en">I am coming home.</p>',
                   "<!-- Forsiden: ikke oversett kommentarer -->"):
        assert marker in page_nb and marker in page_nn


def test_translatable_attributes_change_and_others_do_not(nb_nn, page_nb, page_nn):
    src, out = tree(page_nb), tree(page_nn)
    seen = set()
    for a, b in zip(src.iter(), out.iter()):
        if not isinstance(a.tag, str):
            continue
        for name, value in a.attrib.items():
            if name in TRANSLATABLE - {"lang"}:
                assert b.get(name) == nb_nn.translate(value)
                seen.add(name)
            elif name != "lang":
                assert b.get(name) == value
    assert seen == {"alt", "title", "placeholder", "aria-label"}


def test_entity_written_as_the_input_wrote_it(page_nn):
    assert "er&nbsp;100&nbsp;kroner" in page_nn


def test_fragment_stays_a_fragment(nb_nn):
    src = (FIXTURES / "fragment.nb.html").read_text(encoding="utf-8")
    out = html(nb_nn, src)
    assert shape(out, fragment=True) == shape(src, fragment=True)
    assert not re.search(r"<(html|head|body)\b", out)
    assert out.endswith("</p>\n")
    plain = next(p for p in tree(src, True).iter("p") if not has_children(p))
    assert nb_nn.translate(text_of(plain)) in out


def test_whitespace_at_the_ends_of_a_segment_stays_there(nb_nn):
    src = ('<ul>\n  <li>\n    <a href="/hjem">Jeg kommer</a>\n  </li>\n</ul>\n'
           '<label>Navn <input name="n"></label>\n<p>Hei</p>\n')
    out = html(nb_nn, src)
    assert indentation(out) == indentation(src)
    assert f'<a href="/hjem">{nb_nn.translate("Jeg kommer")}</a>\n  </li>' in out
    assert "</label>\n<p>" in out


def test_text_only_fragment_and_bare_document_keep_their_kind(nb_nn):
    out = html(nb_nn, "Jeg kommer <i>hjem</i>.")
    assert out == re.sub(r"(\w+)\.$", r"<i>\1</i>.", nb_nn.translate("Jeg kommer hjem."))
    bare = "<!doctype html><title>Jeg kommer hjem</title><p>Flere ble skadet.</p>"
    out = html(nb_nn, bare)
    assert out.startswith("<!doctype html><title>") and "<html" not in out and "<body" not in out
    assert nb_nn.translate("Flere ble skadet.") in out


def test_tags_inside_scripts_do_not_make_a_fragment_a_page(nb_nn):
    src = '<p>Jeg kommer hjem.</p><script>document.write("<body>");</script>\n'
    out = html(nb_nn, src)
    assert out == f'<p>{nb_nn.translate("Jeg kommer hjem.")}</p><script>document.write("<body>");</script>\n'


def test_lang_attributes_follow_the_direction(nn_nb, nb_nn):
    src = '<html lang="nb"><body><p lang="nb-NO">Jeg kommer.</p><p lang="no">Hei.</p></body></html>'
    out = html(nb_nn, src)
    assert '<html lang="nn">' in out and 'lang="nn-NO"' in out and '<p lang="nn">' in out
    back = html(nn_nb, '<html lang="nn"><body><p lang="nn">Eg kjem.</p></body></html>')
    assert back.count('lang="nb"') == 2
    assert nn_nb.translate("Eg kjem.") in back
    back_md = md(nn_nb, "---\nlang: nn\ntitle: Eg kjem heim\n---\n\n# Eg kjem *heim*\n")
    assert back_md.startswith(f"---\nlang: nb\ntitle: {nn_nb.translate('Eg kjem heim')}\n---\n")


def test_declared_charset_is_read_and_rewritten_as_utf8(nb_nn):
    src = ('<html><head><meta charset="iso-8859-1"></head>'
           '<body><p>Vi vil også komme hjem på tirsdag.</p></body></html>')
    out = html(nb_nn, src.encode("iso-8859-1"))
    assert '<meta charset="utf-8">' in out
    assert nb_nn.translate("Vi vil også komme hjem på tirsdag.") in out
    http = src.replace('<meta charset="iso-8859-1">',
                       '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
    out = html(nb_nn, http.encode("cp1252"))
    assert 'content="text/html; charset=utf-8"' in out


def test_utf16_with_byte_order_mark_is_read(nb_nn):
    out = html(nb_nn, "<p>Jeg kommer hjem.</p>".encode("utf-16"))
    assert out == f"<p>{nb_nn.translate('Jeg kommer hjem.')}</p>"


def test_long_paragraph_is_cut_into_pieces_and_reads_as_the_text_engine(nb_nn):
    sentences = ["Pasienter over hele landet må nå vente <b>lenger</b> på behandling.",
                 "Det viser <a href=\"/t\">nye tall</a> fra Helsedirektoratet.",
                 "Flere av dem ble skadet i går."] * 12
    src = "<p>" + " ".join(sentences) + "</p>"
    assert len(src) > 3 * nb_nn.max_segment_chars
    out = tree(html(nb_nn, src), fragment=True)
    p = next(out.iter("p"))
    assert len(p.findall("b")) == 12 and len(p.findall("a")) == 12
    assert text_of(p) == nb_nn.translate(re.sub(r"<[^>]+>", "", " ".join(sentences)))


def test_news_profile_gives_the_same_text_as_plain_translation(news):
    sentence = "Vi vil også komme hjem, og flere av dem ble skadet."
    out = html(news, f"<p>{sentence}</p>\n")
    assert out == f"<p>{news.translate(sentence)}</p>\n"


def test_xhtml_stays_xml(nb_nn):
    src = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
           '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="nb" lang="nb">\n'
           '<head><title>Jeg kommer</title><script>if (a &lt; b) go();</script></head>\n'
           '<body><p>Jeg kommer hjem.<br/><img src="a.png" alt="Et hus"/></p><p></p></body>\n'
           '</html>\n')
    out = html(nb_nn, src)
    from lxml import etree

    etree.fromstring(out.encode("utf-8"))  # well-formed XML
    assert out.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n')
    assert 'xml:lang="nn" lang="nn"' in out
    assert "<script>if (a &lt; b) go();</script>" in out and "<p></p>" in out
    assert f"<p>{nb_nn.translate('Jeg kommer hjem.')}<br/>" in out


def test_processing_instructions_are_refused_not_turned_into_comments(nb_nn):
    with pytest.raises(FormatError, match="processing instructions"):
        html(nb_nn, "<p>Jeg kommer <?php echo $navn; ?> hjem.</p>")
    script = '<p>Jeg kommer hjem.</p><script>var s = "<?xml?>";</script>'
    assert html(nb_nn, script).endswith('<script>var s = "<?xml?>";</script>')


# -- hostile HTML ------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<html><body><p>&lol3;</p></body></html>
"""


@pytest.mark.parametrize("doc", [
    BILLION_LAUGHS,
    '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body><p>&xxe;</p></body></html>',
])
def test_entity_declarations_are_refused(nb_nn, doc):
    with pytest.raises(FormatError, match="entity"):
        html(nb_nn, doc)


def test_external_doctype_is_not_fetched_or_expanded(nb_nn):
    doc = ('<!DOCTYPE html SYSTEM "file:///etc/passwd"><html><body>'
           '<p>Jeg kommer &xxe; hjem.</p></body></html>')
    out = html(nb_nn, doc)
    assert "root:" not in out
    assert "&amp;xxe;" in out or "&xxe;" in out


@pytest.mark.parametrize("tag", ["div", "b"])
def test_deep_nesting_is_refused_quickly(nb_nn, tag):
    doc = f"<{tag}>" * 100_000 + "Jeg kommer hjem." + f"</{tag}>" * 100_000
    t = time.monotonic()
    with pytest.raises(FormatError, match="limits"):
        html(nb_nn, doc)
    assert time.monotonic() - t < 10


def test_twenty_megabytes_of_html_is_processed_in_bounded_time(nb_nn):
    block = '<div><pre>' + "Jeg kommer hjem\n" * 60 + "</pre><p><code>x = 1</code></p></div>\n"
    body = block * (20_000_000 // len(block) + 1)
    doc = f"<html><body><p>Jeg kommer hjem.</p>\n{body}<p>Flere ble skadet.</p></body></html>"
    assert len(doc) > 20_000_000
    t = time.monotonic()
    out = html(nb_nn, doc)
    assert time.monotonic() - t < 120
    assert nb_nn.translate("Jeg kommer hjem.") in out[:200]
    assert out.endswith(f"<p>{nb_nn.translate('Flere ble skadet.')}</p></body></html>")
    assert len(out) == pytest.approx(len(doc), rel=0.001)


@pytest.mark.parametrize("doc", [
    "<p>" + "Jeg kommer hjem. " * 1_200_000 + "</p>",   # one 20 MB text node
    "<body>" + ("<pre>" + "Jeg kommer hjem\n" * 60 + "</pre>\n<script>var x = 1;</script>\n")
    * 20_000 + "</body>",                                 # libxml2's buffer limit, hit at ~10 MB
])
def test_html_beyond_the_parser_limits_is_refused_not_cut_short(nb_nn, doc):
    t = time.monotonic()
    with pytest.raises(FormatError, match="limits"):
        html(nb_nn, doc)
    assert time.monotonic() - t < 30


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", b"Bare tekst uten tagger.",
                                  b"PK\x03\x04\x14\x00\x06\x00\xe5\xff"])
def test_non_html_is_refused(nb_nn, data):
    with pytest.raises(FormatError):
        translate_document(data, "html", nb_nn)


@pytest.mark.parametrize("doc", [b"", b"  \n", b"<!DOCTYPE html>\n<!-- tom -->\n"])
def test_html_without_content_comes_back_as_it_was(nb_nn, doc):
    assert translate_document(doc, "html", nb_nn) == doc


# -- Markdown ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def article_nb() -> str:
    return (FIXTURES / "article.nb.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def article_nn(nb_nn, article_nb) -> str:
    return md(nb_nn, article_nb)


def body(text: str) -> str:
    return text.split("---\n", 2)[2]


def test_markdown_keeps_its_token_structure(article_nb, article_nn):
    assert md_shape(body(article_nn)) == md_shape(body(article_nb))
    assert blank_lines(article_nn) == blank_lines(article_nb)
    assert article_nn.count("\n") == article_nb.count("\n")
    assert article_nn != article_nb


def test_markdown_syntax_and_code_are_byte_identical(article_nb, article_nn):
    for kept in ('```sh\necho "Jeg kommer hjem" | omset translate\n```\n',
                 "    Jeg kommer hjem (innrykket kode)\n",
                 "`omset translate hjem.txt`",
                 '](https://www.helsedirektoratet.no/tall "Tall")',
                 '](/bilder/sykehus.jpg "Sykehus")',
                 "|:--------|---------:|",
                 '[tall]: https://www.helsedirektoratet.no "Jeg kommer hjem"',
                 "========================\n", "date: 2024-03-05\n", "slug: ventetid-sykehus\n",
                 "tags: [helse, sykehus]\n"):
        assert kept in article_nb and kept in article_nn, kept


def test_markdown_text_reads_as_the_text_engine(nb_nn, article_nb, article_nn):
    lines_nb, lines_nn = article_nb.split("\n"), article_nn.split("\n")
    sentence = "Pasienter over hele landet må nå vente lenger på behandling enn for ett år siden."
    assert lines_nn[lines_nb.index(sentence)] == nb_nn.translate(sentence)
    heading = "# Ventetiden på norske sykehus har økt kraftig"
    assert lines_nn[lines_nb.index(heading)] == "# " + nb_nn.translate(heading[2:])
    for item in ("- Jeg kommer hjem.", "- Flere av dem ble skadet."):
        assert lines_nn[lines_nb.index(item)] == "- " + nb_nn.translate(item[2:])
    plain = nb_nn.translate("Jeg kommer hjem.").split()
    assert f"{plain[0]} **{plain[1]}** {plain[2]}" in lines_nn
    # a paragraph wrapped over two lines, with a link: same text as the engine gives
    i = lines_nb.index("Helsedirektoratet som ble lagt fram **tirsdag** i *Oslo*.")
    assert unmark(lines_nn[i - 1] + " " + lines_nn[i]) == nb_nn.translate(
        unmark(lines_nb[i - 1] + " " + lines_nb[i]))


def unmark(s: str) -> str:
    """Markdown inline syntax off, whitespace folded: the text a reader sees."""
    return " ".join(re.sub(r"\[([^]]*)\]\([^)]*\)|\*+", r"\1", s).split())


def test_markdown_alt_text_link_text_table_and_quote_are_translated(nb_nn, article_nn):
    assert f"![{nb_nn.translate('Et sykehus i Oslo')}](/bilder/sykehus.jpg" in article_nn
    assert f"| {nb_nn.translate('Flere uker')} |" in article_nn
    quote = nb_nn.translate("Vi vil også komme hjem, og flere av dem ble skadet.")
    lines = [line for line in article_nn.split("\n") if line.startswith("> ")]
    assert len(lines) == 2 and " ".join(line[2:] for line in lines) == quote


def test_aligned_table_keeps_its_pipes_where_they_were(nb_nn):
    src = ("| Navn                | Beskrivelse                     |     Antall |\n"
           "|---------------------|---------------------------------|-----------:|\n"
           "| Huset               | Jeg kommer hjem                 |         12 |\n"
           "| Sykehusene          | Flere av dem ble skadet         |  Ingen nå |\n")
    src = src.replace("|  Ingen nå |", "|   Ingen nå |")
    out = md(nb_nn, src)
    pipes = {tuple(m.start() for m in re.finditer(r"\|", line)) for line in out.splitlines()}
    assert len(pipes) == 1 and md_shape(out) == md_shape(src)
    assert f"| {nb_nn.translate('Jeg kommer hjem')} " in out
    ragged = "| Navn | Beskrivelse |\n|---|---|\n|Huset|Jeg kommer hjem|\n"
    assert md(nb_nn, ragged).endswith(f"|Huset|{nb_nn.translate('Jeg kommer hjem')}|\n")


def test_escaped_pipes_in_table_cells_stay_escaped(nb_nn):
    src = "| A | B |\n|---|---|\n| Jeg kommer \\| hjem `a \\| b` | Flere |\n"
    out = md(nb_nn, src)
    assert md_shape(out) == md_shape(src)
    left, right = nb_nn.translate("Jeg kommer"), nb_nn.translate("hjem")
    assert out.endswith(f"| {left} \\| {right} `a \\| b` | {nb_nn.translate('Flere')} |\n")


def test_markdown_html_block_goes_through_the_html_format(nb_nn, article_nn):
    assert f'<div class="merknad">\n<p>{nb_nn.translate("Flere av dem ble skadet.")}</p>\n</div>' \
        in article_nn


def test_front_matter_translates_prose_keys_only(nb_nn, article_nn):
    head = article_nn.split("---\n")[1]
    assert f"title: {nb_nn.translate('Ventetiden har økt kraftig')}\n" in head
    assert f'description: "{nb_nn.translate("Pasienter over hele landet må nå vente lenger.")}"' in head
    from ruamel.yaml import YAML

    meta = YAML(typ="safe", pure=True).load(head)
    assert set(meta) == {"title", "description", "date", "slug", "tags"}
    assert meta["tags"] == ["helse", "sykehus"]


def test_yaml_bomb_in_front_matter_is_left_alone_quickly(nb_nn):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    head = "---\ntitle: Jeg kommer hjem\n" + "\n".join(levels) + "\n---\n"
    t = time.monotonic()
    out = md(nb_nn, head + "\nFlere ble skadet.\n")
    assert time.monotonic() - t < 30
    assert out == head + "\n" + nb_nn.translate("Flere ble skadet.") + "\n"


def test_front_matter_language_follows_the_direction(nb_nn):
    out = md(nb_nn, "---\nlang: nb\nlocale: \"nb_NO\"\nother: nb\n---\n\nJeg kommer.\n")
    assert out.startswith('---\nlang: nn\nlocale: "nn_NO"\nother: nb\n---\n')


def test_markdown_crlf_and_blank_lines_are_kept(nb_nn):
    src = "# Jeg kommer hjem\r\n\r\n\r\nFlere ble skadet.\r\nVi vil hjem.\r\n\r\n- en\r\n"
    out = md(nb_nn, src)
    assert out.count("\r\n") == src.count("\r\n") and "\n" not in out.replace("\r\n", "")
    assert out.startswith("# " + nb_nn.translate("Jeg kommer hjem") + "\r\n\r\n\r\n")


def test_markdown_escapes_survive(nb_nn):
    out = md(nb_nn, "Jeg kommer hjem \\*ikke\\* nå.\n")
    assert "\\*" in out and md_shape(out) == md_shape("Jeg kommer hjem \\*ikke\\* nå.\n")


def test_markdown_hard_breaks_and_nested_emphasis(nb_nn):
    src = "Jeg kommer **hjem *nå* i dag**  \nog flere ble skadet\\\ni går.\n"
    out = md(nb_nn, src)
    assert md_shape(out) == md_shape(src)
    assert out.split("\n")[0].endswith("**  ") and out.split("\n")[1].endswith("\\")
    assert unmark(out.replace("\\\n", " ")) == nb_nn.translate(unmark(src.replace("\\\n", " ")))


def test_reference_link_labels_are_not_translated(nb_nn):
    src = ("Jeg kommer [hjem][ref], og [flere] ble [skadet][].\n\n"
           "[ref]: http://x.no\n[flere]: http://y.no\n[skadet]: http://z.no\n")
    out = md(nb_nn, src)
    assert md_shape(out) == md_shape(src)
    assert "[flere]" in out.split("\n")[0] and "[skadet][]" in out
    assert f"[{nb_nn.translate('hjem')}][ref]" in out or "][ref]" in out


def test_markdown_deep_nesting_does_not_crash(nb_nn):
    src = "> " * 5000 + "Jeg kommer hjem.\n\n" + "- " * 3000 + "Flere ble skadet.\n"
    t = time.monotonic()
    out = md(nb_nn, src)
    assert time.monotonic() - t < 60
    assert out.count("\n") == src.count("\n")


def test_markdown_refuses_bytes_that_are_not_utf8(nb_nn):
    with pytest.raises(FormatError, match="offset"):
        translate_document(b"# Hei\n\xff\xfe", "markdown", nb_nn)


# -- property-based --------------------------------------------------------------------------

WORDS = ["jeg", "kommer", "hjem", "flere", "av", "dem", "ble", "skadet", "vi", "vil", "også",
         "komme", "huset", "sykehus", "ventetiden", "har", "økt", "kraftig", "nå", "pasienter",
         "Oslo", "og", "i", "går", "fra", "tallene", "viser", "behandling"]
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
sentence = st.tuples(words, st.sampled_from(["", ".", "!", "?"])).map("".join)

inline_html = st.recursive(
    words,
    lambda kids: st.one_of(
        st.tuples(st.sampled_from(["b", "em", "span", "strong", "i"]),
                  st.lists(kids, min_size=1, max_size=3)).map(
            lambda t: f"<{t[0]}>{' '.join(t[1])}</{t[0]}>"),
        st.lists(kids, min_size=1, max_size=3).map(
            lambda ks: f'<a href="/sak?id=1&amp;x=2">{" ".join(ks)}</a>'),
        words.map(lambda w: f'<abbr title="{w}">NRK</abbr>'),
    ),
    max_leaves=6)
html_piece = st.one_of(inline_html, st.just("<br>"), words.map(lambda w: f"<code>{w}</code>"),
                       words.map(lambda w: f'<img src="a.png" alt="{w}">'))
html_para = st.tuples(st.lists(html_piece, min_size=1, max_size=4), sentence,
                      st.sampled_from([" ", "\n  "])).map(lambda t: t[2].join([*t[0], t[1]]))
html_block = st.one_of(
    html_para.map(lambda p: f"<p>{p}</p>"),
    words.map(lambda w: f"<h2>{w}</h2>"),
    st.lists(html_para, min_size=1, max_size=3).map(
        lambda ps: "<ul>" + "".join(f"<li>{p}</li>" for p in ps) + "</ul>"),
    html_para.map(lambda p: f"<blockquote><p>{p}</p></blockquote>"),
    html_para.map(lambda p: f'<div class="x">{p}<p>{p}</p></div>'),
    words.map(lambda w: f"<pre>{w}\n  {w}</pre>"),
    words.map(lambda w: f'<p translate="no">{w}</p>'),
)
html_doc = st.lists(html_block, min_size=1, max_size=4).map("\n".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=html_doc)
def test_property_any_html_fragment_keeps_its_shape(nb_nn, doc):
    out = html(nb_nn, doc)
    assert shape(out, fragment=True) == shape(doc, fragment=True)
    assert indentation(out) == indentation(doc)
    for tag in ("code", "pre"):
        assert re.findall(rf"<{tag}>.*?</{tag}>", out, re.S) == re.findall(rf"<{tag}>.*?</{tag}>", doc, re.S)
    assert re.findall(r'<p translate="no">.*?</p>', out) == re.findall(r'<p translate="no">.*?</p>', doc)
    assert not re.search(r"<(html|body)\b", out)
    for a, b in zip(re.findall(r"<h2>(.*?)</h2>", doc), re.findall(r"<h2>(.*?)</h2>", out)):
        assert b == nb_nn.translate(a)


md_inline = st.one_of(
    words,
    words.map(lambda w: f"**{w}**"),
    words.map(lambda w: f"*{w}*"),
    words.map(lambda w: f"_{w}_"),
    words.map(lambda w: f"[{w}](https://example.no/sak?id=1 \"Tittel\")"),
    words.map(lambda w: f"`{w}`"),
    words.map(lambda w: f"![{w}](bilde.png)"),
)
md_line = st.tuples(st.lists(md_inline, min_size=1, max_size=4).map(" ".join), sentence).map(" ".join)
md_block = st.one_of(
    st.lists(md_line, min_size=1, max_size=3).map("\n".join),
    st.tuples(st.integers(1, 4), words).map(lambda t: "#" * t[0] + " " + t[1]),
    st.lists(md_line, min_size=1, max_size=3).map(lambda ls: "\n".join("- " + line for line in ls)),
    st.lists(md_line, min_size=1, max_size=2).map(lambda ls: "\n".join("> " + line for line in ls)),
    words.map(lambda w: f"```\n{w}\n```"),
    st.tuples(md_line, md_line).map(lambda t: f"| A | B |\n|---|:-:|\n| {t[0]} | {t[1]} |"),
)
md_doc = st.lists(md_block, min_size=1, max_size=4).map(lambda bs: "\n\n".join(bs) + "\n")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=md_doc)
def test_property_any_markdown_keeps_its_tokens(nb_nn, doc):
    out = md(nb_nn, doc)
    assert md_shape(out) == md_shape(doc)
    assert blank_lines(out) == blank_lines(doc)
    for a, b in zip(doc.split("\n"), out.split("\n")):
        heading = re.fullmatch(r"(#+ )([\w ]+)", a)
        if heading:
            assert b == heading.group(1) + nb_nn.translate(heading.group(2))


# -- command line ---------------------------------------------------------------------------

OMSET = [sys.executable, "-m", "omset"]


def test_cli_translates_a_page_into_a_file(apertium_installed, tmp_path, page_nb):
    src = tmp_path / "page.html"
    src.write_text(page_nb, encoding="utf-8")
    dst = tmp_path / "page.nn.html"
    r = subprocess.run(OMSET + ["translate", str(src), "-o", str(dst), "--style", "apertium"],
                       capture_output=True, timeout=180)
    assert r.returncode == 0, r.stderr
    out = dst.read_text(encoding="utf-8")
    assert shape(out) == shape(page_nb) and '<html lang="nn">' in out


def test_cli_translates_markdown_by_format_option(apertium_installed, tmp_path, article_nb):
    src = tmp_path / "README"
    src.write_text(article_nb, encoding="utf-8")
    r = subprocess.run(OMSET + ["translate", str(src), "--format", "markdown"],
                       capture_output=True, timeout=180)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert md_shape(body(out)) == md_shape(body(article_nb))
    assert '```sh\necho "Jeg kommer hjem" | omset translate\n```' in out


def test_cli_refuses_hostile_html_with_exit_code_2(apertium_installed, tmp_path):
    src = tmp_path / "lol.html"
    src.write_text(BILLION_LAUGHS, encoding="utf-8")
    dst = tmp_path / "lol.nn.html"
    r = subprocess.run(OMSET + ["translate", str(src), "-o", str(dst)], capture_output=True,
                       timeout=180)
    assert r.returncode == 2 and b"entity" in r.stderr and not dst.exists()
