"""Casualty figures ("tolls"): how many people a sentence says were killed, wounded, captured or surrendered."""
from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc, Span, Token

from ..errors import ModelError

LOGGER = logging.getLogger(__name__)

__all__ = ["Toll", "find_tolls", "parse_number", "TOLL_KINDS", "HEAVY_QUALIFIER"]

# The kinds of toll, after the codebook's killed / wounded / captured claim lists; ACLED also
# counts surrenders, and "killed or wounded 26" / "30 casualties" is one figure for both.
TOLL_KINDS = ("killed", "wounded", "captured", "surrendered", "killed_or_wounded")
# The qualifier reported for deaths told without a number ("suffered heavy casualties", "huge
# losses"); the codebook's own wording for such claims.
HEAVY_QUALIFIER = "heavy casualties"
# Kinds whose numberless reports are flagged as estimates (ACLED flags fatality estimates only).
_ESTIMATED_KINDS = frozenset({"killed", "killed_or_wounded"})
# Kinds that count only people: "captured 12 provinces" and "surrendered 200 weapons" are no tolls.
_PEOPLE_ONLY_KINDS = frozenset({"captured", "surrendered"})
# A bare four-digit number in this range is a year ("killed in 2001"), never a head count.
_YEAR_RANGE = range(1900, 2101)
# Entity labels of numbers that are never head counts (spaCy's OntoNotes labels).
_NON_COUNT_ENTS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})
# Dependency labels (spaCy's ClearNLP scheme) of the arguments read off a casualty word.
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_STATE_DEPS = ("oprd", "acomp", "advmod", "xcomp", "ccomp", "conj")
_RELATIVE_WORDS = frozenset({"who", "that", "which", "whom"})
# How many conjoined verbs up a chain a verb may borrow its victim from ("were captured,
# disarmed and later executed"); a guard against pathological parses.
_MAX_CONJ_HOPS = 3


@dataclass(frozen=True, slots=True)
class Toll:
    """One casualty figure as reported: what happened to whom, how many, and where it is written."""

    kind: str  # one of TOLL_KINDS
    n: int | None  # best single figure: "at least 23" -> 23, "30 to 40" -> 30; None for "dozens"
    low: int | None  # floor: "30 to 40" -> 30, "dozens" -> 24
    high: int | None  # ceiling: "30 to 40" -> 40, "nearly 50" -> 50
    qualifier: str | None  # "at least", "about", "dozens", "heavy casualties", ... or None
    victim_text: str  # who was hit, as written ("Taliban fighters", "of their forces"), or ""
    victim_i: int | None  # doc index of the victim noun's head, None when only a number is given
    start: int  # doc character offsets of the whole toll expression
    end: int
    estimated: bool  # deaths reported without a number: ACLED's flagged estimate


@dataclass(frozen=True, slots=True)
class _Lexicon:
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    fixed: dict[str, tuple[int, str | None]]
    vague: dict[str, tuple[int, str]]
    qualifiers: tuple[tuple[str, str, str], ...]  # (hedge, canonical, bound), longest first
    range_openers: tuple[str, ...]
    range_separators: tuple[str, ...]
    quantity_words: frozenset[str]  # single words that head a count: "dozens", "dozen", "several"
    verbs: dict[str, str]
    states: dict[str, str]
    subject_verbs: frozenset[str]
    people_verbs: frozenset[str]
    life_objects: frozenset[str]
    nouns: dict[str, str]
    prisoner_nouns: frozenset[str]
    prisoner_verbs: frozenset[str]
    estimate_nouns: frozenset[str]
    uncounted_nouns: frozenset[str]
    heavy_words: frozenset[str]
    suffer_verbs: frozenset[str]
    inflict_verbs: frozenset[str]
    person_nouns: frozenset[str]
    person_singular_none: frozenset[str]
    person_one: frozenset[str]
    person_entities: frozenset[str]
    non_person_nouns: frozenset[str]
    negators: frozenset[str]
    cumulative_preps: frozenset[str]
    cumulative_subjects: frozenset[str]
    cumulative_phrases: tuple[str, ...]
    remembered_nouns: frozenset[str]
    cumulative_incident_nouns: frozenset[str]
    cumulative_multi_words: frozenset[str]


def _entries(table: dict) -> dict:
    return {key: value for key, value in table.items() if not key.startswith("_")}


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The number words and casualty vocabulary of data/numbers.json, read once."""
    try:
        data = json.loads(resources.files("sitrep.data").joinpath("numbers.json").read_text(encoding="utf-8"))
        fixed = {k: (int(v[0]), v[1]) for k, v in _entries(data["fixed"]).items()}
        vague = {k: (int(v[0]), str(v[1])) for k, v in _entries(data["vague"]).items()}
        hedges = sorted(_entries(data["qualifiers"]).items(), key=lambda kv: -len(kv[0]))
        quantity_words = {w for phrase in (*fixed, *vague) for w in phrase.split() if w not in ("a", "half")}
        quantity_words |= set(data["scales"])
        return _Lexicon(
            units=dict(data["units"]),
            tens=dict(data["tens"]),
            scales=dict(data["scales"]),
            fixed=fixed,
            vague=vague,
            qualifiers=tuple((k, v[0], v[1]) for k, v in hedges),
            range_openers=tuple(data["range_openers"]),
            range_separators=tuple(data["range_separators"]),
            quantity_words=frozenset(quantity_words),
            verbs=_entries(data["toll_verbs"]),
            states=_entries(data["toll_states"]),
            subject_verbs=frozenset(data["toll_subject_verbs"]),
            people_verbs=frozenset(data["toll_people_verbs"]),
            life_objects=frozenset(data["toll_life_objects"]),
            nouns=_entries(data["toll_nouns"]),
            prisoner_nouns=frozenset(data["toll_prisoner_nouns"]),
            prisoner_verbs=frozenset(data["toll_prisoner_verbs"]),
            estimate_nouns=frozenset(data["toll_estimate_nouns"]),
            uncounted_nouns=frozenset(data["toll_uncounted_nouns"]),
            heavy_words=frozenset(data["toll_heavy_words"]),
            suffer_verbs=frozenset(data["toll_suffer_verbs"]),
            inflict_verbs=frozenset(data["toll_inflict_verbs"]),
            person_nouns=frozenset(data["person_nouns"]),
            person_singular_none=frozenset(data["person_singular_none"]),
            person_one=frozenset(data["person_one"]),
            person_entities=frozenset(data["person_entities"]),
            non_person_nouns=frozenset(data["non_person_nouns"]),
            negators=frozenset(data["negators"]),
            cumulative_preps=frozenset(data["cumulative_preps"]),
            cumulative_subjects=frozenset(data["cumulative_subjects"]),
            cumulative_phrases=tuple(data["cumulative_phrases"]),
            remembered_nouns=frozenset(data["remembered_nouns"]),
            cumulative_incident_nouns=frozenset(data["cumulative_incident_nouns"]),
            cumulative_multi_words=frozenset(data["cumulative_multi_words"]),
        )
    except (OSError, KeyError, TypeError, ValueError, IndexError) as err:
        raise ModelError(f"cannot read the number lexicon sitrep/data/numbers.json: {err}; fix or restore the file") from err


# --- numbers ------------------------------------------------------------------

_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


def _whole(text: str, lex: _Lexicon) -> int | None:
    """A whole number written in digits or words ("23", "10,000", "twenty-three", "two dozen")."""
    if text in lex.fixed:
        return lex.fixed[text][0]
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if not words:
        return None
    total = current = 0
    seen = False
    for k, word in enumerate(words):
        if _DIGITS.fullmatch(word):
            current += int(word.replace(",", ""))
        elif word in lex.units:
            current += lex.units[word]
        elif word in lex.tens:
            current += lex.tens[word]
        elif word in ("a", "an") and k == 0 and len(words) > 1 and words[1] in lex.scales:
            current = 1
        elif word in lex.scales:
            scale = lex.scales[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _strip_hedge(text: str, lex: _Lexicon) -> tuple[str, str | None, str | None]:
    for hedge, canonical, bound in lex.qualifiers:
        if text.startswith(hedge + " "):
            return text[len(hedge) + 1:], canonical, bound
    return text, None, None


def _range(text: str, lex: _Lexicon) -> tuple[int, int] | None:
    """("30 to 40" | "between 30 and 40" | "30-40" | "two or three") -> (low, high), else None."""
    for opener in lex.range_openers:
        if text.startswith(opener + " "):
            text = text[len(opener) + 1:]
            break
    for sep in lex.range_separators:
        left, found, right = text.partition(sep)
        if not found:
            continue
        low, high = _whole(left.strip(), lex), _whole(right.strip(), lex)
        # "one hundred and fifty" and "twenty-three" split too, but their parts do not rise.
        if low is not None and high is not None and low < high:
            return low, high
    return None


def parse_number(text: str) -> tuple[int | None, int | None, int | None, str | None]:
    """(n, low, high, qualifier) of a quantity phrase ("at least 23", "30 to 40", "dozens of").

    n is the best single figure (the low end of a range), None for vague counts ("dozens"),
    whose low is the lowest figure the words allow. All four are None when `text` is not a count.
    """
    lex = _lexicon()
    clean = re.sub(r"\s+", " ", text.lower().replace("\u2013", "-").replace("\u2014", "-")).strip(" .,;:")
    clean = re.sub(r"\s+of$", "", clean)
    rest, qualifier, bound = _strip_hedge(clean, lex)
    if rest in lex.vague:
        low, vague_qualifier = lex.vague[rest]
        return None, low, None, qualifier or vague_qualifier
    span = _range(rest, lex)
    if span is not None:
        return span[0], span[0], span[1], qualifier
    n = _whole(rest, lex)
    if n is None:
        return None, None, None, None
    if qualifier is None and rest in lex.fixed:
        qualifier = lex.fixed[rest][1]
    if bound == "low":
        return n, n, None, qualifier
    if bound == "high":
        return n, None, n, qualifier
    if bound == "approx":
        return n, None, None, qualifier
    return n, n, n, qualifier


# --- reading the parse ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Count:
    n: int | None
    low: int | None
    high: int | None
    qualifier: str | None
    first: int  # doc token span of the quantity phrase
    last: int


def _child(tok: Token, *deps: str) -> Token | None:
    """The first child of `tok` with the first of `deps` it has (deps in order of preference)."""
    for dep in deps:
        for child in tok.children:
            if child.dep_ == dep:
                return child
    return None


def _is_quantity(tok: Token, lex: _Lexicon) -> bool:
    return tok.like_num or tok.lower_ in lex.quantity_words


def _is_year(tok: Token) -> bool:
    return tok.text.isdigit() and len(tok.text) == 4 and int(tok.text) in _YEAR_RANGE


def _count(first: int, last: int, doc: Doc, lex: _Lexicon) -> _Count | None:
    """The count written in doc[first:last + 1], taking in an article just before it ("a few")."""
    if first > 0 and doc[first - 1].lower_ in ("a", "an") and doc[first].lower_ not in ("a", "an"):
        first -= 1
    n, low, high, qualifier = parse_number(doc[first:last + 1].text)
    if n is None and low is None:
        return None
    return _Count(n, low, high, qualifier, first, last)


def _modifier_count(noun: Token, lex: _Lexicon) -> _Count | None:
    """The count that modifies `noun`: "at least 23 [fighters]", "several [fighters]", "a dozen [others]"."""
    for child in noun.children:
        if child.i > noun.i:
            break
        if child.dep_ == "nummod" or (child.dep_ in ("amod", "det", "quantmod") and child.lower_ in lex.quantity_words):
            # A misparse can hang a dateline on the number ("KABUL - Three [civilians]"): then
            # the number alone is the count.
            return (_count(child.left_edge.i, child.right_edge.i, noun.doc, lex)
                    or _count(child.i, child.right_edge.i, noun.doc, lex))
    return None


def _is_person(noun: Token, counted: bool, lex: _Lexicon) -> bool:
    lemma = noun.lemma_.lower()
    if lemma in lex.person_nouns or noun.lower_ in lex.person_nouns:
        return True
    if noun.ent_type_ in lex.person_entities:
        return True
    # "30 Taliban" names people; a bare organisation ("captured the airport") does not.
    return counted and noun.pos_ == "PROPN" and noun.ent_type_ == "ORG"


def _negated(tok: Token, lex: _Lexicon) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ in lex.negators) for c in tok.children)


@dataclass(frozen=True, slots=True)
class _Victim:
    count: _Count | None
    noun: Token | None  # head of the victim noun phrase
    text: str
    first: int  # doc token span of the victim phrase (quantity included)
    last: int


def _noun_text(noun: Token, skip: set[int]) -> str:
    """The victim phrase as written, without its count and article ("Taliban fighters")."""
    doc = noun.doc
    i = noun.left_edge.i
    while i < noun.i and (i in skip or doc[i].dep_ in ("det", "punct", "predet") or doc[i].pos_ == "PUNCT"):
        i += 1
    return doc[i:noun.i + 1].text


def _victim(arg: Token, lex: _Lexicon, *, people_only: bool) -> _Victim | None:
    """Read a casualty word's argument as a victim: a count, a noun, or both; None if it is neither."""
    doc = arg.doc
    if arg.lower_ in lex.negators or _negated(arg, lex):
        return None
    if arg.dep_ == "pobj" and arg.lower_ == "those" and arg.head.lower_ == "among":
        # "three civilians were among those killed"
        subject = _child(arg.head.head, *_SUBJECT_DEPS)
        if subject is None:
            return None
        arg = subject
    if _is_quantity(arg, lex) and not (arg.lower_ == "number" and not _child(arg, "det")):
        # The argument is the count itself: "killed 12", "lost 40 of their forces", "dozens of its fighters".
        if arg.ent_type_ in _NON_COUNT_ENTS or _is_year(arg):
            return None
        count = _count(arg.left_edge.i, arg.i, doc, lex)
        if count is None:
            return None
        of = next((c for c in arg.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        noun = _child(of, "pobj") if of is not None else None
        if noun is not None:
            if noun.lemma_.lower() in lex.non_person_nouns or (people_only and not _is_person(noun, True, lex)):
                return None
            return _Victim(count, noun, doc[of.i:noun.i + 1].text, count.first, noun.i)
        if people_only:
            return None
        return _Victim(count, None, "", count.first, arg.i)
    if arg.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    lemma = arg.lemma_.lower()
    if lemma in lex.non_person_nouns:
        return None
    count = _modifier_count(arg, lex)
    if people_only and not _is_person(arg, count is not None, lex):
        return None
    skip = set(range(count.first, count.last + 1)) if count else set()
    first = min(count.first if count else arg.i, arg.left_edge.i)
    if count is None and _is_singular(arg, lex):
        count = _Count(1, 1, 1, None, arg.i, arg.i)
    return _Victim(count, arg, _noun_text(arg, skip), first, arg.i)


def _is_singular(noun: Token, lex: _Lexicon) -> bool:
    """One person: "a soldier", "the commander", "Massoud", "he" (not "the Taliban", "the family")."""
    lemma = noun.lemma_.lower()
    if lemma in lex.person_singular_none or noun.lower_ in lex.person_singular_none:
        return False
    if noun.pos_ == "PRON":
        return noun.lower_ in lex.person_one
    if noun.pos_ == "PROPN":
        return noun.ent_type_ == "PERSON"
    return noun.tag_ == "NN"


def _is_passive_like(verb: Token) -> bool:
    """A participle read as passive: "were killed", "one killed", "20 wounded" (not "have killed")."""
    if _child(verb, "auxpass", "nsubjpass") is not None:
        return True
    has_perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
    return (verb.tag_ == "VBN" and not has_perfect) or verb.pos_ == "ADJ"


def _own_argument(verb: Token, lex: _Lexicon) -> Token | None:
    """The victim argument a casualty verb carries itself, before any borrowing."""
    lemma = verb.lemma_.lower()
    dobj = _child(verb, "dobj")
    if dobj is not None and dobj.lemma_.lower() in lex.life_objects:
        return _child(verb, *_SUBJECT_DEPS)  # "23 soldiers lost their lives"
    if lemma in lex.subject_verbs:
        return _child(verb, *_SUBJECT_DEPS)
    if dobj is not None:
        return dobj
    passive = _child(verb, "nsubjpass")
    if passive is not None:
        return passive
    if _is_passive_like(verb):
        subject = _child(verb, "nsubj", "nummod")
        if subject is not None:
            return subject
    return None


def _borrowed_argument(verb: Token, lex: _Lexicon) -> Token | None:
    """A victim the verb shares with the words it hangs on: "fighters killed in ...", "were badly wounded"."""
    if verb.dep_ in ("relcl", "acl") and verb.tag_ != "VBG":
        return verb.head
    if verb.dep_ in ("acomp", "oprd") and verb.head.pos_ in ("AUX", "VERB"):
        return _child(verb.head, "nsubjpass", "nsubj", "dobj")
    tok, hops = verb, 0
    while tok.dep_ == "conj" and hops < _MAX_CONJ_HOPS and (_is_passive_like(verb) or verb.lemma_.lower() in lex.subject_verbs):
        tok, hops = tok.head, hops + 1
        if _anchor_kind(tok, lex) is not None and tok.pos_ in ("VERB", "ADJ"):
            arg = _own_argument(tok, lex)
            if arg is not None:
                return arg
    return None


def _is_state(tok: Token, lex: _Lexicon) -> bool:
    """A toll stated by an adjective: "dead", or "wounded" tagged as one (the tagger also says ADV, NOUN)."""
    return tok.lower_ in lex.states and tok.pos_ in ("ADJ", "ADV", "NOUN") and tok.lemma_.lower() not in lex.verbs


def _anchor_kind(tok: Token, lex: _Lexicon) -> str | None:
    if _is_state(tok, lex):
        return lex.states[tok.lower_]
    if tok.pos_ in ("VERB", "ADJ"):
        kind = lex.verbs.get(tok.lemma_.lower())
        # "lost" or "captured" as adjectives ("lost ground", "captured weapons") count nobody.
        if kind is not None and (tok.pos_ == "VERB" or tok.lemma_.lower() not in lex.people_verbs):
            return kind
    return None


def _make(
    kind: str,
    victim: _Victim | None,
    count: _Count | None,
    anchors: list[Token],
    doc: Doc,
    *,
    qualifier: str | None = None,
) -> Toll:
    first = min([a.i for a in anchors] + ([victim.first] if victim else []) + ([count.first] if count else []))
    last = max([a.i for a in anchors] + ([victim.last] if victim else []) + ([count.last] if count else []))
    n, low, high = (count.n, count.low, count.high) if count else (None, None, None)
    qualifier = count.qualifier if count else qualifier
    return Toll(
        kind=kind,
        n=n,
        low=low,
        high=high,
        qualifier=qualifier,
        victim_text=victim.text if victim else "",
        victim_i=victim.noun.i if victim and victim.noun is not None else None,
        start=doc[first].idx,
        end=doc[last].idx + len(doc[last]),
        estimated=n is None and kind in _ESTIMATED_KINDS,
    )


def _partner(verb: Token, kind: str, lex: _Lexicon) -> Token | None:
    """The conjoined wound/kill verb of "killing and wounding", "killed or wounded", if any."""
    # "killed or wounded", "killed, injured or captured": one figure for several fates
    others = {"killed": ("wounded", "captured"), "wounded": ("killed", "captured"),
              "captured": ("killed", "wounded")}.get(kind)
    if others is None:
        return None
    # the parser hangs a listed participle on the first as a clause of its own at times
    listed = [c for c in verb.children if c.dep_ == "advcl" and c.tag_ == "VBN"
              and not any(g.dep_.startswith("nsubj") or g.dep_ == "mark" for g in c.children)]
    for conj in [*verb.conjuncts, *listed, *(x for c in listed for x in c.conjuncts)]:
        if _anchor_kind(conj, lex) in others and conj.pos_ in ("VERB", "ADJ"):
            if any(c.lower_ in _OTHERS_WORDS for c in conj.subtree):
                continue  # "32 were killed and many more wounded": two figures, not one
            return conj
    return None


# Words by which a second fate counts other people ("and many more wounded", "and others injured").
_OTHERS_WORDS = frozenset({"more", "others", "other", "dozens", "scores", "hundreds"})


def _verb_toll(verb: Token, kind: str, lex: _Lexicon, used: set[int]) -> Toll | None:
    doc = verb.doc
    anchors = [verb]
    partner = _partner(verb, kind, lex)
    arg = _own_argument(verb, lex)
    if partner is not None:
        partner_arg = _own_argument(partner, lex)
        if (arg is None) != (partner_arg is None):
            # One figure for both: "killing and wounding 30 civilians", "killed or wounded 26".
            kind, arg = "killed_or_wounded", arg or partner_arg
            anchors.append(partner)
            used.add(partner.i)
    dobj = _child(verb, "dobj")
    if dobj is not None and verb.lemma_.lower() in lex.subject_verbs:
        return None  # "surrendered 200 weapons" hands over things, not people
    if dobj is not None and dobj.lemma_.lower() in lex.life_objects:
        anchors.append(dobj)  # "lost their lives"
    if arg is None:
        arg = _borrowed_argument(verb, lex)
    if arg is None or _negated(verb, lex):
        return None
    if arg.lower_ in _RELATIVE_WORDS and verb.dep_ == "relcl":
        arg = verb.head  # "40 fighters who were killed"
    people_only = kind in _PEOPLE_ONLY_KINDS or verb.lemma_.lower() in lex.people_verbs
    victim = _victim(arg, lex, people_only=people_only)
    if victim is None:
        return None
    return _make(kind, victim, victim.count, anchors, doc)


def _state_toll(word: Token, kind: str, lex: _Lexicon) -> Toll | None:
    """ "17 dead", "left 12 people dead", "were found dead", "shot two guards dead"."""
    doc = word.doc
    own = _child(word, "nummod")
    if own is not None:
        count = _count(own.left_edge.i, own.right_edge.i, doc, lex)
        return _make(kind, None, count, [word], doc) if count else None
    # "claimed [at least 23 Taliban] dead": a small clause (the tagger may call it a compound)
    own_subject = _child(word, "nsubj") or next(
        (c for c in word.children if c.dep_ == "compound" and c.i < word.i
         and any(t.like_num for t in c.subtree)), None)
    if own_subject is not None:
        arg = own_subject
    elif word.dep_ == "amod":
        arg = word.head
    elif word.dep_ in _STATE_DEPS and word.head.pos_ in ("VERB", "AUX"):
        arg = _child(word.head, "dobj", "nsubjpass", "nsubj")
    else:
        return None
    if arg is None or _negated(word.head, lex):
        return None
    victim = _victim(arg, lex, people_only=False)
    if victim is None:
        return None
    return _make(kind, victim, victim.count, [word], doc)


def _toll_noun_count(noun: Token, lex: _Lexicon) -> _Count | None:
    """The figure of "the death toll rose to 17", "a death toll of 17", "the toll stood at 17"."""
    doc = noun.doc
    candidates = []
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None:
        candidates.append(_child(of, "pobj"))
    verb = noun.head
    if noun.dep_ in ("nsubj", "dobj", "nsubjpass") and verb.pos_ in ("VERB", "AUX"):
        for child in verb.children:
            if child.dep_ in ("dobj", "attr") and child is not noun:
                candidates.append(child)
            elif child.dep_ == "prep" and child.lower_ in ("to", "at"):
                candidates.append(_child(child, "pobj"))
    for cand in candidates:
        if cand is None:
            continue
        if _is_quantity(cand, lex) and not _is_year(cand):
            return _count(cand.left_edge.i, cand.i, doc, lex)
        inner = _modifier_count(cand, lex)
        if inner is not None:
            return inner
    return None


def _side(tok: Token) -> _Victim:
    """A victim named without a count of its own: "the enemy suffered ...", "... on the Taliban"."""
    return _Victim(None, tok, _noun_text(tok, set()), tok.left_edge.i, tok.i)


def _noun_victim(noun: Token, verb: Token, lex: _Lexicon) -> tuple[_Victim | None, bool]:
    """Whose toll a casualty noun reports, and whether the victim phrase carries the count.

    "the deaths of 12 soldiers" (counted), "casualties among civilians", "inflicted heavy
    casualties on the Taliban", "the enemy suffered heavy casualties".
    """
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    pobj = _child(of, "pobj") if of is not None else None
    if pobj is not None:
        victim = _victim(pobj, lex, people_only=True)
        if victim is not None:
            return victim, True
    for holder in (noun, verb):
        for prep in holder.children:
            if prep.dep_ == "prep" and prep.lower_ in ("among", "on"):
                pobj = _child(prep, "pobj")
                if pobj is not None:
                    return _side(pobj), False
    if noun.dep_ == "dobj" and noun.lemma_.lower() in lex.estimate_nouns and verb.lemma_.lower() in lex.suffer_verbs:
        subject = _child(verb, "nsubj")
        if subject is not None:
            return _side(subject), False
    return None, False


def _noun_toll(noun: Token, kind: str, lex: _Lexicon) -> Toll | None:
    """ "30 casualties", "the deaths of 12 soldiers", "suffered heavy casualties", "the death toll rose to 17"."""
    doc = noun.doc
    lemma = noun.lemma_.lower()
    verb = noun.head
    if _negated(noun, lex):
        return None
    anchors = [noun, *(c for c in noun.children if c.dep_ == "compound")]
    if lemma == "toll":
        if noun.tag_ == "NNS" or _child(noun, "nummod") is not None:
            return None  # "three very different death tolls" counts tolls, not the dead
        count = _toll_noun_count(noun, lex)
        return _make(kind, None, count, anchors, doc) if count else None
    if lemma in lex.prisoner_nouns and verb.lemma_.lower() not in lex.prisoner_verbs:
        return None  # "30 prisoners were released" is no capture
    if lemma in lex.uncounted_nouns and noun.dep_ == "dobj":
        # "put the attackers' losses at 40 fighters": the figure is people, so it counts.
        at = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "at"), None)
        pobj = _child(at, "pobj") if at is not None else None
        people = _victim(pobj, lex, people_only=True) if pobj is not None else None
        if people is not None and people.count is not None:
            return _make(kind, people, people.count, anchors + [at], doc)
    victim, counted = _noun_victim(noun, verb, lex)
    count = _modifier_count(noun, lex)
    if count is None and counted and victim is not None:
        count = victim.count
    if count is not None:
        if lemma in lex.uncounted_nouns:
            return None  # a counted "losses" is as often money or ground as people
        return _make(kind, victim, count, anchors, doc)
    if lemma not in lex.estimate_nouns:
        return None
    heavy = next((c for c in noun.children if c.dep_ == "amod" and c.lower_ in lex.heavy_words), None)
    if heavy is None and verb.lemma_.lower() not in lex.suffer_verbs | lex.inflict_verbs:
        return None  # "casualties were reported" says nothing of whose or how many
    if heavy is not None:
        anchors.append(heavy)
    # ACLED codes reports of heavy casualties as fatalities, with the figure flagged as an estimate.
    return _make("killed", victim, None, anchors, doc, qualifier=HEAVY_QUALIFIER if heavy is not None else None)


def find_tolls(span: Span | Doc) -> list[Toll]:
    """Every casualty figure in `span`, in reading order, read off the dependency parse."""
    lex = _lexicon()
    doc = span.doc if isinstance(span, Span) else span
    tolls: list[Toll] = []
    used: set[int] = set()
    for tok in span:
        if tok.i in used:
            continue
        toll = None
        kind = _anchor_kind(tok, lex)
        if kind is not None:
            if _is_state(tok, lex):
                toll = _state_toll(tok, kind, lex)
            else:
                toll = _verb_toll(tok, kind, lex, used)
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in lex.nouns:
            toll = _noun_toll(tok, lex.nouns[tok.lemma_.lower()], lex)
        if toll is not None and not _cumulative(tok, lex) and not _remembered(tok, lex):
            tolls.append(toll)
    return sorted(tolls, key=lambda t: (t.start, t.end))


def _remembered(tok: Token, lex: _Lexicon) -> bool:
    """A death remembered, not told: "the third anniversary of the death of Mayimbu, a commander who
    was killed in 2022", "a vigil for the 40 killed"."""
    cur, hops = tok, 0
    while cur.head.i != cur.i and hops < 10:
        cur, hops = cur.head, hops + 1
        if cur.pos_ == "NOUN" and cur.lemma_.lower() in lex.remembered_nouns:
            return True
    return False


def _cumulative(tok: Token, lex: _Lexicon) -> bool:
    """A running total, not one incident's toll: "the war has killed 150,000 people since April
    2023", "killed so far this year", "in total, 62 policemen were killed"."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    for child in verb.children:
        if child.dep_ in ("prep", "mark") and child.lower_ in lex.cumulative_preps:
            return True
        if child.dep_ in ("nsubj", "nsubjpass") and child.lemma_.lower() in lex.cumulative_subjects:
            return True
    clause = " " + " ".join(t.lower_ for t in verb.subtree) + " "
    if any(f" {phrase} " in clause for phrase in lex.cumulative_phrases):
        return True
    for t in verb.subtree:
        # "in attacks since April", "in two separate attacks"
        if t.lower_ == "since" and t.dep_ == "prep" and t.head.lemma_.lower() in lex.cumulative_incident_nouns:
            return True
        if _many_incidents(t, lex):
            return True
    # "More than a dozen coordinated attacks took place ..., leaving at least seven dead"
    if verb.dep_ in ("advcl", "conj", "xcomp"):
        return any(c.dep_ in _SUBJECT_DEPS and _many_incidents(c, lex) for c in verb.head.children)
    return False


def _many_incidents(t: Token, lex: _Lexicon) -> bool:
    """A plural incident noun counted as many ("two separate attacks", "a dozen coordinated raids")."""
    return t.tag_ == "NNS" and t.lemma_.lower() in lex.cumulative_incident_nouns and any(
        c.lower_ in lex.cumulative_multi_words for c in t.subtree)
