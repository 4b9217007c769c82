"""GET /changes: what changed in the ledger since a time (created, updated, deleted), as ACLED serves updates."""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BeforeValidator

from ..deps import StoreDep
from ..queries import summaries
from ..schemas import ChangeList, ErrorOut

LOGGER = logging.getLogger(__name__)

__all__ = ["router", "DEFAULT_LIMIT", "MAX_LIMIT"]

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000

router = APIRouter(prefix="/changes", tags=["changes"])
# A date or an ISO 8601 time; pydantic alone would also read a number as a Unix time.
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?")


def _iso_time(value: object) -> object:
    if value is not None and not (isinstance(value, str) and ISO_TIME.fullmatch(value)):
        raise ValueError("a time must be written YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]")
    return value


_Since = Annotated[dt.datetime | None, BeforeValidator(_iso_time)]


@router.get("", response_model=ChangeList, responses={422: {"model": ErrorOut}})
def get_changes(
    store: StoreDep,
    since: Annotated[_Since, Query(description="only changes after this time (ISO 8601; UTC "
                                                            "unless it has an offset)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict:
    """The ledger's changes after `since`, oldest first: each event created, updated (a new report,
    a retraction, a correction, a verdict) or deleted (with why), and the event as it is now."""
    if since is not None and since.tzinfo is not None:
        since = since.astimezone(dt.timezone.utc).replace(tzinfo=None)
    rows, count = store.changes(since=since, limit=limit, offset=offset)
    ids = sorted({r["event_id"] for r in rows})
    events = [e for e in (store.get_event(i) for i in ids) if e is not None and e.event_id in ids]
    now = {s["event_id"]: s for s in summaries(events)}
    data = [{**r, "changed_at": r["changed_at"].replace(tzinfo=dt.timezone.utc),
             "event": now.get(r["event_id"]) if r["change"] != "deleted" else None} for r in rows]
    return {"data": data, "count": count}
