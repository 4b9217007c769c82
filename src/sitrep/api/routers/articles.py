"""GET /articles, GET /articles/{article_id} (text and spans), POST /articles (ingest, token required)."""
from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ...errors import InputError
from ...pipeline import Options
from ..deps import SettingsDep, StoreDep, read_json, require_token
from ..ingest import UPLOAD_SUFFIXES, articles_from_records, articles_from_upload, run_articles, run_retraction
from ..queries import article_spans, list_articles
from ..schemas import ArticleIn, ArticleList, ArticleOut, ErrorOut, IngestResult, RetractIn, RetractResult

LOGGER = logging.getLogger(__name__)

__all__ = ["router", "MAX_UPLOAD_FILES"]

# Files per multipart request: a handful of feeds at once; more is a folder for `sitrep run`.
MAX_UPLOAD_FILES = 20
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

router = APIRouter(prefix="/articles", tags=["articles"])

_RECORDS = TypeAdapter(ArticleIn | list[ArticleIn])

_INGEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": [
                {"$ref": "#/components/schemas/ArticleIn"},
                {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}},
            ]}},
            "multipart/form-data": {"schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary",
                                        "description": f"a {', '.join(UPLOAD_SUFFIXES)} file"}},
                "required": ["file"],
            }},
        },
    },
}


@router.get("", response_model=ArticleList, responses={422: {"model": ErrorOut}})
def get_articles(store: StoreDep,
                 limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
                 offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> dict:
    """The stored articles by id (without their text), a page at a time."""
    data, count = list_articles(store, limit=limit, offset=offset)
    return {"data": data, "count": count}


@router.get("/{article_id}", response_model=ArticleOut, responses={404: {"model": ErrorOut}})
def get_article(article_id: str, store: StoreDep) -> dict:
    """One article: its original text and the sentence spans that produced events and claims.

    The text is untrusted input: show it as text, never as HTML.
    """
    article = store.get_article(article_id)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no article {article_id[:80]!r}")
    return {"id": article.id, "title": article.title, "url": article.url, "outlet": article.outlet,
            "published": article.published, "text": article.text, "spans": article_spans(store, article.id)}


async def _read_request(request: Request, errors: list[InputError]) -> list:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        body = await read_json(request)  # 400 when not JSON
        try:
            records = _RECORDS.validate_python(body)
        except ValidationError as err:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                err.errors(include_url=False, include_input=False, include_context=False)) from err
        records = records if isinstance(records, list) else [records]
        return articles_from_records([r.model_dump() for r in records], errors=errors)
    if kind == "multipart/form-data":
        async with request.form(max_files=MAX_UPLOAD_FILES, max_fields=MAX_UPLOAD_FILES) as form:
            # every file of every field (form.values() would keep one file per field name)
            uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
            if not uploads:
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                    "the form has no file; send the reports as a 'file' field")
            articles = []
            for upload in uploads:
                data = await upload.read()
                articles.extend(articles_from_upload(upload.filename, data, errors=errors))
        return articles
    raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                        "send application/json (an article or a list of them) or multipart/form-data "
                        f"with a file ({', '.join(UPLOAD_SUFFIXES)})")


@router.post("", response_model=IngestResult, dependencies=[Depends(require_token)],
             openapi_extra=_INGEST_BODY,
             responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 413: {"model": ErrorOut},
                        415: {"model": ErrorOut}, 422: {"model": ErrorOut}})
async def post_articles(request: Request, settings: SettingsDep, store: StoreDep) -> dict:
    """Ingest reports (a JSON article, a list of them, or an uploaded file) and merge their events.

    Needs `Authorization: Bearer <token>` with the operator's SITREP_TOKEN; off (403) when
    none is set. Bodies over the limit (SITREP_MAX_BODY_BYTES, default 5 MiB) get 413.
    Sending the same article again changes nothing; an edited text replaces its events.
    """
    errors: list[InputError] = []
    articles = await _read_request(request, errors)
    if not articles:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            {"message": "no readable article in the request", "errors": [str(e) for e in errors]})
    options = Options(db=settings.db, model=settings.model)
    result = await run_in_threadpool(run_articles, articles, options=options, store=store, errors=errors)
    sent = {a.id for a in articles}
    touched = [e for e in result.events if sent.intersection(e.article_ids)]
    return {
        "articles_read": result.articles_read,
        "articles_extracted": result.articles_extracted,
        "articles_unchanged": result.articles_unchanged,
        "article_ids": sorted(sent),
        "event_ids": [e.event_id for e in touched],
        "events": sum(1 for e in touched if not e.background),
        "errors": [str(e) for e in result.errors],
    }


@router.post("/{article_id}/retract", response_model=RetractResult, dependencies=[Depends(require_token)],
             responses={400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                        404: {"model": ErrorOut}, 422: {"model": ErrorOut}})
async def retract_article(article_id: str, request: Request, settings: SettingsDep, store: StoreDep) -> dict:
    """Retract an article (token required): its events are merged again without it, or deleted
    with the reason given; later ingests leave it out. The changes show in GET /changes."""
    body = await read_json(request)
    try:
        reason = RetractIn.model_validate(body).reason
    except ValidationError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            err.errors(include_url=False, include_input=False, include_context=False)) from err
    if store.get_article(article_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no article {article_id[:80]!r}")
    before = {e.event_id for e in store.load_events(include_background=True) if article_id in e.article_ids}
    options = Options(db=settings.db, model=settings.model)
    result = await run_in_threadpool(run_retraction, store, article_id, reason, options=options)
    after = {e.event_id for e in result.events}
    return {"article_id": article_id, "reason": reason.strip(), "events_kept": sorted(before & after),
            "events_deleted": sorted(before - after)}
