"""Mentions from whole reports the team wrote: actors beyond the lexicon, places, dates from the story."""
from __future__ import annotations

import datetime as dt

import pytest

from sitrep.extract.mentions import Extractor
from sitrep.records import Article, CleanArticle

pytestmark = pytest.mark.model

PUB = dt.date(2022, 3, 10)  # a Thursday


@pytest.fixture(scope="module")
def extractor(nlp, gazetteer):
    return Extractor(nlp, gazetteer)


def mentions(extractor, nlp, text, published=PUB):
    art = CleanArticle(Article("t", text, published=published), text, ((0, 0, len(text)),))
    return extractor.article_mentions(art, nlp(text), (published, 1) if published else None)


def test_vague_words_get_acled_generic_names(extractor, nlp):
    [m] = mentions(extractor, nlp, "Gunmen attacked a village in Borno state on Tuesday, killing 12 people, "
                                   "residents said.")
    assert m.actors == ("Unidentified Armed Group (Nigeria)", "Civilians (Nigeria)")
    assert m.place.admin1 == "Borno" and m.place.country == "Nigeria"
    assert m.date.date == dt.date(2022, 3, 8)
    killed = [c for c in m.claims if c.kind == "killed"]
    assert [(c.n, c.side, c.claimant) for c in killed] == [(12, "Civilians (Nigeria)", "independent")]


def test_named_groups_outside_the_lexicon_become_actors(extractor, nlp):
    [m] = mentions(extractor, nlp, "Fighters of the Ansaru group ambushed a convoy of Nigerian soldiers near "
                                   "Kaduna on Monday.")
    assert m.actors == ("Ansaru", "Military Forces of Nigeria (2023-)")
    assert m.sub_event_type == "Armed clash"


def test_a_militia_called_x(extractor, nlp):
    [m] = mentions(extractor, nlp, "Militants of a new group called the Liberation Brigade attacked an army "
                                   "post in Idlib on Sunday.")
    assert "Liberation Brigade" in m.actors and m.place.admin1 == "Idlib"


def test_dateline_is_not_the_place(extractor, nlp):
    ms = mentions(extractor, nlp, "KABUL (Wire) - Taliban fighters clashed with NRF fighters in Khinj district "
                                  "of Panjshir on Wednesday.")
    assert [m.place.admin2 for m in ms] == ["Khinj"]


def test_statement_day_bounds_the_event(extractor, nlp):
    [m] = mentions(extractor, nlp, "An NRF spokesman said on Tuesday that 9 Taliban fighters were killed "
                                   "in an ambush in Panjshir.")
    assert m.date.date_max == dt.date(2022, 3, 8) and m.date.time_precision == 2
    assert m.claimant == "NRF"


def test_a_sentence_without_a_date_takes_the_story_date(extractor, nlp):
    ms = mentions(extractor, nlp, "On Monday, NRF fighters ambushed a Taliban patrol in Rokha district. "
                                  "At least 7 Taliban fighters were killed in the ambush, the group said.")
    assert {m.date.date for m in ms} == {dt.date(2022, 3, 7)}
    assert {m.place.admin2 for m in ms} == {"Rokha"}


def test_old_events_recalled_are_background(extractor, nlp):
    ms = mentions(extractor, nlp, "Taliban fighters attacked an NRF post in Panjshir on Tuesday. "
                                  "In 2001, al-Qaeda operatives killed Ahmad Shah Massoud in a suicide attack.")
    assert [m.background for m in ms] == [False, True]


def test_threats_and_denied_attacks_are_not_events(extractor, nlp):
    ms = mentions(extractor, nlp, "The NRF vowed to attack Taliban positions across the north. "
                                  "The Taliban will never stop fighting, their commander warned.")
    assert ms == []


def test_hard_negatives_give_no_toll(extractor, nlp):
    ms = mentions(extractor, nlp, "Taliban and NRF envoys held a dozen meetings in Kabul over 40 years "
                                  "of war, officials said on Monday.")
    assert all(c.n is None for m in ms for c in m.claims)


def test_soldiers_killed_make_their_army_a_party(extractor, nlp):
    [m] = mentions(extractor, nlp, "About 20 soldiers died in an ambush on Wednesday on a convoy heading to "
                                   "Djibo in Burkina Faso, security sources said.")
    assert "Military Forces of Burkina Faso (2022-)" in m.actors
    assert m.place.admin2 == "Soum"


def test_a_town_named_only_as_a_subject_is_still_found(extractor, nlp):
    ms = mentions(extractor, nlp, "Kramatorsk began burying its dead on Saturday after the missile strike "
                                  "on 18 May that destroyed a block of flats in the city.")
    assert {m.place.admin1 for m in ms} == {"Donetsk"}


def test_a_war_beginning_dates_no_event(extractor, nlp):
    text = ("Shells hit a market in Omdurman, killing 15 people, residents said.\n\n"
            "The conflict between the army and the RSF began in April 2023.\n\n"
            "Fighting continued near the market.")
    found = mentions(extractor, nlp, text)
    assert found and all(m.date is None or m.date.date.year == 2022 for m in found)


def test_a_sentence_listing_provinces_is_a_summary(extractor, nlp):
    text = "Our monthly summary of reported fighting in Panjshir, Baghlan, Takhar and Parwan."
    assert mentions(extractor, nlp, text) == []


def test_a_national_adjective_names_the_state_forces(extractor, nlp):
    [m] = [m for m in mentions(extractor, nlp, "A Turkish drone struck a car near Manbij in Aleppo province "
                                                "on Tuesday, killing three people.") if m.event_type]
    assert any(a.startswith("Military Forces of Turkey") for a in m.actors)
    assert not any(c.side and c.side.startswith("Military Forces of Turkey") for c in m.claims)


def test_a_place_across_the_border_is_not_the_event_place(extractor, nlp):
    text = ("Gunmen attacked a village near Tame in Arauca department on Tuesday, killing four people.\n\n"
            "Survivors fled across the border to Apure in Venezuela.")
    found = [m for m in mentions(extractor, nlp, text) if m.event_type and not m.background]
    assert found and all(m.place is None or m.place.iso == "CO" for m in found)
