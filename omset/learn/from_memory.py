"""The desk's edits as training pairs: ``omset learn --memory DB``.

Every human or approved entry of the memory is a source segment and the text a
proofreader stands behind. The learner compares that text with the engine's own output
for the same source, with the style's layers and *without* post-edit rules — exactly
what a rule reads at run time. The memory's stored machine entries are not used for
that side: they were made with the rules of their day (and perhaps an older profile),
so the differences to learn from would be blurred by rules already applied.

Each source counts once, with its latest approved translation (a story stored at
version 1 and 2 gives its unchanged paragraphs twice); line breaks inside a paragraph
become spaces, since the learner works on single lines.
"""

from __future__ import annotations

from ..memory.keys import normalise
from ..memory.store import Memory


def approved_pairs(memory: Memory, source_lang: str, target_lang: str,
                   style: str = "") -> tuple[list[str], list[str]]:
    """(sources, approved targets) of one direction; entries stored for another house
    style are left out (entries without a style fit every style)."""
    latest: dict[str, tuple[float, int, str, str]] = {}
    for e in memory.entries(source_lang, target_lang, origins=("human", "approved")):
        if e.style and style and e.style != style:
            continue
        key = normalise(e.source)
        found = (e.created, e.id or 0, _line(e.source), _line(e.target))
        if key not in latest or found[:2] >= latest[key][:2]:
            latest[key] = found
    rows = sorted(latest.values(), key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows], [r[3] for r in rows]


def _line(text: str) -> str:
    return " ".join(text.split())
