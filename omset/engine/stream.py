"""Apertium's stream format, spoken from Python.

Apertium's ``destxt``/``retxt`` drop the NUL bytes our pipelines flush on, so we format
plain text ourselves, the same way they do:

* the characters ``\\ [ ] ^ $ / @ < > { }`` are escaped with a backslash;
* a single space stays a blank; any other run of blanks (newlines, tabs, two spaces,
  ``~``) becomes a *superblank* ``[...]`` that every stage passes through untouched;
* a segment ends with ``.[][]`` — a sentence end for the tagger that ``retxt`` (and
  :func:`decode`) remove again, so a headline without a full stop is still one sentence.
  The second, empty superblank matters: with nothing after ``.[]`` before the NUL,
  the last stages swallow a dot (``1..[]`` comes out ``1.[]``);
* a segment also *starts* with ``.[]``, a sentence end before it that :func:`decode`
  removes the same way. Apertium's tagger reads the first words of a text differently
  from the first words of any later sentence (``For Trøndelag ventes …``: a conjunction
  at the start of a text, a preposition after a full stop). With the lead every segment
  is read as a sentence inside a text — which is how the CLI reads every paragraph but
  the first of a file;
* an *isolated* segment starts with fifteen of them (:data:`ISOLATING_LEAD`), so that
  its answer cannot depend on what the pipeline read before. ``cg-proc`` (VISL CG-3
  1.3.9) caches which readings match which sets of its grammar, keyed by 32-bit hashes,
  and clears that cache only when the count of windows it has read reaches a multiple
  of 13 (``(num_windows + 4) * 2 + 1``), never at a NUL flush; so about one warm answer
  in 50,000 differed from the answer the same pipeline gives the segment alone (the
  soak's one wrong answer; docs/engine.md, "cg-proc keeps state"). Each sentence end
  closes a window and the clearing check runs after each window from the third on:
  fifteen sentence ends give 13 consecutive checks, one of which clears, and what the
  cache holds when the segment's first word comes is the same every time. The price is
  the cache's warmth: every segment is disambiguated from a cold cache
  (docs/benchmarks.md, "Deterministic translation"), so it is an option
  (``deterministic``);
* inline markup (``<b>``, a link) travels as a superblank holding only an index, so it
  comes back as the very :class:`Markup` object it was, wherever Apertium moved it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from ..model import Markup, Part

_SPECIAL = re.compile(r"([\\\[\]^$/@<>{}])")
# What apertium-destxt treats as blanks: ASCII space, tab, CR, LF — and `~`, which would
# otherwise reach post-generation as its "contract here" mark and vanish. Other spaces
# (no-break space in `10 000`, thin spaces, form feed) travel as ordinary characters.
# Every run of them but a lone space becomes a superblank.
_SUPERBLANK = re.compile(r" [ \t\n\r~]+|[\t\n\r~][ \t\n\r~]*")
_TAG_OPEN, _TAG_CLOSE = "\ue000", "\ue001"
# what :func:`decode` copies as it is: anything but an escape, a blank's start and (when
# marks are stripped) an unknown-word mark
_PLAIN = re.compile(r"[^\\\[@]+")
_PLAIN_WITH_MARKS = re.compile(r"[^\\\[]+")
SENTINEL = ".[][]"
LEAD = ".[]"
#: sentence ends before an isolated segment: vislcg3's cache clearing falls among them
ISOLATING_SENTENCES = 15
ISOLATING_LEAD = LEAD * ISOLATING_SENTENCES



def escape(text: str) -> str:
    """Backslash-escape the characters that mean something in the stream."""
    return _SPECIAL.sub(r"\\\1", text)


def _blanks(text: str) -> str:
    """Escape ``text`` and turn whitespace other than single spaces into superblanks.

    Two passes in C: no whitespace character is one that :func:`escape` touches, so the
    text is escaped whole, then every run of blanks that is not a lone space becomes
    ``[run]`` (a Python loop over the runs made a 1 GB text spend most of its time here)."""
    return _SUPERBLANK.sub(r"[\g<0>]", escape(text))


def body(text: str) -> str:
    """Plain ``text`` in the stream format without the lead and the sentinel: for a
    helper process (an analyser) that needs no sentence context."""
    return _blanks(text)


def encode(parts: str | Sequence[Part], *, isolate: bool = False) -> str:
    """Format one segment (plain text or text with :class:`Markup`) as a stream request;
    ``isolate``: with the lead that makes its answer independent of earlier requests."""
    lead = ISOLATING_LEAD if isolate else LEAD
    if isinstance(parts, str):
        return lead + _blanks(parts) + SENTINEL
    out: list[str] = [lead]
    for i, part in enumerate(parts):
        if isinstance(part, Markup):
            out.append(f"[{_TAG_OPEN}{i}{_TAG_CLOSE}]")
        else:
            out.append(_blanks(part))
    return "".join(out) + SENTINEL


_WHITE_SUPERBLANK = re.compile(r"\[([ \t\n\r~]+)\]")


def _drop_repeated_blanks(raw: str, parts: Sequence[Part]) -> str:
    """``raw`` without the copies of a whitespace superblank that Apertium wrote more
    often than the request held it.

    Some transfer rules write a blank twice (``jeg økt⏎  huset`` → ``eg [⏎  ]auka[⏎  ]
    huset``), which adds a line break a document's layout does not have. A copy is
    recognised by its count and dropped only where it touches another blank, so no two
    words are joined."""
    blanks = list(_WHITE_SUPERBLANK.finditer(raw))
    if not blanks:  # most answers: nothing to count, the request is not looked at
        return raw
    sent = Counter(m.group() for p in parts if isinstance(p, str)
                   for m in _SUPERBLANK.finditer(p))
    found = Counter(m.group(1) for m in blanks)
    excess = {blank: n - sent[blank] for blank, n in found.items() if n > sent[blank]}
    if not excess:
        return raw
    out: list[str] = []
    pos = 0
    for m in blanks:
        blank = m.group(1)
        if not excess.get(blank):
            continue
        before, after = raw[m.start() - 1:m.start()], raw[m.end():m.end() + 1]
        if before in (" ", "]") or after in (" ", "["):
            out.append(raw[pos:m.start()])
            pos = m.end()
            excess[blank] -= 1
    out.append(raw[pos:])
    return "".join(out)


def decode(raw: str, parts: Sequence[Part] | None = None, *,
           strip_marks: bool = True, spans: dict[int, tuple[int, int]] | None = None,
           trim: bool = False) -> list[Part]:
    """Turn a pipeline's answer back into text (and the markup of ``parts``).

    Returns a list of text and :class:`Markup` parts in output order; for a plain-text
    request it is a single string. ``strip_marks`` removes Apertium's unknown-word
    marks that survive ``lt-proc -n``: they are the only *unescaped* ``@`` (a literal
    ``@`` in the input comes back escaped). When ``spans`` is given, word-bound blanks
    ``[[u:N]]…[[/]]`` are read as unit markers and ``spans[N]`` gets the (start, end)
    of unit N in the returned text (counted over text parts only).

    ``trim`` removes whitespace at the two ends of the answer. We send segments without
    surrounding whitespace, but when Apertium deletes a segment's first or last word
    (``I løpet av de siste`` → `` dei siste``) the blank next to it stays behind.
    """
    if parts is not None:
        raw = _drop_repeated_blanks(raw, parts)
    out: list[Part] = []
    text: list[str] = []
    length = 0              # characters of text emitted so far (all text parts)
    dot_last = False        # the last thing emitted was a plain "." (our sentinel's dot)
    open_units: list[tuple[int, int]] = []
    plain = _PLAIN if strip_marks else _PLAIN_WITH_MARKS
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and i + 1 < n:
            text.append(raw[i + 1])
            length += 1
            dot_last = False
            i += 2
        elif c == "[":
            wordbound = raw.startswith("[[", i)
            j = i + (2 if wordbound else 1)
            content: list[str] = []
            while j < n and raw[j] != "]":
                if raw[j] == "\\" and j + 1 < n:
                    content.append(raw[j + 1])
                    j += 2
                else:
                    content.append(raw[j])
                    j += 1
            i = j + (2 if wordbound and raw.startswith("]]", j) else 1)
            blank = "".join(content)
            if wordbound:
                if spans is not None:
                    if blank.startswith("u:") and blank[2:].isdigit():
                        open_units.append((int(blank[2:]), length))
                    elif blank == "/" and open_units:
                        unit, start = open_units.pop()
                        spans[unit] = (start, length)
                continue
            if blank.startswith("<STREAMCMD"):
                continue
            if blank == "":
                # `.[]`: the sentence end we added; the dot must be right before it
                if dot_last and text and text[-1].endswith("."):
                    text[-1] = text[-1][:-1]
                    if not text[-1]:
                        text.pop()
                    length -= 1
                    if spans:  # the unit that was only our dot now spans nothing
                        for unit, (s, e) in spans.items():
                            if e > length:
                                spans[unit] = (min(s, length), length)
                dot_last = False
                continue
            dot_last = False
            if blank.startswith(_TAG_OPEN) and blank.endswith(_TAG_CLOSE) and parts is not None:
                if text:
                    out.append("".join(text))
                    text = []
                markup = parts[int(blank[1:-1])]
                out.append(markup)
                length += len(markup.text)  # type: ignore[union-attr]
                dot_last = False
                continue
            text.append(blank)
            length += len(blank)
        elif c == "@" and strip_marks:
            i += 1
        else:  # a run of ordinary characters, taken at once (char by char was the
            # largest cost of a large text on a fast engine)
            m = plain.match(raw, i)
            run = m.group() if m else c  # (not a run: a lone backslash at the very end)
            text.append(run)
            length += len(run)
            dot_last = run[-1] == "."
            i += len(run)
    if text or not out:
        out.append("".join(text))
    if trim:
        length -= _trim(out, spans)
    if spans:
        for unit, (s, e) in spans.items():
            spans[unit] = (min(s, length), min(e, length))
    return out


def _trim(out: list[Part], spans: dict[int, tuple[int, int]] | None) -> int:
    """Strip whitespace at the ends of ``out`` in place (text parts at the very ends
    only), shift ``spans`` to match; return how many characters went."""
    cut = 0
    if out and isinstance(out[0], str):
        lead = len(out[0]) - len(out[0].lstrip())
        if lead:
            out[0] = out[0][lead:]
            cut += lead
            if spans:
                for unit, (s, e) in spans.items():
                    spans[unit] = (max(0, s - lead), max(0, e - lead))
    if out and isinstance(out[-1], str):
        tail = len(out[-1]) - len(out[-1].rstrip())
        if tail:
            out[-1] = out[-1][:len(out[-1]) - tail]
            cut += tail
    for end in (-1, 0):
        if len(out) > 1 and out[end] == "":
            out.pop(end)
    return cut


def decode_text(raw: str, *, strip_marks: bool = True,
                spans: dict[int, tuple[int, int]] | None = None, trim: bool = False) -> str:
    """:func:`decode` for a plain-text request."""
    return "".join(p if isinstance(p, str) else p.text
                   for p in decode(raw, None, strip_marks=strip_marks, spans=spans, trim=trim))
