"""Putting a segment's inline markup back into a stored plain translation.

The memory holds plain text. A document segment with markup inside it (a bold word, a
link, a DOCX run boundary) can still use a proofreader's stored translation of its text,
but only where every piece of markup has an unambiguous place in that translation — the
stored target says nowhere where a tag belongs, and a tag in the wrong place is worse
than the engine's output:

- markup before all of the text or after all of it goes before or after the whole
  translation (a link or bold around the whole paragraph);
- markup inside the text is anchored to the words it touches: the text from it to the
  next piece of markup (or from the previous one to it) must stand exactly once, as
  whole words, in both the source and the translation — a name, a number, a word the
  proofreader kept. ``<b>300</b>`` and a DOCX run switch before and after ``300`` find
  their place around ``300``; a link around a word the translation renders differently
  does not.

The pieces must come out in their source order (so tag pairs still nest). Anything else
raises :class:`Unplaceable` with the reason, and the caller translates the segment with
the engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Part


class Unplaceable(ValueError):
    """The markup of a segment has no safe place in the stored translation (the message
    says why)."""


def _once(text: str, span: str) -> int | None:
    """Where ``span`` stands as whole words in ``text``, if exactly once."""
    if not span:
        return None
    found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(span)}(?!\w)", text)]
    return found[0] if len(found) == 1 else None


def _anchor(text: str, target: str, before: str, after: str) -> tuple[int, str] | None:
    """Where markup between ``before`` and ``after`` (the source text on either side, up
    to the neighbouring markup) goes in ``target``, and the words it is anchored to."""
    if after and after == after.lstrip() and _once(text, after.rstrip()) is not None:
        where = _once(target, after.rstrip())
        if where is not None:
            return where, after.rstrip()
    if before and before == before.rstrip() and _once(text, before.lstrip()) is not None:
        where = _once(target, before.lstrip())
        if where is not None:
            return where + len(before.lstrip()), before.lstrip()
    return None


def restore(core: Sequence[Part], target: str) -> tuple[list[Part], list[str]]:
    """``target`` (the stored translation of ``core``'s text) with ``core``'s markup
    put back; also the words inner markup was anchored to. Raises :class:`Unplaceable`
    when it cannot be done safely (see the module)."""
    text = ""
    groups: list[tuple[int, list[Part]]] = []     # markup by offset in the source text
    for p in core:
        if isinstance(p, str):
            text += p
        elif groups and groups[-1][0] == len(text):
            groups[-1][1].append(p)
        else:
            groups.append((len(text), [p]))
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    lead = [m for at, ms in groups if at <= start for m in ms]
    trail = [m for at, ms in groups if at >= end for m in ms]
    inner = [(at, ms) for at, ms in groups if start < at < end]
    out: list[Part] = [*lead]
    pos = 0
    anchors: list[str] = []
    for k, (at, ms) in enumerate(inner):
        before = text[inner[k - 1][0] if k else start:at]
        after = text[at:inner[k + 1][0] if k + 1 < len(inner) else end]
        found = _anchor(text, target, before, after)
        if found is None:
            raise Unplaceable(f"markup between {before[-30:]!r} and {after[:30]!r}: neither "
                              "side stands exactly once in the source and the stored "
                              "translation")
        where, words = found
        if where < pos:
            raise Unplaceable(f"markup at {words!r} would come out of its order")
        if where > pos:
            out.append(target[pos:where])
        out += ms
        pos = where
        anchors.append(words)
    if target[pos:]:
        out.append(target[pos:])
    return out + trail, list(dict.fromkeys(anchors))
