"""Dates: find the date expressions in a report and resolve them against its publication date."""
from __future__ import annotations

import bisect
import calendar
import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from typing import NamedTuple
from urllib.parse import unquote

from ..records import DateRange

# How a mention's DateRange.text says the date was not stated in its own sentence: taken from the
# story around it (prefix), or the publication's or a statement's (whole text).
INHERITED_PREFIX = "context: "
FALLBACK_TEXTS = ("publication date", "publication month", "statement date")

LOGGER = logging.getLogger(__name__)

__all__ = [
    "DateMention",
    "find_dates",
    "infer_publication_date",
    "MAX_YEAR",
    "NAMED_DATES",
]

# The latest year an undated report can carry: a report is not written in the future.
MAX_YEAR = dt.date.today().year
# How far back infer_publication_date looks for a year in which a weekday fits a day and
# month. The Gregorian weekday pattern repeats within 28 years, so 30 always finds one.
YEAR_WINDOW = 30
# A bare four-digit number before this is a figure, not a year (conflict news rarely
# names earlier years without a cue such as "in" or "since").
MIN_YEAR = 1900
# A year after a cue ("by 2030") may name a plan or a target a few years ahead.
MAX_CUED_YEAR = MAX_YEAR + 25
# Days covered by "in recent days/weeks/months/years". Our own convention (ACLED has no
# rule): recent days stay within a week (precision 2), the others are coarser.
RECENT_DAYS = {"day": 7, "week": 21, "month": 90, "year": 3 * 365}
# Counts read from vague words; "a few days ago" spans 1..2n units before publication.
FUZZY_COUNTS = {"a few": 3, "few": 3, "a couple of": 2, "couple of": 2, "several": 5}
# Spelled-out counts in "two days ago", "four decades".
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
# "early/mid/late" inside a month (days), a year (months) and a decade (years). Common
# newsroom usage split into thirds; no standard defines them.
PART_OF_MONTH = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
PART_OF_YEAR = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
PART_OF_DECADE = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}
# Dates so well known that reports name them by their numbers alone (read once, at import).
NAMED_DATES = {"9/11": dt.date(2001, 9, 11)}

# --- publication dates of undated pages (infer_publication_date) ----------------------------
# Time precision of a publication date, as ACLED's: 1 day, 2 week (the date is the middle of a
# seven-day window), 3 month (any day of the month stands for the month).
DAY, WEEK, MONTH = 1, 2, 3
WEEK_HALF_DAYS = 3
# Where stamps and datelines stand: the first non-empty lines of a page (masthead, headline,
# byline, stamp, dateline). Measured on news pages of many outlets (bench/pubdates.py): the
# stamp is within the first dozen lines; dates further down are the story's, not the page's.
HEADER_LINES = 12
# A line is a stamp line ("AFP, Friday 20 Jan 2023", "10/29/2022, 5:26 PM") when the date
# starts near the line's start and few words stand beside it; prose has more.
STAMP_LINE_WORDS = 8
STAMP_LINE_LEAD_CHARS = 30
# A text stamp this close to the URL's date is the page's own day (a republished wire story
# keeps the stamp of its first publication, the aggregator's URL the day it copied it).
URL_STAMP_AGREE_DAYS = 2
# Digit runs in a URL read as dates only from this year on (the web news era): earlier-looking
# runs are ids.
MIN_URL_YEAR = 1995
# How far before a date its sentence is searched for a cue that the date is recalled history.
RECALL_LOOKBACK_CHARS = 80

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                        "oct", "nov", "dec")
# Month names that are also common English words ("they may", "a march", "an august body"):
# these need a capital letter.
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "august"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DECADE_WORDS = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950,
                 "sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990,
                 "noughties": 2000}
# Words that may follow a number that is a date or a year; any other lowercase word after
# it ("12 people", "2000 troops") makes the number a count.
_FUNCTION_WORDS = frozenset("""
    a an the and or but nor as at in on to of by for from with without into onto was were
    is are be been being had has have when while after before during since until till that
    which who whom whose where this these those it its their there then than he she they we
    you his her our also alone saw said says say told reported amid against near
""".split())
# Words before a number that make it a count, not a year ("about 2000", "more than 1500").
_QUANTITY_WORDS = frozenset("""
    about some nearly almost around over than least most approximately roughly estimated
    total totalling totaling another additional extra only just up
""".split())


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in a text, with the period it names (None if unresolved)."""

    start: int  # character offsets of the expression in the given text
    end: int
    text: str
    range: DateRange | None  # None when it cannot be resolved (e.g. no reference date)
    kind: str  # "absolute" | "relative" | "weekday" | "month" | "year" | "range" | "decade" | "period"


def find_dates(text: str, published: dt.date | None, *, published_precision: int = DAY) -> list[DateMention]:
    """All date expressions in `text` (one sentence or a paragraph), resolved against the publication date.

    `published_precision` says how well the publication date is known (1 day, 2 week, 3 month;
    see infer_publication_date). Explicit dates ("October 21") are read against the latest day
    the publication can fall on, so that a page from October puts October 21 in that October.
    Relative ones ("yesterday", "on Monday", "last week") become the window they cover over
    every possible publication day; when only the month is known, that window is kept inside
    the month (the report tells of its own month) with the time_precision its width gives.
    """
    if published is None:
        return _scan(text, _Context(None, infer=False))
    earliest, latest = _publication_window(published, published_precision)
    return _scan(text, _Context(latest, infer=False, earliest=earliest,
                                keep_in_window=published_precision >= MONTH))


def infer_publication_date(text: str, *, url: str | None = None,
                           title: str | None = None) -> tuple[dt.date, int] | None:
    """The publication date of a page that gives none, as (date, precision) or None.

    Read the way an analyst reads a page, strongest evidence first:

    1. a full date in the URL (/2024/06/05/, -20240605-, ?date=2024-06-05), unless a stamp
       in the text falls within URL_STAMP_AGREE_DAYS of it (the story's own day);
    2. a year and month in the URL (/2024/06/): a stamp inside that month gives the day,
       else the month (precision 3);
    3. a stamp near the start of the page: a dateline ("KABUL, Sept 5 (Reuters) -",
       "December 1, 2024 (EL FASHER) -"), a labelled stamp ("Published: 3 May 2024",
       "Updated on ..."), a date standing alone on a header line ("Monday October 3, 2022",
       "AFP, Friday 20 Jan 2023"). A day and month without a year take the year from the
       weekday beside them (the latest year, not in the future, in which they fall on it),
       from the URL, or from the latest year the page names; never from nothing;
    4. else the latest day the body reports, as a weak guess: a page is published on or
       after what it tells, usually within days (precision 2, a week from that day).

    Dates the page recalls as history ("since the war began in April 2023", "the takeover
    in August 2021", "in the 1990s", "the 2016 attack"), archive-photo captions and named
    dates such as 9/11 never date the page; a month or a year alone is never taken for it.
    A pure function of its arguments (and of today's date, the latest a page can carry).
    """
    today = dt.date.today()
    text = _GLUED_READ_TIME.sub(r"\1 \2", text or "")
    mentions = _scan(text, _Context(None, infer=True))
    bounds = _line_bounds(text)
    body = _body_evidence(text, mentions, bounds, title, today)
    stamps = _stamps(text, mentions, bounds)
    url_day, url_month = _url_date(url, today)
    if url_day is not None:
        for stamp in stamps:
            day = _stamp_day(stamp, body, url_day.year, today)
            if day is not None and abs((day - url_day).days) <= URL_STAMP_AGREE_DAYS:
                return day, DAY
        return url_day, DAY
    if url_month is not None:
        year, month = url_month
        for stamp in stamps:
            day = _stamp_day(stamp, body, year, today, month=month)
            if day is not None and (day.year, day.month) == url_month:
                return day, DAY
        return min(dt.date(year, month, _last_day(year, month)), today), MONTH
    for stamp in stamps:
        day = _stamp_day(stamp, body, None, today)
        if day is not None:
            return day, DAY
    # A month or a year the body names is not taken for the page's: on news pages they are
    # mostly the history it recalls ("in January 2025, the sanctions ..."), measured in bench/pubdates.py.
    if body.days:
        return min(max(body.days) + dt.timedelta(days=WEEK_HALF_DAYS), today), WEEK
    return None


# --- scanning ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Context:
    published: dt.date | None  # the reference day: the latest day the publication can fall on
    infer: bool  # resolve a weekday with a day and month by the weekday's year
    earliest: dt.date | None = None  # the earliest day the publication can fall on (None: published)
    keep_in_window: bool = False  # keep relative dates inside the publication window (month precision)


# What a handler makes of one match: None rejects it, else (kind, range) with range None
# when the expression cannot be resolved without a reference date.
_Found = tuple[str, DateRange | None] | None
_Handler = Callable[[re.Match, _Context], _Found]
# Kinds read against the publication day itself, which a coarse publication date widens.
_RELATIVE_KINDS = frozenset({"relative", "weekday"})


class _Candidate(NamedTuple):
    start: int
    end: int
    rank: int  # index of the pattern that found it: breaks ties between equal lengths
    kind: str
    range: DateRange | None


def _scan(text: str, ctx: _Context) -> list[DateMention]:
    candidates: list[_Candidate] = []
    for rank, (pattern, handler) in enumerate(_PATTERNS):
        for match in pattern.finditer(text):
            try:
                found = handler(match, ctx)
                if (found is not None and found[1] is not None and found[0] in _RELATIVE_KINDS
                        and ctx.earliest is not None and ctx.earliest < ctx.published):
                    found = found[0], _over_window(handler, match, ctx, *found)
            except (ValueError, OverflowError) as err:  # an impossible date such as 31 February
                LOGGER.debug("not a date: %r (%s)", match.group(0), err)
                continue
            if found is None:
                continue
            start, end = match.span("x") if "x" in pattern.groupindex else match.span()
            candidates.append(_Candidate(start, end, rank, *found))
    # Longest expression first ("Thursday, September 2" over "Thursday"); among equals,
    # the pattern listed first.
    candidates.sort(key=lambda c: (c.start - c.end, c.rank, c.start))
    taken: list[_Candidate] = []
    spans: list[tuple[int, int]] = []  # the taken spans, sorted and disjoint
    for cand in candidates:
        i = bisect.bisect_left(spans, (cand.start, cand.end))
        if (i > 0 and spans[i - 1][1] > cand.start) or (i < len(spans) and spans[i][0] < cand.end):
            continue  # overlaps an expression already taken
        spans.insert(i, (cand.start, cand.end))
        taken.append(cand)
    mentions = []
    for cand in sorted(taken):
        expression = text[cand.start:cand.end]
        rng = cand.range
        if rng is not None:
            rng = DateRange(rng.date, rng.date_min, rng.date_max, rng.time_precision, expression)
        mentions.append(DateMention(cand.start, cand.end, expression, rng, cand.kind))
    return mentions


# --- calendar helpers -------------------------------------------------------------------

def _month_number(name: str) -> int:
    return _MONTH_LOOKUP[name.lower().rstrip(".")[:3]]


def _weekday_number(name: str) -> int:
    return _WEEKDAY_LOOKUP[name.lower().rstrip(".")[:3]]


def _day_number(token: str) -> int:
    return int(re.sub(r"\D", "", token))


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _possible(day: int, month: int) -> bool:
    """Whether the day exists in the month in some year (29 February does)."""
    return 1 <= month <= 12 and 1 <= day <= _last_day(2000, month)


def _latest_on_or_before(month: int, day: int, ref: dt.date) -> dt.date:
    """The day and month in the latest year that puts it on or before `ref`."""
    for year in range(ref.year, ref.year - 9, -1):  # 29 February recurs within 8 years
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= ref:
            return candidate
    raise ValueError(f"no year puts {day}/{month} before {ref}")


def _year_by_weekday(month: int, day: int, weekday: int) -> dt.date | None:
    """The latest date up to today (within YEAR_WINDOW years) on which day/month is that weekday."""
    today = dt.date.today()
    for year in range(today.year, today.year - YEAR_WINDOW, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate.weekday() == weekday and candidate <= today:
            return candidate
    return None


def _month_range(year: int, month: int, part: str | None = None) -> DateRange:
    first, last = 1, _last_day(year, month)
    if part:
        lo, hi = PART_OF_MONTH[part.lower()]
        first, last = lo, min(hi, last)
    return DateRange.span(dt.date(year, month, first), dt.date(year, month, last), precision=3)


def _year_range(first: int, last: int | None = None) -> DateRange:
    return DateRange.span(dt.date(first, 1, 1), dt.date(last or first, 12, 31), precision=3)


def _latest_month(month: int, ref: dt.date, *, strictly_before: bool = False) -> int:
    """The year of the latest such month on or before (or strictly before) the month of `ref`."""
    if month < ref.month or (month == ref.month and not strictly_before):
        return ref.year
    return ref.year - 1


def _minus_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, _last_day(year, month + 1)))


def _minus(day: dt.date, unit: str, n: int) -> dt.date:
    if unit == "day":
        return day - dt.timedelta(days=n)
    if unit == "week":
        return day - dt.timedelta(weeks=n)
    if unit == "month":
        return _minus_months(day, n)
    if unit == "year":
        return _minus_months(day, 12 * n)
    return _minus_months(day, 120 * n)  # decade


def _count(token: str | None) -> tuple[int, bool]:
    """(n, vague) for a count word or number; a missing count is one."""
    if not token:
        return 1, False
    words = " ".join(token.lower().split())
    if words in FUZZY_COUNTS:
        return FUZZY_COUNTS[words], True
    if words.isdigit():
        return int(words), False
    return NUMBER_WORDS[words], False


def _unit(token: str) -> str:
    return token.lower().rstrip("s")


def _word_after(text: str, pos: int) -> str | None:
    """The lowercase word right after `pos` (across spaces only), if any."""
    match = _NEXT_WORD.match(text, pos)
    return match.group(1) if match else None


def _count_noun_follows(text: str, pos: int) -> bool:
    word = _word_after(text, pos)
    return word is not None and word not in _FUNCTION_WORDS


# --- regular expressions ----------------------------------------------------------------

_MONTH_LOOKUP = {name[:3]: i for i, name in enumerate(_MONTHS, start=1)}
_WEEKDAY_LOOKUP = {name[:3]: i for i, name in enumerate(_WEEKDAYS)}
_NEXT_WORD = re.compile(r"[ \t]+([a-z][a-z'’-]*)\b")


def _month_alternation(*, full_only: bool) -> str:
    variants = []
    for name in _MONTHS:
        forms = {name.title(), name.upper()}
        if name not in _AMBIGUOUS_MONTHS:
            forms.add(name)
        variants += [rf"{form}\b" for form in forms]
    if not full_only:
        for abbr in _MONTH_ABBREVIATIONS:
            variants += [rf"{form}\b\.?" for form in (abbr.title(), abbr.upper())]
    variants.sort(key=len, reverse=True)
    return "(?:" + "|".join(variants) + ")"


_MONTH = _month_alternation(full_only=False)
_MONTH_FULL = _month_alternation(full_only=True)
_WEEKDAY_FULL = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
_WEEKDAY_ANY = rf"(?:{_WEEKDAY_FULL}|(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?)"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?!\w)"
_YEAR = r"(?<!\d)(?:19|20)[0-9]{2}(?!\d|[.,]\d)"
_COUNT = ("(?:" + "|".join(sorted([r"\d{1,3}", *(w.replace(" ", r"\s+") for w in FUZZY_COUNTS),
                                   *NUMBER_WORDS], key=len, reverse=True)) + ")")
_UNITS = r"(?:days?|weeks?|months?|years?|decades?)"
_CONNECTOR = r"(?:\s*[-–—]\s*|\s+(?P<conj>(?i:and|to|until|till|through))\s+)"
_TIME_OF_DAY = r"(?i:night|morning|afternoon|evening|overnight)\b"
# "Thursday", "Thursday night," before a date: "Thursday night, September 2".
_WEEKDAY_PREFIX = rf"(?:(?P<wd>{_WEEKDAY_ANY})(?:['’]s)?(?:\s+{_TIME_OF_DAY})?,?\s+(?:the\s+)?)?"
_MONTH_CUES = r"(?i:in|since|during|until|till|by|through|throughout|from|before|after|of|around)"
_YEAR_CUES = r"(?i:in|since|during|until|till|by|from|before|after|of|through|throughout|around|circa)"
_PART = r"(?P<part>(?i:early|mid|late))(?:-|\s+)"
_CLAUSE_END = r"(?=\s*(?:[,.;:!?)]|$))"
_NOT_AFTER = r"(?<![\w.,/-])"
# How much text before a match a handler reads for a cue word (a few words; bounded so that a
# long text is not searched from its start for every match).
_LOOKBEHIND_CHARS = 64
_OF_FOLLOWS = re.compile(r"\s+of\b", re.IGNORECASE)


# --- handlers ---------------------------------------------------------------------------

def _on_iso(m: re.Match, ctx: _Context) -> _Found:
    return "absolute", DateRange.day(dt.date(int(m["y"]), int(m["mo"]), int(m["d"])))


def _on_numeric(m: re.Match, ctx: _Context) -> _Found:
    year, first, second = int(m["y"]), int(m["d"]), int(m["mo"])
    try:  # day first, as in most of the world's press
        day = dt.date(year, second, first)
    except ValueError:  # 02/21/2022 can only be month first
        day = dt.date(year, first, second)
    return "absolute", DateRange.day(day)


def _on_named(m: re.Match, ctx: _Context) -> _Found:
    return "absolute", DateRange.day(NAMED_DATES[m.group(0)])


def _on_day_month(m: re.Match, ctx: _Context) -> _Found:
    day, month = _day_number(m["d1"]), _month_number(m["m1"])
    if not _possible(day, month):
        return None
    if m["y1"]:
        return "absolute", DateRange.day(dt.date(int(m["y1"]), month, day))
    if "month_first" in m.groupdict() and not m["wd"]:
        # "In March 12 people died": the month, then a count.
        before = m.string[max(0, m.start() - _LOOKBEHIND_CHARS):m.start()]
        if re.search(rf"\b{_MONTH_CUES}\s+$", before) and _count_noun_follows(m.string, m.end()):
            return None
    if ctx.published is not None:
        return "absolute", DateRange.day(_latest_on_or_before(month, day, ctx.published))
    if ctx.infer and m["wd"]:
        found = _year_by_weekday(month, day, _weekday_number(m["wd"]))
        return "absolute", DateRange.day(found) if found else None
    return "absolute", None


def _on_weekday_day_year(m: re.Match, ctx: _Context) -> _Found:
    """The latest month of the year, up to the publication (or today), whose day falls on the weekday."""
    year, day, weekday = int(m["y1"]), _day_number(m["d1"]), _weekday_number(m["wd"])
    latest = ctx.published or dt.date.today()
    fits = [dt.date(year, month, day) for month in range(1, 13)
            if day <= _last_day(year, month) and dt.date(year, month, day).weekday() == weekday
            and dt.date(year, month, day) <= latest]
    return ("absolute", DateRange.day(max(fits))) if fits else None


def _on_weekday(m: re.Match, ctx: _Context) -> _Found:
    if ctx.published is None:
        return "weekday", None
    pub = ctx.published
    target = _weekday_number(m["wd"])
    pre = " ".join((m["pre"] or "").lower().split())
    back = (pub.weekday() - target) % 7
    if pre in ("last", "this past"):
        back = back or 7
    elif pre == "next":
        back = -((target - pub.weekday()) % 7 or 7)
    elif pre == "this":
        back = pub.weekday() - target
    return "weekday", DateRange.day(pub - dt.timedelta(days=back))


def _on_month(m: re.Match, ctx: _Context) -> _Found:
    name = m["m1"]
    full = name.rstrip(".").lower() in _MONTHS
    if not (m["y1"] or m["ry"]) and (not full or not (m["cue"] or m["rel"] or m["part"])):
        return None  # "May God ...", "Mar": a bare month name needs a cue
    month = _month_number(name)
    if m["y1"]:
        year = int(m["y1"])
    elif ctx.published is None:
        return "month", None
    elif m["ry"]:
        year = ctx.published.year + {"last": -1, "this": 0, "next": 1}[m["ry"].lower()]
    elif m["rel"] and m["rel"].lower() == "last":
        year = _latest_month(month, ctx.published, strictly_before=True)
    elif m["rel"] and m["rel"].lower() == "this":
        year = ctx.published.year
    elif m["rel"]:  # next
        year = ctx.published.year + int(month <= ctx.published.month)
    else:
        year = _latest_month(month, ctx.published)
    return "month", _month_range(year, month, part=m["part"])


def _on_day_range(m: re.Match, ctx: _Context) -> _Found:
    if m["y1"] and not m["m1"]:
        return None
    d1, d2 = _day_number(m["d1"]), _day_number(m["d2"])
    m2 = _month_number(m["m2"])
    m1 = _month_number(m["m1"]) if m["m1"] else m2
    return _resolve_range(m, ctx, (d1, m1, m["y1"]), (d2, m2, m["y2"]))


def _on_month_day_range(m: re.Match, ctx: _Context) -> _Found:
    d1, d2 = _day_number(m["d1"]), _day_number(m["d2"])
    m1 = _month_number(m["m1"])
    m2 = _month_number(m["m2"]) if m["m2"] else m1
    if not m["m2"] and m["conj"] and _count_noun_follows(m.string, m.end("d2")):
        return None  # "March 3 and 30 civilians"
    return _resolve_range(m, ctx, (d1, m1, m["y1"]), (d2, m2, m["y2"]))


def _resolve_range(m: re.Match, ctx: _Context, first: tuple[int, int, str | None],
                   last: tuple[int, int, str | None]) -> _Found:
    (d1, m1, y1), (d2, m2, y2) = first, last
    if not (_possible(d1, m1) and _possible(d2, m2)):
        return None
    crosses_year = (m2, d2) < (m1, d1)  # "28 December to 3 January"
    if y1 or y2:
        end_year = int(y2) if y2 else int(y1) + crosses_year
        start_year = int(y1) if y1 else end_year - crosses_year
    elif ctx.published is not None:
        start_year = _latest_on_or_before(m1, d1, ctx.published).year
        end_year = start_year + crosses_year
    else:
        return "range", None
    lo, hi = dt.date(start_year, m1, d1), dt.date(end_year, m2, d2)
    if hi < lo:
        return None
    return "range", DateRange.span(lo, hi)


def _on_month_range(m: re.Match, ctx: _Context) -> _Found:
    m1, m2 = _month_number(m["m1"]), _month_number(m["m2"])
    crosses_year = m2 < m1
    if m["y1"] or m["y2"]:
        end_year = int(m["y2"]) if m["y2"] else int(m["y1"]) + crosses_year
        start_year = int(m["y1"]) if m["y1"] else end_year - crosses_year
    elif ctx.published is not None:
        end_year = _latest_month(m2, ctx.published)
        start_year = end_year - crosses_year
    else:
        return "range", None
    lo, hi = dt.date(start_year, m1, 1), dt.date(end_year, m2, _last_day(end_year, m2))
    if hi < lo:
        return None
    return "range", DateRange.span(lo, hi, precision=3)


def _on_year_range(m: re.Match, ctx: _Context) -> _Found:
    if m["conj"] and m["conj"].lower() == "and" and not m["pre"]:
        return None  # "in 2001 and 2005": two years, not a period
    y1, y2 = int(m["y1"]), int(m["y2"])
    if not y1 < y2 <= MAX_CUED_YEAR:
        return None
    return "range", _year_range(y1, y2)


def _on_decade(m: re.Match, ctx: _Context) -> _Found:
    if _OF_FOLLOWS.match(m.string, m.end()):
        return None  # "1000's of Afghans", "2000s of fighters": a garbled count
    if m["full"]:
        start = int(m["full"])
        if not MIN_YEAR <= start <= MAX_YEAR:
            return None  # "the 1000s": a count, or history no report dates by
    elif m["short"] or (m["bare"] and (m["the"] or m["part"])):
        tens = int(m["short"] or m["bare"])
        # "'90s" is the 1990s; "'20s" the 2020s once they have begun.
        start = 2000 + tens if 2000 + tens <= MAX_YEAR else 1900 + tens
    else:
        return None  # "in his 80s"
    return "decade", _decade_range(start, m["part"])


def _on_decade_word(m: re.Match, ctx: _Context) -> _Found:
    return "decade", _decade_range(_DECADE_WORDS[m["word"].lower()], m["part"])


def _decade_range(start: int, part: str | None) -> DateRange:
    lo, hi = PART_OF_DECADE[part.lower()] if part else (0, 9)
    return _year_range(start + lo, start + hi)


def _on_period(m: re.Match, ctx: _Context) -> _Found:
    return "period", None


def _on_year(m: re.Match, ctx: _Context) -> _Found:
    year = int(m["y"])
    text = m.string
    if m["cue"] or m["part"]:
        if not MIN_YEAR <= year <= MAX_CUED_YEAR:
            return None
    else:
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        before = text[max(0, m.start("y") - _LOOKBEHIND_CHARS):m.start("y")]
        previous = re.search(r"(\w+)\W*$", before)
        if previous and previous.group(1).lower() in _QUANTITY_WORDS:
            return None  # "about 2000 fighters"
        if re.search(r"\d[\s-]*$", before) or re.match(r"\s*\d", text[m.end("y"):]):
            return None  # part of a phone number or a list of figures
        if _count_noun_follows(text, m.end("y")):
            return None  # "2000 troops"
    if m["part"]:
        lo, hi = PART_OF_YEAR[m["part"].lower()]
        return "year", DateRange.span(dt.date(year, lo, 1), dt.date(year, hi, _last_day(year, hi)),
                                      precision=3)
    return "year", _year_range(year)


def _relative(resolve: Callable[[dt.date, re.Match], DateRange | None]) -> _Handler:
    """A handler for an expression read against the publication date."""
    def handler(m: re.Match, ctx: _Context) -> _Found:
        if ctx.published is None:
            return "relative", None
        return "relative", resolve(ctx.published, m)
    return handler


def _days_back(n: int) -> Callable[[dt.date, re.Match], DateRange]:
    return lambda pub, m: DateRange.day(pub - dt.timedelta(days=n))


def _this_week(pub: dt.date, m: re.Match) -> DateRange:
    return DateRange.span(pub - dt.timedelta(days=pub.weekday()), pub, precision=2)


def _last_week(pub: dt.date, m: re.Match) -> DateRange:
    monday = pub - dt.timedelta(days=pub.weekday() + 7)
    return DateRange.span(monday, monday + dt.timedelta(days=6), precision=2)


def _weekend(pub: dt.date, m: re.Match) -> DateRange:
    """"At the weekend", "over the weekend", "last weekend": the latest Saturday and Sunday on or
    before the report (a report of a Saturday or Sunday tells of that weekend)."""
    saturday = pub - dt.timedelta(days=(pub.weekday() - 5) % 7)
    if m.group(0).lower().startswith("last") and pub.weekday() >= 5:
        saturday -= dt.timedelta(days=7)
    return DateRange.span(saturday, min(saturday + dt.timedelta(days=1), pub), precision=2)


def _this_month(pub: dt.date, m: re.Match) -> DateRange:
    return DateRange.span(pub.replace(day=1), pub, precision=3)


def _last_month(pub: dt.date, m: re.Match) -> DateRange:
    previous = _minus_months(pub.replace(day=1), 1)
    return _month_range(previous.year, previous.month)


def _this_year(pub: dt.date, m: re.Match) -> DateRange:
    return DateRange.span(dt.date(pub.year, 1, 1), pub, precision=3)


def _last_year(pub: dt.date, m: re.Match) -> DateRange:
    return _year_range(pub.year - 1)


def _recent(pub: dt.date, m: re.Match) -> DateRange:
    return DateRange.span(pub - dt.timedelta(days=RECENT_DAYS[_unit(m["unit"])]), pub)


def _past(pub: dt.date, m: re.Match) -> DateRange:
    n, _vague = _count(m["n"])
    lo = _minus(pub, _unit(m["unit"]), n)
    return DateRange.span(lo, pub, precision=3 if (pub - lo).days > 7 else 2)


def _ago(pub: dt.date, m: re.Match) -> DateRange:
    n, vague = _count(m["n"])
    unit = _unit(m["unit"])
    if vague:
        return DateRange.span(_minus(pub, unit, 2 * n), _minus(pub, unit, 1))
    day = _minus(pub, unit, n)
    if unit == "day":
        return DateRange.day(day)
    if unit == "week":
        return DateRange.span(day - dt.timedelta(days=3), day + dt.timedelta(days=3), precision=2)
    if unit == "month":
        return _month_range(day.year, day.month)
    return _year_range(day.year)


def _needs_anchor(m: re.Match, ctx: _Context) -> _Found:
    return "relative", None  # "three days later": the caller knows what it is later than


def _needs_the_or_count(handler: _Handler) -> _Handler:
    """Leave a bare "last week" to its own pattern: "the last week" and "last two weeks" are spans."""
    def wrapped(m: re.Match, ctx: _Context) -> _Found:
        if not (m["the"] or m["n"]):
            return None
        return handler(m, ctx)
    return wrapped


# Each pattern's group "x" (when present) is the expression; the rest is context.
_PATTERNS: list[tuple[re.Pattern, _Handler]] = [
    (re.compile(r"(?<![\w./-])(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?!\d)"), _on_iso),
    (re.compile(r"(?<![\w./-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])"),
     _on_numeric),
    (re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, NAMED_DATES)) + r")(?![\w/])"), _on_named),
    # Monday (June 27th), Monday (27 June 2022): a stamp's weekday with its date in brackets
    (re.compile(rf"{_NOT_AFTER}(?P<wd>{_WEEKDAY_ANY})\s*\(\s*(?P<month_first>)(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})"
              rf"(?:,?\s+(?P<y1>{_YEAR}))?\s*\)"), _on_day_month),
    (re.compile(rf"{_NOT_AFTER}(?P<wd>{_WEEKDAY_ANY})\s*\(\s*(?P<d1>{_DAY})(?:\s+of)?\s+(?P<m1>{_MONTH})"
              rf"(?:,?\s+(?P<y1>{_YEAR}))?\s*\)"), _on_day_month),
    # (Thursday 26, 2022): a weekday, a day and a year; the month is the one that fits
    (re.compile(rf"\(\s*(?P<wd>{_WEEKDAY_FULL}),?\s+(?P<d1>{_DAY}),\s*(?P<y1>{_YEAR})\s*\)"), _on_weekday_day_year),
    # 21 February 2022, Thursday 2 September, the 1st of March
    (re.compile(rf"{_NOT_AFTER}{_WEEKDAY_PREFIX}(?P<d1>{_DAY})(?:\s+of)?\s+(?P<m1>{_MONTH})"
              rf"(?:,?\s+(?P<y1>{_YEAR}))?"), _on_day_month),
    # February 21, Feb. 21, 2022, Thursday, September 2
    (re.compile(rf"{_NOT_AFTER}{_WEEKDAY_PREFIX}(?P<month_first>)(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})"
              rf"(?:,?\s+(?P<y1>{_YEAR}))?"), _on_day_month),
    # between 4 and 6 September, 4-6 September, from 28 August to 3 September 2022
    (re.compile(rf"{_NOT_AFTER}(?P<x>(?:(?P<pre>(?i:between|from))\s+)?(?P<d1>{_DAY})"
              rf"(?:\s+(?:of\s+)?(?P<m1>{_MONTH}))?(?:,?\s+(?P<y1>{_YEAR}))?{_CONNECTOR}"
              rf"(?P<d2>{_DAY})(?:\s+of)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR}))?)"), _on_day_range),
    # September 4-6, between August 28 and September 3, 2022
    (re.compile(rf"{_NOT_AFTER}(?P<x>(?:(?P<pre>(?i:between|from))\s+)?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})"
              rf"(?:,?\s+(?P<y1>{_YEAR}))?{_CONNECTOR}(?:(?P<m2>{_MONTH})\s+)?(?P<d2>{_DAY})"
              rf"(?:,?\s+(?P<y2>{_YEAR}))?)"), _on_month_day_range),
    # between March and May 2022
    (re.compile(rf"\b(?P<x>(?P<pre>(?i:between|from))\s+(?P<m1>{_MONTH_FULL})(?:,?\s+(?P<y1>{_YEAR}))?"
              rf"\s+(?i:and|to|until|till|through)\s+(?P<m2>{_MONTH_FULL})(?:,?\s+(?P<y2>{_YEAR}))?)"),
     _on_month_range),
    # between 2001 and 2005, 1996-2001
    (re.compile(rf"{_NOT_AFTER}(?P<x>(?:(?P<pre>(?i:between|from))\s+)?(?P<y1>{_YEAR})"
              rf"{_CONNECTOR}(?P<y2>{_YEAR}))(?![\w-])"), _on_year_range),
    # in February, in early March, last August, February 2022, in August last year
    (re.compile(rf"(?:\b(?P<cue>{_MONTH_CUES})\s+)?\b(?P<x>(?:(?P<rel>(?i:last|this|next))\s+)?"
              rf"(?:{_PART})?(?P<m1>{_MONTH})(?:(?:,\s*|\s+)(?:of\s+)?(?P<y1>{_YEAR})"
              rf"|(?:\s+of)?\s+(?P<ry>(?i:last|this|next))\s+year\b)?)"), _on_month),
    # the 1980s, the late 1990s, the '90s, mid-1980s
    (re.compile(rf"(?:\b(?P<the>(?i:the))\s+)?(?P<x>(?:{_PART})?(?<![\w'’])(?:(?P<full>(?:1[0-9]|20)[0-9]0)"
              r"|['’](?P<short>[0-9]0)|(?P<bare>[0-9]0))['’]?s)\b"), _on_decade),
    # the Eighties, the late Nineties
    (re.compile(rf"\b(?P<the>(?i:the))\s+(?P<x>(?:{_PART})?(?P<word>(?i:"
              + "|".join(_DECADE_WORDS) + r")))\b"), _on_decade_word),
    # four decades, decades of war (a length of time, not a date)
    (re.compile(rf"\b(?P<x>(?:(?P<n>(?i:{_COUNT}|many))\s+)?(?i:decades?|centur(?:y|ies)))\b"), _on_period),
    # in 2001, since 1989, in early 2021, 1989
    (re.compile(rf"(?:\b(?P<cue>{_YEAR_CUES})\s+)?(?P<x>(?:\b{_PART})?(?<![\w.,$£€#/:+])(?<!\d[-–])"
              r"(?P<y>\d{4}))(?![\w%]|[.,]\d|[-–/:]\d)"), _on_year),
    # Saturday, last Thursday, earlier on Thursday, Thursday night, Thursday's overnight clashes
    (re.compile(rf"\b(?P<x>(?:(?P<pre>(?i:last|this\s+past|next|this|(?:earlier|later|late|early)\s+on"
              rf"|late|early|overnight\s+on|overnight))\s+)?(?P<wd>{_WEEKDAY_FULL})"
              rf"(?:(?:['’]s)?\s+{_TIME_OF_DAY})?)"), _on_weekday),
    (re.compile(r"\b(?i:the\s+day\s+before\s+yesterday)\b"), _relative(_days_back(2))),
    (re.compile(r"\b(?i:yesterday)\b"), _relative(_days_back(1))),
    (re.compile(r"\b(?i:(?:(?:earlier|later)\s+)?today|tonight|this\s+(?:morning|afternoon|evening))\b"),
     _relative(_days_back(0))),
    (re.compile(r"\b(?i:last\s+(?:night|evening)|overnight)\b"), _relative(_days_back(1))),
    (re.compile(r"\b(?i:the\s+previous\s+day|the\s+day\s+before)" + _CLAUSE_END), _relative(_days_back(1))),
    (re.compile(r"\b(?i:(?:earlier\s+)?this\s+week)\b"), _relative(_this_week)),
    (re.compile(r"\b(?i:last\s+week)\b"), _relative(_last_week)),
    (re.compile(r"\b(?i:(?:(?:at|over|during|on)\s+the|last|this\s+past|this)\s+weekend)\b"), _relative(_weekend)),
    (re.compile(r"\b(?i:(?:earlier\s+)?this\s+month)\b"), _relative(_this_month)),
    (re.compile(r"\b(?i:last\s+month)\b"), _relative(_last_month)),
    (re.compile(r"\b(?i:(?:earlier\s+)?this\s+year)\b"), _relative(_this_year)),
    (re.compile(r"\b(?i:last\s+year)\b"), _relative(_last_year)),
    (re.compile(r"\b(?i:in\s+)?(?P<x>(?i:recent)\s+(?P<unit>(?i:days|weeks|months|years)))\b"),
     _relative(_recent)),
    # the past two weeks, the last few days, past 48 days
    (re.compile(rf"\b(?i:(?:in|over|during|for)\s+)?(?P<x>(?:(?P<the>(?i:the))\s+)?(?i:past|last)\s+"
              rf"(?:(?P<n>(?i:{_COUNT}))\s+)?(?P<unit>(?i:{_UNITS})))\b"),
     _needs_the_or_count(_relative(_past))),
    # two days ago, a week ago, a few months ago
    (re.compile(rf"\b(?P<n>(?i:{_COUNT}))\s+(?P<unit>(?i:{_UNITS}))\s+(?i:ago)\b"), _relative(_ago)),
    # two days earlier (against publication: the caller may re-anchor it)
    (re.compile(rf"\b(?P<n>(?i:{_COUNT}))\s+(?P<unit>(?i:days?|weeks?))\s+"
                rf"(?i:earlier(?!\s+than\b)|before{_CLAUSE_END})"), _relative(_ago)),
    # three days later, two days before the attacks, the next day: relative to something else
    (re.compile(rf"\b(?:(?i:{_COUNT})\s+(?i:{_UNITS})\s+(?i:later|after|earlier\s+than|before)"
                r"|(?i:the\s+(?:next|following)\s+(?:day|morning|week)))\b"), _needs_anchor),
]


# --- publication dates ------------------------------------------------------------------

def _publication_window(published: dt.date, precision: int | None) -> tuple[dt.date, dt.date]:
    """The first and last day a publication date of that precision can stand for."""
    if precision is not None and precision >= MONTH:
        return published.replace(day=1), published.replace(day=_last_day(published.year, published.month))
    if precision == WEEK:
        half = dt.timedelta(days=WEEK_HALF_DAYS)
        return published - half, published + half
    return published, published


def _over_window(handler: _Handler, match: re.Match, ctx: _Context, kind: str, at_latest: DateRange) -> DateRange:
    """A relative expression read on every day the publication can fall on: the union of its readings."""
    found = handler(match, replace(ctx, published=ctx.earliest))
    if found is None or found[1] is None:
        return at_latest
    lo = min(found[1].date_min, at_latest.date_min)
    hi = max(found[1].date_max, at_latest.date_max)
    if ctx.keep_in_window and lo <= ctx.published and hi >= ctx.earliest:
        lo, hi = max(lo, ctx.earliest), min(hi, ctx.published)
        if kind == "weekday":  # "on Monday": the first Monday of the window, not its first day
            lo += dt.timedelta(days=(at_latest.date_max.weekday() - lo.weekday()) % 7)
    return DateRange.span(lo, hi)


def _cue_words(words: list[str]) -> re.Pattern:
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE)


_PUBDATE_CUES = json.loads(resources.files("sitrep.data").joinpath("pubdates.json").read_text(encoding="utf-8"))
_LABEL = _cue_words(_PUBDATE_CUES["labels"]).pattern
# A label right before the date, opening the line or after a separator: "Published : 30 May 2023",
# "By Reuters | Updated on 5 June 2024".
_LABEL_BEFORE = re.compile(rf"(?:^|[|/·•,–—-])\s*{_LABEL}(?:\s+(?:on|at))?\s*[:|–—-]?\s*$", re.IGNORECASE)
# A label opening the line or after a separator, anywhere before the date: "World | Published
# 3 hours ago | 5 June 2024".
_LABEL_OPENS = re.compile(rf"(?:^|[|/·•])\s*{_LABEL}", re.IGNORECASE)
_RECALLED = _cue_words(_PUBDATE_CUES["recalled"])
_RECALLED_COARSE = _cue_words(_PUBDATE_CUES["recalled"] + _PUBDATE_CUES["recalled_coarse"])
_FILE_CAPTION = _cue_words(_PUBDATE_CUES["file_captions"])
_FILE_OPENER = re.compile(r"^\W*" + _cue_words(_PUBDATE_CUES["file_openers"]).pattern + r"\s*[:–—-]",
                          re.IGNORECASE)
# "PLACE," before a dateline's date: one to four capitalised words ("KABUL,", "Port Sudan,").
_DATELINE_PLACE = re.compile(r"^[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3},$")
# After a date that opens a line: "(EL FASHER) -", "- ", ": ", ", Kabkabiya -".
_DATELINE_AFTER = re.compile(r"^\s*(?:\(|[–—-]|:|,\s*[A-Z])")
# "3/19/20251 min read": a read-time badge glued to the stamp's year.
_GLUED_READ_TIME = re.compile(r"(?<=[/.-])(\d{4})(\d{1,2}\s*min\b)")
_SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n")
# A line that ends a sentence is prose ("On August 2, 2024, gunmen stormed the hotel."), not a stamp.
_SENTENCE_END = re.compile(r"[a-z][.!?][\"'”’)]*\s*$")
_YEAR_IN = re.compile(_YEAR)
_DAY_MONTH_IN = re.compile(rf"(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH})|(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})")
_WEEKDAY_IN = re.compile(_WEEKDAY_ANY)


class _Stamp(NamedTuple):
    rank: int  # 0 dateline, 1 labelled stamp, 2 a date standing alone on a header line
    start: int
    mention: DateMention


@dataclass(frozen=True, slots=True)
class _Body:
    """What the page's own story tells about when it was written."""

    days: tuple[dt.date, ...]  # the days it reports (not recalled history, not archive captions)
    floor: dt.date | None  # the latest first day of any period it reports (a year, a month, a day)


def _line_bounds(text: str) -> list[tuple[int, int]]:
    bounds, pos = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if stripped.strip():
            bounds.append((pos, pos + len(stripped)))
        pos += len(line)
    return bounds


def _line_of(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int, int]:
    """(index among non-empty lines, start, end) of the line holding `pos`."""
    index = bisect.bisect_right(bounds, (pos, float("inf"))) - 1
    if index >= 0 and bounds[index][0] <= pos < bounds[index][1]:
        return index, *bounds[index]
    return len(bounds), pos, pos


def _recalled(text: str, start: int, *, coarse: bool) -> bool:
    """Whether the sentence before `start` recalls history ("since the war began in ...")."""
    before = _SENTENCE_BREAK.split(text[max(0, start - RECALL_LOOKBACK_CHARS):start])[-1]
    return bool((_RECALLED_COARSE if coarse else _RECALLED).search(before))


def _file_caption(line: str) -> bool:
    return bool(_FILE_OPENER.match(line) or _FILE_CAPTION.search(line))


def _body_evidence(text: str, mentions: list[DateMention], bounds: list[tuple[int, int]],
                   title: str | None, today: dt.date) -> _Body:
    """The days the page (and its title) report, and the start of the latest period they name."""
    days, starts = [], []
    title = title or ""
    for source, found, lines in ((text, mentions, bounds),
                                 (title, _scan(title, _Context(None, infer=True)), _line_bounds(title))):
        for m in found:
            if m.range is None or m.text in NAMED_DATES or m.range.date_min > today:
                continue
            _, line_start, line_end = _line_of(lines, m.start)
            if _file_caption(source[line_start:line_end]):
                continue
            day_level = m.kind in ("absolute", "range") and m.range.date_max - m.range.date_min <= dt.timedelta(days=7)
            if _recalled(source, m.start, coarse=not day_level):
                continue
            if day_level and m.range.date_max <= today:
                days.append(m.range.date_max)
            if m.kind in ("absolute", "range", "month", "year"):
                starts.append(m.range.date_min)
    return _Body(tuple(days), max(starts, default=None))


def _stamps(text: str, mentions: list[DateMention], bounds: list[tuple[int, int]]) -> list[_Stamp]:
    """The dates the page stamps itself with, strongest kind first, then in page order."""
    stamps = []
    for m in mentions:
        if m.kind != "absolute" or m.text in NAMED_DATES:
            continue
        index, line_start, line_end = _line_of(bounds, m.start)
        before, after = text[line_start:m.start], text[m.end:line_end]
        lead = before.strip()
        words = len(before.split()) + len(after.split())
        header = index < HEADER_LINES
        # "KABUL, Sept 5 (Reuters) -", "December 1, 2024 (EL FASHER) -", "Herat (Thursday 26, 2022):"
        place = lead + ("," if m.text.startswith("(") else "")
        if header and ((not lead and _DATELINE_AFTER.match(after)) or _DATELINE_PLACE.match(place)):
            stamps.append(_Stamp(0, m.start, m))
        elif _LABEL_BEFORE.search(before) or (_LABEL_OPENS.search(before) and words <= 2 * STAMP_LINE_WORDS):
            stamps.append(_Stamp(1, m.start, m))
        elif (header and len(lead) <= STAMP_LINE_LEAD_CHARS and words <= STAMP_LINE_WORDS
              and not _SENTENCE_END.search(after)):
            stamps.append(_Stamp(2, m.start, m))
    return sorted(stamps)


def _stamp_day(stamp: _Stamp, body: _Body, year: int | None, today: dt.date, *,
               month: int | None = None) -> dt.date | None:
    """The day a stamp stands for; a stamp without a year takes `year` (the URL's), its weekday's, or the body's."""
    m = stamp.mention
    if m.range is not None and _YEAR_IN.search(m.text):
        return m.range.date if m.range.date <= today else None
    found = _DAY_MONTH_IN.search(m.text)
    if found is None:
        return None
    stamp_month = _month_number(found["m"] or found["m2"])
    day = _day_number(found["d"] or found["d2"])
    weekday = _WEEKDAY_IN.search(m.text)
    weekday_number = _weekday_number(weekday.group(0)) if weekday else None
    if year is not None:
        if month is not None and stamp_month > month:
            year -= 1  # a December stamp on a January URL
        try:
            candidate = dt.date(year, stamp_month, day)
        except ValueError:
            return None
        if candidate <= today and weekday_number in (None, candidate.weekday()):
            return candidate
    if weekday_number is not None:
        return m.range.date if m.range is not None else None
    if body.floor is not None:
        try:
            candidate = _first_on_or_after(stamp_month, day, body.floor)
        except ValueError:
            return None
        return candidate if candidate <= today else None
    return None


def _first_on_or_after(month: int, day: int, ref: dt.date) -> dt.date:
    """The day and month in the first year that puts it on or after `ref`."""
    for year in range(ref.year, ref.year + 9):  # 29 February recurs within 8 years
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= ref:
            return candidate
    raise ValueError(f"no year puts {day}/{month} after {ref}")


_URL_MONTH = "(?P<mon>(?i:" + "|".join(sorted({*_MONTHS, *_MONTH_ABBREVIATIONS, "may"}, key=len, reverse=True)) + "))"
_URL_FULL = [
    # /2024/06/05/, 2024-06-05, ?date=2024-06-05
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[/_.-](?P<m>\d{1,2})[/_.-](?P<d>\d{1,2})(?!\d)"),
    # 10-Mar-2025, 5_june_2024
    re.compile(rf"(?<![\da-z])(?P<d>\d{{1,2}})[/_.-]{_URL_MONTH}[/_.-](?P<y>(?:19|20)\d{{2}})(?!\d)", re.IGNORECASE),
    # -20240605-, 202406050123 (a date opening a time stamp or an id)
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:\d{4}|\d{6})?(?!\d)"),
]
_URL_MONTH_ONLY = re.compile(rf"(?<!\d)(?P<y>(?:19|20)\d{{2}})[/_-](?:(?P<m>\d{{1,2}})|{_URL_MONTH})(?=[/?#&_-]|$)",
                             re.IGNORECASE)


def _url_date(url: str | None, today: dt.date) -> tuple[dt.date | None, tuple[int, int] | None]:
    """(full date, None) or (None, (year, month)) read from a URL's path or query, or (None, None)."""
    if not url:
        return None, None
    rest = re.sub(r"^[a-z][a-z0-9+.-]*://[^/?#]*", "", unquote(url), flags=re.IGNORECASE)
    for pattern in _URL_FULL:
        for found in pattern.finditer(rest):
            month = int(found["m"]) if "m" in found.groupdict() and found["m"] else None
            if month is None:
                month = _month_number(found["mon"])
            try:
                day = dt.date(int(found["y"]), month, int(found["d"]))
            except ValueError:
                continue
            if MIN_URL_YEAR <= day.year and day <= today:
                return day, None
    for found in _URL_MONTH_ONLY.finditer(rest):
        try:
            month = int(found["m"]) if found["m"] else _month_number(found["mon"])
        except KeyError:
            continue
        year = int(found["y"])
        if 1 <= month <= 12 and MIN_URL_YEAR <= year and (year, month) <= (today.year, today.month):
            return None, (year, month)
    return None, None
