"""The cheap first pass: which articles could report an event and so need the full spaCy parse.

An article yields event mentions only through words the extractor looks up in its lexicons:
a trigger (triggers.json, matched on a token's lemma, lower-case form or naive singular), a
casualty word (numbers.json: toll verbs, states and nouns), or a denial (attribution.json:
a denying reporting verb, or a denial phrase anywhere in a sentence). The first pass reads
the raw text with a regular expression and asks, for every word, whether any lemma spaCy's
rule lemmatizer *could* give it (under any part of speech, with its exceptions and the
attribute ruler's fixed lemmas) is such a word. It is a superset test: it never drops an
article the full parse would find an event in, so running with it changes no result; it
only spares the parse of articles that cannot produce a mention (most sport, business and
politics news). Sentences are not filtered: the extractor reads context (country, places,
the main actors, the paragraph's date and place) from every sentence of an article.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Sequence

from spacy.language import Language

from .records import CleanArticle

LOGGER = logging.getLogger(__name__)

__all__ = ["Prefilter", "load_prefilter", "select_candidates", "LOSSLESS", "CUES"]

# The two tests the first pass can apply (see the module docstring and data/prefilter.json).
LOSSLESS = "lexicon"
CUES = "cues"

# A word as the tokenizer cuts it: letters only (spaCy splits hyphens, apostrophes, digits and
# punctuation off words; a lexicon key with such characters is matched as a substring instead).
_WORD = re.compile(r"[^\W\d_]+")
# Words per article text seen so far are cached; the vocabulary of news is small.
_WORD_CACHE_SIZE = 200_000


@dataclass(frozen=True, slots=True)
class _Lexicons:
    lemmas: frozenset[str]  # any lemma, lower-case form or naive singular that may fire
    surfaces: frozenset[str]  # lower-case words that fire whatever their lemma (toll states, ruler lemmas)
    phrases: tuple[str, ...]  # substrings of the lower-cased text that may fire


@dataclass(frozen=True, slots=True)
class _Cues:
    strong: frozenset[str]
    weak: frozenset[str]
    min_weak: int
    actors: re.Pattern[str]  # actor aliases (actors.json), any case / cased as listed
    actors_cased: re.Pattern[str] | None


class Prefilter:
    """Says whether a text could yield an event mention; built from the lexicons and the lemmatizer."""

    def __init__(self, lexicons: _Lexicons, cues: _Cues, rules: Sequence[tuple[str, str]],
                 exceptions: dict[str, frozenset[str]]) -> None:
        self._lex = lexicons
        self._cues = cues
        self._cue_seen: dict[str, int] = {}
        # Longest suffix first does not matter: every rule is tried (a superset of the lemmatizer).
        self._rules = tuple(dict.fromkeys((old, new) for old, new in rules))
        self._exceptions = exceptions
        self._seen: dict[str, bool] = {}

    def word_fires(self, word: str) -> bool:
        """Whether a lower-case word could be a trigger, toll or denial word under some lemma."""
        hit = self._seen.get(word)
        if hit is None:
            hit = self._fires(word)
            if len(self._seen) < _WORD_CACHE_SIZE:
                self._seen[word] = hit
        return hit

    def _lemmas(self, low: str) -> set[str]:
        """Every lemma the rule lemmatizer could give `low`, plus the forms triggers.py also tries."""
        out = {low, low[:-1]} | self._exceptions.get(low, frozenset())
        out.update(low[:len(low) - len(old)] + new for old, new in self._rules if low.endswith(old))
        return out

    def _fires(self, low: str) -> bool:
        return bool(low in self._lex.surfaces or self._lemmas(low) & self._lex.lemmas)

    def _cue(self, low: str) -> int:
        """2 for a strong cue word, 1 for a weak one, else 0."""
        kind = self._cue_seen.get(low)
        if kind is None:
            lemmas = self._lemmas(low)
            kind = 2 if lemmas & self._cues.strong else 1 if lemmas & self._cues.weak else 0
            if len(self._cue_seen) < _WORD_CACHE_SIZE:
                self._cue_seen[low] = kind
        return kind

    def is_candidate(self, text: str, *, mode: str = CUES) -> bool:
        """Whether `text` goes to the full parse.

        LOSSLESS: whether the full parse could find an event mention in it at all. CUES: whether
        it reads like conflict news (an actor, a strong cue, or enough weak ones); a heuristic
        whose recall bench/run.py measures.
        """
        low = text.lower()
        if mode == LOSSLESS:
            if any(p in low for p in self._lex.phrases):
                return True
            return any(self.word_fires(w) for w in _WORD.findall(low))
        if mode != CUES:
            raise ValueError(f"unknown first-pass mode {mode!r}: use {LOSSLESS!r} or {CUES!r}")
        cues = self._cues
        if cues.actors.search(low) or (cues.actors_cased is not None and cues.actors_cased.search(text)):
            return True
        weak: set[str] = set()
        for word in set(_WORD.findall(low)):
            kind = self._cue(word)
            if kind == 2:
                return True
            if kind == 1:
                weak.add(word)
                if len(weak) >= cues.min_weak:
                    return True
        return False

    def candidate_words(self, text: str) -> list[str]:
        """The words of `text` that make it a candidate (for audits and recall checks)."""
        low = text.lower()
        found = [p for p in self._lex.phrases if p in low]
        return found + [w for w in dict.fromkeys(_WORD.findall(low)) if self.word_fires(w)]


def select_candidates(articles: Iterable[CleanArticle], prefilter: Prefilter, *,
                      mode: str = CUES) -> list[CleanArticle]:
    """The articles that go to the full parse, in input order."""
    return [a for a in articles if prefilter.is_candidate(a.text, mode=mode)]


@functools.lru_cache(maxsize=4)
def load_prefilter(model: str) -> Prefilter:
    """The first pass for the spaCy pipeline `model` (its lemmatizer's rules), built once per process."""
    from .nlp import load_pipeline

    return _build(load_pipeline(model))


def _read(name: str) -> dict:
    return json.loads(resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8"))


def _lexicons(nlp: Language) -> _Lexicons:
    from .extract.tolls import _lexicon as toll_lexicon
    from .extract.triggers import _lexicon as trigger_lexicon

    words: set[str] = set(trigger_lexicon().index)
    tolls = toll_lexicon()
    words |= {w.lower() for w in tolls.verbs}
    words |= {w.lower() for w in tolls.nouns}
    surfaces = {w.lower() for w in tolls.states}
    cues = _read("attribution.json")
    words |= {verb for verb, stance in cues["reporting_verbs"].items() if stance == "denies"}
    phrases = [p.lower() for p in cues["denial_phrases"]]
    # Lexicon words the tokenizer would cut apart ("counter-attack") are looked for as text.
    phrases += [w for w in words if not _WORD.fullmatch(w)]
    # The attribute ruler sets some lemmas outright ("'d" -> "would"): those words fire as written.
    if "attribute_ruler" in nlp.pipe_names:
        for pattern in nlp.get_pipe("attribute_ruler").patterns:
            lemma = str(pattern.get("attrs", {}).get("LEMMA", "")).lower()
            if lemma in words:
                for token_specs in pattern["patterns"]:
                    for spec in token_specs:
                        for key in ("LOWER", "ORTH", "TEXT"):
                            if isinstance(spec.get(key), str):
                                surfaces.add(spec[key].lower())
    return _Lexicons(frozenset(w for w in words if _WORD.fullmatch(w)), frozenset(surfaces),
                     tuple(sorted(set(phrases))))


def _cue_words(nlp: Language) -> _Cues:
    data = _read("prefilter.json")
    actors = _read("actors.json")["actors"]
    aliases = sorted({a.lower() for actor in actors for a in actor.get("aliases", ())}, key=len, reverse=True)
    cased = sorted({a for actor in actors for a in actor.get("aliases_cased", ())}, key=len, reverse=True)

    def words(pattern: list[str]) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in pattern) + r")(?!\w)")

    return _Cues(strong=frozenset(w.lower() for w in data["strong"]), weak=frozenset(w.lower() for w in data["weak"]),
                 min_weak=int(data["min_weak"]), actors=words(aliases), actors_cased=words(cased) if cased else None)


def _build(nlp: Language) -> Prefilter:
    lexicons = _lexicons(nlp)
    rules: list[tuple[str, str]] = []
    exceptions: dict[str, set[str]] = {}
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_rules"):
            for pos_rules in lookups.get_table("lemma_rules").values():
                rules.extend((old, new) for old, new in pos_rules)
        if lookups.has_table("lemma_exc"):
            for pos_exc in lookups.get_table("lemma_exc").values():
                for word, lemmas in pos_exc.items():
                    exceptions.setdefault(word.lower(), set()).update(l.lower() for l in lemmas)
    LOGGER.debug("first pass: %d lemmas, %d surfaces, %d phrases, %d rules", len(lexicons.lemmas),
                 len(lexicons.surfaces), len(lexicons.phrases), len(rules))
    return Prefilter(lexicons, _cue_words(nlp), rules, {w: frozenset(l) for w, l in exceptions.items()})
