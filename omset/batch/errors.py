"""Errors of a batch run as a whole (a single bad record is not one: see ``records``)."""

from __future__ import annotations

from ..errors import OmsetError


class BatchError(OmsetError, ValueError):
    """The run cannot start as asked: no such input, a clash of names, an OUTDIR that
    holds a run with other options, a column that is not text."""
