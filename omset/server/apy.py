"""APy's other routes: ``/translateDoc``, ``/analyze``, ``/generate``, ``/calcCoverage``,
``/pipedebug`` and ``/stats`` (``/translate``, ``/listPairs``, ``/identifyLang``: compat).

Each takes what APy takes (query or form, GET or POST) and answers in APy's shape —
errors too, and JSONP with a ``callback`` — so APy's own test suite's requests get
APy's answers (tests/integration/test_apy.py compares them with a real APy and with the
Apertium CLI). ``/translatePage`` is not provided: it makes the server fetch any URL a
client names (docs/service.md, "Compatibility").
"""

from __future__ import annotations

import time
import zipfile
from io import BytesIO
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from .. import formats
from ..engine import Engine
from ..errors import UnsupportedLanguage
from ..languages import normalize
from . import morph, pipedebug
from .auth import require_key
from .compat import apy_mode, apy_translator, request_params
from .documents import content_disposition, output_name
from .errors import ApiError
from .jsonp import apy_json
from .limits import check_text, read_multipart
from .service import Service
from .service import service_of as _service

router = APIRouter()

#: language → the engine direction whose helper answers: the source of a direction is
#: what its analyser reads, its target what its generator writes
_ANALYSER_OF = {"nno": ("nn", "nb"), "nob": ("nb", "nn")}
_GENERATOR_OF = {"nno": ("nb", "nn"), "nob": ("nn", "nb")}
#: longest `q` the analysis routes take (characters): a question to one helper process
MAX_CHARS = 100_000
#: zip members that tell the office formats apart (APy sniffs the same way)
_ZIP_MARKERS = {"word/document.xml": "docx"}
_ODT = b"application/vnd.oasis.opendocument.text"


def _language(code: Any) -> str:
    """APy's `lang`: nno/nn or nob/nb (with or without a variant); else not installed."""
    base = str(code or "").strip().split("_", 1)[0]
    try:
        return {"nn": "nno", "nb": "nob"}[normalize(base)]
    except UnsupportedLanguage:
        raise ApiError(400, "That mode is not installed", "apy") from None


async def _engine(svc: Service, direction: tuple[str, str]) -> Engine:
    """The warm engine of a direction (made off the event loop: the first time, it reads
    the mode's stages)."""
    return await svc.run("apy", svc.engines.engine, *direction,
                         deadline=max(svc.settings.timeout, 60.0))


async def _query(request: Request, *, if_empty: str | None = None) -> tuple[dict, str]:
    """The request's parameters and its checked `q`; an empty `q` is the error
    ``if_empty`` where APy refuses one (`/calcCoverage`)."""
    params = await request_params(request, "apy")
    require_key(_service(request).settings, request, "apy")
    q = params.get("q")
    if q is None:
        raise ApiError(400, "Missing argument q", "apy")
    if q == "" and if_empty:
        raise ApiError(400, if_empty, "apy")
    check_text(q, "apy", "q")
    if len(q) > MAX_CHARS:
        raise ApiError(400, f"q is too long: the limit is {MAX_CHARS} characters", "apy")
    return params, q


@router.api_route("/analyze", methods=["GET", "POST"], tags=["compatibility"])
@router.api_route("/analyse", methods=["GET", "POST"], tags=["compatibility"])
async def analyze(request: Request) -> Response:
    """APy's morphological analysis: `[[analyses, surface], …]` for `q` in `lang`
    (nno or nob), e.g. `[["ikkje/ikkje<adv>", "ikkje"]]`."""
    svc = _service(request)
    params, q = await _query(request)
    lang = _language(params.get("lang"))
    engine = await _engine(svc, _ANALYSER_OF[lang])
    units = await svc.run("apy", morph.analyse, engine.ask, q, deadline=svc.deadline(len(q)))
    return apy_json(request, [list(u) for u in units])


@router.api_route("/calcCoverage", methods=["GET", "POST"], tags=["compatibility"])
async def calc_coverage(request: Request) -> Response:
    """APy's coverage: `[share of the words of q the analyser of lang knows]`."""
    svc = _service(request)
    params, q = await _query(request, if_empty="Missing q argument")
    lang = _language(params.get("lang"))
    engine = await _engine(svc, _ANALYSER_OF[lang])
    units = await svc.run("apy", morph.analyse, engine.ask, q, deadline=svc.deadline(len(q)))
    return apy_json(request, [morph.coverage(units)])


@router.api_route("/generate", methods=["GET", "POST"], tags=["compatibility"])
async def generate(request: Request) -> Response:
    """APy's generation: `[[form, unit], …]` for the units `^lemma<tags>$` of `q` (or
    one unit written without `^…$`) in `lang`."""
    svc = _service(request)
    params, q = await _query(request)
    lang = _language(params.get("lang"))
    try:
        units = morph.generation_units(q)
    except ValueError as exc:
        raise ApiError(400, str(exc), "apy") from None
    engine = await _engine(svc, _GENERATOR_OF[lang])
    done = await svc.run("apy", morph.generate, engine.ask, units, deadline=svc.deadline(len(q)))
    return apy_json(request, [list(d) for d in done])


@router.api_route("/pipedebug", methods=["GET", "POST"], tags=["compatibility"])
async def pipe_debug(request: Request) -> Response:
    """APy's pipeline debugger: `q` through each stage of the `langpair`'s Apertium mode,
    `{"output": [q, stream, …each stage…, text], "pipeline": [step, …]}`."""
    svc = _service(request)
    params, q = await _query(request)
    if len(q) > pipedebug.MAX_CHARS:
        raise ApiError(400, f"q is too long for /pipedebug: the limit is "
                            f"{pipedebug.MAX_CHARS} characters", "apy")
    mode = apy_mode(str(params.get("langpair", "")))
    output, pipeline = await svc.run("apy", pipedebug.run, mode, q, svc.settings.timeout * 2,
                                     deadline=svc.settings.timeout * 2 + 5)
    return apy_json(request, {"responseData": {"output": output, "pipeline": pipeline},
                              "responseDetails": None, "responseStatus": 200})


@router.get("/pairprefs", tags=["compatibility"])
async def pair_prefs(request: Request) -> Response:
    """APy's preferences per pair (`prefs` of `/translate`): `{mode: {id: {lang:
    description}}}`, read from Apertium's installed `prefs/*.xml`."""
    from ..engine.modes import mode_preferences

    svc = _service(request)
    return apy_json(request, await svc.run("apy", mode_preferences))


@router.api_route("/stats", methods=["GET", "POST"], tags=["compatibility"])
async def stats(request: Request) -> Response:
    """APy's statistics: uptime, translations per pair, running pipelines per pool, and
    speed over the last `requests` (default 1000) translations of `/translate`."""
    svc = _service(request)
    try:
        requests = int(request.query_params.get("requests", "1000"))
    except ValueError:
        requests = 1000
    s = svc.apy_stats
    running = {name: pool.running for name, pool in svc.engines.pools() if pool.running}
    return apy_json(request, {"responseData": {
        "uptime": int(time.time() - s.started), "useCount": dict(s.use_count),
        "runningPipes": running, "holdingPipes": 0, "periodStats": s.period(requests)},
        "responseDetails": None, "responseStatus": 200})


@router.post("/translateDoc", tags=["compatibility"], response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}},
                              "description": "The translated file."}},
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["langpair", "file"], "properties": {
                     "langpair": {"type": "string", "example": "nob|nno_e"},
                     "file": {"type": "string", "format": "binary"},
                     "markUnknown": {"type": "string", "enum": ["yes", "no"]},
                     "prefs": {"type": "string"},
                     "style": {"type": "string", "description": "omset's extension"},
                 }}}}}})
async def translate_doc(request: Request) -> Response:
    """APy's document translation: a multipart upload (`file`, `langpair`), the
    translated file back. The formats are omset's (docs/formats.md), told by the file
    name's extension, else by content (DOCX, ODT, HTML or plain text)."""
    svc = _service(request)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError(400, "send the document as multipart/form-data with a `file` field",
                       "apy")
    form = await read_multipart(request, "apy")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    require_key(svc.settings, request, "apy", fields.get("api_key", ""))
    mode = apy_mode(fields.get("langpair", ""))
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(400, "Missing argument file", "apy")
    data = await upload.read()
    fmt = document_format(upload.filename, data)
    tr, _, _ = await apy_translator(svc, mode, fields, document=True)
    out = await svc.document("apy", tr, data, fmt)
    svc.metrics.documents.labels(fmt).inc()
    name = output_name(upload.filename, fmt, tr.target)
    return Response(out, media_type=formats.media_type(fmt),
                    headers={"Content-Disposition": content_disposition(name)})


_TEXT_FORMATS = frozenset(formats.FORMATS) - {"docx", "odt"}


def document_format(filename: str | None, data: bytes) -> str:
    """The format of an upload: by its extension when omset knows it, else by its
    content as APy tells it (a zip with a Word or ODF document in it, HTML, text). Binary
    data in a text format is APy's `Invalid file type application/octet-stream`."""
    ext_known = filename is not None and "." in filename and \
        ("." + filename.rsplit(".", 1)[1].lower()) in formats.EXTENSIONS
    if ext_known:
        fmt = formats.detect_format(filename)
        if fmt in _TEXT_FORMATS and not _is_text(data):
            raise ApiError(400, "Invalid file type application/octet-stream", "apy")
        return fmt
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
                for marker, fmt in _ZIP_MARKERS.items():
                    if marker in names:
                        return fmt
                if "mimetype" in names and zf.read("mimetype").strip() == _ODT:
                    return "odt"
        except (zipfile.BadZipFile, OSError, KeyError):
            pass
        raise ApiError(400, "Invalid file type application/zip", "apy")
    if not _is_text(data):
        raise ApiError(400, "Invalid file type application/octet-stream", "apy")
    head = data[:1024].lstrip().lower()
    return "html" if head.startswith((b"<!doctype html", b"<html")) else "text"


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
