"""The memory's own errors: a store that cannot be opened or used says why in one sentence."""

from __future__ import annotations

from ..errors import OmsetError


class MemoryStoreError(OmsetError):
    """The translation memory cannot be opened or written (corrupt file, bad URL, newer
    schema, unreachable server)."""
