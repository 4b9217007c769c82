"""Telling news from history recalled as context ("since the takeover of Kabul", "assassinated in 2001")."""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from importlib import resources

from spacy.tokens import Span, Token

from ..records import DateRange
from .actors import ActorLexicon

LOGGER = logging.getLogger(__name__)

__all__ = ["background_reason", "war_began", "HISTORY_HORIZON_DAYS", "RECENT_DAYS"]

# An event that ended more than this long before the report is history whatever its framing:
# news outlets recall events of the last few months as news ("in February ... in March")
# but past half a year they recall them as context. Half a year follows ACLED's practice of
# coding recalled events only when the report adds new information about them.
HISTORY_HORIZON_DAYS = 183
# Framed as background (a "since ..." phrase, a relative clause about a person, "famed for")
# an event counts as history once it is older than a month.
RECENT_DAYS = 31


@functools.lru_cache(maxsize=1)
def _cues() -> dict:
    text = resources.files("sitrep.data").joinpath("history.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return {
        "preps": frozenset(data["framing_prepositions"]),
        "words": frozenset(data["framing_words"]),
        "rel_deps": frozenset(data["relative_clause_history_deps"]),
        "nominal": frozenset(data["nominal_history_triggers"]),
        "war_start_verbs": frozenset(data["war_start_verbs"]),
        "war_nouns": frozenset(data["war_nouns"]),
        "into_verbs": frozenset(data["war_into_verbs"]),
        "into_nouns": frozenset(data["war_into_nouns"]),
        "take_up": frozenset(data["war_take_up"]),
        "earlier": frozenset(data["earlier_adjectives"]),
    }


def war_began(tok: Token) -> bool:
    """The verb tells when a war or conflict began ("the war erupted in April 2023")."""
    cues = _cues()
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    lemma = tok.lemma_.lower()
    kids = list(tok.children)
    if lemma in cues["war_start_verbs"] and (any(
            c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in cues["war_nouns"] for c in kids)
            # "since Sudan's conflict erupted", parsed with the noun hanging on "since"
            or not any(c.dep_ in ("nsubj", "nsubjpass") for c in kids) and tok.i > 0
            and tok.doc[tok.i - 1].lemma_.lower() in cues["war_nouns"]):
        return True
    # "Sudan descended into war in April 2023", "tensions erupted into open fighting"
    if lemma in cues["into_verbs"] and any(
            c.dep_ == "prep" and c.lower_ == "into" and any(
                o.dep_ == "pobj" and o.lemma_.lower() in cues["into_nouns"] for o in c.children) for c in kids):
        return True
    # "the M23 took up arms again in late 2021"
    return lemma == "take" and any(c.dep_ == "prt" and c.lower_ == "up" for c in kids) and any(
        c.dep_ == "dobj" and c.lower_ in cues["take_up"] for c in kids)


def _framing(trigger: Token, sent: Span) -> str | None:
    """A syntactic frame that recalls the past around the trigger, or None."""
    cues = _cues()
    # "Since then, the group has taken control of ...": a perfect tense over a period recalls
    if any(c.dep_ == "prep" and c.lower_ == "since" for c in trigger.children) and any(
            c.dep_ == "aux" and c.lemma_.lower() == "have" for c in trigger.children):
        return "recalled in a 'since ...' phrase"
    # "The last major attack by the ADF was in February": an earlier event, recalled
    if trigger.pos_ == "NOUN" and any(c.dep_ == "amod" and c.lower_ in cues["earlier"] for c in trigger.children):
        return "recalled as an earlier event"
    tok = trigger
    # Walk up to the root: a "since ..." phrase or a relative clause on the way frames it.
    seen = 0
    while tok.head.i != tok.i and seen < 12:
        if tok.dep_ == "pobj" and tok.head.lower_ in cues["preps"]:
            return f"recalled in a '{tok.head.lower_} ...' phrase"
        if tok.dep_ in ("advcl",) and any(c.lower_ == "since" and c.dep_ == "mark" for c in tok.children):
            return "recalled in a 'since ...' clause"
        if tok.dep_ in cues["rel_deps"] and tok.head.pos_ in ("PROPN", "NOUN") and tok.pos_ == "VERB":
            return "recalled in a relative clause"
        tok = tok.head
        seen += 1
    words = {t.lower_ for t in sent}
    hit = words & cues["words"]
    if hit:
        return f"history cue '{sorted(hit)[0]}'"
    return None


def background_reason(
    trigger: Token,
    sent: Span,
    when: DateRange | None,
    published: dt.date | None,
    actors: tuple[str, ...],
    lexicon: ActorLexicon,
    *,
    date_is_own: bool,
) -> str | None:
    """Why the event at `trigger` is history recalled as context, or None when it is news."""
    if published is not None:
        for name in actors:
            info = lexicon.info(name)
            if info and info.active_until and info.active_until < published - dt.timedelta(days=RECENT_DAYS):
                return f"{name} no longer existed when the report was published"
    if when is not None and published is not None:
        age = (published - when.date_max).days
        if age > HISTORY_HORIZON_DAYS:
            return f"happened {age} days before the report"
        if age > RECENT_DAYS and date_is_own:
            frame = _framing(trigger, sent)
            if frame:
                return frame
    if not date_is_own:
        # "Sudan descended into war in April 2023 after tensions erupted into open fighting":
        # the start of the war, told as context
        tok, hops = trigger, 0
        while hops < 4:
            if war_began(tok):
                return "the start of the war, recalled"
            if tok.head.i == tok.i:
                break
            tok, hops = tok.head, hops + 1
        # No date of its own: a nominal trigger inside a framing phrase ("since they stormed back
        # to power", "against the takeover") recalls something already known.
        frame = _framing(trigger, sent)
        if frame and (trigger.pos_ == "NOUN" and trigger.lemma_.lower() in _cues()["nominal"]
                      or frame.startswith("recalled in a 'since")):
            return frame
    return None
