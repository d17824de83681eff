"""Exceptions raised by omset. Every one says what went wrong in one sentence."""

from __future__ import annotations


class OmsetError(Exception):
    """Base class of all omset errors."""


class UnsupportedLanguage(OmsetError, ValueError):
    """A language code or direction omset does not translate."""


class EngineNotInstalled(OmsetError):
    """Apertium's nno-nob language data (or Apertium itself) is missing."""


class EngineError(OmsetError):
    """A pipeline failed to answer, even after being restarted."""


class EngineTimeout(EngineError):
    """A pipeline did not answer within its time limit (twice)."""


class InputError(OmsetError, ValueError):
    """Input that cannot be translated as given (e.g. bytes that are not UTF-8)."""
