"""The OpenAPI schema, made to say what the routes really do.

FastAPI derives a schema from the route signatures, which is not the truth here: the
service answers 400 (not 422) for a bad request, and with the error shape of the API
family a route belongs to; many routes read their parameters themselves (the APy and
LibreTranslate routes take query, form or JSON alike), so FastAPI sees none; several
values are only valid in combinations (a style or preference belongs to one direction);
``/metrics`` is Prometheus text. :func:`install` replaces ``app.openapi`` with a
function that builds FastAPI's schema once and corrects it from the running service's
own tables (languages, styles, preferences, settings such as API keys and rate limits),
so a client generator or a fuzzer like Schemathesis can trust it
(tests/integration/test_schemathesis.py checks it with all of Schemathesis's checks).
"""

from __future__ import annotations

import copy
import re
import warnings
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .errors import family_of
from .settings import Settings

#: what every string of a request may not hold: the service refuses NUL everywhere
_NO_NUL = "^[^\\u0000]*$"

_ERRORS = {
    "OmsetError": {"type": "object", "required": ["error", "status"], "properties": {
        "error": {"type": "string"}, "status": {"type": "integer"},
        "request_id": {"type": "string", "description": "also in X-Request-ID"}}},
    "ApyError": {"type": "object", "required": ["status", "code", "message", "explanation"],
                 "properties": {"status": {"const": "error"}, "code": {"type": "integer"},
                                "message": {"type": "string"},
                                "explanation": {"type": "string"}}},
    "LibreTranslateError": {"type": "object", "required": ["error"],
                            "properties": {"error": {"type": "string"}}},
}

_REASONS = {400: "Bad request (the message says what is wrong)", 401: "API key missing",
            403: "API key not accepted", 404: "Not found", 408: "The body stalled",
            413: "Request too large (body, segments or characters)",
            429: "Rate limit: retry after Retry-After seconds", 500: "A bug (request id given)",
            503: "The Apertium pipelines are unavailable", 504: "Time limit passed"}

#: routes that cost work: keys, rate limits and pipeline failures apply to them
_COSTLY = ("/v1/translate", "/v1/translate/document", "/v1/detect", "/v1/memory",
           "/v1/memory/export", "/v1/desk/translate", "/v1/desk/approve", "/v1/desk/story",
           "/v1/desk/settings", "/translate", "/detect", "/identifyLang", "/translateDoc",
           "/analyze", "/analyse", "/generate", "/calcCoverage", "/pipedebug")
#: routes that need a translation memory (``/v1/desk`` itself only says whether there is one)
_MEMORY_ROUTES = ("/v1/memory", "/v1/desk/")

def _api_key(keys: bool) -> dict[str, Any]:
    """LibreTranslate's ``api_key`` member: with keys on, a string (an unknown one is
    403); with keys off it is ignored whatever it is, so it is not described."""
    return {"api_key": {"type": "string", "format": "password"}} if keys else {}


def _form(schema: dict[str, Any]) -> dict[str, Any]:
    """A form version of a JSON body schema: fields are strings, and any other field
    may come along too, but no field name or value may hold NUL (the body is refused)."""
    form = copy.deepcopy(schema)
    form["propertyNames"] = {"pattern": _NO_NUL}
    form["additionalProperties"] = {"type": "string"}
    return form

_LANG = {"nb": ["nb", "nob"], "nn": ["nn", "nno"]}
_DIRECTIONS = (("nb", "nn"), ("nn", "nb"), ("nn", "nn"))


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the corrected schema at ``/openapi.json`` (built on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            with warnings.catch_warnings():  # "Duplicate Operation ID": made unique below
                warnings.simplefilter("ignore")
                schema = get_openapi(title=app.title, version=app.version,
                                     description=app.description, routes=app.routes)
            app.openapi_schema = correct(schema, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def correct(schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """``schema`` (FastAPI's) made truthful; see the module docstring."""
    comps = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        comps.pop(name, None)
    comps.update(copy.deepcopy(_ERRORS))
    if not settings.memory:  # those routes only say "no translation memory" here
        for path in [p for p in schema["paths"] if p.startswith(_MEMORY_ROUTES)]:
            del schema["paths"][path]
    tables = _Tables()
    comps["TranslateRequest"] = _translate_request(comps["TranslateRequest"], tables,
                                                   bool(settings.memory))
    comps["DetectRequest"]["properties"]["text"] = _text_or_texts(min_items=0)
    _memory_models(comps, tables)
    _memory_queries(schema["paths"])
    _compat(schema["paths"], tables, settings.keys_required)
    _apy_text_routes(schema["paths"])
    _metrics(schema["paths"])
    _document(schema["paths"])
    if settings.keys_required:
        schema["components"]["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            op["operationId"] = _operation_id(op.get("operationId", path), method)
            _responses(op, path, method, settings)
    _forbid_nul(schema["paths"])
    _forbid_nul({k: v for k, v in comps.items() if k not in _ERRORS})  # errors may echo it
    return schema


# -- helpers -------------------------------------------------------------------------------
class _Tables:
    """The service's own lists, read once."""

    def __init__(self) -> None:
        from ..style import builtin_names, load
        from ..translator import Translator

        self.styles = {name: load(name).language for name in builtin_names()}
        self.prefs = {d: sorted(Translator.preferences(*d)) for d in _DIRECTIONS}

    def styles_for(self, source: str, target: str) -> list[str]:
        # nb→nn takes a Nynorsk style; nn→nb ignores a Nynorsk one; nn→nn ignores styles
        if (source, target) == ("nb", "nn"):
            return [n for n, lang in self.styles.items() if lang == "nn"]
        return list(self.styles)


def _operation_id(base: str, method: str) -> str:
    """FastAPI names a GET+POST route once for both methods: one id per method."""
    return re.sub(r"_(get|post|put|delete|patch)$", "", base) + "_" + method


def _text_or_texts(min_items: int = 0, min_length: int = 0) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string"}
    if min_length:
        text["minLength"] = min_length
    return {"anyOf": [text, {"type": "array", "items": {"type": "string"},
                             "minItems": min_items}]}


#: HTML input must hold a tag: text without one is refused as "not HTML" (formats/html.py)
#: (blank once control characters are removed, as the service does first, is fine)
_HTML_TEXT = {"type": "string", "allOf": [
    {"pattern": "^[\\s\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$|<[a-zA-Z!/]"},
    {"pattern": _NO_NUL}]}


def _html_needs_tags(field: str, as_list: bool) -> dict[str, Any]:
    """``if format is html then field holds tags`` (JSON Schema ``if``/``then``)."""
    text: dict[str, Any] = copy.deepcopy(_HTML_TEXT)
    if as_list:
        text = {"anyOf": [text, {"type": "array", "items": copy.deepcopy(_HTML_TEXT)}]}
    return {"if": {"properties": {"format": {"const": "html"}}, "required": ["format"]},
            "then": {"properties": {field: text}}}


def _translate_request(base: dict[str, Any], tables: _Tables, memory: bool) -> dict[str, Any]:
    """``TranslateRequest`` with one alternative per direction: its languages, styles,
    variants and preferences. Without a memory, ``memory`` must be false; with one,
    ``memory: true`` needs plain text."""
    props = base["properties"]
    props["text"] = _text_or_texts()
    _glossary(props)
    _directions(base, tables, ("style", "variant", "prefs"))
    base.update(_html_needs_tags("text", as_list=True))
    if memory:
        base["not"] = {"properties": {"memory": {"const": True},
                                      "format": {"enum": ["html", "markdown"]}},
                       "required": ["memory", "format"]}
    else:
        props["memory"] = {**props["memory"], "const": False}
        for name in ("document_id", "version"):
            props.pop(name, None)
    return base


def _glossary(props: dict[str, Any]) -> None:
    """``glossary``: strings to strings; a term is not blank and holds no NUL."""
    props["glossary"] = {"anyOf": [{"type": "object", "additionalProperties": {"type": "string"},
                                    "propertyNames": {"type": "string", "allOf": [
                                        {"pattern": "\\S"}, {"pattern": _NO_NUL}]}},
                                   {"type": "null"}],
                         "description": props["glossary"].get("description", "")}


def _directions(base: dict[str, Any], tables: _Tables, checked: tuple[str, ...]) -> None:
    """A request model's ``source`` and ``target`` as one alternative per direction
    (``anyOf``), with the members in ``checked`` (style, variant, prefs) the route
    checks for that direction: their values in each alternative."""
    props = base["properties"]
    for name in ("source", "target", *checked):
        props[name] = {k: v for k, v in props[name].items() if k in ("description", "title")}
    alternatives = []
    for src, tgt in _DIRECTIONS:
        variants: list[Any] = {"nb": ["a", "e", "split"], "nn": ["a", "e"]}[src] \
            if tgt == "nn" else ["a", "e", "split"]
        each: dict[str, Any] = {
            "style": {"anyOf": [{"enum": tables.styles_for(src, tgt)}, {"type": "null"}]},
            "variant": {"anyOf": [{"enum": variants}, {"type": "null"}]},
            "prefs": {"type": "array", "items": {"enum": tables.prefs[(src, tgt)]}}
            if tables.prefs[(src, tgt)] else {"type": "array", "maxItems": 0}}
        one: dict[str, Any] = {
            "properties": {"source": {"enum": _LANG[src]}, "target": {"enum": _LANG[tgt]},
                           **{name: each[name] for name in checked}},
            "required": [k for k, default in (("source", "nb"), ("target", "nn"))
                         if (src, tgt)[k == "target"] != default]}
        alternatives.append(one)
    base["anyOf"] = alternatives


#: a desk paragraph: one line (desk.py); for the desk's machine translation not blank
_LINE = {"type": "string", "pattern": "^[^\\n\\u0000]*$"}
_LINE_NOT_BLANK = {"type": "string", "allOf": [{"pattern": "^[^\\n\\u0000]*$"},
                                               {"pattern": "\\S"}]}


def _memory_models(comps: dict[str, Any], tables: _Tables) -> None:
    """The memory's and the desk's request bodies: the directions they take, and the
    desk's paragraphs as lines. (A paragraph count that matches, approved indexes
    within the story, and segments that align are beyond a schema: 400 says which.)"""
    for name in ("MemoryRequest", "ApproveRequest"):  # their style is stored as given
        _directions(comps[name], tables, ())
    desk = comps["DeskTranslateRequest"]
    _glossary(desk["properties"])
    _directions(desk, tables, ("style", "variant"))
    desk["properties"]["text"]["items"] = dict(_LINE_NOT_BLANK)
    for side in ("source_paragraphs", "target_paragraphs"):
        comps["ApproveRequest"]["properties"][side]["items"] = dict(_LINE)


def _memory_queries(paths: dict[str, Any]) -> None:
    """Look-ups in the memory take any two known languages (fields.known_languages)."""
    for path in ("/v1/memory/export", "/v1/desk/story"):
        for op in paths.get(path, {}).values():
            for param in op.get("parameters", []):
                if param["name"] in ("source", "target"):
                    param["schema"] = {"enum": _LANG["nb"] + _LANG["nn"],
                                       "default": param["schema"].get("default")}


def _param(name: str, schema: dict[str, Any], description: str, *, required: bool = False,
           where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema,
            "description": description}


def _compat(paths: dict[str, Any], tables: _Tables, keys: bool) -> None:
    """Parameters of the APy and LibreTranslate routes, which read them themselves.
    ``api_key`` is only described when keys are on (else any value is ignored)."""
    pairs = _apy_langpairs()
    styles = tables.styles_for("nb", "nn")
    apy = [
        _param("langpair", {"enum": pairs}, "APy pair (mode name), e.g. nob|nno_e",
               required=True),
        _param("q", {"type": "string"}, "The text to translate.", required=True),
        _param("markUnknown", {"type": "string", "default": "yes"},
               "yes, true or 1: mark unknown words with *; anything else: do not"),
        _param("format", {"type": "string", "default": "txt"},
               "html: the text is HTML; anything else: plain text"),
    ]
    codes = _LANG["nb"] + _LANG["nn"]  # any source to any target: the same language
    lt: dict[str, Any] = {"type": "object", "required": ["q", "source", "target"],  # as is
          "properties": {"q": _text_or_texts(min_items=1, min_length=1),
                         "source": {"enum": codes + ["auto"]},
                         "target": {"enum": codes},
                         "format": {"anyOf": [{"enum": ["text", "html", ""]}, {"type": "null"}],
                                    "default": "text", "description": "empty: text"},
                         **_api_key(keys)},
          **_html_needs_tags("q", as_list=True)}
    lt_form = _form(lt)
    lt_form["properties"]["q"] = {"type": "string", "minLength": 1}
    lt_form["properties"]["format"] = {"enum": ["text", "html", ""], "default": "text"}
    lt_form["properties"].pop("api_key", None)
    lt_form.update(_html_needs_tags("q", as_list=False))
    if "/translate" in paths:
        ops = paths["/translate"]
        if "get" in ops:
            ops["get"]["parameters"] = copy.deepcopy(apy)
            ops["get"]["description"] = (
                "Apertium APy: translate `q` along `langpair`. Also: `prefs` (Apertium "
                "preferences of nb→nn, comma-separated: " + ", ".join(
                tables.prefs[("nb", "nn")]) + ") and, as an extension, `style` (a nb→nn "
                "house style: " + ", ".join(styles) + "); both for nb→nn pairs only.")
        if "post" in ops:
            ops["post"]["description"] = (
                "LibreTranslate (JSON or form: `q`, `source`, `target`, `format`, `api_key`). "
                "APy clients POST the same query parameters as GET as a form instead "
                "(a form with `langpair` is APy's).")
            ops["post"]["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": lt},
                "application/x-www-form-urlencoded": {"schema": lt_form}}}
    q_param = _param("q", {"type": "string"}, "The text.", required=True)
    if "/identifyLang" in paths:
        for op in paths["/identifyLang"].values():
            op["parameters"] = [copy.deepcopy(q_param)]
    for path in ("/list", "/listPairs"):
        if path in paths:
            paths[path]["get"]["parameters"] = [
                _param("q", {"const": "pairs", "default": "pairs"}, "What to list (pairs)"),
                _param("include_deprecated_codes", {"type": "string"},
                       "Also list the two-letter codes")]
    if "/detect" in paths and "post" in paths["/detect"]:
        detect = {"type": "object", "required": ["q"],
                  "properties": {"q": {"type": "string", "minLength": 1},
                                 **_api_key(keys)}}
        paths["/detect"]["post"]["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": detect},
            "application/x-www-form-urlencoded": {"schema": _form(detect)}}}


def _apy_langpairs() -> list[str]:
    """APy's pair names as `/listPairs` gives them (keys of ``APY_PAIRS``: pairs of codes
    or mode names), and the two-letter spellings."""
    from .compat import APY_PAIRS

    names = {"|".join(k) if isinstance(k, tuple) else str(k).replace("-", "|", 1)
             for k in APY_PAIRS}
    return sorted(names) + ["nb|nn", "nn|nb"]


_GEN_CHAR = "(?:\\\\[^\\u0000]|[^$\\\\\\[\\]\\^\\u0000])"
_GEN_UNIT_BODY = f"^{_GEN_CHAR}+$"
_GEN_UNIT = f"\\^{_GEN_CHAR}*\\$"


def _apy_text_routes(paths: dict[str, Any]) -> None:
    """APy's analysis-like routes (when this service has them): `lang` and `q`, or
    `langpair` and `q`."""
    lang = _param("lang", {"enum": ["nob", "nno"]}, "The language (nob or nno)",
                  required=True)
    q = _param("q", {"type": "string"}, "The text.", required=True)
    for path in ("/analyze", "/analyse", "/calcCoverage", "/generate"):
        for op in paths.get(path, {}).values():
            text = copy.deepcopy(q)
            if path == "/calcCoverage":  # APy refuses an empty one there
                text["schema"]["minLength"] = 1
            if path == "/generate":  # units ^lemma<tags>$, or one unit's text (morph.py)
                text["schema"] = {"type": "string", "allOf": [
                    {"pattern": _GEN_UNIT_BODY + "|" + _GEN_UNIT}, {"pattern": _NO_NUL}]}
            op.setdefault("parameters", [copy.deepcopy(lang), text])
    for op in paths.get("/pipedebug", {}).values():
        op.setdefault("parameters", [
            _param("langpair", {"enum": _apy_langpairs()}, "APy pair", required=True),
            copy.deepcopy(q)])
    upload = paths.get("/translateDoc", {}).get("post")
    if upload is not None:
        props = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
        props["langpair"] = {"enum": _apy_langpairs()}
        props.pop("prefs", None)  # nb→nn pairs only: described in the text
        props.pop("style", None)
        props["markUnknown"] = {"type": "string"}
        _translated_file(upload)


def _metrics(paths: dict[str, Any]) -> None:
    from prometheus_client import CONTENT_TYPE_LATEST

    if "/metrics" in paths:
        paths["/metrics"]["get"]["responses"]["200"] = {
            "description": "Prometheus text exposition format",
            "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}


def _translated_file(op: dict[str, Any]) -> None:
    """A document route answers the translated file in its format's media type."""
    from .. import formats

    op["responses"]["200"]["content"] = {
        formats.media_type(fmt): {"schema": {"type": "string", "format": "binary"}}
        for fmt in sorted(formats.FORMATS)}


def _document(paths: dict[str, Any]) -> None:
    """The upload's ``format`` (or its file name's ending) must name a known format."""
    from .. import formats

    op = paths.get("/v1/translate/document", {}).get("post")
    if op is None:
        return
    props = op["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    known = sorted(formats.FORMATS)
    _translated_file(op)
    props["format"] = {"enum": known, "description": "the file's format; default: from its "
                       "name's ending (" + ", ".join(sorted(formats.EXTENSIONS)) + ")"}


def _responses(op: dict[str, Any], path: str, method: str, settings: Settings) -> None:
    responses = op.setdefault("responses", {})
    responses.pop("422", None)
    if path == "/translate":  # APy's when the query names a langpair, else LibreTranslate's
        family_schemas = [{"$ref": "#/components/schemas/ApyError"},
                          {"$ref": "#/components/schemas/LibreTranslateError"}]
    else:
        name = {"omset": "OmsetError", "apy": "ApyError",
                "lt": "LibreTranslateError"}[family_of(path)]
        family_schemas = [{"$ref": f"#/components/schemas/{name}"}]
    error = family_schemas[0] if len(family_schemas) == 1 else {"anyOf": family_schemas}
    statuses = [400, 408, 413, 500]
    if path in _COSTLY:
        statuses += [503, 504]
        if settings.keys_required:
            statuses += [401, 403]
        if settings.req_limit:
            statuses.append(429)
    if path == "/healthz":
        statuses.append(503)
    if path == "/v1/desk/story":  # the memory knows no such story
        statuses.append(404)
    for status in sorted(set(statuses)):
        entry: dict[str, Any] = {"description": _REASONS[status],
                                 "content": {"application/json": {"schema": error}}}
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                "description": "seconds to wait"}}
        responses.setdefault(str(status), entry)
    if settings.keys_required and path in _COSTLY:
        op["security"] = [{"bearer": []}, {"apiKey": []}]


def _forbid_nul(node: Any) -> None:
    """Every free string of a request may not hold NUL (the service refuses it)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not ({"enum", "const", "pattern", "format"} & set(node)):
            node["pattern"] = _NO_NUL
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)
