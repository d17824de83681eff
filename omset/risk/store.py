"""Engine outputs on disk, so learning and benchmarking translate a corpus only once.

Translating the NorBench train split with ``translate_detailed`` takes minutes; the
risk learner and ``bench/risk.py`` both need the full :class:`~omset.result.Segment`
objects (tokens, alternatives, unknown flags, layer changes), not just the text, so they
are stored as JSON lines. The header records what produced them (the sources, the style
and a fingerprint of the engine code and data), and a cache that does not match is
recomputed rather than trusted.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..result import Change, Segment, Token

FORMAT = "omset-segments/1"
_PACKAGE = Path(__file__).resolve().parents[1]
#: the parts of omset whose change can change a translation (the risk code is not one)
_ENGINE_PARTS = ("translator.py", "result.py", "align.py", "postedit.py", "glossary.py",
                 "languages.py", "engine", "style", "text", "data/rules", "data/names")


def segment_from_dict(d: dict[str, Any]) -> Segment:
    """The inverse of :meth:`Segment.to_dict` (derived keys such as ``changed`` are
    dropped; risk scores are not stored: they are recomputed)."""
    tokens = [Token(t["text"], t["start"], t.get("source"), list(t.get("alternatives", [])),
                    bool(t.get("unknown", False)),
                    [Change(c["layer"], c["before"], c["after"], c["reason"])
                     for c in t.get("changes", [])])
              for t in d.get("tokens", [])]
    return Segment(d["source"], d["text"], tokens)


def engine_fingerprint() -> str:
    """A hash of the engine code and data and of the installed Apertium packages."""
    h = hashlib.sha256()
    for part in _ENGINE_PARTS:
        root = _PACKAGE / part
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*")
                                                     if p.is_file() and "__pycache__" not in p.parts)
        for f in files:
            h.update(str(f.relative_to(_PACKAGE)).encode())
            h.update(f.read_bytes())
    try:
        versions = subprocess.run(["dpkg-query", "-W", "-f", "${Package}=${Version} ",
                                   "apertium", "apertium-nno-nob", "lttoolbox", "cg3"],
                                  check=False, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        versions = "unknown"
    h.update(versions.encode())
    return h.hexdigest()[:16]


def _header(sources: Sequence[str], style: str) -> dict[str, Any]:
    h = hashlib.sha256("\n".join(sources).encode("utf-8")).hexdigest()[:16]
    return {"format": FORMAT, "sources": h, "count": len(sources), "style": style,
            "engine": engine_fingerprint()}


def read(cache: Path, sources: Sequence[str], style: str) -> list[list[Segment]] | None:
    """The stored segments for ``sources``, or None when the cache is absent or was made
    from other sources, another style or another engine."""
    if not cache.is_file():
        return None
    with cache.open(encoding="utf-8") as f:
        try:
            head = json.loads(f.readline())
        except json.JSONDecodeError:
            return None
        if head != _header(sources, style):
            return None
        out = [[segment_from_dict(d) for d in json.loads(line)] for line in f]
    return out if len(out) == len(sources) else None


def write(cache: Path, sources: Sequence[str], style: str, outputs: Sequence[Sequence[Segment]]) -> None:
    """Store ``outputs`` (one list of segments per source) atomically."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(json.dumps(_header(sources, style)) + "\n")
        for segs in outputs:
            f.write(json.dumps([_plain(s) for s in segs], ensure_ascii=False) + "\n")
    tmp.replace(cache)


def _plain(seg: Segment) -> dict[str, Any]:
    d = seg.to_dict()
    d.pop("risk", None)
    for t in d["tokens"]:
        t.pop("changed", None)
        t.pop("risk", None)
    return d


def direction_of(style: str) -> tuple[str, str]:
    """The direction a style translates in: a Bokmål profile (``bokmal``) is nn→nb,
    every other nb→nn. So the style alone (which the cache header records) says which
    engine produced the outputs."""
    from ..style.profile import load

    return ("nn", "nb") if load(style).language == "nb" else ("nb", "nn")


def translated(sources: Sequence[str], style: str, cache: Path | None,
               log: Callable[[str], None] = print, batch: int = 400) -> list[list[Segment]]:
    """``translate_detailed`` of every source (in the direction of ``style``:
    :func:`direction_of`), from ``cache`` when it matches, else computed now (and stored
    when ``cache`` is given)."""
    if cache is not None:
        hit = read(cache, sources, style)
        if hit is not None:
            log(f"engine outputs from {cache}")
            return hit
    from ..translator import Translator

    out: list[list[Segment]] = []
    with Translator(*direction_of(style), style=style) as tr:
        for start in range(0, len(sources), batch):
            out += tr.translate_detailed(list(sources[start:start + batch]))
            log(f"translated {len(out)}/{len(sources)}")
    if cache is not None:
        write(cache, sources, style, out)
    return out
