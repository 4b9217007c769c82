"""Tests for sitrep.extract.dates: finding and resolving date expressions in plain strings."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.extract import dates
from sitrep.extract.dates import MAX_YEAR, DateMention, find_dates, infer_publication_date
from sitrep.records import DateRange

D = dt.date
# A Thursday, so that weekday arithmetic has both sides to get wrong.
PUB = D(2022, 5, 12)


def only(text: str, published: dt.date | None = PUB) -> DateMention:
    found = find_dates(text, published)
    assert len(found) == 1, found
    return found[0]


def resolved(text: str, published: dt.date | None = PUB) -> list[tuple[str, DateRange | None]]:
    return [(m.text, m.range) for m in find_dates(text, published)]


def test_public_names_are_pinned():
    assert sorted(dates.__all__) == sorted(
        ["DateMention", "find_dates", "infer_publication_date", "MAX_YEAR", "NAMED_DATES"])
    for name in dates.__all__:
        assert hasattr(dates, name)


def test_max_year_is_this_year():
    assert MAX_YEAR == dt.date.today().year


# --- absolute -----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expression, day", [
    ("Gunmen stormed the checkpoint on 21 February, officials said.", "21 February", D(2022, 2, 21)),
    ("The bridge was blown up on February 21 by retreating troops.", "February 21", D(2022, 2, 21)),
    ("A drone struck the depot on Feb. 21, according to residents.", "Feb. 21", D(2022, 2, 21)),
    ("The ceasefire collapsed on Feb 21, 2022 after a week.", "Feb 21, 2022", D(2022, 2, 21)),
    ("Shelling resumed on 21 February 2022 near the river.", "21 February 2022", D(2022, 2, 21)),
    ("Police logged the raid as 21/02/2022 in their files.", "21/02/2022", D(2022, 2, 21)),
    ("The log entry reads 2022-02-21 for the ambush.", "2022-02-21", D(2022, 2, 21)),
    ("The airport was overrun on September 2, 2021, witnesses recalled.", "September 2, 2021", D(2021, 9, 2)),
    ("Hijacked planes struck on September 11, 2001.", "September 11, 2001", D(2001, 9, 11)),
    ("Protesters gathered on the 1st of March outside the ministry.", "1st of March", D(2022, 3, 1)),
    ("Troops withdrew on Sept. 3rd without a shot.", "Sept. 3rd", D(2021, 9, 3)),
    ("Rebels entered the valley on 14.04.2022 at dawn.", "14.04.2022", D(2022, 4, 14)),
])
def test_absolute_dates(sentence, expression, day):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (expression, "absolute")
    assert mention.range == DateRange.day(day, expression)
    assert sentence[mention.start:mention.end] == expression


def test_day_and_month_take_the_latest_year_on_or_before_publication():
    # Published 12 May 2022: 10 May is this year, 20 May is last year.
    assert only("Clashes on 10 May killed two.").range.date == D(2022, 5, 10)
    assert only("Clashes on 20 May killed two.").range.date == D(2021, 5, 20)
    # Across new year.
    assert only("A blast on December 30 hit the market.", D(2023, 1, 2)).range.date == D(2022, 12, 30)
    # The publication day itself counts.
    assert only("Fighting began on 12 May.").range.date == D(2022, 5, 12)


def test_leap_day_without_year_goes_back_to_a_leap_year():
    assert only("Ambush on 29 February in the hills.").range.date == D(2020, 2, 29)


def test_month_first_numeric_date_when_day_first_is_impossible():
    assert only("The memo is dated 02/21/2022.").range.date == D(2022, 2, 21)


def test_named_date():
    mention = only("Since 9/11 the base has been on alert.")
    assert (mention.text, mention.kind, mention.range.date) == ("9/11", "absolute", D(2001, 9, 11))


# --- weekday ------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expression, day", [
    ("On Saturday militants burned a school.", "Saturday", D(2022, 5, 7)),
    ("Saturday, the militia retook the hill.", "Saturday", D(2022, 5, 7)),
    # Published on a Thursday: "on Thursday" is the publication day.
    ("On Thursday a convoy was ambushed.", "Thursday", D(2022, 5, 12)),
    ("Artillery hit the suburb on Thursday night.", "Thursday night", D(2022, 5, 12)),
    ("Thursday's overnight clashes left the town dark.", "Thursday's overnight", D(2022, 5, 12)),
    ("Earlier on Thursday, a mortar landed near the mosque.", "Earlier on Thursday", D(2022, 5, 12)),
    ("Late on Tuesday the rebels pulled back.", "Late on Tuesday", D(2022, 5, 10)),
    ("The raid happened early Friday morning.", "early Friday morning", D(2022, 5, 6)),
    ("Last Thursday soldiers seized the depot.", "Last Thursday", D(2022, 5, 5)),
    ("They attacked the post last Monday.", "last Monday", D(2022, 5, 9)),
    ("Elders met on sunday to discuss the truce.", "sunday", D(2022, 5, 8)),
])
def test_weekdays(sentence, expression, day):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (expression, "weekday")
    assert mention.range == DateRange.day(day, expression)


def test_weekday_with_date_lets_the_date_win():
    mention = only("On Thursday, September 2 the convoy was hit.")
    assert (mention.text, mention.kind, mention.range.date) == (
        "Thursday, September 2", "absolute", D(2021, 9, 2))
    # 3 September 2021 was a Friday: the wrong weekday is ignored, the date stands.
    assert only("On Thursday, 3 September 2021 the post fell.").range.date == D(2021, 9, 3)
    assert only("Monday 23 March was quiet.").range.date == D(2022, 3, 23)
    # A time of day may sit between the weekday and the date.
    mention = only("On Wednesday evening, 1 September, the pass was closed.")
    assert (mention.text, mention.range.date) == ("Wednesday evening, 1 September", D(2021, 9, 1))


# --- relative -----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expression, day", [
    ("Yesterday a car bomb exploded near the gate.", "Yesterday", D(2022, 5, 11)),
    ("The governor said today that roads were closed.", "today", D(2022, 5, 12)),
    ("Rockets fell on the airport last night.", "last night", D(2022, 5, 11)),
    ("Fighting continued overnight in the old city.", "overnight", D(2022, 5, 11)),
    ("A curfew begins tonight in the capital.", "tonight", D(2022, 5, 12)),
    ("Police dispersed a crowd this morning.", "this morning", D(2022, 5, 12)),
    ("Two soldiers died earlier today in a blast.", "earlier today", D(2022, 5, 12)),
    ("Three days ago a drone hit a wedding.", "Three days ago", D(2022, 5, 9)),
    ("The town had fallen two days earlier, a resident said.", "two days earlier", D(2022, 5, 10)),
    ("The lorry was seized the day before.", "the day before", D(2022, 5, 11)),
])
def test_relative_days(sentence, expression, day):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (expression, "relative")
    assert mention.range == DateRange.day(day, expression)


@pytest.mark.parametrize("sentence, expression, lo, hi, precision", [
    ("Raids increased earlier this week in the north.", "earlier this week", D(2022, 5, 9), PUB, 2),
    ("Fighters took the dam last week.", "last week", D(2022, 5, 2), D(2022, 5, 8), 2),
    ("Attacks rose this month across the province.", "this month", D(2022, 5, 1), PUB, 3),
    ("Earlier this month the army retreated.", "Earlier this month", D(2022, 5, 1), PUB, 3),
    ("Last month two clinics were looted.", "Last month", D(2022, 4, 1), D(2022, 4, 30), 3),
    ("In recent weeks the road has been mined.", "recent weeks", D(2022, 4, 21), PUB, 3),
    ("In the past two weeks, 40 people fled.", "the past two weeks", D(2022, 4, 28), PUB, 3),
    ("In the past few days the shelling eased.", "the past few days", D(2022, 5, 9), PUB, 2),
    ("Over the past week rebels advanced.", "the past week", D(2022, 5, 5), PUB, 2),
    ("Two weeks ago the mayor was kidnapped.", "Two weeks ago", D(2022, 4, 25), D(2022, 5, 1), 2),
    ("Earlier this year the border shut.", "Earlier this year", D(2022, 1, 1), PUB, 3),
    ("Last year the militia split.", "Last year", D(2021, 1, 1), D(2021, 12, 31), 3),
])
def test_relative_spans(sentence, expression, lo, hi, precision):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (expression, "relative")
    assert (mention.range.date_min, mention.range.date_max, mention.range.time_precision) == (lo, hi, precision)
    assert lo <= mention.range.date <= hi


def test_this_week_on_a_monday_is_still_a_week_precision():
    assert only("Earlier this week a bus was hit.", D(2022, 5, 9)).range.time_precision == 2


def test_expressions_that_need_an_anchor_are_left_unresolved():
    assert resolved("Three days later the town fell.") == [("Three days later", None)]
    assert resolved("The next day the army came back.") == [("The next day", None)]
    # "the day before the election" is anchored to the election, not to publication.
    assert find_dates("They struck the day before the election.", PUB) == []
    assert resolved("He was shot three days earlier than the raid.") == [("three days earlier than", None)]
    assert resolved("Two weeks before the vote, mortars fell.") == [("Two weeks before", None)]


# --- months -------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expression, lo, hi", [
    ("The offensive started in February.", "February", D(2022, 2, 1), D(2022, 2, 28)),
    ("Aid stopped in March, the agency said.", "March", D(2022, 3, 1), D(2022, 3, 31)),
    # Published in May 2022: September is last year's, May is this one.
    ("The village was burned in September.", "September", D(2021, 9, 1), D(2021, 9, 30)),
    ("Talks failed in May.", "May", D(2022, 5, 1), D(2022, 5, 31)),
    ("Food prices soared in February 2022.", "February 2022", D(2022, 2, 1), D(2022, 2, 28)),
    ("The prison break was in August last year.", "August last year", D(2021, 8, 1), D(2021, 8, 31)),
    ("The prison break was in August 2021.", "August 2021", D(2021, 8, 1), D(2021, 8, 31)),
    ("Roads reopened in late April.", "late April", D(2022, 4, 21), D(2022, 4, 30)),
    ("The siege began in mid-January.", "mid-January", D(2022, 1, 11), D(2022, 1, 20)),
])
def test_months(sentence, expression, lo, hi):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (expression, "month")
    assert (mention.range.date_min, mention.range.date_max, mention.range.time_precision) == (lo, hi, 3)


def test_the_same_month_is_left_to_the_caller():
    assert find_dates("The same month, the rebels regrouped.", PUB) == []


# --- ranges -------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expression", [
    ("Curfews were imposed between 4 and 6 September in the east.", "between 4 and 6 September"),
    ("Schools shut from 4 to 6 September after threats.", "from 4 to 6 September"),
    ("Strikes hit the city 4-6 September, officials said.", "4-6 September"),
    ("Strikes hit the city September 4-6, officials said.", "September 4-6"),
    ("Strikes hit the city on 4–6 September.", "4–6 September"),
])
def test_day_ranges(sentence, expression):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (expression, "range")
    rng = mention.range
    assert (rng.date_min, rng.date_max, rng.date, rng.time_precision) == (
        D(2021, 9, 4), D(2021, 9, 6), D(2021, 9, 5), 2)


def test_range_across_months_and_years():
    rng = only("The blockade lasted from 28 August to 3 September 2022.", D(2022, 10, 1)).range
    assert (rng.date_min, rng.date_max, rng.time_precision) == (D(2022, 8, 28), D(2022, 9, 3), 2)
    rng = only("Raids went on from 20 December to 10 January.", D(2022, 2, 1)).range
    assert (rng.date_min, rng.date_max, rng.time_precision) == (D(2021, 12, 20), D(2022, 1, 10), 3)


def test_month_and_year_ranges():
    rng = only("Between March and May 2021 the road was closed.").range
    assert (rng.date_min, rng.date_max, rng.time_precision) == (D(2021, 3, 1), D(2021, 5, 31), 3)
    mention = only("The group ruled the valley from 1996 to 2001.")
    assert (mention.kind, mention.range.date_min, mention.range.date_max) == (
        "range", D(1996, 1, 1), D(2001, 12, 31))


# --- years and decades --------------------------------------------------------------------

@pytest.mark.parametrize("sentence, year", [
    ("The garrison was built in 2001 by engineers.", 2001),
    ("The last Soviet column crossed the bridge in 1989.", 1989),
    ("Since 2014, the border towns have emptied.", 2014),
    ("1989 was the year the army left.", 1989),
])
def test_years(sentence, year):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (str(year), "year")
    assert (mention.range.date_min, mention.range.date_max, mention.range.time_precision) == (
        D(year, 1, 1), D(year, 12, 31), 3)


def test_part_of_a_year():
    rng = only("The insurgency flared in early 2021.").range
    assert (rng.date_min, rng.date_max, rng.time_precision) == (D(2021, 1, 1), D(2021, 4, 30), 3)


@pytest.mark.parametrize("sentence, expression, first, last", [
    ("Warlords ruled the region in the 1980s.", "1980s", 1980, 1989),
    ("The camps date from the Eighties.", "Eighties", 1980, 1989),
    ("Refugees arrived in the late 1990s.", "late 1990s", 1997, 1999),
    ("A truce held through the '90s.", "'90s", 1990, 1999),
    ("The dam was built in the mid-1970s.", "mid-1970s", 1974, 1976),
])
def test_decades(sentence, expression, first, last):
    mention = only(sentence)
    assert (mention.text, mention.kind) == (expression, "decade")
    assert (mention.range.date_min, mention.range.date_max, mention.range.time_precision) == (
        D(first, 1, 1), D(last, 12, 31), 3)


def test_four_decades_is_a_period_not_a_date():
    mention = only("Four decades of war have emptied the valley.")
    assert (mention.text, mention.kind, mention.range) == ("Four decades", "period", None)


# --- hard negatives -----------------------------------------------------------------------

def test_weekday_followed_by_a_count_is_only_the_weekday():
    mention = only("On Monday 23 fighters surrendered to the police.")
    assert (mention.text, mention.kind, mention.range.date) == ("Monday", "weekday", D(2022, 5, 9))


@pytest.mark.parametrize("sentence", [
    "The conflict has lasted 40 years.",
    "Militants hold ground in 12 provinces.",
    "Roughly 10,000 fighters crossed the border.",
    "Engineers are building a 400-bed hospital.",
    "The 5 helicopters landed at the base.",
    "Guards carried M4 rifles and an AK-47.",
    "Officials warned they may attack the convoy.",
    "May God protect the people of this city.",
    "Thousands joined a protest march through the centre.",
    "Supporters said they will march on the capital.",
    "The 1st battalion moved north.",
    "For information call +44 20 7946 2011 or 0799 2001 555.",
    "The patrol left at 2am and returned at 0600.",
    "About 2000 troops arrived by road.",
    "Some 1,500 families fled the fighting.",
    "The form says 2022-13-45 in the date box.",
    "The memo claims the raid was on 31 February.",
    "The guards fired 2000 rounds.",
])
def test_not_dates(sentence):
    assert find_dates(sentence, PUB) == []


def test_month_then_count_after_in():
    # "In March, 12 people" read without the comma: the month, not 12 March.
    mention = only("In March 12 people were killed.")
    assert (mention.text, mention.kind) == ("March", "month")
    # With "on" it is a day.
    assert only("On March 12 rebels attacked.").range.date == D(2022, 3, 12)


# --- without a publication date -----------------------------------------------------------

def test_without_publication_date_only_full_dates_resolve():
    text = ("On Saturday, yesterday, in March, on 21 February, on 21 February 2022, in 2001, "
            "in the 1980s, and on Thursday, September 2.")
    got = {m.text: m for m in find_dates(text, None)}
    assert got["21 February 2022"].range == DateRange.day(D(2022, 2, 21), "21 February 2022")
    assert got["2001"].range.date_min == D(2001, 1, 1)
    assert got["1980s"].range.date_max == D(1989, 12, 31)
    for unresolved in ("Saturday", "yesterday", "March", "21 February", "Thursday, September 2"):
        assert got[unresolved].range is None, unresolved
    assert got["Saturday"].kind == "weekday"
    assert got["yesterday"].kind == "relative"


# --- several in one text ------------------------------------------------------------------

def test_paragraph_offsets_and_order():
    text = ("Militants struck on Tuesday. The army had retaken the town on 2 May, "
            "but lost it again in the past few days.")
    found = find_dates(text, PUB)
    assert [m.text for m in found] == ["Tuesday", "2 May", "the past few days"]
    assert [m.kind for m in found] == ["weekday", "absolute", "relative"]
    for m in found:
        assert text[m.start:m.end] == m.text
        assert m.range.text == m.text


def test_empty_text():
    assert find_dates("", PUB) == []
    assert infer_publication_date("") is None


# --- a publication date known to the week or the month -----------------------------------

# A page known only to be from October 2024 (ingest reads "2024-10" as its 1st, precision 3).
OCTOBER = D(2024, 10, 1)


def _only(text: str, published: dt.date, precision: int) -> DateMention:
    found = find_dates(text, published, published_precision=precision)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("sentence, lo, hi, precision", [
    # Every Monday of October 2024: the 7th to the 28th.
    ("Gunmen raided the market on Monday, elders said.", D(2024, 10, 7), D(2024, 10, 28), 3),
    ("The convoy was ambushed yesterday near the bridge.", D(2024, 10, 1), D(2024, 10, 30), 3),
    ("The depot burned last week after an air strike.", D(2024, 10, 1), D(2024, 10, 27), 3),
    ("Police reported the killings today in a statement.", D(2024, 10, 1), D(2024, 10, 31), 3),
    # A window wholly outside the month stays where it is.
    ("The ceasefire collapsed last month in the north.", D(2024, 9, 1), D(2024, 9, 30), 3),
])
def test_month_only_publication_keeps_relative_dates_in_its_month(sentence, lo, hi, precision):
    mention = _only(sentence, OCTOBER, 3)
    assert (mention.range.date_min, mention.range.date_max, mention.range.time_precision) == (lo, hi, precision)
    assert mention.range.date != D(2024, 10, 1) or lo == hi == D(2024, 10, 1)


def test_month_only_publication_never_dates_a_relative_event_on_the_first():
    for sentence in ("Militias clashed on Friday.", "Troops withdrew yesterday.", "A bomb exploded this week."):
        mention = _only(sentence, OCTOBER, 3)
        assert mention.range.date != OCTOBER, sentence
        assert mention.range.time_precision in (2, 3)


def test_explicit_day_in_the_publication_month_is_not_moved_a_year_back():
    assert _only("Rebels took the hill on October 21.", OCTOBER, 3).range == DateRange.day(D(2024, 10, 21),
                                                                                          "October 21")
    assert _only("Rebels took the hill on 21 October.", D(2024, 10, 31), 3).range.date == D(2024, 10, 21)
    # A later month than the page's is still last year's.
    assert _only("Rebels took the hill on 28 November.", OCTOBER, 3).range.date == D(2023, 11, 28)
    # The day-precise default is unchanged: a page of 1 October puts October 21 a year back.
    assert only("Rebels took the hill on October 21.", OCTOBER).range.date == D(2023, 10, 21)


def test_week_precision_publication_widens_relative_dates_to_the_week():
    # Published within 2024-06-05 .. 2024-06-11 (a weak guess centred on the 8th).
    mention = _only("The town fell on Wednesday.", D(2024, 6, 8), 2)
    assert (mention.range.date_min, mention.range.date_max) == (D(2024, 6, 5), D(2024, 6, 5))
    mention = _only("The town fell yesterday.", D(2024, 6, 8), 2)
    assert (mention.range.date_min, mention.range.date_max, mention.range.time_precision) == (
        D(2024, 6, 4), D(2024, 6, 10), 2)


def test_publication_precision_is_keyword_only():
    with pytest.raises(TypeError):
        find_dates("on Monday", OCTOBER, 3)  # type: ignore[misc]


# --- numbers that are not years -----------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Witnesses said 1000's of Afghans crossed the border.",
    "Commanders sent 100s of fighters to the front.",
    "The army said 2000s of rounds were fired.",
    "Some 2,000 families fled the shelling.",
    "Roughly 1,500 people sheltered in the mosque.",
    "Elders counted 1000s of displaced in the camp.",
])
def test_garbled_counts_are_not_years(sentence):
    assert [m for m in find_dates(sentence, PUB) if m.kind in ("year", "decade")] == []


def test_a_real_decade_is_still_a_decade():
    assert only("Warlords ruled the valley in the 1990s.").range.date_min == D(1990, 1, 1)


# --- infer_publication_date ---------------------------------------------------------------

def latest_year_with_weekday(month: int, day: int, weekday: int) -> dt.date:
    """The latest day/month, up to today, that fell on the weekday (what infer must pick)."""
    today = dt.date.today()
    return max(d for y in range(today.year - 29, today.year + 1)
               if (d := D(y, month, day)).weekday() == weekday and d <= today)


def test_infer_signature_takes_url_and_title_by_keyword():
    assert infer_publication_date("Gunmen attacked a bus.", url=None, title=None) is None
    with pytest.raises(TypeError):
        infer_publication_date("text", "https://example.org/2024/06/05/x")  # type: ignore[misc]


def test_weekday_with_day_and_month_fixes_the_year():
    assert infer_publication_date("Kabul, Thursday, September 2: rockets hit the airport.") == (D(2021, 9, 2), 1)
    assert infer_publication_date("Friday, 13 May: the town is quiet.") == (latest_year_with_weekday(5, 13, 4), 1)


def test_weekday_year_is_never_in_the_future():
    today = dt.date.today()
    ahead = today + dt.timedelta(days=3)  # this year's date is still to come: the year before that fits
    text = f"{ahead.strftime('%A')}, {ahead.day} {ahead.strftime('%B')}: shops reopened in the old town."
    found, precision = infer_publication_date(text)
    assert found < today and (found.month, found.day) == (ahead.month, ahead.day) and precision == 1


@pytest.mark.parametrize("text, day", [
    ("KABUL, Sept 5, 2021 (Reuters) - Fighters loyal to the front said they held the pass.", D(2021, 9, 5)),
    ("GOMA, Jan 3 (AFP) — Rebels shelled the outskirts in the first days of 2024.", D(2024, 1, 3)),
    ("BOGOTA, Aug 24, 2025 (Wire/AFP) - Two suspects were detained.", D(2025, 8, 24)),
    ("Mosul, March 4 (Agency) The first days of 2017 saw the push resume.", D(2017, 3, 4)),
    ("December 1, 2024 (EL FASHER) — Missiles struck the camp on Sunday.", D(2024, 12, 1)),
    ("14.06.2023: Kismayo — Gunmen attacked a checkpoint.", D(2023, 6, 14)),
    ("Herat, Monday (June 27th) - The district chief was shot dead.", D(2022, 6, 27)),
    ("Herat (Thursday 26, 2022): the district chief was shot dead.", D(2022, 5, 26)),
])
def test_datelines(text, day):
    assert infer_publication_date(text) == (day, 1)


def test_dateline_without_a_year_needs_something_that_gives_one():
    # No weekday, no URL and no year anywhere: the day and month alone do not date the page.
    assert infer_publication_date("JUBA, Feb 11 (Wire) - Cattle raiders killed nine herders.") is None
    assert infer_publication_date("JUBA, Feb 11 (Wire) - Raiders struck.",
                                  url="https://example.org/world/2023/02/raid") == (D(2023, 2, 11), 1)


@pytest.mark.parametrize("text, day", [
    ("By Staff Writer\nPublished : 30 May 2023 09:35 PM\n\nGunmen stormed the base.", D(2023, 5, 30)),
    ("Updated: 12 March 2024\nShelling resumed on Monday.", D(2024, 3, 12)),
    ("Posted on May 4, 2025 by desk\n\nA roadside bomb hit a convoy.", D(2025, 5, 4)),
    ("World | Published 3 hours ago | 5 June 2024\n\nThe militia said it held the town.", D(2024, 6, 5)),
    ("Latest news\nMonday October 3, 2022\n\nBAIDOA (Wire) - Two blasts shook the market.", D(2022, 10, 3)),
    ("Wire , Friday 20 Jan 2023\n\nSoldiers repelled an attack at dawn.", D(2023, 1, 20)),
    ("10/29/2022, 5:26:29 PM\n\nTwo car bombs exploded near the ministry.", D(2022, 10, 29)),
    ("Reporter Name\n\n3/19/20251 min read\n\nMortar shells fell near the airport.", D(2025, 3, 19)),
])
def test_stamps_near_the_start(text, day):
    assert infer_publication_date(text) == (day, 1)


def test_a_stamp_near_the_start_beats_later_dates_in_the_body():
    text = ("18 July 2024\n\nThe council met to discuss the attack. On 2 August 2024 a second "
            "convoy was hit, and on 9 August 2024 the road reopened.")
    assert infer_publication_date(text) == (D(2024, 7, 18), 1)


def test_a_dateline_beats_a_masthead_date():
    text = ("Friday, September 27, 2024\n\nThe Daily Courier\n\nShells hit the market\n\n"
            "September 23, 2024 (OMDURMAN) - At least nine people were killed on Monday.")
    assert infer_publication_date(text) == (D(2024, 9, 23), 1)


def test_dates_deep_in_prose_are_not_stamps():
    # A caption line and a sentence open with dates too, but they are the story's, not the page's.
    text = ("Residents flee the town after the shelling on September 23, 2024, in a photo by a resident.\n"
            "On August 2, 2024, gunmen stormed the beach hotel.")
    found, precision = infer_publication_date(text)
    assert precision == 2  # a weak guess from the body, not a stamp


@pytest.mark.parametrize("url, expected", [
    ("https://news.example.org/2024/06/05/militants-seize-town/", (D(2024, 6, 5), 1)),
    ("https://news.example.org/world/2024/6/5/militants-seize-town", (D(2024, 6, 5), 1)),
    ("https://example.org/militants-seize-town-20240605-0012.html", (D(2024, 6, 5), 1)),
    ("https://example.org/story?id=17&date=2024-06-05", (D(2024, 6, 5), 1)),
    ("https://example.org/05-Jun-2024/militants-seize-town", (D(2024, 6, 5), 1)),
    ("https://example.org/2024-06-05-militants-seize-town/", (D(2024, 6, 5), 1)),
    ("https://example.org/stories/202406050123.html", (D(2024, 6, 5), 1)),
    ("https://example.org/2024/06/militants-seize-town", (D(2024, 6, 30), 3)),
    ("https://example.org/news4/2024/Jun/12345/militants.aspx", (D(2024, 6, 30), 3)),
])
def test_url_dates(url, expected):
    assert infer_publication_date("Militants seized the town on Tuesday.", url=url) == expected


@pytest.mark.parametrize("url", [
    "https://example.org/1110249401/militants-seize-town",  # an id, not a date
    "https://example.org/article/294117",
    "https://example.org/2024/market-report/",  # "mar..." is not a month
    "https://example.org/20991231-future-plans",  # not in the future
    "https://example.org/2024/13/01/x",  # no 13th month
    "https://2024-06-05.example.org/story",  # the host is not the path
])
def test_url_hard_negatives(url):
    assert infer_publication_date("Militants seized the town on Tuesday.", url=url) is None


def test_url_month_picks_the_stamp_inside_it_over_a_widget_date():
    text = "4/17/2024\nToday's headlines\nSaturday August 20, 2022\n\nMOGADISHU (Wire) - Gunmen stormed a hotel."
    assert infer_publication_date(text, url="https://example.org/news/2022/Aug/1/hotel.aspx") == (D(2022, 8, 20), 1)
    # No stamp in the URL's month: the month itself.
    assert infer_publication_date("4/17/2024\n\nGunmen stormed a hotel.",
                                  url="https://example.org/news/2022/08/hotel") == (D(2022, 8, 31), 3)


def test_url_date_beats_a_stamp_far_from_it_but_not_one_beside_it():
    url = "https://example.org/stories/2025/02/28/rally-blast"
    assert infer_publication_date("27 February 2025\n\nBlasts hit a rally.", url=url) == (D(2025, 2, 27), 1)
    assert infer_publication_date("Sunday, 14 September\n\nBlasts hit a rally.", url=url) == (D(2025, 2, 28), 1)


@pytest.mark.parametrize("text", [
    "The attack is one of the worst since the war began in April 2023.",
    "Fighting has raged since the conflict erupted in April 2023, officials said.",
    "The group has grown since the takeover in August 2021.",
    "Warlords ruled the valley in the 1990s.",
    "The 2016 attack on the academy is still remembered.",
    "Hijacked planes struck on 9/11 and the war followed.",
    "Gunmen attacked the convoy on Tuesday, according to the governor.",
    "The city fell in December and has been besieged since May.",
])
def test_recalled_history_never_dates_the_page(text):
    assert infer_publication_date(text) is None


def test_file_photo_captions_do_not_date_the_page():
    text = ("FILE PHOTO: Soldiers patrol the market in Mogadishu, Somalia, on Oct. 30, 2022.\n"
            "Militants attacked a base on Friday.")
    assert infer_publication_date(text) is None


def test_body_dates_give_a_weak_guess_a_week_wide():
    text = ("Heavy shelling began on Wednesday night, 1 September. The valley has been "
            "contested since the September 11, 2001 attacks.")
    assert infer_publication_date(text) == (D(2021, 9, 4), 2)
    text = "The clashes of 5 March 2020 spread; by 2020-03-07 four towns had fallen."
    assert infer_publication_date(text) == (D(2020, 3, 10), 2)


def test_infer_ignores_what_does_not_fix_a_day():
    assert infer_publication_date("On Saturday 12 people died in March, as in 2019 and after 9/11.") is None


def test_infer_never_returns_a_future_date():
    ahead = dt.date.today() + dt.timedelta(days=40)
    text = f"Published: {ahead.day} {ahead.strftime('%B')} {ahead.year}\n\nTalks are planned."
    assert infer_publication_date(text) is None


def test_a_title_date_is_story_not_stamp():
    found = infer_publication_date("Gunmen attacked the police station.",
                                   title="Attack in Morales on May 20, 2024: death toll rises")
    assert found == (D(2024, 5, 23), 2)


# --- invariants ---------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 /-.,'abcMayMarchJuneThursday")), max_size=60),
       st.dates(min_value=D(1950, 1, 1), max_value=D(2040, 12, 31)))
def test_never_raises_and_spans_are_ordered(text, published):
    found = find_dates(text, published)
    ends = -1
    for mention in found:
        assert mention.start >= ends
        assert text[mention.start:mention.end] == mention.text
        ends = mention.end
        if mention.range is not None:
            assert mention.range.date_min <= mention.range.date <= mention.range.date_max
            assert mention.range.time_precision in (1, 2, 3)


@pytest.mark.parametrize(("text", "published", "lo", "hi"), [
    ("the claim at the weekend to have seized three districts", dt.date(2022, 5, 12), dt.date(2022, 5, 7), dt.date(2022, 5, 8)),
    ("fighting over the weekend", dt.date(2022, 5, 15), dt.date(2022, 5, 14), dt.date(2022, 5, 15)),
    ("last weekend", dt.date(2022, 5, 15), dt.date(2022, 5, 7), dt.date(2022, 5, 8)),
])
def test_the_weekend(text, published, lo, hi):
    [d] = [d for d in find_dates(text, published) if d.range is not None]
    assert (d.range.date_min, d.range.date_max, d.range.time_precision) == (lo, hi, 2)
