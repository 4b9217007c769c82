"""The world actor lexicon: its shape, local aliases scoped to a country, state forces, and
the test for names of armed groups the lexicon does not list."""
from __future__ import annotations

import collections
import datetime as dt
import json
from importlib import resources

import pycountry
import pytest

from sitrep.extract.actors import (
    ActorLexicon,
    ActorMatcher,
    ActorMention,
    load_lexicon,
    looks_like_armed_group,
    scope_to_country,
)

KINDS = {"state", "rebel", "militia", "civilians", "external", "political", "protesters", "rioters"}
ISO2 = {c.alpha_2 for c in pycountry.countries}


@pytest.fixture(scope="module")
def raw():
    return json.loads(resources.files("sitrep.data").joinpath("actors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


# -- the data file ------------------------------------------------------------------------

def test_the_lexicon_loads_and_covers_many_wars(lex):
    assert len(lex.actors) > 150
    countries = {c for info in lex.actors.values() for c in info.countries}
    for iso in ("AF", "SD", "CD", "SO", "CO", "UA", "RU", "IL", "PS", "MM", "NG", "ML", "BF", "NE", "ET", "YE",
                "SY", "IQ", "PK", "IN", "MZ", "CM", "CF", "SS", "LY", "HT", "MX", "PH", "LB"):
        assert iso in countries, iso
    # The seed actors keep their canonical names.
    for name in ("Taliban", "NRF", "ALF", "AFF", "ISKP", "Al-Qaeda", "Islamic State", "Al-Shabaab",
                 "Boko Haram", "Houthis", "JNIM"):
        assert lex.info(name) is not None, name


def test_every_entry_is_well_formed(raw):
    names = {e["canonical"] for e in raw["actors"]}
    assert len(names) == len(raw["actors"]), "a canonical name is used twice"
    for e in raw["actors"]:
        where = e["canonical"]
        assert e["canonical"].strip() == e["canonical"] and e["canonical"], where
        assert 1 <= int(e["inter"]) <= 8, where
        assert e["kind"] in KINDS, where
        assert all(c in ISO2 for c in e["countries"]), where
        assert len(set(e["countries"])) == len(e["countries"]), where
        for key in ("aliases", "aliases_local"):
            assert all(a == a.lower() and a.strip() == a and a for a in e.get(key, ())), (where, key)
        for key in ("aliases_cased", "aliases_local_cased", "people"):
            assert all(a.strip() == a and a for a in e.get(key, ())), (where, key)
        assert all(p in names for p in e.get("part_of", ())), where
        if "active_until" in e:
            dt.date.fromisoformat(e["active_until"])
        if "forces" in e:
            assert e["forces"] in ("military", "police") and e["countries"] and e["inter"] == 1, where
        if e.get("aliases_local") or e.get("aliases_local_cased"):
            assert e["countries"], f"{where}: local aliases need the actor's countries"


def test_no_alias_is_claimed_by_two_actors(raw):
    owners: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    countries = {e["canonical"]: set(e["countries"]) for e in raw["actors"]}
    for e in raw["actors"]:
        name = e["canonical"]
        owners["global", name.lower()].add(name)
        for a in e.get("aliases", ()):
            owners["global", a].add(name)
        for a in e.get("aliases_cased", ()):
            owners["cased", a].add(name)
        for a in e.get("people", ()):
            owners["person", a].add(name)
        for a in e.get("aliases_local", ()):
            owners["local", a].add(name)
        for a in e.get("aliases_local_cased", ()):
            owners["local_cased", a].add(name)
    for (kind, alias), who in owners.items():
        if kind in ("global", "cased", "person"):
            assert len(who) == 1, (kind, alias, who)
        if kind == "global":
            # A distinctive name of one actor is nobody else's local alias.
            assert not owners.get(("local", alias), set()) - who, (alias, who, owners["local", alias])
        if kind in ("local", "local_cased") and len(who) > 1:
            # One local alias may serve actors of different countries ("SNA" in Somalia and in Syria).
            ordered = sorted(who)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    assert not countries[a] & countries[b], (alias, a, b)


def test_generic_section_marks_military_and_police(raw):
    forces = {e.get("forces") for e in raw["generic"]["entries"]}
    assert {"military", "police"} <= forces


# -- state forces -----------------------------------------------------------------------

def test_each_country_has_one_state_forces_entry_per_branch(raw, lex):
    seen: dict[tuple[str, str], str] = {}
    for e in raw["actors"]:
        if "forces" in e and "active_until" not in e:
            key = (e["countries"][0], e["forces"])
            assert key not in seen, (key, seen.get(key), e["canonical"])
            seen[key] = e["canonical"]
            assert lex.state_forces(*key) == e["canonical"]


@pytest.mark.parametrize("iso,name,expected", [
    ("SD", "Sudan", "Military Forces of Sudan (2019-)"),
    ("CD", "Democratic Republic of Congo", "Military Forces of the Democratic Republic of Congo (2019-)"),
    ("SO", "Somalia", "Military Forces of Somalia (2022-)"),
    ("CO", "Colombia", "Military Forces of Colombia (2022-)"),
    ("RU", "Russia", "Military Forces of Russia (2000-)"),
    ("UA", "Ukraine", "Military Forces of Ukraine (2019-)"),
    ("IL", "Israel", "Military Forces of Israel (2022-)"),
    ("MM", "Myanmar", "Military Forces of Myanmar (2021-)"),
])
def test_the_generic_army_is_the_state_forces_entry(lex, iso, name, expected):
    assert lex.state_forces(iso) == expected
    assert lex.generic_for("army", name) == lex.generic_for("troops", iso) == expected
    assert lex.canonical(expected) == expected


def test_common_names_of_state_forces(lex):
    assert lex.canonical("Sudanese Armed Forces") == lex.generic_for("soldiers", "Sudan")
    assert lex.canonical("FARDC") == lex.state_forces("CD")
    assert lex.canonical("IDF") == lex.state_forces("IL")
    assert lex.canonical("Somali National Army") == lex.state_forces("SO")
    assert lex.generic_for("police", "Sudan") == lex.state_forces("SD", "police") == "Police Forces of Sudan (2019-)"


def test_a_country_without_an_entry_keeps_the_bare_generic_name(lex):
    assert lex.state_forces("TZ") is None
    assert lex.generic_for("army", "Tanzania") == "Military Forces of Tanzania"
    # Afghanistan's state forces since 2021 are the Taliban entry, which stays as it is.
    assert lex.generic_for("soldiers", "Afghanistan") == "Military Forces of Afghanistan"
    assert lex.generic_for("gunmen", "Sudan") == "Unidentified Armed Group (Sudan)"


def test_the_generic_army_matches_the_gazetteers_country_names(lex, gazetteer):
    # The extractor passes the gazetteer's name of the report's country to generic_for.
    entries = [i for i in lex.actors.values() if i.forces and i.active_until is None]
    assert len(entries) > 50
    for info in entries:
        hit = gazetteer.country_of(info.countries[0])
        assert hit is not None, info.canonical
        word = "army" if info.forces == "military" else "police"
        assert lex.generic_for(word, hit[0]) == info.canonical, (info.canonical, hit[0])


# -- scoping to the report's country --------------------------------------------------------

def _hit(canonical: str, *, local: bool) -> ActorMention:
    return ActorMention(0, 1, canonical, "alias", local=local)


def test_scope_drops_local_hits_of_another_war(lex):
    nrf_local, nrf_named = _hit("NRF", local=True), _hit("NRF", local=False)
    rsf = _hit("Rapid Support Forces", local=True)
    assert scope_to_country([nrf_local, rsf], "SD", lex) == [rsf]
    assert scope_to_country([nrf_local, rsf], "AF", lex) == [nrf_local]
    # A distinctive name stays in any report.
    assert scope_to_country([nrf_named], "SD", lex) == [nrf_named]
    # No country known: a local hit stays only for an actor tied to no country.
    assert scope_to_country([nrf_local, _hit("Islamic State", local=True)], None, lex) == [
        _hit("Islamic State", local=True)]


def test_nrf_loose_aliases_are_local(raw):
    nrf = next(e for e in raw["actors"] if e["canonical"] == "NRF")
    for loose in ("resistance forces", "resistance fighters", "national resistance", "resistance front"):
        assert loose in nrf["aliases_local"] and loose not in nrf["aliases"]
    assert "Resistance" in nrf["aliases_local_cased"] and "Resistance" not in nrf["aliases_cased"]
    assert "national resistance front" in nrf["aliases"]


def test_a_user_lexicon_with_local_aliases(tmp_path, nlp):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"actors": [
        {"canonical": "Blue Brigade", "inter": 3, "countries": ["KE"], "aliases": ["blue brigade"],
         "aliases_local": ["the brigade"]},
        {"canonical": "Red Brigade", "inter": 3, "countries": ["UG"], "aliases": ["red brigade"],
         "aliases_local": ["the brigade"]},
    ]}))
    lex = load_lexicon(str(path))
    assert isinstance(lex, ActorLexicon) and lex.local["the brigade"] == ("Blue Brigade", "Red Brigade")
    matcher = ActorMatcher(nlp, lex)
    hits = matcher.find(nlp("The brigade attacked a post."))
    assert {(h.canonical, h.local) for h in hits} == {("Blue Brigade", True), ("Red Brigade", True)}
    assert [h.canonical for h in scope_to_country(hits, "UG", lex)] == ["Red Brigade"]


# -- names of groups the lexicon does not list --------------------------------------------

@pytest.mark.parametrize("name", [
    "Kivu Defence Forces", "Northern Liberation Front", "Blue Nile Army", "Shabelle Militia", "Martyrs Brigades",
    "Eastern Battalion", "Azawad Liberation Movement", "the Liberation Brigade", "Armed Group of the North",
    "Seleka Rebel Coalition", "Jaish al-Adl", "Islamic State Pakistan Province", "Tigray Defense Forces",
])
def test_armed_group_names(name):
    assert looks_like_armed_group(name)


@pytest.mark.parametrize("name", [
    "Saudi Teaching Maternal Hospital", "Foreign Ministry", "el - fasher", "Doctors Without Borders",
    "Emergency Lawyers", "Sudan Doctors Network", "Ministry of Defence", "United Nations", "World Food Programme",
    "Kenya Red Cross Society", "Supreme Court", "Sovereign Council", "Resistance Committees", "Reuters",
    "Al Jazeera", "University of Khartoum", "Army Chief", "Fire Brigade", "Salvation Army",
    "Government Forces", "security forces", "Rebel Group", "Armed Forces", "", "  ",
])
def test_not_armed_group_names(name):
    assert not looks_like_armed_group(name)


# -- matching with the spaCy pipeline -----------------------------------------------------

@pytest.fixture(scope="module")
def matcher(nlp):
    return ActorMatcher(nlp)


def _scoped(nlp, matcher, lex, text, country):
    doc = nlp(text)
    return [(doc[h.start:h.end].text, h.canonical) for h in scope_to_country(matcher.find(doc), country, lex)]


@pytest.mark.model
@pytest.mark.parametrize("country,text,expected", [
    ("SD", "Resistance forces said the paramilitaries shelled the city.",
     ["Rapid Support Forces"]),
    ("AF", "Resistance forces said they killed five Taliban fighters in Panjshir.",
     ["NRF", "Taliban"]),
    ("SD", "The Sudanese army and allied Joint Forces repelled an attack by the Rapid Support Forces.",
     ["Military Forces of Sudan (2019-)", "Darfur Joint Forces", "Rapid Support Forces"]),
    ("CD", "M23 rebels clashed with FARDC soldiers and Wazalendo fighters near Goma.",
     ["M23: March 23 Movement", "Military Forces of the Democratic Republic of Congo (2019-)", "Wazalendo"]),
    ("SO", "The SNA and AUSSOM troops pushed al-Shabaab out of two villages.",
     ["Military Forces of Somalia (2022-)",
      "AUSSOM: African Union Support and Stabilization Mission in Somalia", "Al-Shabaab"]),
    ("SY", "The SNA shelled positions held by Kurdish forces near Manbij.",
     ["SNA: Syrian National Army", "SDF: Syrian Democratic Forces"]),
    ("CO", "Dissidents attacked a police station, and the ELN denied any part in it.",
     ["FARC Dissidents", "ELN: National Liberation Army"]),
    ("MM", "The Arakan Army seized a base from junta troops.",
     ["AA: Arakan Army", "Military Forces of Myanmar (2021-)"]),
    ("ML", "Junta troops and Africa Corps fighters pursued JNIM militants.",
     ["Military Forces of Mali (2021-)", "Africa Corps", "JNIM"]),
])
def test_sentences_of_many_wars(nlp, matcher, lex, country, text, expected):
    assert [c for _, c in _scoped(nlp, matcher, lex, text, country)] == expected


@pytest.mark.model
def test_local_hits_are_marked_and_distinctive_ones_are_not(nlp, matcher):
    doc = nlp("The National Resistance Front said resistance forces held the ridge.")
    hits = matcher.find(doc)
    assert (hits[0].canonical, hits[0].local) == ("NRF", False)
    # "resistance forces" is also Myanmar's PDF: both readings come out, each marked local.
    assert {(h.canonical, h.local) for h in hits[1:]} == {("NRF", True), ("PDF: People's Defense Force", True)}


@pytest.mark.model
def test_a_local_alias_does_not_hide_a_distinctive_name(nlp, matcher, lex):
    # "Popular Resistance" (Sudan) and "resistance fighters" (Afghanistan, Myanmar) overlap:
    # both are kept by find, and scoping leaves the one of the report's country.
    doc = nlp("Popular Resistance fighters guarded the market.")
    assert [h.canonical for h in scope_to_country(matcher.find(doc), "SD", lex)] == ["Popular Resistance (Sudan)"]
    assert [h.canonical for h in scope_to_country(matcher.find(doc), "AF", lex)] == ["NRF"]
