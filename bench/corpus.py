"""Synthetic corpora for the benchmarks: the example corpus's facts recombined into new reports.

    from corpus import generate
    articles = generate(10_000, mode="conflict", seed=1)   # conflict reports only
    articles = generate(10_000, mode="mixed", seed=1)      # a day of mixed news

Facts (places with their provinces, actors, dates, tolls, event types) come from
examples/expected_events.json and the aliases from sitrep's own actors.json, recombined into
short wire-style reports. A share of every corpus is syndicated near-copies of an earlier
report (new outlet and headline, a footer, a few words swapped, sometimes no date), the way
wire copy spreads. "mixed" mode is mostly sport, business and politics written from our own
templates, with the ordinary words that look violent out of context ("attacking midfielder",
"a strike by dockworkers", "shares were hammered") and a share of conflict reports.

Everything is seeded: the same arguments give the same articles.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from sitrep.records import Article

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "examples" / "expected_events.json"

# Share of articles that are syndicated near-copies of an earlier one. News aggregators see
# 20-40% near-duplicates in a day's English news (wire stories reprinted by many outlets);
# 0.3 sits in the middle.
DUPLICATE_RATE = 0.3
# Share of a mixed-news day that reports armed conflict (the rest is sport, business, politics).
MIXED_CONFLICT_SHARE = 0.1
# Words per article: about 440 on average, the figure the throughput estimate uses.
PARAGRAPHS = (6, 10)

OUTLETS = ["Northern Wire", "Kabul Ledger", "Hindukush Times", "Valley Post", "Regional Desk",
           "Frontier Daily", "Asia Monitor", "The Courier", "Morning Star Online", "Globe Brief",
           "Capital Herald", "Evening Dispatch", "Metro Gazette", "Sports Daily", "Market Watcher"]
FOOTERS = ["Follow us on Facebook and X for the latest updates.",
           "Subscribe to get the latest posts sent to your email.",
           "Share this article: Facebook | X | WhatsApp | Email",
           "© All rights reserved. Reproduction without permission is prohibited."]
SYNONYMS = {"said": "stated", "fighters": "militants", "killed": "left dead", "valley": "vale",
            "attack": "assault", "officials": "authorities", "Sunday": "Sunday", "reported": "told"}


@dataclass(frozen=True, slots=True)
class Fact:
    """One event of the example corpus, as material for new reports."""

    date: dt.date
    admin1: str
    place: str
    actors: tuple[str, ...]
    kind: str  # clash | air | ied | arrest
    toll: int | None


def load_facts(path: Path = EXPECTED) -> list[Fact]:
    """The `must` events of the example corpus as facts to recombine."""
    data = json.loads(path.read_text(encoding="utf-8"))
    facts = []
    for ev in data["must"]:
        admin1 = ev["admin1"] if isinstance(ev["admin1"], str) else ev["admin1"][0]
        place = (ev.get("location") or admin1).split(",")[0].replace(" mountains", "").strip()
        sub = ev["sub_event_type"]
        kind = ("air" if "Air" in sub else "ied" if "explosive" in sub else "arrest" if "Arrest" in sub
                else "clash")
        facts.append(Fact(dt.date.fromisoformat(ev["date"]), admin1, place, tuple(ev["actors"]), kind,
                          ev.get("fatalities_best")))
    return facts


def _aliases() -> dict[str, list[str]]:
    from importlib import resources
    data = json.loads(resources.files("sitrep.data").joinpath("actors.json").read_text(encoding="utf-8"))
    out = {}
    for actor in data["actors"]:
        names = [a for a in actor["aliases"] if len(a) > 3 and not a.islower() or a in (
            "taliban", "national resistance front", "afghanistan liberation front", "national resistance forces")]
        out[actor["canonical"]] = [n.title() if n.islower() else n for n in names] or [actor["canonical"]]
    out["NRF"] = ["the National Resistance Front", "the NRF", "resistance forces", "the National Resistance Forces"]
    out["Taliban"] = ["the Taliban", "Taliban forces", "Taliban fighters", "the Islamic Emirate"]
    out["ALF"] = ["the Afghanistan Liberation Front", "the ALF"]
    out["Civilians"] = ["civilians", "villagers", "passengers"]
    return out


_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]

# -- conflict templates ({a}, {b}: actors; {p}: place; {pr}: province; {w}: when; {n}: toll) --
_LEADS = {
    "clash": ["Fighting broke out between {a} and {b} in {p} in {pr} province {w}, {src} said.",
              "{A} said its fighters had clashed with {b} in {p} {w}.",
              "Heavy clashes erupted {w} in {p}, where {a} and {b} fought for several hours.",
              "{A} ambushed {b} in {p} district of {pr} {w}, {src} said."],
    "air": ["{A} aircraft bombed positions held by {b} in {p} {w}, {src} said.",
            "Air strikes hit suspected hideouts of {b} in {p} in {pr} {w}."],
    "ied": ["A roadside bomb exploded {w} near {p} in {pr} province, {src} said.",
            "An explosive device hidden by the road blew up {w} as a minibus passed {p}."],
    "arrest": ["{A} detained several people in {p} {w}, {src} said.",
               "Intelligence agents of {a} arrested residents of {p} {w}, relatives said."],
}
_TOLLS = ["{claimant} said {n} {victims} were killed and {m} others wounded.",
          "At least {n} {victims} died in the fighting, according to {claimant}.",
          "{claimant} put the death toll at {n}, a figure that could not be independently verified."]
_CONTEXT = ["The road between {p} and the provincial capital was closed for several hours.",
            "Residents of {p} said they heard gunfire late into the night.",
            "Local elders in {pr} called on both sides to spare the villages.",
            "Shops in the district bazaar stayed shut and few vehicles were on the roads.",
            "Aid groups said families had left their homes in {p} for safer areas.",
            "The area has seen repeated fighting since the Taliban took Kabul in August 2021.",
            "Neither side gave evidence for its claims, and journalists cannot reach the district.",
            "A provincial official, who asked not to be named, confirmed the incident.",
            "Mobile phone networks in the valley were cut, witnesses said.",
            "{A} has denied similar reports in the past, calling them propaganda.",
            "Farmers in {v} said the harvest had been left in the fields as families stayed indoors.",
            "Teachers in {v} said the girls' school had not reopened since the spring.",
            "The price of flour in the {pr} bazaar has almost doubled since the winter, traders said.",
            "Pictures shared on social media showed smoke rising over {v}, but their date could not be checked.",
            "A local journalist said the telephone lines to {v} had been down for {k} days.",
            "Elders from {v} travelled to the provincial capital to ask for help with the roads.",
            "The United Nations said it was following reports from {pr} closely.",
            "Relatives of detained men gathered outside the governor's office in {pr}.",
            "Winter comes early in the high valleys of {pr}, and the passes close in November.",
            "Human rights groups have asked for an independent inquiry into events in {pr}.",
            "Residents said they were afraid to speak on the record for fear of reprisals.",
            "The district hospital in {v} has {k} beds and one surgeon, a doctor said.",
            "Convoys of pickup trucks were seen moving towards {v} in the afternoon, witnesses said.",
            "Traffic on the main road resumed after {k} hours, drivers said.",
            "Both sides regularly exaggerate their successes and play down their losses.",
            "Mine clearance teams have not worked in {v} since last year, an aid worker said.",
            "The governor of {pr} told a local radio station that the situation was under control.",
            "Several families from {v} were staying with relatives in Kabul, a resident said."]
_VILLAGES = ["Dara", "Rukha", "Bazarak", "Paryan", "Shutul", "Omarz", "Khawak", "Dashtak", "Malaspa", "Sangana",
             "Parandeh", "Abdullah Khel", "Safed Chehr", "Onawa", "Mata", "Jangalak"]
_BACKGROUND = ["The valley held out against Soviet troops in the 1980s and against the Taliban in the 1990s.",
               "Ahmad Shah Massoud, the resistance commander, was killed by al-Qaeda suicide bombers in 2001.",
               "The province was the last to fall when the Taliban swept back to power in 2021."]
_VICTIMS = ["Taliban fighters", "resistance fighters", "civilians", "soldiers", "militants"]
_SOURCES = ["a spokesman for {a}", "local officials", "residents", "a provincial police spokesman",
            "a health official", "sources in {pr}"]


def _when(rng: random.Random, event: dt.date, published: dt.date) -> str:
    delta = (published - event).days
    if delta == 0:
        return rng.choice(["today", "on " + _WEEKDAYS[event.weekday()]])
    if delta == 1:
        return rng.choice(["yesterday", "on " + _WEEKDAYS[event.weekday()], "last night"])
    if delta < 7:
        return "on " + _WEEKDAYS[event.weekday()]
    return f"on {event.day} {_MONTHS[event.month - 1]}"


def _conflict_report(rng: random.Random, facts: list[Fact], aliases: dict[str, list[str]]
                     ) -> tuple[str, str, dt.date]:
    fact = rng.choice(facts)
    # New events on new days and in the other places of the corpus, with the same actors.
    other = rng.choice(facts)
    place, admin1 = (fact.place, fact.admin1) if rng.random() < 0.6 else (other.place, other.admin1)
    event = fact.date + dt.timedelta(days=rng.randint(-60, 60))
    published = event + dt.timedelta(days=rng.choice((0, 1, 1, 1, 2, 3)))
    actors = [a for a in fact.actors if a != "Civilians"] or ["Taliban"]
    a = rng.choice(actors)
    b = next((x for x in ("Taliban", "NRF", "ALF") if x != a), "Taliban")
    ns = {"a": rng.choice(aliases.get(a, [a])), "b": rng.choice(aliases.get(b, [b])), "p": place, "pr": admin1,
          "w": _when(rng, event, published),
          "v": rng.choice(_VILLAGES), "k": rng.randint(2, 30)}
    ns["A"] = ns["a"][:1].upper() + ns["a"][1:]
    ns["src"] = rng.choice(_SOURCES).format(**ns)
    toll = fact.toll if fact.toll is not None and rng.random() < 0.5 else rng.randint(2, 40)
    grammar = _GRAMMAR["conflict"]
    # Each fixed sentence shares its paragraph with composed ones, so that two reports built on
    # the same template do not share a whole passage.
    paras = [" ".join([rng.choice(_LEADS[fact.kind]).format(**ns)]
                      + [_compose(rng, grammar, ns) for _ in range(rng.randint(3, 4))])]
    if rng.random() < 0.8:
        toll_sentence = rng.choice(_TOLLS).format(claimant=ns["src"][:1].upper() + ns["src"][1:], n=toll,
                                                  m=rng.randint(1, 20), victims=rng.choice(_VICTIMS))
        paras.append(" ".join([toll_sentence] + [_compose(rng, grammar, ns) for _ in range(rng.randint(3, 4))]))
    k = rng.randint(*PARAGRAPHS) - len(paras) - 1
    pool = rng.sample(_CONTEXT, rng.randint(3, 6))
    for _ in range(k):
        sents = [_compose(rng, grammar, ns) for _ in range(rng.randint(4, 5))]
        if pool:
            sents.insert(rng.randint(0, len(sents)), pool.pop().format(**ns))
        paras.append(" ".join(sents))
    paras.append(rng.choice(_BACKGROUND))
    dateline = f"{admin1.upper()} ({rng.choice(OUTLETS)}) - "
    title = rng.choice(["{A} and {b} clash in {p}", "Fighting reported in {pr}", "Deaths reported in {p}",
                        "Tension in {pr} after night of violence"]).format(**ns)
    return title, dateline + "\n\n".join(paras), published


# -- mixed-news templates (sport, business, politics), our own writing ----------------------
_TEAMS = ["Riverside United", "Northbridge City", "Kestrel Rovers", "Harbor Athletic", "Eastfield Town",
          "Lakeside Wanderers", "Granite FC", "Summit Rangers", "Old Mill Albion", "Coastal Dynamos"]
_PLAYERS = ["Marco Silvano", "Jonas Eberhart", "Tariq Noor", "Luis Ortega", "Kenji Mori", "Adam Kowal",
            "Samuel Osei", "Pieter de Wit", "Rafael Lima", "Omar Haddad"]
_COMPANIES = ["Altura Foods", "Brightline Energy", "Corvid Systems", "Delmar Shipping", "Everpine Bank",
              "Fenwick Motors", "Glasswing Telecom", "Halcyon Retail", "Ironleaf Mining", "Juniper Pharma"]
_POLITICIANS = ["Elena Varga", "Thomas Reed", "Amina Yusuf", "Karl Brandt", "Priya Nair", "Mateo Ruiz",
                "Sofia Lindqvist", "Daniel Okoro"]
_CITIES = ["Lisbon", "Rotterdam", "Nairobi", "Osaka", "Toronto", "Melbourne", "Geneva", "Santiago", "Warsaw"]

_SPORT = [
    "{t1} beat {t2} {g1}-{g2} on {d}, with {pl} scoring twice in the second half.",
    "{pl}, the attacking midfielder, fired a shot into the top corner after {m} minutes.",
    "The striker's late goal kept {t1} in the battle for the title.",
    "{t2} had more of the ball but rarely troubled the goalkeeper.",
    "The manager said his side had defended well and deserved the three points.",
    "A crowd of {k},000 watched the match at the rebuilt stadium.",
    "{t2} now sit {g1} points behind the leaders with {m} games left.",
    "The home side pressed high from the start and hit the post twice before the break.",
    "Saturday's clash with {t1} will decide who finishes in the top four.",
    "{pl} was booked for a late tackle and will miss the next game through suspension.",
    "Fans sang throughout the second half as the visitors tired.",
    "The coach praised the young defender, who was making his first start of the season.",
    "{t2} brought on two substitutes at half-time, but the changes made little difference.",
    "{pl} has now scored {g2} goals in his last {m} appearances.",
    "Ticket prices at {t1} have risen for the third season in a row, supporters complained.",
    "The referee waved away two penalty appeals in the first half.",
    "{t1} travel to {city} next week for the first leg of the cup quarter-final.",
    "The club confirmed that {pl} had signed a new four-year contract.",
    "Rain delayed the start of the match by {g2} minutes.",
    "Injuries have left the squad short of players in midfield.",
    "The goalkeeper made a fine save from a free kick to keep the score level.",
    "Attendance has risen since the club cut prices for families.",
    "Former captain {pl} watched from the stands after retiring in the summer.",
    "The team's run of {g2} games without a win is its worst in a decade.",
]
_BUSINESS = [
    "Shares in {c} rose {g1} percent on {d} after the company raised its profit forecast.",
    "{c} said quarterly revenue climbed to {k} million dollars, helped by strong demand in {city}.",
    "Analysts expect the central bank to hold interest rates steady at its next meeting.",
    "The board of {c} approved a buyback of up to {k} million shares.",
    "A strike by dockworkers in {city} delayed container traffic for a third day.",
    "Shares were hammered after {c2} cut its dividend and warned of weaker sales.",
    "Oil prices slipped as traders weighed higher inventories against steady demand.",
    "{c} agreed to buy a smaller rival in a deal valued at {k} million dollars.",
    "The chief executive told investors the company would keep investing in new factories.",
    "Consumer confidence improved for the {m}th month in a row, a survey showed.",
    "The merger still needs the approval of competition regulators in {city}.",
    "Bond yields edged lower after inflation data came in below forecasts.",
    "{c2} will open {g2} new stores in {city} next year, creating about {k} jobs.",
    "The currency weakened against the dollar in thin trading.",
    "Retail sales fell {g1}.{g2} percent in the month, more than economists had expected.",
    "{c} named a new finance chief after the sudden departure of her predecessor.",
    "Investors took profits after a strong run in technology stocks.",
    "The company's debt has fallen by a third since the restructuring.",
    "Airline shares gained as fuel costs eased and bookings recovered.",
    "{c2} said a cyber attack had disrupted its ordering system for two days.",
    "Small businesses in {city} say higher energy bills are squeezing their margins.",
    "The regulator fined {c} {k} thousand dollars for late reporting.",
    "Wages grew faster than prices for the first time in two years.",
    "The index closed at a record high, led by banks and miners.",
]
_POLITICS = [
    "{pol} won the party's leadership vote on {d}, taking {g1}{g2} percent of the ballots.",
    "The parliament in {city} passed the budget by {k} votes to {m} after a long debate.",
    "{pol} attacked the government's housing plan as too little, too late.",
    "Opposition leaders rejected the proposal and said they would vote against it.",
    "The coalition partners signed an agreement on pension reform late on {d}.",
    "Voters will go to the polls in {city} next spring, officials said.",
    "{pol} told reporters that the talks had been difficult but constructive.",
    "Turnout in the regional election was the highest in two decades.",
    "The minister denied that the plan would raise taxes for families.",
    "Several hundred people marched peacefully through {city} to support the teachers' pay claim.",
    "The committee will publish its report on campaign finance next month.",
    "A spokesperson for the ministry said the figures would be revised in the autumn.",
    "{pol} launched her campaign in {city} with a promise to build {k} thousand homes.",
    "The bill now goes to the upper house, where the government lacks a majority.",
    "Polls show the two main parties running neck and neck.",
    "The finance minister will present the spring statement on {d}.",
    "Local councils warned that cuts would close libraries and swimming pools.",
    "{pol} resigned from the cabinet over the transport plan.",
    "The president will visit {city} next month for a summit on trade.",
    "Lawmakers debated the new data protection rules until late in the evening.",
    "Mayor {pol} said the new tram line would open a year late.",
    "The electoral commission has received {k} complaints about postal ballots.",
    "Members of the youth wing called for a lower voting age.",
    "The governing party lost a by-election it had held for {m} years.",
]


# Context sentences are composed word by word from banks (who, does what, to what, where),
# so that unrelated reports share words, as real ones do, but not word pairs in bulk: with
# fixed sentences, the dedupe stage would take a template corpus for one big syndication group.
_SHARED_WHERE = ("near|outside|behind|beside|around|beyond|opposite", "old|new|main|small|busy|quiet|northern|"
                 "southern|eastern|western|upper|lower|central|empty|crowded|narrow|wide|muddy|dusty|famous")
_GRAMMAR: dict[str, tuple[str, ...]] = {
    "conflict": (
        "worried|elderly|young|local|displaced|tired|angry|hungry|anxious|frightened|hopeful|exhausted|"
        "veteran|retired|jobless|patient|careful|determined|cautious|bewildered",
        "farmers|elders|shopkeepers|teachers|doctors|drivers|mullahs|students|shepherds|midwives|nurses|"
        "traders|widows|labourers|tailors|bakers|mechanics|porters|clerks|herders",
        "described|recalled|counted|mentioned|photographed|repaired|cleaned|visited|guarded|inspected|"
        "measured|mapped|painted|checked|shared|sold|borrowed|carried|watched|noticed",
        "broken|flooded|missing|empty|cracked|rusty|crowded|abandoned|muddy|narrow|frozen|dusty|burnt|"
        "unpaid|expensive|scarce|overloaded|leaking|damaged|ruined",
        "bridges|orchards|wells|generators|classrooms|storerooms|clinics|granaries|canals|roofs|trucks|"
        "buses|fields|bakeries|shops|stables|terraces|mills|pumps|carts",
        "mosque|bazaar|river|school|clinic|checkpoint|orchard|cemetery|bridge|pass|ridge|spring|shrine|"
        "garden|workshop|depot|quarry|terrace|ford|square"),
    "sport": (
        "talented|experienced|young|injured|tired|confident|nervous|impressive|fearless|patient|"
        "energetic|veteran|ambitious|disciplined|stubborn|clever|sharp|quick|composed|restless",
        "wingers|defenders|midfielders|forwards|goalkeepers|substitutes|coaches|captains|scouts|fans|"
        "supporters|referees|physios|stewards|groundsmen|analysts|commentators|rookies|veterans|trainers",
        "praised|questioned|studied|enjoyed|rehearsed|improved|analysed|celebrated|discussed|practised|"
        "tested|reviewed|debated|admired|criticised|applauded|noticed|copied|mastered|changed",
        "quick|late|clever|short|long|curling|looping|deflected|powerful|cautious|sloppy|neat|bold|"
        "patient|brave|lucky|tidy|crisp|direct|wasteful",
        "passes|crosses|corners|tackles|headers|volleys|saves|runs|formations|substitutions|drills|"
        "routines|tactics|lineups|throw-ins|chips|dribbles|clearances|rotations|overlaps",
        "stadium|pitch|bench|tunnel|terrace|training-ground|touchline|dugout|stand|academy|clubhouse|"
        "car-park|gym|pavilion|scoreboard|turnstile|concourse|boxes|kiosk|canteen"),
    "business": (
        "cautious|optimistic|nervous|institutional|retail|foreign|local|veteran|independent|senior|"
        "junior|regional|global|leading|smaller|larger|established|influential|active|skeptical",
        "investors|analysts|economists|traders|bankers|suppliers|retailers|lenders|shareholders|auditors|"
        "brokers|exporters|importers|landlords|consultants|regulators|managers|directors|insurers|buyers",
        "reviewed|questioned|welcomed|discussed|revised|doubled|trimmed|noted|highlighted|tracked|"
        "modelled|priced|forecast|compared|bought|sold|hedged|audited|benchmarked|measured",
        "quarterly|annual|monthly|weaker|stronger|higher|lower|rising|falling|volatile|steady|uneven|"
        "surprising|modest|record|disappointing|healthy|fragile|robust|sluggish",
        "margins|dividends|earnings|revenues|forecasts|inventories|wages|rents|yields|tariffs|loans|"
        "bonds|orders|exports|imports|savings|budgets|prices|volumes|costs",
        "exchange|harbour|warehouse|factory|headquarters|branch|mall|port|terminal|office|plant|"
        "showroom|depot|market|arcade|bank|tower|campus|store|outlet"),
    "politics": (
        "senior|junior|veteran|newly-elected|independent|moderate|liberal|conservative|regional|local|"
        "rural|urban|younger|older|outspoken|cautious|reformist|loyal|rebellious|influential",
        "lawmakers|councillors|ministers|activists|voters|mayors|officials|campaigners|candidates|"
        "advisers|pollsters|delegates|senators|governors|organisers|volunteers|commentators|aides|clerks|staffers",
        "criticised|backed|questioned|defended|amended|drafted|discussed|reviewed|supported|praised|"
        "debated|costed|published|delayed|welcomed|challenged|examined|endorsed|rewrote|circulated",
        "controversial|popular|expensive|ambitious|modest|overdue|delayed|revised|detailed|vague|"
        "generous|limited|temporary|permanent|sweeping|cautious|radical|costly|familiar|lengthy",
        "budgets|reforms|proposals|amendments|pensions|subsidies|tariffs|ballots|timetables|manifestos|"
        "petitions|regulations|audits|mandates|grants|allowances|quotas|schemes|surveys|charters",
        "parliament|chamber|ministry|townhall|courthouse|embassy|library|assembly|senate|council|"
        "headquarters|committee-room|archive|studio|auditorium|cathedral|square|campus|museum|station"),
}


def _compose(rng: random.Random, grammar: tuple[str, ...], ns: dict) -> str:
    adj1, noun1, verb, adj2, noun2, place = (rng.choice(bank.split("|")) for bank in grammar)
    prep, adj3 = (rng.choice(bank.split("|")) for bank in _SHARED_WHERE)
    return f"{adj1.capitalize()} {noun1} {verb} {adj2} {noun2} {prep} the {adj3} {place}."


def _mixed_report(rng: random.Random, kind: str) -> tuple[str, str, dt.date]:
    pool = {"sport": _SPORT, "business": _BUSINESS, "politics": _POLITICS}[kind]
    published = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    paras = []
    t1, t2 = rng.sample(_TEAMS, 2)
    c1, c2 = rng.sample(_COMPANIES, 2)
    ns = dict(t1=t1, t2=t2, pl=rng.choice(_PLAYERS), c=c1, c2=c2, pol=rng.choice(_POLITICIANS),
              city=rng.choice(_CITIES), d=_WEEKDAYS[rng.randint(0, 6)], g1=rng.randint(0, 5),
              g2=rng.randint(0, 9), m=rng.randint(2, 90), k=rng.randint(2, 900))
    facts = rng.sample(pool, rng.randint(4, 7))
    for _ in range(rng.randint(*PARAGRAPHS)):
        sents = [_compose(rng, _GRAMMAR[kind], ns) for _ in range(rng.randint(4, 5))]
        if facts:
            sents.insert(rng.randint(0, len(sents)), facts.pop().format(**ns))
        paras.append(" ".join(sents))
    title = {"sport": "Match report", "business": "Markets", "politics": "Politics"}[kind]
    return f"{title}: {rng.choice(_CITIES)} {published:%d %B}", "\n\n".join(paras), published


def _near_copy(rng: random.Random, art: Article, new_id: str) -> Article:
    """A syndicated copy: new outlet and headline, a footer, a few words swapped, maybe no date."""
    paras = art.text.split("\n\n")
    if len(paras) > 4 and rng.random() < 0.5:
        paras = paras[:-1]  # trimmed for length
    text = "\n\n".join(paras)
    for old, new in rng.sample(sorted(SYNONYMS.items()), 2):
        text = text.replace(f" {old} ", f" {new} ", 1)
    text += "\n\n" + rng.choice(FOOTERS)
    published = art.published if rng.random() < 0.7 else None
    return Article(id=new_id, text=text, title=f"{art.title} | {rng.choice(OUTLETS)}", outlet=rng.choice(OUTLETS),
                   published=published, published_precision=1 if published else None,
                   url=f"https://news.example/{new_id}")


def generate(n: int, *, mode: str = "conflict", seed: int = 1, duplicate_rate: float = DUPLICATE_RATE,
             conflict_share: float = MIXED_CONFLICT_SHARE) -> list[Article]:
    """`n` articles: conflict reports ("conflict") or a mixed news day ("mixed")."""
    if mode not in ("conflict", "mixed"):
        raise ValueError(f"mode must be 'conflict' or 'mixed', not {mode!r}")
    rng = random.Random(seed)
    facts = load_facts()
    aliases = _aliases()
    out: list[Article] = []
    for i in range(n):
        aid = f"gen-{mode[0]}{seed}-{i:07d}"
        if out and rng.random() < duplicate_rate:
            out.append(_near_copy(rng, rng.choice(out[-200:]), aid))
            continue
        if mode == "conflict" or rng.random() < conflict_share:
            title, text, published = _conflict_report(rng, facts, aliases)
        else:
            title, text, published = _mixed_report(rng, rng.choice(("sport", "business", "politics")))
        out.append(Article(id=aid, text=text, title=title, outlet=rng.choice(OUTLETS), published=published,
                           published_precision=1, url=f"https://news.example/{aid}"))
    return out


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="write a generated corpus as JSON Lines (sitrep run reads it)")
    ap.add_argument("n", type=int)
    ap.add_argument("--mode", default="conflict", choices=("conflict", "mixed"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", default="-")
    args = ap.parse_args()
    lines = [json.dumps({"id": a.id, "url": a.url, "outlet": a.outlet, "title": a.title,
                         "published": a.published.isoformat() if a.published else None, "text": a.text})
             for a in generate(args.n, mode=args.mode, seed=args.seed)]
    if args.out == "-":
        print("\n".join(lines))
    else:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
