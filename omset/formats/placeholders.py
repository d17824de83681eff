"""Placeholders in software messages: cut out before Apertium, put back exactly after.

A message such as ``Filen %s finnes ikke`` or ``Du har {count} nye meldinger`` is split
into text and :class:`Placeholder` parts (a kind of :class:`Markup`), so the placeholder
travels through Apertium as an opaque superblank and comes back *beside the word it was
beside* — string replacement after translation could not know where that is.

Recognised (in this order, so the longer forms win):

* our own accelerator word markers (see below);
* ``{{name}}`` (i18next, Vue, Handlebars), ``{…}`` with balanced braces (Python
  ``str.format``, ICU/i18next ``{0}`` ``{count}`` ``{count, number}``, Fluent ``{ $x }``);
  an ICU ``{n, plural|select|selectordinal, …}`` is *not* a placeholder: its skeleton is
  kept and the text of every branch is translated as a message of its own (``#`` in a
  plural branch is a placeholder); a Fluent select ``{ $n -> [one] … *[other] … }`` alike;
* ``$t(key)`` (i18next nesting), ``@:key`` ``@.lower:key`` (vue-i18n links), ``%{name}`` and
  ``%<name>s`` (Ruby/Rails), ``${name}``, LibreOffice's ``$(ARG1)``, ``$name$``, ``$1``,
  ``%PRODUCTNAME``, ``%1``;
* printf: ``%s %d %.2f %1$s %(name)s %S %@`` and ``%%`` (no space flag, so the
  Norwegian ``5 % av`` is text);
* HTML/XML tags and entity references (``<b>``, ``</a>``, ``&amp;``, ``&brandShortName;``);
* the two-character escapes ``\\n``, ``\\t``, ``\\r`` written literally in a message;
* ``#1`` (Mozilla plural placeholders);
* control characters (gnupg's ``Nummer\x1f``): they are part of the program's string
  and come back byte for byte, never seen by Apertium.

Accelerators (``&Fil``, ``_Fil``, ``~Fil``: the keyboard mnemonic of LibreOffice, Qt,
Mozilla, GTK) would split a word in two if left in, and cannot travel as a superblank for
the same reason (measured: a superblank inside ``Sett inn`` stops Apertium from reading it
as one verb). So the marker is removed, the message translated exactly as it would be
without it, and the marker put back:

1. on the translated word that corresponds to the marked word — found by aligning the
   source and target words (same position when the counts around it agree, else the
   most similar word of the replaced run);
2. on the same letter position in that word when that letter is the same
   (case-insensitively): ``Ta med _verdier`` → ``Ta med _verdiar``;
3. else on the first occurrence of that letter in the word (``Lag~re`` → ``Lage~r``);
4. else at the start of that word (``&Åpne`` → ``&Opne``); when no word corresponds
   (Apertium dropped it), before the first word of the message.

``&`` counts when it is followed by a letter or digit (``&&`` is a literal ampersand, and
``&amp;`` an entity), ``~`` when followed by a letter, and ``_`` when followed by a letter,
it is the only underscore of the message and not inside a code identifier (more than one
underscore, a digit, all capitals as ``TIME_STYLE``, or the same word on the other side
of a PO entry). Where the message's source is known (a PO msgid), that is the evidence:
the msgid's own marker must be there, and then ``Til_bake`` inside one word counts; with
no source, the ``_`` must start a word or the message must have a space in it (a single
word ``foo_bar`` is a code identifier); a msgid of one capitalised word (``Cance_l``) is
a label, its ``_`` a mnemonic. Only the first accelerator of a message is
treated; a message has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from ..model import Markup, Part

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator

__all__ = ["Placeholder", "IcuBlock", "split", "split_parts", "translate_segments",
           "translate_messages", "placeholders_of", "markers_of"]


@dataclass(frozen=True, eq=False)
class Placeholder(Markup):
    """A placeholder, tag, escape or entity of a message: passed through untouched."""

    kind: str = "placeholder"


@dataclass(frozen=True)
class _Accel:
    """An accelerator taken out of a message: which marker, on which word and letter."""

    char: str
    word: int                # index of the word (``\\w+`` run) in the message's text
    offset: int              # letter position in that word
    source_word: str


@dataclass(frozen=True, eq=False)
class IcuBlock(Markup):
    """An ICU ``{n, plural, one {…} other {…}}``: ``skeleton`` alternates fixed syntax
    (str) and branch messages (lists of parts) to translate."""

    skeleton: tuple = field(default=())


_ICU_HEAD = re.compile(r"\s*[\w.]+\s*,\s*(plural|select|selectordinal)\s*,")
_ICU_KEY = re.compile(r"\s*(?:offset:\s*\d+\s*)?(=?[\w-]+)\s*(?=\{)")
_ICU_TAIL = re.compile(r"\s*")
_FLUENT_HEAD = re.compile(r"\s*\$?[\w.-]+(?:\([^(){}]*\))?\s*->")
_FLUENT_KEY = re.compile(r"(?<=\s)\*?\[[\w.-]+\][ \t]*")


#: ICU/Fluent selectors nested deeper than this travel whole, as one placeholder: the
#: parser, the renderer and the stack stay bounded (1,000 levels once raised
#: RecursionError), and no real message nests selectors this deep
MAX_DEPTH = 24


def _fluent_block(s: str, i: int, end: int, level: int = 0) -> IcuBlock | None:
    """Parse ``s[i:end]`` as a Fluent select ``{ $n -> [one] … *[other] … }``."""
    body = s[i + 1:end - 1]
    head = _FLUENT_HEAD.match(body)
    if not head:
        return None
    keys, depth, pos = [], 0, head.end()
    while pos < len(body):           # variant keys at brace depth 0 only
        c = body[pos]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c in "*[" and depth == 0:
            m = _FLUENT_KEY.match(body, pos)
            if m:
                keys.append(m)
                pos = m.end()
                continue
        pos += 1
    if not keys or body[head.end():keys[0].start()].strip():
        return None
    skeleton: list = []
    fixed = "{" + body[:keys[0].start()]
    for k, m in enumerate(keys):
        stop = keys[k + 1].start() if k + 1 < len(keys) else len(body)
        text = body[m.end():stop]
        core = text.rstrip()
        skeleton.append(fixed + m.group())
        skeleton.append(_split_text(core, depth=level + 1))
        fixed = text[len(core):]
    skeleton.append(fixed + "}")
    return IcuBlock(s[i:end], skeleton=tuple(skeleton))

_SIMPLE = re.compile("|".join([
    r"\{\{[^{}\n]*\}\}",                                   # {{name}}
    r"\$t\([^()\n]*\)",                                    # i18next $t(key)
    r"@(?:\.\w+)?:(?:[\w.-]*\w|\([\w.-]+\))",                # vue-i18n linked @:key
    r"%\{\w+\}", r"%<\w+>[a-zA-Z]",                        # Rails %{name}, Ruby %<name>s
    r"\$\{[^{}\n]*\}", r"\$\(\w+\)", r"\$\w+\$", r"\$\d+", # ${x} $(ARG1) $name$ $1
    r"%(?:\(\w+\))?\d+\$[-+0#]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspnS@]",
    r"%[A-Z][A-Z0-9_]*(?: [A-Z][A-Z0-9_]*)*%",             # LibreOffice %SAVE IN SELECTION%
    r"%[A-Z][A-Z0-9_]+",                                   # LibreOffice %PRODUCTNAME
    r"%(?:\(\w+\))?[-+0#]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspnS@%]",
    r"%L?\d+",                                             # Qt/LibreOffice %1, %L1
    r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>",                # tags
    r"&(?:[A-Za-z][\w.-]*|#\d+|#[xX][0-9a-fA-F]+);",       # entities
    r"\\[nrt]",                                            # literal escapes
    r"#\d+\b",                                             # Mozilla #1
    r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+",                  # control characters
]))


def _brace_pairs(s: str) -> dict[int, int]:
    """Each ``{`` of ``s`` that is closed → the index just after its ``}`` (one pass,
    so a message of 55,000 unmatched ``{`` costs no more than its length)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for j, c in enumerate(s):
        if c == "{":
            stack.append(j)
        elif c == "}" and stack:
            pairs[stack.pop()] = j + 1
    return pairs


def _icu_block(s: str, i: int, end: int, pairs: dict[int, int],
               depth: int = 0) -> IcuBlock | None:
    """Parse ``s[i:end]`` (one ``{…}``) as an ICU plural/select; ``None`` if it is not.
    ``pairs``: the brace pairs of ``s``."""
    body = s[i + 1:end - 1]
    head = _ICU_HEAD.match(body)
    if not head:
        return None
    plural = head.group(1) != "select"
    skeleton: list = []
    fixed = "{" + body[:head.end()]
    pos = head.end()
    while pos < len(body):
        key = _ICU_KEY.match(body, pos)
        if not key:
            tail = _ICU_TAIL.match(body, pos)
            if tail and tail.end() == len(body):
                fixed += body[pos:]
                pos = len(body)
                break
            return None
        close = pairs.get(i + 1 + key.end(), -1) - (i + 1)
        if close < 0:
            return None
        skeleton.append(fixed + body[pos:key.end()] + "{")
        skeleton.append(_split_text(body[key.end() + 1:close - 1], plural=plural,
                                    depth=depth + 1))
        fixed = "}"
        pos = close
    if len(skeleton) < 2:
        return None
    skeleton.append(fixed + "}")
    return IcuBlock(s[i:end], skeleton=tuple(skeleton))


def _split_text(text: str, *, plural: bool = False, depth: int = 0) -> list[Part]:
    """Text → text and placeholder parts (no accelerator handling); ``depth``: how
    deep in ICU/Fluent selectors this text is."""
    parts: list[Part] = []
    pairs = _brace_pairs(text) if "{" in text else {}
    buf: list[str] = []
    pos = 0

    def flush() -> None:
        if buf:
            parts.append("".join(buf))
            buf.clear()

    while pos < len(text):
        c = text[pos]
        if c == "{":
            end = pairs.get(pos, -1)
            if end > 0:
                flush()
                block = None
                if depth < MAX_DEPTH:
                    block = (_icu_block(text, pos, end, pairs, depth)
                             or _fluent_block(text, pos, end, depth))
                parts.append(block if block is not None else Placeholder(text[pos:end], "brace"))
                pos = end
                continue
        if c == "#" and plural and not text[pos + 1:pos + 2].isdigit():
            flush()
            parts.append(Placeholder("#", "plural-count"))
            pos += 1
            continue
        m = _SIMPLE.match(text, pos)
        if m and m.end() > pos:
            flush()
            parts.append(Placeholder(m.group(), "placeholder"))
            pos = m.end()
            continue
        buf.append(c)
        pos += 1
    flush()
    return parts or [""]


_AMP = re.compile(r"(?<!&)&(?=[^\W_])(?!&)")
_TILDE = re.compile(r"~(?=[^\W\d_])")
_UNDERSCORE = re.compile(r"_(?=[^\W\d_])")


def _in_identifier(text: str, pos: int, other: str | None, snake: bool = False) -> bool:
    """Whether the ``_`` at ``text[pos]`` joins a code identifier (``TIME_STYLE``,
    ``text_view``, ``__init__``) rather than marking a mnemonic (``_Lagre``,
    ``Til_bake``). ``other``: the message's other side (msgid for a msgstr and back);
    an identifier written the same on both sides is one, a mnemonic moves. ``snake``
    (an English msgid): ``shortcut_choice``, lower case with two letters or more on both
    sides, is an identifier too — English labels mark a word's start or a short part."""
    start = end = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end + 1 < len(text) and (text[end + 1].isalnum() or text[end + 1] == "_"):
        end += 1
    run = text[start:end + 1]
    if run.count("_") > 1:
        return True
    if start == pos:                       # _Open: starts its word
        return False
    letters = [c for c in run if c.isalpha()]
    if any(c.isdigit() for c in run) or (len(letters) > 1 and all(c.isupper() for c in letters)):
        return True
    if snake and run.islower() and pos - start >= 2 and end - pos >= 2:
        return True
    return other is not None and re.search(
        r"(?<!\w)" + re.escape(run) + r"(?!\w)", other) is not None


def _find_accelerator(text: str, whole: str, evidence: str | None = None,
                      other: str | None = None, msgid: bool = False) -> re.Match[str] | None:
    """The accelerator marker in ``text`` (a text part of message ``whole``), if any.

    ``evidence``: the markers the message's source (a PO msgid) has, when there is one:
    only those count, and a ``_`` inside a single word is then a mnemonic too."""
    candidates = [m for m in (_AMP.search(text), _TILDE.search(text)) if m]
    if whole.count("_") == 1:
        m = _UNDERSCORE.search(text)
        if m and not _in_identifier(text, m.start(), other, msgid) and (
                evidence is not None or " " in whole.strip() or m.start() == 0
                or not text[m.start() - 1].isalnum()
                or (other is not None and whole.lstrip()[:1].isupper())):
            candidates.append(m)
    if evidence is not None:
        candidates = [m for m in candidates if m.group() in evidence]
    return min(candidates, key=lambda m: m.start()) if candidates else None


def markers_of(message: str, other: str | None = None) -> str:
    """The accelerator marker a message (a PO msgid) has, as a string of at most one
    character: the evidence that its translation's marker is one too."""
    whole = "".join(p for p in _split_text(message) if isinstance(p, str))
    for part in _split_text(message):
        if isinstance(part, str):
            m = _find_accelerator(part, whole, other=other, msgid=True)
            if m:
                return m.group()
    return ""


_WORD = re.compile(r"[^\W_]+")


def _with_accelerator(parts: list[Part], whole: str, source: str | None = None
                      ) -> tuple[list[Part], _Accel | None]:
    """Take the first accelerator out of the text parts and say where it was
    (``source``: the message's msgid, whose own marker is the evidence)."""
    evidence = None if source is None else markers_of(source, whole)
    if evidence == "":
        return parts, None
    seen = 0  # words in the text parts before this one
    for k, part in enumerate(parts):
        if not isinstance(part, str):
            continue
        m = _find_accelerator(part, whole, evidence, source)
        if not m:
            seen += len(_WORD.findall(part))
            continue
        p = m.start()
        stripped = part[:p] + part[p + 1:]
        for n, w in enumerate(_WORD.finditer(stripped)):
            if w.start() <= p < w.end():
                accel = _Accel(m.group(), seen + n, p - w.start(), w.group())
                return parts[:k] + [stripped] + parts[k + 1:], accel
        return parts, None
    return parts, None


def split_parts(segment: Sequence[Part], *, accelerators: bool = True) -> list[Part]:
    """Split the text parts of a segment (which may already hold markup) into text and
    placeholders; with ``accelerators``, the first mnemonic marker is taken out."""
    return _prepare(segment, accelerators)[0]


def _prepare(segment: Sequence[Part], accelerators: bool,
             source: str | None = None) -> tuple[list[Part], _Accel | None]:
    out: list[Part] = []
    for p in segment:
        if isinstance(p, str):
            out.extend(x for x in _split_text(p) if x != "")
        else:
            out.append(p)
    accel = None
    if accelerators:
        out, accel = _with_accelerator(out, "".join(p for p in segment if isinstance(p, str)),
                                       source)
    return out or [""], accel


def split(text: str, *, accelerators: bool = True) -> list[Part]:
    """A message as text and :class:`Placeholder` parts, ready for ``translate_parts``."""
    return split_parts([text], accelerators=accelerators)


def placeholders_of(text: str) -> list[str]:
    """Every placeholder of a message, in order (ICU skeletons and branches included)."""
    found: list[str] = []

    def walk(parts: Sequence[Part]) -> None:
        for p in parts:
            if isinstance(p, IcuBlock):
                for item in p.skeleton:
                    if isinstance(item, list):
                        walk(item)
            elif isinstance(p, Placeholder):
                found.append(p.text)

    walk(_split_text(text))
    return found


# -- translation ---------------------------------------------------------------------------

def _collect(segment: list[Part], into: list[list[Part]]) -> None:
    into.append(segment)
    for p in segment:
        if isinstance(p, IcuBlock):
            for item in p.skeleton:
                if isinstance(item, list):
                    _collect(item, into)


def _target_word(accel: _Accel, source: list[str], target: list[str]) -> int | None:
    """Index of the translated word that corresponds to the accelerator's source word."""
    import difflib

    from ..align import diff

    src = [w.lower() for w in source]
    tgt = [w.lower() for w in target]
    k = accel.word
    for op, i1, i2, j1, j2 in diff(src, tgt):
        if not i1 <= k < i2:
            continue
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            return j1 + k - i1
        if op == "replace":
            return max(range(j1, j2), key=lambda j: difflib.SequenceMatcher(
                a=src[k], b=tgt[j]).ratio())
        return None
    return None


def _restore_accelerator(parts: list[Part], accel: _Accel | None,
                         source: Sequence[Part]) -> list[Part]:
    """Put the accelerator back by the rule in the module docstring."""
    if accel is None:
        return parts
    where: list[tuple[int, int]] = []   # text position -> (part index, offset)
    text = ""
    for i, p in enumerate(parts):
        if isinstance(p, str):
            where += [(i, o) for o in range(len(p))]
            text += p
    src_text = "".join(p for p in source if isinstance(p, str))
    words = list(_WORD.finditer(text))
    j = _target_word(accel, _WORD.findall(src_text), [w.group() for w in words])
    if j is None:
        if not words:
            return [accel.char] + parts
        at = words[0].start()
    else:
        w = words[j].group()
        letter = accel.source_word[accel.offset].lower()
        if accel.offset < len(w) and w[accel.offset].lower() == letter:
            at = words[j].start() + accel.offset
        else:
            found = w.lower().find(letter)
            at = words[j].start() + (found if found >= 0 else 0)
    i, o = where[at]
    out = list(parts)
    out[i] = out[i][:o] + accel.char + out[i][o:]  # type: ignore[index]
    return out


def _once(parts: Sequence[Part], sent: Sequence[Part]) -> list[Part]:
    """Every markup object exactly once, as it was sent.

    Apertium's transfer can copy a superblank (measured: ``av totalt {X} filer`` comes
    back as ``av {X} totalt {X} filer``); a placeholder must not multiply, and an XLIFF
    element must not appear twice. The last copy is kept — in every case seen it is the
    one by the right word — and the spaces around a dropped copy become one. Markup that
    went missing (never seen) is appended rather than lost.
    """
    last = {id(p): i for i, p in enumerate(parts) if isinstance(p, Markup)}
    out: list[Part] = []
    squeeze = False
    for i, p in enumerate(parts):
        if isinstance(p, Markup) and last[id(p)] != i:
            if out and isinstance(out[-1], str) and out[-1].endswith(" "):
                out[-1] = out[-1].rstrip(" ") + " "
                squeeze = True
            continue
        if isinstance(p, str):
            if squeeze:
                p = p.lstrip(" ")
            if out and isinstance(out[-1], str):
                out[-1] += p
                squeeze = False
                continue
        out.append(p)
        squeeze = False
    for p in sent:
        if isinstance(p, Markup) and id(p) not in last:
            out.append(p)
    return out


def _render(parts: list[Part], done: dict[int, list[Part]], accel: _Accel | None = None,
            source: Sequence[Part] = ()) -> list[Part]:
    """A translated segment with placeholders and ICU blocks back as text; markup of the
    caller (anything that is not ours) stays a :class:`Markup` part."""
    out: list[Part] = []

    def add(x: Part) -> None:
        if isinstance(x, str) and out and isinstance(out[-1], str):
            out[-1] += x
        elif x != "":
            out.append(x)

    for p in _restore_accelerator(list(parts), accel, source):
        if isinstance(p, IcuBlock):
            text = "".join(item if isinstance(item, str)
                           else _text(_render(done[id(item)], done)) for item in p.skeleton)
            add(text)
        elif isinstance(p, Placeholder):
            add(p.text)
        else:
            add(p)
    return out


def _text(parts: Sequence[Part]) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in parts)


def translate_segments(tr: "Translator", segments: Sequence[Sequence[Part]], *,
                       accelerators: bool = True,
                       sources: Sequence[str | None] | None = None) -> list[list[Part]]:
    """Translate segments of text and the caller's markup, placeholders protected.

    Every segment (and every ICU branch) goes to the engine in one batch. The result has
    the caller's :class:`Markup` objects in place and everything else as text.
    ``sources``: per segment, the string it translates (a PO msgid), whose accelerator
    is the evidence for one in the segment; ``None``: the segment's own looks decide.
    """
    srcs = list(sources) if sources is not None else [None] * len(segments)
    prepared = [_prepare(seg, accelerators, src) for seg, src in zip(segments, srcs)]
    flat: list[list[Part]] = []
    for seg, _ in prepared:
        _collect(seg, flat)
    translated = tr.translate_parts(flat)
    done = {id(src): _once(out, src) for src, out in zip(flat, translated)}
    return [_render(done[id(seg)], done, accel, seg) for seg, accel in prepared]


def translate_messages(tr: "Translator", messages: Sequence[str], *,
                       accelerators: bool = True,
                       sources: Sequence[str | None] | None = None) -> list[str]:
    """Translate software messages (one output per input), placeholders protected;
    ``sources`` as in :func:`translate_segments`."""
    return [_text(parts) for parts in
            translate_segments(tr, [[m] for m in messages], accelerators=accelerators,
                               sources=sources)]
