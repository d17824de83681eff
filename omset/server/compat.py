"""Drop-in routes for Apertium APy and LibreTranslate clients.

Both use the path ``/translate``: a request naming a ``langpair`` is APy's (GET or
POST, query or form), anything else is LibreTranslate's (POST, JSON or form). Requests
and answers — errors included — have the shapes those servers use, so a client switches
by changing its base URL.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..errors import UnsupportedLanguage
from ..languages import NAMES, normalize
from .auth import require_key
from .errors import ApiError, Family
from .limits import check_text, read_multipart
from .service import Service

router = APIRouter()

#: APy pair names (mode names) → (source, target, variant). ``nno`` is Apertium's
#: a-infinitive mode, ``nno_e`` its e-infinitive mode.
APY_PAIRS: dict[tuple[str, str], tuple[str, str, str | None]] = {
    ("nob", "nno"): ("nb", "nn", "a"),
    ("nob", "nno_e"): ("nb", "nn", "e"),
    ("nno", "nob"): ("nn", "nb", None),
    # Apertium's Nynorsk normalisers, which APy lists for this data too
    ("nno", "nno_e"): ("nn", "nn", "e"),
    ("nno_e", "nno"): ("nn", "nn", "a"),
}


async def _params(request: Request, family: Family) -> dict[str, Any]:
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


def _service(request: Request) -> Service:
    return request.app.state.service


@router.api_route("/translate", methods=["GET", "POST"], tags=["compatibility"])
async def translate(request: Request) -> Response:
    """APy (`langpair`, `q`, `markUnknown`) or LibreTranslate (`q`, `source`, `target`,
    `format`, `api_key`) translation, told apart by `langpair`."""
    params = await _params(request, "lt")  # APy clients never send JSON
    if "langpair" in params:
        return await _apy_translate(request, params)
    if request.method == "GET":
        raise ApiError(400, "Missing argument langpair", "apy")
    return await _lt_translate(request, params)


# -- APy -----------------------------------------------------------------------------------
def _apy_pair(langpair: str) -> tuple[str, str, str | None]:
    parts = langpair.split("|")
    if len(parts) != 2:
        raise ApiError(400, "That pair is invalid, use e.g. eng|spa", "apy")
    src, tgt = (p.strip().lower() for p in parts)
    if (src, tgt) in APY_PAIRS:
        return APY_PAIRS[(src, tgt)]
    try:  # two-letter and other spellings: nb|nn, nob|nn, …
        s, t = normalize(src), normalize(tgt.removesuffix("_e"))
    except UnsupportedLanguage:
        raise ApiError(400, "That pair is not installed", "apy") from None
    if s == t:
        raise ApiError(400, "That pair is not installed", "apy")
    return s, t, ("e" if tgt.endswith("_e") else None) if t == "nn" else None


async def _apy_translate(request: Request, params: dict[str, Any]) -> Response:
    svc = _service(request)
    require_key(svc.settings, request, "apy")
    q = params.get("q")
    if q is None:
        raise ApiError(400, "Missing argument q", "apy")
    source, target, variant = _apy_pair(str(params["langpair"]))
    mark = str(params.get("markUnknown", "yes")).lower() in ("yes", "true", "1")
    prefs = [p for p in str(params.get("prefs", "")).split(",") if p.strip()]
    fmt = "html" if str(params.get("format", "txt")).lower() == "html" else "text"
    tr = await svc.translator("apy", source, target, style=params.get("style"),
                              variant=variant, prefs=prefs, mark_unknown=mark)
    [(text, _)] = await svc.translate("apy", tr, [q], fmt=fmt, field="q")
    return JSONResponse({"responseData": {"translatedText": text},
                         "responseDetails": None, "responseStatus": 200})


@router.get("/listPairs", tags=["compatibility"])
@router.get("/list", tags=["compatibility"])
async def list_pairs(request: Request) -> Response:
    """APy's list of language pairs (mode names); `/list?q=pairs` is the same."""
    if request.query_params.get("q", "pairs") != "pairs":
        raise ApiError(400, "Expecting q argument to be pairs (the only list omset has)",
                       "apy")
    data = []
    for (src, tgt), (s, t, _) in APY_PAIRS.items():
        data.append({"sourceLanguage": src, "targetLanguage": tgt})
        if "include_deprecated_codes" in request.query_params:
            data.append({"sourceLanguage": s, "targetLanguage": t})
    return JSONResponse({"responseData": data, "responseDetails": None, "responseStatus": 200})


@router.api_route("/identifyLang", methods=["GET", "POST"], tags=["compatibility"])
async def identify_lang(request: Request) -> Response:
    """APy's language identification: `{"nob": p, "nno": p}` for the text `q`."""
    svc = _service(request)
    params = await _params(request, "apy")
    require_key(svc.settings, request, "apy")
    if params.get("q") is None:
        raise ApiError(400, "Missing argument q", "apy")
    [d] = await svc.detect("apy", [params["q"]], field="q")
    return JSONResponse({"nob": d.nb_score, "nno": d.nn_score})


# -- LibreTranslate ------------------------------------------------------------------------
def _lt_lang(code: Any) -> str:
    try:
        return normalize(str(code))
    except UnsupportedLanguage:
        raise ApiError(400, f"{code} is not supported", "lt") from None


async def _lt_translate(request: Request, params: dict[str, Any]) -> Response:
    svc = _service(request)
    require_key(svc.settings, request, "lt", params.get("api_key"))
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
        done = await svc.translate("lt", tr, [texts[i] for i in idx], fmt=fmt, field="q")
        for i, (text, _) in zip(idx, done):
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
    params = await _params(request, "lt")
    require_key(svc.settings, request, "lt", params.get("api_key"))
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
