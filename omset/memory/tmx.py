"""TMX 1.4b import and export (the exchange format of OmegaT, Trados, memoQ …).

Reading goes through defusedxml with DTDs forbidden: a TMX with a DOCTYPE or entity
declarations is refused (no billion laughs, no external entities), streaming, so a large
memory never sits in memory at once. Inline codes (``bpt``, ``ept``, ``ph``, ``it``) are
the source format's markup, not text, and are left out of the segment; ``hi``/``sub``
keep their text. Writing produces TMX 1.4b with omset's own fields as ``x-omset-*``
properties, so an export re-imports with its origin, document and context intact.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from ..errors import InputError, UnsupportedLanguage
from ..languages import normalize
from ..text.clean import strip_controls
from .entry import ORIGINS, Entry

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})
_PROPS = ("origin", "style", "engine-version", "profile-version", "document", "doc-version",
          "position", "prev-source", "next-source")


@dataclass
class ReadReport:
    """What an import skipped, and why (counts)."""

    skipped_languages: int = 0     # units without both languages
    skipped_machine: int = 0       # machine units without engine/profile version


def _lang(code: str) -> str | None:
    """nb / nn for a TMX language code (nb-NO, NO-NB, nob, nn_NO …), else None."""
    try:
        return normalize(code)
    except UnsupportedLanguage:
        for part in code.replace("_", "-").split("-"):
            try:
                if part.lower() != "no":
                    return normalize(part)
            except UnsupportedLanguage:
                continue
    return None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _seg_text(seg: Any) -> str:
    """The text of a <seg>, without the native codes of inline elements."""
    out = [seg.text or ""]
    for child in seg:
        if _local(child.tag) not in _CODES:
            out.append(_seg_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _date(value: str | None) -> float:
    if not value:
        return time.time()
    try:
        return _dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=_dt.UTC).timestamp()
    except ValueError:
        return time.time()


def read(path: str | Path, source_lang: str, target_lang: str,
         report: ReadReport | None = None) -> Iterator[Entry]:
    """The entries of a TMX file for one direction (units lacking a language are skipped).

    Units without an ``x-omset-origin`` count as ``human`` translations.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    report = report if report is not None else ReadReport()
    try:
        for _event, el in iterparse(str(path), events=("end",), forbid_dtd=True,
                                    forbid_entities=True, forbid_external=True):
            if _local(el.tag) != "tu":
                continue
            segs: dict[str, str] = {}
            props: dict[str, str] = {}
            for child in el:
                name = _local(child.tag)
                if name == "tuv":
                    lang = _lang(child.get(_XML_LANG) or child.get("lang") or "")
                    seg = next((c for c in child if _local(c.tag) == "seg"), None)
                    if lang and seg is not None and lang not in segs:
                        segs[lang] = _seg_text(seg)
                elif name == "prop" and (child.get("type") or "").startswith("x-omset-"):
                    props[child.get("type", "")[len("x-omset-"):]] = child.text or ""
            created, author = _date(el.get("creationdate")), el.get("creationid") or ""
            el.clear()
            src, tgt = segs.get(source_lang, "").strip(), segs.get(target_lang, "").strip()
            if not src or not tgt:
                report.skipped_languages += 1
                continue
            origin = props.get("origin", "human")
            if origin not in ORIGINS:
                origin = "human"
            if origin == "machine" and not (props.get("engine-version") and props.get("profile-version")):
                report.skipped_machine += 1
                continue
            pos = props.get("position", "")
            yield Entry(src, tgt, source_lang, target_lang, origin,  # type: ignore[arg-type]
                        style=props.get("style", ""),
                        engine_version=props.get("engine-version", ""),
                        profile_version=props.get("profile-version", ""),
                        document=props.get("document", ""),
                        doc_version=props.get("doc-version", ""),
                        position=int(pos) if pos.isdigit() else None,
                        prev_source=props.get("prev-source", ""),
                        next_source=props.get("next-source", ""),
                        created=created, author=author)
    except (DefusedXmlException, ParseError) as exc:
        raise InputError(f"{path}: not a TMX file omset accepts: {exc}") from exc


def _clean(text: str) -> str:
    """Text XML 1.0 can carry (control characters other than tab/newline dropped)."""
    return escape(strip_controls(text)[0])


def write(entries: Iterable[Entry], out: IO[str], source_lang: str) -> int:
    """Write entries as TMX 1.4b; return how many units were written."""
    from .. import __version__

    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    out.write(f'  <header creationtool="omset" creationtoolversion={quoteattr(__version__)} '
              f'segtype="paragraph" o-tmf="omset" adminlang="en" '
              f'srclang={quoteattr(source_lang)} datatype="plaintext"/>\n  <body>\n')
    n = 0
    for e in entries:
        stamp = _dt.datetime.fromtimestamp(e.created, _dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        author = f" creationid={quoteattr(strip_controls(e.author)[0])}" if e.author else ""
        out.write(f'    <tu tuid="{e.id or n + 1}" creationdate="{stamp}"{author}>\n')
        values = {"origin": e.origin, "style": e.style, "engine-version": e.engine_version,
                  "profile-version": e.profile_version, "document": e.document,
                  "doc-version": e.doc_version,
                  "position": "" if e.position is None else str(e.position),
                  "prev-source": e.prev_source, "next-source": e.next_source}
        for name in _PROPS:
            if values[name]:
                out.write(f'      <prop type="x-omset-{name}">{_clean(values[name])}</prop>\n')
        for lang, text in ((e.source_lang, e.source), (e.target_lang, e.target)):
            out.write(f'      <tuv xml:lang="{lang}"><seg>{_clean(text)}</seg></tuv>\n')
        out.write("    </tu>\n")
        n += 1
    out.write("  </body>\n</tmx>\n")
    return n
