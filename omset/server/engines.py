"""Warm translators shared by all requests: one pipeline pool per direction.

A configuration (direction, style, variant, preferences, unknown-word marks) gets one
:class:`~omset.Translator`, created on first use and kept in a small LRU cache. All
translators of one direction and marking share the pipelines of the first one
(``Translator(share_engine=…)``), so a new style costs a profile, not ~330 MB of
pipelines.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Iterable, Iterator

from ..detect import Detector
from ..engine import Pool
from ..languages import direction
from ..translator import Translator

ConfigKey = tuple[str, str, "str | None", "str | None", tuple[str, ...], bool]


class Engines:
    """Thread-safe factory and cache of translators, plus the one language detector."""

    def __init__(self, *, workers: int | None, timeout: float, default_style: str | None,
                 max_translators: int = 64):
        self.workers = workers
        self.timeout = timeout
        self.default_style = default_style
        self.max_translators = max_translators
        self._lock = threading.Lock()
        self._owners: dict[tuple[str, str, bool], Translator] = {}
        self._cache: OrderedDict[ConfigKey, Translator] = OrderedDict()
        self._detector: Detector | None = None

    def translator(self, source: str, target: str, *, style: str | None = None,
                   variant: str | None = None, prefs: Iterable[str] = (),
                   mark_unknown: bool = False) -> Translator:
        """The warm translator for a configuration (created on first use).

        Raises what :class:`Translator` raises for bad options (UnsupportedLanguage,
        ProfileError, ValueError).
        """
        source, target = direction(source, target, normalise=True)  # nob/nno/no… → one key
        if source == target:  # Nynorsk normalisation: one engine per infinitive
            style, variant = None, variant or "e"
        elif target != "nn":
            style, variant = None, None
        elif style is None:
            style = self.default_style
        key: ConfigKey = (source, target, style, variant, tuple(sorted(set(prefs))), mark_unknown)
        with self._lock:
            tr = self._cache.get(key)
            if tr is not None:
                self._cache.move_to_end(key)
                return tr
            owner_key = (source, target if source != target else f"nn-{variant}", mark_unknown)
            owner = self._owners.get(owner_key)
            tr = Translator(source, target, style=style, variant=variant, prefs=key[4],  # type: ignore[arg-type]
                            mark_unknown=mark_unknown, pool_size=self.workers,
                            timeout=self.timeout, share_engine=owner)
            if owner is None:
                self._owners[owner_key] = tr
            self._cache[key] = tr
            while len(self._cache) > self.max_translators:
                _, old = self._cache.popitem(last=False)
                if old not in self._owners.values():
                    old.close()  # a borrower: frees nothing shared
            return tr

    def detector(self) -> Detector:
        with self._lock:
            if self._detector is None:
                self._detector = Detector(timeout=self.timeout)
            return self._detector

    def pools(self) -> Iterator[tuple[str, Pool]]:
        """Every running pool, named by direction (for health checks and metrics)."""
        with self._lock:
            owners = list(self._owners.items())
        for (source, target, marked), tr in owners:
            name = f"{source}-{target}" + ("-marked" if marked else "")
            for i, pool in enumerate(tr.pools):
                yield name + ("-post" if i else ""), pool

    def restarts(self) -> dict[str, int]:
        return {name: pool.restarts for name, pool in self.pools()}

    def close(self) -> None:
        with self._lock:
            translators = list(self._cache.values()) + list(self._owners.values())
            self._cache.clear()
            self._owners.clear()
            detector, self._detector = self._detector, None
        for tr in translators:
            tr.close()
        if detector is not None:
            detector.close()
