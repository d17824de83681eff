"""Before the tagger: drop the name reading of a lower-case word no name follows.

Apertium's Nynorsk analyser knows lower-case name particles as proper nouns
(``di<np><attr>``, ``de``, ``del``, ``du``, ``av``: *Leonardo di Caprio*, *Charles de
Gaulle*), and the constraint grammar leaves that reading in next to the word's ordinary
ones. The HMM tagger then sometimes picks the name — ``for di og mi lommebok`` became
``for di og min lommebok`` in Bokmål, ``di`` kept as a name instead of the possessive
``din``. A particle is part of a name only before the name's next part, which is
capitalised; so a proper-noun reading of a lower-case word is dropped when the word
has other readings and the next word is not capitalised. Compound readings (``+``)
are left alone, and so is every word whose only readings are names, and every token
that is not a word of letters alone (a domain name such as ``helsenorge.no`` has a
name reading, and dropping it had Apertium translate the link text).

Standard library only: it runs inside ``tagger_guard.py`` (``python -I``), on the
stream exactly as the constraint grammar hands it to the tagger.
"""

from __future__ import annotations

import re

# A blank (``[…]``, escapes inside) is skipped whole, so a ``^`` inside one is not
# read as the start of a lexical unit; a lexical unit is ``^surface/reading/…$``.
_UNIT = re.compile(rb"\[(?:\\.|[^\\\]])*\]|\^((?:\\.|[^\\$])*)\$", re.S)
_SLASH = re.compile(rb"(?<!\\)/")  # a reading separator (an escaped ``\/`` is text)
_NAME = b"<np>"


def _surface(unit: bytes) -> str:
    return _SLASH.split(unit, 1)[0].replace(b"\\", b"").decode("utf-8", "replace")


def _is_name(reading: bytes) -> bool:
    """A reading that is a proper noun as a whole (not a compound with a name part)."""
    lemma_end = reading.find(b"<")
    return lemma_end >= 0 and reading.startswith(_NAME, lemma_end) and b"+" not in reading


def drop_particle_names(chunk: bytes) -> bytes:
    """``chunk`` with the proper-noun readings dropped where no name follows (above)."""
    if _NAME not in chunk:
        return chunk
    units = [m for m in _UNIT.finditer(chunk) if m.group(1) is not None]
    out: list[bytes] = []
    pos = 0
    for i, m in enumerate(units):
        body = m.group(1)
        if _NAME not in body:
            continue
        word = _surface(body)
        if not (word.isalpha() and word[:1].islower()):
            continue  # a name particle is a word: a domain (``helsenorge.no``) is left alone
        following = _surface(units[i + 1].group(1)) if i + 1 < len(units) else ""
        if following[:1].isupper():
            continue
        surface, *readings = _SLASH.split(body)
        kept = [r for r in readings if not _is_name(r)]
        if not kept or len(kept) == len(readings):
            continue
        out += [chunk[pos:m.start(1)], b"/".join([surface, *kept])]
        pos = m.end(1)
    if not out:
        return chunk
    out.append(chunk[pos:])
    return b"".join(out)
