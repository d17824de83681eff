"""SubRip (SRT) and WebVTT subtitles: cue text translated, every other byte kept.

Both formats are blocks separated by blank lines. Rather than let a library rebuild
the file (webvtt-py drops cue settings' spacing, NOTE/STYLE/REGION positions and the
header text; srt renumbers and normalises timings), this module rewrites only the text
lines of each cue in place: numbering, ids, timings, settings, comments and blank lines
come back byte for byte, and a cue of two lines is a cue of two lines. The libraries
validate: ``srt`` parses an SRT file before it is touched, webvtt-py a WebVTT file, and
a timing line that neither format allows is a :class:`FormatError` naming its line.

Which of the two a file is, is read from its content (the registry does not say):
WebVTT must start with ``WEBVTT``; anything else is SRT.

Context across cues: a sentence often runs over two or three cues. Consecutive cues
are joined into one segment until one ends a sentence (at most :data:`MAX_JOIN` cues),
with a marker between cues and one for each line break — both travel through
Apertium as :class:`Markup` — so the sentence is translated whole and split back at
the markers. Should a marker ever go missing or out of order, that group is
translated again cue by cue, line by line. Inline tags (``<i>``, ``<b>``,
``<v Speaker>``, ``<c.class>``, WebVTT timestamps, SRT ``{\\an8}``) stay placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Markup, Part
from .common import decode_text, encode_text
from ..text.protect import split_matches
from .placeholders import Placeholder, translate_segments

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "application/x-subrip; charset=utf-8"
MEDIA_TYPE_VTT = "text/vtt; charset=utf-8"

#: most cues joined into one segment for context
MAX_JOIN = 4

_TIME_SRT = r"\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}"
_TIME_VTT = r"(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}"
_TIMING = {"srt": re.compile(rf"^\s*{_TIME_SRT}\s*-->\s*{_TIME_SRT}(\s.*)?$"),
           "vtt": re.compile(rf"^{_TIME_VTT}[ \t]+-->[ \t]+{_TIME_VTT}([ \t].*)?$")}
_VTT_TIMESTAMP = re.compile(rf"<{_TIME_VTT}>")
_TAG = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")
_END = re.compile(r"[.!?…♪:;][\"'»”’)\]]*$")


@dataclass
class Cue:
    """A cue: the indices of its text lines in the file and their text."""

    lines: list[int]
    text: list[str] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class _Break(Markup):
    """A line break (``cue=False``) or a cue boundary inside a joined segment."""

    cue: bool = False


def is_vtt(text: str) -> bool:
    return text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\n")


def _cues(lines: list[str], kind: str) -> list[Cue]:
    """The cues of a file given as lines; checks every timing line."""
    from . import FormatError

    cues: list[Cue] = []
    i, n = 0, len(lines)
    first = kind == "vtt"          # the WEBVTT header block
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        j = i
        while j < n and lines[j].strip():
            j += 1
        block = range(i, j)
        head = lines[i]
        if first:
            first = False
        elif kind == "vtt" and re.match(r"(NOTE|STYLE|REGION)(\s|$)", head):
            pass
        else:
            timing = next((k for k in block if "-->" in lines[k]), None)
            if timing is None or timing - i > 1:
                raise FormatError(f"{kind.upper()}: line {i + 1}: expected a cue "
                                  f"({'an index' if kind == 'srt' else 'an optional id'} "
                                  "and a timing line with -->)")
            if not _TIMING[kind].match(lines[timing]):
                raise FormatError(f"{kind.upper()}: line {timing + 1}: not a valid timing "
                                  f"line: {lines[timing].strip()!r}")
            text = list(range(timing + 1, j))
            if text:
                cues.append(Cue(text, [lines[k] for k in text]))
        i = j
    return cues


def _validate(text: str, kind: str) -> None:
    """Let the format's library read the file too; its complaint becomes a FormatError."""
    from . import FormatError

    try:
        if kind == "srt":
            import srt

            for _ in srt.parse(text, ignore_errors=False):
                pass
        else:
            import webvtt

            webvtt.from_string(text)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the file's fault
        raise FormatError(f"{kind.upper()}: {type(exc).__name__}: {exc}") from None


def _line_parts(line: str) -> list[Part]:
    """One subtitle line: text, with WebVTT timestamps as placeholders."""
    return split_matches(line, _VTT_TIMESTAMP, lambda span: Placeholder(span, "timestamp"))


def _ends_sentence(cue: Cue) -> bool:
    last = _TAG.sub("", cue.text[-1]).rstrip()
    return not last or bool(_END.search(last))


def _groups(cues: list[Cue]) -> list[list[Cue]]:
    groups: list[list[Cue]] = []
    for cue in cues:
        if groups and len(groups[-1]) < MAX_JOIN and not _ends_sentence(groups[-1][-1]):
            groups[-1].append(cue)
        else:
            groups.append([cue])
    return groups


def _segment(group: list[Cue]) -> tuple[list[Part], list[_Break]]:
    """A group of cues as one segment; returns it and its markers in order."""
    parts: list[Part] = []
    marks: list[_Break] = []
    for c, cue in enumerate(group):
        for k, line in enumerate(cue.text):
            if c or k:
                mark = _Break("", cue=k == 0)
                marks.append(mark)
                parts += [" ", mark, " "]
            parts += _line_parts(line)
    return parts, marks


def _split_back(parts: list[Part], marks: list[_Break], group: list[Cue]) -> list[list[str]] | None:
    """Translated segment → lines per cue; ``None`` if markers were lost or moved."""
    if [id(p) for p in parts if isinstance(p, _Break)] != [id(m) for m in marks]:
        return None
    out: list[list[str]] = [[""]]
    for p in parts:
        if isinstance(p, _Break):
            if p.cue:
                out.append([""])
            else:
                out[-1].append("")
        else:
            out[-1][-1] += p if isinstance(p, str) else p.text
    result = [[line.strip(" ") for line in cue] for cue in out]
    if [len(c) for c in result] != [len(c.text) for c in group]:
        return None
    return result


def _keep_indent(source: str, translated: str) -> str:
    lead = source[:len(source) - len(source.lstrip(" \t"))]
    trail = source[len(source.rstrip(" \t")):]
    return lead + translated + trail


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    from . import FormatError

    text, bom = decode_text(data, "subtitles")
    if not text.strip():
        raise FormatError("subtitles: the file is empty")
    kind = "vtt" if is_vtt(text) else "srt"
    # each line keeps its own ending: a file mixing CRLF and LF comes back mixed
    raw = text.split("\n")
    ends = ["\r\n" if line.endswith("\r") else "\n" for line in raw[:-1]] + [""]
    lines = [line[:-1] if end == "\r\n" else line for line, end in zip(raw, ends)]
    cues = _cues(lines, kind)
    _validate(text, kind)
    groups = _groups(cues)
    built = [_segment(g) for g in groups]
    translated = translate_segments(tr, [seg for seg, _ in built], accelerators=False)
    retry: list[Cue] = []
    for group, (_, marks), parts in zip(groups, built, translated):
        back = _split_back(parts, marks, group)
        if back is None:
            retry.extend(group)
            continue
        for cue, new in zip(group, back):
            for idx, src, line in zip(cue.lines, cue.text, new):
                lines[idx] = _keep_indent(src, line)
    if retry:  # never seen in tests; a safe path, line by line
        flat = [(idx, src) for cue in retry for idx, src in zip(cue.lines, cue.text)]
        again = translate_segments(tr, [_line_parts(src) for _, src in flat], accelerators=False)
        for (idx, src), parts in zip(flat, again):
            lines[idx] = _keep_indent(src, "".join(p if isinstance(p, str) else p.text
                                                   for p in parts).strip(" "))
    return encode_text("".join(line + end for line, end in zip(lines, ends)), bom)
