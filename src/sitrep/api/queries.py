"""The API's reads: event filters as SQLAlchemy Core queries, pages, spans and the timeline."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Iterable, Literal, Mapping, Sequence

import sqlalchemy as sa

from ..export import event_order, export_date, to_json_rows
from ..records import Event
from ..store import ARTICLES, CLAIMS, EVENT_ARTICLES, EVENTS, IN_CHUNK, MENTIONS, Store, Undated, undated_condition
# Row-to-record converters of the store, not public yet (see _load_for_list).
from ..store import _claim, _event  # noqa: PLC2701

LOGGER = logging.getLogger(__name__)

__all__ = [
    "EventFilter",
    "Interval",
    "GroupBy",
    "event_conditions",
    "list_events",
    "resolve_event_id",
    "load_events",
    "event_summary",
    "summaries",
    "list_articles",
    "article_spans",
    "timeline",
]

Interval = Literal["day", "week", "month"]
GroupBy = Literal["event_type", "actor", "none"]
# Key of the timeline rows when they are not split (by=none).
ALL_KEY = "all"
# How many ids an ambiguous prefix lookup reports.
PREFIX_MATCHES = 5


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What GET /events, /stats/timeline and the exports filter on; None means no filter.

    Dates filter ACLED's event_date (inclusive); text fields compare without regard to case;
    `actor` matches one of the event's actors exactly; `q` searches the notes and the source
    sentences; `bbox` is (west, south, east, north), crossing the antimeridian when west > east.
    `undated`: events no report dates are left out ("exclude"), added ("include"; the date
    filters do not apply to them) or the only ones returned ("only").
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    admin1: str | None = None
    admin2: str | None = None
    actor: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    min_fatalities: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    q: str | None = None
    include_background: bool = False
    undated: Undated = "exclude"


def _same_text(column: sa.ColumnElement, value: str, dialect: str) -> sa.ColumnElement[bool]:
    # Any case. On SQLite, NOCASE compares the column as stored, so the covering index of
    # migration 0002_event_filter_index answers without reading the table; elsewhere lower().
    if dialect == "sqlite":
        return column.collate("NOCASE") == value
    return sa.func.lower(column) == sa.func.lower(value)


def event_conditions(f: EventFilter, *, dialect: str = "sqlite") -> list[sa.ColumnElement[bool]]:
    """The WHERE terms of a filter on the events table; every value travels as a bound parameter.

    `dialect` is the database's (`store.engine.dialect.name`): case-insensitive comparison is
    written the way its indexes can serve.
    """
    terms: list[sa.ColumnElement[bool]] = []
    if not f.include_background:
        terms.append(EVENTS.c.background.is_(False))
    dated: list[sa.ColumnElement[bool]] = []
    if f.date_from is not None:
        dated.append(EVENTS.c.date >= f.date_from)
    if f.date_to is not None:
        dated.append(EVENTS.c.date <= f.date_to)
    if f.undated == "exclude":
        terms.append(undated_condition("exclude"))
        terms.extend(dated)
    elif f.undated == "only":
        terms.append(undated_condition("only"))  # no date to filter on
    elif dated:
        terms.append(sa.or_(sa.and_(undated_condition("exclude"), *dated), undated_condition("only")))
    if f.admin1:
        terms.append(_same_text(EVENTS.c.admin1, f.admin1, dialect))
    if f.admin2:
        terms.append(_same_text(EVENTS.c.admin2, f.admin2, dialect))
    if f.event_type:
        terms.append(_same_text(EVENTS.c.event_type, f.event_type, dialect))
    if f.sub_event_type:
        terms.append(_same_text(EVENTS.c.sub_event_type, f.sub_event_type, dialect))
    if f.actor:
        # actors is a JSON list written with ensure_ascii=False: the quoted name is one element.
        element = json.dumps(f.actor, ensure_ascii=False)
        terms.append(EVENTS.c.actors.icontains(element, autoescape=True))
    if f.min_fatalities is not None:
        terms.append(EVENTS.c.fatalities_best >= f.min_fatalities)
    if f.bbox is not None:
        west, south, east, north = f.bbox
        terms.append(EVENTS.c.latitude.between(south, north))
        if west <= east:
            terms.append(EVENTS.c.longitude.between(west, east))
        else:  # the box crosses the antimeridian (RFC 7946, section 5.2)
            terms.append(sa.or_(EVENTS.c.longitude >= west, EVENTS.c.longitude <= east))
    if f.q:
        in_sentences = sa.select(MENTIONS.c.event_id).where(MENTIONS.c.sentence.icontains(f.q, autoescape=True))
        terms.append(sa.or_(EVENTS.c.notes.icontains(f.q, autoescape=True),
                            EVENTS.c.event_id.in_(in_sentences)))
    return terms


def _load_where(store: Store, where: sa.ColumnElement[bool]) -> list[Event]:
    # The store's loader of whole events (mentions and claims in three queries) takes a WHERE
    # term but is not public yet; this is one of the two places the API reaches into the store.
    return store._load_events(where)  # noqa: SLF001


def _load_for_list(conn: sa.Connection, ids: Sequence[str]) -> tuple[dict[str, Event], dict[str, list[str]]]:
    """Events with their own claims but no mentions (a list needs no sentences), and their articles.

    Three queries per chunk of ids; the rows become records through the store's converters
    (not public yet: the other place the API reaches into the store).
    """
    events: dict[str, Event] = {}
    articles: dict[str, list[str]] = collections.defaultdict(list)
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        claims: dict[str, list] = collections.defaultdict(list)
        for r in conn.execute(sa.select(CLAIMS).where(CLAIMS.c.event_id.in_(chunk), CLAIMS.c.in_event.is_(True))
                              .order_by(CLAIMS.c.event_id, CLAIMS.c.seq)).mappings():
            claims[r["event_id"]].append(_claim(r))
        for r in conn.execute(sa.select(EVENT_ARTICLES.c.event_id, EVENT_ARTICLES.c.article_id)
                              .where(EVENT_ARTICLES.c.event_id.in_(chunk)).order_by(EVENT_ARTICLES.c.article_id)):
            articles[r.event_id].append(r.article_id)
        for r in conn.execute(sa.select(EVENTS).where(EVENTS.c.event_id.in_(chunk))).mappings():
            events[r["event_id"]] = _event(r, (), tuple(claims.get(r["event_id"], ())))
    return events, articles


def list_events(store: Store, f: EventFilter, *, limit: int, offset: int,
                descending: bool = False) -> tuple[list[dict], int]:
    """Summaries of a page of matching events, ordered by date then id (newest first if
    `descending`; undated events last), and how many events match in all."""
    terms = event_conditions(f, dialect=store.engine.dialect.name)
    order = ((EVENTS.c.date.desc(), EVENTS.c.event_id.desc()) if descending
             else (EVENTS.c.date, EVENTS.c.event_id))
    if f.undated == "include":  # undated events last, in either order
        order = (undated_condition("only"), *order)
    page = sa.select(EVENTS.c.event_id).where(*terms).order_by(*order).limit(limit).offset(offset)
    counted = sa.select(sa.func.count()).select_from(EVENTS).where(*terms)
    with store.engine.connect() as conn:
        ids = list(conn.execute(page).scalars())
        count = int(conn.execute(counted).scalar_one())
        if not ids:
            return [], count
        events, articles = _load_for_list(conn, ids)
    ordered = [events[i] for i in ids if i in events]
    return summaries(ordered, article_ids=articles), count


def load_events(store: Store, f: EventFilter) -> list[Event]:
    """Every matching event, whole, by date (undated last) then id (for the exports)."""
    terms = event_conditions(f, dialect=store.engine.dialect.name)
    return _load_where(store, sa.and_(sa.true(), *terms))


def resolve_event_id(store: Store, id_or_prefix: str) -> tuple[str | None, list[str]]:
    """(the id, []) for an id or a unique prefix; (None, candidates) when none or several match."""
    with store.engine.connect() as conn:
        exact = conn.execute(sa.select(EVENTS.c.event_id).where(EVENTS.c.event_id == id_or_prefix)).first()
        if exact is not None:
            return exact.event_id, []
        if not id_or_prefix:
            return None, []
        ids = list(conn.execute(sa.select(EVENTS.c.event_id)
                                .where(EVENTS.c.event_id.startswith(id_or_prefix, autoescape=True))
                                .order_by(EVENTS.c.event_id).limit(PREFIX_MATCHES + 1)).scalars())
    if len(ids) == 1:
        return ids[0], []
    return None, ids


def event_summary(event: Event, row: dict | None = None) -> dict:
    """The fields of an event that a list shows; `row` is its export row (computed if not given)."""
    if row is None:
        row = next(to_json_rows([event], include_background=True, include_undated=True))
    place = event.place
    when = export_date(event)  # None: undated (no date before 1900 is ever shown)
    return {
        "event_id": event.event_id,
        "event_id_cnty": row["event_id_cnty"],
        "event_date": when.date if when else None,
        "date_min": when.date_min if when else None,
        "date_max": when.date_max if when else None,
        "time_precision": when.time_precision if when else None,
        "undated": when is None,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actors": list(event.actors),
        "country": place.country if place else None,
        "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None,
        "admin3": place.admin3 if place else None,
        "location": place.name if place else None,
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "geo_precision": place.geo_precision if place else None,
        "fatalities": row["fatalities"],
        "fatalities_low": event.fatalities_low,
        "fatalities_high": event.fatalities_high,
        "n_reports": len(event.article_ids),
        "article_ids": list(event.article_ids),
        "status": event.status,
        "denied_by": list(event.denied_by),
        "background": event.background,
        "notes": row["notes"],
        "review": event.review,
    }


def summaries(events: Sequence[Event], *, article_ids: Mapping[str, Sequence[str]] | None = None) -> list[dict]:
    """Summaries of events in the given order (export rows computed in one pass).

    `article_ids` gives the articles of events loaded without their mentions.
    """
    # to_json_rows yields in event_order: zip it with the events sorted the same way.
    ordered = sorted(events, key=event_order)
    rows = {e.event_id: r for e, r in zip(ordered, to_json_rows(ordered, include_background=True,
                                                                include_undated=True))}
    out = [event_summary(e, rows.get(e.event_id)) for e in events]
    if article_ids is not None:
        for item in out:
            item["article_ids"] = list(article_ids.get(item["event_id"], ()))
            item["n_reports"] = len(item["article_ids"])
    return out


def list_articles(store: Store, *, limit: int, offset: int) -> tuple[list[dict], int]:
    """A page of stored articles (without their text), by id, and how many there are."""
    cols = (ARTICLES.c.id, ARTICLES.c.title, ARTICLES.c.url, ARTICLES.c.outlet, ARTICLES.c.published)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(ARTICLES.c.id).limit(limit).offset(offset)).mappings()
        data = [dict(r) for r in rows]
        count = int(conn.execute(sa.select(sa.func.count()).select_from(ARTICLES)).scalar_one())
    return data, count


def article_spans(store: Store, article_id: str) -> list[dict]:
    """The sentences of an article that produced mentions or claims, in text order, without repeats."""
    mentions = sa.select(MENTIONS.c.start, MENTIONS.c.end, MENTIONS.c.event_id, MENTIONS.c.trigger,
                         MENTIONS.c.background).where(MENTIONS.c.article_id == article_id)
    claims = sa.select(CLAIMS.c.start, CLAIMS.c.end, CLAIMS.c.event_id, CLAIMS.c.kind).where(
        CLAIMS.c.article_id == article_id)
    spans: dict[tuple, dict] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(mentions):
            key = (r.start, r.end, r.event_id, "mention", r.trigger)
            spans.setdefault(key, {"start": r.start, "end": r.end, "event_id": r.event_id, "kind": "mention",
                                   "detail": r.trigger, "background": bool(r.background)})
        for r in conn.execute(claims):
            key = (r.start, r.end, r.event_id, "claim", r.kind)
            spans.setdefault(key, {"start": r.start, "end": r.end, "event_id": r.event_id, "kind": "claim",
                                   "detail": r.kind, "background": False})
    return sorted(spans.values(), key=lambda s: (s["start"], s["end"], s["event_id"], s["kind"], s["detail"]))


def _period(day: dt.date, interval: Interval) -> tuple[str, dt.date, dt.date]:
    """(label, first day, last day) of the period holding `day`."""
    if interval == "day":
        return day.isoformat(), day, day
    if interval == "week":
        year, week, weekday = day.isocalendar()
        start = day - dt.timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return f"{day.year}-{day.month:02d}", start, following - dt.timedelta(days=1)


def _keys(by: GroupBy, event_type: str, actors_json: str) -> Iterable[str]:
    if by == "event_type":
        return (event_type,)
    if by == "actor":
        actors = json.loads(actors_json) if actors_json else []
        return actors or ("(no actor)",)
    return (ALL_KEY,)


def timeline(store: Store, f: EventFilter, *, interval: Interval = "month", by: GroupBy = "event_type") -> list[dict]:
    """Events and fatalities per period and key; an event with two actors counts once for each.

    Undated events have no period: the timeline leaves them out whatever `f.undated` says.
    """
    dated = dataclasses.replace(f, undated="exclude")
    stmt = (sa.select(EVENTS.c.date, EVENTS.c.event_type, EVENTS.c.actors, EVENTS.c.fatalities_best)
            .where(*event_conditions(dated, dialect=store.engine.dialect.name)))
    cells: dict[tuple[str, str], list] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(stmt):
            label, start, end = _period(r.date, interval)
            for key in _keys(by, r.event_type, r.actors):
                cell = cells.setdefault((label, key), [start, end, 0, 0])
                cell[2] += 1
                cell[3] += r.fatalities_best or 0
    return [{"period": label, "start": c[0], "end": c[1], "key": key, "events": c[2], "fatalities": c[3]}
            for (label, key), c in sorted(cells.items(), key=lambda kv: (kv[1][0], kv[0][1]))]
