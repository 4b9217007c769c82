"""Dependencies the routers share: settings, the store, the ingest token and the event filters."""
from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import math
import re
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator

from ..store import Store, Undated
from .queries import EventFilter
from .settings import Settings

LOGGER = logging.getLogger(__name__)

__all__ = ["get_settings", "get_store", "require_token", "event_filter", "read_json", "SettingsDep", "StoreDep",
           "FilterDep", "MAX_TEXT_FILTER"]

# Longest value of a text filter: longer than any place, actor or phrase worth searching for.
MAX_TEXT_FILTER = 200
# Four plain decimal numbers separated by commas (no exponents, NaN or infinity).
_NUMBER = r"\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)\s*"
BBOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

_bearer = HTTPBearer(auto_error=False, description="The operator's SITREP_TOKEN; needed to ingest.")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Store:
    return request.app.state.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]


def require_token(settings: SettingsDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """403 when the operator set no token (ingest is off), 401 unless the bearer token matches it."""
    if not settings.token:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "ingest is disabled: the operator has set no SITREP_TOKEN "
                            "(start the server with --token or SITREP_TOKEN to allow it)")
    given = credentials.credentials if credentials is not None else ""
    if not given or not hmac.compare_digest(given.encode("utf-8"), settings.token.encode("utf-8")):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            "a valid bearer token is required: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})


async def read_json(request: Request) -> object:
    """The request's JSON body; 400 for bytes that are not JSON, of any shape (broken, not UTF-8,
    nested deeper than the parser recurses, a number too long to read)."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "the body is not UTF-8 text; send JSON in UTF-8") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            f"broken JSON ({err.msg} at line {err.lineno}, column {err.colno})") from err
    except (ValueError, RecursionError) as err:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"unreadable JSON ({str(err)[:200]})") from err


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north); latitudes in either order; west > east crosses the antimeridian."""
    if text is None or not text.strip():
        return None
    try:
        west, lat1, east, lat2 = (float(p) for p in text.split(","))
    except ValueError as err:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"bbox must be four numbers 'minlon,minlat,maxlon,maxlat', got {text[:80]!r}") from err
    if not all(math.isfinite(v) for v in (west, lat1, east, lat2)):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "bbox must be four finite numbers")
    return west, min(lat1, lat2), east, max(lat1, lat2)


def _iso_day(value: object) -> object:
    # pydantic would also read a number as a Unix time: only YYYY-MM-DD is a date here.
    if value is not None and not (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        raise ValueError("a date must be written YYYY-MM-DD")
    return value


_Day = Annotated[dt.date | None, BeforeValidator(_iso_day)]


def _text(value: str | None) -> str | None:
    value = value.strip() if value else None
    return value or None



def event_filter(
    date_from: Annotated[_Day, Query(description="first event date (YYYY-MM-DD), inclusive")] = None,
    date_to: Annotated[_Day, Query(description="last event date (YYYY-MM-DD), inclusive")] = None,
    admin1: Annotated[str | None, Query(max_length=MAX_TEXT_FILTER, description="province, any case")] = None,
    admin2: Annotated[str | None, Query(max_length=MAX_TEXT_FILTER, description="district, any case")] = None,
    actor: Annotated[str | None, Query(max_length=MAX_TEXT_FILTER,
                                       description="one of the event's actors, exactly (any case)")] = None,
    event_type: Annotated[str | None, Query(max_length=MAX_TEXT_FILTER)] = None,
    sub_event_type: Annotated[str | None, Query(max_length=MAX_TEXT_FILTER)] = None,
    min_fatalities: Annotated[int | None, Query(ge=0, le=10**9, description="best fatality estimate at least")] = None,
    bbox: Annotated[str | None, Query(max_length=MAX_TEXT_FILTER, pattern=BBOX_PATTERN,
                                      description="minlon,minlat,maxlon,maxlat (RFC 7946: minlon > maxlon "
                                                  "crosses the antimeridian)", examples=["69,34,71,36"])] = None,
    q: Annotated[str | None, Query(max_length=MAX_TEXT_FILTER,
                                   description="text in the notes or the source sentences")] = None,
    include_background: Annotated[bool, Query(description="include history recalled as context")] = False,
    undated: Annotated[Undated, Query(description="events no report dates: left out (exclude), added after "
                                                  "the dated ones (include; date filters do not apply to "
                                                  "them), or only them (only)")] = "exclude",
) -> EventFilter:
    """The filters shared by /events, /stats/timeline and the exports."""
    return EventFilter(
        date_from=date_from, date_to=date_to, admin1=_text(admin1), admin2=_text(admin2), actor=_text(actor),
        event_type=_text(event_type), sub_event_type=_text(sub_event_type), min_fatalities=min_fatalities,
        bbox=_bbox(bbox), q=_text(q), include_background=include_background, undated=undated,
    )


FilterDep = Annotated[EventFilter, Depends(event_filter)]
