"""The document-level pass: an article's sentence mentions become its incidents."""
from __future__ import annotations

import datetime as dt

from sitrep.extract.actors import load_lexicon
from sitrep.extract.incidents import article_incidents, own_date, own_place
from sitrep.records import Claim, DateRange, Mention, Place

BORNO = Place("Borno", "Nigeria", "NG", "Borno", None, None, 11.8, 13.1, 3)
KONDUGA = Place("Konduga", "Nigeria", "NG", "Borno", "Konduga", None, 11.6, 13.4, 2)
GWOZA = Place("Gwoza", "Nigeria", "NG", "Borno", "Gwoza", None, 11.1, 13.7, 2)
YOBE = Place("Yobe", "Nigeria", "NG", "Yobe", None, None, 12.3, 11.4, 3)
PUB = dt.date(2023, 6, 5)
LEX = load_lexicon()


def pub_window() -> DateRange:
    return DateRange(PUB, PUB - dt.timedelta(days=6), PUB, 2, "publication date")


def said(day: str, text: str) -> DateRange:
    return DateRange.day(dt.date.fromisoformat(day), text)


def mention(si, sentence, *, trigger="attack", etype="Violence against civilians", sub="Attack",
            actors=("Boko Haram", "Civilians (Nigeria)"), place=BORNO, place_text="Borno", date=None,
            claims=(), background=False, stance="claims"):
    return Mention(article_id="a", sentence_index=si, sentence=sentence, start=si * 100, end=si * 100 + 90,
                   trigger=trigger, event_type=etype, sub_event_type=sub, actors=tuple(actors), place=place,
                   place_text=place_text, date=date or pub_window(), claims=tuple(claims), stance=stance,
                   background=background)


def killed(si, n, side="Civilians (Nigeria)"):
    return Claim(kind="killed", n=n, article_id="a", sentence=f"s{si}", start=si * 100, end=si * 100 + 90,
                 side=side, claimant="independent")


def test_detail_sentences_fold_into_the_lead_and_keep_their_claims():
    lead = mention(0, "Boko Haram fighters attacked a village in Borno on Saturday.",
                   date=said("2023-06-03", "Saturday"))
    toll = mention(1, "At least 21 people were killed, residents said.", trigger="killed", etype="", sub="",
                   actors=("Civilians (Nigeria)",), place_text="Borno", claims=[killed(1, 21)])
    loot = mention(2, "Homes were torched.", trigger="torched", etype="Strategic developments",
                   sub="Looting/property destruction", actors=())
    out = article_incidents([lead, toll, loot], LEX)
    assert len(out) == 1
    (inc,) = out
    assert inc.sentence_index == 0 and inc.event_type == "Violence against civilians"
    assert inc.date.date == dt.date(2023, 6, 3)
    assert [c.n for c in inc.claims if c.kind == "killed"] == [21]
    assert set(inc.actors) == {"Boko Haram", "Civilians (Nigeria)"}


def test_incidents_at_two_districts_stay_apart_and_take_the_story_day():
    lead = mention(0, "Two attacks in Borno on Saturday left 21 dead.", date=said("2023-06-03", "Saturday"),
                   claims=[killed(0, 21)])
    first = mention(1, "In the first, insurgents shot 14 farmers in Konduga.", place=KONDUGA, place_text="Konduga")
    second = mention(2, "Hours later, gunmen killed seven people in Gwoza.", place=GWOZA, place_text="Gwoza",
                     actors=("Unidentified Armed Group (Nigeria)", "Civilians (Nigeria)"), claims=[killed(2, 7)])
    out = article_incidents([lead, first, second], LEX)
    assert [m.place.admin2 for m in out] == ["Konduga", "Gwoza"]
    assert all(m.date.date == dt.date(2023, 6, 3) for m in out)


def test_a_recalled_incident_with_its_own_date_is_apart_from_the_news():
    lead = mention(0, "Gunmen attacked a market in Borno on Saturday.", date=said("2023-06-03", "Saturday"))
    old = mention(3, "In May, Boko Haram fighters raided a camp in Yobe.", place=YOBE, place_text="Yobe",
                  date=DateRange.span(dt.date(2023, 5, 1), dt.date(2023, 5, 31), "May", 3))
    out = article_incidents([lead, old], LEX)
    assert len(out) == 2 and out[1].place.admin1 == "Yobe"


def test_a_summary_of_many_attacks_is_no_incident_of_its_own():
    lead = mention(0, "Gunmen attacked a market in Borno on Saturday.", date=said("2023-06-03", "Saturday"))
    series = mention(2, "It was the latest in a series of attacks in Yobe last month.", trigger="attacks",
                     place=YOBE, place_text="Yobe",
                     date=DateRange.span(dt.date(2023, 5, 1), dt.date(2023, 5, 31), "last month", 3))
    out = article_incidents([lead, series], LEX)
    assert len(out) == 1


def test_statements_never_lead_and_detail_without_place_or_date_is_dropped():
    offer = mention(0, "The group offered a ceasefire.", trigger="ceasefire", etype="Strategic developments",
                    sub="Agreement")
    assert article_incidents([offer], LEX) == []
    lead = mention(0, "Gunmen attacked a market in Borno on Saturday.", date=said("2023-06-03", "Saturday"))
    elsewhere = mention(4, "Fighting also continues in Yobe.", trigger="fighting", etype="Battles",
                        sub="Armed clash", place=YOBE, place_text="the north-east",
                        actors=("Boko Haram",))
    assert len(article_incidents([lead, elsewhere], LEX)) == 1


def test_history_and_denials_pass_through():
    lead = mention(0, "Gunmen attacked a market in Borno on Saturday.", date=said("2023-06-03", "Saturday"))
    history = mention(5, "The group kidnapped 276 girls in 2014.", background=True,
                      date=DateRange.span(dt.date(2014, 1, 1), dt.date(2014, 12, 31), "2014", 3))
    denial = mention(6, "The army denied the report.", etype="", sub="", trigger="denied", stance="denies")
    out = article_incidents([lead, history, denial], LEX)
    assert len(out) == 3 and out[1].background and out[2].stance == "denies"


def test_own_date_and_place():
    m = mention(0, "Gunmen attacked Konduga on Saturday.", place=KONDUGA, place_text="Konduga",
                date=said("2023-06-03", "Saturday"))
    assert own_date(m) and own_place(m)
    n = mention(1, "They fled.", place=KONDUGA, place_text="Konduga")
    assert not own_date(n) and not own_place(n)
