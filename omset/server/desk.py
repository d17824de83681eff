"""The web editor's proofreading desk (``/v1/desk/…``), on the service's memory.

The desk edits a story's translation paragraph by paragraph (a paragraph is one line
of the source) and keeps what the proofreader confirmed in the translation memory. These
routes are the few things the plain ``/v1/translate`` and ``/v1/memory`` calls do not
give it:

- ``POST /v1/desk/translate``: paragraphs against the memory *with* the engine's word
  details for machine output (so the desk can mark words and offer forms), and for a
  repaired (fuzzy) paragraph the proofread text it was repaired from (so the desk can
  highlight what changed) — one engine pass, not a memory call plus a detailed one;
- ``POST /v1/desk/approve``: confirmed paragraphs stored as approved entries with their
  real position and neighbours in the story, and a snapshot of the story, so another
  proofreader (or a reload) opens it as it was left; paragraphs the proofreader
  un-confirmed (``retracted``) lose the story's approved entries, so they are never
  served again;
- ``GET /v1/desk/story``: that snapshot, or the latest approved paragraphs of a document
  stored some other way (``omset memory add``);
- ``GET``/``PUT /v1/desk/settings``: the newsroom's shared form choices and glossary.

All need ``omset serve --memory``; ``GET /v1/desk`` says whether there is one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Optional, Sequence

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..text.segment import pieces
from .auth import require_key
from .errors import ApiError
from .fields import Author, DocumentId, Label, Version, direction, known_languages
from .limits import check_text
from .service import _full_text, _glossary
from .service import service_of as _service

if TYPE_CHECKING:  # pragma: no cover
    from ..memory import Memory
    from ..result import Segment
    from ..translator import Translator

router = APIRouter()

#: largest shared settings object (JSON characters): form choices and glossaries are small
MAX_SETTINGS = 200_000
#: most paragraphs in one approve call (a story, not a book)
MAX_PARAGRAPHS = 5000
#: longest run of white space the desk keeps around or between a story's paragraphs
MAX_GAP = 1000

#: the white space before, between and after the paragraphs: white space only (what
#: JavaScript's trim() takes off a paragraph, U+FEFF included), never a paragraph's text
Gap = Annotated[str, Field(max_length=MAX_GAP, pattern="^[\\s\ufeff]*$")]


class DeskTranslateRequest(BaseModel):
    text: list[str] = Field(..., description="Paragraphs, one line each (not blank).")
    source: str = "nb"
    target: str = "nn"
    style: Optional[str] = None
    variant: Optional[str] = None
    glossary: Optional[dict[str, str]] = None
    document_id: Optional[DocumentId] = None
    version: Optional[Version] = None


class ApproveRequest(BaseModel):
    source_paragraphs: list[str] = Field(..., description="Every paragraph of the story.")
    target_paragraphs: list[str] = Field(..., description="Its translation, paragraph by "
                                                          "paragraph.")
    approved: list[Annotated[int, Field(ge=0)]] = Field(
        ..., description="Indexes of the confirmed paragraphs.")
    retracted: list[Annotated[int, Field(ge=0)]] = Field(
        [], description="Indexes of paragraphs whose confirmation the proofreader undid: "
                        "the story's approved entries for their source are removed from "
                        "the memory (every version of the story; other stories keep theirs).")
    source: str = "nb"
    target: str = "nn"
    style: Optional[Label] = None
    document_id: DocumentId = Field(..., min_length=1)
    version: Optional[Version] = None
    author: Optional[Author] = None
    layout: Optional[list[Gap]] = Field(
        None, description="The white space around the paragraphs as the story has it: "
                          "before the first, between each two, after the last (one more "
                          "than there are paragraphs). Kept in the story's snapshot, so "
                          "it reopens with its line breaks; without it, paragraphs are "
                          "a blank line apart.")


def _story_key(source: str, target: str, document: str) -> str:
    return f"story:{source}-{target}:{document}"


@router.get("/v1/desk", tags=["desk"])
async def desk_info(request: Request) -> dict:
    """Whether the service has a translation memory (the desk's shared storage)."""
    return {"memory": _service(request).memory is not None}


@router.post("/v1/desk/translate", tags=["desk"])
async def desk_translate(body: DeskTranslateRequest, request: Request) -> Response:
    """Paragraphs against the memory. Per paragraph: ``text``, ``origin`` (in-context,
    exact, fuzzy, machine), ``score``, ``note``, ``previous`` (for fuzzy: the proofread
    text it was repaired from) and ``segments`` (for machine output: the detailed
    segments of ``/v1/translate``; empty otherwise)."""
    svc = _service(request)
    require_key(svc.settings, request, "omset")
    memory = svc.require_memory("omset")
    for t in body.text:
        check_text(t, "omset", "text")
        if "\n" in t or not t.strip():
            raise ApiError(400, "each desk paragraph must be one line of text, not blank")
    svc.check_segments(body.text, "omset")
    tr = await svc.translator("omset", body.source, body.target, style=body.style,
                              variant=body.variant)
    terms = _glossary(body.glossary, "omset")
    user = tr.using(glossary=terms) if terms else tr
    svc.metrics.words.labels(tr.source, tr.target).inc(sum(len(t.split()) for t in body.text))
    out = await svc.run("omset", recall_detailed, user, memory, body.text,
                        body.document_id or "", body.version or "",
                        deadline=svc.deadline(sum(map(len, body.text))))
    return JSONResponse({"source": tr.source, "target": tr.target, "translations": out})


class _Detailing:
    """A translator whose ``translate_batch`` goes through ``translate_detailed`` and
    keeps the segments: the memory workflow asks for plain text, the desk also wants the
    words of what the engine made, and this way the engine runs once."""

    def __init__(self, translator: Translator):
        self._tr = translator
        self.details: dict[str, list[Segment]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tr, name)

    def translate_batch(self, texts: Sequence[str], **kwargs: Any) -> list[str]:
        done = self._tr.translate_detailed(list(texts), **kwargs)
        for text, segs in zip(texts, done):
            self.details[text] = segs
        return [_full_text(t, s) for t, s in zip(texts, done)]


def recall_detailed(tr: Translator, memory: Memory, texts: list[str], document: str,
                    version: str) -> list[dict[str, Any]]:
    """The desk's paragraphs against the memory (blocking; see :func:`desk_translate`).

    The paragraphs go to the memory as one text, one line each, so a story's paragraphs
    are looked up together and machine output is made in one batch. Machine output is
    not stored (drafts while typing would fill the memory); approved text is, by
    :func:`desk_approve`."""
    from ..memory.workflow import translate_text

    detailing = _Detailing(tr)
    # store=False: what the desk sends while a proofreader types is drafts, not output
    # worth caching; the desk stores what is confirmed (approve)
    # by_line: each paragraph is its own segment(s) — without it, lines that do not end
    # a sentence ("0", "a0") would be joined like a wrapped paragraph, and the segments
    # would not split back into the paragraphs
    result = translate_text(detailing, memory, "\n".join(texts), document=document,
                            version=version, store=False, by_line=True)
    segs = iter(result.segments)
    per_text = [[next(segs) for p in pieces(t, by_line=True) if p.translate] for t in texts]
    # machine output the memory had cached: its words still come from the engine
    missing = sorted({s.source for group in per_text for s in group
                      if s.origin == "machine" and s.source not in detailing.details})
    if missing:
        detailing.translate_batch(missing)
    fuzzy_ids = [s.entry_id for g in per_text for s in g if s.origin == "fuzzy" and s.entry_id]
    previous = memory.by_ids(fuzzy_ids) if fuzzy_ids else {}
    out = []
    for text, group in zip(texts, per_text):
        it = iter(group)
        parts = [next(it) if p.translate else p for p in pieces(text, by_line=True)]
        seg_dicts: list[dict[str, Any]] = []
        for s in group:
            if s.origin == "machine":
                seg_dicts += [d.to_dict() for d in detailing.details.get(s.source, [])]
        worst = min(group, key=lambda s: ["machine", "fuzzy", "exact", "in-context"]
                    .index(s.origin)) if group else None
        fuzzy = [s for s in group if s.origin == "fuzzy"]
        out.append({
            "text": "".join(getattr(p, "text", "") for p in parts),
            "origin": worst.origin if worst else "machine",
            "score": worst.score if worst else None,
            "note": "; ".join(s.note for s in group if s.note),
            "previous": (previous[fuzzy[0].entry_id].target
                         if fuzzy and fuzzy[0].entry_id in previous else None),
            "segments": seg_dicts,
        })
    return out


@router.post("/v1/desk/approve", tags=["desk"])
async def desk_approve(body: ApproveRequest, request: Request) -> Response:
    """Store the confirmed paragraphs of a story as approved (with their position and
    neighbours), withdraw the un-confirmed ones (``retracted``), and store the story as
    the desk left it, for the next reader."""
    from ..memory.entry import Entry
    from ..style import DEFAULT_PROFILE

    svc = _service(request)
    require_key(svc.settings, request, "omset")
    memory = svc.require_memory("omset")
    source, target = direction(body.source, body.target)
    src, tgt = body.source_paragraphs, body.target_paragraphs
    if len(src) != len(tgt):
        raise ApiError(400, f"source_paragraphs has {len(src)} paragraphs and "
                            f"target_paragraphs {len(tgt)}: they must be aligned")
    if len(src) > MAX_PARAGRAPHS:
        raise ApiError(413, f"too many paragraphs: the limit is {MAX_PARAGRAPHS}")
    if body.layout is not None and len(body.layout) != len(src) + 1:
        raise ApiError(400, f"layout has {len(body.layout)} gaps for {len(src)} paragraphs: "
                            "it needs one before each paragraph and one after the last")
    if body.layout is not None and any("\n" not in g for g in body.layout[1:-1]):
        raise ApiError(400, "layout: the gap between two paragraphs must hold a line break "
                            "(a paragraph is one line)")
    for name, indexes in (("approved", body.approved), ("retracted", body.retracted)):
        for i in indexes:
            if not 0 <= i < len(src):
                raise ApiError(400, f"{name} index {i} is not a paragraph of the story")
    both = sorted(set(body.approved) & set(body.retracted))
    if both:
        raise ApiError(400, f"paragraph {both[0]} is both approved and retracted")
    for name, texts in (("source_paragraphs", src), ("target_paragraphs", tgt)):
        for t in texts:
            check_text(t, "omset", name)
            if "\n" in t:
                raise ApiError(400, f"{name}: each paragraph must be one line")
    style = (body.style or svc.settings.style or DEFAULT_PROFILE) if target == "nn" else ""
    version = body.version or ""
    approved = set(body.approved)
    cores = [s.strip() for s in src]
    entries = [Entry(cores[i], tgt[i].strip(), source, target, "approved", style=style,
                     document=body.document_id, doc_version=version, position=i,
                     prev_source=cores[i - 1] if i > 0 else "",
                     next_source=cores[i + 1] if i + 1 < len(cores) else "",
                     author=body.author or "")
               for i in sorted(approved) if cores[i] and tgt[i].strip()]
    story: dict[str, Any] = {"document_id": body.document_id, "version": version,
                             "paragraphs": [{"source": s, "target": t,
                                             "approved": i in approved}
                                            for i, (s, t) in enumerate(zip(src, tgt))]}
    if body.layout is not None:
        story["layout"] = body.layout
    snapshot = json.dumps(story, ensure_ascii=False)

    withdrawn = [cores[i] for i in sorted(set(body.retracted)) if cores[i]]

    def store() -> tuple[int, int]:
        gone = memory.retract(source, target, body.document_id, withdrawn)
        n = memory.add_many(entries)
        memory.set_setting(_story_key(source, target, body.document_id), snapshot)
        return n, gone
    stored, removed = await svc.run("omset", store)
    return JSONResponse({"stored": stored, "approved": len(entries), "retracted": removed})


@router.get("/v1/desk/story", tags=["desk"])
async def desk_story(request: Request,
                     document_id: str = Query(..., min_length=1, max_length=200),
                     version: Optional[str] = None, source: str = "nb",
                     target: str = "nn") -> Response:
    """A story as the desk left it (its last snapshot, with its ``layout`` when the desk
    sent one), or — when no desk stored it, or another version is asked for — the
    approved paragraphs of that version (default: the latest) in the memory. 404 when
    the memory knows nothing of it."""
    svc = _service(request)
    require_key(svc.settings, request, "omset")
    memory = svc.require_memory("omset")
    s, t = known_languages(source, target)

    def load() -> dict[str, Any] | None:
        raw = memory.setting(_story_key(s, t, document_id))
        if raw is not None:
            snap = json.loads(raw)
            if version is None or snap.get("version") == version:
                return snap
        found, entries = memory.document(document_id, s, t, version)
        if not entries:
            return None
        return {"document_id": document_id, "version": found,
                "paragraphs": [{"source": e.source, "target": e.target, "approved": True}
                               for e in entries]}
    story = await svc.run("omset", load)
    if story is None:
        raise ApiError(404, f"no story {document_id!r} in the memory")
    return JSONResponse(story)


@router.get("/v1/desk/settings", tags=["desk"])
async def desk_settings(request: Request) -> Response:
    """The newsroom's shared desk settings (form choices, glossaries): ``{}`` at first."""
    svc = _service(request)
    require_key(svc.settings, request, "omset")
    memory = svc.require_memory("omset")
    raw = await svc.run("omset", memory.setting, "desk")
    return JSONResponse(json.loads(raw) if raw else {})


@router.put("/v1/desk/settings", tags=["desk"])
async def desk_settings_put(body: dict[str, Any], request: Request) -> Response:
    """Replace the shared desk settings (a JSON object; the editor sends ``choices`` and
    ``glossary``). Last write wins."""
    svc = _service(request)
    require_key(svc.settings, request, "omset")
    memory = svc.require_memory("omset")
    raw = json.dumps(body, ensure_ascii=False)
    if len(raw) > MAX_SETTINGS:
        raise ApiError(413, f"settings are limited to {MAX_SETTINGS} characters of JSON")
    check_text(raw, "omset", "settings")
    await svc.run("omset", memory.set_setting, "desk", raw)
    return JSONResponse({"saved": True})
