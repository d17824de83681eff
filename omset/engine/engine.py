"""One owner for the Apertium processes of one direction: :class:`Engine`.

An Engine starts, watches, restarts and stops every process a direction needs:

* the **heavy** pool: the mode's stages up to generation (nb→nn), up to just before
  generation (nn→nb), or all of them (nn→nn);
* the **post** pool: what runs after the style layer — post-generation for nb→nn (the
  layer has chosen among the forms the generator offers), the Bokmål generator itself
  for nn→nb (the layer has rewritten the units it generates, omset.style.bokmal);
* **helper** pools, started on first use: the source analyser and the target
  generator that glossary inflection, participle agreement and the Bokmål profiles
  ask single questions of.

Every one of them is a :class:`~omset.engine.pool.Pool`, so every request to any
Apertium process has a deadline and a restart. Between generation and post-generation
the Engine runs the caller's style layer on a small executor of its own — never on a
pipeline's reader thread, whose stalling would let the next request's deadline run out
while the pipeline is healthy.

Whatever differs between house styles (the chooser, rules, glossary, protection) is not
here: it lives in a :class:`~omset.Translator`, and any number of translators of one
direction share one Engine (:meth:`Engine.key` says which may).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterator

from ..errors import EngineError, OptionError
from ..languages import direction
from .cancel import link, settle
from .modes import generator_stage, lt_proc, mode_name, pipeline_command
from .pool import Pool
from .transport import Transport, pipes

__all__ = ["Engine", "EngineKey", "StyleLayer"]

#: what decides whether two translators may share an Engine
EngineKey = tuple[str, str, str, bool]
#: the style layer between generation and post-generation: generated stream in,
#: (stream for post-generation, anything the caller wants back) out
StyleLayer = Callable[[str], "tuple[str, Any]"]

_ANALYSERS = {"nb": "nob-nno.automorf.bin", "nn": "nno-nob.automorf.bin"}
_GENERATORS = {"nn": "nob-nno.autogen.bin", "nb": "nno-nob.autogen.bin"}


class Engine:
    """The warm Apertium processes of one direction and unknown-word setting.

    >>> with Engine("nb", "nn") as engine:
    ...     Translator("nb", "nn", engine=engine).translate("Hei.")  # doctest: +SKIP

    Args:
        source, target: ``nb``/``nn`` (or ``nob``/``nno``).
        variant: for nn→nn only, the infinitive Apertium normalises to (``a``/``e``);
            the other directions choose the infinitive in the style layer.
        mark_unknown: the generator keeps Apertium's ``*``/``#``/``@`` marks.
        pool_size: most heavy pipelines (default: CPU cores); they start as work needs.
        timeout: seconds a pipeline may take on a request (plus 1 s per KiB).
        helper_timeout: the same for the helper processes' single questions.
        transport: what starts the processes (:mod:`omset.engine.transport`; the
            seam tests use to put stand-ins in place of Apertium's programs).
    """

    def __init__(self, source: str = "nb", target: str = "nn", *, variant: str | None = None,
                 mark_unknown: bool = False, pool_size: int | None = None,
                 timeout: float = 20.0, helper_timeout: float = 10.0,
                 transport: Transport = pipes):
        self.key = Engine.key_for(source, target, variant, mark_unknown)
        self.source, self.target, self.variant, self.mark_unknown = self.key
        self.mode = mode_name(self.source, self.target, self.variant)  # type: ignore[arg-type]
        self.timeout = timeout
        self.helper_timeout = helper_timeout
        # nb→nn stops after generation: the style layer chooses among the forms;
        # nn→nb stops before it: nno-nob's generator offers one form per unit, so the
        # layer chooses the unit (gender, lemma) the generator then writes
        self.splits = self.source != self.target
        if (self.source, self.target) == ("nb", "nn"):
            gen = generator_stage(self.mode)
            heavy = pipeline_command(self.mode, mark_unknown, stop=gen + 1)
            post = pipeline_command(self.mode, mark_unknown, start=-1)
        elif self.splits:
            gen = generator_stage(self.mode)
            heavy = pipeline_command(self.mode, mark_unknown, stop=gen)
            post = pipeline_command(self.mode, mark_unknown, start=gen)
        else:
            heavy, post = pipeline_command(self.mode, mark_unknown), None
        self._transport = transport
        self.heavy = transport("heavy", heavy, size=pool_size, timeout=timeout)
        self.post: Pool | None = (transport("post", post, size=1, timeout=timeout)
                                  if post else None)
        self._helpers: dict[str, Pool] = {}
        self._lock = threading.Lock()
        self._style: ThreadPoolExecutor | None = None
        self._closed = False

    @staticmethod
    def key_for(source: str, target: str, variant: str | None = None,
                mark_unknown: bool = False) -> EngineKey:
        """The one rule for sharing: translators whose keys are equal run on the same
        processes. The style, preferences, glossary and rules never matter (they are
        applied in Python or travel with each request); the infinitive matters only for
        nn→nn, where Apertium's own mode does the normalising."""
        s, t = direction(source, target, normalise=True)
        if s == t:
            if variant not in (None, "a", "e"):
                raise OptionError("Nynorsk normalisation has the variants 'a' and 'e'")
            return s, t, variant or "e", mark_unknown
        return s, t, "e", mark_unknown

    # -- translation ----------------------------------------------------------------------
    def submit(self, payload: str, layer: StyleLayer | None = None) -> "Future[tuple[str, Any]]":
        """Send one stream request through the direction's stages.

        The future gets ``(raw answer, extra)``. For a direction that splits (nb→nn,
        nn→nb), ``layer`` turns the heavy stages' stream into what the post stages read and returns
        ``extra`` along with it (the chosen units); it runs on the Engine's style
        executor; without one the stream goes on unchanged. Elsewhere ``layer`` is
        ignored and ``extra`` is None.
        """
        first = self.heavy.submit(payload)
        outer: Future[tuple[str, Any]] = Future()
        link(outer, first)  # cancelling the answer cancels the work
        if self.post is not None and not self.post.running:
            # start post-generation now: it loads while the heavy stages work
            self.post.warm_up()
        if self.post is None:
            first.add_done_callback(lambda f: _forward(f, outer, None))
            return outer
        if layer is None:
            layer = _unchanged
        executor = self._executor()

        def generated(f: Future[str]) -> None:
            if outer.done():  # cancelled by its caller: no style layer, no post-generation
                return
            try:
                executor.submit(self._post_generate, f, layer, outer)
            except RuntimeError:  # the executor was shut down: the engine is closing
                settle(outer, exc=EngineError("the engine has been closed"))

        first.add_done_callback(generated)
        return outer

    def _post_generate(self, f: "Future[str]", layer: StyleLayer,
                       outer: "Future[tuple[str, Any]]") -> None:
        if outer.done():
            return
        try:
            text, extra = layer(f.result())
            second = self.post.submit(text)  # type: ignore[union-attr]
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            settle(outer, exc=exc)
            return
        link(outer, second)
        second.add_done_callback(lambda g: _forward(g, outer, extra))

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise EngineError("the engine has been closed")
            if self._style is None:
                # one thread per heavy pipeline keeps every pipeline's answers moving;
                # the layer is Python (GIL-bound), more threads would only queue
                self._style = ThreadPoolExecutor(max_workers=self.heavy.size,
                                                 thread_name_prefix="omset-style")
            return self._style

    # -- helpers -----------------------------------------------------------------------------
    def helper(self, name: str) -> Pool:
        """A single-stage helper pool, started on first use: ``analyser`` (the source
        language's morphological analyser) or ``generator`` (the target language's
        generator: Nynorsk for nb→nn, Bokmål for nn→nb)."""
        with self._lock:
            if self._closed:
                raise EngineError("the engine has been closed")
            pool = self._helpers.get(name)
            if pool is None:
                if name == "analyser":
                    command = lt_proc("-w -e", _ANALYSERS[self.source])
                elif name == "generator":
                    command = lt_proc("-g", _GENERATORS[self.target])
                else:
                    raise ValueError(f"no helper {name!r}")
                pool = self._helpers[name] = self._transport(
                    name, command, size=1, timeout=self.helper_timeout)
            return pool

    def ask(self, name: str, payload: str) -> str:
        """One question to a helper (see :meth:`helper`), answered within its deadline
        or refused with :class:`~omset.errors.EngineTimeout`."""
        return self.helper(name).run(payload)

    # -- introspection and life cycle --------------------------------------------------------
    def pools(self) -> Iterator[tuple[str, Pool]]:
        """Every pool by role (``heavy``, ``post``, and the helpers started so far)."""
        yield "heavy", self.heavy
        if self.post is not None:
            yield "post", self.post
        with self._lock:
            helpers = list(self._helpers.items())
        yield from helpers

    @property
    def restarts(self) -> int:
        return sum(p.restarts for _, p in self.pools())

    def warm_up(self, pipelines: int | None = None) -> "Engine":
        """Start heavy pipelines now (all of them, or ``pipelines``) and post-generation,
        so their data loads while the caller does other work."""
        self.heavy.warm_up(pipelines)
        if self.post is not None:
            self.post.warm_up()
        return self

    def close(self) -> None:
        """Stop every process; the engine cannot be used afterwards."""
        with self._lock:
            self._closed = True
            style, self._style = self._style, None
            helpers = list(self._helpers.values())
        if style is not None:
            style.shutdown(wait=False)  # queued layers still run; post-generation refuses them
        for pool in (self.heavy, self.post, *helpers):
            if pool is not None:
                pool.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unchanged(stream: str) -> "tuple[str, Any]":
    return stream, None


def _forward(f: "Future[str]", outer: "Future[tuple[str, Any]]", extra: Any) -> None:
    if f.cancelled():
        outer.cancel()
        return
    exc = f.exception()
    if exc is not None:
        settle(outer, exc=exc)
    else:
        settle(outer, (f.result(), extra))
