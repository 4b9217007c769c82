"""GET /events (filtered, paged), GET /events/{event_id} (with claims, mentions and articles), and
POST /events/{event_id}/corrections (an analyst's corrections and verdict, token required)."""
from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ...present import claim_text, claimant_label
from ...records import Event
from ...store import Store
from ...errors import InputError
from ...pipeline import Options
from ...records import Correction
from ..deps import FilterDep, SettingsDep, StoreDep, read_json, require_token
from ..ingest import run_correction
from ..queries import list_events, resolve_event_id, summaries
from ..schemas import CorrectionIn, ErrorOut, EventDetail, EventList

LOGGER = logging.getLogger(__name__)

__all__ = ["router", "DEFAULT_LIMIT", "MAX_LIMIT"]

# Page size: 100 by default, at most 1000 (a map of a province's year fits in one page).
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_model=EventList, responses={422: {"model": ErrorOut}})
def get_events(
    store: StoreDep,
    filters: FilterDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    order: Annotated[Literal["asc", "desc"], Query(description="by event date, then id")] = "asc",
) -> dict:
    """Events matching the filters, a page at a time: `{data, count}` with `count` over all pages."""
    data, count = list_events(store, filters, limit=limit, offset=offset, descending=order == "desc")
    return {"data": data, "count": count}


def _detail(store: Store, event: Event) -> dict:
    (summary,) = summaries([event])
    refs = []
    for article_id in event.article_ids:
        article = store.get_article(article_id)
        if article is not None:
            refs.append({"id": article.id, "title": article.title, "url": article.url,
                         "outlet": article.outlet, "published": article.published})
    return {
        **summary,
        "claims": [{"claim_id": c.claim_id, "kind": c.kind, "n": c.n, "low": c.low, "high": c.high,
                    "qualifier": c.qualifier, "side": c.side, "claimant": c.claimant,
                    "claimant_text": c.claimant_text, "stance": c.stance, "estimated": c.estimated,
                    "article_id": c.article_id, "outlet": c.outlet, "sentence": c.sentence,
                    "start": c.start, "end": c.end, "claimant_label": claimant_label(c),
                    "text": claim_text(c)} for c in event.claims],
        "mentions": [{"article_id": m.article_id, "sentence": m.sentence, "start": m.start, "end": m.end,
                      "trigger": m.trigger, "event_type": m.event_type, "sub_event_type": m.sub_event_type,
                      "stance": m.stance, "claimant": m.claimant, "place_text": m.place_text,
                      "outlet": m.outlet, "background": m.background} for m in event.mentions],
        "merge_reasons": list(event.merge_reasons),
        "articles": refs,
    }


@router.get("/{event_id}", response_model=EventDetail,
            responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}})
def get_event(event_id: str, store: StoreDep) -> dict:
    """One event by id (or a unique prefix of it), with every claim and the sentences behind it."""
    return _detail(store, _find(store, event_id))


@router.post("/{event_id}/corrections", response_model=EventDetail, dependencies=[Depends(require_token)],
             responses={400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                        404: {"model": ErrorOut}, 409: {"model": ErrorOut}, 422: {"model": ErrorOut}})
async def post_corrections(event_id: str, request: Request, settings: SettingsDep, store: StoreDep) -> dict:
    """Correct an event's fields and/or give a verdict, with a note (token required).

    `{"fields": {"fatalities": "35", "date": "2024-05-01"}, "review": "verified", "note": "..."}`.
    Corrections survive later runs, show in the notes and exports, and in GET /changes.
    """
    body = await read_json(request)
    try:
        given = CorrectionIn.model_validate(body)
    except ValidationError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            err.errors(include_url=False, include_input=False, include_context=False)) from err
    event = _find(store, event_id)
    pairs = list(given.fields.items()) + ([("review", given.review)] if given.review else [])
    if not pairs:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "give at least one field or a review")
    corrections = [Correction(event.event_id, field, value, given.note) for field, value in pairs]
    options = Options(db=settings.db, model=settings.model)
    try:
        corrected = await run_in_threadpool(run_correction, store, corrections, options=options)
    except InputError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, err.problem) from err
    return _detail(store, corrected)


def _find(store: Store, event_id: str) -> Event:
    """The event with this id or unique id prefix; 409 for an ambiguous prefix, 404 for none."""
    found, candidates = resolve_event_id(store, event_id)
    if found is None and candidates:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"the id prefix {event_id[:80]!r} matches several events "
                            f"({', '.join(candidates[:5])}); give more characters")
    event = store.get_event(found) if found else None
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no event {event_id[:80]!r}")
    return event
