"""omset: Bokmål ⇄ Nynorsk translation on warm Apertium pipelines.

The public API::

    from omset import Translator
    with Translator("nb", "nn") as tr:
        tr.translate("Vi kommer hjem.")          # 'Vi kjem heim.'

Everything a user needs is named in ``__all__``; the rest of the package is internal.
The heavy names (:class:`Translator`, :class:`Engine`) are imported on first use, so
``import omset.errors`` or ``omset --help`` does not start loading the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (EngineError, EngineNotInstalled, EngineTimeout, InputError, OmsetError,
                     OptionError, UnsupportedLanguage)
from .model import Markup, Part

if TYPE_CHECKING:  # pragma: no cover
    from .engine.engine import Engine
    from .result import Change, Segment, Token
    from .translator import Translator

__version__ = "0.1.0"

__all__ = ["Translator", "Engine", "Segment", "Token", "Change", "Markup", "Part",
           "OmsetError", "OptionError", "InputError", "UnsupportedLanguage",
           "EngineNotInstalled", "EngineError", "EngineTimeout", "__version__"]

_LAZY = {"Translator": "translator", "Engine": "engine.engine", "Segment": "result",
         "Token": "result", "Change": "result"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'omset' has no attribute {name!r}")
