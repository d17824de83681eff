"""DOCX (Office Open XML): every paragraph of the text parts translated, formatting kept.

Parts are found through ``[Content_Types].xml`` (main document, headers, footers,
footnotes, endnotes, comments), not by file name, so renamed parts are found too. Each
``w:p`` anywhere in them — table cells, text boxes, content controls included — is one
segment; its runs, hyperlinks, smart tags, insertions and content controls become
:mod:`~omset.formats.runs` pieces, everything else inline (field codes, footnote
references, bookmarks, comment anchors, images, deleted text, math) travels as opaque
markup and is put back untouched. The paragraph is then rewritten from the translated
pieces: runs may be regrouped, but every word keeps the run properties its source word
had. Tabs and plain line breaks ride as whitespace, non-breaking
hyphens as U+2011; soft hyphens, ``w:proofErr`` and
``w:lastRenderedPageBreak`` (spell-check and layout caches, meaningless once the words
change) are dropped. Members we do not change are copied as they were
(:class:`~omset.formats.safezip.SafeZip`).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from . import FormatError
from .common import target_lang
from .runs import Flat, LangTags, Piece, translate_flats
from .safexml import parse_xml, serialize_xml
from .safezip import SafeZip

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
#: content types whose paragraphs are translated
TEXT_TYPES = {_WML + t for t in ("document.main+xml", "template.main+xml", "header+xml",
                                 "footer+xml", "footnotes+xml", "endnotes+xml", "comments+xml")}
TEXT_TYPES |= {"application/vnd.ms-word.document.macroEnabled.main+xml",
               "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"}
MAIN_TYPES = {t for t in TEXT_TYPES if t.endswith("main+xml")}
#: content types where only the language is set
LANG_TYPES = {_WML + t for t in ("styles+xml", "settings+xml", "numbering+xml")}
LANG_TYPES.add("application/vnd.ms-word.stylesWithEffects+xml")
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"

P, R, T, PPR, RPR = w("p"), w("r"), w("t"), w("pPr"), w("rPr")
HYPERLINK = w("hyperlink")
#: inline containers whose runs are translated; copied (possibly split) on rewrite
CONTAINERS = {w(n) for n in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "dir", "bdo",
                             "sdt")}
#: property children of containers: copied with the container, not pieces
CONTAINER_PROPS = {w(n) for n in ("smartTagPr", "customXmlPr", "sdtPr", "sdtEndPr")}
#: dropped from translated paragraphs: spell-check marks and layout caches
DROP = {w("proofErr"), w("lastRenderedPageBreak"), w("softHyphen")}
LANG_ATTRS = (w("val"), w("eastAsia"), w("bidi"))
NB_HYPHEN = "\u2011"  # w:noBreakHyphen travels as U+2011 NON-BREAKING HYPHEN


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    """Translate a DOCX given as bytes; FormatError when it is not a sound DOCX."""
    with SafeZip(data, options.limits, "DOCX") as z:
        types = _content_types(z)
        text_parts = [n for n, t in types.items() if t in TEXT_TYPES]
        if not any(types[n] in MAIN_TYPES for n in text_parts):
            raise FormatError("not a DOCX: it has no Word document part")
        lang = _Lang(tr, options)
        trees = {n: parse_xml(z.read(n), n) for n in text_parts}
        for name, tree in trees.items():
            if types[name] in MAIN_TYPES and tree.getroot().tag != w("document"):
                raise FormatError(f"{name}: not a WordprocessingML document "
                                  "(Strict OOXML is not supported)")
        touched: set[str] = set()  # parts with a paragraph or language tag to change
        jobs: list[tuple[etree._Element, Flat]] = []
        for name, tree in trees.items():
            if lang.apply_w(tree.getroot()):
                touched.add(name)
            for p in tree.getroot().iter(P):
                flat = Flat(_pieces(p))
                if flat.has_text:
                    jobs.append((p, flat))
                    touched.add(name)
        translated = translate_flats(tr, [flat for _, flat in jobs])
        for (p, flat), parts in zip(jobs, translated):
            _rebuild(p, flat.restore(parts))
        changed = {name: serialize_xml(trees[name]) for name in touched}
        for name, ctype in types.items():
            if ctype in LANG_TYPES or ctype == CORE_TYPE:
                tree = parse_xml(z.read(name), name)
                if (lang.apply_w(tree.getroot()) if ctype != CORE_TYPE
                        else lang.apply_dc(tree.getroot())):
                    changed[name] = serialize_xml(tree)
        return z.rewrite(changed)


def _content_types(z: SafeZip) -> dict[str, str]:
    """Member name → content type, for the members ``[Content_Types].xml`` overrides."""
    if "[Content_Types].xml" not in z:
        raise FormatError("not a DOCX: the zip has no [Content_Types].xml")
    root = parse_xml(z.read("[Content_Types].xml"), "[Content_Types].xml").getroot()
    names = set(z.names)
    out: dict[str, str] = {}
    for o in root.iter(f"{{{CT_NS}}}Override"):
        name = (o.get("PartName") or "").lstrip("/")
        if name in names:
            out[name] = o.get("ContentType") or ""
    return out


class _Lang(LangTags):
    """w:lang / w:themeFontLang (and dc:language) of the source language → the target's."""

    def __init__(self, tr: "Translator", options: "Options"):
        super().__init__(tr.source, target_lang(tr, options))

    def apply_w(self, root: etree._Element) -> bool:
        changed = False
        for el in root.iter(w("lang"), w("themeFontLang")):
            for attr in LANG_ATTRS:
                if self.matches(el.get(attr)):
                    el.set(attr, self.tag)
                    changed = True
        return changed


# -- paragraph → pieces ------------------------------------------------------------------

def _pieces(p: etree._Element) -> list[Piece]:
    pieces: list[Piece] = []
    _walk(p, (), pieces)
    return pieces


def _walk(container: etree._Element, path: tuple, pieces: list[Piece]) -> None:
    for child in container:
        tag = child.tag
        if not isinstance(tag, str) or tag in DROP:
            continue  # XML comments, processing instructions, spell-check marks
        if tag == PPR or tag in CONTAINER_PROPS:
            continue
        if tag == R:
            _run(child, path, pieces)
        elif tag in CONTAINERS:
            inner = child.find(w("sdtContent")) if tag == w("sdt") else child
            before = len(pieces)
            if inner is not None:
                _walk(inner, path + (child,), pieces)
            if len(pieces) == before:  # nothing inside: keep it whole, in place
                pieces.append(Piece(None, ("opaque",), (path, None, None), child))
        else:
            pieces.append(Piece(None, ("opaque",), (path, None, None), child))


def _run(r: etree._Element, path: tuple, pieces: list[Piece]) -> None:
    rpr = r.find(RPR)
    key = (path, etree.tostring(rpr) if rpr is not None else b"")
    style = (path, r, rpr)
    link = any(c.tag == HYPERLINK for c in path)  # its words must keep their link
    align = rpr.find(w("vertAlign")) if rpr is not None else None
    shifted = align is not None and align.get(w("val")) in ("subscript", "superscript")
    for child in r:
        tag = child.tag
        if tag == RPR or not isinstance(tag, str) or tag in DROP:
            continue
        if tag == T and shifted:  # CO₂, km²: its own protected span, kept in its word
            pieces.append(Piece(None, ("opaque",), style, child, pinned=True))
        elif tag == T:
            pieces.append(Piece((child.text or "").replace("\u00ad", ""), key, style, anchor=link))
        elif tag == w("tab"):
            pieces.append(Piece("\t", key, style))
        elif tag == w("noBreakHyphen"):  # inside words (e-post): text, or it splits them
            pieces.append(Piece(NB_HYPHEN, key, style))
        elif tag == w("cr") or (tag == w("br") and child.get(w("type"), "textWrapping")
                                 == "textWrapping" and child.get(w("clear")) is None):
            pieces.append(Piece("\n", key, style))
        else:  # field codes, footnote references, drawings, symbols …: untouched
            pieces.append(Piece(None, ("opaque",), style, child))


# -- pieces → paragraph ------------------------------------------------------------------

def _rebuild(p: etree._Element, pieces: list[Piece]) -> None:
    """Replace the inline content of ``p`` by ``pieces`` (which may hold its own elements)."""
    for child in list(p):
        if child.tag != PPR:
            p.remove(child)
    stack: list[tuple[etree._Element, etree._Element]] = []  # (source container, copy)
    last_run: tuple[Any, etree._Element] | None = None        # (source run, new run)
    for piece in pieces:
        path, src_run, rpr = piece.style
        k = 0
        while k < len(stack) and k < len(path) and stack[k][0] is path[k]:
            k += 1
        if k < len(stack):
            del stack[k:]
            last_run = None
        for src in path[k:]:
            parent = stack[-1][1] if stack else p
            copy_, target = _container_copy(src)
            parent.append(copy_)
            stack.append((src, target))
            last_run = None
        parent = stack[-1][1] if stack else p
        if src_run is None:  # a paragraph-level element: back as it was
            piece.obj.tail = None
            parent.append(piece.obj)
            last_run = None
            continue
        if piece.text is None and last_run is not None and last_run[0] is src_run \
                and len(parent) and parent[-1] is last_run[1]:
            run = last_run[1]
        else:
            run = etree.SubElement(parent, R, dict(src_run.attrib))
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
        if piece.text is None:
            piece.obj.tail = None
            run.append(piece.obj)
            last_run = (src_run, run)
        else:
            _put_text(run, piece.text)
            last_run = None


def _container_copy(src: etree._Element) -> tuple[etree._Element, etree._Element]:
    """An empty copy of an inline container (with its properties); where children go."""
    new = src.makeelement(src.tag, dict(src.attrib))
    for c in src:
        if c.tag in CONTAINER_PROPS:
            new.append(copy.deepcopy(c))
    if src.tag == w("sdt"):
        return new, etree.SubElement(new, w("sdtContent"))
    return new, new


def _put_text(run: etree._Element, text: str) -> None:
    for token in re.split(f"(\t|\n|{NB_HYPHEN})", text):
        if token == "\t":
            etree.SubElement(run, w("tab"))
        elif token == NB_HYPHEN:
            etree.SubElement(run, w("noBreakHyphen"))
        elif token == "\n":
            etree.SubElement(run, w("br"))
        elif token:
            t = etree.SubElement(run, T)
            t.text = token
            if token != token.strip() or "  " in token:
                t.set(XML_SPACE, "preserve")
