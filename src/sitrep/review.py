"""Analyst review: corrections and verdicts, checked when made and applied to the merged events on every run."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Iterable, Sequence

from .errors import InputError
from .records import CORRECTABLE, EARLIEST_EVENT_DATE, EVENT_TYPE_RANK, REVIEWS, Correction, DateRange, Event, Place

LOGGER = logging.getLogger(__name__)

__all__ = ["check_correction", "apply_corrections", "ACTOR_SEPARATOR", "CORRECTED_DATE_TEXT"]

# Actors are given as one text, separated by this (an actor's name may hold a comma).
ACTOR_SEPARATOR = ";"
# The DateRange.text of a date an analyst set.
CORRECTED_DATE_TEXT = "corrected by an analyst"
# The largest toll accepted as a correction: above any single event on record.
MAX_FATALITIES = 1_000_000
# Longest note or value kept.
MAX_TEXT = 2000


def check_correction(correction: Correction) -> Correction:
    """The correction with its value normalised; InputError naming the event, field and problem."""
    where = f"correction of event {correction.event_id}"
    field, value = correction.field, (correction.value or "").strip()
    if field not in CORRECTABLE:
        raise InputError(where, f"cannot correct {field!r}; correct one of {', '.join(CORRECTABLE)}")
    if not value and field not in ("admin1", "admin2"):
        raise InputError(where, f"no value for {field}")
    if len(value) > MAX_TEXT or len(correction.note) > MAX_TEXT:
        raise InputError(where, f"the value and the note must be under {MAX_TEXT} characters")
    if field == "event_type" and value not in EVENT_TYPE_RANK:
        raise InputError(where, f"unknown event type {value!r}; use one of {', '.join(EVENT_TYPE_RANK)}")
    if field == "review" and value not in REVIEWS:
        raise InputError(where, f"a verdict is one of {', '.join(REVIEWS)}, not {value!r}")
    if field == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as err:
            raise InputError(where, f"the date {value!r} is not YYYY-MM-DD") from err
        if day < EARLIEST_EVENT_DATE or day > dt.date.today() + dt.timedelta(days=1):
            raise InputError(where, f"the date {value} is before {EARLIEST_EVENT_DATE} or in the future")
        value = day.isoformat()
    if field == "fatalities":
        if not value.isdigit() or int(value) > MAX_FATALITIES:
            raise InputError(where, f"fatalities must be a whole number from 0 to {MAX_FATALITIES}, not {value!r}")
        value = str(int(value))
    if field in ("latitude", "longitude"):
        limit = 90 if field == "latitude" else 180
        try:
            number = float(value)
        except ValueError as err:
            raise InputError(where, f"{field} must be a number, not {value!r}") from err
        if not -limit <= number <= limit:
            raise InputError(where, f"{field} must lie between -{limit} and {limit}, not {value}")
        value = repr(number)
    if field == "actors":
        names = [a.strip() for a in value.split(ACTOR_SEPARATOR) if a.strip()]
        if not names:
            raise InputError(where, f"no actor named; separate actors with {ACTOR_SEPARATOR!r}")
        value = f"{ACTOR_SEPARATOR} ".join(names)
    return dataclasses.replace(correction, value=value, note=correction.note.strip())


def apply_corrections(events: Sequence[Event], corrections: Iterable[Correction]) -> list[Event]:
    """The events with each correction of theirs applied, in the order made; the others as they are.

    Each correction adds a line to the event's notes (so exports and the page show it).
    """
    by_event: dict[str, list[Correction]] = {}
    for c in sorted(corrections, key=lambda c: (c.corrected_at or dt.datetime.min, c.field)):
        by_event.setdefault(c.event_id, []).append(c)
    out = []
    for event in events:
        for c in by_event.get(event.event_id, ()):
            event = _apply(event, c)
        out.append(event)
    return out


def _apply(event: Event, c: Correction) -> Event:
    value = c.value
    changes: dict[str, object] = {}
    if c.field in ("event_type", "sub_event_type"):
        changes[c.field] = value
    elif c.field == "actors":
        changes["actors"] = tuple(a.strip() for a in value.split(ACTOR_SEPARATOR) if a.strip())
    elif c.field == "date":
        changes["date"] = DateRange.day(dt.date.fromisoformat(value), CORRECTED_DATE_TEXT)
    elif c.field == "fatalities":
        changes.update(fatalities_low=int(value), fatalities_best=int(value), fatalities_high=int(value))
    elif c.field == "review":
        changes["review"] = value
    else:  # the place: its name, province, district, country or coordinates
        place = event.place or Place(name=value if c.field == "place" else "")
        key = {"place": "name"}.get(c.field, c.field)
        typed = float(value) if c.field in ("latitude", "longitude") else (value or None)
        if key == "name":
            typed = value
        changes["place"] = dataclasses.replace(place, **{key: typed})
    line = (f"Analyst: {value}" if c.field == "review" else f"Analyst: {c.field} corrected to {value}")
    line += f" ({c.note})." if c.note else "."
    changes["notes"] = f"{event.notes} {line}".strip()
    return dataclasses.replace(event, **changes)
