"""Exceptions raised by omset. Every one says what went wrong in one sentence.

The tree::

    OmsetError                      anything omset refuses or fails at
    ├── OptionError (ValueError)    an option that is not valid: a variant, a style file,
    │   ├── ProfileError            a house-style profile, a glossary, a rule file
    │   ├── GlossaryError
    │   ├── RuleError
    │   └── UnsupportedLanguage     a language code, direction or preference
    ├── InputError (ValueError)     input that cannot be translated as given
    │   └── FormatError             a document that is not valid in its format
    ├── EngineNotInstalled          Apertium's data or programs are missing
    └── EngineError                 an Apertium process failed to answer
        └── EngineTimeout           … within the request's time limit

A caller — the CLI, the service — maps OptionError and InputError to "your request",
EngineNotInstalled and EngineError to "our side"; anything that is not an OmsetError is
a bug.
"""

from __future__ import annotations


class OmsetError(Exception):
    """Base class of all omset errors."""


class OptionError(OmsetError, ValueError):
    """An option that is not valid (a variant, a preference, a profile, a glossary)."""


class UnsupportedLanguage(OptionError):
    """A language code, direction or preference omset does not translate."""


class EngineNotInstalled(OmsetError):
    """Apertium's nno-nob language data (or Apertium itself) is missing."""


class EngineError(OmsetError):
    """An Apertium process failed to answer, even after being restarted."""


class EngineTimeout(EngineError):
    """An Apertium process did not answer a request within the request's time limit."""


class InputError(OmsetError, ValueError):
    """Input that cannot be translated as given (e.g. bytes that are not UTF-8)."""
