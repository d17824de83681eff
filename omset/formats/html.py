"""HTML pages and fragments: text nodes and a few attributes are translated, nothing else.

Parsing is lxml's (libxml2's) HTML parser with no network, no DTD, no entity
declarations (a document with an internal DTD subset is refused) and libxml2's resource
limits on (``huge_tree`` off): a document nested deeper than 255 levels or with a text
node over 10 MB is refused with a :class:`FormatError` instead of being cut short.

Block elements (``p``, ``h1``–``h6``, ``li``, ``td``, ``div`` …) delimit segments; inline
elements (``b``, ``a``, ``span``, ``br`` …) travel inside a segment as markers
(:mod:`omset.formats.inline`), so a link stays around the words it was around. After
translation the segment's inline elements are put back in the order Apertium left them;
their tags and attributes are the very lxml elements of the input.

Left untouched, with everything inside them: ``script``, ``style``, ``code``, ``pre``,
``kbd``, ``samp``, ``var``, ``textarea``, elements with ``translate="no"`` and elements
whose ``lang`` names another language than the source (text already in the target
language, English quotes …). Comments, the doctype and whatever precedes the root element
are copied byte for byte; attribute quoting is normalised by the serializer (double
quotes), and character references are written back as the entity the input used for
that character (``&nbsp;`` stays ``&nbsp;``) unless the input also had it unescaped.
"""

from __future__ import annotations

import codecs
import html as html_lib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .common import BOM, decode_declared, decode_text, target_lang
from .inline import Builder, Marker, translate_segments

if TYPE_CHECKING:  # pragma: no cover
    from lxml.html import HtmlElement

    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "text/html; charset=utf-8"

#: attributes whose values are text for people
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
#: elements whose content is never translated (nor their attributes)
SKIP = frozenset({"script", "style", "code", "pre", "kbd", "samp", "var", "textarea"})
#: phrasing content: inside a segment; everything else (and unknown tags) delimits segments
INLINE = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del",
    "dfn", "em", "font", "i", "img", "input", "ins", "kbd", "label", "mark", "nobr", "q",
    "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var", "wbr", "script", "style", "textarea", "button", "output",
    "meter", "progress", "svg", "math", "audio", "video", "canvas", "embed", "object",
    "iframe", "picture", "source",
})
#: inline elements that stay opaque inside a segment (their content is not text)
OPAQUE = frozenset({"svg", "math", "audio", "video", "canvas", "embed", "object", "iframe",
                    "picture", "source"})
#: elements that never have content (the rest keep an end tag in XHTML output)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr", "param", "keygen"})
LANG_ATTRIBUTES = ("lang", "xml:lang")
#: language codes that mean the source language, per source
LANG_CODES = {"nb": ("nb", "no", "nob", "nor"), "nn": ("nn", "nno")}

_DOCUMENT = re.compile(r"<(?:!doctype|html|head|body)[\s>/]", re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_NOT_MARKUP = re.compile(r"<!--.*?(?:-->|$)|<(script|style)\b.*?(?:</\1\s*>|$)", re.S | re.I)
_TAG = re.compile(r"<[a-zA-Z!?/]")
_DTD_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[|<!ENTITY", re.I)
_PROLOG = re.compile(r"(?:\s|<!--.*?-->|<!doctype[^>]*>|<\?.*?\?>)*", re.I | re.S)
_XML_DECLARATION = re.compile(r"\s*(?:<\?xml\s.*?\?>)?", re.S)
_INSTRUCTION = re.compile(r"<\?")
_END_HTML = re.compile(r"</html\s*>", re.I)
_CHARSET_SNIFF = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CHARSET_IN_CONTENT = re.compile(r"(charset\s*=\s*)([A-Za-z0-9_.:-]+)", re.I)
_XML_ENCODING = re.compile(r"""(<\?xml[^>]*encoding\s*=\s*["'])([^"']*)""", re.I)
# (a reference of more digits than any character has is no character: Python would even
# refuse to read it as a number, past 4,300 digits)
_ENTITY = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]*);")
# What libxml2's HTML parser makes of references such as ``&#11`` or ``&#xfffe;`` but
# lxml refuses to store again: such a character cannot be written back, so it is dropped
# (the CLI drops control characters from any text anyway).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _storable(text: str) -> str:
    """``text`` without the characters lxml will not store in a tree."""
    return _UNSTORABLE.sub("", text)


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    """Translate an HTML page or fragment; a fragment comes back a fragment."""
    source, bom = _decode(data)
    if not source.strip():
        return data
    out = translate_html(source, tr, options)
    return ((BOM if bom else "") + out).encode("utf-8")


def translate_html(source: str, tr: "Translator", options: "Options") -> str:
    """:func:`translate` on text: what the Markdown format uses for its HTML blocks."""
    from . import FormatError

    if _DTD_SUBSET.search(source):
        raise FormatError("HTML with a DTD internal subset or entity declarations is not "
                          "accepted (entity expansion)")
    declaration = _XML_DECLARATION.match(source)
    if _INSTRUCTION.search(_markup(source[declaration.end() if declaration else 0:])):
        raise FormatError("HTML with processing instructions (<?php … ?>) cannot be kept as "
                          "written by the HTML parser; translate the template's output instead")
    if not _TAG.search(source):
        raise FormatError("no HTML tags found: this does not look like HTML "
                          "(use --format text for plain text)")
    if _PROLOG.fullmatch(source):
        return source  # a doctype and comments, nothing else
    page = Page.parse(source)
    page.translate(tr, target_lang(tr, options))
    return page.serialize()


def roundtrips(source: str) -> bool:
    """True when parsing and serialising ``source`` gives it back unchanged."""
    try:
        return Page.parse(source).serialize() == source
    except Exception:  # noqa: BLE001 - anything unparseable does not round-trip
        return False


# -- decoding ------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, bool]:
    """Text of the document: UTF-8 (BOM kept), UTF-16 by BOM, else the declared charset."""
    from . import FormatError
    from ..text.clean import strip_controls

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return strip_controls(data.decode("utf-16"))[0].lstrip(BOM), False
        except UnicodeDecodeError as exc:
            raise FormatError(f"HTML: invalid UTF-16 at byte offset {exc.start}") from None
    try:
        return decode_text(data, "HTML")
    except FormatError:
        m = _CHARSET_SNIFF.search(data[:4096])
        if not m:
            raise
        text = decode_declared(data, m.group(1).decode("ascii"), "HTML")
        if text is None:
            raise
        return text, False


# -- the page ------------------------------------------------------------------------------

def _parser():
    from lxml import html as lxml_html

    return lxml_html.HTMLParser(encoding="utf-8", no_network=True, huge_tree=False,
                                remove_comments=False, remove_pis=False, remove_blank_text=False,
                                default_doctype=False)


def _markup(source: str) -> str:
    """The source without comments, scripts and styles: where a tag is really a tag."""
    return _NOT_MARKUP.sub("", source)


def _has_tag(markup: str, tag: str) -> bool:
    return re.search(rf"<{tag}[\s>/]", markup, re.I) is not None


@dataclass
class Page:
    """A parsed document or fragment and what is needed to write it back the same way."""

    root: "HtmlElement"                 # the <html> element, or a wrapper <div> of a fragment
    fragment: bool
    prefix: str = ""                    # doctype, comments … before the root, verbatim
    suffix: str = ""                    # after </html>, verbatim
    implicit: frozenset[str] = frozenset()  # html/head/body the parser added
    xml: bool = False                   # XHTML with an XML prolog: serialise as XML
    entities: dict[str, str] = field(default_factory=dict)  # character → its reference

    @classmethod
    def parse(cls, source: str) -> "Page":
        from lxml import html as lxml_html

        from . import FormatError

        markup = _markup(source)
        fragment = _DOCUMENT.search(markup) is None
        parser = _parser()
        prefix = suffix = ""
        body = source
        if not fragment:
            prefix = _PROLOG.match(source).group()  # type: ignore[union-attr]
            body = source[len(prefix):]
            ends = list(_END_HTML.finditer(body))
            if ends and not _COMMENT.sub("", body[ends[-1].end():]).strip():
                suffix = body[ends[-1].end():]
                body = body[:ends[-1].end()]
        try:
            if fragment:
                root = lxml_html.fragment_fromstring(body.encode("utf-8"), create_parent="div",
                                                     parser=parser)
            else:
                root = lxml_html.document_fromstring(body.encode("utf-8"), parser=parser)
        except Exception as exc:  # lxml's ParserError, XMLSyntaxError
            raise FormatError(f"HTML could not be parsed: {exc}") from None
        fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
        if fatal:
            raise FormatError(f"HTML is beyond the parser's limits: {fatal[0].message.strip()}")
        implicit = frozenset(t for t in ("html", "head", "body") if not _has_tag(markup, t))
        page = cls(root, fragment, prefix, suffix, implicit,
                   xml=prefix.lstrip().startswith("<?xml"))
        page.entities = _entities(source)
        return page

    # -- translation ---------------------------------------------------------------------
    def translate(self, tr: "Translator", lang: str) -> None:
        walker = _Walker(tuple(LANG_CODES.get(tr.source, (tr.source,))), lang)
        if not self.fragment and self.root.tag == "html":
            for name in LANG_ATTRIBUTES:
                if name in self.root.attrib:
                    self.root.set(name, retag(self.root.get(name, ""), lang))
        walker.block(self.root)
        segments = [p.builder.parts for p in walker.plans]
        attrs = [[el.get(name)] for el, name in walker.attributes]
        done = translate_segments(tr, segments + attrs)
        for plan, parts in zip(walker.plans, done):
            plan.rebuild(parts)
        for (el, name), parts in zip(walker.attributes, done[len(segments):]):
            el.set(name, _storable("".join(p for p in parts if isinstance(p, str))))
        self._fix_charset()

    def _fix_charset(self) -> None:
        """The output is UTF-8: say so where the input declared something else."""
        def utf8(m: re.Match) -> str:
            return m.group(0) if _is_utf8(m.group(2)) else m.group(1) + "utf-8"

        for meta in self.root.iter("meta"):
            if meta.get("charset") is not None and not _is_utf8(meta.get("charset")):
                meta.set("charset", "utf-8")
            elif (meta.get("http-equiv") or "").lower() == "content-type" and meta.get("content"):
                meta.set("content", _CHARSET_IN_CONTENT.sub(utf8, meta.get("content")))
        self.prefix = _XML_ENCODING.sub(utf8, self.prefix)

    # -- output --------------------------------------------------------------------------
    def serialize(self) -> str:
        raw = self._protect_raw_text() if self.xml else {}
        if self.fragment:
            out = _escape(self.root.text) + "".join(self._tostring(c, True) for c in self.root)
        else:
            out = self.prefix + self._element(self.root, top=True) + self.suffix
        for key, text in raw.items():
            out = out.replace(key, text, 1)
        return _reference(out, self.entities)

    def _protect_raw_text(self) -> dict[str, str]:
        """XHTML written as XML: script and style go out exactly as they came in (the HTML
        parser kept their source, ``&lt;`` and CDATA included), and elements that had an
        end tag keep one (``<p></p>``, not ``<p/>``)."""
        raw: dict[str, str] = {}
        for el in self.root.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag in ("script", "style") and el.text:
                key = f"\ue100{len(raw)}\ue101"
                raw[key], el.text = el.text, key
            elif el.text is None and len(el) == 0 and el.tag not in VOID:
                el.text = ""
        return raw

    def _tostring(self, el, with_tail: bool) -> str:
        from lxml import etree

        return etree.tostring(el, method="xml" if self.xml else "html", encoding="unicode",
                              with_tail=with_tail)

    def _element(self, el, top: bool = False) -> str:
        """An element; html/head/body the parser made up are left out (their content kept)."""
        if el.tag not in self.implicit or len(el.attrib):
            return self._tostring(el, not top)
        inner = _escape(el.text) + "".join(
            self._element(c) if c.tag in ("head", "body") else self._tostring(c, True)
            for c in el)
        return inner + ("" if top else _escape(el.tail))


def _is_utf8(name: str) -> bool:
    try:
        return codecs.lookup(name.strip()).name == "utf-8"
    except LookupError:
        return False


def _escape(text: str | None) -> str:
    return html_lib.escape(text, quote=False) if text else ""


def _entities(source: str) -> dict[str, str]:
    """Characters the input wrote only as named or numeric references (``&nbsp;``)."""
    found: dict[str, str] = {}
    for m in _ENTITY.finditer(source):
        ch = html_lib.unescape(m.group())
        if len(ch) == 1 and ord(ch) > 127 and ch not in found:
            found[ch] = m.group()
    return {ch: ref for ch, ref in found.items() if ch not in source}


def _reference(text: str, entities: dict[str, str]) -> str:
    for ch, ref in entities.items():
        text = text.replace(ch, ref)
    return text


def retag(value: str, lang: str) -> str:
    """``nb-NO`` → ``nn-NO``: the language changes, a region stays."""
    for sep in "-_":
        if sep in value:
            return lang + sep + value.partition(sep)[2]
    return lang


# -- segments ------------------------------------------------------------------------------

@dataclass
class _Plan:
    """One segment and where its text and inline elements live in the tree."""

    container: "HtmlElement"
    start: tuple["HtmlElement", str]          # (node, "text" | "tail") holding the first text
    builder: Builder = field(default_factory=Builder)
    top: list = field(default_factory=list)   # the container's children in this segment
    nodes: dict[int, "HtmlElement"] = field(default_factory=dict)  # marker key → node

    def rebuild(self, parts: list) -> None:
        """Put the translated text and the segment's elements back, in the answer's order."""
        node, slot = self.start
        container = self.container
        pos = container.index(self.top[0]) if self.top else 0
        for n in self.top:
            container.remove(n)
        setattr(node, slot, None)
        frames: list[list] = [[container, None]]
        placed: list = []  # the last element put at the container's level

        def add_text(s: str) -> None:
            s = _storable(s)
            parent, last = frames[-1]
            if last is not None:
                last.tail = (last.tail or "") + s
            elif len(frames) == 1:
                setattr(node, slot, (getattr(node, slot) or "") + s)
            else:
                parent.text = (parent.text or "") + s

        for p in parts:
            if isinstance(p, str):
                if p:
                    add_text(p)
                continue
            assert isinstance(p, Marker)
            if p.role == "close":
                frames.pop()
                continue
            el = self.nodes[p.key]
            el.tail = None
            if p.role == "open":
                el.text = None
            if len(frames) == 1:
                # after the previous one, not by index: lxml finds an index by walking
                # the children, which made a block of many links quadratic
                if placed:
                    placed[0].addnext(el)
                else:
                    container.insert(pos, el)
                placed[:] = [el]
            else:
                frames[-1][0].append(el)
            frames[-1][1] = el
            if p.role == "open":
                frames.append([el, None])


class _Walker:
    """Finds the segments (block content) and translatable attributes of a tree."""

    def __init__(self, source_codes: tuple[str, ...], lang: str):
        self.codes, self.lang = source_codes, lang
        self.plans: list[_Plan] = []
        self.attributes: list[tuple["HtmlElement", str]] = []
        self._blocky: dict["HtmlElement", bool] = {}

    # classification
    def _skip(self, el) -> bool:
        """Untouched with all it holds; also retags a source-language ``lang``."""
        if not isinstance(el.tag, str):
            return True  # comments, processing instructions
        if el.tag in SKIP or (el.get("translate") or "").strip().lower() == "no":
            return True
        if el.tag == "html":
            return False
        for name in LANG_ATTRIBUTES:
            lang = el.get(name)
            if lang is None:
                continue
            code = lang.strip().lower().partition("-")[0]
            if code and code not in self.codes:
                return True  # another language: leave it as it is
            if code:
                el.set(name, retag(lang.strip(), self.lang))
        return False

    def _is_block(self, el) -> bool:
        if not isinstance(el.tag, str):
            return False
        if el.tag not in INLINE:
            return True
        if el.tag in OPAQUE or el.tag in SKIP:
            return False
        hit = self._blocky.get(el)
        if hit is None:
            hit = any(isinstance(d.tag, str) and d.tag not in INLINE for d in el.iterdescendants())
            self._blocky[el] = hit
        return hit

    def _attrs(self, el) -> None:
        for name in ATTRIBUTES:
            value = el.get(name)
            if value and value.strip():
                self.attributes.append((el, name))

    # walking
    def block(self, el) -> None:
        """A container: its own text and inline children form segments between blocks."""
        self._attrs(el)
        plan = _Plan(el, (el, "text"))
        plan.builder.text(el.text)
        for child in list(el):
            skipped = self._skip(child)
            if self._is_block(child) and not (skipped and child.tag in INLINE):
                self._flush(plan)
                if not skipped:
                    self.block(child)
                plan = _Plan(el, (child, "tail"))
                plan.builder.text(child.tail)
                continue
            plan.top.append(child)
            self._inline(child, plan, skipped)
        self._flush(plan)

    def _inline(self, el, plan: _Plan, skipped: bool) -> None:
        b = plan.builder
        label = el.tag if isinstance(el.tag, str) else "#"
        if skipped or el.tag in OPAQUE or (len(el) == 0 and not el.text):
            if not skipped:  # an iframe's or a video's title is read aloud too
                self._attrs(el)
            plan.nodes[b.void(f"<{label}/>").key] = el
        else:
            self._attrs(el)
            plan.nodes[b.open(f"<{label}>").key] = el
            b.text(el.text)
            for child in list(el):
                self._inline(child, plan, self._skip(child))
            b.close(f"</{label}>")
        b.text(el.tail)

    def _flush(self, plan: _Plan) -> None:
        if plan.builder.has_text:
            self.plans.append(plan)
