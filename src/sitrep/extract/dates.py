"""Dates: find the date expressions in a report and resolve them against its publication date."""
from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..records import DateRange

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


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """All date expressions in `text` (one sentence or a paragraph), resolved against the publication date."""
    return _scan(text, _Context(published, infer=False))


def infer_publication_date(text: str) -> tuple[dt.date, int] | None:
    """For an undated article: the latest date it reports, (day, 1) or (last day of a month, 3), or None.

    Full dates are explicit ones ("5 March 2020", "2020-03-05") and a weekday with a day
    and month, which fixes the year ("Thursday, September 2" is 2021-09-02, the latest year
    up to MAX_YEAR in which September 2 fell on a Thursday). A report is published on or
    after the events it tells, hence the latest; named dates such as 9/11 are history,
    not news, and are left out.
    """
    mentions = [m for m in _scan(text, _Context(None, infer=True))
                if m.range is not None and m.text not in NAMED_DATES and m.range.date.year <= MAX_YEAR]
    days = [m.range.date for m in mentions if m.kind == "absolute" and m.range.time_precision == 1]
    # A month with its year ("in March 2022") also bounds the publication from below: when it
    # is later than every full date, only the month of publication is known.
    months = [m.range for m in mentions if m.kind == "month" and m.range.time_precision == 3]
    latest_month = max(months, key=lambda r: r.date_min, default=None)
    if days and (latest_month is None or max(days) >= latest_month.date_min):
        return max(days), 1
    if latest_month is not None:
        return latest_month.date_max, 3
    return None


# --- scanning ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Context:
    published: dt.date | None
    infer: bool  # resolve a weekday with a day and month by the weekday's year


# What a handler makes of one match: None rejects it, else (kind, range) with range None
# when the expression cannot be resolved without a reference date.
_Found = tuple[str, DateRange | None] | None
_Handler = Callable[[re.Match, _Context], _Found]


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
    for cand in candidates:
        if all(cand.end <= other.start or cand.start >= other.end for other in taken):
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
    """The latest date up to MAX_YEAR (within YEAR_WINDOW years) on which day/month is that weekday."""
    for year in range(MAX_YEAR, MAX_YEAR - YEAR_WINDOW, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate.weekday() == weekday:
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
        before = m.string[:m.start()]
        if re.search(rf"\b{_MONTH_CUES}\s+$", before) and _count_noun_follows(m.string, m.end()):
            return None
    if ctx.published is not None:
        return "absolute", DateRange.day(_latest_on_or_before(month, day, ctx.published))
    if ctx.infer and m["wd"]:
        found = _year_by_weekday(month, day, _weekday_number(m["wd"]))
        return "absolute", DateRange.day(found) if found else None
    return "absolute", None


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
    if m["full"]:
        start = int(m["full"])
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
        before = text[:m.start("y")]
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
