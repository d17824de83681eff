"""XLIFF 1.2 (and 1.1, the same elements) and 2.0: ``<target>`` written, everything
else as it was.

Which text is the Bokmål to translate depends on the file, as for PO:

* source language = the translator's source (``nb``): each ``<source>`` is translated
  into its ``<target>`` (created right after ``<source>`` when missing). A target that
  already holds a human translation is kept, unless its state says it still needs one
  (1.2 ``new``/``needs-translation``, 2.0 ``initial``);
* otherwise, target language = the translator's source (an ``en``→``nb`` file): the
  existing Bokmål targets are translated in place and the file becomes ``en``→``nn``;
* otherwise the file is refused — Apertium cannot translate English.

Machine output is marked for review unless ``options.fuzzy`` is False: 1.2
``state="needs-review-translation" state-qualifier="mt-suggestion"`` (else
``state="translated"``); 2.0 ``state="translated"`` on the segment — 2.0's states run
initial → translated → reviewed → final, so *translated* already means "not reviewed" —
with ``subState="omset:machine"`` saying who translated it. ``target-language`` (1.2, per
``<file>``) or ``trgLang`` (2.0, root) is set.

Inline elements travel as :class:`Markup` so Apertium keeps them by their words:
``<g>``, ``<pc>`` and ``<mrk>`` as an opening and a closing marker around their
(translated) content; ``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph>``, ``<bpt>``, ``<ept>``,
``<it>``, ``<sc/>``, ``<ec/>``, ``<sm/>``, ``<em/>`` and protected ``<mrk>`` whole.

Untrusted XML: parsed by lxml with entity resolution, DTD loading and network access
off, and any ``<!DOCTYPE`` or ``<!ENTITY`` refused outright (XLIFF needs neither), so a
billion-laughs or ``file:///etc/passwd`` entity is a :class:`FormatError`, never read.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from lxml import etree

from ..model import Markup, Part
from .common import decode_text, encode_text, target_lang
from .placeholders import translate_segments

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "application/xliff+xml; charset=utf-8"

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
#: XLIFF 1.1 (translate-toolkit's default) has 1.2's elements under its own namespace
NS11 = "urn:oasis:names:tc:xliff:document:1.1"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
PAIRED = {"g", "pc", "mrk"}                  # content is text to translate
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ALIASES = {"nb": "nb", "nob": "nb", "no": "nb", "nn": "nn", "nno": "nn"}


@dataclass(frozen=True, eq=False)
class Inline(Markup):
    """An inline element in a segment: ``open``/``close`` of a paired one, or ``whole``."""

    kind: str = "whole"
    element: Any = None


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _lang(code: str | None) -> str | None:
    if not code:
        return None
    return _ALIASES.get(code.strip().replace("-", "_").split("_")[0].lower(), "other")


def parse(text: str) -> Any:
    """Parse untrusted XLIFF safely; hostile or broken XML is a :class:`FormatError`."""
    from . import FormatError

    if _DTD.search(text):
        raise FormatError("XLIFF: a DOCTYPE or ENTITY declaration is not allowed "
                          "(entities are never expanded or loaded)")
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             dtd_validation=False, huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"XLIFF: not well-formed XML: {exc}") from None
    if _local(root) != "xliff":
        raise FormatError(f"XLIFF: the root element is <{_local(root)}>, not <xliff>")
    return root


def _parts(el: Any) -> list[Part]:
    """An element's mixed content as text and :class:`Inline` markup."""
    parts: list[Part] = [el.text] if el.text else []
    for child in el:
        if not isinstance(child.tag, str):          # comment or processing instruction
            parts.append(Inline(etree.tostring(child, with_tail=False, encoding="unicode"),
                                "whole", child))
        elif _local(child) in PAIRED and child.get("translate") != "no" \
                and child.get("mtype") != "protected":
            parts.append(Inline(f"<{_local(child)}>", "open", child))
            parts.extend(_parts(child))
            parts.append(Inline(f"</{_local(child)}>", "close", child))
        else:
            parts.append(Inline(etree.tostring(child, with_tail=False, encoding="unicode"),
                                "whole", child))
        if child.tail:
            parts.append(child.tail)
    return parts


def _in_source_order(parts: list[Part], source: Sequence[Part]) -> list[Part]:
    """If Apertium reordered inline markers, put them back in source order (same
    slots), so paired elements still nest."""
    ours = [p for p in source if isinstance(p, Inline)]
    got = [p for p in parts if isinstance(p, Inline)]
    if [id(p) for p in got] == [id(p) for p in ours]:
        return parts
    it = iter(ours)
    out = [next(it) if isinstance(p, Inline) else p for p in parts]
    rest = list(it)   # markers Apertium lost (never seen; kept for well-formedness)
    return out + rest


def _fill(target: Any, parts: Sequence[Part]) -> None:
    """Write translated parts into ``target`` (emptied), rebuilding inline elements."""
    for child in list(target):
        target.remove(child)
    target.text = None
    stack = [target]
    last: Any = None      # the element whose tail receives the next text (None: .text)

    def add_text(s: str) -> None:
        if last is None:
            stack[-1].text = (stack[-1].text or "") + s
        else:
            last.tail = (last.tail or "") + s

    for p in parts:
        if isinstance(p, str):
            add_text(p)
        elif isinstance(p, Inline) and p.kind == "open":
            el = etree.SubElement(stack[-1], p.element.tag, dict(p.element.attrib))
            stack.append(el)
            last = None
        elif isinstance(p, Inline) and p.kind == "close":
            if len(stack) > 1:
                last = stack.pop()
        elif isinstance(p, Inline):
            el = copy.deepcopy(p.element)
            el.tail = None
            stack[-1].append(el)
            last = el
        else:
            add_text(p.text)


def _units(root: Any, version: str) -> list[tuple[Any, Any]]:
    """(container, source) pairs: 1.2 trans-units, 2.0 segments."""
    if version == "1.2":
        pairs = []
        for unit in root.iter(f"{{{NS12}}}trans-unit", f"{{{NS11}}}trans-unit", "trans-unit"):
            ns = etree.QName(unit).namespace
            src = unit.find(f"{{{ns}}}source" if ns else "source")
            if unit.get("translate") != "no" and src is not None:
                pairs.append((unit, src))
        return pairs
    out = []
    for unit in root.iter(f"{{{NS20}}}unit"):
        if unit.get("translate") == "no":
            continue
        for seg in unit.iter(f"{{{NS20}}}segment"):
            src = seg.find(f"{{{NS20}}}source")
            if src is not None:
                out.append((seg, src))
    return out


def _target(container: Any, source: Any, create: bool) -> Any | None:
    ns = etree.QName(source).namespace
    tgt = container.find(f"{{{ns}}}target" if ns else "target")
    if tgt is None and create:
        tgt = etree.Element(f"{{{ns}}}target" if ns else "target")
        prev = source.getprevious()
        indent = prev.tail if prev is not None else container.text
        tgt.tail = source.tail
        source.addnext(tgt)
        if indent is not None and not indent.strip():   # the new line indented as <source>
            source.tail = indent
    return tgt


def _needs_translation(container: Any, tgt: Any | None, version: str) -> bool:
    if tgt is None or (not (tgt.text or "").strip() and len(tgt) == 0):
        return True
    state = (container if version == "2.0" else tgt).get("state", "")
    return state in ("new", "needs-translation", "initial")


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    from . import FormatError

    text, bom = decode_text(data, "XLIFF")
    root = parse(text)
    version = "2.0" if etree.QName(root).namespace == NS20 or \
        (root.get("version") or "").startswith("2") else "1.2"
    lang = target_lang(tr, options)
    if version == "2.0":
        src_l, tgt_l = _lang(root.get("srcLang")), _lang(root.get("trgLang"))
    else:
        files = list(root.iter(f"{{{NS12}}}file", f"{{{NS11}}}file", "file"))
        src_l = _lang(next((f.get("source-language") for f in files), None))
        tgt_l = _lang(next((f.get("target-language") for f in files), None))
    if src_l in (None, tr.source):
        in_place = False
    elif tgt_l == tr.source:
        in_place = True
    else:
        raise FormatError(f"XLIFF: neither the source ({src_l}) nor the target language "
                          f"({tgt_l}) is {tr.source}; nothing to translate from")
    jobs: list[tuple[Any, Any, list[Part]]] = []
    for container, source in _units(root, version):
        if in_place:
            tgt = _target(container, source, create=False)
            if tgt is None or not "".join(tgt.itertext()).strip():
                continue
            jobs.append((container, tgt, _parts(tgt)))
        else:
            tgt = _target(container, source, create=False)
            if not _needs_translation(container, tgt, version):
                continue
            if not "".join(source.itertext()).strip():
                continue
            jobs.append((container, _target(container, source, create=True), _parts(source)))
    translated = translate_segments(tr, [parts for _, _, parts in jobs])
    for (container, tgt, src_parts), out in zip(jobs, translated):
        _fill(tgt, _in_source_order(out, src_parts))
        if version == "1.2":
            if options.fuzzy:
                tgt.set("state", "needs-review-translation")
                tgt.set("state-qualifier", "mt-suggestion")
            else:
                tgt.set("state", "translated")
                tgt.attrib.pop("state-qualifier", None)
        else:
            container.set("state", "translated")
            if options.fuzzy:
                container.set("subState", "omset:machine")
            else:
                container.attrib.pop("subState", None)
    if version == "2.0":
        root.set("trgLang", lang)
    else:
        for f in root.iter(f"{{{NS12}}}file", f"{{{NS11}}}file", "file"):
            f.set("target-language", lang)
    return encode_text(_serialise(root, text), bom)


def _serialise(root: Any, original: str) -> str:
    """The document as text, with the input's own XML declaration (if it had one)."""
    body = etree.tostring(root.getroottree(), encoding="unicode")
    decl = re.match(r"\s*<\?xml[^>]*\?>", original)
    trailing = original[len(original.rstrip()):]
    return (decl.group().lstrip() + "\n" if decl else "") + body + trailing
