"""The API's request and response bodies (pydantic models, shown in the OpenAPI schema at /docs)."""
from __future__ import annotations

import datetime as dt
import logging

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LOGGER = logging.getLogger(__name__)

__all__ = [
    "EventSummary",
    "EventList",
    "ClaimOut",
    "MentionOut",
    "ArticleRef",
    "EventDetail",
    "Span",
    "ArticleOut",
    "ArticleList",
    "ArticleIn",
    "IngestResult",
    "TimelineRow",
    "Timeline",
    "ErrorOut",
    "ChangeOut",
    "ChangeList",
    "RetractIn",
    "RetractResult",
    "CorrectionIn",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventSummary(_Out):
    """One event as a list shows it; `fatalities` is the best estimate, null when no report gives one."""

    event_id: str
    event_id_cnty: str = Field(description="ACLED-style id: ISO 3166-1 alpha-3 + event_id")
    event_date: dt.date | None = Field(description="ACLED's event date; null when the event is undated")
    date_min: dt.date | None
    date_max: dt.date | None
    time_precision: int | None = Field(description="1 = day, 2 = within a week, 3 = month; null when undated")
    undated: bool = Field(description="no report gives the event a date (GET /events?undated=only lists them)")
    event_type: str
    sub_event_type: str
    actors: list[str]
    country: str | None
    admin1: str | None
    admin2: str | None
    admin3: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    fatalities: int | None = Field(description="best estimate of the dead; null (shown as \"unknown\") when "
                                               "no report gives a figure, never 0 for unknown")
    fatalities_low: int | None
    fatalities_high: int | None
    n_reports: int
    article_ids: list[str]
    status: str
    denied_by: list[str]
    background: bool = Field(description="history recalled as context, not a new event")
    notes: str = Field(description="ACLED-style notes, as in the CSV export")
    review: Literal["verified", "rejected"] | None = Field(
        None, description="an analyst's verdict (rejected events stay here, marked, and leave the exports)")


class EventList(_Out):
    data: list[EventSummary]
    count: int = Field(description="how many events match the filters in all (not just this page)")


class ClaimOut(_Out):
    """One source's statement of a figure or of the event, with the sentence it came from."""

    claim_id: str
    kind: str
    n: int | None
    low: int | None
    high: int | None
    qualifier: str | None
    side: str | None
    claimant: str | None
    claimant_text: str | None
    stance: str
    estimated: bool
    article_id: str
    outlet: str | None
    sentence: str
    start: int = Field(description="offset of the sentence in the article's text")
    end: int
    claimant_label: str = Field(description="who claims it, in plain English (\"NRF spokesperson Fahim Dashti (NRF)\")")
    text: str = Field(description="the claim as a sentence (\"NRF spokesperson Fahim Dashti (NRF) claims 40 Taliban "
                                  "killed\")")


class MentionOut(_Out):
    """One report of the event in one article."""

    article_id: str
    sentence: str
    start: int
    end: int
    trigger: str
    event_type: str
    sub_event_type: str
    stance: str
    claimant: str | None
    place_text: str | None
    outlet: str | None
    background: bool


class ArticleRef(_Out):
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: dt.date | None


class EventDetail(EventSummary):
    """An event with every claim, mention and the reasons its reports were merged."""

    claims: list[ClaimOut]
    mentions: list[MentionOut]
    merge_reasons: list[str]
    articles: list[ArticleRef]


class Span(_Out):
    """A sentence of an article that produced a mention (kind "mention") or a claim (kind "claim")."""

    start: int
    end: int
    event_id: str
    kind: str
    detail: str = Field(description="the trigger word of a mention, or the claim's kind")
    background: bool


class ArticleOut(_Out):
    """A stored article: its original text (untrusted: render as text) and the spans that made events."""

    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: dt.date | None
    text: str
    spans: list[Span]


class ArticleList(_Out):
    data: list[ArticleRef]
    count: int


class ArticleIn(BaseModel):
    """A report to ingest; only `text` is required (an id is made from the text when missing)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, max_length=500)
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD or YYYY-MM")
    text: str = Field(min_length=1)


class IngestResult(_Out):
    articles_read: int
    articles_extracted: int
    articles_unchanged: int
    article_ids: list[str]
    event_ids: list[str] = Field(description="events (background included) that cite the articles sent")
    events: int = Field(description="how many of those are not background")
    errors: list[str]


class TimelineRow(_Out):
    period: str = Field(description="2022-05-06 (day), 2022-W18 (ISO week) or 2022-05 (month)")
    start: dt.date
    end: dt.date
    key: str = Field(description="the event type, the actor, or 'all'")
    events: int
    fatalities: int


class Timeline(_Out):
    data: list[TimelineRow]
    count: int


class ErrorOut(BaseModel):
    detail: str | list | dict


class ChangeOut(_Out):
    """One change to the ledger: an event created, updated or deleted (with why), as ACLED serves updates."""

    seq: int = Field(description="the change's place in the log (ties in time keep their order)")
    changed_at: dt.datetime = Field(description="when, UTC")
    event_id: str
    change: Literal["created", "updated", "deleted"]
    reason: str | None = Field(description="why an event was deleted (a retraction, a re-merge)")
    event: EventSummary | None = Field(description="the event as it is now; null once deleted")


class ChangeList(_Out):
    data: list[ChangeOut]
    count: int = Field(description="how many changes there are after `since` in all")


class RetractIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="why the report is withdrawn")


class RetractResult(_Out):
    article_id: str
    reason: str
    events_kept: list[str] = Field(description="its events that other reports still carry (merged again)")
    events_deleted: list[str] = Field(description="its events no other report carries")


class CorrectionIn(BaseModel):
    """Corrections of an event's fields (and/or a verdict), with a note."""

    model_config = ConfigDict(extra="forbid")

    fields: dict[str, str] = Field(default_factory=dict, max_length=20,
                                   description="field -> corrected value: event_type, sub_event_type, actors "
                                               "(separated by ';'), place, admin1, admin2, country, latitude, "
                                               "longitude, date (YYYY-MM-DD), fatalities")
    review: Literal["verified", "rejected"] | None = Field(None, description="the analyst's verdict")
    note: str = Field("", max_length=2000, description="why (shown in the event's notes)")
