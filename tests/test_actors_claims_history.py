"""Actors, attribution (who says so, and how) and history, on sentences the team wrote."""
from __future__ import annotations

import datetime as dt

import pytest

from sitrep.extract.actors import ActorMatcher, load_lexicon
from sitrep.extract.claims import find_attribution
from sitrep.extract.history import background_reason
from sitrep.records import DateRange

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def matcher(nlp):
    return ActorMatcher(nlp)


def _actors(nlp, matcher, text):
    doc = nlp(text)
    return doc, matcher.find(doc)


@pytest.mark.parametrize("text,expected", [
    ("Fighters of the National Resistance Front of Afghanistan raided a post.", ["NRF"]),
    ("The NRFA and the Afghanistan Liberation Front attacked Taliban positions.", ["NRF", "ALF", "Taliban"]),
    ("Massoud's forces shot at an Islamic Emirate convoy.", ["NRF", "Taliban"]),
    ("The Resistance said it held the ridge.", ["NRF"]),
    ("Taliban-led Afghan forces moved north.", ["Taliban"]),
])
def test_aliases_become_canonical(nlp, matcher, text, expected):
    _, found = _actors(nlp, matcher, text)
    assert [a.canonical for a in found] == expected


def test_lower_case_resistance_is_not_the_nrf(nlp, matcher):
    _, found = _actors(nlp, matcher, "The valley has a long tradition of resistance to invaders.")
    assert found == []


def test_anti_prefix_names_the_enemy(nlp, matcher):
    _, found = _actors(nlp, matcher, "An anti-Taliban group said its men held out.")
    assert [(a.via, a.enemy_of) for a in found] == [("anti", "Taliban")]


def test_generic_actor_names(nlp, matcher):
    lex = load_lexicon()
    assert lex.generic_for("gunmen", "Nigeria") == "Unidentified Armed Group (Nigeria)"
    assert lex.generic_for("residents", "Afghanistan") == "Civilians (Afghanistan)"
    # A country with a state-forces entry gets that entry's name; others the bare generic one.
    assert lex.generic_for("police", "Kenya") == lex.state_forces("KE", "police") == "Police Forces of Kenya (2022-)"
    assert lex.generic_for("police", "Tanzania") == "Police Forces of Tanzania"
    assert lex.generic_for("meeting", "Kenya") is None


def test_user_lexicon_is_loaded_and_bad_one_named(tmp_path):
    from sitrep.errors import ModelError

    good = tmp_path / "a.json"
    good.write_text('{"actors": [{"canonical": "Blue Brigade", "inter": 3, "aliases": ["blue brigade", "bb"]}]}')
    assert load_lexicon(str(good)).canonical("BB") == "Blue Brigade"
    bad = tmp_path / "b.json"
    bad.write_text("{not json")
    with pytest.raises(ModelError, match="b.json"):
        load_lexicon(str(bad))


def _attr(nlp, matcher, text):
    doc, found = _actors(nlp, matcher, text)
    return find_attribution(doc[:], found, load_lexicon())


@pytest.mark.parametrize("text,claimant,stance", [
    ("An NRF spokesman said 30 Taliban fighters were killed in the raid.", "NRF", "claims"),
    ("Zabihullah Mujahid denied that any fighting took place.", "Taliban", "denies"),
    ("The Taliban rejected the claims, saying there had been no clashes.", "Taliban", "denies"),
    ("Villagers told reporters that the fighting lasted all night.", "independent", "claims"),
    ("A Taliban commander confirmed there was fighting near the pass.", "Taliban", "confirms"),
    ("According to residents, four houses were burned.", "independent", "claims"),
])
def test_attribution(nlp, matcher, text, claimant, stance):
    att = _attr(nlp, matcher, text)
    assert att is not None and (att.claimant, att.stance) == (claimant, stance)


def test_unverified_is_marked(nlp, matcher):
    att = _attr(nlp, matcher, "The figures could not be independently verified.")
    assert att is not None and att.stance == "unverified"


def test_no_source_means_the_outlet(nlp, matcher):
    assert _attr(nlp, matcher, "Heavy clashes broke out near the river.") is None


def _history(nlp, text, trigger_word, when, published, *, own=True, actors=()):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == trigger_word)
    return background_reason(tok, doc[:], when, published, actors, load_lexicon(), date_is_own=own)


PUB = dt.date(2022, 5, 7)


def test_old_events_are_history(nlp):
    when = DateRange.span(dt.date(2001, 1, 1), dt.date(2001, 12, 31), precision=3)
    assert _history(nlp, "He was killed in 2001 by his enemies.", "killed", when, PUB)


def test_recent_events_are_news(nlp):
    when = DateRange.day(dt.date(2022, 5, 6))
    assert _history(nlp, "Fighters attacked the post on Friday.", "attacked", when, PUB) is None


def test_since_phrase_recalls_history(nlp):
    when = DateRange.span(dt.date(2021, 12, 1), dt.date(2021, 12, 31), precision=3)
    reason = _history(nlp, "The group has grown since the capture of the town in December.", "capture", when, PUB)
    assert reason and "since" in reason


def test_a_few_months_back_told_as_news_is_news(nlp):
    when = DateRange.span(dt.date(2022, 2, 1), dt.date(2022, 2, 28), precision=3)
    assert _history(nlp, "In February, the militia ambushed a convoy in the hills.", "ambushed", when, PUB) is None


def test_actor_that_no_longer_exists_makes_history(nlp):
    assert _history(nlp, "Soviet forces shelled the valley.", "shelled", None, PUB, own=False,
                    actors=("Soviet forces",))


def test_actors_found_in_a_later_sentence_keep_doc_offsets(nlp, matcher):
    doc = nlp("Fighting went on all night. The NRF said the Taliban retreated.")
    second = list(doc.sents)[1]
    found = matcher.find(second)
    assert [doc[a.start:a.end].text for a in found] == ["NRF", "Taliban"]


def test_denial_words_match_whole_words_only(nlp, matcher):
    att = _attr(nlp, matcher, "The group's allies said families fled the fighting.")
    assert att is None or att.stance != "denies"
    att = _attr(nlp, matcher, "A Taliban spokesman said the reports were lies.")
    assert att is not None and att.stance == "denies"


def test_x_linked_names_an_affiliate_not_the_actor(nlp, matcher):
    _, found = _actors(nlp, matcher, "Fighters of the al-Qaeda-linked JNIM claimed the attack.")
    assert [a.canonical for a in found] == ["JNIM"]
