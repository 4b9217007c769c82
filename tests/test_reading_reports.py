"""Reading whole reports as a coder does: where (and where not), who, when, and what is history.

Every report here is the team's own writing about wars other than the dev sets' where possible;
each test holds one reading rule of extract/ (mentions.py, incidents.py, history.py) or merge.py.
"""
from __future__ import annotations

import datetime as dt

import pytest

from sitrep.extract.actors import load_lexicon
from sitrep.extract.incidents import article_incidents
from sitrep.extract.mentions import Extractor
from sitrep.merge import merge_mentions
from sitrep.records import Article, CleanArticle, DateRange, Mention, Place

pytestmark = pytest.mark.model

PUB = dt.date(2024, 3, 15)  # a Friday


@pytest.fixture(scope="module")
def extractor(nlp, gazetteer):
    return Extractor(nlp, gazetteer)


def read(extractor, nlp, text, published=PUB, *, incidents=True, art_id="r"):
    art = CleanArticle(Article(art_id, text, published=published), text, ((0, 0, len(text)),))
    found = extractor.article_mentions(art, extractor.nlp(text), (published, 1) if published else None)
    return article_incidents(found, load_lexicon()) if incidents else found


def news(ms):
    return [m for m in ms if not m.background and m.event_type]


# -- where -------------------------------------------------------------------------------------

def test_a_distance_from_a_far_city_does_not_place_the_event_there(extractor, nlp):
    ms = news(read(extractor, nlp, "Jihadists attacked an army post in Kambalori, a village about 300 "
                                   "kilometres (190 miles) north of Bamako, on Wednesday, killing 12 soldiers."))
    assert ms and all(m.place is None or m.place.admin1 != "Bamako" for m in ms)


def test_a_near_distance_still_names_the_area(extractor, nlp):
    [m] = news(read(extractor, nlp, "Gunmen ambushed a bus 10 km south of Maiduguri on Wednesday, "
                                    "killing four passengers."))
    assert m.place is not None and m.place.admin1 == "Borno"


def test_the_unknown_town_nearest_the_event_outranks_a_town_named_for_another_reason(extractor, nlp):
    [m] = news(read(extractor, nlp, "Boko Haram fighters have seized the town of Ndagaru, a main supply route "
                                    "for the city of Maiduguri, a militia leader said on Tuesday."))
    assert m.place is None  # Ndagaru is not Maiduguri; the gazetteer does not know where it is


def test_a_known_district_the_unknown_village_lies_in_still_places_it(extractor, nlp):
    [m] = news(read(extractor, nlp, "Gunmen raided the village of Ndagaru in Konduga on Tuesday, "
                                    "killing nine farmers."))
    assert m.place is not None and m.place.admin2 == "Konduga"


def test_an_event_placed_only_in_the_country_takes_no_other_province_of_the_report(extractor, nlp):
    text = ("Militants attacked a military base in Nigeria on Wednesday, killing 14 soldiers, the army said.\n\n"
            "The army's headquarters in Abuja said reinforcements had been sent. Officials in Abuja "
            "declined to comment further. A spokesman in Abuja said the base was secure.")
    [m] = news(read(extractor, nlp, text))
    assert m.place is None


def test_a_surname_is_not_the_town_that_shares_it(extractor, nlp):
    text = ("Gunmen shot dead the lawmaker Ibrahim Konduga in Maiduguri on Tuesday, police said.\n\n"
            "Konduga's driver was also wounded in the attack.")
    ms = read(extractor, nlp, text, incidents=False)
    assert all(m.place is None or m.place.name != "Konduga" for m in ms)


def test_a_place_inside_a_hyphenated_word_is_not_a_place(extractor, nlp):
    [m] = news(read(extractor, nlp, "Kabul-based analysts said Taliban fighters clashed with resistance "
                                    "forces in Panjshir on Tuesday."))
    assert m.place.admin1 == "Panjshir"


def test_the_seat_of_an_outlet_in_parentheses_is_not_a_place(extractor, nlp):
    text = ("Sahel Radio Network (Bamako)\n\nSoldiers repelled an attack on a base in Mopti region on Sunday, "
            "the army said.")
    [m] = news(read(extractor, nlp, text))
    assert m.place.admin1 == "Mopti"


def test_a_dateline_with_a_colon_opens_the_first_sentence(extractor, nlp):
    text = "Army, rebels clash\n\nBamako: Soldiers fought jihadists near Mopti on Thursday, the army said."
    [m] = news(read(extractor, nlp, text))
    assert m.place.admin1 == "Mopti"


def test_a_wire_dateline_does_not_spoil_the_first_sentence(extractor, nlp):
    text = ("Khartoum, Mar 12 (Agency) The Sudanese Armed Forces recaptured the town of Bara from the Rapid "
            "Support Forces, the army said in a statement.")
    [m] = news(read(extractor, nlp, text))
    assert m.sub_event_type == "Government regains territory"


def test_al_prefixed_names_keep_their_article(extractor, nlp):
    [m] = news(read(extractor, nlp, "The Rapid Support Forces shelled al-Fasher on Monday, killing five "
                                    "civilians, medics said."))
    assert m.place is not None and m.place.admin1 == "North Darfur"


# -- who ---------------------------------------------------------------------------------------

def test_violence_against_civilians_has_its_victims_and_an_unidentified_perpetrator(extractor, nlp):
    [m] = news(read(extractor, nlp, "A journalist was shot dead in Kaduna on Tuesday, his newspaper said."))
    assert m.event_type == "Violence against civilians"
    assert "Civilians (Nigeria)" in m.actors and "Unidentified Armed Group (Nigeria)" in m.actors


def test_a_named_perpetrator_leaves_no_room_for_an_unidentified_one(extractor, nlp):
    text = ("Boko Haram fighters raided a village in Borno state on Tuesday, residents said.\n\n"
            "Eleven villagers were killed with knives.")
    [m] = news(read(extractor, nlp, text))
    assert "Boko Haram" in " ".join(m.actors)
    assert not any(a.startswith("Unidentified") for a in m.actors)


def test_a_shooting_with_one_armed_side_is_an_attack_not_a_battle(extractor, nlp):
    text = ("A video shows the candidate speaking to a crowd when gunshots rang out in Kano on Saturday.\n\n"
            "The candidate was shot twice during the rally in Kano on Saturday, his party said.")
    ms = news(read(extractor, nlp, text))
    assert ms and ms[0].event_type == "Violence against civilians"


def test_actor_names_match_with_either_apostrophe(extractor, nlp):
    ms = read(extractor, nlp, "The Uganda People\u2019s Defence Force said its soldiers repelled an attack "
                              "in Lower Shabelle on Friday.", incidents=False)
    actors = {a for m in ms for a in m.actors}
    assert "Military Forces of Uganda (1986-)" in actors and not any(a.startswith("PDF") for a in actors)


# -- when, and what is history -----------------------------------------------------------------

def test_the_start_of_a_war_is_no_event_of_it(extractor, nlp):
    ms = read(extractor, nlp, "Sudan descended into war in April 2023 after tensions between the army and "
                              "the Rapid Support Forces erupted into open fighting in Khartoum.")
    assert not news(ms)


def test_taking_up_arms_again_starts_a_war(extractor, nlp):
    ms = read(extractor, nlp, "The M23 took up arms again in late 2021, seizing large parts of North Kivu.",
              published=None)
    assert not news(ms)


def test_a_date_known_only_to_a_year_makes_history_even_on_an_undated_page(extractor, nlp):
    text = ("ADF rebels killed 21 people in an attack on a church in Ituri.\n\n"
            "In 2019, the rebels killed dozens of villagers in Beni.")
    ms = read(extractor, nlp, text, published=None)
    assert all(m.date is None or m.date.time_precision < 3 for m in news(ms))


def test_the_last_attack_recalled_is_history(extractor, nlp):
    text = ("ADF rebels killed 35 people in an attack on a church in Ituri on Sunday, local sources said.\n\n"
            "The last major attack by the ADF was in October, leaving 23 dead in Mambasa territory.")
    ms = news(read(extractor, nlp, text))
    assert [m.date.date for m in ms] == [dt.date(2024, 3, 10)]


def test_a_since_clause_keeps_its_own_event_and_date(extractor, nlp):
    text = ("Resistance fighters said they killed 21 Taliban in clashes in Panjshir this week.\n\n"
            "The fighting is the heaviest reported since December, when fighters ambushed a Taliban "
            "detachment in Khinj on December 21; a commander said 23 Taliban died there.")
    [lead] = news(read(extractor, nlp, text))
    assert sorted(c.n for c in lead.claims if c.kind == "killed") == [21]


def test_habitual_attacks_place_no_incident(extractor, nlp):
    text = ("Soldiers foiled a suicide car bomb attack on a military base in central Somalia on Sunday.\n\n"
            "The group continues to carry out high-profile attacks in the capital of Mogadishu.")
    [m] = news(read(extractor, nlp, text))
    assert m.place is None or m.place.admin1 != "Banadir"


# -- merging -----------------------------------------------------------------------------------

REGION = Place("Wad Madani", "Sudan", "SD", "Al Jazirah", "Wad Madani", None, 14.4, 33.5, 1)


def _week_report(article, end):
    end = dt.date.fromisoformat(end)
    return Mention(article_id=article, sentence_index=0, sentence="The army recaptured the city.", start=0, end=30,
                   trigger="recaptured", event_type="Battles", sub_event_type="Government regains territory",
                   actors=("Military Forces of Sudan (2019-)", "Rapid Support Forces"), place=REGION,
                   place_text="Wad Madani", date=DateRange(end, end - dt.timedelta(days=6), end, 2, "publication date"))


def test_two_week_dated_reports_of_one_recapture_are_one_event_dated_where_they_point():
    [event] = merge_mentions([_week_report("a", "2025-01-11"), _week_report("b", "2025-01-12")])
    assert event.date.date == dt.date(2025, 1, 11)  # the day the narrower report points at, not the middle
    assert set(event.article_ids) == {"a", "b"}


def test_week_dated_reports_of_different_kinds_stay_apart():
    other = _week_report("b", "2025-01-12")
    other = Mention(**{**{f: getattr(other, f) for f in other.__dataclass_fields__},
                       "sub_event_type": "Non-state actor overtakes territory"})
    assert len(merge_mentions([_week_report("a", "2025-01-11"), other])) == 2


def test_an_undated_report_naming_the_weekday_dates_an_event_known_to_a_week():
    undated = Mention(**{**{f: getattr(_week_report("c", "2025-01-12"), f) for f in Mention.__dataclass_fields__},
                         "date": None, "sentence": "The army on Saturday announced it had recaptured the city."})
    [event] = merge_mentions([_week_report("a", "2025-01-12"), undated])
    assert (event.date.date, event.date.time_precision) == (dt.date(2025, 1, 11), 1)


def test_two_weekdays_named_leave_the_week():
    def undated(article, day):
        return Mention(**{**{f: getattr(_week_report(article, "2025-01-12"), f) for f in Mention.__dataclass_fields__},
                          "date": None, "sentence": f"The army on {day} announced it had recaptured the city."})
    [event] = merge_mentions([_week_report("a", "2025-01-12"), undated("c", "Saturday"), undated("d", "Friday")])
    assert event.date.time_precision == 2


# -- tolls -------------------------------------------------------------------------------------

def _killed(article, n, side=None, claimant="independent", text="a hospital director"):
    from sitrep.records import Claim
    return Claim(kind="killed", n=n, article_id=article, sentence=f"{n} killed", start=0, end=10, side=side,
                 claimant=claimant, claimant_text=text)


def test_a_figure_without_a_side_is_a_total_not_one_more_side():
    from sitrep.merge import reconcile
    # "38 dead", then "35 civilians were killed": 38, not 73
    assert reconcile([_killed("a", 38), _killed("a", 35, side="Civilians (Nigeria)")]) == (38, 38, 38)


def test_an_independent_source_gives_its_whole_figure_not_one_victim_it_names():
    from sitrep.merge import reconcile
    claims = [_killed("a", 15), _killed("a", 1),  # "15 killed ... the owner was among the dead"
              _killed("b", 10, side="Civilians (Somalia)", text="the outlet (b)")]
    low, best, high = reconcile(claims)
    assert (low, best, high) == (10, 15, 15)


def test_a_bomb_no_one_is_named_for_is_an_unidentified_groups(extractor, nlp):
    [m] = news(read(extractor, nlp, "A roadside bomb killed three civilians in Parwan province on Sunday, "
                                    "police said."))
    assert "Unidentified Armed Group (Afghanistan)" in m.actors and "Civilians (Afghanistan)" in m.actors


def test_a_death_remembered_is_no_toll(nlp):
    from sitrep.extract.tolls import find_tolls
    doc = nlp("The police chief said the attacks marked the third anniversary of the death of Ali Musa, a "
              "former commander who was killed in 2021.")
    assert find_tolls(doc) == []


def test_the_dead_of_a_dozen_attacks_are_no_one_attacks_toll(nlp):
    from sitrep.extract.tolls import find_tolls
    doc = nlp("More than a dozen coordinated attacks took place on Tuesday across Kano state, leaving at "
              "least nine people dead.")
    assert [t for t in find_tolls(doc) if t.kind == "killed"] == []
    doc = nlp("A car bomb exploded in Kano on Tuesday, leaving at least nine people dead.")
    assert [t.n for t in find_tolls(doc) if t.kind == "killed"] == [9]


# -- hedged tolls and recollections --------------------------------------------------------------

def test_dead_feared_in_an_attack_is_an_attack_that_happened(extractor, nlp):
    # "feared" hedges the toll; the attack it tells of is news, not a fear of one to come
    ms = news(read(extractor, nlp, "At least 40 villagers are feared dead in an attack on Kilwa, a village "
                                   "in Tanzania's Mtwara region, on Wednesday.", incidents=False))
    assert ms and ms[0].event_type
    assert not news(read(extractor, nlp, "Residents of Kilwa fear an attack on the village.", incidents=False))


def _recollection(article: str, date: DateRange, place: Place | None = None) -> Mention:
    return Mention(article_id=article, sentence_index=9, sentence="In August, gunmen besieged the hotel.",
                   start=900, end=950, trigger="besiege", event_type="Battles", sub_event_type="Armed clash",
                   actors=("Al-Shabaab",), place=place, place_text=place.name if place else None, date=date,
                   background=True, background_reason="an earlier month")


_BANADIR = Place("Mogadishu", "Somalia", "SO", "Banadir", None, None, 2.04, 45.34, 3)


def test_a_report_recalling_an_event_with_its_month_is_one_of_its_reports():
    siege = Mention(article_id="news", sentence_index=0, sentence="Gunmen stormed the hotel on Friday.", start=0,
                    end=40, trigger="storm", event_type="Battles", sub_event_type="Armed clash",
                    actors=("Al-Shabaab", "Military Forces of Somalia (2022-)"), place=_BANADIR,
                    place_text="Mogadishu", date=DateRange.day(dt.date(2022, 8, 19), "on Friday"))
    august = DateRange.span(dt.date(2022, 8, 1), dt.date(2022, 8, 31), precision=3, text="in August")
    [event] = [e for e in merge_mentions([siege, _recollection("later", august, _BANADIR)]) if not e.background]
    assert event.article_ids == ("later", "news")
    assert any("recalls this event" in r for r in event.merge_reasons)


def test_a_recollection_dated_only_to_its_year_or_not_fitting_stays_history():
    siege = Mention(article_id="news", sentence_index=0, sentence="Gunmen stormed the hotel on Friday.", start=0,
                    end=40, trigger="storm", event_type="Battles", sub_event_type="Armed clash",
                    actors=("Al-Shabaab",), place=_BANADIR, place_text="Mogadishu",
                    date=DateRange.day(dt.date(2022, 8, 19), "on Friday"))
    year = DateRange.span(dt.date(2022, 1, 1), dt.date(2022, 12, 31), precision=3, text="in 2022")
    june = DateRange.span(dt.date(2022, 6, 1), dt.date(2022, 6, 30), precision=3, text="in June")
    for recalled in (_recollection("later", year, _BANADIR), _recollection("later", june, _BANADIR)):
        events = merge_mentions([siege, recalled])
        assert [e.article_ids for e in events if not e.background] == [("news",)]
        assert [e.article_ids for e in events if e.background] == [("later",)]
