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
]

# "X-linked fighters" names X's affiliates, not X.
_LINKED = frozenset({"linked", "affiliated", "backed", "allied", "aligned", "inspired", "supported", "funded"})
# Words that make an "anti-X" phrase name X's enemy ("an anti-Taliban group").
_ANTI_PREFIX = re.compile(r"^anti[-\u2010\u2011 ]", re.I)


@dataclass(frozen=True, slots=True)
class ActorInfo:
    canonical: str
    inter: int
    kind: str
    countries: tuple[str, ...] = ()
    active_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a Doc: token span and canonical name."""

    start: int  # token index
    end: int
    canonical: str
    via: str  # "alias", "person", "anti" (enemy of an actor), "generic"
    enemy_of: str | None = None  # for "anti-X" phrases: X


class ActorLexicon:
    """The actor alias lexicon (a data file a user can extend)."""

    def __init__(self, data: dict, source: str = "actors.json") -> None:
        self.source = source
        self.actors: dict[str, ActorInfo] = {}
        self.aliases: dict[str, str] = {}
        self.cased: dict[str, str] = {}
        self.people: dict[str, str] = {}
        self.part_of: dict[str, tuple[str, ...]] = {}
        try:
            for entry in data["actors"]:
                name = entry["canonical"]
                until = entry.get("active_until")
                self.actors[name] = ActorInfo(
                    canonical=name,
                    inter=int(entry.get("inter", 0)),
                    kind=entry.get("kind", ""),
                    countries=tuple(entry.get("countries", ())),
                    active_until=dt.date.fromisoformat(until) if until else None,
                )
                self.aliases[name.lower()] = name
                self.part_of[name] = tuple(entry.get("part_of", ()))
                for alias in entry.get("aliases", ()):
                    self.aliases[alias.lower()] = name
                for alias in entry.get("aliases_cased", ()):
                    self.cased[alias] = name
                for person in entry.get("people", ()):
                    self.people[person] = name
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

    def generic_for(self, word: str, country: str | None) -> str | None:
        """ACLED's generic actor for a vague word ("gunmen" -> Unidentified Armed Group (Nigeria))."""
        key = word.lower()
        entry = self._generic_words.get(key) or (self._generic_words.get(key[:-1]) if key.endswith("s") else None)
        if entry is None:
            return None
        return entry["canonical"].format(country=country or "International")

    def generic_kind(self, word: str) -> str | None:
        entry = self._generic_words.get(word.lower())
        return entry["kind"] if entry else None

    def is_independent(self, text: str) -> bool:
        """True when the words name a source that speaks for no side (residents, a hospital, the UN)."""
        low = text.lower()
        words = set(re.findall(r"[a-z]+", low))
        return any((w in words) if " " not in w else (w in low) for w in self.independent)


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
        by_canon: dict[str, list[str]] = {}
        for alias, canon in self.lexicon.aliases.items():
            by_canon.setdefault(canon, []).append(alias)
        for canon, aliases in by_canon.items():
            self._lower.add(canon, list(nlp.tokenizer.pipe(aliases)))
        cased: dict[str, list[str]] = {}
        for alias, canon in list(self.lexicon.cased.items()) + list(self.lexicon.people.items()):
            cased.setdefault(canon, []).append(alias)
        for canon, aliases in cased.items():
            self._orth.add(canon, list(nlp.tokenizer.pipe(aliases)))
        self._people_first_tokens = {p.split()[0] for p in self.lexicon.people}

    def find(self, doc: Doc | Span) -> list[ActorMention]:
        """Actor names in `doc`, longest match first, no overlaps, in text order."""
        spans = []
        root = doc.doc if isinstance(doc, Span) else doc
        for matcher, via in ((self._lower, "alias"), (self._orth, "cased")):
            # spaCy's matchers give token offsets in the whole Doc, also for a Span.
            for match_id, start, end in matcher(doc):
                canon = root.vocab.strings[match_id]
                spans.append((start, end, canon, via))
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: set[int] = set()
        found: list[ActorMention] = []
        for start, end, canon, via in spans:
            if any(i in taken for i in range(start, end)):
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
                found.append(ActorMention(start, end, canon, "anti", enemy_of=canon))
            else:
                found.append(ActorMention(start, end, canon, "person" if via == "cased" and
                                          root[start].text in self._people_first_tokens else via))
            taken.update(range(start, end))
        # Tokens like "anti-Taliban" that the tokenizer kept whole.
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

    def generic(self, token: Token, country: str | None) -> str | None:
        """A generic actor for a head noun ("gunmen", "residents", "police"), or None."""
        for key in (token.lower_, token.lemma_.lower()):
            name = self.lexicon.generic_for(key, country)
            if name:
                return name
        return None
