"""The one public entry point: :class:`Translator`.

A Translator holds a configuration — house style, preferences, glossary, protection,
post-edit rules — and runs it on an :class:`~omset.engine.Engine`, the owner of the
Apertium processes of one direction. It makes its own Engine unless given one; any
number of translators of one direction (a service's styles) share one Engine.

Every way in — plain text, lines, segments with markup, detailed — goes through one
path: a segment's edge whitespace is kept aside, long segments are cut at sentence ends,
protection and the glossary mark their spans, the Engine translates, post-edit rules
rewrite the words, and the pieces are put back together. A sentence therefore comes
out the same in plain text, HTML, Markdown, DOCX and PO unless markup sits inside it.

It is thread-safe: any number of threads may call it at once.
"""

from __future__ import annotations

import copy
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence, Union

from .detailed import attach_sources, tokens_of
from .engine.cancel import current as current_cancellation
from .engine.engine import Engine, StyleLayer
from .engine.modes import Variant, preferences
from .engine.pool import Pool
from .engine.stream import decode, encode
from .errors import OptionError, UnsupportedLanguage
from .glossary import Glossary, Inflector
from .languages import direction
from .model import Markup, Part, Protected, Unit
from .postedit import RuleSet
from .result import Change, Segment
from .style import Profile, load as load_profile
from .style.agree import Agreement
from .style.bokmal import apply as choose_bokmal
from .style.choose import apply as choose_forms
from .text.protect import cap_tokens, protect
from .text.segment import Piece, iter_pieces, pieces, split_parts, strip_edges

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

if TYPE_CHECKING:  # pragma: no cover
    from .memory import Memory
    from .memory.workflow import MemoryTranslation

__all__ = ["Translator", "Markup", "Part"]

GlossaryLike = Union[Glossary, Mapping[str, str], str, Path, None]


class Translator:
    """Translate Bokmål ⇄ Nynorsk.

    >>> with Translator("nb", "nn") as tr:
    ...     tr.translate("Vi kommer hjem.")
    'Vi kjem heim.'

    Args:
        source, target: ``nb``/``nob`` or ``nn``/``nno``.
        style: house-style profile: a built-in name, a path to a TOML file, or a
            :class:`~omset.style.Profile`. For nb→nn a Nynorsk one (``nynorsk-news``,
            the default; ``apertium`` gives plain Apertium's forms), for nn→nb a Bokmål
            one (``bokmal``, the default; ``bokmal-konservativ`` gives plain Apertium's
            forms; ``bokmal-radikal``). Ignored for nn→nn.
        variant: Nynorsk infinitive ``"e"`` (``komme``), ``"a"`` or ``"split"``;
            default: the profile's. For nn→nn, the infinitive to normalise to.
        prefs: Apertium preferences to switch on in addition to the profile's
            (see :meth:`preferences`).
        mark_unknown: keep Apertium's ``*``/``#``/``@`` marks on words it does not know.
        glossary: terms that always win (:class:`~omset.glossary.Glossary`, a mapping
            ``source → target`` — empty target: keep as written — or a TSV/TOML path).
        protect: keep URLs, e-mail addresses, @handles, #hashtags and code untouched.
        keep_quoted_titles: keep titles in «guillemets» as written.
        rules: post-edit rules: ``None`` uses the profile's, ``False`` none, or a path.
        agreement: participle agreement for nb→nn (plural participle after vere/verte/bli
            with a plural subject, :mod:`omset.style.agree`): ``None`` as the profile says.
        gender: the same for singular subjects: ``off``, ``fix``, ``strong`` or ``full``
            (:data:`omset.style.agree.GENDER_LEVELS`); ``None`` as the profile says.
        max_segment_chars: longer segments are cut at sentence ends and their pieces
            translated in parallel.
        memory: a translation memory (:meth:`omset.memory.Memory.open`) that
            :meth:`recall` translates against; it never changes what :meth:`translate`
            does.
        engine: the :class:`~omset.engine.Engine` to run on (its direction and
            ``mark_unknown`` must match: :meth:`Engine.key_for`); closing the translator
            then leaves it running. Without one, the translator starts its own, with
            ``pool_size`` pipelines at most and ``timeout`` seconds per request, and
            stops it on :meth:`close`.
        deterministic: every segment's answer is the one the pipeline gives it first
            thing, whatever it translated before. Off, about one answer in 50,000
            differs (a cache in Apertium's ``cg-proc``, docs/engine.md); on, every
            segment is disambiguated from a cold cache, which costs pipeline CPU
            (docs/benchmarks.md, "Deterministic translation").
    """

    def __init__(self, source: str = "nb", target: str = "nn", *,
                 style: "str | Path | Profile | None" = None, variant: Variant | None = None,
                 prefs: Iterable[str] = (), mark_unknown: bool = False,
                 glossary: GlossaryLike = None, protect: bool = True,
                 keep_quoted_titles: bool = False, rules: "str | Path | bool | None" = None,
                 agreement: bool | None = None, gender: str | None = None,
                 pool_size: int | None = None,
                 timeout: float = 20.0, max_segment_chars: int = 600,
                 memory: "Memory | None" = None, engine: Engine | None = None,
                 deterministic: bool = False):
        # what `using(style=...)` rebuilds the settings from (on the same engine)
        self._settings: dict[str, Any] = dict(style=style, variant=variant, prefs=tuple(prefs),
                              mark_unknown=mark_unknown, glossary=glossary, protect=protect,
                              keep_quoted_titles=keep_quoted_titles, rules=rules,
                              agreement=agreement, timeout=timeout,
                              max_segment_chars=max_segment_chars, memory=memory,
                              deterministic=deterministic)
        self.source, self.target = direction(source, target, normalise=True)
        if variant not in (None, "a", "e", "split"):
            raise OptionError(f"variant must be 'a', 'e' or 'split', not {variant!r}")
        known = self.preferences(self.source, self.target)
        self.prefs = tuple(dict.fromkeys(prefs))
        unknown = [p for p in self.prefs if p not in known]
        if unknown:
            raise UnsupportedLanguage(
                f"unknown preference(s) {', '.join(unknown)} for {self.source}→{self.target}; "
                f"`omset prefs` lists them")
        self.protect = protect
        self.keep_quoted_titles = keep_quoted_titles
        self.mark_unknown = mark_unknown
        self.max_segment_chars = max_segment_chars
        self.memory = memory
        self.deterministic = deterministic
        self.profile: Profile | None = None
        enabled = frozenset(self.prefs)
        if self.source == self.target:
            # nn→nn: Apertium's own normaliser modes, whole (no style layers: a house
            # style is a choice among Bokmål→Nynorsk forms); Engine.key_for checks it
            self.variant: str = variant or "e"
        elif self.target == "nn":
            self.profile = load_profile(style).with_options(variant, self.prefs, agreement,
                                                            gender)
            self.profile.validate(known)
            self.variant = self.profile.infinitive
            enabled = self.profile.enabled
        else:
            self.profile = load_profile(style, "nb").with_options(None, (), agreement)
            self.profile.validate(known, "nb")
            self.variant = "e"
        key = Engine.key_for(self.source, self.target,
                             self.variant if self.source == self.target else None, mark_unknown)
        self._owns_engine = engine is None
        if engine is None:
            engine = Engine(self.source, self.target, variant=key[2], mark_unknown=mark_unknown,
                            pool_size=pool_size, timeout=timeout)
        elif engine.key != key:
            raise ValueError(f"this translator needs an engine for {key}, not {engine.key} "
                             "(direction, nn→nn infinitive and mark_unknown must match)")
        self.engine = engine
        self.mode = engine.mode
        self._setvar = f"[<STREAMCMD:SETVAR:{','.join(sorted(enabled))}>]" if enabled else ""
        self._layers: dict[bool, StyleLayer] = {}
        if self.profile is not None and self.target == "nb":
            nb_chooser = self.profile.bokmal_chooser()
            for detailed in (False, True):
                self._layers[detailed] = partial(
                    choose_bokmal, chooser=nb_chooser, ask=partial(engine.ask, "generator"),
                    wrap=detailed)
        elif self.profile is not None:
            chooser = self.profile.chooser()
            agree = (Agreement(partial(engine.ask, "generator"), name=self.profile.name,
                               number=self.profile.agreement, gender=self.profile.gender)
                     if self.profile.agrees else None)
            for detailed in (False, True):
                self._layers[detailed] = partial(
                    choose_forms, chooser=chooser, wrap=detailed,
                    strip_marks=not mark_unknown, agree=agree)
        self._inflector = Inflector(engine.ask) if self.source != self.target else None
        self.rules = load_rules(self.profile, rules)
        self.glossary: Glossary | None = None
        self.glossary = self._glossary_for(glossary)
        names = load_names(self.profile) if protect else None
        if names:
            self.glossary = names.merged(self.glossary)

    # -- introspection ------------------------------------------------------------------
    @staticmethod
    def preferences(source: str = "nb", target: str = "nn") -> dict[str, str]:
        """Apertium's preferences for a direction (id -> description)."""
        s, t = direction(source, target, normalise=True)
        return {} if s == t else preferences(s, t)

    @property
    def pool(self) -> Pool:
        """The engine's main pipeline pool."""
        return self.engine.heavy

    @property
    def pools(self) -> tuple[Pool, ...]:
        """Every pipeline pool the engine runs (the heavy one first)."""
        return tuple(pool for _, pool in self.engine.pools())

    def warm_up(self) -> "Translator":
        """Start the pipelines now, so the first request is as fast as the rest."""
        self.engine.warm_up()
        return self

    def using(self, *, glossary: GlossaryLike = None,
              style: "str | Path | Profile | None" = None) -> "Translator":
        """This translator with extra glossary terms and/or another house style, on the
        same engine and with every other setting as it is: cheap (no process starts; a
        style costs loading its profile and rules), and closing it stops nothing. For APIs
        that take one translator, such as :func:`omset.formats.translate_document`.

        A style must fit the engine: any Nynorsk style on nb→nn and any Bokmål one on
        nn→nb; nn→nn has no styles (its infinitive picks the engine).
        """
        if style is not None:
            if self.source == self.target:
                raise OptionError("nn→nn has no house styles (its variant picks the engine)")
            other = Translator(self.source, self.target, **{**self._settings, "style": style},
                               engine=self.engine)
        else:
            other = copy.copy(self)
        other._owns_engine = False
        other.glossary = other._glossary_for(glossary)
        return other

    # -- the one path -------------------------------------------------------------------
    def _glossary_for(self, extra: GlossaryLike) -> Glossary | None:
        """The translator's glossary plus ``extra`` (a call's own terms)."""
        if extra is None:
            return self.glossary
        extra_g = extra if isinstance(extra, Glossary) else (
            Glossary.load(extra) if isinstance(extra, (str, Path)) else Glossary.from_mapping(extra))
        return (self.glossary or Glossary()).merged(extra_g)

    def _inflect(self, found: str, source: str, target: str) -> str | None:
        return self._inflector(found, source, target) if self._inflector else None

    def _prepare(self, parts: Sequence[Part], glossary: Glossary | None) -> list[Part]:
        """Protection and glossary: the spans Apertium must not change, marked. Tokens
        too long to be words are protected always, even with ``protect=False``."""
        out: list[Part] = []
        for p in parts:
            if isinstance(p, str) and self.protect:
                out.extend(protect(p, keep_titles=self.keep_quoted_titles))
            else:
                out.append(p)
        out = cap_tokens(out)
        return glossary.apply(out, self._inflect) if glossary else out

    def _job(self, parts: list[Part], glossary: Glossary | None, detailed: bool) -> "_Job":
        cancellation = current_cancellation()
        if cancellation is not None:
            cancellation.check()  # the caller gave up: submit nothing more
        prepared = self._prepare(parts, glossary)
        layer = self._layers.get(detailed)
        future = self.engine.submit(
            self._setvar + encode(prepared, isolate=self.deterministic), layer)
        if cancellation is not None:
            cancellation.add(future)
        return _Job("".join(p for p in parts if isinstance(p, str)), prepared, future, detailed)

    def _submit(self, segment: Sequence[Part], glossary: Glossary | None,
                detailed: bool = False) -> "list[_Job | Part]":
        """Put one segment in flight: its edge whitespace kept aside, long ones cut at
        sentence ends (each chunk a request of its own, the spacing between them kept)."""
        lead, core, trail = strip_edges(segment)
        items: list[_Job | Part] = [lead] if lead else []
        if any(isinstance(p, str) and p.strip() for p in core):
            for chunk in split_parts(core, self.max_segment_chars):
                items.append(chunk if isinstance(chunk, str)
                             else self._job(chunk, glossary, detailed))
        else:
            items += core
        if trail:
            items.append(trail)
        return items

    def _finish(self, job: "_Job") -> "_Answer":
        """A chunk's answer: decoded, and rewritten by the post-edit rules."""
        raw, units = job.future.result()
        spans: dict[int, tuple[int, int]] = {}
        engine_parts = decode(raw, job.parts, strip_marks=not self.mark_unknown,
                              spans=spans if job.detailed else None, trim=True)
        parts, changes = (self.rules.apply_parts(job.source, engine_parts)
                          if self.rules is not None else (engine_parts, []))
        return _Answer(parts, engine_parts, units, spans, changes)

    def _collect(self, items: "Sequence[_Job | Part]") -> list[Part]:
        """A segment's translation as parts (protected spans back to text)."""
        out: list[Part] = []
        for item in items:
            for p in (self._finish(item).parts if isinstance(item, _Job) else (item,)):
                text = p.text if isinstance(p, Protected) else p
                if isinstance(text, str) and out and isinstance(out[-1], str):
                    out[-1] += text
                elif text != "":
                    out.append(text)
        return out

    def _text(self, items: "Sequence[_Job | Part]") -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self._collect(items))

    # -- public API ----------------------------------------------------------------------
    def translate(self, text: str, *, glossary: GlossaryLike = None) -> str:
        """Translate a text; its paragraphs, line breaks and blank lines stay as they are.

        ``glossary``: extra terms for this call (a :class:`Glossary`, a mapping or a
        file path), added to the translator's own.
        """
        return self.translate_batch([text], glossary=glossary)[0]

    def translate_batch(self, texts: Sequence[str], *, glossary: GlossaryLike = None) -> list[str]:
        """Translate several texts at once; one output per input, in order.

        All segments of all texts are in flight together, spread over the pipelines.
        """
        g = self._glossary_for(glossary)
        submitted = [[(p, self._submit([p.text], g) if p.translate else None) for p in pieces(t)]
                     for t in texts]
        return ["".join(self._text(sub) if sub is not None else piece.text
                        for piece, sub in items) for items in submitted]

    def translate_lines(self, lines: Iterable[str], *, by_line: bool = True,
                        window: int = 512, glossary: GlossaryLike = None) -> Iterator[str]:
        """Stream a text given as lines (with line endings); yields output in order.

        At most ``window`` segments are in flight, so memory stays bounded however long
        the input. ``by_line=True`` makes every line one segment (``--lines``).
        """
        g = self._glossary_for(glossary)
        queue: deque[tuple[Piece, list[_Job | Part] | None]] = deque()
        for piece in iter_pieces(lines, by_line=by_line):
            queue.append((piece, self._submit([piece.text], g) if piece.translate else None))
            while len(queue) > window or (queue and queue[0][1] is None):
                p, sub = queue.popleft()
                yield self._text(sub) if sub is not None else p.text
        while queue:
            p, sub = queue.popleft()
            yield self._text(sub) if sub is not None else p.text

    def translate_parts(self, segments: Sequence[Sequence[Part]], *,
                        glossary: GlossaryLike = None) -> list[list[Part]]:
        """Translate segments that carry inline markup (for document formats).

        Each segment is a sequence of text and :class:`Markup`; the markup is passed
        through Apertium as superblanks and comes back as the same objects, placed
        where Apertium put them. Everything else is what :meth:`translate` does: edge
        whitespace kept as it is, long segments cut at sentence ends, protection, the
        glossary and the post-edit rules (which never rewrite across markup).
        """
        g = self._glossary_for(glossary)
        submitted = [self._submit(seg, g) for seg in segments]
        return [self._collect(items) for items in submitted]

    def translate_detailed(self, texts: Sequence[str], *,
                           glossary: GlossaryLike = None) -> list[list[Segment]]:
        """Translate texts and say, per segment and word, what happened.

        Returns, for each input text, its translated segments (spacing between segments
        is not included; :meth:`translate` gives the full text). Each segment has tokens
        with alternative forms, unknown-word flags and the changes each layer made (see
        :mod:`omset.result`). The text is the same :meth:`translate` gives. For nb→nn,
        every segment and token also gets a ``risk`` (:mod:`omset.risk`): where a
        proofreader should look first.
        """
        g = self._glossary_for(glossary)
        jobs = [[(p.text, self._submit([p.text], g, detailed=True))
                 for p in pieces(text) if p.translate] for text in texts]
        out: list[list[Segment]] = []
        for segs in jobs:
            result = []
            for source, items in segs:
                text, tokens = "", []
                for item in items:
                    if not isinstance(item, _Job):
                        text += item if isinstance(item, str) else item.text
                        continue
                    answer = self._finish(item)
                    chunk = "".join(p if isinstance(p, str) else p.text for p in answer.parts)
                    tokens += tokens_of(chunk, answer.engine_parts, answer.units, answer.spans,
                                        answer.changes, len(text))
                    text += chunk
                attach_sources(source, tokens)
                result.append(Segment(source, text, tokens))
            out.append(result)
        if self.source != self.target:
            # risk flags (omset.risk): a model learned per direction (nb→nn, nn→nb);
            # nn→nn normalising has none, so its segments keep risk None
            from .risk import annotate

            annotate([seg for segs in out for seg in segs], target=self.target)
        return out

    def recall(self, text: str, *, document: str = "", version: str = "", author: str = "",
               store: bool = True) -> "MemoryTranslation":
        """Translate ``text`` against the translator's memory: each segment a proofreader
        approved comes back exactly as stored (in context or exact), a changed one is
        repaired around the change, the rest comes from the engine and is stored as
        machine output (``store=False``: read only). The result says per segment where its
        text came from (docs/memory.md)."""
        from .memory.workflow import translate_text

        if self.memory is None:
            raise OptionError("this translator has no translation memory (memory=…)")
        return translate_text(self, self.memory, text, document=document, version=version,
                              author=author, store=store)

    # -- life cycle ----------------------------------------------------------------------
    def close(self) -> None:
        """Stop the engine if this translator started it (a shared one keeps running).
        The translator cannot be used afterwards."""
        if self._owns_engine:
            self.engine.close()

    def __enter__(self) -> "Translator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class _Job:
    """One request in flight: its source text, the parts it was sent as, the future."""

    source: str
    parts: list[Part]
    future: "Future[tuple[str, Any]]"
    detailed: bool


@dataclass
class _Answer:
    """A chunk's answer: after the rules (``parts``) and as the engine gave it."""

    parts: list[Part]
    engine_parts: list[Part]
    units: list[Unit] | None
    spans: dict[int, tuple[int, int]]
    changes: list[Change]


def load_rules(profile: Profile | None, rules: "str | Path | bool | None") -> RuleSet | None:
    """The post-edit rule set to use: the profile's (``None``), none (``False``), or a file."""
    if rules is False:
        return None
    path: Path | Traversable
    if rules is None or rules is True:
        if profile is None or not profile.rules:
            return None
        from importlib import resources

        path = resources.files("omset").joinpath("data", "rules", profile.rules)
        if not path.is_file():
            return None
    else:
        path = Path(rules)
    return RuleSet.load(path)


def load_names(profile: Profile | None) -> Glossary | None:
    """The profile's keep-list of names (a do-not-translate glossary), if it ships one."""
    if profile is None or not profile.names:
        return None
    from importlib import resources

    path = resources.files("omset").joinpath("data", "names", profile.names)
    return Glossary.load(str(path)) if path.is_file() else None
