"""Translating a text against the memory, and storing a proofread text in it.

This is what the CLI (``omset translate --memory``), the library and the service call.
It needs only the Translator's public API (``translate_batch`` and its ``source``,
``target`` and profile), so it works with any translator of that shape.

Per segment (``omset.text.segment.pieces``), best first: an in-context or exact match
from a proofreader comes back byte for byte; a fuzzy one is repaired (:mod:`.repair`)
or, when that is not safe, machine-translated with a note saying so; the rest is
machine-translated in one batch and stored as ``machine`` entries.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from collections.abc import Callable, Sequence
from typing import Any, Literal

from ..errors import InputError
from ..text.segment import Piece, pieces
from . import fuzzy
from .entry import Entry, MachineVersion, Origin
from .repair import repair_many
from .store import Memory, Query
from .version import machine_version, style_name

SegmentOrigin = Literal["in-context", "exact", "fuzzy", "machine"]
#: a ``threshold`` that turns fuzzy matching off: in-context and exact matches only
EXACT_ONLY = 1.01


@dataclass
class SegmentResult:
    """Where one segment's text came from.

    ``origin``: ``in-context`` / ``exact`` (a stored translation as it was stored),
    ``fuzzy`` (a stored translation repaired for the changed words; ``score`` is the
    match), ``machine`` (the engine; ``note`` says when a fuzzy match was found but not
    safely repairable, or when the output is the engine's own stored earlier).
    """

    source: str
    text: str
    origin: SegmentOrigin
    score: float | None = None
    entry_id: int | None = None
    entry_origin: Origin | None = None     # human / approved / machine, for memory hits
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def from_memory(self) -> bool:
        """The text is a stored entry's (as stored, repaired, or the engine's own output
        stored earlier), not a fresh engine translation of the whole segment."""
        return self.origin != "machine" or self.entry_origin == "machine"

    def explain(self) -> str:
        """One line for ``--explain``."""
        what = {"in-context": "in-context match (101 %)", "exact": "exact match (100 %)",
                "fuzzy": f"fuzzy match {self.score:.0%}, repaired" if self.score else "fuzzy",
                "machine": "machine translation"}[self.origin]
        if self.entry_origin and self.origin != "machine":
            what += f", {self.entry_origin} entry #{self.entry_id}"
        return what + (f" ({self.note})" if self.note else "")


@dataclass
class MemoryTranslation:
    """A text translated against the memory: the output and one result per segment."""

    text: str
    segments: list[SegmentResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many segments came from where."""
        return dict(Counter(s.origin for s in self.segments))


def _context(cores: Sequence[str], i: int) -> tuple[str, str]:
    return (cores[i - 1] if i > 0 else "", cores[i + 1] if i + 1 < len(cores) else "")


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """The threads that translate a call's misses while its fuzzy matches are repaired:
    made once (starting a thread per call cost ~7 ms on a loaded machine, on the path of
    every article). A task only waits on the engine, never on another task of this pool,
    so a busy pool delays work but cannot deadlock."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(32, thread_name_prefix="omset-memory")
        return _pool


def _query(translator: Any, cores: Sequence[str], i: int, *, style: str,
           machine: MachineVersion | None, document: str, threshold: float) -> Query:
    """The look-up of segment ``i`` of a document, with its neighbours as context."""
    prev, nxt = _context(cores, i)
    return Query(cores[i], translator.source, translator.target, style=style,
                 machine=machine, prev_source=prev, next_source=nxt, document=document,
                 threshold=threshold)


def approved_matches(translator: Any, memory: Memory, cores: Sequence[str], *,
                     document: str = "") -> list[SegmentResult | None]:
    """Per segment of one document, the human/approved translation stored for exactly
    its text (in context or not), or None: no fuzzy matches and no machine output. For
    segments the engine cannot be replaced for wholesale — their text has inline markup
    (:mod:`.documents`) — a proofreader's target is used only as it stands."""
    style = style_name(translator)
    out: list[SegmentResult | None] = []
    for i in range(len(cores)):
        m = memory.lookup(_query(translator, cores, i, style=style, machine=None,
                                 document=document, threshold=EXACT_ONLY))
        out.append(None if m is None or m.kind == "fuzzy" or not m.entry.trusted else
                   SegmentResult(cores[i], m.entry.target, m.kind, m.score, m.entry.id,
                                 m.entry.origin))
    return out


def _repair(translator: Any, documents: Sequence[Sequence[str]],
            jobs: list[tuple[tuple[int, int], Entry, float]],
            results: dict[tuple[int, int], SegmentResult],
            notes: dict[tuple[int, int], SegmentResult]) -> list[tuple[int, int]]:
    """Repair the fuzzy matches into ``results``; return the segments that could not be
    (``notes`` says why; they still need the engine)."""
    if not jobs:
        return []
    failed = []
    repaired = repair_many([(e.source, documents[d][i], e.target) for (d, i), e, _ in jobs],
                           translator.translate_batch)
    for ((d, i), e, score), r in zip(jobs, repaired):
        core = documents[d][i]
        if r.text is not None:
            changes = "; ".join(f"{a!r} → {b!r}" for a, b in r.patches)
            results[d, i] = SegmentResult(core, r.text, "fuzzy", score, e.id, e.origin,
                                          f"patched {changes}")
        else:
            notes[d, i] = SegmentResult(core, "", "machine", None, e.id, e.origin,
                                        f"fuzzy match {score:.0%} with entry #{e.id} not "
                                        f"repaired: {r.reason}")
            failed.append((d, i))
    return failed


def one_request_each(translator: Any) -> Callable[[list[str]], list[str]]:
    """An engine for :func:`translate_segments` that sends each segment as one request,
    as ``translate_parts`` and ``translate_lines`` do (``translate_batch`` would cut a
    segment into paragraphs again): a miss comes out exactly as it would without a
    memory."""
    def translate(texts: list[str]) -> list[str]:
        return ["".join(p if isinstance(p, str) else p.text for p in parts)
                for parts in translator.translate_parts([[t] for t in texts])]
    return translate


def translate_segments(translator: Any, memory: Memory, documents: Sequence[Sequence[str]], *,
                       document: str = "", version: str = "", author: str = "",
                       store: bool = True, threshold: float = fuzzy.THRESHOLD,
                       engine: Callable[[list[str]], list[str]] | None = None,
                       ) -> list[list[SegmentResult]]:
    """Translate segments against the memory: one result per segment, per document.

    ``documents`` holds each document's segments in order (their neighbours are the
    context of in-context matches). Every miss of every document goes to ``engine``
    (default ``translator.translate_batch``) in one batch; fuzzy matches are repaired
    meanwhile. ``threshold`` is the lowest fuzzy score served (:data:`EXACT_ONLY`: none);
    ``store=False`` reads the memory without adding machine entries. This is the one
    path of every caller: texts (:func:`translate_text`), documents
    (:mod:`.documents`) and batch workers.
    """
    translate = engine or translator.translate_batch
    style = style_name(translator)
    stamp = machine_version(translator)
    flat = [(d, i) for d, cores in enumerate(documents) for i in range(len(cores))]
    results: dict[tuple[int, int], SegmentResult] = {}
    fuzzy_jobs: list[tuple[tuple[int, int], Entry, float]] = []
    for d, i in flat:
        cores = documents[d]
        m = memory.lookup(_query(translator, cores, i, style=style, machine=stamp,
                                 document=document, threshold=threshold))
        if m is None:
            continue
        if m.kind == "fuzzy":
            fuzzy_jobs.append(((d, i), m.entry, m.score))
        elif m.entry.trusted:
            results[d, i] = SegmentResult(cores[i], m.entry.target, m.kind, m.score,
                                          m.entry.id, m.entry.origin)
        else:
            results[d, i] = SegmentResult(cores[i], m.entry.target, "machine", None,
                                          m.entry.id, "machine",
                                          "stored output of the same engine and profile")
    # the engine translates the misses while the fuzzy matches are being repaired
    repairing = {at for at, _e, _s in fuzzy_jobs}
    misses = [at for at in flat if at not in results and at not in repairing]
    notes: dict[tuple[int, int], SegmentResult] = {}
    texts = [documents[d][i] for d, i in misses]
    if misses and fuzzy_jobs:
        pending = _background().submit(translate, texts)
        failed = _repair(translator, documents, fuzzy_jobs, results, notes)
        machine = dict(zip(misses, pending.result()))
    else:   # nothing to overlap: no thread hand-off on the one request's path
        failed = _repair(translator, documents, fuzzy_jobs, results, notes)
        machine = dict(zip(misses, translate(texts))) if misses else {}
    if failed:
        machine.update(zip(failed, translate([documents[d][i] for d, i in failed])))
    new: list[Entry] = []
    for (d, i), mt in sorted(machine.items()):
        cores = documents[d]
        prev, nxt = _context(cores, i)
        prior = notes.get((d, i))
        results[d, i] = SegmentResult(cores[i], mt, "machine", None,
                                      prior.entry_id if prior else None,
                                      prior.entry_origin if prior else None,
                                      prior.note if prior else "")
        new.append(Entry(cores[i], mt, translator.source, translator.target, "machine",
                         style=style, engine_version=stamp.engine,
                         profile_version=stamp.profile, document=document,
                         doc_version=version, position=i, prev_source=prev,
                         next_source=nxt, author=author))
    if store and new:
        memory.add_many(new)
    return [[results[d, i] for i in range(len(cores))] for d, cores in enumerate(documents)]


def translate_text(translator: Any, memory: Memory, text: str, *, document: str = "",
                   version: str = "", author: str = "", store: bool = True,
                   by_line: bool = False, threshold: float = fuzzy.THRESHOLD) -> MemoryTranslation:
    """Translate ``text`` with ``translator``, using and filling ``memory``.

    ``document``/``version`` name the text (in-context matches prefer the same
    document); ``store=False`` reads the memory without adding machine entries.
    """
    return translate_texts(translator, memory, [text], document=document, version=version,
                           author=author, store=store, by_line=by_line,
                           threshold=threshold)[0]


def translate_texts(translator: Any, memory: Memory, texts: Sequence[str], *,
                    document: str = "", version: str = "", author: str = "",
                    store: bool = True, by_line: bool = False,
                    threshold: float = fuzzy.THRESHOLD,
                    engine: Callable[[list[str]], list[str]] | None = None,
                    ) -> list[MemoryTranslation]:
    """:func:`translate_text` for several texts at once (all misses in one batch)."""
    return join_pieces(translator, memory, [pieces(text, by_line=by_line) for text in texts],
                       document=document, version=version, author=author, store=store,
                       threshold=threshold, engine=engine)


def join_pieces(translator: Any, memory: Memory, split: Sequence[Sequence[Piece]],
                **options: Any) -> list[MemoryTranslation]:
    """Texts already cut into :class:`Piece` s, translated against the memory
    (``options`` as :func:`translate_segments` takes them) and put back together."""
    done = translate_segments(translator, memory,
                              [[p.text for p in parts if p.translate] for parts in split],
                              **options)
    out = []
    for parts, results in zip(split, done):
        it = iter(results)
        out.append(MemoryTranslation(
            "".join(next(it).text if p.translate else p.text for p in parts), results))
    return out


def store_approved(memory: Memory, source_text: str, target_text: str, *, source_lang: str,
                   target_lang: str, style: str = "", document: str = "", version: str = "",
                   author: str = "", origin: Origin = "approved", by_line: bool = False) -> int:
    """Store a proofread text and its source, segment by segment; return how many entries
    were new. Both texts must have the same segments (paragraphs, or lines with
    ``by_line``); otherwise nothing is stored and :class:`InputError` says where they part.
    """
    if origin == "machine":
        raise ValueError("store_approved stores human or approved translations")
    src = [p.text for p in pieces(source_text, by_line=by_line) if p.translate]
    tgt = [p.text for p in pieces(target_text, by_line=by_line) if p.translate]
    if len(src) != len(tgt):
        raise InputError(f"the source has {len(src)} segments and the translation {len(tgt)}; "
                         "they must be aligned paragraph by paragraph"
                         + (f" (first: {src[0][:40]!r} / {tgt[0][:40]!r})" if src and tgt else ""))
    entries = []
    for i, (s, t) in enumerate(zip(src, tgt)):
        prev, nxt = _context(src, i)
        entries.append(Entry(s, t, source_lang, target_lang, origin, style=style,
                             document=document, doc_version=version, position=i,
                             prev_source=prev, next_source=nxt, author=author))
    return memory.add_many(entries)
