"""Merging mentions into events, and reconciling their claims."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.merge import merge_mentions, reconcile
from sitrep.records import Claim, DateRange, Mention, Place

PANJ = Place("Panjshir", "Afghanistan", "AF", "Panjshir", None, None, 35.3, 69.5, 3)
KHINJ = Place("Khinj", "Afghanistan", "AF", "Panjshir", "Khinj", None, 35.4, 69.7, 2)
ROKHA = Place("Rokha", "Afghanistan", "AF", "Panjshir", "Rokha", None, 35.2, 69.5, 2)
TAKHAR = Place("Takhar", "Afghanistan", "AF", "Takhar", None, None, 36.7, 69.5, 3)


def day(s: str) -> DateRange:
    return DateRange.day(dt.date.fromisoformat(s))


def month(y: int, m: int) -> DateRange:
    lo = dt.date(y, m, 1)
    hi = (lo.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return DateRange.span(lo, hi, precision=3)


def mention(article, start, *, date, place=PANJ, actors=("NRF", "Taliban"), etype="Battles",
            sub="Armed clash", claims=(), stance="claims", claimant=None, background=False):
    return Mention(article_id=article, sentence_index=start, sentence=f"s{start}", start=start * 100,
                   end=start * 100 + 50, trigger="clash", event_type=etype, sub_event_type=sub,
                   actors=tuple(actors), place=place, place_text=place.name if place else None, date=date,
                   claims=tuple(claims), stance=stance, claimant=claimant, background=background)


def killed(article, n, *, claimant="NRF", side="Taliban", high=None, text=None, stance="claims"):
    return Claim(kind="killed", n=n, article_id=article, sentence="x", start=0, end=1, high=high, side=side,
                 claimant=claimant, claimant_text=text, stance=stance)


def test_same_clash_told_by_two_outlets_is_one_event():
    a = mention("a", 1, date=day("2021-09-02"), claims=[killed("a", 40)])
    b = mention("b", 3, date=day("2021-09-02"), claims=[killed("b", 40)])
    events = merge_mentions([a, b])
    assert len(events) == 1
    assert events[0].article_ids == ("a", "b")
    assert (events[0].fatalities_low, events[0].fatalities_best, events[0].fatalities_high) == (40, 40, 40)
    assert events[0].merge_reasons


def test_same_words_different_dates_stay_apart():
    a = mention("a", 1, date=day("2021-08-30"), sub="Non-state actor overtakes territory")
    b = mention("b", 1, date=day("2022-05-06"), sub="Non-state actor overtakes territory")
    assert len(merge_mentions([a, b])) == 2


def test_district_and_province_nest_but_two_districts_do_not():
    a = mention("a", 1, date=day("2022-02-21"), place=KHINJ)
    b = mention("b", 1, date=day("2022-02-21"), place=PANJ)
    c = mention("c", 1, date=day("2022-02-21"), place=ROKHA)
    events = merge_mentions([a, b, c])
    assert len(events) == 2
    assert sorted(len(e.article_ids) for e in events) == [1, 2]


def test_different_provinces_stay_apart():
    a = mention("a", 1, date=day("2022-04-06"), place=TAKHAR)
    b = mention("a", 2, date=DateRange(dt.date(2022, 4, 6), dt.date(2022, 3, 31), dt.date(2022, 4, 6), 2))
    assert len(merge_mentions([a, b])) == 2


def test_month_report_joins_the_day_it_contains():
    a = mention("a", 1, date=day("2022-02-21"), place=KHINJ)
    b = mention("b", 5, date=month(2022, 2))
    events = merge_mentions([a, b])
    assert len(events) == 1
    assert events[0].date.date == dt.date(2022, 2, 21)
    assert events[0].date.time_precision == 1


def test_air_strikes_over_a_month_do_not_join_a_day_battle():
    a = mention("a", 1, date=day("2022-02-21"))
    b = mention("a", 4, date=month(2022, 2), etype="Explosions/Remote violence", sub="Air/drone strike")
    assert len(merge_mentions([a, b])) == 2


def test_strike_on_the_day_of_a_battle_joins_it():
    a = mention("a", 1, date=day("2022-02-21"))
    b = mention("b", 4, date=day("2022-02-21"), etype="Explosions/Remote violence", sub="Air/drone strike")
    events = merge_mentions([a, b])
    assert len(events) == 1 and events[0].event_type == "Battles"


def test_denial_attaches_and_makes_a_territory_claim_a_clash():
    claim = mention("a", 1, date=day("2022-05-06"), sub="Non-state actor overtakes territory")
    denial = mention("a", 5, date=day("2022-05-07"), actors=("Taliban",), etype="", sub="",
                     stance="denies", claimant="Taliban")
    events = merge_mentions([claim, denial])
    assert len(events) == 1
    assert events[0].denied_by == ("Taliban",)
    assert events[0].sub_event_type == "Armed clash"
    assert events[0].status.startswith("claimed by one side, denied")


def test_background_is_kept_apart_and_flagged():
    a = mention("a", 1, date=day("2022-05-06"))
    b = mention("a", 2, date=day("2001-09-09"), background=True, etype="Violence against civilians", sub="Attack")
    events = merge_mentions([a, b])
    assert [e.background for e in events] == [True, False]


def test_reconcile_keeps_range_and_conservative_best():
    claims = [killed("a", 15), killed("b", 2, claimant="Taliban", side="Taliban")]
    assert reconcile(claims) == (2, 2, 15)


def test_reconcile_prefers_independent_figure():
    claims = [killed("a", 15), killed("b", 2, claimant="Taliban"),
              killed("c", 6, claimant="independent", text="residents")]
    assert reconcile(claims) == (2, 6, 15)


def test_reconcile_sums_sides_within_an_article_and_ignores_denials():
    claims = [killed("a", 2, side="Police"), killed("a", 10, side="Rebels"),
              killed("b", 40, stance="denies")]
    assert reconcile(claims) == (12, 12, 12)


def test_reconcile_without_numbers():
    assert reconcile([Claim("killed", None, "a", "s", 0, 1, qualifier="dozens")]) == (None, None, None)


_DAYS = [day(f"2022-05-0{d}") for d in (1, 2, 6, 7)] + [month(2022, 5), month(2022, 2)]
_PLACES = [PANJ, KHINJ, ROKHA, TAKHAR]


@st.composite
def mentions_(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    out = []
    for k in range(n):
        out.append(mention(
            draw(st.sampled_from(["a", "b", "c"])), k,
            date=draw(st.sampled_from(_DAYS)), place=draw(st.sampled_from(_PLACES)),
            etype=draw(st.sampled_from(["Battles", "Explosions/Remote violence"])),
            sub="Armed clash",
            claims=[killed("a", draw(st.integers(0, 50)))] if draw(st.booleans()) else []))
    return out


@settings(max_examples=60, deadline=None)
@given(mentions_(), st.randoms())
def test_ledger_does_not_depend_on_arrival_order(ms, rnd):
    shuffled = list(ms)
    rnd.shuffle(shuffled)
    assert merge_mentions(ms) == merge_mentions(shuffled)


@settings(max_examples=40, deadline=None)
@given(mentions_())
def test_every_mention_lands_in_exactly_one_event(ms):
    events = merge_mentions(ms)
    got = sorted((m.article_id, m.start) for e in events for m in e.mentions)
    assert got == sorted((m.article_id, m.start) for m in ms)


def test_deaths_by_side_follow_the_best_account():
    from sitrep.merge import deaths_by_side

    a = mention("a", 1, date=day("2022-06-18"), actors=("NRF", "Taliban"),
                claims=[killed("a", 15, claimant="NRF", side="Taliban"),
                        killed("a", 3, claimant="NRF", side="Civilians (Afghanistan)")])
    b = mention("b", 1, date=day("2022-06-18"), actors=("NRF", "Taliban"),
                claims=[killed("b", 2, claimant="Taliban", side="NRF")])
    [event] = merge_mentions([a, b])
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (2, 2, 18)
    assert deaths_by_side(event) == {"deaths_a": 2, "deaths_b": 0, "deaths_civilians": 0, "deaths_unknown": 0}
