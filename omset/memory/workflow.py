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

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..errors import InputError
from ..text.segment import pieces
from . import fuzzy
from .entry import Entry, Origin
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


def _context(cores: list[str], i: int) -> tuple[str, str]:
    return (cores[i - 1] if i > 0 else "", cores[i + 1] if i + 1 < len(cores) else "")


def _repair(translator: Any, cores: list[str], jobs: list[tuple[int, Entry, float]],
            results: list[SegmentResult | None]) -> list[int]:
    """Repair the fuzzy matches into ``results``; return the segments that could not be
    (their result says why; they still need the engine)."""
    if not jobs:
        return []
    failed = []
    repaired = repair_many([(e.source, cores[i], e.target) for i, e, _ in jobs],
                           translator.translate_batch)
    for (i, e, score), r in zip(jobs, repaired):
        if r.text is not None:
            changes = "; ".join(f"{a!r} → {b!r}" for a, b in r.patches)
            results[i] = SegmentResult(cores[i], r.text, "fuzzy", score, e.id, e.origin,
                                       f"patched {changes}")
        else:
            results[i] = SegmentResult(cores[i], "", "machine", None, e.id, e.origin,
                                       f"fuzzy match {score:.0%} with entry #{e.id} not "
                                       f"repaired: {r.reason}")
            failed.append(i)
    return failed


def translate_text(translator: Any, memory: Memory, text: str, *, document: str = "",
                   version: str = "", author: str = "", store: bool = True,
                   by_line: bool = False, threshold: float = fuzzy.THRESHOLD) -> MemoryTranslation:
    """Translate ``text`` with ``translator``, using and filling ``memory``.

    ``document``/``version`` name the text (in-context matches prefer the same
    document); ``store=False`` reads the memory without adding machine entries.
    """
    parts = pieces(text, by_line=by_line)
    cores = [p.text for p in parts if p.translate]
    style = style_name(translator)
    stamp = machine_version(translator)
    results: list[SegmentResult | None] = [None] * len(cores)
    fuzzy_jobs: list[tuple[int, Entry, float]] = []
    for i, core in enumerate(cores):
        prev, nxt = _context(cores, i)
        m = memory.lookup(Query(core, translator.source, translator.target, style=style,
                                machine=stamp, prev_source=prev, next_source=nxt,
                                document=document, threshold=threshold))
        if m is None:
            continue
        if m.kind == "fuzzy":
            fuzzy_jobs.append((i, m.entry, m.score))
        elif m.entry.trusted:
            results[i] = SegmentResult(core, m.entry.target, m.kind, m.score, m.entry.id,
                                       m.entry.origin)
        else:
            results[i] = SegmentResult(core, m.entry.target, "machine", None, m.entry.id,
                                       "machine", "stored output of the same engine and profile")
    # the engine translates the misses while the fuzzy matches are being repaired
    repairing = {i for i, _e, _s in fuzzy_jobs}
    misses = [i for i, r in enumerate(results) if r is None and i not in repairing]
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(translator.translate_batch, [cores[i] for i in misses]) \
            if misses else None
        failed = _repair(translator, cores, fuzzy_jobs, results)
        machine = dict(zip(misses, pending.result())) if pending is not None else {}
    if failed:
        machine.update(zip(failed, translator.translate_batch([cores[i] for i in failed])))
    new: list[Entry] = []
    for i, mt in sorted(machine.items()):
        prev, nxt = _context(cores, i)
        prior = results[i]
        results[i] = SegmentResult(cores[i], mt, "machine", None,
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
    done = [r for r in results if r is not None]
    it = iter(done)
    out_text = "".join(next(it).text if p.translate else p.text for p in parts)
    return MemoryTranslation(out_text, done)


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
