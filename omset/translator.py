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
from typing import Iterable, Iterator, Sequence

from .engine import Markup, Part, Pool, decode, decode_text, encode, mode_name, pipeline_command
from .engine.modes import Variant, generator_stage, preferences
from .errors import UnsupportedLanguage
from .languages import Lang, direction
from .result import Change, Segment, Token
from .style import Profile, load as load_profile
from .style.choose import Unit, apply as choose_forms
from .text.segment import Piece, iter_pieces, pieces, split_edges, split_sentences

__all__ = ["Translator", "Markup", "Part"]


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
        max_segment_chars: longer segments are cut at sentence ends and their pieces
            translated in parallel.
    """

    def __init__(self, source: str = "nb", target: str = "nn", *,
                 style: "str | Path | Profile | None" = None, variant: Variant | None = None,
                 prefs: Iterable[str] = (), mark_unknown: bool = False,
                 pool_size: int | None = None, timeout: float = 20.0,
                 max_segment_chars: int = 600):
        self.source, self.target = direction(source, target)
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
        if self.target == "nn":
            # nb→nn runs up to generation, chooses forms in Python, then post-generates.
            self.profile = load_profile(style).with_options(variant, self.prefs)
            self.profile.validate(known)
            self.variant = self.profile.infinitive
            self.mode = mode_name(self.source, self.target, "e")
            gen = generator_stage(self.mode)
            self._chooser = self.profile.chooser()
            enabled = self.profile.enabled
            self._pool = Pool(pipeline_command(self.mode, mark_unknown, stop=gen + 1),
                              size=pool_size, timeout=timeout)
            self._post: Pool | None = Pool(pipeline_command(self.mode, mark_unknown, start=-1),
                                           size=1, timeout=timeout)
        else:
            self.variant = "e"
            self.mode = mode_name(self.source, self.target)
            enabled = frozenset(self.prefs)
            self._pool = Pool(pipeline_command(self.mode, mark_unknown), size=pool_size,
                              timeout=timeout)
            self._post = None
        self._setvar = f"[<STREAMCMD:SETVAR:{','.join(sorted(enabled))}>]" if enabled else ""

    # -- introspection ------------------------------------------------------------------
    @staticmethod
    def preferences(source: str = "nb", target: str = "nn") -> dict[str, str]:
        """Apertium's preferences for a direction (id -> description)."""
        s, t = direction(source, target)
        return preferences(s, t)

    @property
    def pool(self) -> Pool:
        return self._pool

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
                                           strip_marks=not self.mark_unknown)
                post = self._post.submit(text)  # type: ignore[union-attr]
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                outer.set_exception(exc)
                return
            post.add_done_callback(lambda pf: _forward(pf, outer, lambda raw: (raw, units)))

        first.add_done_callback(generated)
        return outer

    def _submit_segment(self, core: str) -> list[tuple[Future | None, str]]:
        """Submit one segment (no surrounding whitespace); chunks of long ones."""
        chunks = split_sentences(core, self.max_segment_chars)
        return [(self._submit(encode(c)) if i % 2 == 0 else None, c)
                for i, c in enumerate(chunks)]

    def _collect(self, submitted: list[tuple[Future | None, str]]) -> str:
        strip = not self.mark_unknown
        return "".join(decode_text(f.result()[0], strip_marks=strip) if f is not None else text
                       for f, text in submitted)

    def _submit_text(self, text: str) -> list[tuple[Piece, list | None]]:
        return [(p, self._submit_segment(p.text) if p.translate else None)
                for p in pieces(text)]

    # -- public API ----------------------------------------------------------------------
    def translate(self, text: str) -> str:
        """Translate a text; its paragraphs, line breaks and blank lines stay as they are."""
        return self.translate_batch([text])[0]

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate several texts at once; one output per input, in order.

        All segments of all texts are in flight together, spread over the pipelines.
        """
        submitted = [self._submit_text(t) for t in texts]
        return ["".join(self._collect(sub) if sub is not None else piece.text
                        for piece, sub in items) for items in submitted]

    def translate_lines(self, lines: Iterable[str], *, by_line: bool = True,
                        window: int = 512) -> Iterator[str]:
        """Stream a text given as lines (with line endings); yields output in order.

        At most ``window`` segments are in flight, so memory stays bounded however long
        the input. ``by_line=True`` makes every line one segment (``--lines``).
        """
        queue: deque[tuple[Piece, list | None]] = deque()
        for piece in iter_pieces(lines, by_line=by_line):
            queue.append((piece, self._submit_segment(piece.text) if piece.translate else None))
            while len(queue) > window or (queue and queue[0][1] is None):
                p, sub = queue.popleft()
                yield self._collect(sub) if sub is not None else p.text
        while queue:
            p, sub = queue.popleft()
            yield self._collect(sub) if sub is not None else p.text

    def translate_parts(self, segments: Sequence[Sequence[Part]]) -> list[list[Part]]:
        """Translate segments that carry inline markup (for document formats).

        Each segment is a sequence of text and :class:`Markup`; the markup is passed
        through Apertium as superblanks and comes back as the same objects, placed
        where Apertium put them. Whitespace at the ends of a segment is kept as is.
        """
        futures = []
        for seg in segments:
            text_only = "".join(p for p in seg if isinstance(p, str))
            if not text_only.strip():
                futures.append(None)
                continue
            futures.append(self._submit(encode(list(seg))))
        out: list[list[Part]] = []
        for seg, fut in zip(segments, futures):
            if fut is None:
                out.append(list(seg))
                continue
            parts = decode(fut.result()[0], list(seg), strip_marks=not self.mark_unknown)
            out.append(_keep_edges(seg, parts))
        return out

    def translate_detailed(self, texts: Sequence[str]) -> list[list[Segment]]:
        """Translate texts and say, per segment and word, what happened.

        Returns, for each input text, its translated segments (spacing between segments
        is not included; :meth:`translate` gives the full text). Each segment has tokens
        with alternative forms, unknown-word flags and the changes each layer made (see
        :mod:`omset.result`). The text is the same :meth:`translate` gives.
        """
        jobs = []
        for text in texts:
            segs = [p.text for p in pieces(text) if p.translate]
            jobs.append([(s, [(self._submit(encode(c), detailed=True) if i % 2 == 0 else None, c)
                              for i, c in enumerate(split_sentences(s, self.max_segment_chars))])
                         for s in segs])
        out: list[list[Segment]] = []
        for segs in jobs:
            result = []
            for source, chunks in segs:
                text, tokens = "", []
                for fut, chunk in chunks:
                    if fut is None:
                        text += chunk
                        continue
                    raw, units = fut.result()
                    part, new = _detailed(raw, units, len(text), not self.mark_unknown)
                    text += part
                    tokens += new
                result.append(Segment(source, text, tokens))
            out.append(result)
        return out

    # -- life cycle ----------------------------------------------------------------------
    def close(self) -> None:
        """Stop the pipelines. The translator cannot be used afterwards."""
        self._pool.close()

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


def _detailed(raw: str, units: list[Unit] | None, offset: int,
              strip_marks: bool) -> tuple[str, list[Token]]:
    """Text and tokens of one answer; ``offset`` is where it starts in its segment."""
    spans: dict[int, tuple[int, int]] = {}
    text = decode_text(raw, strip_marks=strip_marks, spans=spans)
    if units is None:  # no generation step (nn→nb): words only
        return text, [Token(m.group(), offset + m.start()) for m in _TOKEN.finditer(text)]
    tokens = []
    for i, unit in enumerate(units):
        if i not in spans:
            continue
        s, e = spans[i]
        surface = text[s:e]
        if not surface.strip():
            continue
        changes = []
        if unit.chosen != unit.default:
            changes.append(Change("profile", unit.forms[unit.default].text,
                                  unit.forms[unit.chosen].text, unit.reason))
        tokens.append(Token(surface, offset + s, None, unit.alternatives, unit.unknown, changes))
    return text, tokens


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
