"""omset: Bokmål ⇄ Nynorsk translation on warm Apertium pipelines.

The public API::

    from omset import Translator
    with Translator("nb", "nn") as tr:
        tr.translate("Vi kommer hjem.")          # 'Vi kjem heim.'
"""

from .model import Markup, Part
from .errors import (EngineError, EngineNotInstalled, EngineTimeout, InputError, OmsetError,
                     UnsupportedLanguage)
from .translator import Translator

__version__ = "0.1.0"

__all__ = ["Translator", "Markup", "Part", "OmsetError", "EngineError", "EngineNotInstalled",
           "EngineTimeout", "InputError", "UnsupportedLanguage", "__version__"]
