"""Finding syndicated copies: near-duplicate articles and articles that share paragraphs (MinHash LSH)."""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from .records import CleanArticle, SyndicationGroup, content_hash

LOGGER = logging.getLogger(__name__)

__all__ = ["find_syndication", "paragraph_overlap", "DUPLICATE", "SHARED_PARAGRAPHS"]

# Pair kinds, as written in SyndicationGroup.pairs.
DUPLICATE = "duplicate"
SHARED_PARAGRAPHS = "shared-paragraphs"

# MinHash permutations: 128 gives a Jaccard estimate within about ±0.09 (1/sqrt(128)), the
# usual choice in datasketch's documentation and in trafilatura's near-duplicate filter.
NUM_PERM = 128
# Fixed seed: the same input gives the same hashes, hence the same groups, on every run.
SEED = 1
# Whole articles: word 5-gram shingles, the classic setting for near-duplicate web pages
# (Broder 1997 used word w-shingles with small w). Jaccard >= 0.5 on these means most of the
# text is the same word for word: syndicated copies with a changed intro or footer.
DOC_SHINGLE = 5
DUPLICATE_JACCARD = 0.5
# Passages: paragraphs (lines) of at least this many words; shorter lines are headings or
# datelines that many unrelated reports share.
MIN_PASSAGE_WORDS = 20
# A line longer than this is cut into passages of whole sentences of about PASSAGE_WORDS words,
# so a report flattened to one line still has paragraph-sized passages.
MAX_PASSAGE_WORDS = 150
PASSAGE_WORDS = 100
# Passages are compared on content-word bigrams (stop words dropped, number words as digits,
# plural -s cut), so light rewording ("5 helicopters" / "five helicopters", "an ambush" /
# "the ambush") still matches.
PASSAGE_SHINGLE = 2
# LSH over passages only proposes candidates; it is set low because a short passage inside a
# long one has a small Jaccard even when wholly contained. Each candidate is then checked exactly.
PASSAGE_CANDIDATE_JACCARD = 0.1
# Two passages are shared when this share of the smaller one's shingles is in the other.
# Measured on the seed reports: reworded copies of one story score 0.5 to 1.0, different
# stories on the same war at most 0.27; 0.4 sits between.
PASSAGE_CONTAINMENT = 0.4
# A passage needs this many shingles for its containment to mean anything.
MIN_PASSAGE_SHINGLES = 8

# Words left out of passage shingles: function words and reporting verbs that any two reports share.
STOP_WORDS = frozenset("""
a about after against also an and any are as at be been before being but by can could did do
does during for from had has have he her here his how i if in into is it its may might more
most much must no nor not of on one's or other our out over own said say says she should so
some such than that the their them then there these they this those through to told under
until up very was we were what when where which while who whom why will with would you your
stated according reportedly reported
""".split())
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12",
    "twenty": "20", "fifty": "50", "hundred": "100",
}

_WORD = re.compile(r"\w+")
_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def find_syndication(articles: Sequence[CleanArticle]) -> list[SyndicationGroup]:
    """Groups of near-duplicate articles or articles sharing paragraphs; singletons left out.

    Groups are the connected components of the pair graph. The result depends only on the set
    of articles (by id), not on their order; articles repeating an id count once.
    """
    unique = _unique_by_id(articles)
    pairs: dict[tuple[str, str], tuple[float, str]] = {}
    for a, b, score in _duplicate_pairs(unique):
        pairs[(a, b)] = (score, DUPLICATE)
    for a, b, score in _shared_passage_pairs(unique):
        pairs.setdefault((a, b), (score, SHARED_PARAGRAPHS))
    return _components(pairs)


def paragraph_overlap(a: CleanArticle | str, b: CleanArticle | str) -> float:
    """The largest share of one passage of `a` or `b` found in a passage of the other (0 to 1)."""
    passages_a = _passage_shingles(a if isinstance(a, str) else a.text)
    passages_b = _passage_shingles(b if isinstance(b, str) else b.text)
    return max((_containment(x, y) for x in passages_a for y in passages_b), default=0.0)


# --- pairs --------------------------------------------------------------------

def _unique_by_id(articles: Sequence[CleanArticle]) -> list[CleanArticle]:
    """One article per id (the one with the smallest content hash, so order does not matter)."""
    best: dict[str, CleanArticle] = {}
    for art in articles:
        kept = best.get(art.id)
        if kept is None or _text_hash(art) < _text_hash(kept):
            best[art.id] = art
    if len(best) < len(articles):
        LOGGER.warning("%d articles repeat an id already seen; each id is compared once",
                       len(articles) - len(best))
    return [best[key] for key in sorted(best)]


def _duplicate_pairs(articles: list[CleanArticle]) -> list[tuple[str, str, float]]:
    lsh = _lsh(DUPLICATE_JACCARD)
    hashes: dict[str, MinHash] = {}
    for art in articles:
        shingles = _shingles(_words(art.text), DOC_SHINGLE)
        if not shingles:
            continue
        hashes[art.id] = _minhash(shingles)
        lsh.insert(art.id, hashes[art.id])
    found = []
    for key in sorted(hashes):
        for other in lsh.query(hashes[key]):
            if other <= key:
                continue
            score = hashes[key].jaccard(hashes[other])
            if score >= DUPLICATE_JACCARD:
                found.append((key, other, round(score, 3)))
    return found


def _shared_passage_pairs(articles: list[CleanArticle]) -> list[tuple[str, str, float]]:
    lsh = _lsh(PASSAGE_CANDIDATE_JACCARD)
    shingles: dict[str, frozenset[tuple[str, ...]]] = {}
    hashes: dict[str, MinHash] = {}
    owner: dict[str, str] = {}
    for art in articles:
        for n, passage in enumerate(_passage_shingles(art.text)):
            key = f"{art.id}\x1f{n}"
            shingles[key], owner[key] = passage, art.id
            hashes[key] = _minhash(passage)
            lsh.insert(key, hashes[key])
    best: dict[tuple[str, str], float] = {}
    for key in sorted(hashes):
        for other in lsh.query(hashes[key]):
            a, b = owner[key], owner[other]
            if a >= b:
                continue
            score = _containment(shingles[key], shingles[other])
            if score >= PASSAGE_CONTAINMENT and score > best.get((a, b), 0.0):
                best[(a, b)] = score
    return [(a, b, round(score, 3)) for (a, b), score in sorted(best.items())]


def _components(pairs: dict[tuple[str, str], tuple[float, str]]) -> list[SyndicationGroup]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    members: dict[str, list[str]] = {}
    for node in parent:
        members.setdefault(find(node), []).append(node)
    groups = []
    for ids in members.values():
        ids = sorted(ids)
        inside = set(ids)
        group_pairs = tuple(sorted((a, b, score, kind) for (a, b), (score, kind) in pairs.items()
                                   if a in inside))
        groups.append(SyndicationGroup(group_id=content_hash(*ids), article_ids=tuple(ids), pairs=group_pairs))
    return sorted(groups, key=lambda group: group.article_ids)


# --- shingles -------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _content_words(text: str) -> list[str]:
    words = []
    for word in _words(text):
        word = NUMBER_WORDS.get(word, word)
        if word in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


def _shingles(words: list[str], size: int) -> frozenset[tuple[str, ...]]:
    if len(words) < size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def _passages(text: str) -> list[str]:
    """Lines of at least MIN_PASSAGE_WORDS words; very long lines cut into sentence groups."""
    passages = []
    for line in _LINE.findall(text):
        count = len(_words(line))
        if count < MIN_PASSAGE_WORDS:
            continue
        if count <= MAX_PASSAGE_WORDS:
            passages.append(line)
            continue
        chunk: list[str] = []
        size = 0
        for sentence in _SENTENCE_END.split(line):
            chunk.append(sentence)
            size += len(_words(sentence))
            if size >= PASSAGE_WORDS:
                passages.append(" ".join(chunk))
                chunk, size = [], 0
        if size >= MIN_PASSAGE_WORDS:
            passages.append(" ".join(chunk))
    return passages


def _passage_shingles(text: str) -> list[frozenset[tuple[str, ...]]]:
    found = []
    for passage in _passages(text):
        shingles = _shingles(_content_words(passage), PASSAGE_SHINGLE)
        if len(shingles) >= MIN_PASSAGE_SHINGLES:
            found.append(shingles)
    return found


def _containment(x: frozenset, y: frozenset) -> float:
    smaller = min(len(x), len(y))
    return len(x & y) / smaller if smaller else 0.0


def _lsh(threshold: float) -> MinHashLSH:
    """An empty LSH index for `threshold` (its band layout, slow to work out, is computed once)."""
    bands, rows = _band_layout(threshold)
    return MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))


@functools.cache
def _band_layout(threshold: float) -> tuple[int, int]:
    probe = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return probe.b, probe.r


def _minhash(shingles: frozenset[tuple[str, ...]]) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=SEED)
    mh.update_batch([" ".join(shingle).encode("utf-8") for shingle in sorted(shingles)])
    return mh


def _text_hash(art: CleanArticle) -> str:
    return content_hash(art.text)
