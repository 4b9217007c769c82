"""Finding syndicated copies: near-duplicates, shared paragraphs and word-swapped rewrites (MinHash LSH)."""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from datasketch import MinHash, MinHashLSH

from .records import CleanArticle, SyndicationGroup, content_hash

LOGGER = logging.getLogger(__name__)

__all__ = ["find_syndication", "paragraph_overlap", "connected", "DUPLICATE", "SHARED_PARAGRAPHS", "REWRITE"]

# Pair kinds, as written in SyndicationGroup.pairs.
DUPLICATE = "duplicate"
SHARED_PARAGRAPHS = "shared-paragraphs"
# The same names and numbers in the same order: a wire rewrite or a spun copy, one story whatever
# its score (the larger of its skeleton and paragraph overlaps).
REWRITE = "rewrite"

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

# Stock text: a passage, or a sentence of at least MIN_STOCK_SENTENCE_WORDS words, that two
# stories of one outlet carry, or that BOILERPLATE_STORIES different stories carry, is the site's or
# the wire's boilerplate (a paragraph about a group, a newsletter appeal, a dateline): it never
# makes two reports copies, and is left out of their skeletons.
# Two stories, not two pages: pages that are near-duplicates or share most of their passages
# (STORY_PASSAGES of them and at least STORY_PASSAGE_SHARE of the shorter one's) are one story, so
# a wire story carried by many outlets is not boilerplate. Four stories: on the dev pages a
# statement quoted word for word by three reports of one event is news, not stock text.
BOILERPLATE_STORIES = 4
STORY_PASSAGES = 2
STORY_PASSAGE_SHARE = 0.5
MIN_STOCK_SENTENCE_WORDS = 4
# Stock text is repeated word for word: a passage carries another when this share of the smaller
# one is in the other (sentences must match exactly). Looser matches (0.4-0.6) are an outlet's
# template retold for a new event, or a background paragraph paraphrased: not stock (and too weak
# to make two reports one story).
STOCK_CONTAINMENT = 0.8
# Rewrites: spinners swap words for synonyms ("killed" -> "slew", "stormed back to power" ->
# "stormed again to energy") but keep the names and numbers and their order. An article's
# skeleton is that sequence (numbers, capitalised names, acronyms), stock text left out, shingled
# in 3-grams. On the dev pages (bench/copies_dev.py) spun copies and wire rewrites share 0.72-0.88
# of the smaller skeleton, independent reports of one event at most 0.36, reports of different
# events at most 0.25 (2-grams separate less: 0.80 against 0.43); 0.6 sits between.
SKELETON_SHINGLE = 3
REWRITE_CONTAINMENT = 0.6
# A copy keeps its figures: REWRITE_NUMBERS of the numbers of the skeleton with fewer of them must
# be in the other. This tells a spun copy from the same outlet's template retold a week later
# with other tolls (the merge stress set: "killing eight Taliban" / "killing six Taliban").
REWRITE_NUMBERS = 0.8
# Candidates come from LSH at a low Jaccard (a skeleton half-contained in one three times its
# size has a Jaccard of about 0.14); each candidate is then checked exactly.
SKELETON_CANDIDATE_JACCARD = 0.12
# Fewer skeleton shingles than this says nothing; without numbers to compare, a skeleton needs
# more (reports generated from one lead template, bench/corpus.py, share 8-12 shingles of names).
MIN_SKELETON_SHINGLES = 8
MIN_SKELETON_SHINGLES_WITHOUT_NUMBERS = 20

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
# Skeleton tokens: dotted acronyms ("U.N."), then words and numbers with their inner separators ("6,000").
_DIGIT = re.compile(r"\d")
_SKELETON_TOKEN = re.compile(r"\b(?:[^\W\d_]\.){2,}|\w+(?:[.,:]\d+)*")


@dataclass(frozen=True, slots=True)
class _Unit:
    """A line of an article, or a sentence group cut from a long line; a passage when long enough."""

    text: str
    shingles: frozenset[tuple[str, ...]] | None  # content-word bigrams, for passages only


def find_syndication(articles: Sequence[CleanArticle]) -> list[SyndicationGroup]:
    """Groups of copies (near-duplicates, rewrites) or of articles sharing paragraphs; singletons left out.

    Groups are the connected components of the pair graph. The result depends only on the set
    of articles (by id), not on their order; articles repeating an id count once.
    """
    unique = _unique_by_id(articles)
    units = {art.id: _units(art.text) for art in unique}
    outlets = {art.id: _outlet(art) for art in unique}
    duplicates = _duplicate_pairs(unique)
    matches = _passage_matches(units)
    linked = _story_links(units, matches)
    story = connected(sorted(units), [(a, b) for a, b, _ in duplicates] + sorted(linked))
    stock = _boilerplate(outlets, story, matches)

    pairs: dict[tuple[str, str], tuple[float, str]] = {}
    for a, b, score in duplicates:
        pairs[(a, b)] = (score, DUPLICATE)
    shared: dict[tuple[str, str], float] = {}
    for (a, i), (b, j), score in matches:
        if ((a, b) in linked or ((a, i) not in stock and (b, j) not in stock)) and score > shared.get((a, b), 0.0):
            shared[(a, b)] = score
    for a, b, score in _rewrite_pairs(units, stock, outlets, story):
        if (a, b) not in pairs:  # a rewrite's score: the larger of its skeleton and paragraph overlaps
            pairs[(a, b)] = (round(max(score, shared.get((a, b), 0.0)), 3), REWRITE)
    for (a, b), score in shared.items():
        pairs.setdefault((a, b), (round(score, 3), SHARED_PARAGRAPHS))
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


_Key = tuple[str, int]  # (article id, unit number)


def _passage_matches(units: dict[str, list[_Unit]]) -> list[tuple[_Key, _Key, float]]:
    """Passages of two different articles of which PASSAGE_CONTAINMENT of the smaller is in the other.

    Each match is written once, the article with the smaller id first.
    """
    lsh = _lsh(PASSAGE_CANDIDATE_JACCARD)
    hashes: dict[_Key, MinHash] = {}
    for aid in sorted(units):
        for n, unit in enumerate(units[aid]):
            if unit.shingles is not None:
                hashes[(aid, n)] = _minhash(unit.shingles)
                lsh.insert((aid, n), hashes[(aid, n)])
    found = []
    for key in sorted(hashes):
        for other in sorted(lsh.query(hashes[key])):
            if key[0] >= other[0]:
                continue
            score = _containment(units[key[0]][key[1]].shingles, units[other[0]][other[1]].shingles)
            if score >= PASSAGE_CONTAINMENT:
                found.append((key, other, score))
    return found


def _story_links(units: dict[str, list[_Unit]], matches: list[tuple[_Key, _Key, float]]) -> set[tuple[str, str]]:
    """Pairs of articles that share most of their passages: one story, whatever those passages are."""
    matched: dict[tuple[str, str], tuple[set[int], set[int]]] = {}
    for (a, i), (b, j), _ in matches:
        left, right = matched.setdefault((a, b), (set(), set()))
        left.add(i)
        right.add(j)
    linked = set()
    for (a, b), (left, right) in matched.items():
        shared = min(len(left), len(right))
        shorter = min(_passage_count(units[a]), _passage_count(units[b]))
        if shared >= STORY_PASSAGES and shared >= STORY_PASSAGE_SHARE * shorter:
            linked.add((a, b))
    return linked


def connected(ids: list[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each id's component under `links` (union-find), named by its smallest id."""
    parent = {aid: aid for aid in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {aid: find(aid) for aid in ids}


def _boilerplate(outlets: dict[str, str | None], story: dict[str, str],
                 matches: list[tuple[_Key, _Key, float]]) -> set[_Key]:
    """The passages that are stock text (see _is_stock).

    A passage is carried by the articles of the passages it matches, not by their matches in
    turn, so that chains of loosely similar passages do not add up.
    """
    carriers: dict[_Key, set[str]] = {}
    for (a, i), (b, j), score in matches:
        if score < STOCK_CONTAINMENT:
            continue
        carriers.setdefault((a, i), {a}).add(b)
        carriers.setdefault((b, j), {b}).add(a)
    return {key for key, articles in carriers.items() if _is_stock(key[0], articles, outlets, story)}


def _is_stock(owner: str, articles: set[str], outlets: dict[str, str | None], story: dict[str, str]) -> bool:
    """Whether text of `owner` that `articles` carry is stock: two stories of its outlet carry it, or many stories."""
    if len({story[aid] for aid in articles}) >= BOILERPLATE_STORIES:
        return True
    outlet = outlets[owner]
    return outlet is not None and any(outlets[aid] == outlet and story[aid] != story[owner] for aid in articles)


def _rewrite_pairs(units: dict[str, list[_Unit]], stock: set[_Key], outlets: dict[str, str | None],
                   story: dict[str, str]) -> list[tuple[str, str, float]]:
    """Articles whose skeletons (names and numbers in order, stock text left out) mostly agree.

    Stock text here is the stock passages and the sentences (of MIN_STOCK_SENTENCE_WORDS words or more) that
    stock passages would be: found word for word in two stories of the outlet or in many stories.
    """
    sentences: dict[str, list[tuple[str, str | None]]] = {}
    carriers: dict[str, set[str]] = {}
    for aid in sorted(units):
        kept = sentences[aid] = []
        for n, unit in enumerate(units[aid]):
            if (aid, n) in stock:
                continue
            for sentence in _SENTENCE_END.split(unicodedata.normalize("NFKC", unit.text)):
                words = _WORD.findall(sentence.casefold())
                key = " ".join(words) if len(words) >= MIN_STOCK_SENTENCE_WORDS else None
                kept.append((sentence, key))
                if key is not None:
                    carriers.setdefault(key, set()).add(aid)
    lsh = _lsh(SKELETON_CANDIDATE_JACCARD)
    skeletons: dict[str, frozenset[tuple[str, ...]]] = {}
    numbers: dict[str, frozenset[str]] = {}
    hashes: dict[str, MinHash] = {}
    for aid, kept in sentences.items():
        text = [sentence for sentence, key in kept
                if key is None or len(carriers[key]) == 1 or not _is_stock(aid, carriers[key], outlets, story)]
        skeleton = _skeleton(text)
        shingles = _shingles(skeleton, SKELETON_SHINGLE)
        if len(shingles) < MIN_SKELETON_SHINGLES:
            continue
        skeletons[aid], hashes[aid] = shingles, _minhash(shingles)
        numbers[aid] = frozenset(word for word in skeleton if word[0].isdigit())
        lsh.insert(aid, hashes[aid])
    found = []
    for key in sorted(hashes):
        for other in sorted(lsh.query(hashes[key])):
            if other <= key:
                continue
            score = _containment(skeletons[key], skeletons[other])
            if score >= REWRITE_CONTAINMENT and _figures_agree(
                    numbers[key], numbers[other], min(len(skeletons[key]), len(skeletons[other]))):
                found.append((key, other, round(score, 3)))
    return found


def _figures_agree(x: frozenset[str], y: frozenset[str], size: int) -> bool:
    """Whether the numbers of the report with fewer of them are mostly in the other (a copy keeps its
    figures); a skeleton without numbers needs MIN_SKELETON_SHINGLES_WITHOUT_NUMBERS shingles."""
    if x and y:
        return _containment(x, y) >= REWRITE_NUMBERS
    return size >= MIN_SKELETON_SHINGLES_WITHOUT_NUMBERS


def _components(pairs: dict[tuple[str, str], tuple[float, str]]) -> list[SyndicationGroup]:
    story = connected(sorted({x for pair in pairs for x in pair}), pairs)
    members: dict[str, list[str]] = {}
    for node, root in story.items():
        members.setdefault(root, []).append(node)
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


def _pieces(line: str) -> list[str]:
    """A line, or the sentence groups of about PASSAGE_WORDS words a line longer than MAX_PASSAGE_WORDS is cut into."""
    if len(_words(line)) <= MAX_PASSAGE_WORDS:
        return [line]
    pieces, chunk, size = [], [], 0
    for sentence in _SENTENCE_END.split(line):
        chunk.append(sentence)
        size += len(_words(sentence))
        if size >= PASSAGE_WORDS:
            pieces.append(" ".join(chunk))
            chunk, size = [], 0
    if chunk:
        pieces.append(" ".join(chunk))
    return pieces


def _passages(text: str) -> list[str]:
    """Lines of at least MIN_PASSAGE_WORDS words; very long lines cut into sentence groups."""
    return [piece for line in _LINE.findall(text) for piece in _pieces(line)
            if len(_words(piece)) >= MIN_PASSAGE_WORDS]


def _passage_shingles(text: str) -> list[frozenset[tuple[str, ...]]]:
    found = []
    for passage in _passages(text):
        shingles = _shingles(_content_words(passage), PASSAGE_SHINGLE)
        if len(shingles) >= MIN_PASSAGE_SHINGLES:
            found.append(shingles)
    return found


def _units(text: str) -> list[_Unit]:
    """The article cut into lines (long lines into sentence groups), in order, each with its passage shingles."""
    units = []
    for line in _LINE.findall(text):
        for piece in _pieces(line):
            words = _words(piece)
            shingles = None
            if len(words) >= MIN_PASSAGE_WORDS:
                shingles = _shingles(_content_words(piece), PASSAGE_SHINGLE)
                if len(shingles) < MIN_PASSAGE_SHINGLES:
                    shingles = None
            units.append(_Unit(piece, shingles))
    return units


def _passage_count(units: list[_Unit]) -> int:
    return sum(unit.shingles is not None for unit in units)


def _skeleton(sentences: list[str]) -> list[str]:
    """The numbers, capitalised names and acronyms of `sentences`, in order: what a word spinner leaves alone.

    A capitalised word that opens a sentence counts only when it is an acronym or the text also
    capitalises it inside a sentence, so "Local sources said" adds nothing while "Rwanda has
    denied" does; in a Title Case or upper-case line only such words count. Numbers are written
    as digits ("six", "6"; "6,000", "6000").
    """
    tokenised = []
    for sentence in sentences:
        tokens = _SKELETON_TOKEN.findall(sentence)
        if tokens:
            tokenised.append((tokens, _title_case(tokens)))
    named = {token.casefold() for tokens, title in tokenised if not title
             for token in tokens[1:] if token[0].isupper()}
    skeleton = []
    for tokens, title in tokenised:
        for k, token in enumerate(tokens):
            if token.isalpha():
                if token[0].islower():
                    if token in NUMBER_WORDS:
                        skeleton.append(NUMBER_WORDS[token])
                    continue
                word = token.casefold()
                if word in NUMBER_WORDS:
                    skeleton.append(NUMBER_WORDS[word])
                elif word not in STOP_WORDS and (word in named or (not title and (k > 0 or _acronym(token)))):
                    skeleton.append(word)
            elif _DIGIT.search(token):
                skeleton.append(token.casefold().replace(",", ""))
            elif token[0].isupper() and (not title or token.casefold() in named):
                skeleton.append(token.casefold().replace(".", ""))  # U.N., U.S.
    return skeleton


def _acronym(token: str) -> bool:
    return "." in token or (len(token) > 1 and token.isupper())


def _title_case(tokens: list[str]) -> bool:
    """Whether most words of a sentence are capitalised (a headline), so capitals say nothing there."""
    words = [token for token in tokens if token[0].isalpha() and token.casefold() not in STOP_WORDS]
    return len(words) >= 3 and sum(token[0].isupper() for token in words) >= 0.6 * len(words)


def _outlet(art: CleanArticle) -> str | None:
    """The article's outlet as given, or else the host of its URL (without "www.")."""
    outlet = (art.article.outlet or "").strip().casefold()
    if outlet:
        return outlet
    try:
        host = urlsplit(art.article.url or "").hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


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


@functools.cache
def _template() -> MinHash:
    """The MinHash whose permutations every other shares (drawing them anew for each is slow)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED)


def _minhash(shingles: frozenset[tuple[str, ...]]) -> MinHash:
    template = _template()
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=template.permutations, scheme=template.scheme)
    mh.update_batch([" ".join(shingle).encode("utf-8") for shingle in sorted(shingles)])
    return mh


def _text_hash(art: CleanArticle) -> str:
    return content_hash(art.text)
