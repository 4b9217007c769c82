"""GET /export.csv and GET /export.geojson: the filtered ledger as ACLED CSV or GeoJSON."""
from __future__ import annotations

import io
import logging

from fastapi import APIRouter, Response

from ...export import export
from ...store import Store
from ..deps import FilterDep, StoreDep
from ..queries import EventFilter, load_events
from ..schemas import ErrorOut

LOGGER = logging.getLogger(__name__)

__all__ = ["router"]

router = APIRouter(tags=["export"])


def _export(store: Store, filters: EventFilter, fmt: str) -> str:
    events = load_events(store, filters)
    out = io.StringIO(newline="")
    # ACLED has no undated rows: the CSV has them only when the request asks (undated=include|only).
    export(events, fmt, out, include_background=filters.include_background,
           include_undated=filters.undated != "exclude")
    return out.getvalue()


@router.get("/export.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {}}, "description": "ACLED columns, then sitrep's"},
    422: {"model": ErrorOut}})
def export_csv(store: StoreDep, filters: FilterDep) -> Response:
    """The events matching the filters as ACLED-style CSV (all of them: no paging)."""
    return Response(_export(store, filters, "acled-csv"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="sitrep-events.csv"'})


@router.get("/export.geojson", response_class=Response, responses={
    200: {"content": {"application/geo+json": {}}, "description": "a FeatureCollection of points"},
    422: {"model": ErrorOut}})
def export_geojson(store: StoreDep, filters: FilterDep) -> Response:
    """The events matching the filters as a GeoJSON FeatureCollection (events without coordinates left out)."""
    return Response(_export(store, filters, "geojson"), media_type="application/geo+json",
                    headers={"Content-Disposition": 'attachment; filename="sitrep-events.geojson"'})
