"""Parse XML from untrusted documents with lxml, safely.

OOXML and ODF parts never carry a DTD, so any ``<!DOCTYPE`` (the carrier of entity
expansion — "billion laughs" — and of external entities that read local files or the
network) is refused outright rather than merely not expanded: a document that has one
is hostile or broken, and saying so beats translating around it. The parser itself is
also locked down (no entity resolution, no DTD loading, no network, no huge trees) so a
DTD that slipped past the check still could not do anything.
"""

from __future__ import annotations

from lxml import etree

from . import FormatError

__all__ = ["parse_xml", "serialize_xml"]


def _parser() -> etree.XMLParser:
    # a fresh parser per call: lxml parsers are not thread-safe
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                           dtd_validation=False, huge_tree=False, remove_blank_text=False)


def parse_xml(data: bytes, what: str) -> etree._ElementTree:
    """Parse ``data`` (a part named ``what``); FormatError when it is not safe, plain XML."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise FormatError(f"{what}: XML with a DTD or entity declarations is not allowed "
                          "(entity expansion / external entities)")
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"{what}: not well-formed XML ({exc})") from None
    except ValueError as exc:  # e.g. a unicode string with an encoding declaration
        raise FormatError(f"{what}: cannot be parsed as XML ({exc})") from None
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        # the byte check cannot see a DTD in a UTF-16 part; the parsed tree can
        raise FormatError(f"{what}: XML with a DTD is not allowed")
    return tree


def serialize_xml(tree: etree._ElementTree) -> bytes:
    """The part as bytes: UTF-8 with the XML declaration (and ``standalone`` as it was)."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                          standalone=tree.docinfo.standalone)
