"""Language codes and translation directions omset knows."""

from __future__ import annotations

from typing import Literal

from .errors import UnsupportedLanguage

Lang = Literal["nb", "nn"]

_ALIASES: dict[str, Lang] = {
    "nb": "nb", "nob": "nb", "no": "nb", "nb-no": "nb", "nb_no": "nb",
    "nn": "nn", "nno": "nn", "nn-no": "nn", "nn_no": "nn",
}

#: ISO 639-3 codes Apertium uses for each language.
APERTIUM_CODE: dict[Lang, str] = {"nb": "nob", "nn": "nno"}

NAMES: dict[Lang, str] = {"nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk"}


def normalize(code: str) -> Lang:
    """Return the canonical two-letter code for ``code`` (``nob`` -> ``nb``).

    Raises UnsupportedLanguage for anything that is not Bokmål or Nynorsk.
    """
    key = (code or "").strip().lower()
    try:
        return _ALIASES[key]
    except KeyError:
        raise UnsupportedLanguage(
            f"unsupported language {code!r}: use nb/nob (Bokmål) or nn/nno (Nynorsk)"
        ) from None


def direction(source: str, target: str, *, normalise: bool = False) -> tuple[Lang, Lang]:
    """Validate a translation direction; the two languages must differ — except, with
    ``normalise``, Nynorsk to Nynorsk (Apertium's a-/e-infinitive normaliser)."""
    s, t = normalize(source), normalize(target)
    if s == t and not (normalise and s == "nn"):
        raise UnsupportedLanguage(
            f"source and target are both {s!r}: nothing to translate"
            + (" (only Nynorsk can be normalised to Nynorsk)" if normalise else ""))
    return s, t
