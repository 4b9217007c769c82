"""Typed records passed between the pipeline's stages, in data-flow order."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

__all__ = [
    "Article",
    "CleanArticle",
    "SyndicationGroup",
    "DateRange",
    "Place",
    "Claim",
    "Mention",
    "Event",
    "Correction",
    "content_hash",
    "CORRECTABLE",
    "REVIEWS",
    "EARLIEST_EVENT_DATE",
    "CLAIM_KINDS",
    "EVENT_TYPE_RANK",
    "STANCES",
]

# Kinds of claim kept in the claim ledger.
CLAIM_KINDS = ("killed", "wounded", "casualties", "captured", "surrendered", "territory", "event")
# When the reports of one event call it by different types, the more informative wins a tie:
# ACLED codes a strike within a battle as the battle, a bombing that killed civilians as the bombing.
EVENT_TYPE_RANK = {"Battles": 0, "Explosions/Remote violence": 1, "Violence against civilians": 2,
                   "Riots": 3, "Protests": 4, "Strategic developments": 5}
# Stances a source can take on a claim.
STANCES = ("claims", "confirms", "denies", "unverified")
# An analyst's verdicts on an event.
REVIEWS = ("verified", "rejected")
# The fields of an event an analyst may correct (Correction.field).
CORRECTABLE = ("event_type", "sub_event_type", "actors", "place", "admin1", "admin2", "country", "latitude",
               "longitude", "date", "fatalities", "review")
# No event sitrep records is older: an earlier date is a placeholder for none (the merge stage
# once wrote 0001-01-01 for undated events), so stores and exports treat it as undated.
EARLIEST_EVENT_DATE = dt.date(1900, 1, 1)


def content_hash(*parts: object, length: int = 16) -> str:
    """A stable id from the given parts (sqlite-utils' hash_id idea): same input, same id."""
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


# --- ingest -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Article:
    """One news report as read from disk, before cleaning."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    # 1 = day known, 3 = only the month known (YYYY-MM), None = no date.
    published_precision: int | None = None
    source: str | None = None  # file (and line) it came from

    @property
    def content_id(self) -> str:
        return content_hash(self.id, self.text)


# --- clean ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CleanArticle:
    """An article with boilerplate removed and a map back to original offsets.

    `segments` maps cleaned text to the original: each (clean_start, orig_start, length)
    says that text[clean_start:clean_start+length] came from
    article.text[orig_start:orig_start+length] (whitespace may have been folded).
    """

    article: Article
    text: str
    segments: tuple[tuple[int, int, int], ...] = ()
    removed: tuple[str, ...] = ()  # what was dropped, for the audit trail

    @property
    def id(self) -> str:
        return self.article.id

    def original_offset(self, clean_offset: int) -> int:
        """Offset in the original article text of a cleaned-text offset."""
        best = None
        for c_start, o_start, length in self.segments:
            if c_start <= clean_offset <= c_start + length:
                return o_start + (clean_offset - c_start)
            if c_start <= clean_offset:
                best = o_start + length
        return best if best is not None else clean_offset


# --- dedupe -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SyndicationGroup:
    """Articles that are copies or near-copies of one another, or share paragraphs."""

    group_id: str
    article_ids: tuple[str, ...]
    # (article_a, article_b, jaccard estimate, kind) with kind "duplicate", "shared-paragraphs" or
    # "rewrite" (a machine-spun copy: other words, the same names and numbers)
    pairs: tuple[tuple[str, str, float, str], ...] = ()


# --- extract ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DateRange:
    """When something happened: a day, or the narrowest period known.

    time_precision follows ACLED: 1 = day, 2 = within a week or a few days, 3 = month.
    `date` is ACLED's choice inside the range (the middle where the day is unknown).
    """

    date: dt.date
    date_min: dt.date
    date_max: dt.date
    time_precision: int
    text: str = ""  # the expression it was read from

    @classmethod
    def day(cls, day: dt.date, text: str = "") -> "DateRange":
        return cls(day, day, day, 1, text)

    @classmethod
    def span(cls, lo: dt.date, hi: dt.date, text: str = "", precision: int | None = None) -> "DateRange":
        if hi < lo:
            lo, hi = hi, lo
        mid = lo + (hi - lo) / 2
        days = (hi - lo).days
        if precision is None:
            precision = 1 if days == 0 else (2 if days <= 7 else 3)
        return cls(mid, lo, hi, precision, text)

    def overlaps(self, other: "DateRange", slack_days: int = 0) -> bool:
        slack = dt.timedelta(days=slack_days)
        return self.date_min - slack <= other.date_max and other.date_min - slack <= self.date_max


@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place with ACLED's geo_precision (1 = town/point, 2 = district/near, 3 = province)."""

    name: str  # the most precise place, as written in the report
    country: str | None = None
    iso: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int = 3
    geonames_id: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of a figure or of an event by one source, traced to its sentence."""

    kind: str  # one of CLAIM_KINDS
    n: int | None  # the figure (None for "dozens", "heavy casualties", or kind "event")
    article_id: str
    sentence: str
    start: int  # character span of the sentence in the original article text
    end: int
    low: int | None = None
    high: int | None = None
    qualifier: str | None = None  # "at least", "more than", "about", "dozens", ...
    side: str | None = None  # canonical actor whose people were hit
    claimant: str | None = None  # canonical actor, or "independent"
    claimant_text: str | None = None  # the words naming the source ("spokesman Fahim Dashti")
    stance: str = "claims"  # one of STANCES
    estimated: bool = False  # ACLED's flagged estimate for deaths reported without a number
    outlet: str | None = None

    @property
    def claim_id(self) -> str:
        return content_hash(self.article_id, self.start, self.kind, self.n, self.side, self.stance)


@dataclass(frozen=True, slots=True)
class Mention:
    """One report of one event in one article: what, who, where, when, the toll, who says so."""

    article_id: str
    sentence_index: int
    sentence: str
    start: int  # sentence span in the original article text
    end: int
    trigger: str
    event_type: str
    sub_event_type: str
    actors: tuple[str, ...] = ()  # canonical names; actors[0] is the initiator where known
    place: Place | None = None
    place_text: str | None = None
    date: DateRange | None = None
    claims: tuple[Claim, ...] = ()
    stance: str = "claims"
    claimant: str | None = None
    background: bool = False
    background_reason: str | None = None
    outlet: str | None = None
    # Which copy of the same sentence this is (0 unless the article repeats it word for word):
    # set by the pipeline, so that the id below never depends on where the sentence stands.
    occurrence: int = 0

    @property
    def mention_id(self) -> str:
        """From the sentence, not its offset: an edit elsewhere in the article keeps the id (and the
        id of the event it anchors)."""
        return content_hash(self.article_id, self.sentence, self.trigger, self.sub_event_type, self.stance,
                            self.place_text, self.date.date if self.date else None, self.occurrence)


@dataclass(frozen=True, slots=True)
class Event:
    """One event: the merged reports of one act at one place on one day, with every claim.

    `date` is None when no report dates the event: it is undated, a status of its own that the
    ledger keeps, lists apart and never exports with a made-up date.
    """

    event_id: str
    date: DateRange | None
    event_type: str
    sub_event_type: str
    actors: tuple[str, ...]
    place: Place | None
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...] = ()
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    denied_by: tuple[str, ...] = ()
    status: str = "claimed"
    background: bool = False
    merge_reasons: tuple[str, ...] = field(default_factory=tuple)
    notes: str = ""
    review: str | None = None  # an analyst's verdict: one of REVIEWS, or None (not reviewed)

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(sorted({m.article_id for m in self.mentions}))

    @property
    def undated(self) -> bool:
        """No report gives a date for the event."""
        return self.date is None


@dataclass(frozen=True, slots=True)
class Correction:
    """An analyst's correction of one field of one event (or a verdict: field "review"), with a note.

    `value` is the corrected value as text: a name, a date (YYYY-MM-DD), a number, actors joined
    by "; ", or "verified" / "rejected". Corrections are applied to the merged event on every run.
    """

    event_id: str
    field: str  # one of CORRECTABLE
    value: str
    note: str = ""
    corrected_at: dt.datetime | None = None  # naive UTC; set when stored
