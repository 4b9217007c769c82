"""ACLED-compatible exports of events (CSV, JSON Lines, GeoJSON) and the claim ledger."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import json
import logging
import re
from importlib import resources
from typing import IO, Callable, Iterable, Iterator, Mapping, Sequence

from .errors import ConfigError
from .merge import deaths_by_side
from .present import claims_summary
from .records import EARLIEST_EVENT_DATE, Claim, DateRange, Event

LOGGER = logging.getLogger(__name__)

__all__ = [
    "ACLED_COLUMNS",
    "SITREP_COLUMNS",
    "CLAIM_COLUMNS",
    "FORMATS",
    "to_acled_rows",
    "to_json_rows",
    "to_claim_rows",
    "inter_codes",
    "export_date",
    "event_order",
    "write_csv",
    "write_jsonl",
    "write_geojson",
    "write_claims_csv",
    "write_claims_jsonl",
    "export",
    "spreadsheet_safe",
]

# The first characters by which a spreadsheet reads a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number, which stays a number in a spreadsheet (a negative longitude, say).
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
LONE_CR = re.compile(r"\r(?!\n)")
# The tag of an event an analyst verified (rejected events are left out of every export).
VERIFIED_TAG = "verified by analyst"

# ACLED's columns, in ACLED's order (ACLED codebook 2023, "event_id_cnty" to "timestamp").
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
# sitrep's own columns after ACLED's; "background" only when background events are exported,
# "undated" only when undated events are (their event_date, year, time_precision are empty).
SITREP_COLUMNS = ("fatalities_low", "fatalities_high", "deaths_a", "deaths_b", "deaths_civilians",
                  "deaths_unknown", "article_ids", "n_reports", "claims", "denied_by", "background", "undated",
                  "status")
# The claim ledger: one row per claim.
CLAIM_COLUMNS = ("claim_id", "event_id_cnty", "kind", "n", "low", "high", "qualifier", "side", "claimant",
                 "claimant_text", "stance", "estimated", "article_id", "outlet", "sentence", "start", "end")

# ACLED's disorder type of each event type (ACLED codebook 2023, section "Disorder type").
DISORDER_TYPES = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
# ACLED's inter code of civilians (ACLED codebook: 7 = civilians).
CIVILIANS_INTER = 7
# ACLED's regions, by ISO 3166-1 alpha-2 (from ACLED's region list; Afghanistan is in
# "Caucasus and Central Asia" since ACLED's 2022 regional reorganisation). Extend as needed.
REGIONS = {
    "AF": "Caucasus and Central Asia", "TJ": "Caucasus and Central Asia", "UZ": "Caucasus and Central Asia",
    "TM": "Caucasus and Central Asia", "KG": "Caucasus and Central Asia", "KZ": "Caucasus and Central Asia",
    "AM": "Caucasus and Central Asia", "AZ": "Caucasus and Central Asia", "GE": "Caucasus and Central Asia",
    "PK": "South Asia", "IN": "South Asia", "BD": "South Asia", "NP": "South Asia", "LK": "South Asia",
    "IR": "Middle East", "IQ": "Middle East", "SY": "Middle East", "YE": "Middle East", "LB": "Middle East",
    "IL": "Middle East", "PS": "Middle East", "SA": "Middle East", "TR": "Middle East", "JO": "Middle East",
    "SO": "Eastern Africa", "KE": "Eastern Africa", "ET": "Eastern Africa", "SS": "Eastern Africa",
    "UG": "Eastern Africa", "MZ": "Southern Africa", "SD": "Northern Africa", "LY": "Northern Africa",
    "EG": "Northern Africa", "NG": "Western Africa", "NE": "Western Africa", "ML": "Western Africa",
    "BF": "Western Africa", "CM": "Middle Africa", "TD": "Middle Africa", "CD": "Middle Africa",
    "CF": "Middle Africa", "UA": "Europe", "RU": "Europe", "MM": "Southeast Asia", "PH": "Southeast Asia",
}
# Prefix of event_id_cnty when the country is unknown.
UNKNOWN_COUNTRY = "XXX"
# ACLED's source_scale where the outlets' reach is not known.
UNKNOWN_SOURCE_SCALE = "Other"
# How many sentences of claims the notes spell out before "and N more" (present.claims_summary).
NOTE_CLAIMS = 4
# ACLED's fatalities column holds 0 where no report gives a figure (ACLED codebook: "if no fatalities
# are reported, 0"); the ACLED CSV keeps that convention, which ACLED's users and the evaluation's
# scorer read, and says so in `tags`. Every other surface shows such a toll as null / "unknown".
ACLED_NO_FATALITIES = 0
FATALITIES_UNKNOWN_TAG = "fatalities unknown"
# Coordinates in GeoJSON and CSV: ACLED publishes 4 decimals (about 10 m).
COORD_DECIMALS = 4

# What the actors did, for the notes: (with a target, without one). {a} initiator side, {b} target side.
_VERBS = {
    "Armed clash": ("{a} clashed with {b}", "{a} fought an armed clash"),
    "Government regains territory": ("{a} regained territory from {b}", "{a} regained territory"),
    "Non-state actor overtakes territory": ("{a} took territory from {b}", "{a} took territory"),
    "Air/drone strike": ("{a} carried out an air/drone strike on {b}", "{a} carried out an air/drone strike"),
    "Shelling/artillery/missile attack": ("{a} shelled {b}", "{a} fired shells or missiles"),
    "Remote explosive/landmine/IED": ("{a} used an explosive device against {b}", "{a} used an explosive device"),
    "Grenade": ("{a} threw a grenade at {b}", "{a} threw a grenade"),
    "Suicide bomb": ("{a} carried out a suicide bombing against {b}", "{a} carried out a suicide bombing"),
    "Attack": ("{a} attacked {b}", "{a} carried out an attack"),
    "Abduction/forced disappearance": ("{a} abducted {b}", "{a} abducted people"),
    "Sexual violence": ("{a} committed sexual violence against {b}", "{a} committed sexual violence"),
    "Arrests": ("{a} arrested {b}", "{a} made arrests"),
    "Looting/property destruction": ("{a} looted or destroyed property of {b}", "{a} looted or destroyed property"),
    "Non-violent transfer of territory": ("{a} took over territory from {b} without a fight",
                                          "{a} took over territory without a fight"),
    "Disrupted weapons use": ("{a} disrupted an attack by {b}", "{a} disrupted an attack"),
    "Headquarters or base established": ("{a} established a base against {b}", "{a} established a base"),
    "Agreement": ("{a} reached an agreement with {b}", "{a} reached an agreement"),
    "Change to group/activity": ("{a} changed group or activity, involving {b}", "{a} changed group or activity"),
    "Other": ("{a} and {b} were involved in a strategic development",
              "{a} were involved in a strategic development"),
    "Protest with intervention": ("{a} protested and {b} intervened", "{a} protested and were met with force"),
    "Excessive force against protesters": ("{b} used excessive force against {a}",
                                           "excessive force was used against {a}"),
    "Peaceful protest": ("{a} protested against {b}", "{a} protested"),
    "Violent demonstration": ("{a} rioted against {b}", "{a} rioted"),
    "Mob violence": ("{a} attacked {b} as a mob", "{a} rioted"),
}
_UNKNOWN_ACTOR = "Unidentified armed group"


# --- actor types ----------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _lexicon_inter() -> tuple[dict[str, int], tuple[tuple[str, int], ...]]:
    """(canonical name -> inter code, generic name prefixes -> inter code) from actors.json."""
    try:
        text = resources.files("sitrep.data").joinpath("actors.json").read_text(encoding="utf-8")
        data = json.loads(text)
        exact = {e["canonical"].lower(): int(e.get("inter", 0)) for e in data.get("actors", ())}
        prefixes = tuple(
            (e["canonical"].split("{")[0].rstrip(" (").lower(), int(e.get("inter", 0)))
            for e in data.get("generic", {}).get("entries", ()) if e["canonical"].split("{")[0].strip())
    except (OSError, ValueError, KeyError, TypeError) as err:
        LOGGER.warning("sitrep/data/actors.json unreadable (%s): inter codes will be 0", err)
        return {}, ()
    return exact, prefixes


def inter_codes(actors: Iterable[str]) -> dict[str, int]:
    """ACLED inter code of each actor from the actor lexicon (actors.json); 0 where unknown."""
    exact, prefixes = _lexicon_inter()
    codes = {}
    for name in actors:
        key = name.lower()
        code = exact.get(key)
        if code is None:
            code = next((c for p, c in prefixes if key == p or key.startswith(p)), 0)
        codes[name] = code
    return codes


# --- rows -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _country_codes(iso2: str | None, country: str | None) -> tuple[str, int | None, str]:
    """(ISO 3166-1 alpha-3, numeric, alpha-2) of a country; (UNKNOWN_COUNTRY, None, "") when unknown."""
    try:
        import pycountry
    except ImportError:  # a declared dependency, but the export can do without it
        return UNKNOWN_COUNTRY, None, (iso2 or "").upper()
    found = pycountry.countries.get(alpha_2=iso2.upper()) if iso2 else None
    if found is None and country:
        try:
            found = pycountry.countries.lookup(country)
        except LookupError:
            found = None
    if found is None:
        return UNKNOWN_COUNTRY, None, (iso2 or "").upper()
    return found.alpha_3, int(found.numeric), found.alpha_2


def _dyad(event: Event, inter: Mapping[str, int]) -> tuple[str, list[str], str, list[str]]:
    """actor1, assoc_actor_1, actor2, assoc_actor_2 (ACLED puts civilians second)."""
    actors = list(event.actors)
    civilians = [a for a in actors if inter.get(a) == CIVILIANS_INTER]
    armed = [a for a in actors if a not in civilians]
    if not armed:
        return (actors[0] if actors else "", [], actors[1] if len(actors) > 1 else "", actors[2:])
    actor1 = armed[0]
    if event.event_type == "Violence against civilians" and civilians:
        actor2 = civilians[0]
    else:
        actor2 = armed[1] if len(armed) > 1 else (civilians[0] if civilians else "")
    rest = [a for a in actors if a not in (actor1, actor2)]
    return (actor1, [a for a in rest if a not in civilians], actor2, [a for a in rest if a in civilians])


def _interaction(code1: int, code2: int | None) -> int:
    """ACLED's interaction: the two inter codes, smaller first; a sole actor's code times 10."""
    if code2 is None:
        return code1 * 10
    if not code1 or not code2:
        return 0
    return min(code1, code2) * 10 + max(code1, code2)


def export_date(event: Event) -> DateRange | None:
    """The event's date as every export shows it: None when undated, or when dated before
    EARLIEST_EVENT_DATE (a placeholder for no date, never a real one); a period reaching back
    before it starts at it."""
    d = event.date
    if d is None or d.date < EARLIEST_EVENT_DATE:
        return None
    if d.date_min < EARLIEST_EVENT_DATE:
        return dataclasses.replace(d, date_min=EARLIEST_EVENT_DATE)
    return d


def event_order(event: Event) -> tuple:
    """The exports' order: by date, undated events last, then by id."""
    d = export_date(event)
    return (d is None, d.date if d else dt.date.min, event.event_id)


def _date_phrase(event: Event) -> str:
    d = event.date
    if d is None:
        return "On an unknown date"
    if d.time_precision == 1 or d.date_min == d.date_max:
        return f"On {d.date.day} {d.date:%B} {d.date.year}"
    if d.time_precision >= 3:
        if (d.date_min.year, d.date_min.month) == (d.date_max.year, d.date_max.month):
            return f"In {d.date_min:%B} {d.date_min.year}"
        return f"Between {d.date_min:%B} {d.date_min.year} and {d.date_max:%B} {d.date_max.year}"
    return (f"Between {d.date_min.day} {d.date_min:%B} {d.date_min.year} "
            f"and {d.date_max.day} {d.date_max:%B} {d.date_max.year}")


def _place_phrase(event: Event) -> str:
    place = event.place
    if place is None or not place.name:
        return ""
    seen = {place.name.lower()}
    around = []
    for part in (place.admin2, place.admin1):
        if part and part.lower() not in seen:
            seen.add(part.lower())
            around.append(part)
    return f" in {place.name}" + (f" ({', '.join(around)})" if around else "")


def _notes(event: Event, actor1: str, assoc1: list[str], actor2: str, assoc2: list[str]) -> str:
    side_a = " and ".join([actor1 or _UNKNOWN_ACTOR, *assoc1])
    side_b = " and ".join([a for a in (actor2, *assoc2) if a])
    with_b, alone = _VERBS.get(event.sub_event_type, ("", ""))
    if with_b:
        action = with_b.format(a=side_a, b=side_b) if side_b else alone.format(a=side_a)
    else:
        label = (event.sub_event_type or event.event_type or "unclassified event").lower()
        action = f"{' and '.join(a for a in (side_a, side_b) if a)} took part in an event ({label})"
    text = f"{_date_phrase(event)}, {action}{_place_phrase(event)}."
    said = claims_summary(event.claims, limit=NOTE_CLAIMS)
    if said:
        text += " " + said
    if event.notes:
        text += " " + event.notes
    return re.sub(r"\s+", " ", text).strip()


def _timestamp(event: Event) -> int | None:
    """Unix time of midnight UTC starting the event's last possible day (0 before 1970, None when
    undated): deterministic."""
    if event.date is None:
        return None
    day = event.date.date_max
    if day.year < 1970:
        return 0
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def _claim_object(c: Claim) -> dict:
    return {
        "claim_id": c.claim_id, "kind": c.kind, "n": c.n, "low": c.low, "high": c.high,
        "qualifier": c.qualifier, "side": c.side, "claimant": c.claimant, "claimant_text": c.claimant_text,
        "stance": c.stance, "estimated": c.estimated, "article_id": c.article_id, "outlet": c.outlet,
        "sentence": c.sentence, "start": c.start, "end": c.end,
    }


def _coord(value: float | None) -> float | None:
    return None if value is None else round(value, COORD_DECIMALS)


def _selected(events: Iterable[Event], include_background: bool, include_undated: bool) -> list[Event]:
    """The events to export, in a stable order (event_order): the same data gives the same bytes.

    An event dated before EARLIEST_EVENT_DATE is exported as undated, with a warning.
    """
    chosen = []
    for event in events:
        if event.background and not include_background:
            continue
        if event.review == "rejected":  # an analyst rejected it: out of the data, as ACLED deletes
            continue
        shown = export_date(event)
        if shown is not event.date:
            if shown is None:
                LOGGER.warning("event %s is dated %s, before %s: a placeholder, exported as undated",
                               event.event_id, event.date.date, EARLIEST_EVENT_DATE)
            event = dataclasses.replace(event, date=shown)
        if event.undated and not include_undated:
            continue
        chosen.append(event)
    return sorted(chosen, key=event_order)


def _structured_row(event: Event, include_background: bool, include_undated: bool,
                    inter_of: Callable[[Iterable[str]], Mapping[str, int]]) -> dict:
    inter = inter_of(event.actors)
    actor1, assoc1, actor2, assoc2 = _dyad(event, inter)
    inter1 = inter.get(actor1, 0) if actor1 else 0
    inter2 = inter.get(actor2, 0) if actor2 else None  # None: no second actor
    place = event.place
    iso3, numeric, iso2 = _country_codes(place.iso if place else None, place.country if place else None)
    outlets = sorted({m.outlet for m in event.mentions if m.outlet}
                     | {c.outlet for c in event.claims if c.outlet})
    tags = [f"denied by {a}" for a in event.denied_by]
    if any(c.estimated for c in event.claims if c.kind == "killed"):
        tags.append("fatalities estimated")
    if event.review == "verified":
        tags.append(VERIFIED_TAG)
    if event.fatalities_best is None:
        tags.append(FATALITIES_UNKNOWN_TAG)
    row = {
        "event_id_cnty": iso3 + event.event_id,
        "event_date": event.date.date.isoformat() if event.date else None,
        "year": event.date.date.year if event.date else None,
        "time_precision": event.date.time_precision if event.date else None,
        "disorder_type": DISORDER_TYPES.get(event.event_type, ""),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": actor1,
        "assoc_actor_1": "; ".join(assoc1),
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": "; ".join(assoc2),
        "inter2": inter2,
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": ("Civilian targeting" if event.event_type == "Violence against civilians"
                               and inter2 == CIVILIANS_INTER else ""),
        "iso": numeric if numeric is not None else "",
        "region": REGIONS.get(iso2, ""),
        "country": (place.country or "") if place else "",
        "admin1": (place.admin1 or "") if place else "",
        "admin2": (place.admin2 or "") if place else "",
        "admin3": (place.admin3 or "") if place else "",
        "location": place.name if place else "",
        "latitude": _coord(place.latitude) if place else None,
        "longitude": _coord(place.longitude) if place else None,
        "geo_precision": place.geo_precision if place else None,
        "source": "; ".join(outlets),
        "source_scale": UNKNOWN_SOURCE_SCALE if outlets else "",
        "notes": _notes(event, actor1, assoc1, actor2, assoc2),
        # null when no report gives a figure (never 0 for unknown); the ACLED CSV alone writes ACLED's 0
        "fatalities": event.fatalities_best,
        "tags": "; ".join(tags),
        "timestamp": _timestamp(event),
        "fatalities_low": event.fatalities_low,
        "fatalities_high": event.fatalities_high,
        **deaths_by_side(event),
        "article_ids": list(event.article_ids),
        "n_reports": len(event.article_ids),
        "claims": [_claim_object(c) for c in event.claims],
        "denied_by": list(event.denied_by),
        "background": event.background,
        "undated": event.undated,
        "status": event.status,
    }
    if not include_background:
        del row["background"]
    if not include_undated:
        del row["undated"]
    return row


def _columns(include_background: bool, include_undated: bool) -> tuple[str, ...]:
    left_out = {name for name, shown in (("background", include_background), ("undated", include_undated))
                if not shown}
    return ACLED_COLUMNS + tuple(c for c in SITREP_COLUMNS if c not in left_out)


def to_json_rows(events: Iterable[Event], *, include_background: bool = False, include_undated: bool = True,
                 inter: Mapping[str, int] | None = None) -> Iterator[dict]:
    """One dict per event with ACLED's keys then sitrep's; lists (article_ids, claims, denied_by) as lists.

    Undated events (kept unless `include_undated` is false) have event_date, year and
    time_precision None and "undated" true. `inter` maps actor names to ACLED inter codes;
    default: the actor lexicon (actors.json).
    """
    inter_of = inter_codes if inter is None else (lambda names: {n: inter.get(n, 0) for n in names})
    for event in _selected(events, include_background, include_undated):
        yield _structured_row(event, include_background, include_undated, inter_of)


def to_acled_rows(events: Iterable[Event], *, include_background: bool = False, include_undated: bool = False,
                  inter: Mapping[str, int] | None = None) -> Iterator[dict]:
    """One flat row per event in ACLED's columns: lists joined by ";", claims as JSON text, None as ""
    (an unknown `fatalities` as ACLED's 0, tagged "fatalities unknown").

    ACLED has no rows without a day or a province: undated events, and events placed nowhere
    more precise than their country (a town the gazetteer does not know, and no province named),
    are left out unless `include_undated`. The JSON exports, the API and the page keep them.
    """
    for row in to_json_rows(events, include_background=include_background, include_undated=include_undated,
                            inter=inter):
        if not include_undated and not row.get("admin1"):
            LOGGER.info("event %s has no province: not an ACLED row", row.get("event_id_cnty"))
            continue
        flat = {}
        for key, value in row.items():
            if key == "claims":
                value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            elif isinstance(value, list):
                value = ";".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif value is None:
                # ACLED codes a toll no report gives as 0 (and sitrep tags it FATALITIES_UNKNOWN_TAG)
                value = ACLED_NO_FATALITIES if key == "fatalities" else ""
            flat[key] = value
        yield flat


def to_claim_rows(events: Iterable[Event], *, include_background: bool = False,
                  include_undated: bool = True) -> Iterator[dict]:
    """The claim ledger: one dict per claim of each event, in CLAIM_COLUMNS."""
    for event in _selected(events, include_background, include_undated):
        place = event.place
        iso3, _, _ = _country_codes(place.iso if place else None, place.country if place else None)
        for c in event.claims:
            obj = _claim_object(c)
            obj["event_id_cnty"] = iso3 + event.event_id
            yield {key: obj[key] for key in CLAIM_COLUMNS}


# --- writers ------------------------------------------------------------------------------

def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text that begins with = + - @, a tab or a carriage
    return gets a leading apostrophe (OWASP's rule for CSV injection); numbers are left alone. A carriage
    return not followed by a line feed becomes one (unquoted, it would end the row)."""
    if not isinstance(value, str):
        return value
    if value[:1] in FORMULA_STARTS and not NUMBER.fullmatch(value):
        value = "'" + value
    return LONE_CR.sub("\n", value)


def _write_csv_rows(rows: Iterable[dict], columns: Sequence[str], fh: IO[str]) -> int:
    writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: ("" if v is None else ("true" if v is True else "false" if v is False
                                                   else spreadsheet_safe(v)))
                         for k, v in row.items()})
        count += 1
    return count


def _write_jsonl_rows(rows: Iterable[dict], fh: IO[str]) -> int:
    count = 0
    for row in rows:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(events: Iterable[Event], fh: IO[str], *, include_background: bool = False,
              include_undated: bool = False, inter: Mapping[str, int] | None = None) -> int:
    """ACLED-style CSV (open `fh` with newline=""); returns the number of events written.

    ACLED has no undated rows: undated events are left out unless `include_undated` (then with an
    empty event_date and an "undated" column).
    """
    rows = to_acled_rows(events, include_background=include_background, include_undated=include_undated,
                         inter=inter)
    return _write_csv_rows(rows, _columns(include_background, include_undated), fh)


def write_jsonl(events: Iterable[Event], fh: IO[str], *, include_background: bool = False,
                include_undated: bool = True, inter: Mapping[str, int] | None = None) -> int:
    """One JSON object per event (the CSV's keys; claims, article_ids, denied_by as lists).

    Undated events are included (event_date null, "undated": true) unless `include_undated` is false.
    """
    return _write_jsonl_rows(to_json_rows(events, include_background=include_background,
                                          include_undated=include_undated, inter=inter), fh)


def write_geojson(events: Iterable[Event], fh: IO[str], *, include_background: bool = False,
                  include_undated: bool = True, inter: Mapping[str, int] | None = None) -> int:
    """A FeatureCollection of Points; events without coordinates are counted in "skipped".

    Undated events are features with event_date null and "undated" true, unless `include_undated`
    is false.
    """
    features, skipped = [], 0
    for row in to_json_rows(events, include_background=include_background, include_undated=include_undated,
                            inter=inter):
        if row["latitude"] is None or row["longitude"] is None:
            skipped += 1
            continue
        features.append({
            "type": "Feature",
            "id": row["event_id_cnty"],
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": row,
        })
    json.dump({"type": "FeatureCollection", "features": features, "skipped": skipped}, fh, ensure_ascii=False)
    fh.write("\n")
    if skipped:
        LOGGER.info("geojson: %d events without coordinates left out", skipped)
    return len(features)


def write_claims_csv(events: Iterable[Event], fh: IO[str], *, include_background: bool = False,
                     include_undated: bool = True, inter: Mapping[str, int] | None = None) -> int:
    """The claim ledger as CSV, one row per claim (it has no dates: undated events' claims are in it)."""
    del inter  # the ledger has no actor types
    rows = to_claim_rows(events, include_background=include_background, include_undated=include_undated)
    return _write_csv_rows(rows, CLAIM_COLUMNS, fh)


def write_claims_jsonl(events: Iterable[Event], fh: IO[str], *, include_background: bool = False,
                       include_undated: bool = True, inter: Mapping[str, int] | None = None) -> int:
    """The claim ledger as JSON Lines, one object per claim."""
    del inter
    rows = to_claim_rows(events, include_background=include_background, include_undated=include_undated)
    return _write_jsonl_rows(rows, fh)


FORMATS: dict[str, Callable[..., int]] = {
    "acled-csv": write_csv,
    "jsonl": write_jsonl,
    "geojson": write_geojson,
    "claims-csv": write_claims_csv,
    "claims-jsonl": write_claims_jsonl,
}


def export(events: Iterable[Event], fmt: str, fh: IO[str], *, include_background: bool = False,
           include_undated: bool | None = None, inter: Mapping[str, int] | None = None) -> int:
    """Write `events` to `fh` in format `fmt` (one of FORMATS); returns the number of rows or features.

    `include_undated` None keeps each format's own choice: the ACLED CSV leaves undated events
    out (ACLED has no undated rows), the other formats keep them.
    """
    try:
        writer = FORMATS[fmt]
    except KeyError as err:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}") from err
    undated = {} if include_undated is None else {"include_undated": include_undated}
    return writer(events, fh, include_background=include_background, inter=inter, **undated)
