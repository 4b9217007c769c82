"""The words a reader sees: claimant labels, claims and summaries in plain English, unknown values.

Every surface (the CLI, the exports' notes, the API and the page) shows a claim, a claimant and an
unknown value the same way, from these functions. The records keep what the text said
(`Claim.claimant_text`, as written); this module only decides how it reads.
"""
from __future__ import annotations

import logging
import re
from typing import Iterable, Sequence

from .records import Claim

LOGGER = logging.getLogger(__name__)

__all__ = ["UNKNOWN", "shown", "fatalities_text", "claimant_label", "claim_text", "claims_summary"]

# How every surface shows a value nobody reported (empty in CSV, null in JSON).
UNKNOWN = "unknown"
# A claimant as written longer than this reads as a clause, not a name: the organisation stands for it.
MAX_LABEL_CHARS = 48
# An appositive of at most this many words is a role ("an NRF spokesperson") and goes before the name.
ROLE_WORDS = 3
# How many claims a summary spells out before "and N more claims".
SUMMARY_CLAIMS = 4

# Words that name nobody: a claimant written so is no label.
_NOBODY = {"he", "she", "it", "they", "him", "her", "them", "another", "one", "others", "who", "this", "that"}
# The extractor's words for the reporting outlet itself ("the outlet", "the outlet (Dailytrust)").
_OUTLET = re.compile(r"^the outlet(?:\s*\((?P<name>[^()]+)\))?$", re.I)
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
_NAME = re.compile(r"^(?:[A-Z][\w'’.-]*)(?:\s+(?:[A-Z][\w'’.-]*|bin|ibn|al|el|de|van|von))*$")
_STANCE_VERBS = {"claims": "claims", "confirms": "confirms", "denies": "denies", "unverified": "reports, unverified,"}
_REPORT_VERBS = {"claims": "reports", "confirms": "confirms", "denies": "denies", "unverified": "reports, unverified,"}
# Nouns that make a claimant plural ("residents say", not "says").
_PLURAL_HEADS = {"residents", "witnesses", "officials", "sources", "locals", "villagers", "elders", "activists",
                 "medics", "doctors", "police", "authorities", "forces", "troops", "fighters", "militants",
                 "rebels", "people", "survivors", "relatives", "families", "leaders", "commanders"}
_NOUN_QUALIFIER = re.compile(r"\b(?:casualties|losses|dead|deaths|killed|wounded|injured)$", re.I)


def shown(value: object) -> str:
    """A value as text: "unknown" for None (never "None" or 0)."""
    return UNKNOWN if value is None else str(value)


def fatalities_text(best: int | None, low: int | None = None, high: int | None = None) -> str:
    """"12", "12 (10-15)", or "unknown" when no report gives a figure."""
    if best is None:
        return UNKNOWN
    if low is not None and high is not None and (low != best or high != best):
        return f"{best} ({low}-{high})"
    return str(best)


def _clean(text: str | None) -> str:
    """The claimant as written, trimmed: one line, no quotes, no dangling punctuation."""
    text = re.sub(r"\s+", " ", text or "").strip()
    text = text.strip("\"'“”‘’").strip()
    return text.rstrip(",.;:—–- ").lstrip(",.;:—–- ").strip()


def _person(text: str) -> str:
    """'an NRF spokesperson, Fahim Dashti' and 'Fahim Dashti, an NRF spokesperson' both read
    'NRF spokesperson Fahim Dashti'; a long appositive is dropped ('Ali Nazary, head of ...' -> 'Ali Nazary')."""
    if "," not in text:
        return _ARTICLE.sub("", text) if text[:1].islower() or _ARTICLE.match(text) else text
    first, rest = (part.strip() for part in text.split(",", 1))
    rest = rest.split(",", 1)[0].strip()
    if _NAME.match(first) and not _ARTICLE.match(first):
        name, role = first, rest
    elif _NAME.match(rest):
        name, role = rest, first
    else:
        return _ARTICLE.sub("", first)
    role = _ARTICLE.sub("", role)
    if not role or len(role.split()) > ROLE_WORDS or role.split()[0].lower() in _NOBODY:
        return name
    return f"{role} {name}"


def _outlet(claim: Claim) -> str | None:
    return _clean(claim.outlet) or None


def claimant_label(claim: Claim) -> str:
    """Who makes the claim, in plain English: "NRF spokesperson Fahim Dashti (NRF)", "Dailytrust",
    "Residents of Panjshir", "CNN"; "an unnamed source" when the reports name nobody."""
    text = _clean(claim.claimant_text)
    outlet_words = _OUTLET.match(text)
    if outlet_words:
        text = _clean(outlet_words.group("name")) or _outlet(claim) or "the reporting outlet"
        return text
    nobody = not text or text.lower() in _NOBODY
    org = claim.claimant if claim.claimant not in (None, "independent") else None
    if org:
        if nobody or len(text) > MAX_LABEL_CHARS:
            return org
        who = _person(text)
        who = who[:1].upper() + who[1:]
        return org if who.lower() == org.lower() else f"{who} ({org})"
    if nobody:
        # an unattributed report is the outlet's own account; an unattributed denial is nobody's
        return (_outlet(claim) if claim.stance in ("claims", "unverified") else None) or "an unnamed source"
    who = _person(text) if len(text) <= MAX_LABEL_CHARS else text[:MAX_LABEL_CHARS].rsplit(" ", 1)[0] + "…"
    return who[:1].upper() + who[1:]


def _plural(label: str) -> bool:
    """The label names several people ("Residents of Panjshir", "Taliban authorities (Taliban)")."""
    head = label.split(" (")[0].split(" of ")[0].split()
    return bool(head) and head[-1].lower() in _PLURAL_HEADS


def _reported_by_outlet(claim: Claim) -> bool:
    """The claim is the outlet's own account (an independent or unattributed report)."""
    return claim.claimant in (None, "independent")


def _figure(claim: Claim) -> str:
    side = "civilians" if claim.side and claim.side.lower().startswith("civilians") else (claim.side or "people")
    if claim.n is not None:
        number = f"{claim.qualifier} {claim.n}" if claim.qualifier else str(claim.n)
    elif claim.low is not None and claim.high is not None:
        number = f"{claim.low}-{claim.high}"
    elif claim.qualifier and _NOUN_QUALIFIER.search(claim.qualifier):
        # 'heavy casualties': the qualifier is the figure's noun already
        return claim.qualifier + (f" among {claim.side}" if claim.side else "")
    else:
        number = claim.qualifier or "an unknown number of"
    return f"{number} {side} {claim.kind}"


def claim_text(claim: Claim) -> str:
    """One claim as a sentence without its full stop: "NRF spokesperson Fahim Dashti (NRF) claims
    40 Taliban killed", "Dailytrust reports the event", "Taliban authorities (Taliban) denies the event"."""
    label = claimant_label(claim)
    label = label[:1].upper() + label[1:]
    verbs = _REPORT_VERBS if _reported_by_outlet(claim) else _STANCE_VERBS
    verb = verbs.get(claim.stance, claim.stance)
    if _plural(label):  # "Residents of Panjshir report", "Taliban authorities (Taliban) deny"
        verb = re.sub(r"^(\w+?)(?:ies|s)\b", lambda m: m.group(1) + ("y" if m.group(0).endswith("ies") else ""), verb)
    if claim.kind == "event":
        return f"{label} {verb} the event"
    if claim.kind == "territory":
        return f"{label} {verb} territory taken" + (f" from {claim.side}" if claim.side else "")
    return f"{label} {verb} {_figure(claim)}"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def claims_summary(claims: Iterable[Claim], *, limit: int = SUMMARY_CLAIMS) -> str:
    """The claims of an event in a few plain sentences: "Reported by Dailytrust and CNN. Claimed by
    NRF. NRF spokesperson Fahim Dashti (NRF) claims 40 Taliban killed. Denied by Taliban." ("" when
    there is no claim)."""
    by_stance: dict[str, list[str]] = {}
    figures: list[str] = []
    for claim in claims:
        if claim.kind == "event":
            # an outlet's own account is "reported"; a party's is "claimed", named by the party
            # (its spokespeople are named with the figures they give)
            party = not _reported_by_outlet(claim)
            stance = "party" if party and claim.stance == "claims" else claim.stance
            labels = by_stance.setdefault(stance, [])
            label = claim.claimant if party else claimant_label(claim)
            if label not in labels:
                labels.append(label)
        else:
            text = claim_text(claim)
            if text not in figures:
                figures.append(text)
    def led(stance: str, lead: str) -> list[str]:
        return [f"{lead} {_and(by_stance[stance])}"] if by_stance.get(stance) else []

    parts = [*led("claims", "Reported by"), *led("unverified", "Reported, unverified, by"),
             *led("party", "Claimed by"), *figures, *led("confirms", "Confirmed by"), *led("denies", "Denied by")]
    if not parts:
        return ""
    more = len(parts) - limit
    text = ". ".join(parts[:limit]) + "."
    if more > 0:
        text += f" And {more} more claim{'s' if more > 1 else ''}."
    return text
