"""Casualty figures read off the parse: every form the extractor knows, and the numbers that are no toll."""
from __future__ import annotations

import dataclasses

import pytest

from sitrep.extract import tolls as tolls_module
from sitrep.extract.tolls import Toll, find_tolls, parse_number
from sitrep.nlp import load_pipeline

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _tolls(nlp, text: str) -> list[Toll]:
    return find_tolls(nlp(text))


def _one(nlp, text: str) -> Toll:
    found = _tolls(nlp, text)
    assert len(found) == 1, (text, found)
    return found[0]


# --- parse_number -------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23", (23, 23, 23, None)),
        ("10,000", (10000, 10000, 10000, None)),
        ("twenty-three", (23, 23, 23, None)),
        ("one hundred and fifty", (150, 150, 150, None)),
        ("two dozen", (24, 24, 24, None)),
        ("a dozen", (12, 12, 12, "a dozen")),
        ("half a dozen", (6, 6, 6, None)),
        ("a couple of", (2, 2, 2, None)),
        ("at least 23", (23, 23, None, "at least")),
        ("more than 150", (150, 150, None, "more than")),
        ("over 40", (40, 40, None, "more than")),
        ("nearly 50", (50, None, 50, "nearly")),
        ("up to 12", (12, None, 12, "up to")),
        ("about 20", (20, None, None, "about")),
        ("30 to 40", (30, 30, 40, None)),
        ("between 30 and 40", (30, 30, 40, None)),
        ("30-40", (30, 30, 40, None)),
        ("dozens of", (None, 24, None, "dozens")),
        ("scores", (None, 40, None, "scores")),
        ("several", (None, 3, None, "several")),
        ("a few", (None, 3, None, "a few")),
        ("hundreds", (None, 200, None, "hundreds")),
        ("a number of", (None, 2, None, "a number of")),
        ("at least a dozen", (12, 12, None, "at least")),
        ("meetings", (None, None, None, None)),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


# --- killed -------------------------------------------------------------------

def test_passive_with_at_least(nlp):
    text = "At least 31 Taliban gunmen were killed near the ridge on Friday."
    toll = _one(nlp, text)
    assert (toll.kind, toll.n, toll.low, toll.high, toll.qualifier) == ("killed", 31, 31, None, "at least")
    assert toll.victim_text == "Taliban gunmen"
    assert nlp(text)[toll.victim_i].text == "gunmen"
    assert text[toll.start:toll.end] == "At least 31 Taliban gunmen were killed"
    assert not toll.estimated


def test_active_object(nlp):
    toll = _one(nlp, "Resistance units killed 14 soldiers at the checkpoint.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 14, "soldiers")


def test_lose_a_number_of_their_forces(nlp):
    toll = _one(nlp, "The militia lost 35 of their forces in the valley.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 35, "of their forces")


def test_lose_dozens_is_a_vague_count(nlp):
    toll = _one(nlp, "The insurgents lost dozens of their men in the offensive.")
    assert (toll.kind, toll.n, toll.low, toll.qualifier) == ("killed", None, 24, "dozens")
    assert toll.estimated


def test_lost_their_lives(nlp):
    toll = _one(nlp, "Eighteen villagers lost their lives when the shell landed.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 18, "villagers")


def test_left_dead_and_wounded_are_two_tolls(nlp):
    found = _tolls(nlp, "The bombing hit the bus station, leaving 27 people dead and 41 wounded.")
    assert [(t.kind, t.n) for t in found] == [("killed", 27), ("wounded", 41)]


def test_left_people_dead(nlp):
    toll = _one(nlp, "The mortar round left nine people dead.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 9, "people")


def test_bare_number_dead(nlp):
    toll = _one(nlp, "Medics counted 19 dead after the bombardment.")
    assert (toll.kind, toll.n, toll.victim_i, toll.victim_text) == ("killed", 19, None, "")


def test_death_toll_rose(nlp):
    toll = _one(nlp, "The death toll from the ambush rose to 22 on Tuesday.")
    assert (toll.kind, toll.n, toll.victim_i) == ("killed", 22, None)


def test_headline_one_killed_two_wounded(nlp):
    found = _tolls(nlp, "One killed, three wounded in Bamyan shooting.")
    assert [(t.kind, t.n) for t in found] == [("killed", 1), ("wounded", 3)]


def test_singular_victim_counts_one(nlp):
    toll = _one(nlp, "A border guard died in the firefight.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 1, "border guard")


def test_named_person_counts_one(nlp):
    toll = _one(nlp, "Ahmad Karimi was killed in 2001.")
    assert (toll.kind, toll.n, toll.low, toll.high) == ("killed", 1, 1, 1)


def test_among_those_killed(nlp):
    toll = _one(nlp, "Four students were among those killed.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 4, "students")


def test_two_tolls_in_coordinated_clauses(nlp):
    found = _tolls(nlp, "Three policemen died and 15 insurgents were also killed.")
    assert [(t.kind, t.n, t.victim_text) for t in found] == [
        ("killed", 3, "policemen"),
        ("killed", 15, "insurgents"),
    ]


def test_definite_numbered_object(nlp):
    toll = _one(nlp, "Attackers stormed the outpost, killing the six border police officers.")
    assert (toll.n, toll.victim_text) == (6, "border police officers")


def test_range(nlp):
    toll = _one(nlp, "20 to 25 shepherds were killed in the raid.")
    assert (toll.n, toll.low, toll.high, toll.qualifier) == (20, 20, 25, None)


def test_nearly(nlp):
    toll = _one(nlp, "Nearly 60 recruits were killed in the blast.")
    assert (toll.n, toll.low, toll.high, toll.qualifier) == (60, None, 60, "nearly")


def test_about(nlp):
    toll = _one(nlp, "About 15 farmers were killed by the strike.")
    assert (toll.n, toll.low, toll.high, toll.qualifier) == (15, None, None, "about")


def test_scores_of(nlp):
    toll = _one(nlp, "Scores of militiamen were killed in the counterattack.")
    assert (toll.kind, toll.n, toll.low, toll.qualifier, toll.victim_text) == (
        "killed", None, 40, "scores", "of militiamen",
    )


def test_killed_several_is_an_estimate(nlp):
    toll = _one(nlp, "The special unit killed several insurgents overnight.")
    assert (toll.n, toll.low, toll.qualifier, toll.estimated) == (None, 3, "several", True)


def test_shot_dead(nlp):
    toll = _one(nlp, "Two elders were shot dead outside the mosque.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 2, "elders")


def test_relative_clause_victim(nlp):
    toll = _one(nlp, "Officials said 33 soldiers who were killed had been buried.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 33, "soldiers")


def test_heavy_casualties(nlp):
    toll = _one(nlp, "The militants suffered heavy casualties in the assault.")
    assert (toll.kind, toll.n, toll.low, toll.qualifier, toll.estimated) == (
        "killed", None, None, "heavy casualties", True,
    )
    assert toll.victim_text == "militants"


def test_inflicted_heavy_casualties_on(nlp):
    toll = _one(nlp, "The front said it inflicted heavy casualties on the Taliban.")
    assert (toll.kind, toll.qualifier, toll.victim_text) == ("killed", "heavy casualties", "Taliban")


def test_deaths_of(nlp):
    toll = _one(nlp, "Officials confirmed the deaths of 11 miners.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed", 11, "miners")


# --- wounded, killed or wounded ---------------------------------------------------

def test_wounded_predicate(nlp):
    toll = _one(nlp, "16 Taliban gunmen were badly wounded.")
    assert (toll.kind, toll.n, toll.victim_text) == ("wounded", 16, "Taliban gunmen")


def test_a_dozen_is_a_number(nlp):
    toll = _one(nlp, "A dozen others have been hurt.")
    assert (toll.kind, toll.n, toll.low, toll.high, toll.qualifier) == ("wounded", 12, 12, 12, "a dozen")


def test_up_to(nlp):
    toll = _one(nlp, "Up to 9 workers were injured.")
    assert (toll.kind, toll.n, toll.high, toll.qualifier) == ("wounded", 9, 9, "up to")


def test_killing_and_wounding_is_one_figure(nlp):
    toll = _one(nlp, "The gunmen opened fire on the crowd, killing and wounding 45 worshippers.")
    assert (toll.kind, toll.n, toll.victim_text) == ("killed_or_wounded", 45, "worshippers")


def test_killed_or_wounded_at_least(nlp):
    toll = _one(nlp, "The commander said his men killed or wounded at least 19 of the raiders.")
    assert (toll.kind, toll.n, toll.qualifier, toll.victim_text) == (
        "killed_or_wounded", 19, "at least", "of the raiders",
    )


def test_numbered_casualties(nlp):
    toll = _one(nlp, "The explosion caused 28 casualties.")
    assert (toll.kind, toll.n) == ("killed_or_wounded", 28)


# --- captured, surrendered --------------------------------------------------------

def test_captured_alive(nlp):
    toll = _one(nlp, "Three others were captured alive.")
    assert (toll.kind, toll.n, toll.victim_text) == ("captured", 3, "others")


def test_surrendered(nlp):
    toll = _one(nlp, "More than 120 militiamen surrendered to the army.")
    assert (toll.kind, toll.n, toll.low, toll.qualifier) == ("surrendered", 120, 120, "more than")
    assert not toll.estimated


def test_hundreds_captured(nlp):
    toll = _one(nlp, "Hundreds of conscripts were captured.")
    assert (toll.kind, toll.n, toll.low, toll.qualifier, toll.estimated) == (
        "captured", None, 200, "hundreds", False,
    )


def test_took_prisoners(nlp):
    toll = _one(nlp, "The rebels took 14 prisoners.")
    assert (toll.kind, toll.n) == ("captured", 14)


# --- hard negatives ---------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "The council held a dozen meetings in Herat.",
        "The dispute has lasted 40 years.",
        "The movement says it has 10,000 fighters.",
        "The town has a 400-bed hospital.",
        "The insurgents now control 12 provinces.",
        "The Taliban captured 12 provinces.",
        "Air defences shot down 5 helicopters.",
        "On Monday 23 fighters arrived in the valley.",
        "A number of heavy equipment was captured by the front.",
        "The convoy lost 3 vehicles on the pass.",
        "The group was founded after the 9/11 attacks.",
        "For details call 0799 123 456 or 0700 555 111.",
        "The gunmen surrendered 200 rifles.",
        "Thirty prisoners were released on Sunday.",
        "No one was killed in the incident.",
        "There were no casualties.",
        "The soldiers were not wounded.",
    ],
)
def test_no_toll(nlp, text):
    assert _tolls(nlp, text) == []


def test_year_is_not_a_count(nlp):
    toll = _one(nlp, "The commander was killed in 2001.")
    assert toll.n == 1


def test_rifle_model_is_not_a_count(nlp):
    toll = _one(nlp, "Men armed with AK-47 rifles killed two guards.")
    assert (toll.n, toll.victim_text) == (2, "guards")


def test_number_in_hospital_name_is_not_a_count(nlp):
    toll = _one(nlp, "A strike on a 400-bed hospital killed 12 patients.")
    assert (toll.n, toll.victim_text) == (12, "patients")


# --- the API --------------------------------------------------------------------

def test_span_offsets_are_doc_offsets(nlp):
    doc = nlp("The valley was quiet. Later 7 guards were killed at the gate.")
    sent = list(doc.sents)[1]
    toll = _one(nlp, sent.text)  # same figure from a fresh doc
    from_span = find_tolls(sent)
    assert len(from_span) == 1
    assert doc.text[from_span[0].start:from_span[0].end] == "7 guards were killed"
    assert from_span[0].n == toll.n == 7
    assert doc[from_span[0].victim_i].text == "guards"


def test_toll_is_frozen():
    toll = Toll("killed", 1, 1, 1, None, "", None, 0, 1, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        toll.n = 2  # type: ignore[misc]


def test_public_names_are_pinned():
    assert set(tolls_module.__all__) == {"Toll", "find_tolls", "parse_number", "TOLL_KINDS", "HEAVY_QUALIFIER"}


def test_losses_put_at_a_number_of_people(nlp):
    from sitrep.extract.tolls import find_tolls

    [toll] = find_tolls(nlp("A spokesman put the attackers' losses at 40 fighters."))
    assert (toll.kind, toll.n) == ("killed", 40)
    assert find_tolls(nlp("The company put its losses at 40 million dollars.")) == []


# --- what counts tolls, totals and mixed fates, not one incident's dead ----------

@pytest.mark.parametrize("text", [
    "Officials gave three very different death tolls for the attack.",
    "The war has killed more than 150,000 people since April 2023.",
    "At least 62 policemen have been killed so far this year.",
])
def test_tolls_of_tolls_and_running_totals_are_no_toll(nlp, text):
    assert _tolls(nlp, text) == []


def test_killed_injured_or_captured_is_one_mixed_figure(nlp):
    toll = _one(nlp, "Dozens of people were killed, injured or captured in the raid.")
    assert toll.kind == "killed_or_wounded"


def test_killed_and_many_more_wounded_keeps_the_dead_apart(nlp):
    found = _tolls(nlp, "At least 32 people have been killed and many more wounded in the bombing.")
    assert [(t.kind, t.n) for t in found if t.kind == "killed"] == [("killed", 32)]
    assert not any(t.kind == "killed_or_wounded" for t in found)


@pytest.mark.parametrize("text", [
    "In attacks since April, the ADF has murdered at least 370 civilians.",
    "In less than two weeks, more than 100 people have been killed by the group.",
    "At least 19 people were killed on Thursday in two separate attacks.",
])
def test_totals_over_periods_and_several_attacks_are_no_toll(nlp, text):
    assert _tolls(nlp, text) == []
