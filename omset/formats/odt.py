"""ODT (OpenDocument text): paragraphs and headings translated, spans and links kept.

``content.xml`` holds the body; ``styles.xml`` the headers and footers of the page
styles, so both are read. Every ``text:p``/``text:h`` — in tables, frames, notes and
comments too — is one segment: ``text:span`` and ``text:a`` (and ``text:meta``) are the
formatting that travels as :mod:`~omset.formats.runs` markup; notes, comments, fields,
bookmarks and frames are opaque markup put back untouched (the paragraphs inside them
are segments of their own). ODF collapses runs of spaces in text, so spaces are read the
way an ODF reader does and written back with ``text:s``; tabs and line breaks ride as
whitespace, ``text:soft-page-break`` (a layout cache) and soft hyphens are dropped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from . import FormatError
from .common import target_lang
from .runs import Flat, LangTags, Piece, translate_flats
from .safexml import parse_xml, serialize_xml
from .safezip import SafeZip

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "application/vnd.oasis.opendocument.text"

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
FO_NS = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def t(name: str) -> str:
    return f"{{{TEXT_NS}}}{name}"


PARAGRAPHS = (t("p"), t("h"))
LINK, SPAN = t("a"), t("span")
CONTAINERS = {SPAN, LINK, t("meta")}
S, TAB, BREAK = t("s"), t("tab"), t("line-break")
DROP = {t("soft-page-break")}
FO_LANGUAGE, FO_COUNTRY = f"{{{FO_NS}}}language", f"{{{FO_NS}}}country"
_WS = re.compile(r"[ \t\r\n]+")


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    """Translate an ODT given as bytes; FormatError when it is not a sound ODT."""
    with SafeZip(data, options.limits, "ODT") as z:
        if "mimetype" in z:
            kind = z.read("mimetype").decode("ascii", "replace").strip()
            if not kind.startswith(MEDIA_TYPE):
                raise FormatError(f"not an ODT text document (it is {kind[:80]!r})")
        if "content.xml" not in z:
            raise FormatError("not an ODT: the zip has no content.xml")
        lang = _Lang(tr, options)
        trees = {n: parse_xml(z.read(n), n) for n in ("content.xml", "styles.xml") if n in z}
        shifted = {name for tree in trees.values() for name in _shifted_styles(tree.getroot())}
        touched: set[str] = set()  # parts with a paragraph or language tag to change
        jobs: list[tuple[etree._Element, Flat]] = []
        for name, tree in trees.items():
            if lang.apply_fo(tree.getroot()):
                touched.add(name)
            for p in tree.getroot().iter(*PARAGRAPHS):
                flat = Flat(_pieces(p, shifted))
                if flat.has_text:
                    jobs.append((p, flat))
                    touched.add(name)
        translated = translate_flats(tr, [flat for _, flat in jobs])
        for (p, flat), parts in zip(jobs, translated):
            _rebuild(p, flat.restore(parts))
        changed = {name: serialize_xml(trees[name]) for name in touched}
        if "meta.xml" in z:
            meta = parse_xml(z.read("meta.xml"), "meta.xml")
            if lang.apply_dc(meta.getroot()):
                changed["meta.xml"] = serialize_xml(meta)
        return z.rewrite(changed)


class _Lang(LangTags):
    """fo:language/fo:country (and dc:language) of the source language → the target's."""

    def __init__(self, tr: "Translator", options: "Options"):
        super().__init__(tr.source, target_lang(tr, options))

    def apply_fo(self, root: etree._Element) -> bool:
        changed = False
        for el in root.iter(f"{{{STYLE_NS}}}text-properties"):
            if self.matches(el.get(FO_LANGUAGE)):
                el.set(FO_LANGUAGE, self.language)
                el.set(FO_COUNTRY, self.country)
                changed = True
        return changed


# -- paragraph → pieces ------------------------------------------------------------------

def _shifted_styles(root: etree._Element) -> set[str]:
    """Names of the text styles that raise or lower text (sub/superscript)."""
    out: set[str] = set()
    for st in root.iter(f"{{{STYLE_NS}}}style"):
        props = st.find(f"{{{STYLE_NS}}}text-properties")
        position = props.get(f"{{{STYLE_NS}}}text-position", "") if props is not None else ""
        if position.split()[:1] and position.split()[0] not in ("0", "0%"):
            out.add(st.get(f"{{{STYLE_NS}}}name", ""))
    return out


class _Reader:
    """Reads text the way ODF defines it: whitespace characters collapse to one space,
    and are ignored at the start of the paragraph; ``text:s`` spaces are kept.
    A span in a sub/superscript style is its own protected span (CO₂, km²)."""

    def __init__(self, shifted: "set[str] | frozenset[str]" = frozenset()) -> None:
        self.shifted = shifted
        self.pieces: list[Piece] = []
        self.after_space = True  # paragraph start counts as after a space

    def text(self, s: str | None, path: tuple) -> None:
        if not s:
            return
        s = _WS.sub(" ", s).replace("\u00ad", "")  # soft hyphens: placed for the old words
        if self.after_space and s.startswith(" "):
            s = s[1:]
        if s:
            self.pieces.append(Piece(s, path, path, anchor=_in_link(path)))
            self.after_space = s.endswith(" ")

    def literal(self, s: str, path: tuple) -> None:
        self.pieces.append(Piece(s, path, path, anchor=_in_link(path)))
        self.after_space = False

    def opaque(self, el: etree._Element, path: tuple) -> None:
        self.pieces.append(Piece(None, ("opaque",), path, el))
        self.after_space = False

    def walk(self, el: etree._Element, path: tuple) -> None:
        self.text(el.text, path)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in DROP:
                pass
            elif tag == SPAN and child.get(t("style-name")) in self.shifted:
                self.pieces.append(Piece(None, ("opaque",), path, child, pinned=True))
                self.after_space = False
            elif tag in CONTAINERS:
                before = len(self.pieces)
                self.walk(child, path + (child,))
                if len(self.pieces) == before:
                    self.opaque(child, path)
                    self.text(child.tail, path)
                    continue
            elif tag == S:
                try:
                    n = max(1, min(int(child.get(t("c"), "1")), 10_000))
                except ValueError:
                    n = 1
                self.literal(" " * n, path)
            elif tag == TAB:
                self.literal("\t", path)
            elif tag == BREAK:
                self.literal("\n", path)
            else:  # notes, comments, fields, bookmarks, frames: untouched
                self.opaque(child, path)
            self.text(child.tail, path)


def _in_link(path: tuple) -> bool:
    """Whether text at ``path`` is inside a ``text:a``: its words must keep the link."""
    return any(el.tag == LINK for el in path)


def _pieces(p: etree._Element, shifted: "set[str] | frozenset[str]" = frozenset()) -> list[Piece]:
    reader = _Reader(shifted)
    reader.walk(p, ())
    return reader.pieces


# -- pieces → paragraph ------------------------------------------------------------------

class _Writer:
    """Appends text to mixed content, spaces ODF-safe (``text:s`` where one would collapse)."""

    def __init__(self) -> None:
        self.after_space = True

    @staticmethod
    def _raw(parent: etree._Element, s: str) -> None:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + s
        else:
            parent.text = (parent.text or "") + s

    def text(self, parent: etree._Element, s: str) -> None:
        buf: list[str] = []
        spaces = 0

        def flush() -> None:
            nonlocal spaces
            if buf:
                self._raw(parent, "".join(buf))
                buf.clear()
            if spaces:
                el = etree.SubElement(parent, S)
                if spaces > 1:
                    el.set(t("c"), str(spaces))
                spaces = 0

        for ch in s:
            if ch == " ":
                if self.after_space:
                    if not spaces:
                        flush()
                    spaces += 1
                else:
                    buf.append(ch)
                    self.after_space = True
                continue
            if spaces:
                flush()
            if ch in "\t\n":
                flush()
                etree.SubElement(parent, TAB if ch == "\t" else BREAK)
                self.after_space = False
            else:
                buf.append(ch)
                self.after_space = False
        flush()

    def element(self, parent: etree._Element, el: etree._Element) -> None:
        el.tail = None
        parent.append(el)
        self.after_space = False


def _rebuild(p: etree._Element, pieces: list[Piece]) -> None:
    """Replace the content of ``p`` by ``pieces`` (which may hold its own elements)."""
    p.text = None
    for child in list(p):
        p.remove(child)
    writer = _Writer()
    stack: list[tuple[etree._Element, etree._Element]] = []  # (source container, copy)
    for piece in pieces:
        path = piece.style
        k = 0
        while k < len(stack) and k < len(path) and stack[k][0] is path[k]:
            k += 1
        del stack[k:]
        for src in path[k:]:
            parent = stack[-1][1] if stack else p
            new = etree.SubElement(parent, src.tag, dict(src.attrib))
            stack.append((src, new))
        parent = stack[-1][1] if stack else p
        if piece.text is None:
            writer.element(parent, piece.obj)
        else:
            writer.text(parent, piece.text)
