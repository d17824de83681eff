"""The own, versioned API (``/v1/…``), health and metrics. OpenAPI at ``/docs``."""

from __future__ import annotations

from typing import Literal, Optional, Union

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from ..languages import NAMES
from .auth import require_key
from .errors import ApiError
from .service import Service

router = APIRouter()


# -- models (they document the API; responses are built as plain dicts) -------------------
class TranslateRequest(BaseModel):
    text: Union[str, list[str]] = Field(..., description="A text, or a list of texts.")
    source: str = Field("nb", description="nb (Bokmål) or nn (Nynorsk); nob/nno work too.")
    target: str = Field("nn", description="nn or nb.")
    style: Optional[str] = Field(None, description="House style (GET /v1/styles): a Nynorsk one "
                                                   "for nb→nn (default nynorsk-news), a Bokmål "
                                                   "one for nn→nb (default bokmal).")
    variant: Optional[Literal["a", "e", "split"]] = Field(
        None, description="Nynorsk infinitive; default: the style's.")
    prefs: list[str] = Field(default_factory=list,
                             description="Extra Apertium preferences (`omset prefs`).")
    glossary: Optional[dict[str, str]] = Field(
        None, description="Terms that always win: source → target (empty: keep as is).")
    format: Literal["text", "html", "markdown"] = "text"
    detailed: bool = Field(True, description="Include segments with per-word details.")
    mark_unknown: bool = Field(False, description="Keep Apertium's * # @ marks.")


class ChangeModel(BaseModel):
    layer: str
    before: str
    after: str
    reason: str


class TokenModel(BaseModel):
    text: str
    start: int
    source: Optional[str]
    alternatives: list[str]
    unknown: bool
    changed: bool
    changes: list[ChangeModel]


class SegmentModel(BaseModel):
    source: str
    text: str
    tokens: list[TokenModel]


class TranslationModel(BaseModel):
    text: str = Field(..., description="The whole translated text; blank lines kept.")
    segments: list[SegmentModel] = Field(default_factory=list)


class TranslateResponse(BaseModel):
    source: str
    target: str
    style: Optional[str]
    variant: Optional[str]
    translations: list[TranslationModel]


class DetectRequest(BaseModel):
    text: Union[str, list[str]]


class DetectionModel(BaseModel):
    language: Literal["nb", "nn", "und"]
    confidence: float
    nb_score: float
    nn_score: float
    words: int


class DetectResponse(BaseModel):
    detections: list[DetectionModel]


def _service(request: Request) -> Service:
    return request.app.state.service


# -- routes ------------------------------------------------------------------------------
@router.post("/v1/translate", response_model=TranslateResponse, tags=["omset"])
async def translate(body: TranslateRequest, request: Request) -> Response:
    """Translate one text or a list of texts; one item in `translations` per text."""
    svc = _service(request)
    require_key(svc.settings, request, "omset")
    texts = [body.text] if isinstance(body.text, str) else body.text
    tr = await svc.translator("omset", body.source, body.target, style=body.style,
                              variant=body.variant, prefs=body.prefs,
                              mark_unknown=body.mark_unknown)
    done = await svc.translate("omset", tr, texts, fmt=body.format, detailed=body.detailed,
                               glossary=body.glossary)
    return JSONResponse({
        "source": tr.source, "target": tr.target,
        "style": tr.profile.name if tr.profile is not None else None,
        "variant": tr.variant if tr.target == "nn" else None,
        "translations": [{"text": text, "segments": [s.to_dict() for s in segs or ()]}
                         for text, segs in done],
    })


@router.post("/v1/detect", response_model=DetectResponse, tags=["omset"])
async def detect(body: DetectRequest, request: Request) -> Response:
    """Say for each text whether it is Bokmål (nb), Nynorsk (nn) or neither (und)."""
    svc = _service(request)
    require_key(svc.settings, request, "omset")
    texts = [body.text] if isinstance(body.text, str) else body.text
    found = await svc.detect("omset", texts)
    return JSONResponse({"detections": [
        {"language": d.language, "confidence": d.confidence, "nb_score": d.nb_score,
         "nn_score": d.nn_score, "words": d.words} for d in found]})


@router.get("/v1/styles", tags=["omset"])
async def styles(request: Request) -> dict:
    """The built-in house styles (`style` in /v1/translate): ``language`` says which
    target each is for (nn: nb→nn, nb: nn→nb); ``default`` is nb→nn's."""
    from ..style import DEFAULT_PROFILE, builtin_names, load
    from ..style.profile import DEFAULTS

    default = _service(request).settings.style or DEFAULT_PROFILE
    defaults = {**DEFAULTS, "nn": default}
    out = []
    for name in builtin_names():
        prof = load(name)
        out.append({"name": name, "description": prof.description, "language": prof.language,
                    "infinitive": prof.infinitive if prof.language == "nn" else None,
                    "prefs": sorted(prof.prefs),
                    "default": name == defaults[prof.language]})
    return {"default": default, "defaults": defaults, "styles": out}


@router.get("/v1/languages", tags=["omset"])
async def languages() -> dict:
    """Languages and the translation directions between them."""
    return {"languages": [{"code": c, "name": n} for c, n in NAMES.items()],
            "pairs": [{"source": "nb", "target": "nn"}, {"source": "nn", "target": "nb"}]}


@router.get("/healthz", tags=["operations"])
async def healthz(request: Request) -> Response:
    """200 when the warm pipelines answer a probe sentence in time, else 503."""
    svc = _service(request)
    pools = {name: {"pipelines": pool.size, "restarts": pool.restarts, "alive": pool.alive()}
             for name, pool in svc.engines.pools()}
    try:
        for source, target in svc.settings.warm or (("nb", "nn"),):
            tr = await svc.translator("omset", source, target)
            await svc.run("omset", tr.translate_batch, ["Ja."])
    except ApiError as exc:
        return JSONResponse({"status": "unavailable", "error": exc.message, "pools": pools},
                            status_code=503)
    if not all(p["alive"] for p in pools.values()):
        return JSONResponse({"status": "unavailable", "error": "a pool is closed",
                             "pools": pools}, status_code=503)
    return JSONResponse({"status": "ok", "pools": pools})


@router.get("/metrics", tags=["operations"])
async def metrics(request: Request) -> Response:
    """Prometheus metrics (text exposition format)."""
    return Response(generate_latest(_service(request).metrics.registry),
                    media_type=CONTENT_TYPE_LATEST)
