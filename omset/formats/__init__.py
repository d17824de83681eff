"""Document formats: a file in, the same file translated out, structure intact.

Every format is a module in this package with::

    MEDIA_TYPE: str                      # what the service answers with
    def translate(data: bytes, tr: Translator, options: Options) -> bytes

A format module parses with a well-kept library (lxml for HTML, XLIFF and the XML
inside DOCX and ODT zips, markdown-it-py, polib, srt/webvtt-py, ruamel.yaml …), hands
its text to the translator as segments — with inline markup as
:class:`~omset.model.Markup` parts, so Apertium keeps it around the right words
(:meth:`Translator.translate_parts`) — and writes the result back in the same shape.
Modules are imported lazily: ``omset translate`` on plain text never pays for lxml.

Untrusted input is the rule, not the exception: :class:`Limits` bounds what a document
may expand to (zip bombs, entity expansion), and every failure is a
:class:`FormatError` with one sentence saying what is wrong.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Protocol

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import GlossaryLike, Translator

__all__ = ["FormatError", "Limits", "Options", "FORMATS", "EXTENSIONS", "detect_format",
           "translate_document", "translate_file", "write_atomic", "media_type"]


class FormatError(InputError):
    """A document that cannot be translated as given: corrupt, hostile, or not its format."""


@dataclass(frozen=True)
class Limits:
    """What an untrusted document may cost. The defaults suit a newsroom's files."""

    #: largest input file accepted, in bytes
    max_input_bytes: int = 512 * 1024 * 1024
    #: largest total uncompressed size of a zip container (DOCX, ODT)
    max_uncompressed_bytes: int = 512 * 1024 * 1024
    #: largest ratio of uncompressed to compressed size for any zip member
    max_compression_ratio: float = 200.0
    #: most members a zip container may have
    max_zip_entries: int = 10_000


@dataclass(frozen=True)
class Options:
    """How to translate a document, beyond what the :class:`Translator` already knows."""

    #: mark machine-translated entries of message catalogues (PO) as fuzzy
    fuzzy: bool = True
    #: language code written into the output (``lang``, PO ``Language:``, XLIFF target);
    #: ``None``: the translator's target (``nn`` / ``nb``)
    target_lang: str | None = None
    limits: Limits = field(default_factory=Limits)


class Format(Protocol):
    """What a format module provides."""

    MEDIA_TYPE: str

    def translate(self, data: bytes, tr: "Translator", options: Options) -> bytes: ...


#: format name → module in this package
FORMATS: dict[str, str] = {
    "text": "text",
    "html": "html",
    "markdown": "markdown",
    "docx": "docx",
    "odt": "odt",
    "srt": "subtitles",
    "vtt": "subtitles",
    "po": "po",
    "xliff": "xliff",
    "json": "messages",
    "yaml": "messages",
}

#: file-name ending → format name
EXTENSIONS: dict[str, str] = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown",
    ".docx": "docx",
    ".odt": "odt",
    ".srt": "srt",
    ".vtt": "vtt",
    ".po": "po", ".pot": "po",
    ".xlf": "xliff", ".xliff": "xliff",
    ".json": "json",
    ".yaml": "yaml", ".yml": "yaml",
}


def detect_format(filename: str | PurePath | None, explicit: str | None = None) -> str:
    """The format to use: ``explicit`` if given, else by the file name's ending, else text."""
    if explicit:
        name = explicit.lower().lstrip(".")
        name = EXTENSIONS.get("." + name, name)
        if name not in FORMATS:
            raise FormatError(f"unknown format {explicit!r}; known: {', '.join(sorted(FORMATS))}")
        return name
    if filename is None:
        return "text"
    return EXTENSIONS.get(PurePath(str(filename)).suffix.lower(), "text")


def _module(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    try:
        return importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{FORMATS[fmt]}":
            raise FormatError(f"the {fmt} format is not available in this version") from None
        raise


def media_type(fmt: str) -> str:
    """The MIME type a translated document of this format is served as.

    A module serving two formats (json/yaml, srt/vtt) names the second one's type
    ``MEDIA_TYPE_<FORMAT>``."""
    module = _module(fmt)
    return getattr(module, f"MEDIA_TYPE_{fmt.upper()}", module.MEDIA_TYPE)


def translate_document(data: bytes, fmt: str, translator: "Translator", *,
                       options: Options | None = None, glossary: "GlossaryLike" = None) -> bytes:
    """Translate a whole document given as bytes; return the translated document.

    ``glossary``: extra terms for this document, added to the translator's own.
    Raises :class:`FormatError` for input that is not a valid document of ``fmt`` or is
    larger than ``options.limits`` allow; nothing is returned half-done.
    """
    options = options or Options()
    if glossary is not None:
        translator = translator.using(glossary=glossary)
    if len(data) > options.limits.max_input_bytes:
        raise FormatError(f"document is {len(data)} bytes, more than the limit of "
                          f"{options.limits.max_input_bytes}")
    module = _module(fmt)
    return module.translate(data, translator, options)


def translate_file(src: Path, dst: Path, translator: "Translator", *, fmt: str | None = None,
                   options: Options | None = None) -> None:
    """Translate ``src`` into ``dst``; ``dst`` appears only when all of it succeeded."""
    fmt = detect_format(src, fmt)
    options = options or Options()
    size = src.stat().st_size
    if size > options.limits.max_input_bytes:
        raise FormatError(f"{src} is {size} bytes, more than the limit of "
                          f"{options.limits.max_input_bytes}")
    out = translate_document(src.read_bytes(), fmt, translator, options=options)
    write_atomic(dst, out)


def output_mode(dst: Path) -> int:
    """The permission bits a file written at ``dst`` should get.

    ``mkstemp`` makes its file 0600; a new output file should follow the umask as any
    other program's would, and a file we replace keeps its mode.
    """
    import os

    if dst.exists():
        return dst.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(dst: Path, data: bytes) -> None:
    """Write ``data`` to ``dst`` through a temporary file beside it: ``dst`` is either the
    old file or the complete new one, never half-written."""
    import os
    import tempfile

    fd, name = tempfile.mkstemp(dir=dst.parent if str(dst.parent) else ".", prefix=f".{dst.name}.")
    try:
        os.fchmod(fd, output_mode(dst))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(name, dst)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
