"""Actors: the alias lexicon, matching actor names in a parse, and generic ACLED names."""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..errors import ModelError

LOGGER = logging.getLogger(__name__)

__all__ = [
    "ActorInfo",
    "ActorMention",
    "ActorLexicon",
    "load_lexicon",
    "ActorMatcher",
    "scope_to_country",
    "looks_like_armed_group",
    "CIVILIAN_INTER",
    "GENERIC_PREFIXES",
]

# ACLED's inter code of civilians.
CIVILIAN_INTER = 7
# ACLED's generic names, which another report may give a name to ("gunmen" in one report are
# "Boko Haram" in the next).
GENERIC_PREFIXES = ("Unidentified Armed Group", "Civilians")

# "X-linked fighters" names X's affiliates, not X.
_LINKED = frozenset({"linked", "affiliated", "backed", "allied", "aligned", "inspired", "supported", "funded"})
# Words that make an "anti-X" phrase name X's enemy ("an anti-Taliban group").
_ANTI_PREFIX = re.compile(r"^anti[-\u2010\u2011 ]", re.I)
# The word lists of looks_like_armed_group (a data file a user can extend).
_ORG_WORDS = "org_words.json"
# PhraseMatcher keys of local aliases: the canonical name and this suffix.
_LOCAL_KEY = "\x1flocal"
# "Military Forces of the Democratic Republic of Congo (2019-)" -> the country's name.
_STATE_NAME = re.compile(r"^(?:Military|Police) Forces of (?:the )?(?P<name>[^(]+?)\s*(?:\(.*)?$")


@dataclass(frozen=True, slots=True)
class ActorInfo:
    canonical: str
    inter: int
    kind: str
    countries: tuple[str, ...] = ()
    active_until: dt.date | None = None
    forces: str | None = None  # "military" or "police": the state forces of countries[0]


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a Doc: token span and canonical name."""

    start: int  # token index
    end: int
    canonical: str
    via: str  # "alias", "cased", "person", "anti" (enemy of an actor), "generic"
    enemy_of: str | None = None  # for "anti-X" phrases: X
    local: bool = False  # matched by an alias that names the actor only inside its own countries


class ActorLexicon:
    """The actor alias lexicon (a data file a user can extend)."""

    def __init__(self, data: dict, source: str = "actors.json") -> None:
        self.source = source
        self.actors: dict[str, ActorInfo] = {}
        self.aliases: dict[str, str] = {}
        self.cased: dict[str, str] = {}
        self.people: dict[str, str] = {}
        self.part_of: dict[str, tuple[str, ...]] = {}
        # Aliases that name an actor only in a report about one of its countries; one alias may
        # stand for several actors of different countries ("SNA": Somalia's army, Syria's National Army).
        self.local: dict[str, tuple[str, ...]] = {}
        self.local_cased: dict[str, tuple[str, ...]] = {}
        self._state: dict[tuple[str, str], str] = {}  # (ISO alpha-2, "military"/"police") -> canonical
        self._state_iso: dict[str, str] = {}  # country name as in the canonical, lower case -> ISO alpha-2
        try:
            for entry in data["actors"]:
                name = entry["canonical"]
                until = entry.get("active_until")
                info = ActorInfo(
                    canonical=name,
                    inter=int(entry.get("inter", 0)),
                    kind=entry.get("kind", ""),
                    countries=tuple(entry.get("countries", ())),
                    active_until=dt.date.fromisoformat(until) if until else None,
                    forces=entry.get("forces"),
                )
                self.actors[name] = info
                self.aliases[name.lower()] = name
                self.part_of[name] = tuple(entry.get("part_of", ()))
                for alias in entry.get("aliases", ()):
                    self.aliases[alias.lower()] = name
                for alias in entry.get("aliases_cased", ()):
                    self.cased[alias] = name
                for alias in entry.get("aliases_local", ()):
                    self.local[alias.lower()] = (*self.local.get(alias.lower(), ()), name)
                for alias in entry.get("aliases_local_cased", ()):
                    self.local_cased[alias] = (*self.local_cased.get(alias, ()), name)
                for person in entry.get("people", ()):
                    self.people[person] = name
                if info.forces and info.countries and info.active_until is None:
                    self._state.setdefault((info.countries[0], info.forces), name)
                    named = _STATE_NAME.match(name)
                    if named:
                        self._state_iso.setdefault(named["name"].lower(), info.countries[0])
            self.generic: list[dict] = list(data.get("generic", {}).get("entries", ()))
            self.independent: frozenset[str] = frozenset(
                w.lower() for w in data.get("independent", {}).get("words", ()))
        except (KeyError, TypeError, ValueError) as err:
            raise ModelError(f"{source}: the actor lexicon is malformed ({err!r}); "
                             f"each actor needs 'canonical' and 'aliases'") from err
        self._generic_words: dict[str, dict] = {}
        for entry in self.generic:
            for word in entry["words"]:
                self._generic_words[word.lower()] = entry

    def canonical(self, name: str | None) -> str | None:
        """The canonical name of an actor as written anywhere (alias, person, canonical)."""
        if not name:
            return None
        key = re.sub(r"\s+", " ", name.strip()).lower()
        if key in self.aliases:
            return self.aliases[key]
        for cased, canon in self.cased.items():
            if name.strip() == cased:
                return canon
        for person, canon in self.people.items():
            if person.lower() == key:
                return canon
        return None

    def family(self, canonical: str) -> frozenset[str]:
        """The actor and the movements it is part of (ISKP -> ISKP, Islamic State)."""
        return frozenset((canonical, *self.part_of.get(canonical, ())))

    def info(self, canonical: str) -> ActorInfo | None:
        return self.actors.get(canonical)

    def inter(self, canonical: str) -> int:
        info = self.actors.get(canonical)
        if info:
            return info.inter
        for entry in self.generic:
            prefix = entry["canonical"].split("{")[0]
            if prefix and canonical.startswith(prefix):
                return int(entry.get("inter", 0))
        return 0

    def named_armed(self, actors) -> set[str]:
        """The named armed actors among `actors`: not civilians, not ACLED's generic names."""
        return {a for a in actors if self.inter(a) != CIVILIAN_INTER and not a.startswith(GENERIC_PREFIXES)}

    def state_forces(self, country: str | None, forces: str = "military") -> str | None:
        """The canonical of a country's state forces ("SD" or "Sudan" -> Military Forces of Sudan (2019-)).

        `country` is an ISO alpha-2 code or the country's name as the gazetteer gives it; `forces`
        is "military" or "police". None when the lexicon has no such entry (or it is no longer active).
        """
        if not country:
            return None
        key = country.strip()
        iso = key.upper() if len(key) == 2 else self._state_iso.get(_strip_the(key.lower()))
        return self._state.get((iso, forces)) if iso else None

    def generic_for(self, word: str, country: str | None) -> str | None:
        """ACLED's generic actor for a vague word ("gunmen" -> Unidentified Armed Group (Nigeria)).

        For the army or the police of a country the lexicon knows, the name is that of its
        state-forces entry ("troops", "Sudan" -> Military Forces of Sudan (2019-)).
        """
        key = word.lower()
        entry = self._generic_words.get(key) or (self._generic_words.get(key[:-1]) if key.endswith("s") else None)
        if entry is None:
            return None
        if entry.get("forces"):
            named = self.state_forces(country, entry["forces"])
            if named:
                return named
        return entry["canonical"].format(country=country or "International")

    def is_local_in(self, canonical: str, country: str | None) -> bool:
        """Whether a local alias of `canonical` may name it in a report about `country` (ISO alpha-2)."""
        info = self.actors.get(canonical)
        countries = info.countries if info else ()
        if country is None:
            return not countries
        return country.upper() in countries

    def generic_kind(self, word: str) -> str | None:
        entry = self._generic_words.get(word.lower())
        return entry["kind"] if entry else None

    def is_independent(self, text: str) -> bool:
        """True when the words name a source that speaks for no side (residents, a hospital, the UN)."""
        low = text.lower()
        words = set(re.findall(r"[a-z]+", low))
        return any((w in words) if " " not in w else (w in low) for w in self.independent)


def _strip_the(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> ActorLexicon:
    """Load the actor lexicon: the packaged one, or a user's JSON file of the same shape."""
    if path is None:
        text = resources.files("sitrep.data").joinpath("actors.json").read_text(encoding="utf-8")
        source = "sitrep/data/actors.json"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise ModelError(f"{path}: cannot read the actor lexicon ({err.strerror})") from err
        source = path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ModelError(f"{source}: the actor lexicon is not valid JSON ({err})") from err
    return ActorLexicon(data, source)


class ActorMatcher:
    """Finds actors in a Doc with spaCy's PhraseMatcher (built once per pipeline)."""

    def __init__(self, nlp: Language, lexicon: ActorLexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_key: dict[str, list[str]] = {}
        for alias, canon in self.lexicon.aliases.items():
            by_key.setdefault(canon, []).append(alias)
        for alias, canons in self.lexicon.local.items():
            for canon in canons:
                by_key.setdefault(canon + _LOCAL_KEY, []).append(alias)
        for key, aliases in by_key.items():
            self._lower.add(key, list(nlp.tokenizer.pipe(_with_apostrophes(aliases))))
        cased: dict[str, list[str]] = {}
        for alias, canon in list(self.lexicon.cased.items()) + list(self.lexicon.people.items()):
            cased.setdefault(canon, []).append(alias)
        for alias, canons in self.lexicon.local_cased.items():
            for canon in canons:
                cased.setdefault(canon + _LOCAL_KEY, []).append(alias)
        for key, aliases in cased.items():
            self._orth.add(key, list(nlp.tokenizer.pipe(_with_apostrophes(aliases))))
        self._people_first_tokens = {p.split()[0] for p in self.lexicon.people}

    def find(self, doc: Doc | Span) -> list[ActorMention]:
        """Actor names in `doc`, longest match first, no overlaps, in text order.

        Distinctive names are placed first; local aliases (`local=True`) fill the tokens left.
        Local hits of actors of different countries may share tokens (they are alternatives:
        `scope_to_country` keeps at most the one of the report's country).
        """
        spans = []
        root = doc.doc if isinstance(doc, Span) else doc
        for matcher, via in ((self._lower, "alias"), (self._orth, "cased")):
            # spaCy's matchers give token offsets in the whole Doc, also for a Span.
            for match_id, start, end in matcher(doc):
                key = root.vocab.strings[match_id]
                local = key.endswith(_LOCAL_KEY)
                spans.append((local, start, end, key[:-len(_LOCAL_KEY)] if local else key, via))
        spans.sort(key=lambda s: (s[0], -(s[2] - s[1]), s[1]))
        taken: set[int] = set()  # tokens of distinctive names (and of "X-linked" labels)
        placed_local: list[tuple[int, int, frozenset[str]]] = []
        found: list[ActorMention] = []
        for local, start, end, canon, via in spans:
            if any(i in taken for i in range(start, end)):
                continue
            if local:
                where = self._countries(canon)
                if any(s < end and start < e and (not where or not other or where & other)
                       for s, e, other in placed_local):
                    continue
            if end + 1 < len(root) and root[end].text in "-\u2010\u2011" and root[end + 1].lower_ in _LINKED:
                taken.update(range(start, end + 2))  # "al-Qaeda-linked JNIM": a label, not a party
                continue
            # "anti-Taliban" names the Taliban's enemy, not the Taliban.
            prev = root[start - 1] if start > 0 else None
            token_text = root[start].text
            if _ANTI_PREFIX.match(token_text) or (prev is not None and prev.lower_ == "anti"
                                                  or (prev is not None and prev.text in "-\u2010\u2011"
                                                      and start > 1 and root[start - 2].lower_ == "anti")):
                found.append(ActorMention(start, end, canon, "anti", enemy_of=canon, local=local))
            else:
                found.append(ActorMention(start, end, canon, "person" if via == "cased" and
                                          root[start].text in self._people_first_tokens else via, local=local))
            if local:
                placed_local.append((start, end, self._countries(canon)))
            else:
                taken.update(range(start, end))
        # Tokens like "anti-Taliban" that the tokenizer kept whole.
        taken.update(i for s, e, _ in placed_local for i in range(s, e))
        for tok in (doc if isinstance(doc, Doc) else doc):
            if tok.i in taken:
                continue
            m = _ANTI_PREFIX.match(tok.text)
            if m:
                canon = self.lexicon.canonical(tok.text[m.end():])
                if canon:
                    found.append(ActorMention(tok.i, tok.i + 1, canon, "anti", enemy_of=canon))
        found.sort(key=lambda a: a.start)
        return found

    def _countries(self, canonical: str) -> frozenset[str]:
        info = self.lexicon.info(canonical)
        return frozenset(info.countries) if info else frozenset()

    def generic(self, token: Token, country: str | None) -> str | None:
        """A generic actor for a head noun ("gunmen", "residents", "police"), or None."""
        for key in (token.lower_, token.lemma_.lower()):
            name = self.lexicon.generic_for(key, country)
            if name:
                return name
        return None


def _with_apostrophes(aliases: list[str]) -> list[str]:
    """Each alias with its apostrophes typed both ways ("people's" and "people’s"): news sites
    use either."""
    out = list(aliases)
    for alias in aliases:
        for a, b in (("'", "\u2019"), ("\u2019", "'")):
            if a in alias and alias.replace(a, b) not in out:
                out.append(alias.replace(a, b))
    return out


def scope_to_country(hits: list[ActorMention], country: str | None, lexicon: ActorLexicon) -> list[ActorMention]:
    """The hits that may stand in a report about `country` (ISO alpha-2, None when unknown).

    A hit by a distinctive name always stays. A hit by a local alias ("resistance forces",
    "Joint Forces", "the paramilitaries") stays only when its actor fights in `country`; with no
    country known, only when the actor is tied to no country.
    """
    return [h for h in hits if not h.local or lexicon.is_local_in(h.canonical, country)]


@functools.lru_cache(maxsize=1)
def _org_words() -> dict[str, frozenset[str]]:
    """The word lists of looks_like_armed_group, lower case; phrases are words joined by spaces."""
    try:
        text = resources.files("sitrep.data").joinpath(_ORG_WORDS).read_text(encoding="utf-8")
        data = json.loads(text)
        return {key: frozenset(" ".join(re.findall(r"[^\W\d_][\w']*", w.lower().replace("\u2019", "'")))
                               for w in data[key])
                for key in ("armed_phrases", "not_armed_phrases", "not_armed", "strong_heads", "weak_heads",
                            "armed_words", "generic_modifiers")}
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ModelError(f"sitrep/data/{_ORG_WORDS}: the organisation word lists are unreadable or malformed "
                         f"({err!r}); each list named in its '_about' is needed") from err


def looks_like_armed_group(name: str) -> bool:
    """Whether a name found in text reads as an armed group's ("Darfur Liberation Front": yes;
    "Foreign Ministry", "Doctors Without Borders", "el - fasher": no).

    For discovering groups the lexicon does not list. True for a name with an armed head word
    ("X Forces", "X Front", "X Army", "X Militia", "X Brigade(s)", "X Battalion") or an armed word
    ("X Liberation Movement", "X Resistance", "Armed Group of X") and at least one word that names
    it (not "Government Forces", "Rebel Group"); false for hospitals, ministries, agencies, NGOs,
    companies, outlets, universities, councils, committees, courts and places. The word lists are
    data (sitrep/data/org_words.json).
    """
    words = _org_words()
    text = re.sub(r"\s+", " ", (name or "").replace("\u2019", "'")).strip()
    tokens = [re.sub(r"'s?$", "", t) for t in re.findall(r"[^\W\d_][\w']*", text)]
    tokens = [t for t in tokens if t]
    # One capitalised word or acronym at least: "el - fasher", "security forces" are no names.
    if not tokens or not any(t[0].isupper() for t in tokens):
        return False
    lowered = [t.lower() for t in tokens]
    padded = " " + " ".join(lowered) + " "
    if any(f" {p} " in padded for p in words["not_armed_phrases"]):
        return False
    if any(f" {p} " in padded for p in words["armed_phrases"]):
        return True
    if any(w in words["not_armed"] for w in lowered):
        return False
    if not any(w in words["strong_heads"] or w in words["armed_words"] for w in lowered):
        return False
    vague = words["strong_heads"] | words["weak_heads"] | words["generic_modifiers"]
    return any(w not in vague for w in lowered)
