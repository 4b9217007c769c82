"""The article's incidents: a document-level pass over the sentence mentions of one article.

An ACLED coder reads an article as a unit. Its headline and lede tell its news event; most of
the sentences after them add detail to that event (a toll, a place, a quote, a denial), and
only some report a further incident, with a time or place of its own. The sentence stage
(`mentions.py`) reads every sentence that sounds like an event; this pass decides which of
those sentences are the article's incidents and folds the rest into them, so that each
incident leaves the extract stage as one Mention whose claims keep every sentence they came from.

Rules, in reading order:
- the first sentence mention that is an incident (a violent act or a change of territory, with
  an armed actor) is the article's lead;
- a later mention that fits an incident already found (same province, a date that fits, a type
  one event can be told as, no clash of armed actors) adds its detail to it;
- a later mention that does not fit starts an incident of its own only when it says where or
  when it happened in its own words and names who did it; otherwise it is detail that belongs
  to none of the article's incidents (an aggregate, a summary, a statement) and is dropped;
- denials and history recalled as context pass through unchanged.
"""
from __future__ import annotations

import collections
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Sequence

from ..records import EVENT_TYPE_RANK, Claim, DateRange, Mention, Place
from .actors import CIVILIAN_INTER, ActorLexicon
from .dates import FALLBACK_TEXTS, INHERITED_PREFIX
from .history import HISTORY_HORIZON_DAYS

__all__ = ["article_incidents", "own_date", "own_place", "INCIDENT_TYPES"]


# Event types one incident may be told as in one article: a battle with its shelling or air
# strikes, a bombing that killed civilians, looting or arrests in the course of a battle.
_JOINABLE = {
    frozenset({"Battles", "Explosions/Remote violence"}),
    frozenset({"Battles", "Strategic developments"}),
    frozenset({"Battles", "Violence against civilians"}),
    frozenset({"Explosions/Remote violence", "Violence against civilians"}),
    frozenset({"Explosions/Remote violence", "Strategic developments"}),
    frozenset({"Violence against civilians", "Strategic developments"}),
}
# Strategic developments that are incidents of their own; the others (agreements, changes to a
# group, "other") are most often statements, offers and announcements: never a lead or an
# incident of their own, only detail of an incident.
INCIDENT_TYPES = {
    "Battles": None,
    "Explosions/Remote violence": None,
    "Violence against civilians": None,
    "Riots": None,
    "Protests": None,
    "Strategic developments": frozenset({"Non-violent transfer of territory", "Arrests",
                                         "Looting/property destruction", "Disrupted weapons use",
                                         "Headquarters or base established"}),
}
# The lead's type outweighs this many detail sentences that call the incident otherwise
# ("a vehicle loaded with explosives detonated ..." then "the attack", "attacks").
LEAD_TYPE_BONUS = 0.5
# The headline and lede: the first sentences of an article.
LEDE_SENTENCES = 3
# A detail sentence this far below its incident's lead, at most, lends it the date it carries
# over from the story.
_NEAR_SENTENCES = 2
# Day-precise dates of one incident in one article may differ by this much (a night attack).
_DAY_SLACK = 1
# The widest period an event may be known to: a month (ACLED's time_precision 3).
_VAGUEST_DAYS = 31


def own_date(m: Mention) -> bool:
    """The mention's sentence states its date (not the story's, the publication's or a statement's)."""
    return m.date is not None and m.date.text not in FALLBACK_TEXTS and not m.date.text.startswith(INHERITED_PREFIX)


def _told_date(m: Mention) -> DateRange | None:
    """The date the mention's sentence states or takes from the story around it (not the publication's)."""
    return m.date if m.date is not None and m.date.text not in FALLBACK_TEXTS else None


def own_place(m: Mention) -> bool:
    """The mention's sentence names its place."""
    return bool(m.place is not None and m.place_text and m.place_text in m.sentence)


def _is_incident_type(m: Mention) -> bool:
    if m.event_type not in INCIDENT_TYPES:
        return False
    subs = INCIDENT_TYPES[m.event_type]
    return subs is None or m.sub_event_type in subs


def _is_toll(m: Mention) -> bool:
    return not m.event_type and any(cl.kind != "event" for cl in m.claims)


@dataclass(slots=True)
class _Incident:
    members: list[Mention] = field(default_factory=list)

    @property
    def admin1(self) -> str | None:
        return next((m.place.admin1 for m in self.members if m.place is not None and m.place.admin1), None)

    @property
    def admin2(self) -> str | None:
        """The district its sentences name."""
        return next((m.place.admin2 for m in self.members if own_place(m) and m.place is not None
                     and m.place.admin2), None)

    @property
    def dates(self) -> list[DateRange]:
        """The dates its sentences state."""
        return [m.date for m in self.members if own_date(m) and m.date is not None]

    @property
    def window(self) -> list[DateRange]:
        """What bounds its date: the dates its sentences state or take from the story, else the
        lead's (the publication week)."""
        stated = [m.date for m in self.members if _told_date(m) is not None]
        if stated:
            return stated
        return [m.date for m in self.members[:1] if m.date is not None]

    def armed(self, lexicon: ActorLexicon) -> set[str]:
        return {a for m in self.members for a in lexicon.named_armed(m.actors)}

    def types(self) -> set[str]:
        return {m.event_type for m in self.members if m.event_type}


def _fits(inc: _Incident, m: Mention, lexicon: ActorLexicon) -> bool:
    """`m` tells of the same incident as `inc`: nothing it states contradicts it."""
    admin1 = inc.admin1
    if m.place is not None and m.place.admin1 and admin1 and m.place.admin1 != admin1:
        return False
    admin2 = inc.admin2
    if own_place(m) and m.place is not None and m.place.admin2 and admin2 and m.place.admin2 != admin2:
        return False  # "In the first, ... in Konduga. Hours later, ... in Gwoza": two incidents
    told = _told_date(m)
    if told is not None and not inc.window and own_date(m) and m.sentence_index - inc.members[0].sentence_index > 2:
        # an undated story: a day stated far below its lead is another day's, not the lead's
        return False
    if told is not None and told.time_precision == 1 and inc.dates and all(
            d.time_precision >= 3 for d in inc.dates) and m.place is not None and m.place.admin2 \
            and inc.admin2 is None:
        # a day and a district where the incident has only a month and a province: another one
        # ("Last month helicopters bombed ... The one clear fight: on February 21 ... in Annaba")
        return False
    if told is not None:
        for d in inc.window:
            both_days = d.time_precision == 1 and told.time_precision == 1
            if not d.overlaps(told, _DAY_SLACK if both_days else 0):
                return False
    if m.event_type:
        for t in inc.types():
            if t != m.event_type and frozenset({t, m.event_type}) not in _JOINABLE:
                return False
    mine, theirs = _families(lexicon.named_armed(m.actors), lexicon), _families(inc.armed(lexicon), lexicon)
    if mine and theirs and not mine & theirs:
        return False
    return True


def _families(actors: set[str], lexicon: ActorLexicon) -> set[str]:
    return {name for a in actors for name in lexicon.family(a)}


def _stands_alone(m: Mention, incidents: list[_Incident], *, elsewhere: bool = False) -> bool:
    """A mention that fits no incident of the article is one of its own when it is an incident
    (a violent act, a change of territory, or people killed) with a party to it, and says when or
    where in its own words; the first incident of an article (its lead) needs no more than who,
    or where and when."""
    if not (_is_incident_type(m) or _is_toll(m)):
        return False
    if not incidents:
        # "combat aircraft hit a market in Ariha on Tuesday": no actor named, but where and when;
        # a summary ("19 killed in two separate attacks") leaves the lead to the first incident
        return not _aggregate(m) and (bool(m.actors) or (own_date(m) and own_place(m)))
    if not m.actors or _aggregate(m):
        return False
    if own_date(m):
        return True
    told = _told_date(m)
    if told is not None and told.time_precision == 1 and m.place is not None \
            and m.place.admin2 and any(cl.n is not None for cl in m.claims):
        # a toll told right after the sentence that gave its day and district ("On February 21,
        # fighters ambushed a convoy in Anaba district. A commander claimed 23 were killed.")
        return True
    # A place alone sets a sentence apart when it is a district or town told of another kind of
    # violence than the incident it would join (`elsewhere`), when it tells of people hit there ("In Kharkiv, three people died") or stands in the lede; a later sentence naming
    # another province is most often context ("the RSF has relied on drones since losing Khartoum").
    return own_place(m) and (m.sentence_index < LEDE_SENTENCES or (elsewhere and m.place.geo_precision < 3) or any(
        cl.kind in ("killed", "wounded", "casualties", "captured") and cl.n is not None for cl in m.claims))


# Words that make a plural trigger a count of many incidents ("a series of attacks", "dozens of
# raids", "repeated clashes"): a summary, not an incident.
_AGGREGATE = re.compile(r"\b(?:series|wave|spate|string|number|dozens|scores|hundreds|several|multiple|separate|"
                        r"many|numerous|repeated|frequent|countless|recurring|sporadic|various|successive|most|all|some|"
                        r"a\s+spate)\b"
                        r"(?:\s+of)?(?:\s+\S+){0,2}\s*$", re.I)


# Plural munitions count the rounds of one attack, not many attacks.
_MUNITIONS = frozenset({"shells", "rockets", "mortars", "missiles", "bombs", "drones", "grenades", "explosives",
                        "rounds", "bullets", "projectiles", "mines", "landmines", "ieds", "barrels", "munitions"})
# A plural trigger that a group owns is its habit ("claiming responsibility for its attacks").
_HABITUAL = re.compile(r"\b(?:its|their|his|her)\s+(?:\S+\s+)?$|"
                       r"\b(?:continues?|continued|continuing|keeps?|often|regularly|frequently|routinely|"
                       r"repeatedly|usually|long)\b(?:\s+\S+){0,5}\s*$", re.I)


def _aggregate(m: Mention) -> bool:
    """The trigger is a plural noun counted as many ("a series of attacks") or a group's habit
    ("its attacks", "continues to carry out high-profile attacks")."""
    trigger = m.trigger.strip()
    if not trigger or not trigger.lower().endswith("s"):
        return False
    if trigger.lower().split()[-1] in _MUNITIONS:
        return False  # "several mortar shells struck": the rounds of one attack
    at = m.sentence.find(trigger)
    return at > 0 and bool(_AGGREGATE.search(m.sentence[:at]) or _HABITUAL.search(m.sentence[:at]))


# Ground and remote violence told at different places are two events (an ambush in one
# district, air strikes on another), even in one paragraph of one article.
_GROUND_OR_REMOTE = frozenset({"Battles", "Explosions/Remote violence"})


def _elsewhere(inc: _Incident, m: Mention) -> bool:
    lead = inc.members[0]
    if not (m.event_type in _GROUND_OR_REMOTE and lead.event_type in _GROUND_OR_REMOTE
            and m.event_type != lead.event_type):
        return False
    told = _told_date(m)
    if own_date(m) and told is not None and told.time_precision >= 3 and any(
            d.time_precision == 1 for d in inc.window):
        # air strikes "in February" and an ambush on February 21: two events
        return True
    if not own_place(m) or m.place is None or not m.place.admin2:
        return False
    return all(x.place is None or x.place.admin2 != m.place.admin2 for x in inc.members)


def _fold(inc: _Incident, lexicon: ActorLexicon, story: DateRange | None = None) -> Mention:
    """One Mention for an incident: the lead's sentence, the members' type, actors, place, date
    and every claim."""
    members = inc.members
    typed = [m for m in members if m.event_type]
    lead = typed[0] if typed else members[0]
    if typed:
        # statements and announcements folded in as detail do not type the incident
        voters = [m for m in typed if _is_incident_type(m)] or typed
        counts = collections.Counter((m.event_type, m.sub_event_type) for m in voters)
        # the lead's type unless the other members agree on another one
        first = (lead.event_type, lead.sub_event_type)
        event_type, sub = max(counts, key=lambda k: (counts[k] + (LEAD_TYPE_BONUS if k == first else 0),
                                                     -EVENT_TYPE_RANK.get(k[0], 9)))
        sides = {a for m in members for a in m.actors if lexicon.inter(a) != CIVILIAN_INTER}
        if event_type == "Battles" and len(sides) < 2:
            # a battle needs two armed sides: with one, the shooting its sentences tell is an
            # attack on the people it hit, when a sentence says so
            attack = [k for k in counts if k[0] == "Violence against civilians"]
            if attack:
                event_type, sub = max(attack, key=lambda k: (counts[k] + (LEAD_TYPE_BONUS if k == first else 0)))
    else:
        event_type, sub = lead.event_type, lead.sub_event_type
    actors: list[str] = []
    for m in [lead] + [x for x in members if x is not lead]:
        for a in m.actors:
            if a not in actors:
                actors.append(a)
    if event_type in ("Violence against civilians", "Explosions/Remote violence") and not any(
            lexicon.inter(a) != CIVILIAN_INTER for a in actors):
        # an attack or a bomb with no perpetrator named anywhere in the article: ACLED's
        # unidentified armed group
        country = next((a[len("Civilians ("):-1] for a in actors if a.startswith("Civilians (")), None)
        unknown = lexicon.generic_for("gunmen", country) if country else None
        if unknown:
            actors.insert(0, unknown)
    place, place_text = _place(inc, lead)
    dates = inc.dates
    # a date a detail sentence only carries over from the story around it dates the incident
    # when that sentence is near its lead (far below, the story has moved on to another day)
    near = [m for m in members if m.sentence_index - lead.sentence_index <= _NEAR_SENTENCES or own_date(m)]
    told = [d for d in (_told_date(m) for m in near) if d is not None]
    if told and dates and min(d.time_precision for d in told) < min(d.time_precision for d in dates):
        # the day the story gave ("February 21") over a month a detail names ("in February")
        dates = told
    if dates:
        when = min(dates, key=lambda d: (d.time_precision, (d.date_max - d.date_min).days))
    elif told:
        when = told[0]
    else:
        when = lead.date
        if story is not None and when is not None and when.date_min <= story.date <= when.date_max:
            # another incident of the story told without a date of its own: the story's day
            # ("Two attacks on Saturday ... In the first ... Hours later ...")
            when = DateRange(story.date, story.date_min, story.date_max, story.time_precision,
                             INHERITED_PREFIX + story.text.removeprefix(INHERITED_PREFIX))
    claims: list[Claim] = []
    seen: set[str] = set()
    for m in members:
        for cl in m.claims:
            if cl.claim_id not in seen:
                seen.add(cl.claim_id)
                claims.append(cl)
    return dataclasses.replace(
        lead, event_type=event_type, sub_event_type=sub, actors=tuple(actors), place=place,
        place_text=place_text, date=when, claims=tuple(claims))


def _place(inc: _Incident, lead: Mention) -> tuple[Place | None, str | None]:
    admin1 = inc.admin1
    # a summary folded in ("continues to carry out attacks in the capital") places nothing
    placed = [m for m in inc.members if m.place is not None and (m.place.admin1 == admin1 or admin1 is None)
              and (m is lead or not _aggregate(m))]
    if not placed:
        return lead.place, lead.place_text
    best = min(placed, key=lambda m: (m.place.geo_precision, 0 if own_place(m) else 1, m.sentence_index))
    return best.place, best.place_text


def _recalled(mentions: Sequence[Mention]) -> list[Mention]:
    """Mark as history the mentions dated long before the newest date the article tells: a page
    with no publication date still shows by its own dates what is news and what is recalled."""
    told = [m.date.date_max for m in mentions if not m.background and m.date is not None
            and (m.date.date_max - m.date.date_min).days <= _VAGUEST_DAYS]
    newest = max(told, default=None)
    out = []
    for m in mentions:
        d = _told_date(m)
        if not m.background and d is not None and (d.date_max - d.date_min).days > _VAGUEST_DAYS:
            # "in 1964", "in 2019", "in late 2021", "in the 1990s", or a sentence going on in such
            # a period: ACLED codes no event known only to the year or season
            m = dataclasses.replace(m, background=True, background_reason="only the year or decade is known")
        elif not m.background and d is not None and newest is not None \
                and (newest - d.date_max).days > HISTORY_HORIZON_DAYS:
            m = dataclasses.replace(m, background=True, background_reason=(
                f"happened {(newest - d.date_max).days} days before the newest date the report tells"))
        out.append(m)
    return out


def article_incidents(mentions: Sequence[Mention], lexicon: ActorLexicon) -> list[Mention]:
    """The incidents of one article, one Mention each, then its denials and recalled history."""
    passing: list[Mention] = []
    incidents: list[_Incident] = []
    for m in sorted(_recalled(mentions), key=lambda x: (x.sentence_index, x.start)):
        if m.background or (not m.event_type and not _is_toll(m)):
            passing.append(m)  # history, denials: the merge stage places them
            continue
        # a sentence of detail goes on about the incident told last that it fits
        home = next((inc for inc in reversed(incidents) if _fits(inc, m, lexicon)), None)
        if home is not None and _elsewhere(home, m) and _stands_alone(m, incidents, elsewhere=True):
            home = None
        if home is not None:
            home.members.append(m)
        elif _stands_alone(m, incidents):
            incidents.append(_Incident([m]))
    story = min(incidents[0].dates, key=lambda d: d.time_precision, default=None) if incidents else None
    return [_fold(inc, lexicon, story if k else None) for k, inc in enumerate(incidents)] + passing

