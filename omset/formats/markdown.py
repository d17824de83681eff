"""Markdown: the source is rewritten in place, only where its text is.

markdown-it-py (CommonMark, plus GFM tables and strikethrough) finds the blocks; each
paragraph, heading and table cell is one segment. Its inline tokens are matched back to
the source, so the segment is a list of source spans: text to translate, and markers
for what must stay as written — emphasis and link syntax (``**``, ``[``, ``](url "t")``),
inline code, images (whose alt text is translated as a segment of its own), inline HTML,
entities and the line breaks inside a paragraph (with any ``> `` or indentation of the
next line). The translated segment replaces exactly its source span; everything else —
bullets, emphasis characters, table pipes, blank lines, code blocks, link definitions,
how a paragraph is wrapped — stays byte for byte.

Where a token cannot be matched to the source (markdown-it normalises something we did
not foresee) that block is left as it was rather than risk breaking the document.

HTML blocks at the top level are handed to the HTML format, but only when lxml gives
them back unchanged without translation (a lone ``<div>`` opening a block would not).

Front matter (YAML between ``---`` lines, TOML between ``+++``) is not Markdown: see
:mod:`omset.formats.frontmatter` for what of it is translated.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from . import frontmatter
from .common import decode_text, encode_text
from .frontmatter import apply_edits
from .inline import Builder, Marker, translate_segments

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it.token import Token

    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "text/markdown; charset=utf-8"


class _Misaligned(Exception):
    """A token that could not be matched to the source: its block is left alone."""


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    text, bom = decode_text(data, "Markdown")
    return encode_text(translate_markdown(text, tr, options), bom)


def translate_markdown(text: str, tr: "Translator", options: "Options") -> str:
    """Translate a Markdown document given as text."""
    if not text.strip():
        return text
    lf, endings = _split_endings(text)
    head, body_start = frontmatter.split(lf)
    edits: list[tuple[int, int, str]] = []
    if head is not None:
        edits += frontmatter.prose_edits(lf[:body_start], tr)
        edits += frontmatter.lang_edits(lf[:body_start], tr, options)
    body = lf[body_start:]
    doc = _Document(body)
    doc.collect()
    done = translate_segments(tr, [s.builder.parts for s in doc.segments])
    answers = dict(zip((id(s) for s in doc.segments), done))
    for seg in doc.top:
        start, end, new = seg.start, seg.end, seg.render(answers)
        if seg.cell:
            start, end, new = _fit_cell(body, start, end, new)
        edits.append((body_start + start, body_start + end, new))
    for start, end, block in doc.html_blocks:
        edits.append((body_start + start, body_start + end, _html_block(block, tr, options)))
    return _join_endings(apply_edits(lf, edits), endings)


# -- line endings --------------------------------------------------------------------------

def _split_endings(text: str) -> tuple[str, list[str] | None]:
    """markdown-it reads ``\\r\\n`` as ``\\n``: work on ``\\n``, remember each line's ending."""
    if "\r" not in text:
        return text, None
    endings = re.findall(r"\r\n|\r|\n", text)
    return re.sub(r"\r\n?", "\n", text), endings


def _join_endings(text: str, endings: list[str] | None) -> str:
    if endings is None:
        return text
    lines = text.split("\n")
    if len(lines) - 1 != len(endings):  # pragma: no cover - edits keep the line count
        common = max(set(endings), key=endings.count)
        return text.replace("\n", common)
    return "".join(line + end for line, end in zip(lines, endings + [""]))


def _fit_cell(body: str, start: int, end: int, new: str) -> tuple[int, int, str]:
    """A cell of an aligned table (every row as long as the others) keeps its width where
    the padding allows, so the pipes stay put.

    The longer translation eats padding (at least one space is left on each side that had
    one); a shorter one is padded on the side that had more padding (right-aligned cells
    have it on the left)."""
    left = start
    while left > 0 and body[left - 1] in " \t":
        left -= 1
    right = end
    while right < len(body) and body[right] in " \t":
        right += 1
    lead, trail = body[left:start], body[end:right]
    if "\t" in lead + trail:
        return start, end, new
    grow = len(new) - (end - start)
    if grow > 0:
        cut = min(grow, max(0, len(trail) - 1))
        trail = trail[:len(trail) - cut]
        grow -= cut
        lead = lead[:len(lead) - min(grow, max(0, len(lead) - 1))]
    elif len(lead) > len(trail):
        lead += " " * -grow
    else:
        trail += " " * -grow
    return left, right, lead + new + trail


# -- HTML blocks ---------------------------------------------------------------------------

def _html_block(block: str, tr: "Translator", options: "Options") -> str:
    """An HTML block through the HTML format, if the parser keeps it as written."""
    from . import FormatError
    from .html import roundtrips, translate_html

    if not roundtrips(block):
        return block
    try:
        return translate_html(block, tr, options)
    except FormatError:
        return block


# -- the body ------------------------------------------------------------------------------

def _parser():
    from markdown_it import MarkdownIt

    # text_join off: escapes and entities stay tokens of their own, so every text token
    # is exactly its source
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")


@dataclass
class _Segment:
    """One translatable run of inline content and how to write its answer back."""

    start: int = 0                                  # source span (top-level segments)
    end: int = 0
    builder: Builder = field(default_factory=Builder)
    verbatim: dict[int, str] = field(default_factory=dict)   # marker key → its source
    images: dict[int, tuple[str, "_Segment", str]] = field(default_factory=dict)
    escaped: set[str] = field(default_factory=set)  # characters the source backslash-escaped
    cell: bool = False                              # a cell of an aligned table: keep its width

    def render(self, answers: dict[int, list]) -> str:
        out: list[str] = []
        for p in answers.get(id(self), self.builder.parts):
            if isinstance(p, Marker):
                if p.key in self.images:
                    before, alt, after = self.images[p.key]
                    out.append(before + alt.render(answers) + after)
                else:
                    out.append(self.verbatim[p.key])
            else:
                out.append(self._escape(p))
        return "".join(out)

    def _escape(self, text: str) -> str:
        for ch in self.escaped:
            text = text.replace(ch, "\\" + ch)
        return text


class _Document:
    """Finds the segments of a Markdown body and where each lies in the source."""

    def __init__(self, body: str):
        self.body = body
        self.line_starts = [0]
        for line in body.split("\n"):
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.cursor: dict[int, int] = {}    # per line: how far inline content was matched
        self.segments: list[_Segment] = []  # all, image alt texts included
        self.top: list[_Segment] = []       # the ones that replace a source span
        self.html_blocks: list[tuple[int, int, str]] = []

    def line(self, i: int) -> str:
        return self.body[self.line_starts[i]:self.line_starts[i + 1] - 1]

    def collect(self) -> None:
        tokens = _parser().parse(self.body)
        aligned = False
        for prev, tok in zip([None, *tokens], tokens):
            if tok.type == "table_open" and tok.map is not None:
                rows = {len(self.line(i).rstrip()) for i in range(*tok.map)}
                aligned = len(rows) == 1
            if tok.type == "inline" and tok.map is not None:
                in_cell = prev is not None and prev.type in ("th_open", "td_open")
                try:
                    seg = self._inline(tok, in_cell)
                except _Misaligned:
                    continue
                if seg is not None:
                    seg.cell = aligned and in_cell
                    self.top.append(seg)
            elif tok.type == "html_block" and tok.level == 0 and tok.map is not None:
                start = self.line_starts[tok.map[0]]
                end = self.line_starts[min(tok.map[1], len(self.line_starts) - 1)]
                block = self.body[start:end]
                if block == tok.content:
                    self.html_blocks.append((start, end, block))

    # mapping inline content back to the source
    def _locate(self, tok: "Token", content: str) -> "_Lines":
        lines = content.split("\n")
        first = tok.map[0]  # type: ignore[index]
        starts: list[int] = []
        leads: list[int] = []
        for k, cl in enumerate(lines):
            li = first + k
            if li >= len(self.line_starts) - 1:
                raise _Misaligned
            stripped = cl.lstrip(" \t")
            src = self.line(li)
            at = src.find(stripped, self.cursor.get(li, 0))
            if at < 0:
                raise _Misaligned
            self.cursor[li] = at + len(stripped)
            starts.append(self.line_starts[li] + at)
            leads.append(len(cl) - len(stripped))
        return _Lines(lines, starts, leads)

    def _inline(self, tok: "Token", in_cell: bool) -> _Segment | None:
        content = tok.content
        seg = _Segment()
        if in_cell:
            # a pipe in a cell is always escaped in the source; markdown-it unescapes it
            # before the cell is parsed, and a translated pipe must be escaped again
            content = content.replace("|", "\\|")
            seg.escaped.add("|")
        where = self._locate(tok, content)
        end = _Walk(content, where, self.body, self).run(tok.children or [], 0, seg)
        if end != len(content):
            raise _Misaligned
        if not seg.builder.has_text:
            return None
        seg.start, seg.end = where.src(0), where.src(end)
        self.segments.append(seg)
        return seg


@dataclass
class _Lines:
    """Where each line of an inline token's content starts in the source."""

    lines: list[str]
    starts: list[int]   # source offset of each line's first non-blank character
    leads: list[int]    # blanks the content line has before it
    _cstarts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        pos = 0
        for line in self.lines:
            self._cstarts.append(pos)
            pos += len(line) + 1

    def src(self, j: int) -> int:
        """Source offset of content offset ``j``."""
        k = bisect.bisect_right(self._cstarts, j) - 1
        col = j - self._cstarts[k]
        return self.starts[k] + max(0, col - self.leads[k])


class _Walk:
    """Matches inline tokens to the content string, building a segment."""

    def __init__(self, content: str, where: _Lines, body: str, doc: _Document):
        self.c, self.where, self.body, self.doc = content, where, body, doc

    def source(self, a: int, b: int) -> str:
        return self.body[self.where.src(a):self.where.src(b)]

    def _expect(self, s: str, at: int) -> int:
        if not s or not self.c.startswith(s, at):
            raise _Misaligned
        return at + len(s)

    def _expect_text(self, s: str, at: int) -> int:
        """Like :meth:`_expect`, but a ``|`` may be written ``\\|`` (table cells)."""
        if "|" not in s or self.c.startswith(s, at):
            return self._expect(s, at)
        for ch in s:
            if ch == "|" and self.c.startswith("\\|", at):
                at += 2
            elif self.c.startswith(ch, at):
                at += 1
            else:
                raise _Misaligned
        return at

    def _mark(self, seg: _Segment, role: str, a: int, b: int) -> None:
        bld = seg.builder
        m = bld.open() if role == "open" else bld.close() if role == "close" else bld.void()
        seg.verbatim[m.key] = self.source(a, b)

    def run(self, children: Sequence["Token"], at: int, seg: _Segment) -> int:
        c = self.c
        i = 0
        while i < len(children):
            t = children[i]
            kind = t.type
            if kind == "text":
                end = self._expect_text(t.content, at) if t.content else at
                seg.builder.text(t.content)
            elif kind == "text_special":
                end = self._expect(t.markup, at)
                if t.info == "escape":
                    # a backslash before a character Markdown does not escape (les\ mer)
                    # stays in the content as written: literal text, not to escape again
                    if len(t.content) == 1:
                        seg.escaped.add(t.content)
                    seg.builder.text(t.content)
                else:
                    self._mark(seg, "void", at, end)
            elif kind in ("softbreak", "hardbreak"):
                end = at
                while end < len(c) and c[end] in " \t\\":
                    end += 1
                end = self._expect("\n", end)
                while end < len(c) and c[end] in " \t":
                    end += 1
                self._mark(seg, "void", at, end)
            elif kind.endswith("_open") and kind != "link_open":
                end = self._expect(t.markup, at)
                self._mark(seg, "open", at, end)
            elif kind.endswith("_close") and kind != "link_close":
                end = self._expect(t.markup, at)
                self._mark(seg, "close", at, end)
            elif kind == "link_open" and t.markup == "autolink":
                close = c.find(">", at)
                if not c.startswith("<", at) or close < 0:
                    raise _Misaligned
                end = close + 1
                self._mark(seg, "void", at, end)
                while i < len(children) and children[i].type != "link_close":
                    i += 1
            elif kind == "link_open":
                link_close = next((j for j in range(i + 1, len(children))
                                   if children[j].type == "link_close"), None)
                if link_close is None:
                    raise _Misaligned
                inner = children[i + 1:link_close]
                text_end = self.run(inner, self._expect("[", at), _Segment())
                end = self._link_end(self._expect("]", text_end))
                if self.c[text_end:end] in ("]", "][]"):
                    # [label] or [label][]: the text is the reference label, keep it
                    self._mark(seg, "void", at, end)
                else:
                    self._mark(seg, "open", at, at + 1)
                    self.run(inner, at + 1, seg)
                    self._mark(seg, "close", text_end, end)
                i = link_close
            elif kind == "image":
                end = self._image(t, at, seg)
            elif kind == "code_inline":
                end = self._code_end(t.markup, at)
                self._mark(seg, "void", at, end)
            elif kind == "html_inline":
                end = self._expect_text(t.content, at)
                self._mark(seg, "void", at, end)
            else:
                raise _Misaligned
            at = end
            i += 1
        return at

    def _link_end(self, at: int) -> int:
        """After a link text's ``]``: the end of ``(dest "title")``, ``[label]`` or nothing."""
        from markdown_it.helpers import parseLinkDestination, parseLinkTitle

        c, n = self.c, len(self.c)
        if at < n and c[at] == "(":
            pos = at + 1
            while pos < n and c[pos] in " \t\n":
                pos += 1
            if pos < n and c[pos] == ")":
                return pos + 1
            dest = parseLinkDestination(c, pos, n)
            if dest.ok:
                pos = dest.pos
                while pos < n and c[pos] in " \t\n":
                    pos += 1
                title = parseLinkTitle(c, pos, n)
                if title.ok and title.pos != pos:
                    pos = title.pos
                    while pos < n and c[pos] in " \t\n":
                        pos += 1
                if pos < n and c[pos] == ")":
                    return pos + 1
        if at < n and c[at] == "[":
            close = c.find("]", at)
            if close >= 0:
                return close + 1
        return at

    def _image(self, t: "Token", at: int, seg: _Segment) -> int:
        """An image is one marker; its alt text is a segment of its own."""
        alt_start = self._expect("![", at)
        alt = _Segment()
        alt_end = self.run(t.children or [], alt_start, alt)
        if alt_end != alt_start + len(t.content):
            raise _Misaligned
        end = self._link_end(self._expect("]", alt_end))
        m = seg.builder.void()
        if alt.builder.has_text:
            self.doc.segments.append(alt)
            seg.images[m.key] = (self.source(at, alt_start), alt, self.source(alt_end, end))
        else:
            seg.verbatim[m.key] = self.source(at, end)
        return end

    def _code_end(self, ticks: str, at: int) -> int:
        """The end of a code span: the next run of exactly as many backticks."""
        c = self._expect(ticks, at)
        pos = c
        while True:
            pos = self.c.find(ticks, pos)
            if pos < 0:
                raise _Misaligned
            run_end = pos
            while run_end < len(self.c) and self.c[run_end] == "`":
                run_end += 1
            if run_end - pos == len(ticks) and (pos == 0 or self.c[pos - 1] != "`"):
                return run_end
            pos = run_end
