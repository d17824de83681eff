"""What every face of the service does with a request: translate or detect, off the
event loop, with a deadline, mapping omset's exceptions to HTTP statuses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..errors import (EngineError, EngineNotInstalled, EngineTimeout, InputError, OmsetError,
                      OptionError)
from ..glossary import Glossary
from ..result import Segment
from ..text.clean import strip_controls
from ..text.segment import pieces
from ..translator import Translator
from .engines import Engines
from .errors import ApiError, Family
from .limits import check_text, run_blocking
from .metrics import ApyStats, Metrics
from .ratelimit import check_chars
from .settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

    from ..memory import Memory
    from ..memory.workflow import MemoryTranslation

FORMATS = ("text", "html", "markdown")


class Service:
    """The shared state of one app: settings, warm engines, a thread pool, metrics."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engines = Engines(workers=settings.workers, timeout=settings.timeout,
                               default_style=settings.style,
                               max_translators=settings.max_translators,
                               deterministic=settings.deterministic)
        # Our own executor: its futures can be abandoned at the deadline (the default
        # anyio pool would keep the request waiting for the thread).
        self.executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="omset-req")
        self.metrics = Metrics(self.engines.restarts)
        self.apy_stats = ApyStats()
        self.memory: Memory | None = None
        if settings.memory:
            from ..memory import Memory

            self.memory = Memory.open(settings.memory)

    async def run(self, family: Family, fn, *args: Any, deadline: float | None = None,
                  **kwargs: Any):
        """Run blocking engine work with the request deadline (default: the settings'
        timeout); omset errors → ApiError."""
        try:
            return await run_blocking(self.executor, deadline or self.settings.timeout,
                                      family, fn, *args, **kwargs)
        except ApiError:
            raise
        except EngineTimeout as exc:
            raise ApiError(504, str(exc), family) from None
        except (EngineError, EngineNotInstalled) as exc:
            raise ApiError(503, str(exc), family) from None
        except (OptionError, InputError) as exc:
            raise ApiError(400, str(exc), family) from None
        # anything else is a bug: the app's handler answers 500 and logs it with the
        # request's id

    async def translator(self, family: Family, source: str, target: str, *,
                         style: str | None = None, variant: str | None = None,
                         prefs: Sequence[str] = (), mark_unknown: bool = False) -> Translator:
        if style is not None:
            from ..style import builtin_names

            # Only built-in names: a request must never make the service read a file.
            if style not in builtin_names():
                raise ApiError(400, f"unknown style {style!r}: built-in styles are "
                                    f"{', '.join(builtin_names())}", family)
        if variant not in (None, "a", "e", "split"):
            raise ApiError(400, "variant must be a, e or split", family)
        # Creating a configuration (a profile; the first time, a pool) is bounded work,
        # not translation: it gets its own, generous deadline.
        return await self.run(family, self.engines.translator, source, target, style=style,
                              variant=variant, prefs=prefs, mark_unknown=mark_unknown,
                              deadline=max(self.settings.timeout, 60.0))

    async def translate(self, family: Family, tr: Translator, texts: Sequence[str], *,
                        fmt: str = "text", detailed: bool = False,
                        glossary: Mapping[str, str] | None = None, field: str = "text"
                        ) -> list[tuple[str, list[Segment] | None]]:
        """Translate texts; with ``detailed`` also their segments (one engine pass).
        ``field`` names the texts in error messages (``q`` for the compatible APIs)."""
        if fmt not in FORMATS:
            raise ApiError(400, f"format must be one of {', '.join(FORMATS)}, not {fmt!r}",
                           family)
        clean = [strip_controls(check_text(t, family, field))[0] for t in texts]
        check_chars(self.settings.char_limit, clean, family)
        self.check_segments(clean, family)
        terms = _glossary(glossary, family)
        self.metrics.words.labels(tr.source, tr.target).inc(sum(len(t.split()) for t in clean))
        limit = self.deadline(sum(len(t) for t in clean))
        if fmt != "text":
            docs = await self.run(family, _translate_markup, tr, clean, fmt, terms,
                                  deadline=limit)
            return [(d, None) for d in docs]
        if not detailed:
            out = await self.run(family, tr.translate_batch, clean, glossary=terms,
                                 deadline=limit)
            return [(t, None) for t in out]
        segs = await self.run(family, tr.translate_detailed, clean, glossary=terms,
                              deadline=limit)
        return [(_full_text(t, s), s) for t, s in zip(clean, segs)]

    async def document(self, family: Family, tr: Translator, data: bytes, fmt: str,
                       glossary: Mapping[str, str] | None = None) -> bytes:
        """Translate a whole document (bytes in, bytes out) in the format ``fmt``."""
        terms = _glossary(glossary, family)
        return await self.run(family, translate_document, tr, data, fmt, terms,
                              deadline=self.deadline(len(data)))

    async def recall(self, family: Family, tr: Translator | MachinePost, texts: Sequence[str], *,
                     glossary: Mapping[str, str] | None = None, document: str = "",
                     version: str = "", exact_only: bool = False, field: str = "text"
                     ) -> list[MemoryTranslation]:
        """Translate texts against the service's translation memory: every proofread
        segment comes back as stored, changed ones repaired, new ones from the engine
        (and stored as machine output). ``exact_only`` (the APy and LibreTranslate
        routes): in-context and exact matches only, and the memory is only read."""
        from ..memory.workflow import EXACT_ONLY, translate_text

        memory = self.require_memory(family)
        clean = [strip_controls(check_text(t, family, field))[0] for t in texts]
        self.check_segments(clean, family)
        terms = _glossary(glossary, family)
        user = tr.using(glossary=terms) if terms else tr
        self.metrics.words.labels(tr.source, tr.target).inc(sum(len(t.split()) for t in clean))
        options: dict[str, Any] = {"store": False, "threshold": EXACT_ONLY} if exact_only else {}

        def run() -> list[MemoryTranslation]:
            return [translate_text(user, memory, t, document=document, version=version,
                                   **options) for t in clean]
        return await self.run(family, run, deadline=self.deadline(sum(map(len, clean))))

    async def translate_compat(self, family: Family, tr: Translator, texts: Sequence[str], *,
                               fmt: str = "text", post: Callable[[str], str] | None = None,
                               post_name: str = "") -> list[str]:
        """What the APy and LibreTranslate routes answer for ``texts`` (field ``q``).

        With a configured memory and plain text, its in-context and exact matches come
        first — a proofread entry byte for byte, a machine entry only under this
        translator's engine and profile stamp — through the memory's one lookup path
        (:func:`omset.memory.workflow.translate_text`), and the memory is only read.
        ``post`` rewrites the engine's output, never a memory entry (APy's removal of
        ``*`` marks); ``post_name`` names it in the machine stamp."""
        if self.memory is not None and fmt == "text":
            user = tr if post is None else MachinePost(tr, post, post_name)
            return [r.text for r in await self.recall(family, user, texts, exact_only=True,
                                                      field="q")]
        done = await self.translate(family, tr, texts, fmt=fmt, field="q")
        return [post(t) if post else t for t, _ in done]

    def require_memory(self, family: Family) -> Memory:
        if self.memory is None:
            raise ApiError(400, "this service has no translation memory "
                                "(start it with `omset serve --memory PATH_OR_URL`)", family)
        return self.memory

    def check_segments(self, texts: Sequence[str], family: Family) -> None:
        """413 for a request of more segments than ``max_segments``, before any work:
        such a request would run past its deadline and be cut off (its work cancelled),
        so it is better refused with the limit named."""
        limit = self.settings.max_segments
        count = 0
        for text in texts:
            count += sum(p.translate for p in pieces(text))
            if count > limit:
                raise ApiError(413, f"too many segments: the limit is {limit} per request "
                                    f"(paragraphs or list items); send the text in parts",
                               family)

    def deadline(self, size: int) -> float:
        """The time limit for ``size`` bytes of input: the configured timeout, plus one
        second per 20 kB so a long document is not cut off like a stuck sentence."""
        return self.settings.timeout + size / 20_000

    async def detect(self, family: Family, texts: Sequence[str], field: str = "text"):
        clean = [strip_controls(check_text(t, family, field))[0] for t in texts]
        det = await self.run(family, self.engines.detector, deadline=max(self.settings.timeout, 60.0))
        return await self.run(family, det.detect_batch, clean)

    def close(self) -> None:
        self.engines.close()
        if self.memory is not None:
            self.memory.close()
        self.executor.shutdown(wait=False, cancel_futures=True)


class MachinePost:
    """A translator whose engine output goes through ``post`` first: what the memory
    workflow, which needs only ``translate_batch`` and the attributes of the machine
    stamp, calls for the APy routes. ``mark_unknown`` carries ``post``'s name, so a
    machine entry stored without it is never served as if it had been through it."""

    def __init__(self, translator: Translator, post: Callable[[str], str], name: str):
        self._translator = translator
        self._post = post
        self.mark_unknown = f"{translator.mark_unknown}+{name}"

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [self._post(t) for t in self._translator.translate_batch(texts)]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translator, name)


def _glossary(terms: Mapping[str, str] | None, family: Family) -> Glossary | None:
    if not terms:
        return None
    if not isinstance(terms, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in terms.items()):
        raise ApiError(400, "glossary must be an object of source term → target term strings",
                       family)
    for k, v in terms.items():
        check_text(k, family, "glossary term")
        check_text(v, family, "glossary term")
    try:
        return Glossary.from_mapping(terms)
    except (OmsetError, ValueError) as exc:
        raise ApiError(400, f"glossary: {exc}", family) from None


def _full_text(source: str, segments: list[Segment]) -> str:
    """The whole translated text from the detailed segments: the spacing between
    segments comes from the source, exactly as :meth:`Translator.translate` keeps it."""
    it = iter(segments)
    return "".join(next(it).text if p.translate else p.text for p in pieces(source))


def _translate_markup(tr: Translator, texts: list[str], fmt: str,
                      glossary: Glossary | None) -> list[str]:
    return [translate_document(tr, t.encode("utf-8"), fmt, glossary).decode("utf-8")
            for t in texts]


def translate_document(tr: Translator, data: bytes, fmt: str,
                       glossary: Glossary | None = None) -> bytes:
    """A document through :mod:`omset.formats` (blocking), with a request's glossary."""
    from .. import formats

    return formats.translate_document(data, fmt, tr, glossary=glossary)


def service_of(request: "Request") -> Service:
    """The service of the app a request came to (every router's one way to it)."""
    return request.app.state.service
