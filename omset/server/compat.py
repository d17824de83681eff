"""Drop-in routes for Apertium APy and LibreTranslate clients.

Both use the path ``/translate``: a request naming a ``langpair`` is APy's (GET or
POST, query or form), anything else is LibreTranslate's (POST, JSON or form). Requests
and answers — errors included — have the shapes those servers use, so a client switches
by changing its base URL.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..errors import UnsupportedLanguage
from ..languages import APERTIUM_CODE, NAMES, normalize
from ..translator import Translator
from .auth import require_key
from .errors import ApiError, Family
from .jsonp import apy_json
from .limits import check_text, read_multipart
from .service import Service
from .service import service_of as _service

router = APIRouter()

#: APy pair names (Apertium's mode names) → (source, target, variant, plain style): the
#: style that gives exactly that mode's output (tested against the `apertium` CLI and
#: APy); ``nno`` is the a-infinitive mode, ``nno_e`` the e-infinitive one.
APY_PAIRS: dict[str, tuple[str, str, str | None, str | None]] = {
    "nob-nno": ("nb", "nn", "a", "apertium"),
    "nob-nno_e": ("nb", "nn", "e", "apertium"),
    "nno-nob": ("nn", "nb", None, "bokmal-konservativ"),
    # Apertium's Nynorsk normalisers, which APy lists for this data too: run whole
    "nno-nno_e": ("nn", "nn", "e", None),
    "nno_e-nno": ("nn", "nn", "a", None),
}
#: what APy calls each language's analyser and generator modes (`/list`; served by
#: the engines' helpers, omset/server/apy.py)
ANALYSERS = {"nob": "nob-morph", "nno": "nno-morph"}
GENERATORS = {"nob": "nob-gener", "nno": "nno-gener"}
#: APy's `markUnknown=no`: only the `*` marks of unknown words go (`#`, `@` stay)
_APY_UNKNOWN = re.compile(r"[*]([^.,;:\t\* ]+)")


async def request_params(request: Request, family: Family) -> dict[str, Any]:
    """Query parameters, then form fields or JSON members (the later win)."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method != "POST":
        return params
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise ApiError(400, f"Invalid JSON format: {exc}", family) from None
        except RecursionError:
            raise ApiError(400, "Invalid JSON format: nested too deeply", family) from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format", family)
        params.update(data)
    elif ctype == "application/x-www-form-urlencoded":
        params.update((await request.form()).items())
    elif ctype == "multipart/form-data":
        form = await read_multipart(request, family, max_files=0)
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


@router.api_route("/translate", methods=["GET", "POST"], tags=["compatibility"])
async def translate(request: Request) -> Response:
    """APy (`langpair`, `q`, `markUnknown`) or LibreTranslate (`q`, `source`, `target`,
    `format`, `api_key`) translation, told apart by `langpair`."""
    params = await request_params(request, "lt")  # APy clients never send JSON
    if "langpair" in params:
        return await _apy_translate(request, params)
    if request.method == "GET":
        raise ApiError(400, "Missing argument langpair", "apy")
    return await _lt_translate(request, params)


# -- APy -----------------------------------------------------------------------------------
def apy_mode(langpair: str) -> str:
    """The installed mode a `langpair` names, as APy finds it: ISO 639-1 codes become
    639-3 (`nb|nn` → `nob-nno`), and a variant that is not installed falls back to the
    mode without it (`nob|nno_x` → `nob-nno`)."""
    parts = langpair.split("|")
    if len(parts) != 2:
        raise ApiError(400, "That pair is invalid, use e.g. eng|spa", "apy")
    codes = [_alpha3(p.strip()) for p in parts]
    mode = "-".join(codes)
    if mode in APY_PAIRS:
        return mode
    for tgt in (codes[1], codes[1].split("_", 1)[0]):
        for src in (codes[0], codes[0].split("_", 1)[0]):
            if f"{src}-{tgt}" in APY_PAIRS:
                return f"{src}-{tgt}"
    raise ApiError(400, "That pair is not installed", "apy")


def _alpha3(code: str) -> str:
    base, sep, variant = code.partition("_")
    try:
        base = APERTIUM_CODE[normalize(base)]
    except UnsupportedLanguage:
        pass
    return base + sep + variant


Post = Callable[[str], str] | None


def apy_marks(mark: bool) -> tuple[Post, str]:
    """APy's treatment of unknown-word marks: kept, or only the `*` marks removed."""
    return (None, "") if mark else (lambda t: _APY_UNKNOWN.sub(r"\1", t), "apy-no-stars")


def apy_config(mode: str, params: dict[str, Any], *,
               document: bool = False) -> tuple[dict[str, Any], Post, str]:
    """The translator configuration of an APy request (the keyword arguments of
    :meth:`Engines.translator`), and what it does to the engine's output.

    Without `style`, exactly Apertium's mode as APy serves it: for text the marks are
    kept, or with `markUnknown=no` only the `*` ones removed (APy's regex); for a
    document (`/translateDoc`, where APy runs `apertium -u`) no marks at all. With
    `style` (omset's extension) that house style, its engine dropping the marks itself
    when `markUnknown=no`."""
    source, target, variant, plain = APY_PAIRS[mode]
    mark = str(params.get("markUnknown", "yes")).lower() in ("yes", "true", "1")
    prefs = [p.strip() for p in str(params.get("prefs", "")).split(",") if p.strip()]
    style = params.get("style") or None
    config: dict[str, Any] = {"source": source, "target": target, "variant": variant,
                              "prefs": prefs}
    if style is None and not document:
        post, name = apy_marks(mark)
        return {**config, "style": plain, "mark_unknown": True}, post, name
    return {**config, "style": style or plain, "mark_unknown": mark}, None, ""


async def apy_translator(svc: Service, mode: str, params: dict[str, Any], *,
                         document: bool = False) -> tuple[Translator, Post, str]:
    """The translator of an APy request (:func:`apy_config`), and its post-processing."""
    config, post, name = apy_config(mode, params, document=document)
    return await svc.translator("apy", **config), post, name


#: the APy modes :func:`warm_up_apy` starts: the two directions APy clients ask for
WARM_APY_MODES = ("nob-nno", "nno-nob")


def warm_up_apy(svc: Service) -> None:
    """Start the pipelines of an APy client's default request (``markUnknown=yes``: an
    engine of its own that keeps the marks) for :data:`WARM_APY_MODES`, so the first
    APy request does not pay their cold start (``omset serve --warm-apy``)."""
    for mode in WARM_APY_MODES:
        config, _, _ = apy_config(mode, {})
        svc.engines.translator(**config).warm_up()


async def _apy_translate(request: Request, params: dict[str, Any]) -> Response:
    svc = _service(request)
    require_key(svc.settings, request, "apy")
    q = params.get("q")
    if q is None:
        raise ApiError(400, "Missing argument q", "apy")
    mode = apy_mode(str(params["langpair"]))
    fmt = "html" if str(params.get("format", "txt")).lower() == "html" else "text"
    tr, post, name = await apy_translator(svc, mode, params)
    started = time.time()
    [text] = await svc.translate_compat("apy", tr, [q], fmt=fmt, post=post, post_name=name)
    svc.apy_stats.note(mode, started, len(str(q)))
    return apy_json(request, {"responseData": {"translatedText": text},
                              "responseDetails": None, "responseStatus": 200})


@router.get("/listPairs", tags=["compatibility"])
@router.get("/list", tags=["compatibility"])
async def list_pairs(request: Request) -> Response:
    """APy's lists: `q=pairs` (the default; `/listPairs` too), `analyzers`,
    `generators`; taggers, spellers and guessers are none."""
    q = request.query_params.get("q", "pairs")
    if q in ("analyzers", "analysers"):
        return apy_json(request, ANALYSERS)
    if q == "generators":
        return apy_json(request, GENERATORS)
    if q in ("taggers", "disambiguators", "spellers", "guessers"):
        return apy_json(request, {})
    if q != "pairs":
        raise ApiError(400, "Expecting q argument to be one of analysers, generators, "
                            "guessers, spellers, disambiguators, or pairs", "apy")
    data = []
    for mode, (s, t, _, _) in APY_PAIRS.items():
        src, tgt = mode.split("-")
        data.append({"sourceLanguage": src, "targetLanguage": tgt})
        if "include_deprecated_codes" in request.query_params:
            data.append({"sourceLanguage": s, "targetLanguage": t})
    return apy_json(request, {"responseData": data, "responseDetails": None,
                              "responseStatus": 200})


@router.api_route("/identifyLang", methods=["GET", "POST"], tags=["compatibility"])
async def identify_lang(request: Request) -> Response:
    """APy's language identification: `{"nob": p, "nno": p}` for the text `q`."""
    svc = _service(request)
    params = await request_params(request, "apy")
    require_key(svc.settings, request, "apy")
    if params.get("q") is None:
        raise ApiError(400, "Missing argument q", "apy")
    [d] = await svc.detect("apy", [params["q"]], field="q")
    return apy_json(request, {"nob": d.nb_score, "nno": d.nn_score})


# -- LibreTranslate ------------------------------------------------------------------------
def _lt_lang(code: Any) -> str:
    try:
        return normalize(str(code))
    except UnsupportedLanguage:
        raise ApiError(400, f"{code} is not supported", "lt") from None


async def _lt_translate(request: Request, params: dict[str, Any]) -> Response:
    svc = _service(request)
    require_key(svc.settings, request, "lt", params.get("api_key", ""))
    q, source, target = params.get("q"), params.get("source"), params.get("target")
    for name, value in (("q", q), ("source", source), ("target", target)):
        if not value:
            raise ApiError(400, f"Invalid request: missing {name} parameter", "lt")
    batch = isinstance(q, list)
    texts: list[Any] = q if isinstance(q, list) else [q]  # JSON values: the service checks each
    fmt = params.get("format")
    fmt = "text" if fmt is None or fmt == "" else fmt
    if fmt not in ("text", "html"):
        raise ApiError(400, f"{fmt} format is not supported", "lt")
    tgt = _lt_lang(target)
    detected: list[dict] | None = None
    if source == "auto":
        found = await svc.detect("lt", texts, field="q")
        # A text that is neither (a number, a name) is taken as already in the target
        # language and comes back as it is, with confidence 0 — as LibreTranslate, which
        # always names a language, never refuses `auto`.
        sources = [tgt if d.language == "und" else d.language for d in found]
        detected = [{"confidence": 0.0 if d.language == "und" else round(d.confidence * 100, 1),
                     "language": src} for d, src in zip(found, sources)]
    else:
        sources = [_lt_lang(source)] * len(texts)
    results: list[str] = [""] * len(texts)
    for src in sorted(set(sources)):
        idx = [i for i, s in enumerate(sources) if s == src]
        if src == tgt:  # text already in the target language comes back as it is
            for i in idx:
                results[i] = check_text(texts[i], "lt", "q")
            continue
        tr = await svc.translator("lt", src, tgt)
        done = await svc.translate_compat("lt", tr, [texts[i] for i in idx], fmt=fmt)
        for i, text in zip(idx, done):
            results[i] = text
    body: dict[str, Any] = {"translatedText": results if batch else results[0]}
    if detected is not None:
        body["detectedLanguage"] = detected if batch else detected[0]
    return JSONResponse(body)


@router.get("/languages", tags=["compatibility"])
async def lt_languages() -> Response:
    """LibreTranslate's language list."""
    return JSONResponse([{"code": c, "name": n, "targets": [o for o in NAMES if o != c]}
                         for c, n in NAMES.items()])


@router.post("/detect", tags=["compatibility"])
async def lt_detect(request: Request) -> Response:
    """LibreTranslate's language detection: candidates, best first (confidence 0–100)."""
    svc = _service(request)
    params = await request_params(request, "lt")
    require_key(svc.settings, request, "lt", params.get("api_key", ""))
    q = params.get("q")
    if not q:
        raise ApiError(400, "Invalid request: missing q parameter", "lt")
    if not isinstance(q, str):
        raise ApiError(400, "q must be a string", "lt")
    [d] = await svc.detect("lt", [q], field="q")
    if d.language == "und":
        return JSONResponse([{"confidence": round(d.confidence * 100, 1), "language": "und"}])
    other = "nn" if d.language == "nb" else "nb"
    other_score = d.nn_score if other == "nn" else d.nb_score
    return JSONResponse([
        {"confidence": round(d.confidence * 100, 1), "language": d.language},
        {"confidence": round(other_score * 100, 1), "language": other}])
