"""Request values checked alike by every route: labels, languages.

A story's id, version and author (and the style name a proofread translation is
stored under) go into the translation memory as given, or are ignored when no memory
is asked for. They must still be what the schema says — no NUL, like every string of a
request (lone surrogates are refused for the whole body by :class:`~.limits.BodyGuard`)
— so a request is refused alike whether or not a field is used. Declared as types here,
so each model says it once and FastAPI answers 400 with the field's name.

Languages: a translation direction must be one (:func:`direction`); a route that only
*looks up* what the memory holds takes any two known languages (:func:`known_languages`), as
nothing is wrong with asking for nb→nb — the memory just holds none — and a schema's
query parameters cannot say that two of them must differ.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from ..errors import OmsetError
from ..languages import Lang, normalize
from ..languages import direction as _direction
from .errors import ApiError


def _no_nul(text: str) -> str:
    if "\0" in text:
        raise ValueError("contains a NUL character")
    return text


#: a free label (a style name stored as given)
Label = Annotated[str, AfterValidator(_no_nul)]
#: a story's id in the memory
DocumentId = Annotated[str, Field(max_length=200), AfterValidator(_no_nul)]
#: a story's version
Version = Annotated[str, Field(max_length=100), AfterValidator(_no_nul)]
#: who proofread it
Author = Annotated[str, Field(max_length=200), AfterValidator(_no_nul)]


def direction(source: str, target: str) -> tuple[Lang, Lang]:
    """A translation direction (nn→nn too: the normaliser), else 400."""
    try:
        return _direction(source, target, normalise=True)
    except OmsetError as exc:
        raise ApiError(400, str(exc)) from None


def known_languages(source: str, target: str) -> tuple[Lang, Lang]:
    """Two known languages, the same or not (a memory look-up), else 400."""
    try:
        return normalize(source), normalize(target)
    except OmsetError as exc:
        raise ApiError(400, str(exc)) from None
