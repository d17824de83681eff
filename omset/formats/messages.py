"""JSON and YAML message files (i18next, vue-i18n, Rails): values translated, keys never.

One module serves both formats because they hold the same thing — a tree of keys with
message strings at the leaves. The registry does not say which of the two it was
asked for, so the content decides: a file whose first character (after a byte-order
mark and whitespace) is ``{`` or ``[`` is JSON, and must then be valid JSON — a broken
``.json`` is reported as broken JSON, not silently read as YAML; anything else is YAML.

* Only string *values* change, every one through :mod:`.placeholders` (so ``{{count}}``,
  ``%{name}``, ``$t(key)``, ICU plurals and tags survive), all in one batch.
* Rails-style files, whose only top-level key is the source locale (``nb:``, ``nb-NO:``),
  get the target locale as that key (``nn:``) — Rails finds the file's messages by it.
* JSON: key order kept, indentation (spaces or tab, width) detected and reused,
  non-ASCII written as is (``ensure_ascii=False``), final newline as the input had it.
* YAML: ruamel.yaml round-trip mode keeps comments, quoting style, block scalars, key
  order and anchors. Aliases are never expanded: a shared node is translated once, in
  place, so a YAML "billion laughs" costs what its text costs and comes back as the same
  small file. Merged keys (``<<: *base``) are left to the map they belong to.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any, Callable

from .common import decode_text, encode_text, refuse_surrogates, target_lang, unreadable
from .placeholders import translate_messages

if TYPE_CHECKING:  # pragma: no cover
    from ..translator import Translator
    from . import Options

MEDIA_TYPE = "application/json; charset=utf-8"
MEDIA_TYPE_YAML = "application/yaml; charset=utf-8"

#: a file has at most this many nodes (mappings, sequences, strings) to walk
MAX_NODES = 1_000_000

Slot = tuple[Any, Any, str]    # (container, key or index, source text)
_LOCALE = re.compile(r"^(nb|nob|nn|nno|no)([-_][A-Za-z]{2})?$", re.IGNORECASE)


def is_json(text: str) -> bool:
    """Whether the content is JSON (by its first character) rather than YAML."""
    return text.lstrip()[:1] in ("{", "[")


def _slots(root: Any, own_keys: Callable[[Any], list]) -> list[Slot]:
    """Every string value under ``root`` (iteratively; shared nodes visited once)."""
    from . import FormatError

    out: list[Slot] = []
    seen: set[int] = set()
    stack = [root]
    nodes = 0
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes += 1
        if nodes > MAX_NODES:
            raise FormatError(f"message file has more than {MAX_NODES} nodes")
        items = [(k, node[k]) for k in own_keys(node)] if isinstance(node, dict) \
            else list(enumerate(node)) if isinstance(node, list) else []
        for key, value in items:
            if isinstance(value, str):
                if value.strip():
                    out.append((node, key, value))
            elif isinstance(value, (dict, list)):
                stack.append(value)
    out.reverse()
    return out


def _locale_key(mapping: dict, tr: "Translator", options: "Options") -> Any | None:
    """The Rails locale key to rename (``nb`` → ``nn``), if the file has one."""
    if len(mapping) != 1:
        return None
    key = next(iter(mapping))
    m = _LOCALE.match(key) if isinstance(key, str) else None
    if not m or m.group(1).lower() not in {"nb": ("nb", "nob", "no"), "nn": ("nn", "nno")}[tr.source]:
        return None
    return target_lang(tr, options) + (m.group(2) or "")


def _fill(slots: list[Slot], tr: "Translator", make: Callable[[Any, str], Any]) -> None:
    """Translate every slot in one batch and write it back in the container's style."""
    done: dict[int, Any] = {}   # id(old value) → new value: an aliased scalar stays shared
    texts = [text for _, _, text in slots]
    refuse_surrogates("".join(texts), "message file")  # YAML's "\ud800" could reach Apertium
    translated = translate_messages(tr, texts)
    for (container, key, _), new in zip(slots, translated):
        old = container[key]
        if id(old) not in done:
            done[id(old)] = make(old, new)
        container[key] = done[id(old)]


# -- JSON -------------------------------------------------------------------------------------

def _json_indent(text: str) -> str | int | None:
    """The indentation unit the file uses (``None``: all on one line)."""
    m = re.search(r"\n([ \t]+)\S", text)
    if not m:
        return None
    unit = m.group(1)
    return unit if "\t" in unit else len(unit)


def translate_json(text: str, tr: "Translator", options: "Options") -> str:
    from . import FormatError

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise FormatError("JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise unreadable("JSON", exc) from None
    refuse_surrogates(json.dumps(data, ensure_ascii=False), "JSON")
    if isinstance(data, dict):
        new_key = _locale_key(data, tr, options)
        if new_key is not None:
            data = {new_key: data[next(iter(data))]}
    _fill(_slots(data, lambda d: list(d.keys())), tr, lambda old, new: new)
    indent = _json_indent(text)
    compact = indent is None and '": ' not in text and '":' in text
    out = json.dumps(data, ensure_ascii=False, indent=indent,
                     separators=(",", ":") if compact else None)
    trailing = text[len(text.rstrip()):]
    return out + trailing


# -- YAML -------------------------------------------------------------------------------------

def _yaml(text: str = ""):
    from ruamel.yaml import YAML

    y = YAML(typ="rt", pure=True)
    y.Constructor = _scalar_keys_constructor()
    y.preserve_quotes = True
    y.width = 4096          # never re-wrap a translated line
    y.indent(**_yaml_indent(text))
    return y


@cache
def _scalar_keys_constructor() -> type:
    """ruamel's round-trip constructor, refusing a mapping key that is itself a mapping
    or a list (``? [a, b]``, ``? {a: b}``).

    A message key is a name. ruamel hashes such keys by walking them, and keys nested
    in keys make that walk exponential (600 bytes of ``? ? ? …`` did not finish in
    minutes); the check looks at each key's node once, before anything is built."""
    from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
    from ruamel.yaml.nodes import ScalarNode

    class ScalarKeys(RoundTripConstructor):
        def construct_mapping(self, node: Any, maptyp: Any, deep: bool = False) -> Any:  # type: ignore[override]
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise ConstructorError(
                        None, None, "a key that is a mapping or a list is not a message key",
                        key_node.start_mark)
            return super().construct_mapping(node, maptyp, deep)

    return ScalarKeys


def _yaml_indent(text: str) -> dict[str, int]:
    """The file's own indentation (ruamel's defaults re-indent lists otherwise):
    ``mapping`` step, and how far a list's dash sits in from its parent key."""
    mapping, offset = 2, 0
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for prev, line in zip(lines, lines[1:]):
        if not re.match(r"\s*[^-\s][^:]*:\s*(?:[&!].*)?$", prev):
            continue
        p_ind = len(prev) - len(prev.lstrip())
        ind = len(line) - len(line.lstrip())
        if line.lstrip().startswith("- "):
            offset = max(0, ind - p_ind)
            break
        if ind > p_ind and mapping == 2:
            mapping = ind - p_ind
    return {"mapping": mapping, "sequence": offset + 2, "offset": offset}


def _own_keys(mapping: Any) -> list:
    """The keys written in this mapping itself, not those merged in with ``<<:``."""
    own = getattr(mapping, "_ok", None)
    return [k for k in mapping.keys() if own is None or k in own]


def _fold_width(text: str, folds: list[int]) -> int:
    """The longest line of a folded scalar as the file had it."""
    cuts = [-1, *folds, len(text)]
    return max(b - a - 1 for a, b in zip(cuts, cuts[1:]))


def _fold_positions(text: str, width: int) -> list[int]:
    """Spaces where a folded scalar breaks its lines, greedily at ``width`` (only single
    spaces between words: YAML folds nothing else back)."""
    folds: list[int] = []
    start = 0
    last_space = -1
    for k, c in enumerate(text):
        if c == "\n":
            start, last_space = k + 1, -1
        elif c == " " and 0 < k < len(text) - 1 and text[k - 1] != " " and text[k + 1] not in " \n":
            if k - start > width and last_space > start:
                folds.append(last_space)
                start = last_space + 1
            last_space = k
    if len(text.rstrip("\n")) - start > width and last_space > start:
        folds.append(last_space)
    return folds


def _same_style(old: Any, new: str) -> Any:
    """``new`` as the same kind of YAML scalar as ``old`` (quoting, block style, anchor)."""
    if type(old) is str:
        return new
    try:
        value = type(old)(new)
    except TypeError:
        return new
    folds = getattr(old, "fold_pos", None)
    if folds:  # a folded scalar (>) keeps its lines: re-fold at the source's width
        value.fold_pos = _fold_positions(new, _fold_width(str(old), folds))
    anchor = getattr(old, "anchor", None)
    if anchor is not None and getattr(anchor, "value", None):
        value.yaml_set_anchor(anchor.value, always_dump=anchor.always_dump)
    return value


#: deepest YAML nesting (flow brackets, block indentation) handed to ruamel: its parser
#: is super-linear in depth (2,000 ``[`` took 25 s before failing); no message file
#: nests this deep
MAX_YAML_DEPTH = 100


def _yaml_depth(text: str) -> int:
    """The deepest nesting of ``text`` — flow ``[``/``{`` outside quotes and comments,
    plus block indentation levels — in one pass, before ruamel sees it. An estimate
    on the safe side: brackets in a block scalar's text count too."""
    deepest = flow = 0
    quote = ""
    indents: list[int] = []
    for line in text.splitlines():
        body = line.lstrip(" \t")
        if not quote and flow == 0 and body and not body.startswith("#"):
            ind = len(line) - len(body)
            while indents and indents[-1] >= ind:
                indents.pop()
            indents.append(ind)
        prev = " "
        escaped = False
        for c in line:
            if quote:
                if escaped:
                    escaped = False
                elif quote == '"' and c == "\\":
                    escaped = True
                elif c == quote:
                    quote = ""
            elif c == "#" and prev in " \t":
                break                       # a comment to the end of the line
            elif c in "\"'" and prev in " \t[{,:-?":
                quote = c
            elif c in "[{":
                flow += 1
                deepest = max(deepest, flow + len(indents))
            elif c in "]}" and flow:
                flow -= 1
            prev = c
        deepest = max(deepest, flow + len(indents))
    return deepest


def translate_yaml(text: str, tr: "Translator", options: "Options") -> str:
    import io

    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    from . import FormatError

    if _yaml_depth(text) > MAX_YAML_DEPTH:
        raise FormatError(f"YAML: nested too deeply (more than {MAX_YAML_DEPTH} levels)")
    y = _yaml(text)
    try:
        data = y.load(text)
    except YAMLError as exc:
        raise FormatError(f"YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise FormatError("YAML: nested too deeply") from None
    except (TypeError, ValueError, AssertionError) as exc:
        # AssertionError: ruamel's scanner asserts its comment bookkeeping, which some
        # malformed input breaks (kept fuzz input yaml-afb78d96a4b6f448)
        raise unreadable("YAML", exc) from None
    if data is None or isinstance(data, str):
        raise FormatError("YAML: not a message file (expected a mapping or a list at the top)")
    if isinstance(data, CommentedMap):  # what round-trip mode makes of every mapping
        new_key = _locale_key(data, tr, options)
        if new_key is not None:
            old_key = next(iter(data))
            data.insert(0, new_key, data.pop(old_key))
    _fill(_slots(data, _own_keys), tr, _same_style)
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


def translate(data: bytes, tr: "Translator", options: "Options") -> bytes:
    text, bom = decode_text(data, "message file")
    if not text.strip():
        from . import FormatError

        raise FormatError("message file is empty")
    out = translate_json(text, tr, options) if is_json(text) else translate_yaml(text, tr, options)
    return encode_text(out, bom)
