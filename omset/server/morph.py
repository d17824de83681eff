"""APy's analysis, generation and coverage, answered by an Engine's helper processes.

APy runs a language's ``-morph`` / ``-gener`` mode through the ``apertium`` script for
each request. omset asks the warm helpers its engines already keep for glossary
inflection and agreement (:meth:`omset.engine.Engine.ask`): the analyser of the
Nynorsk→Bokmål mode (``lt-proc -w -e nno-nob.automorf.bin``) is Nynorsk's, the one of
Bokmål→Nynorsk Bokmål's; the generator of Bokmål→Nynorsk (``lt-proc -g
nob-nno.autogen.bin``) writes Nynorsk, the one of Nynorsk→Bokmål Bokmål. Nothing here
starts a process per request, and every question has the helpers' deadline.

The functions are blocking and take the ``ask`` callable of the engine to use, so they
can be tested with a stand-in.
"""

from __future__ import annotations

import re
from typing import Callable

from ..engine.stream import body, decode_text, escape

Ask = Callable[[str, str], str]

#: a lexical unit and the blank after it, as lt-proc writes them (escapes kept)
_UNIT = re.compile(r"\^((?:\\.|[^$\\])*)\$((?:\\.|[^\^\\])*)")
_SLASH = re.compile(r"(?<!\\)/")
#: a unit a client asks the generator for: no unescaped brackets, carets or NULs, and
#: every ``<`` closed by its ``>`` before the unit ends (lt-proc reads an open tag on
#: through the ``$`` and the NUL after it, and the answer never comes)
_GEN_CHARS = r"(?:\\[^\0]|<[^<>$\\\[\]\^\0]+>|[^$\\\[\]\^\0<>])"
_GEN_UNIT = re.compile(rf"\^({_GEN_CHARS}*)\$")
_GEN_BODY = re.compile(rf"{_GEN_CHARS}+")
SEP = "[SEP]"


def unescape(text: str) -> str:
    """Stream text as ``apertium-retxt`` gives it back: superblanks unwrapped, backslash
    escapes removed."""
    return decode_text(text, strip_marks=False)


def analyse(ask: Ask, text: str) -> list[tuple[str, str]]:
    """APy's ``/analyze``: per lexical unit, its analyses (``surface/lemma<tags>/…``)
    and its surface form with the blank that follows it."""
    # the empty superblank keeps lt-proc from swallowing a full stop right before the
    # NUL (see omset.engine.stream); it comes back as the last blank and is dropped
    raw = ask("analyser", body(text) + "[]").replace("\0", "")
    out = []
    for unit, blank in _UNIT.findall(raw):
        surface = _SLASH.split(unit, 1)[0]
        out.append((unescape(unit), unescape(surface) + unescape(blank)))
    return out


def coverage(units: list[tuple[str, str]]) -> float:
    """APy's ``/calcCoverage``: the share of units the analyser knows (-1 for none).
    An unknown unit's first analysis starts with ``*`` (or ``#``/``&``)."""
    if not units:
        return -1
    known = [u for u, _ in units if not _first_analysis(u).startswith(("*", "&", "#"))]
    return len(known) / len(units)


def _first_analysis(unit: str) -> str:
    parts = unit.split("/", 1)
    return parts[1] if len(parts) > 1 else ""


def generation_units(text: str) -> list[str]:
    """The units ``^lemma<tags>$`` (each with the text after it) of a ``/generate``
    query; a query with none is one unit. The text between units travels as blanks.

    Raises ValueError for a query the generator cannot read safely (an unescaped
    bracket or caret inside a unit, a lone unit body with one)."""
    units: list[str] = []
    matches = list(_GEN_UNIT.finditer(text))
    if not matches:
        if not _GEN_BODY.fullmatch(text):
            raise ValueError("q must be lexical units such as ^hus<n><nt><sg><def>$ "
                             "(or one unit's text, hus<n><nt><sg><def>)")
        return [f"^{text}$"]
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        units.append(text[m.start():end])
    return units


def generate(ask: Ask, units: list[str]) -> list[tuple[str, str]]:
    """APy's ``/generate``: per unit, what the generator writes, and the unit asked."""
    payload = SEP.join(_generation_request(u) for u in units)
    raw = ask("generator", payload).replace("\0", "")
    answers = raw.split(SEP)
    if len(answers) != len(units):  # never expected: the generator keeps superblanks
        raise ValueError("the generator's answer does not line up with the units asked")
    return [(unescape(a), u) for a, u in zip(answers, units)]


def _generation_request(unit: str) -> str:
    """One unit and the text after it, that text escaped as blanks."""
    m = _GEN_UNIT.match(unit)
    if m is None:  # generation_units made it, so never expected
        raise ValueError(f"not a lexical unit: {unit[:40]!r}")
    after = unit[m.end():]
    return m.group() + (" " if after == " " else f"[{escape(after)}]" if after else "")
