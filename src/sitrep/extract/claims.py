"""Who says so: the source of a sentence's claims and its stance (claims, confirms, denies, unverified)."""
from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Span, Token

from .actors import ActorLexicon, ActorMention

LOGGER = logging.getLogger(__name__)

__all__ = ["Attribution", "find_attribution", "load_cues"]

# Dependency labels of a reporting verb's speaker.
_SPEAKER_DEPS = ("nsubj", "nsubjpass")
# How far (tokens) an "according to" phrase's object may stretch.
_ACCORDING_WINDOW = 8


@dataclass(frozen=True, slots=True)
class Attribution:
    claimant: str | None  # canonical actor, "independent", or None (the outlet itself)
    claimant_text: str | None  # the words naming the source
    stance: str  # claims | confirms | denies | unverified
    verb_i: int | None = None  # token index of the reporting verb
    speaker_start: int | None = None  # token span of the speaker phrase
    speaker_end: int | None = None


@functools.lru_cache(maxsize=1)
def load_cues() -> dict:
    text = resources.files("sitrep.data").joinpath("attribution.json").read_text(encoding="utf-8")
    return json.loads(text)


@functools.lru_cache(maxsize=16)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


def _has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """Whole words only: "lies" is a denial, "allies" and "families" are not."""
    return bool(_phrase_pattern(phrases).search(text))


def _speaker_phrase(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ in _SPEAKER_DEPS:
            return verb.doc[child.left_edge.i: child.right_edge.i + 1]
    return None


def _claimant_of(phrase: Span, actors: list[ActorMention], lexicon: ActorLexicon) -> str | None:
    inside = [a for a in actors if a.start >= phrase.start and a.end <= phrase.end and a.via != "anti"]
    if inside:
        # "a commander from the resistance front" -> NRF; "an NRF spokesperson, Fahim Dashti" -> NRF
        return inside[0].canonical
    if lexicon.is_independent(phrase.text):
        return "independent"
    return None


def find_attribution(sent: Span, actors: list[ActorMention], lexicon: ActorLexicon) -> Attribution | None:
    """The source and stance of `sent`, from reporting verbs, "according to" and denial cues."""
    cues = load_cues()
    verbs: dict[str, str] = cues["reporting_verbs"]
    low = sent.text.lower()
    stance_override = None
    if _has_phrase(low, tuple(cues["unverified_phrases"])):
        stance_override = "unverified"
    best: Attribution | None = None
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in verbs:
            continue
        phrase = _speaker_phrase(tok)
        stance = verbs[tok.lemma_.lower()]
        if any(child.dep_ == "neg" for child in tok.children) and stance == "confirms":
            stance = "unverified"  # "did not confirm", "could not be verified": no denial
        claimant = _claimant_of(phrase, actors, lexicon) if phrase is not None else None
        att = Attribution(claimant, phrase.text if phrase is not None else None, stance, tok.i,
                          phrase.start if phrase is not None else None,
                          phrase.end if phrase is not None else None)
        # Prefer a verb with a known speaker; then the sentence's main verb.
        if best is None or (best.claimant is None and claimant is not None) or (
                stance == "denies" and best.stance != "denies"):
            best = att
    if best is None:
        for phrase_text in cues["according_to"]:
            pos = low.find(phrase_text)
            if pos < 0:
                continue
            char = sent.start_char + pos + len(phrase_text)
            window = [t for t in sent if t.idx >= char][:_ACCORDING_WINDOW]
            if window:
                span = sent.doc[window[0].i: window[-1].i + 1]
                best = Attribution(_claimant_of(span, actors, lexicon), span.text, "claims", None,
                                   span.start, span.end)
            break
    if _has_phrase(low, tuple(cues["denial_phrases"])):
        if best is None:
            best = Attribution(None, None, "denies")
        else:
            best = Attribution(best.claimant, best.claimant_text, "denies", best.verb_i,
                               best.speaker_start, best.speaker_end)
    if stance_override and (best is None or best.stance != "denies"):
        best = Attribution(best.claimant if best else None, best.claimant_text if best else None,
                           stance_override, best.verb_i if best else None,
                           best.speaker_start if best else None, best.speaker_end if best else None)
    return best
