"""gettext PO: a Bokmål ``nb.po`` in, a Nynorsk ``nn.po`` out (or back).

The text to translate is each entry's ``msgstr`` — the source language's translation —
not the ``msgid``, which is usually English. Hence a POT template (every ``msgstr``
empty) has nothing to translate and is refused with a message saying so, rather than
copied: an empty ``nn.po`` that looks finished would be worse than an error.

Entries with an empty ``msgstr`` and obsolete (``#~``) entries are left alone; comments,
references, flags, contexts and previous msgids are kept by polib. What the machine
translated is marked ``fuzzy`` (so gettext tools and translators treat it as a
suggestion) unless ``options.fuzzy`` is False (``--no-fuzzy``). The header gets the
target ``Language``, a matching ``Language-Team`` and the ``Plural-Forms`` Norwegian
uses, because msgfmt checks plural entries against them.

A catalogue is read in the charset its header declares (gettext's own rule; ISO-8859-1
catalogues still ship) and always written as UTF-8, with the header's charset changed
to ``UTF-8``: msgfmt reads it so, and a Nynorsk translation may need characters the
old charset lacks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import polib

from .common import decode_declared, decode_text, encode_text, target_lang
from .placeholders import translate_messages

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "text/x-gettext-translation; charset=utf-8"

PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
TEAMS = {"nn": "Norwegian Nynorsk", "nb": "Norwegian Bokmål"}
_ALIASES = {"nb": "nb", "nob": "nb", "nn": "nn", "nno": "nn"}


def _lang(code: str) -> str | None:
    """``nb_NO`` → ``nb``; ``None`` for codes that are neither Bokmål nor Nynorsk."""
    return _ALIASES.get(code.strip().replace("-", "_").split("_")[0].lower())


def parse(text: str) -> polib.POFile:
    """Parse PO text; a syntax error becomes a :class:`FormatError` with its line."""
    from . import FormatError

    if not text.strip():
        raise FormatError("PO: the file is empty")
    import os
    import tempfile

    # polib.pofile() reads a *path* when its argument names an existing file; content
    # such as "/etc/passwd" must never be taken for one, so polib always gets a file.
    fd, name = tempfile.mkstemp(prefix="omset-po-", suffix=".po")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return polib.pofile(name, encoding="utf-8", wrapwidth=78)
    except (OSError, ValueError, UnicodeError) as exc:
        raise FormatError(f"PO: not a valid gettext file: {exc}".replace(name, "input")) from None
    finally:
        os.unlink(name)


#: the charset a catalogue's header declares (``Content-Type: text/plain; charset=…``);
#: the header is the first entry, so it is looked for near the start
_CHARSET = re.compile(rb"Content-Type:[^\n]*?charset=([A-Za-z0-9_.:-]+)", re.I)
_HEAD_BYTES = 8192


def decode(data: bytes) -> tuple[str, bool]:
    """The catalogue's text in the charset its header declares, as gettext reads it
    (psmisc and wget-gnulib ship ISO-8859-1); UTF-8 when it declares that, nothing or
    the template's ``CHARSET``. Returns (text, had a UTF-8 byte-order mark)."""
    m = _CHARSET.search(data[:_HEAD_BYTES])
    name = m.group(1).decode("ascii") if m else ""
    if name and name.upper() != "CHARSET":
        text = decode_declared(data, name, "PO", keep_controls=True)
        if text is not None:
            return text, False
    return decode_text(data, "PO", keep_controls=True)


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    from . import FormatError

    text, bom = decode(data)
    po = parse(text)
    declared = _lang(po.metadata.get("Language", "") or "")
    if declared is not None and declared != tr.source:
        raise FormatError(f"PO: the file says Language: {po.metadata['Language']}, but the "
                          f"translation is from {tr.source}")
    entries = [e for e in po if not e.obsolete and (e.msgstr or any(e.msgstr_plural.values()))]
    if not entries:
        raise FormatError(
            "PO: no entry has a msgstr to translate — is this a POT template? omset "
            f"translates the {tr.source} msgstr of a {tr.source}.po (msgids are usually "
            f"English); translate a {tr.source}.po into {tr.target}.po")
    # one batch: every msgstr (and plural form) of the file in flight together
    slots: list[tuple[polib.POEntry, int | None]] = []
    texts: list[str] = []
    sources: list[str | None] = []   # the msgid: evidence for an accelerator
    for e in entries:
        if e.msgid_plural:
            for k in sorted(e.msgstr_plural):
                if e.msgstr_plural[k]:
                    slots.append((e, k))
                    texts.append(e.msgstr_plural[k])
                    sources.append(e.msgid if k == 0 else e.msgid_plural)
        else:
            slots.append((e, None))
            texts.append(e.msgstr)
            sources.append(e.msgid)
    for (e, k), out in zip(slots, translate_messages(tr, texts, sources=sources)):
        if k is None:
            e.msgstr = out
        else:
            e.msgstr_plural[k] = out
    if options.fuzzy:
        for e in entries:
            if "fuzzy" not in e.flags:
                e.flags.append("fuzzy")
    lang = target_lang(tr, options)
    po.metadata["Language"] = lang
    team = TEAMS.get(_lang(lang) or "")
    if team:
        po.metadata["Language-Team"] = team
    po.metadata["Plural-Forms"] = PLURAL_FORMS
    # written as UTF-8 whatever it was read as, and the header says so
    po.metadata["Content-Type"] = _utf8(po.metadata.get("Content-Type", ""))
    return encode_text(po.__unicode__(), bom)


def _utf8(content_type: str) -> str:
    """The header's Content-Type with ``charset=UTF-8`` (added when missing)."""
    if re.search(r"charset=", content_type, re.I):
        return re.sub(r"(charset=)[^;\s]*", r"\g<1>UTF-8", content_type, flags=re.I)
    return "text/plain; charset=UTF-8"
