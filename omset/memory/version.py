"""Which engine and profile a translator runs: the stamp put on machine entries.

A machine entry is served only while this stamp is unchanged, so a new Apertium data
release, a new omset (new layers, new learned rules) or another profile/option set never
gets stale machine output from the memory. Read from a Translator's public attributes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from .entry import MachineVersion


@lru_cache(maxsize=8)
def _data_fingerprint(directory: str) -> str:
    """Name, size and modification time of the compiled language data: changes with every
    installed release of apertium-nno-nob."""
    h = hashlib.blake2b(digest_size=6)
    root = Path(directory)
    if root.is_dir():
        for p in sorted(root.glob("*.bin")) + sorted(root.glob("*.mode")):
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{int(st.st_mtime)};".encode())
    return h.hexdigest()


def _apertium_dir() -> str:
    from ..engine.modes import data_dir

    return str(data_dir() / "apertium-nno-nob")


def style_name(translator: Any) -> str:
    """The style a translator writes in ("" when it has no profile, e.g. nn→nb)."""
    profile = getattr(translator, "profile", None)
    return str(getattr(profile, "name", "") or "")


def machine_version(translator: Any) -> MachineVersion:
    """The engine and profile stamp of a :class:`~omset.Translator`."""
    from .. import __version__

    mode = getattr(translator, "mode", "")
    engine = f"omset {__version__}; {mode}; data {_data_fingerprint(_apertium_dir())}"
    profile = getattr(translator, "profile", None)
    glossary = getattr(translator, "glossary", None)
    parts = [profile.to_toml() if profile is not None else "",
             repr(getattr(translator, "variant", None)),
             repr(sorted(getattr(translator, "prefs", ()))),
             repr(getattr(translator, "mark_unknown", False)),
             repr(getattr(translator, "protect", True)),
             repr(getattr(translator, "keep_quoted_titles", False)),
             repr(sorted(getattr(glossary, "terms", {}).items()))]
    digest = hashlib.blake2b("\x00".join(parts).encode(), digest_size=8).hexdigest()
    return MachineVersion(engine=engine, profile=f"{style_name(translator) or '-'} {digest}")
