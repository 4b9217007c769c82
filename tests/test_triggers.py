"""Event typing: find_triggers and classify_doc on hand-written sentences (model-backed)."""
from __future__ import annotations

import pytest

from sitrep.extract import triggers
from sitrep.extract.triggers import Trigger, classify_doc, classify_texts, event_types, find_triggers

pytestmark = pytest.mark.model

# Sentences written for these tests (none from an evaluation set), 2-4 per sub-event type.
CASES = {
    "ARMED_CLASH": [
        "Government troops clashed with rebels near the border town on Monday, leaving eleven fighters dead.",
        "Insurgents ambushed an army convoy on the main highway, killing four soldiers.",
        "Heavy fighting broke out between the two militias in the northern district overnight.",
        "Gunmen attacked a police checkpoint outside the city, officials said.",
        "Rebels shot down a military helicopter during the battle for the airport.",
    ],
    "GOV_REGAINS_TERIT": [
        "The army recaptured the town from the insurgents after a week-long offensive.",
        "Government forces retook control of the district centre on Sunday.",
    ],
    "NON_STATE_ACTOR_OVERTAKES_TER": [
        "Rebel fighters seized the provincial capital after government troops were driven out.",
        "The militants overran an army base in the east of the province.",
    ],
    "AIR_STRIKE": [
        "Warplanes bombed a market in the rebel-held town, killing at least nine people.",
        "A drone strike killed two militant commanders in the tribal region.",
        "The coalition carried out several air strikes on militant positions overnight.",
    ],
    "ART_MISS_ATTACK": [
        "Rebels fired mortar shells at the government-held district, wounding three residents.",
        "The army shelled villages along the front line for a third day.",
        "A rocket hit a residential building in the capital on Tuesday.",
    ],
    "REM_EXPLOS": [
        "A roadside bomb struck a police vehicle, killing two officers.",
        "Three children were wounded when a landmine exploded near their school.",
        "A car bomb exploded outside a government office in the city centre.",
    ],
    "GRENADE": [
        "Unidentified attackers hurled a grenade at a police station, injuring two officers.",
        "A grenade attack on a bus stop wounded six people.",
    ],
    "SUIC_BOMB": [
        "A suicide bomber blew himself up at a checkpoint, killing five soldiers.",
        "Two suicide bombers detonated their explosive vests in a crowded market.",
    ],
    "CHEM_WEAP": [
        "Doctors said dozens of people suffered breathing problems after a chemical attack on the town.",
        "Activists accused government forces of using poison gas against the besieged suburb.",
    ],
    "ATTACK": [
        "Gunmen killed seven villagers in an overnight raid on their village.",
        "Militants executed four captured civilians in the town square.",
        "Armed men shot dead a local journalist outside his home.",
    ],
    "ABDUCT_DISSAP": [
        "Gunmen kidnapped twelve students from a boarding school on Friday.",
        "Militants abducted two aid workers on the road to the camp.",
    ],
    "SEX_VIOL": [
        "Soldiers raped several women during the raid, a rights group said.",
        "The report documents sexual violence against detained women by prison guards.",
    ],
    "PEACE_PROTEST": [
        "Thousands of people rallied in the capital to demand the release of political prisoners.",
        "Teachers staged a protest outside parliament over unpaid salaries.",
        "Hundreds of students took to the streets to denounce the new education law.",
    ],
    "PROTEST_WITH_INTER": [
        "Police fired tear gas to disperse hundreds of protesters outside the ministry.",
        "Riot police detained dozens of demonstrators during a march against the election results.",
    ],
    "FORCE_AGAINST_PROTEST": [
        "Security forces opened fire on protesters, killing at least six people.",
        "Police used live ammunition against the demonstration, leaving several protesters dead.",
    ],
    "VIOL_DEMONSTR": [
        "Protesters threw stones at police and set tyres on fire in the city centre.",
        "Rioters torched cars and looted shops after the verdict.",
    ],
    "MOB_VIOL": [
        "A mob lynched a man accused of stealing a cow.",
        "Villagers armed with sticks attacked a peaceful rally, injuring ten participants.",
    ],
    "AGREEMENT": [
        "The government and the rebels signed a ceasefire agreement on Thursday.",
        "The two sides completed a prisoner swap under the supervision of the Red Cross.",
        "The warring parties agreed to a truce ahead of the holiday.",
    ],
    "ARREST": [
        "Police arrested the opposition leader at his home on Wednesday.",
        "Security forces detained fifteen suspected militants in a dawn raid.",
        # Dates are not the classifier's business: an old arrest is still an arrest.
        "He was arrested in 2001.",
    ],
    "CHANGE_TO_GROUP_ACT": [
        "About two hundred rebel fighters defected to the government side.",
        "Three armed factions merged to form a new coalition.",
        "The army deployed additional troops to the border region.",
    ],
    "DISR_WEAP": [
        "Police seized a large cache of weapons and ammunition in a raid on a farmhouse.",
        "Army engineers defused a roadside bomb on the main road.",
        "Air defences intercepted two missiles fired towards the city.",
    ],
    "HQ_ESTABLISHED": [
        "The rebels set up a new base in the mountains.",
        "The army established a military post at the crossing.",
    ],
    "PROPERTY_DISTRUCT": [
        "Militiamen looted the market and burned dozens of houses.",
        "Armed men destroyed the village health centre and several homes.",
    ],
    "NON_VIOL_TERRIT_TRANSFER": [
        "Government forces withdrew from the town and rebel fighters took control of it without a fight.",
        "The militia handed over the airport to the army under the deal.",
    ],
}

# Not one of the 25: crime, disasters, diplomacy, statements, and words that only look like triggers.
NEGATIVES = [
    "He was killed in a car crash on the highway.",
    "The ministers held a dozen meetings last month.",
    "The conflict has lasted 40 years.",
    "The film 'The Battle of Algiers' was screened at the festival.",
    "The candidate gave a campaign rally speech in the stadium.",
    "An earthquake killed 40 people in the mountain villages.",
    "A gas explosion at a chemical factory killed three workers.",
    "The UN imposed new sanctions on the country.",
    "The group warned it will attack the city if its demands are not met.",
    "The army denied that any fighting took place in the valley.",
    "There was no fighting in the province on Sunday.",
    "Police arrested three men for smuggling drugs across the border.",
    "The stock market rallied on Monday.",
    "He fought a long legal battle with the government.",
]

# More phrasings, written after the lexicon to check that it generalises.
MORE_CASES = [
    ('ARMED_CLASH', 'Two soldiers and five insurgents died in a firefight near the dam on Saturday.'),
    ('ARMED_CLASH', 'Rival armed groups exchanged fire for several hours in the market district.'),
    ('ARMED_CLASH', 'Jihadists stormed an army barracks before dawn, sparking a gun battle that lasted until noon.'),
    ('ARMED_CLASH', 'The rebels said they repelled an attack by government troops on their positions.'),
    ('ATTACK', 'Unknown assailants gunned down a tribal elder in front of his house.'),
    ('ATTACK', 'Militiamen massacred at least 30 villagers, including women and children.'),
    ('ATTACK', 'Armed herders attacked a farming community, killing 12 residents.'),
    ('AIR_STRIKE', 'Fighter jets pounded rebel positions in the hills for a second day.'),
    ('AIR_STRIKE', 'An airstrike on a wedding party killed 20 guests.'),
    ('AIR_STRIKE', 'Helicopter gunships attacked a militant convoy in the desert.'),
    ('ART_MISS_ATTACK', 'Separatist forces launched Grad rockets at the city overnight.'),
    ('ART_MISS_ATTACK', 'Heavy artillery fire hit residential areas of the town.'),
    ('ART_MISS_ATTACK', 'A barrage of mortar rounds struck the airport.'),
    ('REM_EXPLOS', 'An improvised explosive device detonated under a military truck.'),
    ('REM_EXPLOS', 'Five people died when their bus hit a landmine.'),
    ('REM_EXPLOS', 'A bomb planted on a motorcycle went off near the police headquarters.'),
    ('GRENADE', 'A man threw a hand grenade into a crowded bar, wounding nine.'),
    ('SUIC_BOMB', 'A female suicide attacker detonated her explosives at the gate of the ministry.'),
    ('SUIC_BOMB', 'A suicide car bomb rammed into a military convoy.'),
    ('ABDUCT_DISSAP', 'Armed men abducted a priest from his parish on Sunday.'),
    ('ABDUCT_DISSAP', 'Rights groups said three activists had been forcibly disappeared by security agents.'),
    ('SEX_VIOL', 'Militia members were accused of raping girls in the camp.'),
    ('ARREST', 'Authorities arrested a prominent journalist on charges of spreading false news.'),
    ('ARREST', 'Police detained four opposition members ahead of the vote.'),
    ('PEACE_PROTEST', 'Workers went on strike to demand higher wages.'),
    ('PEACE_PROTEST', "Hundreds of farmers marched to the governor's office to protest against land seizures."),
    ('PEACE_PROTEST', 'Residents held a peaceful sit-in outside the town hall.'),
    ('PROTEST_WITH_INTER', 'Police used water cannon to break up a demonstration by students.'),
    ('PROTEST_WITH_INTER', 'Officers arrested dozens of protesters who blocked the entrance of the parliament.'),
    ('FORCE_AGAINST_PROTEST', 'Troops shot dead three demonstrators during a protest against the coup.'),
    ('VIOL_DEMONSTR', "Angry protesters set fire to the governor's office and clashed with police."),
    ('VIOL_DEMONSTR', 'Demonstrators hurled rocks and petrol bombs at security forces.'),
    ('MOB_VIOL', 'A mob beat a suspected thief to death in the market.'),
    ('AGREEMENT', 'The government and the armed group reached a peace agreement after months of talks.'),
    ('AGREEMENT', 'Both sides agreed to a ceasefire starting at midnight.'),
    ('CHANGE_TO_GROUP_ACT', 'Several militant factions announced their merger into a new alliance.'),
    ('CHANGE_TO_GROUP_ACT', 'A senior rebel commander defected to the government with 50 of his men.'),
    ('DISR_WEAP', 'Soldiers found an arms cache hidden in a cave.'),
    ('DISR_WEAP', 'Bomb disposal experts defused an explosive device found near the school.'),
    ('HQ_ESTABLISHED', 'The insurgents established a new headquarters in the captured village.'),
    ('PROPERTY_DISTRUCT', 'Gunmen torched a health clinic and looted medicines.'),
    ('NON_VIOL_TERRIT_TRANSFER', 'The rebels handed over control of the city to the national army.'),
    ('GOV_REGAINS_TERIT', 'Security forces liberated the town from jihadist control.'),
    ('NON_STATE_ACTOR_OVERTAKES_TER', 'Insurgents took control of the district headquarters after government forces fled.'),
]

MORE_NEGATIVES = [
    'The president met the prime minister to discuss trade.',
    'Floods destroyed hundreds of homes in the delta.',
    'The company announced a merger with its rival.',
    'The museum opened an exhibition about the war.',
    'A fire at a warehouse killed two workers.',
    'The minister said the army will never surrender.',
    'Police arrested a man suspected of stealing cars.',
    'The team fought back to win the match.',
]

# Sentences with no trigger at all.
NO_TRIGGER = [
    "He was killed in a car crash on the highway.",
    "The ministers held a dozen meetings last month.",
    "The conflict has lasted 40 years.",
    "The film 'The Battle of Algiers' was screened at the festival.",
    "The candidate gave a campaign rally speech in the stadium.",
    "The Killing Fields won three Oscars.",
    "The stock market rallied on Monday.",
]

IRREALIS = [
    ("The rebels will attack the city tomorrow.", "attack"),
    ("The commander vowed to fight until the last man.", "fight"),
    ("The elders called on them to avoid fighting.", "fighting"),
    ("If we face aggression we will fight.", "fight"),
    ("The army is preparing to launch an offensive on the town.", "offensive"),
    ("The group threatened to attack foreign troops.", "attack"),
    ("The militants plan to storm the base.", "storm"),
    ("The militants could attack the town at any moment.", "attack"),
    ("A new strike could kill civilians.", "strike"),
    ("They said the militants would attack the convoy.", "attack"),
]

NEGATED = [
    ("The militants did not attack the convoy.", "attack"),
    ("The Taliban denied attacking the checkpoint.", "attacking"),
    ("The ministry denied reports of clashes in the valley.", "clashes"),
    ("No fighting was reported.", "fighting"),
]

REALIS = [
    ("Militants attacked the base, officials said.", "attacked"),
    ("Officials said the attack killed nine soldiers.", "attack"),
    ("Police will respond to the attack on the convoy.", "attack"),
    ("There were no reports of casualties in the attack on the base.", "attack"),
]


def _by_text(trigs: list[Trigger], word: str) -> Trigger:
    found = [t for t in trigs if t.text.split()[0].lower() == word.lower()]
    assert found, f"no trigger {word!r} in {trigs}"
    return found[0]


@pytest.mark.parametrize("code,text", [(c, t) for c, texts in CASES.items() for t in texts] + MORE_CASES)
def test_classify_doc_sub_types(nlp, code, text):
    assert classify_doc(nlp(text)) == code


@pytest.mark.parametrize("text", NEGATIVES + MORE_NEGATIVES)
def test_classify_doc_none(nlp, text):
    assert classify_doc(nlp(text)) == "NONE"


@pytest.mark.parametrize("text", NO_TRIGGER)
def test_hard_negatives_fire_no_trigger(nlp, text):
    assert find_triggers(nlp(text)) == []


@pytest.mark.parametrize("text,word", IRREALIS)
def test_irrealis(nlp, text, word):
    trig = _by_text(find_triggers(nlp(text)), word)
    assert trig.irrealis and not trig.negated


@pytest.mark.parametrize("text,word", NEGATED)
def test_negated(nlp, text, word):
    trig = _by_text(find_triggers(nlp(text)), word)
    assert trig.negated


@pytest.mark.parametrize("text,word", REALIS)
def test_realis(nlp, text, word):
    trig = _by_text(find_triggers(nlp(text)), word)
    assert not trig.negated and not trig.irrealis


def test_trigger_fields(nlp):
    doc = nlp("On Monday a suicide bomber struck a checkpoint.")
    trig = _by_text(find_triggers(doc), "suicide")
    assert doc[trig.i].text == "bomber"
    assert doc.text[trig.start:trig.end] == trig.text == "suicide bomber"
    assert (trig.event_type, trig.sub_event_type, trig.code) == ("Explosions/Remote violence", "Suicide bomb",
                                                                  "SUIC_BOMB")
    assert 0.0 < trig.score <= 1.0


def test_find_triggers_on_a_sentence_span(nlp):
    doc = nlp("The talks went well. Then rebels ambushed a patrol near the river.")
    second = list(doc.sents)[1]
    trigs = find_triggers(second)
    assert [t.code for t in trigs] == ["ARMED_CLASH"]
    assert doc[trigs[0].i].text == "ambushed"


def test_one_event_one_trigger(nlp):
    # The weapons seized are not a grenade attack, and a landmine explosion is one event.
    seized = find_triggers(nlp("Police seized grenades and rifles from the house."))
    assert [t.code for t in seized] == ["DISR_WEAP"]
    mine = find_triggers(nlp("A landmine explosion killed a farmer."))
    assert {t.code for t in mine} == {"REM_EXPLOS"}


def test_territory_by_actor(nlp):
    gov = find_triggers(nlp("Government troops captured the village."))
    rebel = find_triggers(nlp("Insurgents captured the village."))
    unknown = find_triggers(nlp("Fighters captured the village."))
    assert [t.code for t in gov] == ["GOV_REGAINS_TERIT"]
    assert [t.code for t in rebel] == ["NON_STATE_ACTOR_OVERTAKES_TER"]
    assert [t.code for t in unknown] == ["NON_STATE_ACTOR_OVERTAKES_TER"]


def test_attack_by_target(nlp):
    assert classify_doc(nlp("Militants attacked an army outpost overnight.")) == "ARMED_CLASH"
    assert classify_doc(nlp("Militants attacked a village overnight, killing civilians.")) == "ATTACK"


def test_classify_texts_matches_classify_doc(nlp):
    texts = ["A suicide bomber struck a market.", "The minister visited the region.",
             "TWO SUICIDE BOMBERS BLEW THEMSELVES UP AT A MOSQUE"]
    assert classify_texts(texts, nlp=nlp, batch_size=2) == ["SUIC_BOMB", "NONE", "SUIC_BOMB"]


def test_event_types_cover_the_25_codes():
    types = event_types()
    assert len(types) == 25
    assert types["ARMED_CLASH"] == ("Battles", "Armed clash")
    assert types["NON_VIOL_TERRIT_TRANSFER"] == ("Strategic developments", "Non-violent transfer of territory")
    assert set(triggers._lexicon().priority) == set(types)


def test_lexicon_codes_are_known():
    # Every entry compiles and names one of the 25 codes (the loader raises otherwise).
    lex = triggers._lexicon()
    codes = {e.code for entries in lex.index.values() for e in entries}
    assert codes <= set(event_types())


def test_public_names_pinned():
    assert sorted(triggers.__all__) == sorted(
        ["Trigger", "classify_doc", "classify_texts", "event_types", "find_triggers", "NONE_CODE"])
