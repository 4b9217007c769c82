"""GET /stats/timeline: events and fatalities per day, week or month, by type or actor."""
from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import FilterDep, StoreDep
from ..queries import GroupBy, Interval, timeline
from ..schemas import ErrorOut, Timeline

LOGGER = logging.getLogger(__name__)

__all__ = ["router"]

router = APIRouter(prefix="/stats", tags=["stats"])


@router.get("/timeline", response_model=Timeline, responses={422: {"model": ErrorOut}})
def get_timeline(
    store: StoreDep,
    filters: FilterDep,
    interval: Annotated[Interval, Query()] = "month",
    by: Annotated[GroupBy, Query(description="split by event type, by actor (an event counts for each "
                                             "of its actors), or not at all (key 'all')")] = "event_type",
) -> dict:
    """Counts per period and key over the events matching the filters, oldest period first."""
    rows = timeline(store, filters, interval=interval, by=by)
    return {"data": rows, "count": len(rows)}
