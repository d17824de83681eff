"""``POST /v1/translate/document``: a file in (multipart ``file``), the translated file out.

The upload is parsed in memory (the body guard has already bounded its size), so no
request ever makes the service write a file.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from .. import formats
from ..formats import FormatError
from .auth import require_key
from .errors import ApiError
from .limits import read_multipart
from .service import Service

router = APIRouter()

_UNSAFE = re.compile(r"[^\w.\- ]+")


def output_name(filename: str | None, fmt: str, target: str) -> str:
    """``artikkel.docx`` → ``artikkel.nn.docx``; only the base name, made harmless."""
    name = PurePath((filename or "").replace("\\", "/")).name
    stem, suffix = (name.rsplit(".", 1) + [""])[:2] if "." in name else (name, "")
    if not suffix:
        suffix = next((ext.lstrip(".") for ext, f in formats.EXTENSIONS.items() if f == fmt),
                      "txt")
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "document"
    return f"{stem}.{target}.{_UNSAFE.sub('_', suffix)}"


def content_disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name)}'


@router.post("/v1/translate/document", tags=["omset"], response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}},
                              "description": "The translated file."}},
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["file"], "properties": {
                     "file": {"type": "string", "format": "binary"},
                     "source": {"type": "string", "default": "nb"},
                     "target": {"type": "string", "default": "nn"},
                     "style": {"type": "string"},
                     "variant": {"type": "string", "enum": ["a", "e", "split"]},
                     "format": {"type": "string", "description": "default: by file name"},
                     "glossary": {"type": "string", "description": "JSON object"},
                 }}}}}})
async def translate_document(request: Request) -> Response:
    """Translate a document (text, HTML, Markdown, DOCX, ODT, subtitles, PO, XLIFF, JSON,
    YAML — whatever `omset.formats` knows); the answer is the file itself."""
    svc: Service = request.app.state.service
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise ApiError(400, "send the document as multipart/form-data with a `file` field")
    form = await read_multipart(request, "omset")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    require_key(svc.settings, request, "omset", fields.get("api_key", ""))
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(400, "missing `file` field (the document to translate)")
    data = await upload.read()
    suffix = PurePath(upload.filename or "").suffix.lower()
    if not fields.get("format") and suffix and suffix not in formats.EXTENSIONS:
        raise ApiError(400, f"unknown file type {suffix!r}: name the format in the `format` "
                            f"field (known: {', '.join(sorted(formats.FORMATS))}) or use "
                            f"one of the endings {', '.join(sorted(formats.EXTENSIONS))}")
    try:
        fmt = formats.detect_format(upload.filename, fields.get("format") or None)
    except FormatError as exc:
        raise ApiError(400, str(exc)) from None
    glossary = None
    if fields.get("glossary"):
        try:
            glossary = json.loads(fields["glossary"])
        except ValueError:
            raise ApiError(400, "glossary must be a JSON object of term → translation") from None
    tr = await svc.translator("omset", fields.get("source") or "nb",
                              fields.get("target") or "nn", style=fields.get("style") or None,
                              variant=fields.get("variant") or None)
    out = await svc.document("omset", tr, data, fmt, glossary)
    svc.metrics.documents.labels(fmt).inc()
    name = output_name(upload.filename, fmt, tr.target)
    return Response(out, media_type=formats.media_type(fmt),
                    headers={"Content-Disposition": content_disposition(name)})
