"""Event mentions: one parse per article turned into typed, placed, dated, sourced Mention records.

This is the one module that turns spaCy objects into project records; the helpers it calls
(triggers, tolls, dates, actors, claims, history) each read one aspect of a sentence.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..geocode import Gazetteer
from ..records import CleanArticle, Claim, DateRange, Mention, Place
from .actors import (CIVILIAN_INTER, ActorLexicon, ActorMatcher, ActorMention, load_lexicon, looks_like_armed_group,
                     scope_to_country)
from .claims import Attribution, find_attribution, load_cues
from .dates import FALLBACK_TEXTS, INHERITED_PREFIX, DateMention, find_dates
from .history import HISTORY_HORIZON_DAYS, background_reason, war_began
from .incidents import article_incidents
from .tolls import Toll, find_tolls
from .triggers import Trigger, find_triggers

LOGGER = logging.getLogger(__name__)

__all__ = ["ExtractOptions", "Extractor", "fallback_date", "inherited", "INHERITED_PREFIX", "FALLBACK_TEXTS"]

# A report that gives no date for an event tells of the last few days: ACLED codes such
# events to the publication date with time_precision 2 (within a week).
FALLBACK_WINDOW_DAYS = 6
# spaCy entity labels that may name a place (the small English model tags some Afghan
# provinces as ORG, so ORG names are looked up too, after actors are ruled out).
# Votes for the country a report is about: a country or province named counts this much, a
# nationality or an actor that fights in one country counts one.
COUNTRY_VOTE = 2
# The headline and lede (the first sentences) tell what a report is about: a country they
# name counts this many times as one named further down.
LEDE_SENTENCES = 3
LEDE_WEIGHT = 3
# A sentence that names this many provinces sums up (a month's fighting, a group's claims), it
# does not tell one incident.
SUMMARY_PROVINCES = 3
# A province stands for the whole report (the place of a sentence that names none) when it is
# named this many times as often as the next one.
CONTEXT_DOMINANCE = 2
_PLACE_LABELS = ("GPE", "LOC", "FAC", "ORG", "NORP")
# Nouns after which "of X" names a place ("on the outskirts of Dori", "north of Kabul").
_SPATIAL_NOUNS = frozenset({"outskirts", "edge", "north", "south", "east", "west", "centre", "center", "suburb",
                            "heart", "vicinity", "town", "city", "village", "district", "province", "region",
                            "area", "outskirt", "countryside", "border"})
# "the town of X": X names a settlement.
_SETTLEMENT_NOUNS = frozenset({"town", "village", "city", "locality", "hamlet", "settlement", "district",
                               "municipality", "commune", "township"})
# Entity types that are never places ("in March", "at 5pm", "in 2001").
_NOT_PLACE_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "EVENT"})
# Prepositions whose object is a place.
_LOCATIVE_PREPS = frozenset({"in", "near", "at", "outside", "around", "inside", "into", "across", "towards", "toward"})
# Nouns that make the place name before them the name of a facility ("Hesarak base").
_FACILITY_NOUNS = frozenset({"base", "airbase", "airfield", "airport", "camp", "prison", "jail", "hospital",
                             "checkpoint", "outpost", "garrison", "barracks", "school", "university",
                             "mosque", "hotel", "market", "bridge", "dam", "station"})
# "375 kilometres (230 miles) north of the capital Mogadishu", "80 km from Goma": a place that
# only gives the distance to where something happened; from this far it is another province's
# town more often than not. Nearer ("10 km south of Kabul") it names the area of the event.
REFERENCE_DISTANCE_KM = 50
_DISTANCE_TO = re.compile(
    r"\b(?P<n>\d[\d,.]*|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds)(?:[- ]\w+)?)"
    r"\s*-?\s*"
    r"(?P<unit>km|kms|kilomet(?:re|er)s?|miles?|mi)\b(?:\s*\([^)]{0,30}\))?"
    r"(?:\s+(?:to\s+the\s+)?(?:north|south|east|west)(?:-?(?:north|south|east|west))?(?:ern)?(?:\s+of)?|\s+(?:from|of|away\s+from|outside(?:\s+of)?))"
    r"(?:\s+(?:the|its|his|their|provincial|regional|state|national|capital|city|town|of|\w+['\u2019]s)\b,?)*\s*$", re.I)
_WORD_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
              "ninety": 90, "hundred": 100, "hundreds": 200}
_SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "one", "another", "the other", "a second", "the spokesman",
                               "the spokesperson", "the official"})
_PRONOUNS = frozenset({"their", "its", "his", "they", "them", "it", "our", "we", "us"})


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Options of the extract stage."""

    batch_size: int = 32
    n_process: int = 1
    default_country: str | None = None  # ISO alpha-2 when the corpus is about one country


def inherited(when: DateRange) -> DateRange:
    """A date a sentence takes from the story around it, marked as such."""
    text = when.text if when.text.startswith(INHERITED_PREFIX) else INHERITED_PREFIX + when.text
    return DateRange(when.date, when.date_min, when.date_max, when.time_precision, text)


def fallback_date(published: dt.date, precision: int | None = 1, *, text: str = "publication date") -> DateRange:
    """The date of an event told without one: the publication (or statement) date, within the week before."""
    lo = published - dt.timedelta(days=FALLBACK_WINDOW_DAYS)
    if precision == 3:  # only the month is known
        return DateRange.span(published.replace(day=1),
                              (published.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                              - dt.timedelta(days=1), "publication month", 3)
    if precision == 2:  # only the week is known: the event fell in it or the week before
        lo = published - dt.timedelta(days=2 * FALLBACK_WINDOW_DAYS + 1)
    return DateRange(published, lo, published, 2, text)


@dataclass(slots=True)
class _PlaceHit:
    start: int  # token span
    end: int
    text: str
    place: Place


@dataclass(slots=True)
class _Unit:
    """A trigger (or a toll) being built into a mention."""

    trigger: Trigger | None
    i: int  # token index anchoring the unit
    text: str
    event_type: str
    sub_event_type: str
    dates: list[DateMention] = field(default_factory=list)
    said: list[DateMention] = field(default_factory=list)  # dates of the statement, not the event
    places: list[_PlaceHit] = field(default_factory=list)
    tolls: list[Toll] = field(default_factory=list)
    extra_triggers: list[Trigger] = field(default_factory=list)


class Extractor:
    """Turns cleaned articles into event mentions (injected gazetteer, shared spaCy pipeline)."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, *, options: ExtractOptions | None = None,
                 lexicon: ActorLexicon | None = None) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer
        # Speed only: place names repeat across articles, so each (name, country, province)
        # is resolved once per extractor (the fuzzy lookup dominated the extract stage's time).
        self._lookup = functools.lru_cache(maxsize=1 << 16)(gazetteer.lookup)
        self.options = options or ExtractOptions()
        self.lexicon = lexicon or load_lexicon()
        self.actors = ActorMatcher(nlp, self.lexicon)
        self._place_matchers: dict[str, PhraseMatcher] = {}

    # -- public ----------------------------------------------------------------

    def extract(self, articles: Sequence[CleanArticle],
                published: dict[str, tuple[dt.date, int]] | None = None) -> Iterator[list[Mention]]:
        """Mentions per article, in input order; `published` overrides publication dates."""
        published = published or {}
        texts = (_parseable(a, self.nlp.max_length) for a in articles)
        docs = self.nlp.pipe(texts, batch_size=self.options.batch_size, n_process=self.options.n_process)
        for art, doc in zip(articles, docs):
            pub = published.get(art.id)
            if pub is None and art.article.published is not None:
                pub = (art.article.published, art.article.published_precision or 1)
            yield article_incidents(self.article_mentions(art, doc, pub), self.lexicon)

    def article_mentions(self, art: CleanArticle, doc: Doc,
                         pub: tuple[dt.date, int] | None) -> list[Mention]:
        """The event mentions of one parsed article."""
        pub_date, pub_prec = pub if pub else (None, None)
        actor_hits = self.actors.find(doc)
        # Names that mean an actor only in its own war ("the Resistance", "Joint Forces") vote for
        # a country only the text names, and name the actor only in its own country.
        country = self._country(doc, actor_hits)
        actor_hits = scope_to_country(actor_hits, country, self.lexicon)
        places = self._places(doc, country, actor_hits)
        last_resort = country is None and not places
        if last_resort:
            # Nothing named a country or a province: a last look at every proper noun the gazetteer
            # knows anywhere ("Kramatorsk began burying its dead").
            places = self._places(doc, None, actor_hits, any_proper_noun=True)
        if country is None and places:
            # No country named and no known actor: the provinces and towns the report names tell.
            votes = collections.Counter(h.place.iso for h in places if h.place.iso)
            if votes:
                country = votes.most_common(1)[0][0]
                places = self._places(doc, country, actor_hits, any_proper_noun=last_resort)
        main_actors = self._main_actors(actor_hits)
        admin1_counts = collections.Counter(p.place.admin1 for p in places if p.place.admin1)
        context_admin1 = admin1_counts.most_common(1)[0][0] if admin1_counts else None
        fallback_admin1 = _dominant(admin1_counts)
        if context_admin1:
            places = self._places(doc, country, actor_hits, context_admin1, any_proper_noun=last_resort)
        outlet = art.article.outlet
        mentions: list[Mention] = []
        para_breaks = _paragraph_starts(doc.text)
        date_ctx: DateRange | None = None
        place_ctx: _PlaceHit | None = None
        # the story goes on at a place the gazetteer does not know ("the camp in Galcad"): no
        # other place of the report stands in for it
        unknown_ctx = False
        unknown_places = self._unknown_places(doc, country, places, actor_hits)
        claimant_ctx: Attribution | None = None  # the speaker of this paragraph
        last_speaker: Attribution | None = None  # whom "he" or "one" refers to
        para = -1
        for si, sent in enumerate(doc.sents):
            p = _paragraph_of(sent.start_char, para_breaks)
            if p != para:
                # A new paragraph keeps the story's place, not its date or speaker: reporters
                # restate the date when a paragraph moves to another day.
                para, claimant_ctx, date_ctx = p, None, None
            sent_places = [h for h in places if h.start >= sent.start and h.end <= sent.end]
            sent_actors = [a for a in actor_hits if a.start >= sent.start and a.end <= sent.end]
            dates = [d for d in find_dates(sent.text, pub_date, published_precision=pub_prec or 1)
                     if d.range is not None]
            attribution = find_attribution(sent, sent_actors, self.lexicon)
            if attribution is None and _is_quote(sent) and (claimant_ctx or last_speaker) is not None:
                attribution = claimant_ctx or last_speaker
            elif attribution is not None and attribution.claimant is None:
                attribution = self._resolve_speaker(attribution, sent_actors, main_actors, last_speaker)
            units = self._units(sent, dates, sent_places)
            sent_unknown = [u for u in unknown_places if sent.start <= u[0] < sent.end]
            unknown_here = bool(sent_unknown) or (unknown_ctx and not sent_places)
            if attribution is not None and attribution.speaker_start is not None:
                # "a local vigilante chief stated": a word in the speaker's name is no event
                units = [u for u in units if u.trigger is None or doc[u.i].pos_ != "NOUN"
                         or not attribution.speaker_start <= u.i < attribution.speaker_end]
            if len({h.place.admin1 for h in sent_places if h.place.admin1}) >= SUMMARY_PROVINCES:
                # "fighting in Panjshir, Baghlan, Takhar and Parwan": a summary, not an incident
                units = []
            if not units and attribution is not None and attribution.stance == "denies":
                units = [self._denial_unit(sent, dates, sent_places)]
            for unit in units:
                mention = self._mention(art, si, sent, unit, sent_actors, main_actors, attribution,
                                        date_ctx, place_ctx, context_admin1, pub_date, pub_prec,
                                        country, outlet, unknown_place=unknown_here,
                                        fallback_admin1=fallback_admin1, unknown_spans=sent_unknown)
                if mention is not None:
                    mentions.append(mention)
            anchors = _anchors(units, doc)
            roles = {(d.start, d.end): _date_role(doc[_token_at(sent, sent.start_char + d.start)], anchors)[0]
                     for d in dates}
            # A period a statement was made in sets the story's time; the day of a statement does
            # not, nor a date that belongs to something else ("since the war began in April 2023").
            own = [d for d in dates if d.kind not in ("period",) and not _too_old(d.range, pub_date)
                   and (roles[(d.start, d.end)] == "event"
                        or roles[(d.start, d.end)] == "statement" and d.range.time_precision > 1)]
            if own and not any(m.background for m in mentions if m.sentence_index == si):
                date_ctx = own[-1].range
            told = [m for m in mentions if m.sentence_index == si and not m.background and m.place]
            chosen = [h for h in sent_places if told and h.text == told[-1].place_text]
            if chosen:
                # The story goes on where this sentence's event happened.
                place_ctx, unknown_ctx = chosen[0], False
            elif sent_unknown and any(m.sentence_index == si and not m.background and m.place is None
                                      for m in mentions):
                # this sentence's event happened at a place the gazetteer does not know
                place_ctx, unknown_ctx = None, True
            elif sent_places and not told:
                with_admin1 = [h for h in sent_places if h.place.admin1]
                # the story goes on in its own country ("the battles started in Apure, in our
                # neighbouring country. ... Arauca, Tame, Fortul ...")
                with_admin1 = [h for h in with_admin1 if h.place.iso == country] or (
                    with_admin1 if place_ctx is None else [])
                if with_admin1:
                    place_ctx, unknown_ctx = with_admin1[-1], False
            if attribution is not None and attribution.claimant is not None:
                claimant_ctx = last_speaker = attribution
        return mentions

    def _resolve_speaker(self, att: Attribution, sent_actors: list[ActorMention], main_actors: list[str],
                         previous: Attribution | None) -> Attribution:
        """A speaker named only as "he" is the last one quoted; "a group led by an anti-X commander"
        speaks for X's enemy in the report."""
        claimant = None
        if att.speaker_start is not None:
            anti = [a for a in sent_actors if a.via == "anti" and att.speaker_start <= a.start < att.speaker_end]
            if anti:
                claimant = next((m for m in main_actors if m != anti[0].enemy_of), None)
        if claimant is None and previous is not None and (att.claimant_text or "").lower() in _SPEAKER_PRONOUNS:
            claimant = previous.claimant
        return dataclasses.replace(att, claimant=claimant) if claimant else att

    # -- places, actors, country -----------------------------------------------

    def _country(self, doc: Doc, actors: list[ActorMention]) -> str | None:
        """The country a report is about: the one it names most, else where its actors fight."""
        counts: collections.Counter[str] = collections.Counter()  # votes (floats: ties broken)
        # The headline and lede say what the report is about; a page's tail may be another
        # story's teaser or a site's boilerplate.
        lede_end = _lede_end(doc)
        for ent in doc.ents:
            if ent.label_ not in ("GPE", "NORP", "LOC"):
                continue
            weight = LEDE_WEIGHT if ent.start < lede_end else 1
            if _destination(ent.root):
                continue  # "survivors fled to Apure in Venezuela": where people went
            hit = self.gazetteer.country_of(ent.text)
            if hit:
                if ent.label_ == "NORP" and ent.root.head.lemma_.lower() in _NATIONAL_FORCE_NOUNS:
                    continue  # "a Russian missile" names who fired it, not where it fell
                if any(t.lemma_.lower() == "border" for t in doc[max(0, ent.start - 3):ent.start]):
                    continue  # "close to the border with Russia" names the neighbour
                # A country named counts more than a nationality ("Ukrainian officials").
                counts[hit[1]] += weight * (COUNTRY_VOTE if ent.label_ == "GPE" else 1)
            elif ent.label_ in ("GPE", "LOC"):
                place = self.gazetteer.lookup(ent.text)
                if place is not None and place.iso and place.geo_precision >= 2:
                    # a province or district names its country, but a name read without
                    # knowing the country may be another country's namesake: it counts less
                    # than the country's own name, and breaks a tie between two countries
                    counts[place.iso] += weight + 0.5
        # Provinces and districts named after "in", "near", "at" that the tagger did not call places
        # ("near Tame in Arauca department")
        seen = {i for ent in doc.ents if ent.label_ in ("GPE", "NORP", "LOC") for i in range(ent.start, ent.end)}
        for start, end in _locative_spans(doc, of_spatial=False):
            tok = doc[end - 1]
            if tok.i in seen or not tok.is_title or tok.ent_type_ == "PERSON":
                continue
            if self.gazetteer.country_of(doc[start:end].text):
                continue
            place = self.gazetteer.lookup(doc[start:end].text)
            if place is not None and place.iso and place.geo_precision >= 2:
                counts[place.iso] += (LEDE_WEIGHT if tok.i < lede_end else 1) + 0.5
        if not counts and self.options.default_country:
            return self.options.default_country
        # Each mention of an actor that fights in one country is a vote for it; a name that means
        # the actor only in its own war ("the paramilitaries") votes only for a country the text names.
        named = set(counts)
        for a in actors:
            info = self.lexicon.info(a.canonical)
            if info and len(info.countries) == 1 and (not a.local or info.countries[0] in named):
                counts[info.countries[0]] += LEDE_WEIGHT if a.start < lede_end else 1
            elif info and len(info.countries) > 1 and not a.local:
                # an actor of several countries: a candidate for each, its home (listed first) most
                for k, iso in enumerate(info.countries):
                    counts[iso] += 0.5 if k == 0 else 0.1
        if len(counts) > 1:
            # Close contenders: the country whose own places the text names more (a story of
            # Arauca, Tame and Saravena that begins in Venezuela's Apure is Colombia's).
            actor_tokens = {i for a in actors for i in range(a.start, a.end)}
            for iso in [c for c, _ in counts.most_common(3)]:
                places = {doc[s:e].text.lower() for _, s, e in self._place_matcher(iso)(doc)
                          if (doc[s].is_title or doc[s].is_upper) and not actor_tokens & set(range(s, e))}
                counts[iso] += COUNTRY_VOTE * len(places)
        return counts.most_common(1)[0][0] if counts else None

    def _named_countries(self, doc: Doc) -> set[str]:
        """The countries a text names (or names the people of)."""
        named = doc.user_data.get("sitrep_countries")
        if named is None:
            named = set()
            for ent in doc.ents:
                if ent.label_ in ("GPE", "NORP", "LOC"):
                    hit = self.gazetteer.country_of(ent.text)
                    if hit:
                        named.add(hit[1])
            doc.user_data["sitrep_countries"] = named
        return named

    def _place_matcher(self, country: str) -> PhraseMatcher:
        matcher = self._place_matchers.get(country)
        if matcher is None:
            matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            forms = sorted({f for f in self.gazetteer.surface_forms([country]) if len(f) > 2})
            matcher.add("PLACE", list(self.nlp.tokenizer.pipe(forms)))
            self._place_matchers[country] = matcher
        return matcher

    def _places(self, doc: Doc, country: str | None, actors: list[ActorMention],
                context_admin1: str | None = None, *, any_proper_noun: bool = False) -> list[_PlaceHit]:
        actor_tokens = {i for a in actors for i in range(a.start, a.end)}
        candidates: list[tuple[int, int]] = []
        if country:
            candidates.extend((s, e) for _, s, e in self._place_matcher(country)(doc))
        candidates.extend((ent.start, ent.end) for ent in doc.ents if ent.label_ in _PLACE_LABELS)
        if any_proper_noun:
            candidates.extend((t.i, t.i + 1) for t in doc if t.pos_ == "PROPN" and t.is_title
                              and t.ent_type_ not in _NOT_PLACE_ENTS and t.ent_type_ != "PERSON")
        if country:
            # A proper noun after "near", "in", "outside" ... is a place even when the tagger calls
            # it a person ("an army post near Dori"): it counts if the gazetteer knows it there.
            candidates.extend(_locative_spans(doc, of_spatial=True))
        # the entity each token belongs to, for telling a place from part of a person's name
        ent_spans = {i: (e.start, e.end) for e in doc.ents for i in range(e.start, e.end)}
        # surnames of the people the report names in full ("Miguel Uribe ... Uribe's mother")
        surnames = {e[-1].text for e in doc.ents if e.label_ == "PERSON" and len(e) > 1}
        # Longest first; a place never overlaps an actor name ("Panjshiris" are people).
        candidates.sort(key=lambda se: (-(se[1] - se[0]), se[0]))
        taken: set[int] = set()
        hits: list[_PlaceHit] = []
        for start, end in candidates:
            if any(i in taken or i in actor_tokens for i in range(start, end)):
                continue
            if any(doc[i].ent_type_ == "PERSON" and not (ent_spans.get(i) == (start, end))
                   for i in range(start, end)) and not any(doc[i].ent_type_ in ("GPE", "LOC") for i in range(start, end)):
                continue  # "Hassan Sheikh Mohamud" holds no town called Sheikh
            span = doc[start:end]
            if end - start == 1 and span.text in surnames:
                continue  # a person's surname, not the town that shares it
            if _in_hyphenated_word(doc, start, end):
                continue  # "Bari-ujeed", "Kabul-based": part of another word
            if _seat_in_parentheses(doc, start, end):
                continue  # "Shabelle Media Network (Mogadishu)": where an outlet or a body sits
            if not (span.text[:1].isupper() or _article_name(span)) or _is_dateline(doc, start, end):
                continue
            if _reference_point(doc, start):
                continue
            place = self._lookup(span.text, country=country, context_admin1=context_admin1)
            if place is None and country is not None and doc[start].ent_type_ in ("GPE", "LOC", "FAC") \
                    and self.gazetteer.country_of(span.text) is None:
                place = self._lookup(span.text)  # a place in another country
                if place is not None and place.iso not in self._named_countries(doc):
                    place = None  # a foreign namesake counts only where the text names its country
            if place is None:
                continue
            # "the Hesarak base", "Bagram airfield": a facility named after a place may lie
            # elsewhere; trust it only inside the province the report is about.
            if (end < len(doc) and doc[end].lemma_.lower() in _FACILITY_NOUNS and place.admin2
                    and context_admin1 and place.admin1 != context_admin1):
                continue
            hits.append(_PlaceHit(start, end, span.text, place))
            taken.update(range(start, end))
        hits.sort(key=lambda h: h.start)
        return hits

    def _unknown_places(self, doc: Doc, country: str | None, places: list[_PlaceHit],
                        actors: list[ActorMention]) -> list[tuple[int, int, str]]:
        """Proper nouns after a locative preposition ("in Galcad", "near Masagawa") that name no
        place the gazetteer knows, in any country, and no actor, person, country or date."""
        taken = {i for h in places for i in range(h.start, h.end)}
        taken.update(i for a in actors for i in range(a.start, a.end))
        out = []
        for start, end in _locative_spans(doc, of_spatial=True):
            span = doc[start:end]
            if any(i in taken for i in range(start, end)) or not span.text[:1].isupper():
                continue
            named_settlement = span[-1].head.lower_ == "of" and span[-1].head.head.lemma_.lower() in _SETTLEMENT_NOUNS
            if any(t.ent_type_ in ("PERSON", "NORP") or t.ent_type_ in _NOT_PLACE_ENTS
                   or t.ent_type_ == "ORG" and not named_settlement for t in span):
                continue  # ("the town of Minova" is a town whatever the tagger says)
            if _reference_point(doc, start):
                continue
            named = self.gazetteer.country_of(span.text)
            if named is not None:
                if country is not None and named[1] == country and doc[start].tag_ != "NNPS":
                    # "a base in Somalia", "in central Somalia": the report places it no closer
                    out.append((start, end, span.text))
                continue
            if self._lookup(span.text, country=country) is None and self._lookup(span.text) is None:
                out.append((start, end, span.text))
        return out

    def _main_actors(self, actors: list[ActorMention]) -> list[str]:
        counts = collections.Counter(a.canonical for a in actors if a.via != "anti")
        return [name for name, _ in counts.most_common()
                if self.lexicon.inter(name) not in (7,)]

    # -- units: triggers grouped with their dates, places and tolls ------------

    def _units(self, sent: Span, dates: list[DateMention], places: list[_PlaceHit]) -> list[_Unit]:
        triggers = [t for t in find_triggers(sent)
                    if not t.negated and not t.irrealis and not _unrealised(sent.doc[t.i])]
        tolls = find_tolls(sent)
        units = [_Unit(t, t.i, t.text, t.event_type, t.sub_event_type) for t in triggers]
        # A toll with no trigger word still reports an event when people were killed, or when
        # it counts the wounded; "their injured men" alone does not.
        people_tolls = [t for t in tolls if t.kind in ("killed", "killed_or_wounded")
                        or (t.kind == "wounded" and t.n is not None)]
        if not units and people_tolls:
            first = people_tolls[0]
            anchor = first.victim_i if first.victim_i is not None else sent.start
            # No type of its own: the merge stage puts it with the event it counts the dead of.
            units = [_Unit(None, anchor, sent.doc.text[first.start:first.end], "", "")]
        if not units:
            return []

        def nearest(i: int) -> _Unit:
            return min(units, key=lambda u: (abs(u.i - i), u.i))

        for h in places:
            nearest(h.start).places.append(h)
        for t in tolls:
            anchor = t.victim_i if t.victim_i is not None else _token_at(sent, t.start)
            nearest(anchor).tolls.append(t)
        anchors = _anchors(units, sent.doc)
        for d in dates:
            tok_i = _token_at(sent, sent.start_char + d.start)
            role, owner = _date_role(sent.doc[tok_i], anchors)
            if role == "statement":
                nearest(tok_i).said.append(d)
            elif role == "event":
                (owner or nearest(tok_i)).dates.append(d)
        return _fold_units(units, sent.doc)

    def _denial_unit(self, sent: Span, dates: list[DateMention], places: list[_PlaceHit]) -> _Unit:
        unit = _Unit(None, sent.root.i, sent.root.text, "", "")
        unit.dates.extend(dates)
        unit.places.extend(places)
        return unit

    # -- one mention ------------------------------------------------------------

    def _mention(self, art: CleanArticle, si: int, sent: Span, unit: _Unit, sent_actors: list[ActorMention],
                 main_actors: list[str], attribution: Attribution | None, date_ctx: DateRange | None,
                 place_ctx: _PlaceHit | None, context_admin1: str | None, pub_date: dt.date | None,
                 pub_prec: int | None, country: str | None, outlet: str | None, *,
                 unknown_place: bool = False, fallback_admin1: str | None = None,
                 unknown_spans: Sequence[tuple[int, int, str]] = ()) -> Mention | None:
        doc = sent.doc
        # When: the unit's own date, else the paragraph's, else the publication date.
        own_dates = [d for d in unit.dates if d.kind != "period"
                     and not _in_since_clause(doc[_token_at(sent, sent.start_char + d.start)], doc[unit.i])]
        date_is_own = bool(own_dates)
        if own_dates:
            # A date inside the trigger's own phrase dates it ("the missile strike on 18 May");
            # else the most precise, latest one.
            trig = doc[unit.i]
            lo, hi = doc[trig.left_edge.i].idx, doc[trig.right_edge.i].idx + len(doc[trig.right_edge.i])
            inside = [d for d in own_dates if lo <= sent.start_char + d.start < hi] if trig.pos_ == "NOUN" else []
            when = min((d.range for d in (inside or own_dates)),
                       key=lambda r: (r.time_precision, -r.date.toordinal()))
        elif date_ctx is not None:
            when = inherited(date_ctx)
        elif unit.said:
            # "X said on Thursday that ...": the event happened on or before Thursday; "in
            # February, it was reported that ...": in February.
            said = unit.said[0].range
            when = (fallback_date(said.date, 1, text="statement date") if said.time_precision == 1
                    else said)
        elif pub_date is not None:
            when = fallback_date(pub_date, pub_prec)
        else:
            when = None
        # Who: actors named in the sentence (the speaker counts when it is a side), then the
        # article's main dyad fills in a missing side.
        names: list[str] = []
        subject_first = sorted(sent_actors, key=lambda a: (0 if _is_subject(doc, a, unit.i) else 1, a.start))
        for a in subject_first:
            name = a.canonical
            if a.via == "anti":
                enemies = [m for m in main_actors if m != a.enemy_of]
                if not enemies:
                    continue
                name = enemies[0]
            if name not in names:
                names.append(name)
        if unit.trigger is not None:
            for name in self._participants(doc, unit.trigger, sent_actors, country):
                if name not in names:
                    names.append(name)
        claims_sides: list[str | None] = []
        for toll in unit.tolls:
            claims_sides.append(self._victim(doc, toll, sent_actors, names, attribution, country))
        for side in claims_sides:
            # whose people were hit is a party to the event ("20 soldiers died in an ambush")
            info = self.lexicon.info(side) if side else None
            if side and side not in names and (info is None or info.forces):
                names.append(side)
        armed = [n for n in names if self.lexicon.inter(n) != CIVILIAN_INTER]
        if len(armed) == 1 and len(main_actors) >= 2 and armed[0] in main_actors[:3]:
            other = next((m for m in main_actors if m != armed[0]), None)
            if other and unit.event_type in ("Battles", "Explosions/Remote violence", "") and unit.trigger is not None:
                names.append(other)
        elif not names and unit.event_type == "Explosions/Remote violence":
            # shells or a bomb no report attributes: ACLED's unidentified group, not the side the
            # article talks most about ("Shabaab has often fired mortars at the airport")
            unknown = self.lexicon.generic_for("gunmen", _country_name(self.gazetteer, country))
            names.extend([unknown] if unknown else main_actors[:2])
        elif not names and unit.event_type:
            names.extend(main_actors[:2])
        if unit.event_type == "Violence against civilians" and not any(
                self.lexicon.inter(n) == CIVILIAN_INTER for n in names):
            # ACLED codes violence against civilians with its victims: civilians of the country
            # (its perpetrator, when the article names none, is filled in for the whole incident)
            civilians = self.lexicon.generic_for("civilians", _country_name(self.gazetteer, country))
            if civilians:
                names.append(civilians)
        # Where: the unit's nearest place with a province, else the paragraph's, else the article's.
        place, place_text = self._where(unit, place_ctx, context_admin1, country, date_is_own=date_is_own,
                                        unknown_place=unknown_place, fallback_admin1=fallback_admin1,
                                        unknown_spans=unknown_spans, doc=doc)
        # Is it history?
        anchor = doc[unit.i]
        reason = None
        if unit.event_type or unit.tolls:
            reason = background_reason(anchor, sent, when, pub_date, tuple(names), self.lexicon,
                                       date_is_own=date_is_own)
        claimant = attribution.claimant if attribution else None
        stance = attribution.stance if attribution else "claims"
        claimant_text = attribution.claimant_text if attribution else None
        if claimant is None and attribution is None:
            claimant, claimant_text = "independent", (f"the outlet ({outlet})" if outlet else "the outlet")
        start = art.original_offset(sent.start_char)
        end = art.original_offset(sent.end_char)
        claims = [Claim(kind="event", n=None, article_id=art.id, sentence=sent.text, start=start, end=end,
                        claimant=claimant, claimant_text=claimant_text, stance=stance, outlet=outlet)]
        for toll, side in zip(unit.tolls, claims_sides):
            # "killed or wounded", "casualties": not a death toll (the dead are some part of it)
            kind = "casualties" if toll.kind == "killed_or_wounded" else toll.kind
            claims.append(Claim(kind=kind, n=toll.n, article_id=art.id, sentence=sent.text, start=start,
                                end=end, low=toll.low, high=toll.high, qualifier=toll.qualifier, side=side,
                                claimant=claimant, claimant_text=claimant_text, stance=stance,
                                estimated=toll.estimated, outlet=outlet))
        return Mention(
            article_id=art.id, sentence_index=si, sentence=sent.text, start=start, end=end,
            trigger=unit.text, event_type=unit.event_type, sub_event_type=unit.sub_event_type,
            actors=tuple(names), place=place, place_text=place_text, date=when, claims=tuple(claims),
            stance=stance, claimant=claimant, background=reason is not None, background_reason=reason,
            outlet=outlet,
        )

    def _participants(self, doc: Doc, trigger: Trigger, sent_actors: list[ActorMention],
                      country: str | None) -> list[str]:
        """Actors the lexicon does not know: the trigger's subject or target named as an
        organisation ("a militia called X", "fighters of Y"), or a vague word given ACLED's
        generic name ("gunmen" -> Unidentified Armed Group (Nigeria))."""
        tok = doc[trigger.i]
        heads: list = []
        for child in tok.children:
            if child.dep_ in ("nsubj", "dobj", "nsubjpass"):
                heads.append(child)
            elif child.dep_ in ("agent", "prep") and child.lower_ in ("by", "on", "against", "at"):
                heads.extend(c for c in child.children if c.dep_ == "pobj")
        if tok.dep_ == "dobj" and tok.pos_ == "NOUN":  # "launched an attack": the verb's subject
            heads.extend(c for c in tok.head.children if c.dep_ == "nsubj")
        found: list[str] = []
        country_name = _country_name(self.gazetteer, country)
        # "Russian missiles struck ...", "a Turkish drone hit ...": the trigger itself or its
        # subject is a weapon or a force of a nation named by its adjective.
        for head in [tok, *(h for h in heads if h.dep_ in ("nsubj", "agent", "pobj") and h.i < tok.i)]:
            name = self._national_forces(head, sent_actors)
            if name and name not in found:
                found.append(name)
        for head in heads:
            lo, hi = head.left_edge.i, head.right_edge.i + 1
            if any(lo <= a.start < hi for a in sent_actors):
                continue
            name = _organisation(head)
            if name is None and head.pos_ == "NOUN":
                name = self.actors.generic(head, country_name)
            if name is None and head.lemma_.lower() in _TARGET_NOUNS:
                # "a convoy of Nigerian soldiers", "a post of the militia"
                for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"):
                    for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                        name = _organisation(pobj) or self.actors.generic(pobj, country_name)
                for mod in (c for c in head.children if c.dep_ == "compound" and name is None):
                    name = self.actors.generic(mod, country_name)  # "an army post"
            if name and name not in found:
                found.append(name)
        return found

    def _national_forces(self, head, sent_actors: list[ActorMention]) -> str | None:
        """The state forces of the nation whose adjective qualifies a weapon or force noun."""
        if head.lemma_.lower() not in _NATIONAL_FORCE_NOUNS:
            return None
        if any(head.left_edge.i <= a.start <= head.i for a in sent_actors):
            return None
        for mod in head.children:
            if mod.dep_ in ("amod", "compound") and mod.i < head.i and mod.ent_type_ == "NORP":
                hit = self.gazetteer.country_of(mod.text)
                if hit:
                    return self.lexicon.generic_for("military", hit[0])
        return None

    def _victim(self, doc: Doc, toll: Toll, sent_actors: list[ActorMention], names: list[str],
                attribution: Attribution | None, country: str | None) -> str | None:
        """Whose people a toll counts: an actor in the victim phrase, a generic name, or the other side."""
        if toll.victim_i is not None:
            head = doc[toll.victim_i]
            lo, hi = head.left_edge.i, head.right_edge.i + 1
            inside = [a for a in sent_actors if a.start >= lo and a.end <= hi and a.via != "anti"]
            if inside:
                return inside[0].canonical
            if any(t.lower_ in _PRONOUNS for t in doc[lo:hi]) or head.lower_ in ("forces", "fighters", "men"):
                verb = head.head
                while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:  # tokens are new objects: not `is`
                    verb = verb.head
                claimant = attribution.claimant if attribution else None
                for child in verb.children:
                    if child.dep_ in ("nsubj", "nsubjpass"):
                        subj = [a for a in sent_actors if child.left_edge.i <= a.start <= child.right_edge.i]
                        # a speaker giving a toll speaks of the other side's dead, not its own
                        if subj and subj[0].via != "anti" and subj[0].canonical != claimant:
                            return subj[0].canonical
            generic = self.actors.generic(head, _country_name(self.gazetteer, country))
            if generic:
                return generic
        claimant = attribution.claimant if attribution else None
        # the first name is who did it: its people are the toll only when the text says so
        others = [n for n in names[1:] if n != claimant and self.lexicon.inter(n) != CIVILIAN_INTER]
        return others[0] if len(others) == 1 or (others and claimant) else None

    def _where(self, unit: _Unit, place_ctx: _PlaceHit | None, context_admin1: str | None,
               country: str | None, *, date_is_own: bool = True, unknown_place: bool = False,
               fallback_admin1: str | None = None, unknown_spans: Sequence[tuple[int, int, str]] = (),
               doc: Doc | None = None) -> tuple[Place | None, str | None]:
        own = sorted(unit.places, key=lambda h: abs(h.start - unit.i))
        if own and unknown_spans and doc is not None:
            # "seized the town of Minova, a supply route for Goma": the place nearest the event
            # is one the gazetteer does not know, and the towns it knows are other towns (a
            # province, or a district the unknown place lies in, still places it)
            nearest = min(unknown_spans, key=lambda u: abs(u[0] - unit.i))
            if abs(nearest[0] - unit.i) < abs(own[0].start - unit.i) and all(
                    h.place.geo_precision < 3 and not _contains(doc, h.start, nearest[0]) for h in own):
                return None, None
        with_admin1 = [h for h in own if h.place.admin1]
        # The story's country first: a place across the border ("fled to Kisoro in Uganda") is
        # where people went, rarely where the event was; it is the place only when the story
        # offers none of its own country.
        domestic = [h for h in with_admin1 if country is None or h.place.iso == country]
        story_place = (place_ctx is not None and place_ctx.place.iso == country) or bool(context_admin1)
        if domestic or story_place:
            with_admin1 = domestic
        # A province the sentence names outranks a town read elsewhere ("Dalwa, a village in the
        # Konduga area of Borno State" is in Borno, whatever else "Dalwa" may spell).
        provinces = {h.place.admin1 for h in with_admin1 if h.place.geo_precision == 3}
        if provinces:
            with_admin1 = [h for h in with_admin1 if h.place.admin1 in provinces] or with_admin1
        elif len({h.place.admin1 for h in with_admin1}) > 1:
            # places of two provinces: the one more of them name, then the report's own province
            votes = collections.Counter(h.place.admin1 for h in with_admin1)
            top = max(votes, key=lambda a: (votes[a], a == context_admin1))
            with_admin1 = [h for h in with_admin1 if h.place.admin1 == top]
        if with_admin1:
            chosen = with_admin1[0]
            # The most precise place in the same province names the location.
            finer = [h for h in with_admin1 if h.place.admin1 == chosen.place.admin1
                     and h.place.geo_precision < chosen.place.geo_precision]
            if finer:
                chosen = min(finer, key=lambda h: h.place.geo_precision)
            # A sentence that goes on with the story ("... were killed in Panjshir") is about the
            # district the story just named in that province.
            if (not date_is_own and place_ctx is not None and place_ctx.place.admin1 == chosen.place.admin1
                    and place_ctx.place.geo_precision < chosen.place.geo_precision):
                return place_ctx.place, place_ctx.text
            return chosen.place, chosen.text
        if unknown_place:
            return None, None  # a place the gazetteer does not know: unknown, not the story's other places
        if place_ctx is not None:
            if date_is_own and place_ctx.place.geo_precision < 3 and place_ctx.place.admin1:
                # Another day's event in the same story: only its province carries over.
                province = self.gazetteer.lookup(place_ctx.place.admin1, country=country)
                if province is not None:
                    return province, place_ctx.place.admin1
            return place_ctx.place, place_ctx.text
        if fallback_admin1:
            place = self.gazetteer.lookup(fallback_admin1, country=country)
            if place is not None:
                return place, fallback_admin1
        return None, None


# -- helpers -------------------------------------------------------------------

_CONTAINING_PREPS = frozenset({"in", "of", "near", "outside", "within"})


def _contains(doc: Doc, place: int, inner: int) -> bool:
    """The place at token `place` is where the one at `inner` lies ("Kota Okola in Beni territory"),
    not a place named for another reason ("Minova, a supply route for Goma")."""
    tok, preps, hops = doc[place], set(), 0
    while tok.head.i != tok.i and hops < 8:
        if tok.dep_ == "prep":
            preps.add(tok.lower_)
        tok = tok.head
        hops += 1
        if tok.i == inner:
            return bool(preps) and preps <= _CONTAINING_PREPS
    return False


def _dominant(counts: collections.Counter) -> str | None:
    """The province a report is about: named at least twice as often as any other (a report that
    names the capital as the seat of government and a town's province as the scene is about
    neither for a sentence that names no place)."""
    top = counts.most_common(2)
    if not top:
        return None
    if len(top) > 1 and top[0][1] < CONTEXT_DOMINANCE * top[1][1]:
        return None
    return top[0][0]


def _fold_units(units: list[_Unit], doc: Doc | None = None) -> list[_Unit]:
    """Triggers of one sentence are one event unless their places or dates disagree, or one of
    them lies in a "since ..." clause the other is not in ("the heaviest fighting since February,
    when fighters ambushed a detachment")."""
    folded: list[_Unit] = []
    for unit in sorted(units, key=lambda u: u.i):
        for other in folded:
            if _conflict(other, unit):
                continue
            if doc is not None and _since_scope(doc[other.i]) != _since_scope(doc[unit.i]):
                continue
            if not unit.dates and not unit.places or not other.dates and not other.places or (
                    _same_place(other, unit) and _same_date(other, unit)):
                _absorb(other, unit)
                break
        else:
            folded.append(unit)
    return folded


def _conflict(a: _Unit, b: _Unit) -> bool:
    pa = {h.place.admin1 for h in a.places if h.place.admin1}
    pb = {h.place.admin1 for h in b.places if h.place.admin1}
    if pa and pb and not pa & pb:
        return True
    da = [d.range for d in a.dates]
    db = [d.range for d in b.dates]
    if da and db and not any(x.overlaps(y) for x in da for y in db):
        return True
    return False


def _same_place(a: _Unit, b: _Unit) -> bool:
    return not a.places or not b.places or bool(
        {h.place.admin1 for h in a.places} & {h.place.admin1 for h in b.places})


def _same_date(a: _Unit, b: _Unit) -> bool:
    return not a.dates or not b.dates or any(x.range.overlaps(y.range) for x in a.dates for y in b.dates)


_TYPE_RANK = {"Battles": 0, "Explosions/Remote violence": 1, "Violence against civilians": 2,
              "Strategic developments": 3, "Riots": 4, "Protests": 5, "": 9}


def _absorb(into: _Unit, other: _Unit) -> None:
    if _TYPE_RANK.get(other.event_type, 8) < _TYPE_RANK.get(into.event_type, 8):
        into.event_type, into.sub_event_type = other.event_type, other.sub_event_type
        into.text, into.i, into.trigger = other.text, other.i, other.trigger
    into.dates.extend(other.dates)
    into.places.extend(other.places)
    into.tolls.extend(other.tolls)
    if other.trigger is not None:
        into.extra_triggers.append(other.trigger)


# Weapons and forces whose national adjective names the state forces that used them
# ("Russian missiles", "a Turkish drone", "Israeli jets", "Ugandan troops").
_NATIONAL_FORCE_NOUNS = frozenset({"missile", "rocket", "drone", "jet", "warplane", "aircraft", "plane",
                                   "helicopter", "airstrike", "strike", "bombardment", "shelling", "artillery",
                                   "shell", "bomb", "raid", "troop", "force", "soldier", "army", "military",
                                   "navy", "tank", "gunship", "fighter-jet"})
# Things attacked that stand for the people in them ("a convoy of soldiers").
_TARGET_NOUNS = frozenset({"convoy", "patrol", "post", "position", "checkpoint", "base", "camp", "outpost",
                           "vehicle", "unit", "column", "barracks"})
# Head nouns of a phrase that names an armed group through its members ("fighters of Y").
_MEMBER_NOUNS = frozenset({"fighter", "member", "militant", "gunman", "militiaman", "soldier", "unit", "force"})


def _organisation(head) -> str | None:
    """An organisation named by a noun phrase, as written (without "the"), or None."""
    doc = head.doc
    candidates = [head] if head.pos_ == "PROPN" else []
    if head.lemma_.lower() in _MEMBER_NOUNS or head.lemma_.lower() in ("militia", "group"):
        candidates += [c for c in head.children if c.dep_ in ("compound", "amod")]
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    candidates.extend(t for t in pobj.subtree)
        for child in head.children:  # "a militia called X", "a group known as X"
            if child.dep_ in ("acl", "appos"):
                candidates.extend(c for c in child.subtree if c.ent_type_ == "ORG")
    for tok in candidates:
        if tok.ent_type_ != "ORG":
            continue
        ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        if ent is None:
            continue
        words = [t.text for t in ent if t.lower_ != "the" and not t.is_punct]
        if not words or not any(w[:1].isupper() for w in words):
            continue
        name = " ".join(words)
        # A name that stands alone must read as an armed group's ("the Saudi Teaching Hospital",
        # "the Foreign Ministry" are hit, not hitting); "fighters of X", "a militia called X" are armed.
        if tok.i == head.i and head.lemma_.lower() not in _MEMBER_NOUNS and not looks_like_armed_group(name):
            continue
        return name
    return None


# Links from a nominal trigger up to the verb it belongs to ("killed ... in clashes").
_NOMINAL_PATH = frozenset({"pobj", "prep", "dobj", "nsubj", "nsubjpass", "compound", "conj"})
# Dependencies by which a clause or phrase modifies a noun: a date inside one dates that noun
# ("groups that appeared since the takeover in August 2021"), not the sentence's event.
_MODIFIER_DEPS = frozenset({"relcl", "acl", "appos"})


def _anchors(units: list[_Unit], doc: Doc) -> dict[int, _Unit]:
    """Tokens that stand for each unit: its trigger, and the verb a nominal trigger hangs on
    ("killed 21 Taliban in clashes": a date on "killed" dates the clashes)."""
    verbs = load_cues()["reporting_verbs"]
    anchors: dict[int, _Unit] = {u.i: u for u in units}
    for u in units:
        # "17 soldiers were killed on Monday when militants ambushed ...": the toll's verb too.
        for toll in u.tolls:
            if toll.victim_i is not None and doc[toll.victim_i].head.pos_ in ("VERB", "AUX", "ADJ"):
                verb = doc[toll.victim_i].head
                if verb.lemma_.lower() not in verbs:
                    anchors.setdefault(verb.i, u)
        node = doc[u.i]
        hops = 0
        while node.pos_ not in ("VERB", "AUX") and node.dep_ in _NOMINAL_PATH and node.head.i != node.i and hops < 4:
            node = node.head
            hops += 1
        if node.pos_ in ("VERB", "AUX") and node.lemma_.lower() not in verbs:
            anchors.setdefault(node.i, u)
    return anchors


def _date_role(tok, anchors: dict) -> tuple[str, "_Unit | None"]:
    """What a date in a sentence dates: ("event", its unit or None for the nearest), ("statement",
    None) when it hangs on a reporting verb ("said on Monday"), or ("other", None) when it sits
    in a clause that modifies some other noun."""
    verbs = load_cues()["reporting_verbs"]
    hops = 0
    while hops < 12:
        if tok.i in anchors:
            return "event", anchors[tok.i]
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in verbs:
            return "statement", None
        if war_began(tok):
            return "other", None  # "The conflict ... began in April 2023": the war's start, no event's
        if tok.head.i == tok.i:
            return "event", None
        if tok.dep_ in _MODIFIER_DEPS and tok.head.i not in anchors:
            return "other", None
        if tok.lower_ == "since" and tok.dep_ in ("prep", "mark"):
            return "other", None  # "since the takeover in August 2021" starts a period, not the event
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ == "mark" and c.lower_ == "since" for c in tok.children):
            return "other", None  # "the worst since the war began in April 2023"
        tok = tok.head
        hops += 1
    return "event", None


# Verbs of people moving: the place they move to is a destination, not where the story happened.
_MOVE_VERBS = frozenset({"flee", "fled", "cross", "escape", "move", "travel", "return", "head", "relocate",
                         "evacuate", "seek", "migrate", "run", "arrive", "go", "send", "deport", "repatriate"})
_TOWARDS = frozenset({"to", "into", "toward", "towards", "across"})


def _seat_in_parentheses(doc: Doc, start: int, end: int) -> bool:
    """A place in parentheses right after a name ("Shabelle Media Network (Mogadishu)")."""
    return (start >= 2 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")"
            and doc[start - 2].pos_ == "PROPN")


_ARABIC_ARTICLES = frozenset({"al", "el", "ad", "ed", "ash", "esh", "as", "es", "an", "en", "ar", "er", "at",
                              "et", "az", "ez", "ud", "ul", "ech"})


def _article_name(span: Span) -> bool:
    """A name that opens with an Arabic article in lower case ("al-Fasher", "el-Obeid")."""
    return len(span) >= 3 and span[0].lower_ in _ARABIC_ARTICLES and span[1].text in ("-", "\u2010") \
        and span[2].text[:1].isupper()


def _in_hyphenated_word(doc: Doc, start: int, end: int) -> bool:
    """The span is glued by a hyphen to the word after or before it."""
    after = end + 1 < len(doc) and doc[end].text in ("-", "\u2010", "\u2011") and not doc[end - 1].whitespace_ \
        and not doc[end].whitespace_ and doc[end + 1].is_alpha
    before = start >= 2 and doc[start - 1].text in ("-", "\u2010", "\u2011") and not doc[start - 1].whitespace_ \
        and not doc[start - 2].whitespace_ and doc[start - 2].is_alpha \
        and doc[start - 2].lower_ not in _ARABIC_ARTICLES  # "al-Fasher" is El Fasher
    return after or before


def _since_scope(tok) -> int | None:
    """The token opening the "since ..." clause or phrase `tok` lies in, or None."""
    hops = 0
    while tok.head.i != tok.i and hops < 10:
        if (tok.lower_ == "since" and tok.dep_ in ("prep", "mark")) or (
                tok.pos_ in ("VERB", "AUX") and any(c.dep_ == "mark" and c.lower_ == "since" for c in tok.children)):
            return tok.i
        tok, hops = tok.head, hops + 1
    return None


def _in_since_clause(date_tok, trigger) -> bool:
    """The date lies in a "since ..." clause or phrase the trigger is not part of ("the worst
    battle since the government launched an offensive last August")."""
    scope = _since_scope(date_tok)
    if scope is None:
        return False
    opener = date_tok.doc[scope]
    return not (opener.left_edge.i <= trigger.i <= opener.right_edge.i)


def _destination(tok) -> bool:
    """The token names where people went ("fled to Apure in Venezuela", "crossed into Chad")."""
    hops = 0
    while hops < 5 and tok.head.i != tok.i:
        if tok.dep_ == "pobj" and tok.head.lower_ in _TOWARDS and tok.head.head.lemma_.lower() in _MOVE_VERBS:
            return True
        if tok.dep_ not in ("pobj", "prep", "compound", "appos", "conj"):
            return False
        tok = tok.head
        hops += 1
    return False


def _reference_point(doc: Doc, start: int) -> bool:
    """The place at `start` only measures a distance from afar ("375 km north of Mogadishu")."""
    lo = doc[max(0, start - 16)].idx
    hit = _DISTANCE_TO.search(doc.text[lo:doc[start].idx])
    if hit is None:
        return False
    n = hit.group("n").lower().replace(",", "")
    if n[0].isdigit():
        try:
            km = float(n)
        except ValueError:
            return False  # "1.2.3 km": no distance read
    else:
        km = next(v for w, v in _WORD_TENS.items() if n.startswith(w))
    if hit.group("unit").lower().startswith("mi"):
        km *= 1.6
    return km >= REFERENCE_DISTANCE_KM


def _is_dateline(doc: Doc, start: int, end: int) -> bool:
    """"KABUL (Wire) -" opening a report names where it was filed, not where anything happened."""
    if start <= 2 and doc[start:end].text.isupper():
        return end < len(doc) and doc[end].text in ("(", "-", "—", "–", ",", ":")
    # "Khartoum: Sudan's paramilitary ...", "Garowe, Somalia — The governor ...": a place opening
    # a line, then a colon or a dash (after the country or the agency at most)
    # (not on the first line: "Goma: rebels enter the city" heads a page about Goma)
    line_start = start > 0 and "\n" in doc[start - 1].whitespace_ + doc[start - 1].text
    if not line_start:
        return False
    for k in range(end, min(end + 5, len(doc))):
        if doc[k].text in (":", "—", "–", "-", "--"):
            return True
        if doc[k].text in ("\n", ".") or "\n" in doc[k].text or doc[k].is_sent_start:
            return False
    return False


def _unrealised(tok) -> bool:
    """Triggers the lexicon's cues miss: an infinitive hanging on a noun ("its objective to take
    over districts", "time to surrender", "the last territory to be conquered"), and a verb joined
    by "or"/"and" to a negated one ("have not been surrounded or ambushed")."""
    kids = list(tok.children)
    if any(c.dep_ == "aux" and c.tag_ == "TO" for c in kids) and not any(c.lower_ == "have" for c in kids):
        head = tok.head
        if tok.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
            return True
    if tok.dep_ == "conj" and any(c.dep_ == "neg" for c in tok.head.children):
        return True
    return False


def _too_old(when: DateRange | None, published: dt.date | None) -> bool:
    return bool(when and published and (published - when.date_max).days > HISTORY_HORIZON_DAYS)


def _parseable(art: CleanArticle, limit: int) -> str:
    """The article's text, cut to `limit` (the pipeline's nlp.max_length) with a warning: spaCy refuses longer texts."""
    if len(art.text) <= limit:
        return art.text
    LOGGER.warning("%s: the cleaned text has %d characters, over the parser's limit of %d (nlp.max_length); "
                   "only the first %d are read", art.id, len(art.text), limit, limit)
    return art.text[:limit]


def _paragraph_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n\n")
    while pos >= 0:
        starts.append(pos + 2)
        pos = text.find("\n\n", pos + 2)
    return starts


def _paragraph_of(char: int, starts: list[int]) -> int:
    lo = 0
    for i, s in enumerate(starts):
        if s <= char:
            lo = i
    return lo


def _token_at(sent: Span, char: int) -> int:
    for tok in sent:
        if tok.idx <= char < tok.idx + len(tok.text) + 1:
            return tok.i
    return sent.start


def _is_quote(sent: Span) -> bool:
    """A sentence inside a quotation: it opens or closes with a quote mark."""
    text = sent.text.strip()
    return text[:1] in "\"“" or text[-1:] in "\"”" or text[-2:-1] in "\"”"


def _is_subject(doc: Doc, actor: ActorMention, anchor: int) -> bool:
    for i in range(actor.start, actor.end):
        tok = doc[i]
        while tok.dep_ in ("compound", "amod", "poss", "det", "prep", "pobj") and tok.head.i != tok.i:
            tok = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass", "agent") and tok.head.i == anchor:
            return True
        if tok.dep_ == "nsubj":
            return True
    return False


def _locative_spans(doc: Doc, *, of_spatial: bool) -> Iterator[tuple[int, int]]:
    """Token spans of proper nouns (with their compounds) after a locative preposition ("near
    Dori", "in Arauca department"), and with `of_spatial` after "of" a spatial noun ("north of Goma")."""
    for tok in doc:
        locative = tok.head.lower_ in _LOCATIVE_PREPS or (
            of_spatial and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in _SPATIAL_NOUNS)
        if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and locative and tok.ent_type_ not in _NOT_PLACE_ENTS:
            yield min([c.i for c in tok.children if c.dep_ == "compound"] + [tok.i]), tok.i + 1


def _lede_end(doc: Doc) -> int:
    """The token where the headline and lede end: after the first LEDE_SENTENCES sentences."""
    for k, sent in enumerate(doc.sents):
        if k + 1 >= LEDE_SENTENCES:
            return sent.end
    return len(doc)


def _country_name(gazetteer: Gazetteer, iso: str | None) -> str | None:
    if not iso:
        return None
    hit = gazetteer.country_of(iso)
    return hit[0] if hit else iso

