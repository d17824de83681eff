"""A paragraph's inline structure as one segment with markup, and back (DOCX, ODT).

A word-processor paragraph is a row of *pieces*: text carrying some formatting (a DOCX
run's properties, an ODT span/link nesting) and opaque things that are not text (a
footnote reference, a bookmark, a field code, an image). The whole paragraph is one
segment, so Apertium sees the sentence whole; formatting travels as
:class:`~omset.engine.stream.Markup`:

* a **switch** marker stands where the formatting changes, meaning "text from here on
  is written like piece *n*". Apertium puts it back between the right translated words,
  so ``er <b>veldig</b> glad`` comes out ``er <b>svært</b> glad``; if it moves a
  marker, text keeps *some* formatting of its sentence and nothing is lost;
* consecutive opaque pieces travel as **one** marker (a field's begin, code and
  separator stay together and in order) and are put back exactly once.

Before a paragraph is sent, formatting boundaries *inside* a word (``**Syke**hus``,
a spell-check bookmark in mid-word) are moved to the end of the word — a marker in a
word splits it for Apertium, which then translates neither half. The word travels with
the formatting of its first part; when the translation has the very same word, its
parts get their own formatting back (a name, ``CO2``). Sub- and superscript runs
(CO₂, km², H₂O, a footnote sign¹) are *pinned*: their own protected span, never moved
or joined, so the digit stays sub/superscript whatever Apertium does to the word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Hashable, Sequence

from ..model import Markup, Part

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator

__all__ = ["Piece", "Flat", "LangTags", "translate_flats"]



def _word_tail(text: str) -> str:
    """The word ``text`` ends in ("" if it ends in a space or sign); linear, where a
    ``\\w+$`` search would be quadratic on a long run of letters before a space."""
    k = len(text)
    while k and (text[k - 1].isalnum() or text[k - 1] == "_"):
        k -= 1
    return text[k:]

_WORD_START = re.compile(r"^\w+")


@dataclass
class Piece:
    """Text with a formatting (``text`` set) or an opaque object (``text`` is None).

    ``key`` says which text pieces share formatting (equal keys merge); ``style`` is what
    the format needs to write the piece back (run properties, container path);
    ``obj`` is the opaque payload (an element to move back in place).
    """

    text: str | None
    key: Hashable
    style: Any = None
    obj: Any = None
    #: text that must not vanish with a moved marker (a hyperlink's words)
    anchor: bool = False
    #: an opaque piece that stays inside its word (a sub/superscript run: CO₂, km²)
    pinned: bool = False


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Drop empty text, join neighbouring text pieces of the same formatting."""
    out: list[Piece] = []
    for p in pieces:
        if p.text is not None:
            if not p.text:
                continue
            if out and out[-1].text is not None and out[-1].key == p.key:
                out[-1] = Piece(out[-1].text + p.text, out[-1].key, out[-1].style,
                                anchor=out[-1].anchor)
                continue
        out.append(p)
    return out


@dataclass
class _Split:
    """A word whose formatting changed inside it (``**Syke**hus``, ``CO``+subscript),
    sent whole with the formatting of its first part: its parts, to put back when the
    translation has the very same word (CO₂, km², a name) where it was."""

    word: str
    parts: list[tuple[str, Piece]]


def _heal_words(pieces: list[Piece]) -> tuple[list[Piece], list[_Split]]:
    """Move boundaries (format switch, opaque pieces) out of words, to the word's end;
    say which words were joined. A ``pinned`` opaque piece (a sub/superscript run, its
    own protected span) stays where it is and joins nothing."""
    out: list[Piece] = []
    splits: list[_Split] = []
    last_text: int | None = None  # index in out of the last text piece
    pinned = False                # a pinned piece came since the last text
    for p in pieces:
        if p.text is None:
            out.append(p)
            pinned = pinned or p.pinned
            continue
        text = p.text
        if last_text is not None and not pinned:
            prev = out[last_text]
            boundary = last_text != len(out) - 1 or prev.key != p.key
            if boundary and (head := _word_tail(prev.text or "")) \
                    and (m := _WORD_START.match(text)):
                last = splits[-1] if splits else None
                if last is not None and last.parts[0][1] is prev \
                        and (prev.text or "").endswith(last.word):
                    last.word += m.group()
                    last.parts.append((m.group(), p))
                else:
                    splits.append(_Split(head + m.group(), [(head, prev), (m.group(), p)]))
                prev.text = (prev.text or "") + m.group()
                text = text[m.end():]
                if not text:
                    continue
        pinned = False
        if last_text == len(out) - 1 and out and out[-1].key == p.key:
            out[-1].text = (out[-1].text or "") + text
            continue
        out.append(Piece(text, p.key, p.style, anchor=p.anchor))
        last_text = len(out) - 1
    return out, splits


def _resplit(pieces: list[Piece], splits: list[_Split]) -> list[Piece]:
    """Give a joined word its parts' formatting back where the translation kept the
    word as it was, in a piece of the formatting it travelled in (one pass over the
    translated words: linear in the paragraph)."""
    if not splits:
        return pieces
    pending: dict[tuple[Hashable, str], list[_Split]] = {}
    for sp in reversed(splits):
        pending.setdefault((sp.parts[0][1].key, sp.word), []).append(sp)
    out: list[Piece] = []
    for piece in pieces:
        if piece.text is None:
            out.append(piece)
            continue
        done = 0
        for m in _WORDS.finditer(piece.text):
            found = pending.get((piece.key, m.group()))
            if not found:
                continue
            sp = found.pop()
            if m.start() > done:
                out.append(Piece(piece.text[done:m.start()], piece.key, piece.style,
                                 anchor=piece.anchor))
            out += [Piece(t, src.key, src.style, anchor=src.anchor) for t, src in sp.parts]
            done = m.end()
        if done < len(piece.text):
            out.append(Piece(piece.text[done:], piece.key, piece.style, anchor=piece.anchor))
    return out


_WORDS = re.compile(r"\w+")


class Flat:
    """One paragraph as segment ``parts``; :meth:`restore` maps a translation back."""

    def __init__(self, pieces: Sequence[Piece]):
        self.pieces, self._splits = _heal_words(_merge(list(pieces)))
        self.parts: list[Part] = []
        self._table: dict[str, tuple[str, list[Piece]]] = {}
        first = next((p for p in self.pieces if p.text is not None), None)
        self.initial = first
        current = first.key if first else None
        opaque: list[Piece] = []

        def marker(kind: str, items: list[Piece]) -> None:
            m = Markup(f"\ue010{len(self._table)}")
            self._table[m.text] = (kind, items)
            self.parts.append(m)

        for p in self.pieces:
            if p.text is None:
                opaque.append(p)
                continue
            if opaque:
                marker("opaque", opaque)
                opaque = []
            if p.key != current:
                marker("switch", [p])
                current = p.key
            if self.parts and isinstance(self.parts[-1], str):
                self.parts[-1] += p.text
            else:
                self.parts.append(p.text)
        if opaque:
            marker("opaque", opaque)

    @property
    def has_text(self) -> bool:
        """Whether there is anything to translate (not just spaces and markup)."""
        return any(p.text is not None and p.text.strip() for p in self.pieces)

    @property
    def has_markup(self) -> bool:
        return any(not isinstance(p, str) for p in self.parts)

    def restore(self, parts: Sequence[Part]) -> list[Piece]:
        """The translated pieces in output order: text with the formatting in force where
        Apertium put it, every opaque piece exactly once (lost ones at the end).

        Apertium's transfer can copy a superblank (``fra [a]Helsedirektoratet[/a] som ble
        lagt fram`` comes back with the closing switch both before and after the word):
        of a format switch the *last* copy counts, as for placeholders, so the word keeps
        its formatting. A switch into an anchored piece (a hyperlink) that Apertium left
        with no text before the next switch takes the next word, so the link is kept.
        """
        out: list[Piece] = []
        current = self.initial
        seen: set[str] = set()
        last_switch = {p.text: i for i, p in enumerate(parts)
                       if isinstance(p, Markup) and self._table.get(p.text, ("",))[0] == "switch"}
        # a word Apertium drops ("i forrige uke" → "førre veke") leaves its format
        # switches side by side and a space on each side: keep one, unless the source
        # itself had double spaces
        single = not any(isinstance(p, str) and "  " in p for p in self.parts)
        last: Piece | None = None  # the last text piece, if nothing opaque came since
        starving: Piece | None = None  # an anchored switch left with no text
        fed = True                     # whether the current formatting got text yet
        for i, part in enumerate(parts):
            if isinstance(part, str):
                if single and last is not None and last.text is not None \
                        and last.text.endswith(" ") and part.startswith(" "):
                    part = part[1:]
                if starving is not None and current is not None:
                    m = _LEAD_WORD.match(part)
                    if m:
                        if m.group(1):
                            out.append(Piece(m.group(1), current.key, current.style))
                        out.append(Piece(m.group(2), starving.key, starving.style))
                        part = part[m.end():]
                        last = None
                        starving = None
                if part and current is not None:
                    last = Piece(part, current.key, current.style)
                    out.append(last)
                    fed = True
                continue
            entry = self._table.get(part.text)
            if entry is None or part.text in seen or last_switch.get(part.text, i) != i:
                continue
            seen.add(part.text)
            kind, items = entry
            if kind == "switch":
                if not fed and current is not None and current.anchor and starving is None:
                    starving = current
                current, fed = items[0], False
            else:
                out.extend(items)
                last = None
        for name, (kind, items) in self._table.items():
            if kind == "opaque" and name not in seen:
                out.extend(items)
        return _merge(_resplit(_merge(out), self._splits))


_LEAD_WORD = re.compile(r"(\s*)(\w+)")


class LangTags:
    """The office formats' language tags: which ones name the source language (``nb-NO``,
    ``no-NO``, ``nb``…), and what to write instead (``nn`` + ``NO`` by default).

    Only tags of the source language are rewritten: an English quotation marked ``en-GB``
    stays English, and a document without language tags gets none added.
    """

    def __init__(self, source: str, target: str):
        self.sources = {"nb", "no", "nob"} if source == "nb" else {"nn", "nno"}
        self.language, _, country = target.partition("-")
        self.country = country.upper() or "NO"

    @property
    def tag(self) -> str:
        return f"{self.language}-{self.country}"

    def matches(self, value: str | None) -> bool:
        return bool(value) and re.split(r"[-_]", value.lower())[0] in self.sources  # type: ignore[union-attr]

    def apply_dc(self, root: Any) -> bool:
        """``dc:language`` in document metadata; whether anything changed."""
        changed = False
        for el in root.iter("{http://purl.org/dc/elements/1.1/}language"):
            if self.matches((el.text or "").strip()):
                el.text = self.tag
                changed = True
        return changed


def translate_flats(tr: "Translator", flats: Sequence[Flat]) -> list[list[Part]]:
    """Translate paragraphs, all in flight at once (long ones in sentence chunks)."""
    return tr.translate_parts([flat.parts for flat in flats])
