"""Tab-separated pairs (``source<TAB>target``, one pair a line): import and export.

The simplest exchange format there is: what a spreadsheet or a script makes. A line
without exactly one tab is an error with its line number (the importer reads the whole
file before it stores anything, so a file with an error stores nothing). Imported pairs count as
``human`` translations. On export, a segment's line breaks and tabs (a hard-wrapped
paragraph) become single spaces, since a line is a pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..text.clean import decode_utf8, strip_controls
from .entry import Entry, Origin

_BREAKS = re.compile(r"\s*[\t\r\n]\s*")


def read(path: str | Path, source_lang: str, target_lang: str,
         origin: Origin = "human", author: str = "") -> Iterator[Entry]:
    """The pairs of a TSV file; blank lines are skipped."""
    data = Path(path).read_bytes()
    text = strip_controls(decode_utf8(data, 0))[0]
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 2 or not cells[0].strip() or not cells[1].strip():
            why = "an empty side" if len(cells) == 2 else f"{len(cells) - 1} tabs"
            raise InputError(f"{path}:{n}: expected 'source<TAB>target', found {why}")
        yield Entry(cells[0].strip(), cells[1].strip(), source_lang, target_lang, origin,
                    author=author)


def write(entries: Iterable[Entry], out: IO[str]) -> int:
    """Write ``source<TAB>target`` lines; return how many."""
    n = 0
    for e in entries:
        out.write(f"{_BREAKS.sub(' ', e.source)}\t{_BREAKS.sub(' ', e.target)}\n")
        n += 1
    return n
