"""Glossaries: terms that always win, and terms never to translate.

A glossary maps a source term to the target term the house wants (``fastlege →
fastlækjar``), or to itself / nothing for a term to keep as written (a product name,
``Arbeiderpartiet`` in a house that keeps party names). Files are TSV
(``source<TAB>target``, an empty or missing target meaning *keep*; ``#`` starts a
comment) or TOML (``[terms]`` table and a ``keep = [...]`` list).

Matching is on whole words, ignoring case; the replacement takes the case pattern of
the text it replaces (``Fastlege`` → ``Fastlækjar``, ``NAV`` stays as written when kept).
A single-word term also matches its inflected forms (``fastlegen``): the form is
analysed with Apertium's Bokmål analyser and the target term generated with the same
tags; when Apertium cannot generate it, the source's ending is carried over.
Matched terms travel through Apertium as protected spans, so no stage can change them.
"""

from __future__ import annotations

import re
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from .errors import OptionError
from .model import Markup, Part, Protected

_INFLECTION = r"(?:ene|ane|ens|ets|en|et|er|ar|ne|ns|a|e|n|r|s|te|de|t)?"
_LU = re.compile(r"\^((?:\\.|[^/$\\])*)/((?:\\.|[^$\\])*)\$")


class GlossaryError(OptionError):
    """A glossary file or mapping that cannot be used."""


def match_case(found: str, source: str, target: str) -> str:
    """``target`` with the case the text gave ``source``: as written when the text wrote
    the term as the glossary does, else UPPER or Capitalised like the text."""
    if found == source or found[:len(source)] == source:
        return target
    if found.isupper() and len(found) > 1 and not source.isupper():
        return target.upper()
    if found[:1].isupper() and source[:1].islower():
        return target[:1].upper() + target[1:]
    return target


def acronym_ending(target: str, form: str) -> str:
    """An inflected form of an acronym term gets a hyphen before its ending, as the norm
    writes it: ``FAU`` + ``et`` → ``FAU-et``, ``PC`` + ``ane`` → ``PC-ane``; a genitive
    ``s`` alone stays joined (``NRKs``). Other terms, and forms that do not simply add an
    ending to the term, are returned as they are."""
    letters = [c for c in target if c.isalpha()]
    if len(letters) < 2 or not target.isupper() or not form.startswith(target):
        return form
    ending = form[len(target):]
    if not ending or ending == "s" or not ending.isalpha() or not ending.islower():
        return form
    return f"{target}-{ending}"


@dataclass
class Glossary:
    """source term (as written) → target term ('' means keep the source as written)."""

    terms: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._compiled: re.Pattern[str] | None = None
        self._lookup = {k.lower(): v for k, v in self.terms.items()}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    # -- loading -----------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | None] | Iterable[str]) -> "Glossary":
        if isinstance(mapping, Mapping):
            items = {str(k).strip(): (str(v).strip() if v else "") for k, v in mapping.items()}
        else:
            items = {str(k).strip(): "" for k in mapping}
        bad = [k for k in items if not k]
        if bad:
            raise GlossaryError("a glossary term is empty")
        return cls(items)

    @classmethod
    def load(cls, path: str | Path) -> "Glossary":
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GlossaryError(f"cannot read glossary {path}: {exc}") from None
        if path.suffix.lower() == ".toml":
            try:
                doc = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise GlossaryError(f"{path}: not valid TOML: {exc}") from None
            terms = {str(k): str(v) for k, v in doc.get("terms", {}).items()}
            terms.update({str(k): "" for k in doc.get("keep", [])})
            return cls.from_mapping(terms)
        terms = {}
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.rstrip("\r").split("\t")
            if not cols[0].strip():
                raise GlossaryError(f"{path}:{n}: no source term")
            terms[cols[0].strip()] = cols[1].strip() if len(cols) > 1 else ""
        return cls.from_mapping(terms)

    def merged(self, other: "Glossary | None") -> "Glossary":
        """This glossary with ``other``'s terms added (``other`` wins)."""
        if not other:
            return self
        return Glossary({**self.terms, **other.terms})

    # -- matching ----------------------------------------------------------------------
    def _pattern(self) -> re.Pattern[str]:
        with self._lock:
            if self._compiled is None:
                alts = []
                for term in sorted(self.terms, key=len, reverse=True):
                    esc = re.escape(term).replace(r"\ ", r"\s+")
                    single = " " not in term and self.terms[term] not in ("", term)
                    alts.append(esc + (_INFLECTION if single else ""))
                self._compiled = re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])",
                                            re.IGNORECASE)
            return self._compiled

    def _entry(self, found: str) -> tuple[str, str] | None:
        """(source term, target) for a matched text, exact or inflected."""
        key = re.sub(r"\s+", " ", found).lower()
        if key in self._lookup:
            return next(k for k in self.terms if k.lower() == key), self._lookup[key]
        for k, v in self.terms.items():
            if " " not in k and key.startswith(k.lower()):
                return k, v
        return None

    def apply(self, parts: Sequence[Part], inflect=None) -> list[Part]:
        """Cut glossary terms out of the text parts of a segment as protected spans.

        ``inflect(found, source_term, target_term) -> str`` produces the target form of
        an inflected match; without it the source's ending is carried over.
        """
        if not self.terms:
            return list(parts)
        pattern = self._pattern()
        out: list[Part] = []
        for part in parts:
            if isinstance(part, Markup):
                out.append(part)
                continue
            pos = 0
            for m in pattern.finditer(part):
                entry = self._entry(m.group())
                if entry is None:
                    continue
                source, target = entry
                found = m.group()
                if not target or target == source:
                    replacement = found
                elif found.lower() == source.lower() or " " in source:
                    replacement = match_case(found, source, target)
                else:
                    form = inflect(found, source, target) if inflect else None
                    form = acronym_ending(target, form or target + found[len(source):])
                    replacement = match_case(found, source, form)
                if m.start() > pos:
                    out.append(part[pos:m.start()])
                out.append(Protected(replacement, "glossary", found))
                pos = m.end()
            if pos < len(part):
                out.append(part[pos:])
        return out


#: inflections an :class:`Inflector` keeps (one per matched word and glossary term; a
#: service translator lives long and every request may bring a glossary of its own)
MAX_INFLECTIONS = 50_000


class Inflector:
    """Inflects a glossary target like the matched source word, with Apertium.

    ``ask(helper, payload)`` puts one question to an Engine's helper processes
    (:meth:`omset.engine.Engine.ask`): ``analyser`` reads the source word, ``generator``
    writes the target lemma with its tags. Answers are cached per word.
    """

    def __init__(self, ask: "Callable[[str, str], str]") -> None:
        self._ask = ask
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str, str], str | None] = {}

    def __call__(self, found: str, source: str, target: str) -> str | None:
        from .engine.stream import escape

        key = (found.lower(), source.lower(), target)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        result = None
        m = _LU.search(self._ask("analyser", escape(found.lower())))
        if m:
            for reading in m.group(2).split("/"):
                lemma, _, tags = reading.partition("<")
                if lemma.lower() == source.lower() and tags:
                    gen = self._ask("generator", f"^{escape(target)}<{tags}$")
                    gen = gen.replace("\0", "").strip()
                    if gen and not gen.startswith(("#", "@", "*")) and "<" not in gen:
                        result = re.sub(r"\\(.)", r"\1", gen)
                        break
        with self._lock:
            if len(self._cache) >= MAX_INFLECTIONS:
                self._cache.clear()  # request glossaries are the client's: bound what they add
            self._cache[key] = result
        return result
