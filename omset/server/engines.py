"""The service's warm engines and translators.

One :class:`~omset.engine.Engine` per engine key (direction, nn→nn infinitive, unknown-
word marks: :meth:`Engine.key_for`, the one rule for what may share) owns every Apertium
process of that direction; translators — one per configuration (style, variant,
preferences), created on first use and kept in a small LRU cache — all run on it. A new
style costs a profile, not ~330 MB of pipelines, and six styles with agreement on still
hold one generator helper per direction.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Iterable, Iterator

from ..detect import Detector
from ..engine import Engine, EngineKey, Pool
from ..languages import direction
from ..style import load as load_profile
from ..translator import Translator

ConfigKey = tuple[str, str, "str | None", "str | None", tuple[str, ...], bool]


class Engines:
    """Thread-safe owner of the engines, a cache of translators, and the one detector."""

    def __init__(self, *, workers: int | None, timeout: float, default_style: str | None,
                 max_translators: int = 64, deterministic: bool = False):
        self.workers = workers
        self.deterministic = deterministic
        self.timeout = timeout
        self.default_style = default_style
        self.max_translators = max_translators
        self._lock = threading.Lock()
        self._engines: dict[EngineKey, Engine] = {}
        self._cache: OrderedDict[ConfigKey, Translator] = OrderedDict()
        self._detector: Detector | None = None

    def engine(self, source: str, target: str, variant: str | None = None,
               mark_unknown: bool = False) -> Engine:
        """The engine for a direction (started on first use; its pipelines start as
        requests need them)."""
        key = Engine.key_for(source, target, variant, mark_unknown)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = self._engines[key] = Engine(
                    key[0], key[1], variant=key[2], mark_unknown=mark_unknown,
                    pool_size=self.workers, timeout=self.timeout)
            return engine

    def translator(self, source: str, target: str, *, style: str | None = None,
                   variant: str | None = None, prefs: Iterable[str] = (),
                   mark_unknown: bool = False) -> Translator:
        """The warm translator for a configuration (created on first use).

        Raises what :class:`Translator` raises for bad options (OptionError and its
        subclasses).
        """
        source, target = direction(source, target, normalise=True)  # nob/nno/no… → one key
        if source == target:  # Nynorsk normalisation: the infinitive picks the engine
            style = None
        elif target != "nn":
            # a Bokmål style (None: bokmal). A Nynorsk one is ignored here, as before
            # Bokmål styles existed: clients send their nb→nn style with every request.
            variant = None
            if style is not None and load_profile(style).language != target:
                style = None
        elif style is None:
            style = self.default_style
        key: ConfigKey = (source, target, style, variant, tuple(sorted(set(prefs))), mark_unknown)
        with self._lock:
            tr = self._cache.get(key)
            if tr is not None:
                self._cache.move_to_end(key)
                return tr
        engine = self.engine(source, target, variant if source == target else None, mark_unknown)
        tr = Translator(source, target, style=style, variant=variant,  # type: ignore[arg-type]
                        prefs=key[4], mark_unknown=mark_unknown, engine=engine,
                        deterministic=self.deterministic)
        with self._lock:
            tr = self._cache.setdefault(key, tr)
            self._cache.move_to_end(key)
            while len(self._cache) > self.max_translators:
                self._cache.popitem(last=False)  # a translator holds no process: just drop it
            return tr

    def detector(self) -> Detector:
        with self._lock:
            if self._detector is None:
                self._detector = Detector(timeout=self.timeout)
            return self._detector

    def pools(self) -> Iterator[tuple[str, Pool]]:
        """Every running pool, named by direction and role (for health checks and
        metrics): ``nb-nn``, ``nb-nn-post``, ``nb-nn-generator``, ``nn-nn-a`` …"""
        with self._lock:
            engines = list(self._engines.values())
        for e in engines:
            name = f"{e.source}-{e.target}" + (f"-{e.variant}" if e.source == e.target else "") \
                + ("-marked" if e.mark_unknown else "")
            for role, pool in e.pools():
                yield name + ("" if role == "heavy" else f"-{role}"), pool

    def restarts(self) -> dict[str, int]:
        return {name: pool.restarts for name, pool in self.pools()}

    def close(self) -> None:
        with self._lock:
            engines = list(self._engines.values())
            self._engines.clear()
            self._cache.clear()
            detector, self._detector = self._detector, None
        for engine in engines:
            engine.close()
        if detector is not None:
            detector.close()
