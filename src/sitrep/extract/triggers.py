"""Event typing: trigger words in a sentence, typed by ACLED sub-event type, and a snippet's main event."""
from __future__ import annotations

import collections
import functools
import json
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

LOGGER = logging.getLogger(__name__)

__all__ = ["Trigger", "classify_doc", "classify_texts", "event_types", "find_triggers", "NONE_CODE"]

# The label of a snippet that reports none of ACLED's 25 sub-event types.
NONE_CODE = "NONE"
# ACLED's event types and sub-event types, keyed by the CASE 2021 (ACLED sub-type) codes.
_EVENT_TYPES: dict[str, tuple[str, str]] = {
    "ARMED_CLASH": ("Battles", "Armed clash"),
    "GOV_REGAINS_TERIT": ("Battles", "Government regains territory"),
    "NON_STATE_ACTOR_OVERTAKES_TER": ("Battles", "Non-state actor overtakes territory"),
    "AIR_STRIKE": ("Explosions/Remote violence", "Air/drone strike"),
    "ART_MISS_ATTACK": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "REM_EXPLOS": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "GRENADE": ("Explosions/Remote violence", "Grenade"),
    "SUIC_BOMB": ("Explosions/Remote violence", "Suicide bomb"),
    "CHEM_WEAP": ("Explosions/Remote violence", "Chemical weapon"),
    "ATTACK": ("Violence against civilians", "Attack"),
    "ABDUCT_DISSAP": ("Violence against civilians", "Abduction/forced disappearance"),
    "SEX_VIOL": ("Violence against civilians", "Sexual violence"),
    "PEACE_PROTEST": ("Protests", "Peaceful protest"),
    "PROTEST_WITH_INTER": ("Protests", "Protest with intervention"),
    "FORCE_AGAINST_PROTEST": ("Protests", "Excessive force against protesters"),
    "VIOL_DEMONSTR": ("Riots", "Violent demonstration"),
    "MOB_VIOL": ("Riots", "Mob violence"),
    "AGREEMENT": ("Strategic developments", "Agreement"),
    "ARREST": ("Strategic developments", "Arrests"),
    "CHANGE_TO_GROUP_ACT": ("Strategic developments", "Change to group/activity"),
    "DISR_WEAP": ("Strategic developments", "Disrupted weapons use"),
    "HQ_ESTABLISHED": ("Strategic developments", "Headquarters or base established"),
    "PROPERTY_DISTRUCT": ("Strategic developments", "Looting/property destruction"),
    "NON_VIOL_TERRIT_TRANSFER": ("Strategic developments", "Non-violent transfer of territory"),
    "OTHER": ("Strategic developments", "Other"),
}
# Protest outcomes, from the one that beats the others down: ACLED codes a demonstration by
# what happened at it (protesters turning violent, a crowd attacking it, lethal or injurious
# force, an intervention such as tear gas or arrests), and a plain protest only when nothing did.
_PROTEST_LADDER = ("VIOL_DEMONSTR", "MOB_VIOL", "FORCE_AGAINST_PROTEST", "PROTEST_WITH_INTER", "PEACE_PROTEST")

# -- classify_doc tuning (set by hand on the project's own example sentences, then checked
#    against the CASE 2021 dev set, which is never used to fit a rule) -----------------------
# Below this best score a snippet reports none of the 25 sub-event types.
MIN_EVENT_SCORE = 0.4
# Each level of a code's priority (triggers.json "priority") adds this much to its score, so a
# specific trigger (suicide bomber) beats a generic one (attack) reported in the same breath.
PRIORITY_WEIGHT = 0.03
# A code reported by more than one trigger gains this much per extra trigger (at most two).
REPEAT_BONUS = 0.05
REPEAT_CAP = 2
# Snippets lead with their main event: later sentences count for less.
SENTENCE_WEIGHTS = (1.0, 0.8, 0.65)
# An irrealis trigger (threatened, planned) still hints at the snippet's topic, weakly.
IRREALIS_WEIGHT = 0.35
# A protest trigger decides a snippet for the protest ladder when its best score is at least
# this share of the best non-protest score.
PROTEST_SHARE = 0.75
# A trigger told as blame or a claim of responsibility ("claimed responsibility for the attack")
# or as background (in a relative clause, after "despite"/"since") is weaker evidence of the
# snippet's news.
ATTRIBUTION_WEIGHT = 0.5
BACKGROUND_WEIGHT = 0.7
# A code takes in its parts (triggers.json "supersedes") only when it is reported at least this
# strongly relative to the part: a side remark ("after overrunning the town") does not turn a
# clearly reported clash into a takeover.
SUPERSEDE_SHARE = 0.75
# All-caps text (headlines, wires) is tagged poorly: above this share of upper-case letters
# classify_texts recases it before parsing.
UPPER_SHARE = 0.8

# -- find_triggers constants --------------------------------------------------------------
_OBJ_DEPS = frozenset({"dobj", "obj", "nsubjpass", "oprd", "attr", "dative"})
_SUBJ_DEPS = frozenset({"nsubj", "csubj"})
_TARGET_PREPS = frozenset({"on", "at", "against", "into", "toward", "towards", "upon", "onto"})
_NOUN_ARG_PREPS = frozenset({"of"})
_MOD_DEPS = frozenset({"amod", "compound", "nmod", "advmod", "npadvmod", "poss", "nummod", "quantmod"})
_NOUN_POS = frozenset({"NOUN", "PROPN"})
_QUANTITY_HEADS = frozenset({
    "total", "number", "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "series", "string",
    "wave", "batch", "quantity", "lot", "kind", "pair", "set", "couple", "amount", "variety", "array",
    "range", "cache", "stash", "haul", "consignment", "cartload", "truckload", "box", "crate", "bag",
    "part", "parts", "most", "much", "some", "all", "rest", "remainder", "control", "swathe", "swath",
})
_HYPHENS = frozenset({"-", "–", "—"})
# A noun modifying another noun: "landmine" in "landmine explosion".
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
# Where a sentence is mostly upper case, POS tags are unreliable and are not checked.
_CAPS_SHARE = 0.6


# -- records --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Trigger:
    """A word that reports an event, typed by ACLED event and sub-event type."""

    i: int  # token index in the Doc of the trigger word (head of the phrase)
    start: int  # char offsets in the doc
    end: int
    text: str
    event_type: str  # ACLED name, e.g. "Battles"
    sub_event_type: str  # ACLED name, e.g. "Armed clash"
    code: str  # CASE code, e.g. "ARMED_CLASH"
    score: float  # confidence 0..1
    negated: bool  # "no fighting", "did not attack", "denied ... attack"
    irrealis: bool  # future/hypothetical/intended/called-for


def event_types() -> dict[str, tuple[str, str]]:
    """CASE code -> (ACLED event type, ACLED sub-event type), for the 25 sub-event types."""
    return dict(_EVENT_TYPES)


# -- the lexicon ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    subj: frozenset[str] | None = None
    target: frozenset[str] | None = None
    ctx: frozenset[str] | None = None
    mod: frozenset[str] | None = None
    gov: frozenset[str] | None = None
    lemma: frozenset[str] | None = None
    not_mod: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    score: float
    before: tuple[tuple[tuple[str, ...], ...], ...] = ()
    after: tuple[tuple[tuple[str, ...], ...], ...] = ()
    pos: frozenset[str] | None = None
    prt: str | None = None
    mod: frozenset[str] | None = None
    not_mod: frozenset[str] | None = None
    obj: frozenset[str] | None = None
    obj_optional: frozenset[str] | None = None
    not_obj: frozenset[str] | None = None
    no_obj: bool = False
    target: frozenset[str] | None = None
    subj: frozenset[str] | None = None
    not_subj: frozenset[str] | None = None
    subj_or_obj: frozenset[str] | None = None
    gov: frozenset[str] | None = None
    prep: frozenset[str] | None = None
    ctx: frozenset[str] | None = None
    not_ctx: frozenset[str] | None = None
    allow_compound: bool = False
    absorb: bool = False
    outcome: bool = False
    resolve: tuple[_Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class _Lexicon:
    index: dict[str, tuple[_Entry, ...]]
    priority: dict[str, int]
    supersedes: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Cues:
    max_hops: int
    neg_children: frozenset[str]
    neg_dets: frozenset[str]
    neg_governors: frozenset[str]
    neg_nouns: frozenset[str]
    neg_preps: frozenset[str]
    modals: frozenset[str]
    irr_governors: frozenset[str]
    irr_nouns: frozenset[str]
    irr_markers: frozenset[str]
    irr_xcomp: frozenset[str]
    hedged_tolls: frozenset[str]
    reporting: frozenset[str]
    attrib_governors: frozenset[str]
    attrib_nouns: frozenset[str]
    background_preps: frozenset[str]
    background_markers: frozenset[str]
    background_deps: frozenset[str]


def _read_data(name: str) -> dict:
    text = resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def _words(spec: str | list | None, classes: dict[str, frozenset[str]]) -> frozenset[str] | None:
    """A word set from 'a|b|@class' (or a list of such strings); None when absent."""
    if spec is None:
        return None
    parts = spec if isinstance(spec, list) else [spec]
    out: set[str] = set()
    for part in parts:
        for word in part.split("|"):
            word = word.strip().lower()
            if not word:
                continue
            if word.startswith("@"):
                out |= classes[word[1:]]
            else:
                out.add(word)
    return frozenset(out)


def _slots(spec: list[str] | None) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Phrase slots: each slot a tuple of alternatives, each alternative a word sequence."""
    if not spec:
        return ()
    return tuple(tuple(tuple(alt.lower().split()) for alt in slot.split("|")) for slot in spec)


def _compile_entry(raw: dict, classes: dict[str, frozenset[str]]) -> tuple[list[str], _Entry]:
    code = raw["code"]
    if code not in _EVENT_TYPES:
        raise ValueError(f"triggers.json: unknown code {code!r} in entry {raw}")
    words = functools.partial(_words, classes=classes)
    rules = []
    for rule in raw.get("resolve", ()):
        if rule["code"] not in _EVENT_TYPES and rule["code"] != NONE_CODE:
            raise ValueError(f"triggers.json: unknown code {rule['code']!r} in rule {rule}")
        rules.append(_Rule(code=rule["code"], subj=words(rule.get("subj")), target=words(rule.get("target")),
                           ctx=words(rule.get("ctx")), mod=words(rule.get("mod")), gov=words(rule.get("gov")),
                           lemma=words(rule.get("lemma")), not_mod=words(rule.get("not_mod"))))
    entry = _Entry(
        code=code, score=float(raw.get("score", 0.7)),
        before=_slots(raw.get("before")), after=_slots(raw.get("after")),
        pos=frozenset(raw["pos"].split("|")) if raw.get("pos") else None,
        prt=raw.get("prt"),
        mod=words(raw.get("mod")), not_mod=words(raw.get("not_mod")),
        obj=words(raw.get("obj")), obj_optional=words(raw.get("obj_optional")), not_obj=words(raw.get("not_obj")),
        no_obj=bool(raw.get("no_obj", False)),
        target=words(raw.get("target")), subj=words(raw.get("subj")), not_subj=words(raw.get("not_subj")),
        subj_or_obj=words(raw.get("subj_or_obj")), gov=words(raw.get("gov")), prep=words(raw.get("prep")),
        ctx=words(raw.get("ctx")), not_ctx=words(raw.get("not_ctx")),
        allow_compound=bool(raw.get("allow_compound", False)), absorb=bool(raw.get("absorb", False)),
        outcome=bool(raw.get("outcome", False)),
        resolve=tuple(rules),
    )
    keys = [w.strip().lower() for w in raw["lemma"].split("|") if w.strip()]
    return keys, entry


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The trigger lexicon (triggers.json), indexed by head lemma; loaded once."""
    data = _read_data("triggers.json")
    classes: dict[str, frozenset[str]] = {}
    for name, spec in data["classes"].items():
        classes[name] = _words(spec, classes) or frozenset()
    index: dict[str, list[_Entry]] = collections.defaultdict(list)
    for raw in data["entries"]:
        keys, entry = _compile_entry(raw, classes)
        for key in keys:
            index[key].append(entry)
    priority = {k: int(v) for k, v in data["priority"].items() if not k.startswith("_")}
    supersedes = {k: tuple(v) for k, v in data.get("supersedes", {}).items() if not k.startswith("_")}
    for code in [*priority, *supersedes, *(c for v in supersedes.values() for c in v)]:
        if code not in _EVENT_TYPES:
            raise ValueError(f"triggers.json: unknown code {code!r} in priority/supersedes")
    LOGGER.debug("trigger lexicon: %d head words, %d entries", len(index), len(data["entries"]))
    return _Lexicon(index={k: tuple(v) for k, v in index.items()}, priority=priority, supersedes=supersedes)


@functools.lru_cache(maxsize=1)
def _cues() -> _Cues:
    """Negation and irrealis cues (cues.json); loaded once."""
    data = _read_data("cues.json")
    neg, irr, att, bg = data["negation"], data["irrealis"], data["attribution"], data["background"]
    return _Cues(
        max_hops=int(data["max_hops"]),
        neg_children=frozenset(neg["neg_children"]), neg_dets=frozenset(neg["determiners"]),
        neg_governors=frozenset(neg["governors"]), neg_nouns=frozenset(neg["governor_nouns"]),
        neg_preps=frozenset(neg["prepositions"]),
        modals=frozenset(irr["modals"]), irr_governors=frozenset(irr["governors"]),
        irr_nouns=frozenset(irr["governor_nouns"]), irr_markers=frozenset(irr["markers"]), irr_xcomp=frozenset(irr.get("xcomp_governors", ())),
        hedged_tolls=frozenset(irr.get("hedged_tolls", ())),
        reporting=frozenset(irr["reporting"]),
        attrib_governors=frozenset(att["governors"]), attrib_nouns=frozenset(att["governor_nouns"]),
        background_preps=frozenset(bg["preps"]), background_markers=frozenset(bg["markers"]),
        background_deps=frozenset(bg["clause_deps"]),
    )


# -- token helpers --------------------------------------------------------------------------

def _forms(tok: Token) -> tuple[str, ...]:
    """The forms a lexicon word may match: lemma, lower-case text, and a naive singular."""
    low = tok.lower_
    lem = tok.lemma_.lower()
    if low.endswith("s") and len(low) > 3:
        return (lem, low, low[:-1])
    return (lem, low)


def _hit(tok: Token, words: frozenset[str]) -> bool:
    return any(f in words for f in _forms(tok))


def _expand(tokens: Iterable[Token]) -> list[Token]:
    """Argument heads with their conjuncts, compounds and modifiers, and the noun of an 'of' phrase
    after a quantity ('a cache of rifles', 'control of the town')."""
    out: list[Token] = []
    todo = list(tokens)
    seen: set[int] = set()
    while todo:
        tok = todo.pop()
        if tok.i in seen:
            continue
        seen.add(tok.i)
        out.append(tok)
        for child in tok.children:
            if child.dep_ in ("conj", "compound", "amod", "appos", "nmod"):
                todo.append(child)
            elif child.dep_ == "prep" and child.lower_ == "of" and (
                    tok.lemma_.lower() in _QUANTITY_HEADS or tok.pos_ == "NUM" or tok.like_num):
                todo.extend(c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "prep" and child.lower_ in ("including", "like"):
                todo.extend(c for c in child.children if c.dep_ == "pobj")
    return out


def _objects(tok: Token) -> list[Token]:
    """The object of a trigger: dobj, passive subject, the noun a participle modifies, an 'of' phrase."""
    heads = [c for c in tok.children if c.dep_ in _OBJ_DEPS]
    if tok.pos_ == "VERB" or tok.pos_ == "AUX":
        if tok.dep_ in ("acl", "relcl") and (tok.tag_ == "VBN" or any(c.dep_ == "nsubjpass" for c in tok.children)
                                             or tok.dep_ == "acl"):
            if tok.head.pos_ in _NOUN_POS or tok.head.pos_ == "PRON":
                heads.append(tok.head)
        # "rockets were fired" with the subject in a conjoined passive: inherit from the head verb.
        if not heads and tok.dep_ == "conj" and tok.head.pos_ == "VERB":
            heads.extend(c for c in tok.head.children if c.dep_ == "nsubjpass")
        # "recaptured Wad Madani, the capital city": a name right after a transitive verb that the
        # parser took for an adverbial is its object
        if not heads:
            heads.extend(c for c in tok.children if c.dep_ == "npadvmod" and c.pos_ == "PROPN" and c.i > tok.i)
    else:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in _NOUN_ARG_PREPS:
                heads.extend(c for c in child.children if c.dep_ == "pobj")
    return _expand(heads)


def _targets(tok: Token) -> list[Token]:
    """Objects and the nouns of on/at/against/into phrases ('attack on a checkpoint')."""
    heads = _objects(tok)
    for child in tok.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in _TARGET_PREPS:
            heads.extend(_expand(c for c in child.children if c.dep_ == "pobj"))
    if tok.dep_ == "pobj" and tok.head.lower_ in ("in",) and tok.head.head.pos_ == "VERB":
        # "civilians were killed in an attack": the victims of the verb are the attack's targets.
        verb = tok.head.head
        heads.extend(_expand(c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")))
    return heads


def _subjects(tok: Token, depth: int = 0) -> list[Token]:
    """Who does it: subject, 'by' agent, possessor, the subject of a light verb ('carried out
    an attack'), and for nouns the modifiers that name an actor ('Taliban attack')."""
    heads: list[Token] = []
    for child in tok.children:
        if child.dep_ in _SUBJ_DEPS:
            heads.append(child)
        elif child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            heads.extend(c for c in child.children if c.dep_ == "pobj")
        elif tok.pos_ in _NOUN_POS and child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < tok.i:
            heads.append(child)
    if heads and all(h.pos_ == "PRON" for h in heads) and depth < 2 and tok.dep_ in ("ccomp", "dobj"):
        # "the army confirmed it regained the town", "factions announced their merger": the
        # pronoun stands for the subject of the verb above.
        outer = _subjects(tok.head, depth + 1)
        if outer:
            return outer
    if not heads and depth < 2:
        if tok.dep_ in ("xcomp", "conj", "advcl", "dobj", "pcomp") and tok.head is not tok:
            heads = _subjects(tok.head, depth + 1)
        elif tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ == "VERB":
            # "killed in an attack by militants" has no agent; "carried out in" neither: stop.
            pass
        elif tok.dep_ in ("acl", "relcl") and tok.tag_ == "VBG":
            heads = [tok.head]
    return _expand(heads)


def _governor(tok: Token) -> Token | None:
    """The word that governs tok, looking through a preposition ('to the streets' -> 'take')."""
    head = tok.head
    if head is tok:
        return None
    if tok.dep_ == "pobj" and head.dep_ in ("prep", "agent") and head.head is not head:
        return head.head
    return head


def _governors(tok: Token) -> list[Token]:
    """The governor of tok, and up through conjuncts, appositions and 'of' phrases ('75kg of mines and
    grenades were discovered') the governors of the phrase it belongs to, up to its verb."""
    out: list[Token] = []
    cur = tok
    for _ in range(5):
        gov = _governor(cur)
        if gov is None:
            break
        out.append(gov)
        if gov.pos_ in ("VERB", "AUX"):
            break
        if cur.dep_ in ("conj", "appos", "compound", "nmod") or (cur.dep_ == "pobj" and cur.head.lower_ in ("of", "including", "like")):
            cur = gov
            continue
        if cur.dep_ in ("nsubjpass", "dobj", "nsubj", "pobj"):
            break
        cur = gov
    return out


def _modifiers(tok: Token, sent: Span) -> list[Token]:
    """The words of tok's own phrase that modify it: for nouns the words before it in the noun
    phrase, for verbs adverbs and particles."""
    if tok.pos_ in ("VERB", "AUX"):
        return [c for c in tok.children if c.dep_ in ("advmod", "npadvmod", "acomp", "prt")]
    lo = max(tok.left_edge.i, sent.start)
    mods = [t for t in tok.doc[lo:tok.i] if not t.is_punct or t.text in _HYPHENS]
    mods.extend(c for c in tok.children if c.dep_ in _MOD_DEPS and c.i > tok.i)
    return mods


def _match_slots(tok: Token, slots, step: int, lo: int, hi: int) -> int | None:
    """Match phrase slots outward from tok (step -1: before, +1: after); the far token index or None."""
    pos = tok.i
    doc = tok.doc
    for slot in (reversed(slots) if step < 0 else slots):
        matched = None
        for alt in slot:
            words = list(reversed(alt)) if step < 0 else list(alt)
            p = pos
            ok = True
            for word in words:
                p += step
                while lo <= p < hi and doc[p].text in _HYPHENS:
                    p += step
                if not (lo <= p < hi) or word not in _forms(doc[p]):
                    ok = False
                    break
            if ok:
                matched = p
                break
        if matched is None:
            return None
        pos = matched
    return pos


# -- find_triggers --------------------------------------------------------------------------

@dataclass(slots=True)
class _Hit:
    tok: Token
    lo: int
    hi: int
    entry: _Entry
    code: str
    score: float
    objects: tuple[int, ...]


class _SentCtx:
    """Per-sentence facts computed once: its word forms and whether it is shouted in capitals."""

    __slots__ = ("sent", "forms", "caps")

    def __init__(self, sent: Span) -> None:
        self.sent = sent
        forms: set[str] = set()
        letters = upper = 0
        for t in sent:
            forms.update(_forms(t))
            if t.is_alpha:
                letters += 1
                upper += t.is_upper
        self.forms = frozenset(forms)
        self.caps = letters > 3 and upper / letters >= _CAPS_SHARE


def _words_hit(tokens: list[Token], words: frozenset[str]) -> bool:
    return any(_hit(t, words) for t in tokens)


def _rule_holds(rule: _Rule, tok: Token, ctx: _SentCtx, subj: list[Token], targets: list[Token],
                mods: list[Token], gov: list[Token]) -> bool:
    if rule.lemma is not None and not _hit(tok, rule.lemma):
        return False
    if rule.subj is not None and not _words_hit(subj, rule.subj):
        return False
    if rule.target is not None and not _words_hit(targets, rule.target):
        return False
    if rule.ctx is not None and not (ctx.forms & rule.ctx):
        return False
    if rule.mod is not None and not _words_hit(mods, rule.mod):
        return False
    if rule.not_mod is not None and _words_hit(mods, rule.not_mod):
        return False
    if rule.gov is not None and not _words_hit(gov, rule.gov):
        return False
    return True


def _try_entry(tok: Token, entry: _Entry, ctx: _SentCtx) -> _Hit | None:
    """tok as a trigger of entry: the typed hit, or None when a constraint fails."""
    sent = ctx.sent
    if entry.pos is not None and not ctx.caps and tok.pos_ not in entry.pos:
        return None
    lo = hi = tok.i
    if entry.before:
        far = _match_slots(tok, entry.before, -1, sent.start, sent.end)
        if far is None:
            return None
        lo = far
    if entry.after:
        far = _match_slots(tok, entry.after, +1, sent.start, sent.end)
        if far is None:
            return None
        hi = far
    if entry.prt is not None:
        want = entry.prt
        if not any(c.dep_ == "prt" and c.lower_ == want for c in tok.children):
            nxt = tok.i + 1
            if not (nxt < sent.end and tok.doc[nxt].lower_ == want):
                return None
    if (not entry.allow_compound and tok.pos_ in _NOUN_POS and tok.dep_ in ("compound", "amod")
            and tok.head.pos_ in _NOUN_POS and not ctx.caps):
        return None
    if entry.ctx is not None and not (ctx.forms & entry.ctx):
        return None
    if entry.not_ctx is not None and (ctx.forms & entry.not_ctx):
        return None
    mods = _modifiers(tok, sent)
    if entry.mod is not None:
        required = [t for t in mods if _hit(t, entry.mod)]
        if not required:
            return None
        # The phrase reaches back to the modifier that makes it ("suicide bomber", "drone attack").
        nearest = max((t.i for t in required if t.i < tok.i), default=None)
        if nearest is not None and tok.i - nearest <= 3:
            lo = min(lo, nearest)
    if entry.not_mod is not None and _words_hit(mods, entry.not_mod):
        return None
    objects = _objects(tok)
    if entry.no_obj and any(c.dep_ in ("dobj", "obj") for c in tok.children):
        return None
    if entry.obj is not None and not _words_hit(objects, entry.obj):
        return None
    if entry.obj_optional is not None and objects and not _words_hit(objects, entry.obj_optional):
        return None
    if entry.not_obj is not None and _words_hit(objects[:1], entry.not_obj):
        return None
    needs_subj = (entry.subj is not None or entry.not_subj is not None or entry.subj_or_obj is not None
                  or any(r.subj is not None for r in entry.resolve))
    subj = _subjects(tok) if needs_subj else []
    if entry.subj is not None and not _words_hit(subj, entry.subj):
        return None
    if entry.not_subj is not None and _words_hit(subj[:1], entry.not_subj):
        return None
    if entry.subj_or_obj is not None and not _words_hit(subj + objects, entry.subj_or_obj):
        return None
    needs_targets = entry.target is not None or any(r.target is not None for r in entry.resolve)
    targets = _targets(tok) if needs_targets else objects
    if entry.target is not None and not _words_hit(targets, entry.target):
        return None
    if entry.prep is not None and not (tok.dep_ == "pobj" and tok.head.lower_ in entry.prep):
        return None
    gov = _governors(tok)
    if entry.gov is not None and not _words_hit(gov, entry.gov):
        return None
    code = entry.code
    for rule in entry.resolve:
        if _rule_holds(rule, tok, ctx, subj, targets, mods, gov):
            code = rule.code
            break
    if code == NONE_CODE:
        return None
    obj_ids: tuple[int, ...] = ()
    if entry.absorb:
        obj_ids = tuple(sorted({t.i for o in objects for t in o.subtree}))
    return _Hit(tok, lo, hi, entry, code, entry.score, obj_ids)


def _walk_up(tok: Token, cues: _Cues) -> Iterator[tuple[Token, str]]:
    """Ancestors of tok with the relation that led there, stopping at reporting verbs and
    relative clauses (what the clause says happened stays what it is)."""
    cur = tok
    for _ in range(cues.max_hops):
        head = cur.head
        if head is cur or cur.dep_ in ("relcl", "ROOT"):
            return
        yield head, cur.dep_
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in cues.reporting:
            return
        cur = head


def _is_negated(tok: Token, cues: _Cues) -> bool:
    for child in tok.children:
        if child.dep_ == "neg" and child.lower_ in cues.neg_children:
            return True
        if child.dep_ == "det" and child.lower_ in cues.neg_dets:
            return True
    verb_seen = noun_seen = False
    for head, rel in _walk_up(tok, cues):
        lemma = head.lemma_.lower()
        if rel == "pobj" and head.lower_ in cues.neg_preps:
            return True
        if lemma in cues.neg_governors and rel in ("dobj", "xcomp", "ccomp", "pcomp", "pobj", "prep", "nsubjpass"):
            return True
        if lemma in cues.neg_nouns:
            return True
        if head.pos_ in ("VERB", "AUX") and not verb_seen:
            verb_seen = True
            if rel in ("dobj", "xcomp", "nsubjpass", "nsubj", "conj") and any(
                    c.dep_ == "neg" and c.lower_ in cues.neg_children for c in head.children):
                return True
        if rel == "prep" and head.pos_ in _NOUN_POS and not noun_seen:
            # "no reports of fighting": only the first noun up the tree can negate it.
            noun_seen = True
            if any(c.dep_ == "det" and c.lower_ in cues.neg_dets for c in head.children):
                return True
    return False


_MODAL_RELS = frozenset({"dobj", "xcomp", "conj", "nsubj", "nsubjpass", "attr", "ccomp", "advcl", "acomp"})
_GOVERNOR_RELS = frozenset({"xcomp", "ccomp", "dobj", "pobj", "prep", "acl", "conj", "pcomp", "advcl", "nsubjpass"})


def _has_modal(tok: Token, cues: _Cues) -> bool:
    for child in tok.children:
        if child.dep_ in ("aux", "auxpass") and (child.lemma_.lower() in cues.modals or child.lower_ in cues.modals):
            return True
        if child.dep_ == "mark" and child.lower_ in cues.irr_markers:
            return True
    # "going to attack"
    return tok.dep_ == "xcomp" and tok.head.lower_ == "going"


def _hedges_toll(head: Token, cues: _Cues) -> bool:
    """A governor ("feared", "believed") whose predicate is a casualty word: it hedges a toll."""
    return head.pos_ == "VERB" and any(c.dep_ in ("oprd", "xcomp", "acomp") and c.lower_ in cues.hedged_tolls
                                       for c in head.children)


def _is_irrealis(tok: Token, cues: _Cues) -> bool:
    if _has_modal(tok, cues):
        return True
    if tok.dep_ in ("acl", "advcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) and not any(
            c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children):
        # A purpose: "an attack to capture the town", "launched an offensive to retake it".
        return True
    if tok.tag_ == "VBD":
        # A finite past verb tells what happened, whatever the clause above it says.
        return False
    modal_path = True
    for head, rel in _walk_up(tok, cues):
        lemma = head.lemma_.lower()
        if modal_path:
            if rel not in _MODAL_RELS:
                modal_path = False
            elif head.pos_ in ("VERB", "AUX", "ADJ") and _has_modal(head, cues):
                return True
        if rel == "xcomp" and lemma in cues.irr_xcomp:
            return True
        if lemma == "be" and any(c.dep_ in _SUBJ_DEPS and c.lemma_.lower() in cues.irr_nouns for c in head.children):
            # "its aim was to take the district"
            return True
        if rel in ("nsubj", "nsubjpass") and any(c.dep_ == "acomp" and c.lemma_.lower() in cues.irr_governors
                                                 for c in head.children):
            # "a settlement looked possible"
            return True
        if _hedges_toll(head, cues):
            # "150 villagers are feared dead in an attack": the toll is uncertain, the attack is not
            return False
        if rel in _GOVERNOR_RELS:
            if head.pos_ in ("VERB", "ADJ", "AUX") and lemma in cues.irr_governors:
                return True
            if head.pos_ in _NOUN_POS and lemma in cues.irr_nouns:
                return True
        if rel in ("prep",) and head.pos_ in ("VERB",) and lemma in cues.irr_governors:
            return True
        if head.tag_ == "VBD" and not _has_modal(head, cues):
            return False
    return False


def _sentence_triggers(sent: Span, lex: _Lexicon, cues: _Cues) -> list[Trigger]:
    ctx: _SentCtx | None = None
    hits: list[_Hit] = []
    index = lex.index
    for tok in sent:
        if tok.is_punct or tok.is_space or tok.like_num:
            continue
        entries: list[_Entry] = []
        seen: set[str] = set()
        for form in _forms(tok):
            if form in seen:
                continue
            seen.add(form)
            entries.extend(index.get(form, ()))
        if not entries:
            continue
        if tok.ent_type_ == "WORK_OF_ART":
            continue
        if ctx is None:
            ctx = _SentCtx(sent)
        # Title-case nouns inside a sentence are names ("The Battle of Algiers"), not events.
        if (tok.pos_ == "PROPN" and tok.is_title and tok.i > sent.start and not ctx.caps
                and tok.doc[tok.i - 1].is_title):
            continue
        best: _Hit | None = None
        for entry in dict.fromkeys(entries):
            hit = _try_entry(tok, entry, ctx)
            if hit is not None and (best is None or hit.score > best.score):
                best = hit
        if best is not None:
            hits.append(best)
    if not hits:
        return []
    return [_to_trigger(h, sent.doc, cues) for h in _one_per_event(hits)]


def _one_per_event(hits: list[_Hit]) -> list[_Hit]:
    """One event, one trigger: an absorbing trigger ("seized grenades") swallows the triggers in its
    object; of a trigger and its modifier ("landmine explosion") the stronger stays, as does the
    head of a same-typed pair ("set fire"); a toll verb ("killed") stays only when nothing else
    in the sentence names the event."""
    absorbed = {i for h in hits if h.entry.absorb for i in h.objects}
    by_i = {h.tok.i: h for h in hits}
    keep: list[_Hit] = []
    for h in hits:
        if h.tok.i in absorbed and not h.entry.absorb:
            continue
        head = by_i.get(h.tok.head.i) if h.tok.head is not h.tok else None
        if head is not None and h.tok.dep_ in _MODIFIER_DEPS and head.score >= h.score:
            continue
        keep.append(h)
    kept = {h.tok.i: h for h in keep}
    has_event = any(not h.entry.outcome for h in keep)
    final: list[_Hit] = []
    for h in keep:
        if h.entry.outcome and has_event:
            continue
        head = kept.get(h.tok.head.i)
        if (head is not None and head is not h and head.code == h.code and not head.entry.outcome
                and head.score >= h.score):
            continue
        if any(c.i in kept and c.dep_ in _MODIFIER_DEPS and kept[c.i].score > h.score for c in h.tok.children):
            continue
        final.append(h)
    return final


def _to_trigger(h: _Hit, doc: Doc, cues: _Cues) -> Trigger:
    event_type, sub_event_type = _EVENT_TYPES[h.code]
    span = doc[h.lo:h.hi + 1]
    return Trigger(
        i=h.tok.i, start=span.start_char, end=span.end_char, text=span.text,
        event_type=event_type, sub_event_type=sub_event_type, code=h.code, score=round(h.score, 3),
        negated=_is_negated(h.tok, cues), irrealis=_is_irrealis(h.tok, cues),
    )


def find_triggers(span: Span | Doc) -> list[Trigger]:
    """Event triggers in a sentence (or doc), each typed; uses lemmas, POS and the dependency parse, so
    "killed" in "killed in a car crash" or "a dozen meetings" or "the killing fields (film)" doesn't fire."""
    lex = _lexicon()
    cues = _cues()
    if isinstance(span, Doc):
        sents = list(span.sents) if span.has_annotation("SENT_START") else [span[:]]
    else:
        sents = [span]
    out: list[Trigger] = []
    for sent in sents:
        out.extend(_sentence_triggers(sent, lex, cues))
    return out


# -- classify_doc ---------------------------------------------------------------------------

def _sentence_weight(k: int) -> float:
    return SENTENCE_WEIGHTS[min(k, len(SENTENCE_WEIGHTS) - 1)]


def _framing_weight(tok: Token, cues: _Cues) -> float:
    """How much a trigger tells the snippet's news, from where it stands in the parse: 1 in a
    main clause, less as blame or a claim of responsibility, or as background."""
    weight = 1.0
    cur = tok
    for _ in range(cues.max_hops + 2):
        head = cur.head
        if head is cur:
            break
        lemma = head.lemma_.lower()
        if (head.pos_ in ("VERB", "AUX", "ADJ") and lemma in cues.attrib_governors) or (
                head.pos_ in _NOUN_POS and lemma in cues.attrib_nouns):
            return ATTRIBUTION_WEIGHT
        if cur.dep_ in cues.background_deps and head.pos_ in _NOUN_POS:
            weight = BACKGROUND_WEIGHT
        elif cur.dep_ == "pobj" and head.lower_ in cues.background_preps:
            weight = BACKGROUND_WEIGHT
        elif cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in cues.background_markers
                                         for c in cur.children):
            weight = BACKGROUND_WEIGHT
        cur = head
    return weight


def classify_doc(doc: Doc) -> str:
    """The CASE code of the main event a snippet reports, or "NONE" when it reports none of the 25 (crime, disasters, diplomacy, statements).
    Aggregates the triggers of the snippet with precedence rules (e.g. a suicide bomber beats explosion; protest + police tear gas -> PROTEST_WITH_INTER or FORCE_AGAINST_PROTEST per ACLED; an explosion by an IED beats attack; killing of civilians by armed men -> ATTACK; clashes -> ARMED_CLASH)."""
    lex = _lexicon()
    cues = _cues()
    best: dict[str, float] = collections.defaultdict(float)
    count: collections.Counter[str] = collections.Counter()
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    for k, sent in enumerate(sents):
        for trig in _sentence_triggers(sent, lex, cues):
            if trig.negated:
                continue
            w = trig.score * _sentence_weight(k) * (IRREALIS_WEIGHT if trig.irrealis else 1.0)
            w *= _framing_weight(doc[trig.i], cues)
            best[trig.code] = max(best[trig.code], w)
            count[trig.code] += 1
    if not best or max(best.values()) < MIN_EVENT_SCORE:
        return NONE_CODE
    # A code reported with its parts takes them in ("withdrew ... took control": a transfer).
    for code, parts in lex.supersedes.items():
        if best.get(code, 0.0) < MIN_EVENT_SCORE:
            continue
        for part in parts:
            if part in best and best[code] >= SUPERSEDE_SHARE * best[part]:
                best[code] = max(best[code], best.pop(part))
                count[code] += count.pop(part)
    final = {
        code: score + REPEAT_BONUS * min(count[code] - 1, REPEAT_CAP) + PRIORITY_WEIGHT * lex.priority.get(code, 0)
        for code, score in best.items() if score >= MIN_EVENT_SCORE * 0.5
    }
    top = max(final, key=lambda c: (final[c], lex.priority.get(c, 0)))
    protest = [c for c in _PROTEST_LADDER if best.get(c, 0.0) >= MIN_EVENT_SCORE]
    if protest == ["MOB_VIOL"] and top != "MOB_VIOL":
        # Mob violence is on the ladder for its place among the protest codes, not as a protest.
        protest = []
    if protest and top not in _PROTEST_LADDER:
        other = max(v for c, v in final.items() if c not in _PROTEST_LADDER)
        if max(final[c] for c in protest) >= PROTEST_SHARE * other:
            top = protest[0]
    elif protest:
        top = protest[0]
    return top


def _recase(text: str) -> str:
    """All-caps text in sentence case, so that the tagger sees ordinary words."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) >= UPPER_SHARE:
        low = text.lower()
        return low[:1].upper() + low[1:]
    return text


def classify_texts(texts: Iterable[str], nlp: Language | None = None, batch_size: int = 64) -> list[str]:
    """classify_doc over nlp.pipe(texts)."""
    if nlp is None:
        from ..nlp import load_pipeline

        nlp = load_pipeline()
    prepared = (_recase(t or "") for t in texts)
    return [classify_doc(doc) for doc in nlp.pipe(prepared, batch_size=batch_size)]
