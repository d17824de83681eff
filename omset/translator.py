"""The one public entry point: :class:`Translator`.

A Translator owns a pool of warm Apertium pipelines for one direction and one set of
options. It is thread-safe: any number of threads may call it at once, and their
segments are spread over the pipelines.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from collections import deque
from concurrent.futures import Future
from typing import Iterable, Iterator, Mapping, Sequence, Union

from .engine import Markup, Part, Pool, decode, decode_text, encode, mode_name, pipeline_command
from .engine.modes import Variant, generator_stage, preferences
from .align import align
from .errors import UnsupportedLanguage
from .languages import Lang, direction
from .result import Change, Segment, Token
from .style import Profile, load as load_profile
from .style.agree import Agreement
from .style.choose import Unit, apply as choose_forms
from .glossary import Glossary, Inflector
from .text.protect import Protected, protect
from .text.segment import Piece, iter_pieces, pieces, split_edges, split_sentences

__all__ = ["Translator", "Markup", "Part"]

GlossaryLike = Union[Glossary, Mapping[str, str], str, Path, None]


class Translator:
    """Translate Bokmål ⇄ Nynorsk.

    >>> with Translator("nb", "nn") as tr:
    ...     tr.translate("Vi kommer hjem.")
    'Vi kjem heim.'

    Args:
        source, target: ``nb``/``nob`` or ``nn``/``nno``.
        style: house-style profile for nb→nn: a built-in name (``nynorsk-news``, the
            default; ``apertium`` gives plain Apertium's forms), a path to a TOML file,
            or a :class:`~omset.style.Profile`. Ignored for nn→nb.
        variant: Nynorsk infinitive ``"e"`` (``komme``), ``"a"`` or ``"split"``;
            default: the profile's.
        prefs: Apertium preferences to switch on in addition to the profile's
            (see :meth:`preferences`).
        mark_unknown: keep Apertium's ``*``/``#``/``@`` marks on words it does not know.
        pool_size: number of pipelines (default: number of CPU cores).
        timeout: seconds a pipeline may take on one request before it is restarted.
        glossary: terms that always win (:class:`~omset.glossary.Glossary`, a mapping
            ``source → target`` — empty target: keep as written — or a TSV/TOML path).
        protect: keep URLs, e-mail addresses, @handles, #hashtags and code untouched.
        keep_quoted_titles: keep titles in «guillemets» as written.
        rules: post-edit rules: ``None`` uses the profile's, ``False`` none, or a path.
        agreement: participle agreement for nb→nn (plural participle after vere/verte/bli
            with a plural subject, :mod:`omset.style.agree`): ``None`` as the profile says.
        max_segment_chars: longer segments are cut at sentence ends and their pieces
            translated in parallel.
        share_engine: another Translator of the same direction (and ``mark_unknown``)
            whose pipelines this one uses instead of starting its own. The heavy stages
            are the same for every style and variant (the style is chosen in Python, the
            preferences travel with each request), so a service needs one pool per
            direction, not one per style. Its ``pool_size`` and ``timeout`` apply; closing
            a borrower leaves the pipelines running.
    """

    def __init__(self, source: str = "nb", target: str = "nn", *,
                 style: "str | Path | Profile | None" = None, variant: Variant | None = None,
                 prefs: Iterable[str] = (), mark_unknown: bool = False,
                 glossary: GlossaryLike = None, protect: bool = True,
                 keep_quoted_titles: bool = False, rules: "str | Path | bool | None" = None,
                 agreement: bool | None = None, pool_size: int | None = None, timeout: float = 20.0,
                 max_segment_chars: int = 600, share_engine: "Translator | None" = None):
        self.source, self.target = direction(source, target, normalise=True)
        self.protect = protect
        self.keep_quoted_titles = keep_quoted_titles
        self._inflector: Inflector | None = None
        self._lock = threading.Lock()
        self.glossary: Glossary | None = None
        self.glossary = self._glossary_for(glossary) if glossary is not None else None
        if variant not in (None, "a", "e", "split"):
            raise ValueError(f"variant must be 'a', 'e' or 'split', not {variant!r}")
        known = self.preferences(self.source, self.target)
        self.prefs = tuple(dict.fromkeys(prefs))
        unknown = [p for p in self.prefs if p not in known]
        if unknown:
            raise UnsupportedLanguage(
                f"unknown preference(s) {', '.join(unknown)} for {self.source}→{self.target}; "
                f"`omset prefs` lists them")
        self.mark_unknown = mark_unknown
        self.max_segment_chars = max_segment_chars
        self.profile: Profile | None = None
        self._agree: Agreement | None = None
        if self.source == self.target:
            # nn→nn: Apertium's own normaliser modes, whole (no style layers: a house
            # style is a choice among Bokmål→Nynorsk forms)
            if variant not in (None, "a", "e"):
                raise ValueError("Nynorsk normalisation has the variants 'a' and 'e'")
            self.variant = variant or "e"
            self.mode = mode_name(self.source, self.target, self.variant)
            enabled = frozenset(self.prefs)
            heavy, post = pipeline_command(self.mode, mark_unknown), None
        elif self.target == "nn":
            # nb→nn runs up to generation, chooses forms in Python, then post-generates.
            self.profile = load_profile(style).with_options(variant, self.prefs, agreement)
            self.profile.validate(known)
            if self.profile.agreement:
                self._agree = Agreement(name=self.profile.name)
            self.variant = self.profile.infinitive
            self.mode = mode_name(self.source, self.target, "e")
            gen = generator_stage(self.mode)
            self._chooser = self.profile.chooser()
            enabled = self.profile.enabled
            heavy = pipeline_command(self.mode, mark_unknown, stop=gen + 1)
            post: str | None = pipeline_command(self.mode, mark_unknown, start=-1)
        else:
            self.variant = "e"
            self.mode = mode_name(self.source, self.target)
            enabled = frozenset(self.prefs)
            heavy, post = pipeline_command(self.mode, mark_unknown), None
        self._engine_owner = share_engine
        self._pool: Pool
        self._post: Pool | None
        if share_engine is None:
            self._pool = Pool(heavy, size=pool_size, timeout=timeout)
            self._post = Pool(post, size=1, timeout=timeout) if post is not None else None
        else:
            # the mode names the direction (and, for nn→nn, the infinitive): the pipelines
            if (share_engine.mode, share_engine.mark_unknown) != (self.mode, mark_unknown):
                raise ValueError("share_engine needs a translator of the same direction "
                                 "and mark_unknown setting")
            self._pool, self._post = share_engine._pool, share_engine._post
        self._setvar = f"[<STREAMCMD:SETVAR:{','.join(sorted(enabled))}>]" if enabled else ""
        self.rules = load_rules(self.profile, rules)
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
        return self._pool

    @property
    def pools(self) -> tuple[Pool, ...]:
        """Every pipeline pool this translator uses (the heavy one first)."""
        return (self._pool,) if self._post is None else (self._pool, self._post)

    def warm_up(self) -> "Translator":
        """Start the pipelines now, so the first request is as fast as the rest."""
        self._pool.warm_up()
        return self

    # -- segments -------------------------------------------------------------------------
    def _submit(self, payload: str, *, detailed: bool = False) -> Future:
        """Send one stream request through the engine; the future gets (raw, units)."""
        first = self._pool.submit(self._setvar + payload)
        if self._post is None:
            outer: Future = Future()
            first.add_done_callback(lambda f: _forward(f, outer, lambda raw: (raw, None)))
            return outer
        outer = Future()

        def generated(f: Future) -> None:
            try:
                text, units = choose_forms(f.result(), self._chooser, wrap=detailed,
                                           strip_marks=not self.mark_unknown,
                                           agree=self._agree)
                post = self._post.submit(text)  # type: ignore[union-attr]
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                outer.set_exception(exc)
                return
            post.add_done_callback(lambda pf: _forward(pf, outer, lambda raw: (raw, units)))

        first.add_done_callback(generated)
        return outer

    def _glossary_for(self, extra: GlossaryLike) -> Glossary | None:
        if extra is None:
            return self.glossary
        extra_g = extra if isinstance(extra, Glossary) else (
            Glossary.load(extra) if isinstance(extra, (str, Path)) else Glossary.from_mapping(extra))
        return (self.glossary or Glossary()).merged(extra_g)

    def _inflect(self, found: str, source: str, target: str) -> str | None:
        if self.source != "nb":
            return None
        if self._engine_owner is not None:  # its inflector is part of the shared engine
            return self._engine_owner._inflect(found, source, target)
        with self._lock:
            if self._inflector is None:
                self._inflector = Inflector()
        return self._inflector(found, source, target)

    def _chunk(self, text: str, glossary: Glossary | None, detailed: bool) -> "_Chunk":
        parts: list[Part] = protect(text, keep_titles=self.keep_quoted_titles) \
            if self.protect else [text]
        if glossary:
            parts = glossary.apply(parts, self._inflect)
        if not any(isinstance(p, Markup) for p in parts):
            return _Chunk(text, None, self._submit(encode(text), detailed=detailed))
        return _Chunk(text, parts, self._submit(encode(parts), detailed=detailed))

    def _submit_segment(self, core: str, glossary: Glossary | None = None,
                        detailed: bool = False) -> list["_Chunk | str"]:
        """Submit one segment (no surrounding whitespace): chunks of long ones, with the
        spacing between chunks as plain strings."""
        chunks = split_sentences(core, self.max_segment_chars)
        return [self._chunk(c, glossary, detailed) if i % 2 == 0 else c
                for i, c in enumerate(chunks)]

    def _finish(self, chunk: "_Chunk") -> tuple[str, list[Part], list[Unit] | None,
                                                 dict[int, tuple[int, int]], list[Change]]:
        """Decode a chunk's answer and apply the post-edit rules."""
        raw, units = chunk.future.result()
        spans: dict[int, tuple[int, int]] = {}
        parts = decode(raw, chunk.parts, strip_marks=not self.mark_unknown, spans=spans,
                       trim=True)
        text = join_parts(parts)
        changes: list[Change] = []
        if self.rules is not None:
            text, changes = self.rules.apply(chunk.source, text)
        return text, parts, units, spans, changes

    def _collect(self, submitted: list["_Chunk | str"]) -> str:
        return "".join(c if isinstance(c, str) else self._finish(c)[0] for c in submitted)

    def _submit_text(self, text: str, glossary: Glossary | None) -> list[tuple[Piece, list | None]]:
        return [(p, self._submit_segment(p.text, glossary) if p.translate else None)
                for p in pieces(text)]

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
        submitted = [self._submit_text(t, g) for t in texts]
        return ["".join(self._collect(sub) if sub is not None else piece.text
                        for piece, sub in items) for items in submitted]

    def translate_lines(self, lines: Iterable[str], *, by_line: bool = True,
                        window: int = 512, glossary: GlossaryLike = None) -> Iterator[str]:
        """Stream a text given as lines (with line endings); yields output in order.

        At most ``window`` segments are in flight, so memory stays bounded however long
        the input. ``by_line=True`` makes every line one segment (``--lines``).
        """
        g = self._glossary_for(glossary)
        queue: deque[tuple[Piece, list | None]] = deque()
        for piece in iter_pieces(lines, by_line=by_line):
            queue.append((piece, self._submit_segment(piece.text, g) if piece.translate else None))
            while len(queue) > window or (queue and queue[0][1] is None):
                p, sub = queue.popleft()
                yield self._collect(sub) if sub is not None else p.text
        while queue:
            p, sub = queue.popleft()
            yield self._collect(sub) if sub is not None else p.text

    def translate_parts(self, segments: Sequence[Sequence[Part]], *,
                        glossary: GlossaryLike = None) -> list[list[Part]]:
        """Translate segments that carry inline markup (for document formats).

        Each segment is a sequence of text and :class:`Markup`; the markup is passed
        through Apertium as superblanks and comes back as the same objects, placed
        where Apertium put them. Whitespace at the ends of a segment is kept as is.
        Protection and the glossary apply to the text parts; post-edit rules apply to
        segments without markup only (a rule cannot tell where markup would go).
        """
        g = self._glossary_for(glossary)
        jobs: list[_Chunk | None] = []
        for seg in segments:
            text_only = "".join(p for p in seg if isinstance(p, str))
            if not text_only.strip():
                jobs.append(None)
                continue
            parts: list[Part] = []
            for p in seg:
                if isinstance(p, str) and self.protect:
                    parts.extend(protect(p, keep_titles=self.keep_quoted_titles))
                else:
                    parts.append(p)
            if g:
                parts = g.apply(parts, self._inflect)
            jobs.append(_Chunk(text_only, parts, self._submit(encode(parts))))
        out: list[list[Part]] = []
        for seg, job in zip(segments, jobs):
            if job is None:
                out.append(list(seg))
                continue
            raw, _ = job.future.result()
            parts = decode(raw, job.parts, strip_marks=not self.mark_unknown)
            merged = _unprotect(parts)
            if self.rules is not None and all(isinstance(p, str) for p in merged):
                text, _ = self.rules.apply(job.source, "".join(merged))  # type: ignore[arg-type]
                merged = [text]
            out.append(_keep_edges(seg, merged))
        return out

    def translate_detailed(self, texts: Sequence[str], *,
                           glossary: GlossaryLike = None) -> list[list[Segment]]:
        """Translate texts and say, per segment and word, what happened.

        Returns, for each input text, its translated segments (spacing between segments
        is not included; :meth:`translate` gives the full text). Each segment has tokens
        with alternative forms, unknown-word flags and the changes each layer made (see
        :mod:`omset.result`). The text is the same :meth:`translate` gives.
        """
        g = self._glossary_for(glossary)
        jobs = [[(p.text, self._submit_segment(p.text, g, detailed=True))
                 for p in pieces(text) if p.translate] for text in texts]
        out: list[list[Segment]] = []
        for segs in jobs:
            result = []
            for source, chunks in segs:
                text, tokens = "", []
                for chunk in chunks:
                    if isinstance(chunk, str):
                        text += chunk
                        continue
                    part, new = _detailed(self._finish(chunk), len(text))
                    text += part
                    tokens += new
                _attach_sources(source, tokens)
                result.append(Segment(source, text, tokens))
            out.append(result)
        return out

    # -- life cycle ----------------------------------------------------------------------
    def close(self) -> None:
        """Stop the pipelines (unless borrowed with ``share_engine``). The translator
        cannot be used afterwards."""
        if self._agree is not None:
            self._agree.close()
        if self._engine_owner is None:
            self._pool.close()
            if self._post is not None:
                self._post.close()
            if self._inflector is not None:
                self._inflector.close()

    def __enter__(self) -> "Translator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def _forward(f: Future, outer: Future, convert) -> None:
    exc = f.exception()
    if exc is not None:
        outer.set_exception(exc)
    else:
        outer.set_result(convert(f.result()))


class _Chunk:
    """One request in flight: its source text, the parts it was sent as, the future."""

    __slots__ = ("source", "parts", "future")

    def __init__(self, source: str, parts: list[Part] | None, future: Future):
        self.source, self.parts, self.future = source, parts, future


def join_parts(parts: Sequence[Part]) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in parts)


def _unprotect(parts: Sequence[Part]) -> list[Part]:
    """Protected spans back to plain text, merged with their neighbours; other markup kept."""
    out: list[Part] = []
    for p in parts:
        text = p.text if isinstance(p, Protected) else p
        if isinstance(text, str) and out and isinstance(out[-1], str):
            out[-1] += text
        else:
            out.append(text)
    return out


def _detailed(finished, offset: int) -> tuple[str, list[Token]]:
    """Text and tokens of one answer; ``offset`` is where it starts in its segment."""
    text, parts, units, spans, rule_changes = finished
    engine_text = join_parts(parts)
    tokens: list[Token] = []
    if units is None:  # no generation step (nn→nb): words only
        tokens = [Token(m.group(), m.start()) for m in _TOKEN.finditer(engine_text)]
    else:
        for i, unit in enumerate(units):
            if i not in spans:
                continue
            s, e = spans[i]
            surface = engine_text[s:e]
            if not surface.strip():
                continue
            changes = []
            if unit.agree_reason:
                changes.append(Change("agree", unit.agreed_from, unit.forms[unit.chosen].text,
                                      unit.agree_reason))
            elif unit.chosen != unit.default:
                changes.append(Change("profile", unit.forms[unit.default].text,
                                      unit.forms[unit.chosen].text, unit.reason))
            tokens.append(Token(surface, s, None, unit.alternatives, unit.unknown, changes))
    pos = 0
    for p in parts:  # protected spans and glossary terms
        if isinstance(p, str):
            pos += len(p)
            continue
        if isinstance(p, Protected):
            changes = [Change("glossary", p.original, p.text, "glossary term")] \
                if p.kind == "glossary" and p.original != p.text else []
            tokens.append(Token(p.text, pos, p.original or p.text, [], False, changes))
        pos += len(p.text)
    tokens.sort(key=lambda t: t.start)
    if text != engine_text:
        tokens = _retokenize(engine_text, text, tokens, rule_changes)
    for t in tokens:
        t.start += offset
    return text, tokens


def _attach_sources(source: str, tokens: list[Token]) -> None:
    """Fill ``Token.source`` where no layer knew it, by aligning with the source text."""
    if all(t.source is not None for t in tokens):
        return
    for tok, src in zip(tokens, align(source, [t.text for t in tokens])):
        if tok.source is None:
            tok.source = src


def _retokenize(before: str, after: str, tokens: list[Token],
                changes: list[Change]) -> list[Token]:
    """Carry tokens over a post-edit rewrite: unchanged words keep their data, rewritten
    ones get the rule's change."""
    import difflib

    old = [(m.start(), m.group()) for m in _TOKEN.finditer(before)]
    new = [(m.start(), m.group()) for m in _TOKEN.finditer(after)]
    by_start = {t.start: t for t in tokens}
    reasons = {(c.before.lower(), c.after.lower()): c for c in changes}
    out: list[Token] = []
    sm = difflib.SequenceMatcher(a=[w for _, w in old], b=[w for _, w in new], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for (os_, _), (ns, nw) in zip(old[i1:i2], new[j1:j2]):
                t = by_start.get(os_)
                if t is not None:
                    t.start = ns
                    out.append(t)
                else:
                    out.append(Token(nw, ns))
            continue
        before_words = " ".join(w for _, w in old[i1:i2])
        if op == "delete":  # a rule deleted words: a zero-width token says so
            at = new[j1][0] if j1 < len(new) else len(after)
            ch = reasons.get((before_words.lower(), ""))
            out.append(Token("", at, before_words, [], False,
                             [ch or Change("rule", before_words, "", "post-edit rule")]))
            continue
        for ns, nw in new[j1:j2]:
            ch = reasons.get((before_words.lower(), " ".join(w for _, w in new[j1:j2]).lower()))
            out.append(Token(nw, ns, None, [], False,
                             [ch or Change("rule", before_words, nw, "post-edit rule")]))
    return out


def _keep_edges(source: Sequence[Part], parts: list[Part]) -> list[Part]:
    """Give a translated segment the leading/trailing whitespace of its source."""
    def first_text(seq: Sequence[Part], rev: bool) -> str:
        for p in (reversed(seq) if rev else seq):
            if isinstance(p, str):
                return p
        return ""
    lead = split_edges(first_text(source, False))[0] if source and isinstance(source[0], str) else ""
    trail = split_edges(first_text(source, True))[2] if source and isinstance(source[-1], str) else ""
    if parts and isinstance(parts[0], str):
        parts[0] = lead + parts[0].lstrip()
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip() + trail
    return parts


def load_rules(profile: Profile | None, rules: "str | Path | bool | None"):
    """The post-edit rule set to use: the profile's (``None``), none (``False``), or a file."""
    if rules is False or (rules in (None, True) and (profile is None or not profile.rules)):
        return None
    from importlib import resources

    if rules in (None, True):
        path = resources.files("omset").joinpath("data", "rules", profile.rules)  # type: ignore[union-attr]
        if not path.is_file():
            return None
    else:
        path = Path(rules)  # type: ignore[arg-type]
    from .postedit import RuleSet

    return RuleSet.load(path)


def load_names(profile: Profile | None) -> Glossary | None:
    """The profile's keep-list of names (a do-not-translate glossary), if it ships one."""
    if profile is None or not profile.names:
        return None
    from importlib import resources

    path = resources.files("omset").joinpath("data", "names", profile.names)
    return Glossary.load(str(path)) if path.is_file() else None
