"""Merging mentions into events and reconciling their claims (low / best / high, denials, status)."""
from __future__ import annotations

import collections
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .extract.actors import CIVILIAN_INTER, GENERIC_PREFIXES, load_lexicon
from .extract.dates import FALLBACK_TEXTS
from .extract.incidents import own_date
from .records import EVENT_TYPE_RANK, Claim, DateRange, Event, Mention, Place, content_hash

LOGGER = logging.getLogger(__name__)

__all__ = ["MergeOptions", "merge_mentions", "reconcile", "deaths_by_side"]

# Two day-precise reports of one event may differ by a day: a night clash is dated to the
# evening by one outlet and to the next morning by another (ACLED codes the start).
DAY_SLACK = 1
# A recollection joins the event it recalls only when it dates it this closely (a month).
RECALLED_PERIOD_DAYS = 31
# Event types that one clash can be told as: an air strike or shelling during a battle, or a
# vehicle set alight in it, belongs to the battle (ACLED codes the battle only).
_JOINABLE = {
    frozenset({"Battles", "Explosions/Remote violence"}),
    frozenset({"Battles", "Strategic developments"}),
    frozenset({"Battles", "Violence against civilians"}),
    # civilians killed by a bombing or shelling: ACLED codes the explosion, a report may say "killed"
    frozenset({"Explosions/Remote violence", "Violence against civilians"}),
}


@dataclass(frozen=True, slots=True)
class MergeOptions:
    """Options of the merge stage."""

    day_slack: int = DAY_SLACK


@dataclass(slots=True)
class _Cluster:
    mentions: list[Mention] = field(default_factory=list)
    date: DateRange | None = None
    admin1: str | None = None
    admin2: str | None = None
    actors: set[str] = field(default_factory=set)
    types: collections.Counter = field(default_factory=collections.Counter)
    groups: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)

    def add(self, m: Mention, group: str | None, reason: str | None) -> None:
        self.mentions.append(m)
        if m.date is not None:
            self.date = m.date if self.date is None else _narrowest(self.date, m.date)
        if m.place is not None:
            if self.admin1 is None:
                self.admin1 = m.place.admin1
            if m.place.admin2 and self.admin2 is None:
                self.admin2 = m.place.admin2
        self.actors.update(m.actors)
        if m.event_type:
            self.types[m.event_type] += 1
        if group:
            self.groups.add(group)
        if reason:
            self.reasons.append(reason)

    @property
    def event_type(self) -> str:
        if not self.types:
            return ""
        # The type most reports give; a battle wins a tie (ACLED codes a strike in a battle as the battle).
        return min(self.types, key=lambda t: (-self.types[t], EVENT_TYPE_RANK.get(t, 9)))


def _narrowest(a: DateRange, b: DateRange) -> DateRange:
    lo, hi = max(a.date_min, b.date_min), min(a.date_max, b.date_max)
    if lo > hi:
        return a if a.time_precision <= b.time_precision else b
    best = a if (a.time_precision, a.date_max - a.date_min) <= (b.time_precision, b.date_max - b.date_min) else b
    if best.date_min == lo and best.date_max == hi:
        return best
    if lo == hi:
        return DateRange.day(lo, best.text)
    # the day the narrower report points at, moved into the common period when it falls outside
    # (a report dated by its publication points at the last day of its week)
    date = min(max(best.date, lo), hi)
    return DateRange(date, lo, hi, best.time_precision, best.text)


def _dates_fit(c: _Cluster, m: Mention, slack: int) -> bool:
    if c.date is None or m.date is None:
        return True
    both_days = c.date.time_precision == 1 and m.date.time_precision == 1
    return c.date.overlaps(m.date, slack if both_days else 0)


def _why_not(c: _Cluster, m: Mention, group: str | None, options: MergeOptions) -> str | None:
    """None when `m` can join cluster `c`; else the reason it cannot."""
    if m.place is not None and c.admin1 is not None and m.place.admin1 and m.place.admin1 != c.admin1:
        return "different province"
    if m.place is not None and c.admin2 and m.place.admin2 and m.place.admin2 != c.admin2:
        return "different district"
    if not _dates_fit(c, m, options.day_slack):
        return "different dates"
    if m.actors and c.actors and not _families(m.actors) & _families(c.actors) and not (
            _only_generic(m.actors) or _only_generic(c.actors)):
        return "no actor in common"
    ctype = c.event_type
    if m.event_type and ctype and m.event_type != ctype:
        if frozenset({m.event_type, ctype}) not in _JOINABLE:
            return "incompatible types"
        # Only a strike told on the same day joins a battle: a month of air raids is not one clash.
        same_day = c.date and m.date and c.date.time_precision == 1 and m.date.time_precision == 1
        # A sentence of the same story that gives no date of its own ("fighters set a car
        # alight") goes with the battle the story is about.
        if not same_day and not (_undated(m) and _same_story(c, m, group)):
            return "different types without a common day"
    if not _same_story(c, m, group):
        # Another outlet's report joins an event on a specific detail they share (the district,
        # or a figure) when it gives no date or place of its own, or names an armed actor the
        # event does not have.
        vague = _vague_date(m) and not _week_of(c, m)
        known = _families(c.actors)
        newcomer = bool(c.actors) and any(not (_families([a]) & known) and not a.startswith(GENERIC_PREFIXES)
                                          for a in m.actors)
        if (vague or newcomer) and not _shared_detail(c, m):
            return _NO_SHARED_DETAIL
    if m.event_type and ctype and m.event_type == ctype:
        sub_c = collections.Counter(x.sub_event_type for x in c.mentions if x.event_type == ctype)
        if (m.date and c.date and m.date.time_precision > 1 and c.date.time_precision > 1
                and m.article_id not in {x.article_id for x in c.mentions}
                and not (group and group in c.groups)
                and m.sub_event_type not in sub_c):
            return "different sub-types over a vague period"
    return None


_NO_SHARED_DETAIL = "vague date or new actor, and no shared detail"


def _only_candidate_fit(c: _Cluster, m: Mention) -> bool:
    """Same province, same sub-event type, and a named armed actor in common."""
    if m.place is None or not m.place.admin1 or m.place.admin1 != c.admin1 or not m.event_type:
        return False
    if not any(x.sub_event_type == m.sub_event_type for x in c.mentions):
        return False
    return bool(_families(load_lexicon().named_armed(m.actors)) & _families(c.actors))


def _undated(m: Mention) -> bool:
    """The report gives no date for this event at all: it has the publication date."""
    return m.date is None or m.date.text in FALLBACK_TEXTS


def _is_toll_only(m: Mention) -> bool:
    """A mention made of a casualty figure alone, with no event word: it takes its event's type."""
    return not m.event_type and m.stance != "denies" and any(cl.kind != "event" for cl in m.claims)


def _families(actors) -> set[str]:
    """Actors with the movements they belong to: a report of ISKP and one of the Islamic State
    may tell of one bombing."""
    lexicon = load_lexicon()
    return {name for a in actors for name in lexicon.family(a)}


def _only_generic(actors) -> bool:
    return all(a.startswith(GENERIC_PREFIXES) for a in actors)


def _vague_date(m: Mention) -> bool:
    """No date in the mention's own sentence: none at all, the publication date, or one from the
    story around it."""
    return not own_date(m)


def _same_story(c: _Cluster, m: Mention, group: str | None) -> bool:
    return any(x.article_id == m.article_id for x in c.mentions) or bool(group and group in c.groups)


def _week_of(c: _Cluster, m: Mention) -> bool:
    """A report dated only by its week (the publication's) that holds the event's day and names
    one of its armed actors: the week's news of that event, not an undated recollection."""
    if m.date is None or m.date.time_precision > 2 or c.date is None or c.date.time_precision > 2:
        return False
    if c.date.time_precision == 1:
        if not m.date.date_min <= c.date.date <= m.date.date_max:
            return False
    elif not (c.date.overlaps(m.date, 0) and any(x.sub_event_type == m.sub_event_type for x in c.mentions)):
        # two reports dated by their week: the same kind of event in the same week
        return False
    return bool(_families(load_lexicon().named_armed(m.actors)) & _families(c.actors))


def _shared_detail(c: _Cluster, m: Mention) -> bool:
    """A specific detail two reports share: a named place below the province, or a figure with
    the same source (a number alone is shared by too many events)."""
    return _shared_place(c, m) or _shared_figure(c, m)


def _shared_place(c: _Cluster, m: Mention) -> bool:
    """A named place below the province: the district, or a town within one (a capital that is
    its own province, "Mogadishu", names no more than the province)."""
    if m.place is None or m.place.geo_precision >= 3 or not m.place.admin2:
        return False
    if m.place.admin2 == c.admin2:
        return True
    return any(x.place is not None and x.place.geo_precision < 3 and x.place.admin2
               and x.place.name == m.place.name for x in c.mentions)


def _shared_figure(c: _Cluster, m: Mention) -> bool:
    mine = [(cl.kind, cl.n, cl.claimant) for cl in m.claims if cl.n is not None and cl.kind != "event"]
    theirs = [(cl.kind, cl.n, cl.claimant) for x in c.mentions for cl in x.claims if cl.n is not None]
    # the same figure from the same source (a source not named matches any)
    return any(k == k2 and n == n2 and (a is None or b is None or a == b)
               for k, n, a in mine for k2, n2, b in theirs)


def _reason(c: _Cluster, m: Mention, group: str | None, how: str = "joined") -> str:
    """Why `m` went to `c`, for the event's merge reasons: "<article>#<sentence> <how>: ..."."""
    parts = []
    if group and group in c.groups:
        parts.append("syndicated copy")
    if c.date and m.date:
        parts.append(f"dates {m.date.date_min}..{m.date.date_max} fit {c.date.date_min}..{c.date.date_max}")
    if m.place and c.admin1:
        parts.append(f"same province {c.admin1}")
    shared = sorted(set(m.actors) & c.actors)
    if shared:
        parts.append("shared actors " + ", ".join(shared))
    return f"{m.article_id}#{m.sentence_index} {how}: " + "; ".join(parts)


def _order_key(m: Mention) -> tuple:
    # Precise, typed mentions first, so that vague ones attach to them; then a stable order
    # that does not depend on the order articles arrived in.
    prec = m.date.time_precision if m.date else 9
    width = (m.date.date_max - m.date.date_min).days if m.date else 9999
    return (0 if m.event_type else 1, _undated(m), prec, width, m.article_id, m.start, m.trigger,
            m.sub_event_type)


def merge_mentions(mentions: Iterable[Mention], *, groups: dict[str, str] | None = None,
                   options: MergeOptions | None = None) -> list[Event]:
    """Merge the mentions of all articles into events; `groups` maps article id -> syndication group."""
    options = options or MergeOptions()
    groups = groups or {}
    news = sorted((m for m in mentions if not m.background), key=_order_key)
    background = sorted((m for m in mentions if m.background and (m.event_type or _is_toll_only(m))),
                        key=_order_key)
    clusters = _cluster(news, groups, options)
    background = [m for m in background if not _recalls(m, clusters, groups, options)]
    events = [_event(c, False) for c in clusters]
    events += [_event(c, True) for c in _cluster(background, groups, options)]
    events.sort(key=lambda e: (e.undated, e.date.date if e.date else dt.date.min, e.event_id))
    return events


def _recalls(m: Mention, clusters: list[_Cluster], groups: dict[str, str], options: MergeOptions) -> bool:
    """Add a recollection of an event the ledger has as news to that event, and say so.

    An article that recalls an event with its date is one of its reports (ACLED lists every
    source of an event): "in August, al-Shabaab besieged the Hayat hotel for 30 hours" is a
    report of the siege a report of August told as news. The recollection must date it to the
    month at least (a year fits too many events) and fit the event as a report would; one with
    no date of its own, or that fits no event of the ledger, stays background.
    """
    if m.date is None or not own_date(m) or (m.date.date_max - m.date.date_min).days > RECALLED_PERIOD_DAYS:
        return False
    group = groups.get(m.article_id)
    fits = [c for c in clusters if c.date is not None and _why_not(c, m, group, options) is None]
    if not fits:
        return False
    best = max(fits, key=lambda c: _affinity(c, m, group))
    best.add(m, group, _reason(best, m, group, "recalls this event"))
    return True


def _cluster(mentions: Sequence[Mention], groups: dict[str, str], options: MergeOptions) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    denials: list[Mention] = []
    tolls: list[Mention] = []
    for m in mentions:
        if not m.event_type:
            (tolls if _is_toll_only(m) else denials).append(m)
            continue
        _place(m, clusters, groups, options)
    clusters = _join_clusters(clusters, groups, options)
    for t in tolls:
        # A toll told without an event word ("Three people died in Kharkiv") counts the dead of
        # the event it fits; alone, it is an event of its own.
        _place(t, clusters, groups, options)
    for d in denials:
        group = groups.get(d.article_id)
        fits = [c for c in clusters if _same_story(c, d, group)
                and _why_not(c, d, group, options) in (None, "no actor in common")]
        if fits:
            best = max(fits, key=lambda c: _affinity(c, d, group))
            best.add(d, group, f"{d.article_id}#{d.sentence_index} denial attached to the event it denies")
    return clusters


def _place(m: Mention, clusters: list[_Cluster], groups: dict[str, str], options: MergeOptions) -> None:
    """Add `m` to the cluster it fits best, or start a new one."""
    group = groups.get(m.article_id)
    why = [(c, _why_not(c, m, group, options)) for c in clusters]
    fits = [c for c, reason in why if reason is None]
    if not fits and m.date is None:
        # A report with no date at all (an undated page) tells of the one event it can only be:
        # the same kind of event in the same province by the same named side, when the ledger
        # has exactly one such event.
        fits = [c for c, reason in why if reason == _NO_SHARED_DETAIL and _only_candidate_fit(c, m)]
        if len(fits) != 1:
            fits = []
    if fits:
        best = max(fits, key=lambda c: _affinity(c, m, group))
        best.add(m, group, _reason(best, m, group))
    else:
        c = _Cluster()
        c.add(m, group, None)
        clusters.append(c)


def _join_clusters(clusters: list[_Cluster], groups: dict[str, str], options: MergeOptions) -> list[_Cluster]:
    """A second pass: two events whose reports all fit each other become one (greedy clustering
    otherwise depends on which report came first)."""
    changed = True
    while changed:
        changed = False
        for i, ci in enumerate(clusters):
            for j in range(i + 1, len(clusters)):
                cj = clusters[j]
                if all(_why_not(ci, m, groups.get(m.article_id), options) is None for m in cj.mentions):
                    for m in cj.mentions:
                        group = groups.get(m.article_id)
                        ci.add(m, group, _reason(ci, m, group))
                    del clusters[j]
                    changed = True
                    break
            if changed:
                break
    return clusters


def _affinity(c: _Cluster, m: Mention, group: str | None) -> tuple:
    same_article = any(x.article_id == m.article_id for x in c.mentions)
    same_group = bool(group and group in c.groups)
    shared = len(set(m.actors) & c.actors)
    same_day = bool(c.date and m.date and c.date.date == m.date.date)
    distance = _distance(c.date, m.date)
    same_type = m.event_type == c.event_type
    return (same_day, -distance, same_type, same_article or same_group, shared, len(c.mentions))


def _distance(a: DateRange | None, b: DateRange | None) -> int:
    """Days between an event's date and a report's period (0 when the period contains it)."""
    if a is None or b is None:
        return 0
    if b.date_min <= a.date <= b.date_max:
        return 0
    return min(abs((a.date - b.date_min).days), abs((a.date - b.date_max).days))


def _event(c: _Cluster, background: bool) -> Event:
    mentions = sorted(c.mentions, key=lambda m: (m.article_id, m.start, m.trigger))
    typed = [m for m in mentions if m.event_type]
    event_type = c.event_type
    subs = collections.Counter(m.sub_event_type for m in typed if m.event_type == event_type)
    claims = tuple(cl for m in mentions for cl in m.claims)
    denied_by = tuple(sorted({m.claimant for m in mentions if m.stance == "denies" and m.claimant
                              and m.claimant != "independent"}))
    sub = subs.most_common(1)[0][0] if subs else ""
    if not event_type:
        # Only casualty figures: an attack when the dead are civilians, else a clash.
        civilians = any((cl.side or "").startswith("Civilians") for cl in claims)
        event_type, sub = ("Violence against civilians", "Attack") if civilians else ("Battles", "Armed clash")
    if event_type == "Battles" and denied_by and sub != "Armed clash":
        # A claim of territory taken that the other side denies is an armed clash (ACLED).
        sub = "Armed clash"
    elif event_type == "Battles" and "Armed clash" in subs and sub != "Armed clash":
        sub = "Armed clash"
    actors = _order_actors(mentions, c.actors)
    place = _most_precise_place(mentions)
    anchor = min(typed or mentions, key=lambda m: (m.article_id, m.start, m.trigger))
    event_id = content_hash("event", anchor.mention_id)
    low, best, high = reconcile(claims)
    return Event(
        event_id=event_id, date=_day_from_weekday(c.date, mentions), event_type=event_type,
        sub_event_type=sub, actors=actors, place=place, mentions=tuple(mentions), claims=claims,
        fatalities_low=low, fatalities_best=best, fatalities_high=high, denied_by=denied_by,
        status=_status(claims, actors, denied_by), background=background,
        merge_reasons=tuple(c.reasons),
    )


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(?:on|last|this|early|late)\s+(" + "|".join(_WEEKDAYS) + r")\b", re.I)


def _day_from_weekday(date: DateRange | None, mentions: Sequence[Mention]) -> DateRange | None:
    """The day an event known to a week falls on, when a report with no date of its own names
    its weekday ("the RSF on Saturday announced ..." on an undated page, beside reports dated by
    their week): the one day of the week that is that weekday (CODEBOOK: a weekday is resolved
    from the text itself when the publication date is missing)."""
    if date is None or date.time_precision != 2:
        return date
    named = {hit.group(1).lower() for m in mentions if m.date is None for hit in [_WEEKDAY.search(m.sentence)]
             if hit}
    if len(named) != 1:
        return date
    weekday = _WEEKDAYS.index(named.pop())
    days = [date.date_min + dt.timedelta(days=k) for k in range((date.date_max - date.date_min).days + 1)]
    matching = [d for d in days if d.weekday() == weekday]
    if len(matching) != 1:
        return date
    return DateRange.day(matching[0], f"{_WEEKDAYS[weekday].capitalize()}, in {date.text}")


def _order_actors(mentions: Sequence[Mention], actors: set[str]) -> tuple[str, ...]:
    first: dict[str, tuple[int, int]] = {}
    for k, m in enumerate(mentions):
        for pos, a in enumerate(m.actors):
            if a in actors:
                key = (pos, k)
                if a not in first or key < first[a]:
                    first[a] = key
    return tuple(sorted(actors, key=lambda a: (first.get(a, (99, 99)), a)))


def _most_precise_place(mentions: Sequence[Mention]) -> Place | None:
    places = [m.place for m in mentions if m.place is not None]
    if not places:
        return None
    counts = collections.Counter(p.admin1 for p in places if p.admin1)
    top = counts.most_common(1)[0][0] if counts else None
    same = [p for p in places if p.admin1 == top] or places
    return min(same, key=lambda p: (p.geo_precision, p.name))


def reconcile(claims: Sequence[Claim]) -> tuple[int | None, int | None, int | None]:
    """Fatalities low / best / high over every killed claim (UCDP's range, ACLED's conservative best).

    Each source's account in each article is one figure: the sum over sides of its largest
    figure per side ("two police officers and 10 rebels" is 12), or the figure it gives without a
    side when that is larger (a total: "38 dead", then "35 civilians" is 38, not 73). Across accounts, low and high
    span the figures and best is the lowest credible one, unless a source that speaks for no
    side gave a figure, which then is best.
    """
    accounts: dict[tuple[str, str | None], dict[str | None, tuple[int, int]]] = collections.defaultdict(dict)
    independent: set[tuple[str, str | None]] = set()  # accounts of a named source that speaks for no side
    for cl in claims:
        if cl.kind != "killed" or cl.stance == "denies":
            continue
        # Only figures count: "dozens", "several" and "heavy casualties" stay claims without one.
        if cl.n is None:
            continue
        hi = cl.high if cl.high is not None else cl.n
        sides = accounts[(cl.article_id, cl.claimant)]
        lo0, hi0 = sides.get(cl.side, (0, 0))
        sides[cl.side] = (max(lo0, cl.n), max(hi0, hi))
        if cl.claimant == "independent" and cl.claimant_text and not cl.claimant_text.startswith("the outlet"):
            independent.add((cl.article_id, cl.claimant))
    if not accounts:
        return None, None, None
    # One article gives one unattributed account: its largest figure ("at least 50 were killed
    # ... the hospital's director was among the dead" is 50, not 1 and 50).
    unattributed: dict[str, tuple[str, str | None]] = {}
    for key, sides in accounts.items():
        article, claimant = key
        if claimant in (None, "independent"):
            best_key = unattributed.get(article)
            if best_key is None or _total(sides, 0) > _total(accounts[best_key], 0):
                unattributed[article] = key
    kept = {k: v for k, v in accounts.items() if k[1] not in (None, "independent") or unattributed.get(k[0]) == k}
    if len({k[0] for k in kept}) == len({k[0] for k in accounts}):
        accounts = kept
    totals = [_total(sides, 0) for sides in accounts.values()]
    highs = [_total(sides, 1) for sides in accounts.values()]
    low, high = min(totals), max(highs)
    # an independent source's account (its whole figure, not one victim it names) is best
    independent_totals = [_total(accounts[k], 0) for k in independent if k in accounts]
    best = min(independent_totals) if independent_totals else low
    return low, best, high


def _total(sides: dict, k: int) -> int:
    """One account's figure: its named sides summed, or its figure without a side if larger."""
    named = sum(v[k] for side, v in sides.items() if side is not None)
    return max(named, sides[None][k] if None in sides else 0)


def deaths_by_side(event: Event) -> dict[str, int | None]:
    """UCDP's split of the best figure: deaths of side A (actor1), side B (actor2), civilians, unknown.

    Read from the account (one source in one article) whose total is the event's best figure.
    """
    keys = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
    if event.fatalities_best is None:
        return dict.fromkeys(keys)
    accounts: dict[tuple[str, str | None], dict[str | None, int]] = collections.defaultdict(dict)
    for cl in event.claims:
        if cl.kind == "killed" and cl.stance != "denies" and cl.n is not None:
            sides = accounts[(cl.article_id, cl.claimant)]
            sides[cl.side] = max(sides.get(cl.side, 0), cl.n)
    chosen = next((sides for _, sides in sorted(accounts.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
                   if sum(sides.values()) == event.fatalities_best), None)
    out = dict.fromkeys(keys, 0)
    if chosen is None:
        out["deaths_unknown"] = event.fatalities_best
        return out
    side_a = event.actors[0] if event.actors else None
    side_b = event.actors[1] if len(event.actors) > 1 else None
    for side, n in chosen.items():
        if side is None:
            out["deaths_unknown"] += n
        elif side.startswith("Civilians"):
            out["deaths_civilians"] += n
        elif side == side_a:
            out["deaths_a"] += n
        elif side == side_b:
            out["deaths_b"] += n
        else:
            out["deaths_unknown"] += n
    return out


def _status(claims: Sequence[Claim], actors: Sequence[str], denied_by: Sequence[str]) -> str:
    claimants = {cl.claimant for cl in claims if cl.stance in ("claims", "confirms") and cl.claimant}
    sides = {a for a in actors if a in claimants}
    if denied_by:
        return "claimed by one side, denied by the other"
    if len(sides) >= 2 or any(cl.stance == "confirms" for cl in claims) and sides:
        return "confirmed by both sides"
    if "independent" in claimants and any(
            cl.claimant_text and not cl.claimant_text.startswith("the outlet") for cl in claims
            if cl.claimant == "independent"):
        return "independently reported"
    if sides:
        return "claimed by one side"
    return "reported"
