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


# --- infer_publication_date ---------------------------------------------------------------

def test_weekday_with_day_and_month_fixes_the_year():
    assert infer_publication_date("Kabul, Thursday, September 2: rockets hit the airport.") == (D(2021, 9, 2), 1)
    # 13 May was a Friday in 2022, and in no later year up to 2026.
    assert infer_publication_date("Friday, 13 May: the town is quiet.") == (
        max(d for y in range(MAX_YEAR - 29, MAX_YEAR + 1)
            if (d := D(y, 5, 13)).weekday() == 4), 1)


def test_infer_prefers_the_report_over_the_history_it_recalls():
    text = ("Heavy shelling began on Wednesday night, 1 September. The valley has been "
            "contested since the September 11, 2001 attacks.")
    assert infer_publication_date(text) == (D(2021, 9, 1), 1)


def test_infer_takes_the_latest_full_date():
    text = "The clashes of 5 March 2020 spread; by 2020-03-07 four towns had fallen."
    assert infer_publication_date(text) == (D(2020, 3, 7), 1)


def test_infer_ignores_what_does_not_fix_a_day():
    assert infer_publication_date("On Saturday 12 people died in March, as in 2019 and after 9/11.") is None


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
