"""Front matter of Markdown files: found, and its prose translated, the rest untouched.

A YAML block between ``---`` lines at the very start keeps its shape byte for byte; only
the top-level keys in :data:`FRONT_MATTER_KEYS` with one-line string values are
translated — other keys (dates, slugs, tags, layout, authors) are data, not prose, and a
wrong word there breaks a site build. A value keeps its quoting; a plain value that would
no longer read back as the same string is double-quoted. The changed block is loaded again
(ruamel.yaml, safe) and must give the same keys and values apart from the translated ones,
else nothing is changed; front matter with aliases is not touched at all (comparing an
aliased "billion laughs" would expand it). A top-level ``lang``/``language``/``locale``
naming the source language names the target. A TOML block between ``+++`` lines is found
(so it is not read as Markdown) but left untouched.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from .common import has_surrogate

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

__all__ = ["FRONT_MATTER_KEYS", "split", "prose_edits", "lang_edits", "apply_edits"]

#: front-matter keys whose (string) values are prose
FRONT_MATTER_KEYS = ("title", "description", "summary", "excerpt")

_YAML_START = re.compile(r"---[ \t]*\n")
_YAML_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_TOML_START = re.compile(r"\+\+\+[ \t]*\n")
_TOML_END = re.compile(r"^\+\+\+[ \t]*$", re.M)
_FM_LANG = re.compile(r"""^(?:lang|language|locale)[ \t]*:[ \t]*["']?"""
                      r"""([A-Za-z]{2,3}(?:[-_][A-Za-z]{2})?)["']?[ \t]*$""", re.M)
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\]}]+", re.M)
_FM_KEY = re.compile(rf"^({'|'.join(FRONT_MATTER_KEYS)})([ \t]*:[ \t]*)(.*?)[ \t]*$")


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, new)`` span replaced (spans must not overlap)."""
    out, pos = [], 0
    for start, end, new in sorted(edits):
        if start < pos:  # pragma: no cover - segments never overlap
            continue
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def split(text: str) -> tuple[str | None, int]:
    """(kind, where the body starts): ``yaml``/``toml`` front matter, or none."""
    for kind, start, end in (("yaml", _YAML_START, _YAML_END), ("toml", _TOML_START, _TOML_END)):
        m = start.match(text)
        if not m:
            continue
        close = end.search(text, m.end())
        if close:
            stop = close.end() + (1 if text[close.end():close.end() + 1] == "\n" else 0)
            return kind, stop
    return None, 0


def prose_edits(head: str, tr: "Translator") -> list[tuple[int, int, str]]:
    """Translate the prose keys of a YAML front matter; nothing if the result would not
    load as the same YAML with only those values changed."""
    if not head.startswith("---"):
        return []  # TOML: untouched
    from ruamel.yaml import YAML

    if _ALIAS.search(_yaml_body(head)):
        return []  # aliases: comparing the result could expand a YAML bomb; leave it be
    yaml = YAML(typ="safe", pure=True)
    try:
        before = yaml.load(_yaml_body(head))
    except Exception:  # noqa: BLE001 - not YAML: leave it
        return []
    if not isinstance(before, dict):
        return []
    lines = head.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    found: list[tuple[int, int, str, str]] = []  # (start, end, key, style)
    for i, line in enumerate(lines[1:], 1):
        m = _FM_KEY.match(line)
        if not m or not isinstance(before.get(m.group(1)), str):
            continue
        if has_surrogate(before[m.group(1)]):
            continue  # an escaped half of a UTF-16 pair ("\ud800"): no text, left as written
        value = m.group(3)
        if not value or value[0] in "|>[{&*!%@`" or "#" in value:
            continue  # block scalars, flow collections, anchors, comments: left as written
        if i + 1 < len(lines) and lines[i + 1][:1] in (" ", "\t") and lines[i + 1].strip():
            continue  # a multi-line scalar
        start = offsets[i] + m.start(3)
        found.append((start, start + len(value), m.group(1), value[0]))
    if not found:
        return []
    texts = tr.translate_batch([before[k] for _, _, k, _ in found])
    edits = [(s, e, _yaml_scalar(new, style)) for (s, e, _, style), new in zip(found, texts)]
    after_text = apply_edits(head, edits)
    try:
        after = yaml.load(_yaml_body(after_text))
    except Exception:  # noqa: BLE001
        return []
    changed = {k for _, _, k, _ in found}
    if not isinstance(after, dict) or set(after) != set(before) or any(
            after[k] != before[k] for k in before if k not in changed):
        return []
    if any(after[k] != new for (_, _, k, _), new in zip(found, texts)):
        return []
    return edits


def lang_edits(head: str, tr: "Translator",
               options: "Options") -> list[tuple[int, int, str]]:
    """A top-level ``lang:``/``language:`` naming the source language names the target."""
    from .common import target_lang
    from .html import LANG_CODES, retag

    if not head.startswith("---"):
        return []
    codes = LANG_CODES.get(tr.source, (tr.source,))
    edits = []
    for m in _FM_LANG.finditer(head):
        code = m.group(1).lower().replace("_", "-").partition("-")[0]
        if code in codes:
            edits.append((m.start(1), m.end(1), retag(m.group(1), target_lang(tr, options))))
    return edits


def _yaml_body(head: str) -> str:
    """The YAML between the ``---`` lines."""
    inner = head.split("\n", 1)[1]
    end = _YAML_END.search(inner)
    return inner[:end.start()] if end else inner


def _yaml_scalar(value: str, style: str) -> str:
    """``value`` written the way the original was: plain if it still reads back, quoted else."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"' or not _plain_ok(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def _plain_ok(value: str) -> bool:
    from ruamel.yaml import YAML

    if not value or value != value.strip() or "\n" in value or ": " in value or " #" in value:
        return False
    try:
        return YAML(typ="safe", pure=True).load(f"k: {value}") == {"k": value}
    except Exception:  # noqa: BLE001
        return False
