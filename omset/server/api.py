"""The own, versioned API (``/v1/…``), health and metrics. OpenAPI at ``/docs``."""

from __future__ import annotations

from typing import Literal, Optional, Union

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field, StrictBool

from ..languages import NAMES
from ..style import DEFAULT_PROFILE
from .auth import require_key
from .errors import ApiError
from .fields import Author, DocumentId, Label, Version, direction, known_languages
from .limits import check_text
from .service import service_of as _service

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
    # strict: "yes" or 1 is a client's mistake to be told about, not a guess to make
    detailed: StrictBool = Field(True, description="Include segments with per-word details.")
    mark_unknown: StrictBool = Field(False, description="Keep Apertium's * # @ marks.")
    memory: StrictBool = Field(False, description="Use the service's translation memory (plain text "
                                            "only): proofread segments come back as stored, "
                                            "changed ones repaired; `memory` in each "
                                            "translation says where each segment came from.")
    document_id: Optional[DocumentId] = Field(None,
                                              description="With memory: the story's id (in-context "
                                                   "matches prefer the same document).")
    version: Optional[Version] = Field(None,
                                       description="With memory: the story's version.")


class MemoryRequest(BaseModel):
    source_text: str = Field(..., description="The source text, paragraph by paragraph.")
    target_text: str = Field(..., description="Its proofread translation, aligned paragraph by "
                                              "paragraph with the source.")
    source: str = "nb"
    target: str = "nn"
    style: Optional[Label] = Field(None, description="The style the translation is in (nb→nn).")
    document_id: Optional[DocumentId] = None
    version: Optional[Version] = None
    author: Optional[Author] = None


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
    risk: Optional[float] = Field(None, description="0–1: how likely a proofreader edits this "
                                                    "word (nb→nn, nn→nb; docs/risk.md).")
    flagged: bool = Field(False, description="risk passes the model's flag threshold")


class SegmentModel(BaseModel):
    source: str
    text: str
    tokens: list[TokenModel]
    risk: Optional[float] = Field(None, description="0–1 rank: 0.8 = more edits expected than "
                                                    "for 80 % of news sentences (nb→nn, nn→nb).")


class MemorySegmentModel(BaseModel):
    source: str
    text: str
    origin: Literal["in-context", "exact", "fuzzy", "machine"]
    score: Optional[float]
    entry_id: Optional[int]
    note: str


class TranslationModel(BaseModel):
    text: str = Field(..., description="The whole translated text; blank lines kept.")
    segments: list[SegmentModel] = Field(default_factory=list)
    memory: Optional[list[MemorySegmentModel]] = Field(
        None, description="With memory: per segment, where its text came from.")


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
    if body.memory:
        if body.format != "text":
            raise ApiError(400, "memory translates plain text (format: text)")
        recalled = await svc.recall("omset", tr, texts, glossary=body.glossary,
                                    document=body.document_id or "", version=body.version or "")
        translations = [{"text": r.text, "segments": [],
                         "memory": [s.to_dict() for s in r.segments]} for r in recalled]
    else:
        done = await svc.translate("omset", tr, texts, fmt=body.format, detailed=body.detailed,
                                   glossary=body.glossary)
        translations = [{"text": text, "segments": [s.to_dict() for s in segs or ()]}
                        for text, segs in done]
    return JSONResponse({
        "source": tr.source, "target": tr.target,
        "style": tr.profile.name if tr.profile is not None else None,
        "variant": tr.variant if tr.target == "nn" else None,
        "translations": translations,
    })


@router.post("/v1/memory", tags=["memory"])
async def memory_store(body: MemoryRequest, request: Request) -> Response:
    """Store a proofread translation (approved), segment by segment: the next version of
    the story gets these segments back exactly, and changed ones repaired."""
    from ..memory.workflow import store_approved

    svc = _service(request)
    require_key(svc.settings, request, "omset")
    memory = svc.require_memory("omset")
    source, target = direction(body.source, body.target)
    for name, text in (("source_text", body.source_text), ("target_text", body.target_text)):
        check_text(text, "omset", name)
    style = body.style or (svc.settings.style or DEFAULT_PROFILE) if target == "nn" else ""
    stored = await svc.run("omset", store_approved, memory, body.source_text, body.target_text,
                           source_lang=source, target_lang=target, style=style,
                           document=body.document_id or "", version=body.version or "",
                           author=body.author or "")
    return JSONResponse({"stored": stored})


@router.get("/v1/memory/export", tags=["memory"],
            responses={200: {"content": {"application/x-tmx+xml": {}, "text/tab-separated-values": {}}}})
async def memory_export(request: Request, source: str = "nb", target: str = "nn",
                        format: Literal["tmx", "tsv"] = "tmx") -> Response:
    """The memory's human and approved entries of one direction, as TMX 1.4b or TSV."""
    import io

    from ..memory import tabular, tmx

    svc = _service(request)
    require_key(svc.settings, request, "omset")
    memory = svc.require_memory("omset")
    s, t = known_languages(source, target)

    def export() -> str:
        out = io.StringIO()
        entries = memory.entries(s, t, ("human", "approved"))
        if format == "tmx":
            tmx.write(entries, out, s)
        else:
            tabular.write(entries, out)
        return out.getvalue()
    text = await svc.run("omset", export)
    media = "application/x-tmx+xml" if format == "tmx" else "text/tab-separated-values"
    return Response(text.encode("utf-8"), media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="memory.{s}-{t}.{format}"'})


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
    target each is for (nn: nb→nn, nb: nn→nb); ``default`` is nb→nn's;
    ``description_nn`` is the description in Nynorsk (the web editor shows it)."""
    from ..style import DEFAULT_PROFILE, builtin_names, load
    from ..style.profile import DEFAULTS

    default = _service(request).settings.style or DEFAULT_PROFILE
    defaults = {**DEFAULTS, "nn": default}
    out = []
    for name in builtin_names():
        prof = load(name)
        out.append({"name": name, "description": prof.description,
                    "description_nn": prof.description_nn, "language": prof.language,
                    "infinitive": prof.infinitive if prof.language == "nn" else None,
                    "prefs": sorted(prof.prefs),
                    "default": name == defaults[prof.language]})
    return {"default": default, "defaults": defaults, "styles": out}


@router.get("/v1/languages", tags=["omset"])
async def languages() -> dict:
    """Languages and the translation directions between them."""
    return {"languages": [{"code": c, "name": n} for c, n in NAMES.items()],
            "pairs": [{"source": "nb", "target": "nn"}, {"source": "nn", "target": "nb"}]}


#: seconds within which a pool's last answer shows it serves (see :func:`healthz`)
ANSWERED_WITHIN = 5.0


@router.get("/healthz", tags=["operations"])
async def healthz(request: Request) -> Response:
    """200 when every warm direction serves, else 503.

    A direction serves when its pools have a pipeline running and answered a request in
    the last :data:`ANSWERED_WITHIN` seconds — under load they do, and a probe would
    only queue behind the clients' work (13.8 s at a load average of 45) — or else when
    it answers a probe sentence in time; that probe also restarts a pool whose idle
    pipelines have died (they are replaced when next needed)."""
    svc = _service(request)
    pools = {name: {"pipelines": pool.size, "running": pool.running, "restarts": pool.restarts,
                    "alive": pool.alive()}
             for name, pool in svc.engines.pools()}
    try:
        for source, target in svc.settings.warm or (("nb", "nn"),):
            tr = await svc.translator("omset", source, target)
            serving = [p for p in (tr.engine.heavy, tr.engine.post) if p is not None]
            if all(pool.answered_within(ANSWERED_WITHIN) for pool in serving):
                continue
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
