"""Syndication: near-duplicates and shared paragraphs grouped, deterministically and order-free."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED
from sitrep.clean import clean_article
from sitrep.dedupe import DUPLICATE, SHARED_PARAGRAPHS, find_syndication, paragraph_overlap
from sitrep.ingest import read_articles
from sitrep.records import Article, CleanArticle, content_hash

SEEDS = SHARED / "corpus" / "seeds"

# Made-up words, so that paragraphs built from them share no phrases by chance.
_VOCAB = [f"{a}{b}{c}" for a in ("ka", "lo", "mu", "ne", "si", "tu") for b in ("ra", "vi", "zo", "pe", "du")
          for c in ("n", "m", "sh", "k", "l", "t", "rd", "x")]


def _paragraph(n: int, words: int = 40) -> str:
    rng = random.Random(n)
    return " ".join(rng.choice(_VOCAB) for _ in range(words)) + "."


PARAGRAPHS = [_paragraph(n) for n in range(16)]


def _art(article_id: str, *paragraphs: str) -> CleanArticle:
    return clean_article(Article(id=article_id, text="\n\n".join(paragraphs)))


def test_near_duplicate_articles_are_grouped():
    body = PARAGRAPHS[:6]
    copy = ["A syndicated copy with its own short introduction line here."] + body[:5] + [
        body[5].replace(".", " and one more clause.")]
    group, = find_syndication([_art("orig", *body), _art("copy", *copy), _art("other", *PARAGRAPHS[8:12])])
    assert group.article_ids == ("copy", "orig")
    assert group.group_id == content_hash("copy", "orig")
    [(a, b, score, kind)] = group.pairs
    assert (a, b, kind) == ("copy", "orig", DUPLICATE)
    assert 0.5 <= score <= 1.0


def test_two_shared_paragraphs_group_otherwise_different_articles():
    shared = PARAGRAPHS[0:2]
    first = _art("first", PARAGRAPHS[2], shared[0], PARAGRAPHS[3], shared[1], PARAGRAPHS[4])
    second = _art("second", PARAGRAPHS[5], PARAGRAPHS[6], shared[0], PARAGRAPHS[7], shared[1],
                  PARAGRAPHS[9], PARAGRAPHS[10])
    group, = find_syndication([first, second])
    assert group.article_ids == ("first", "second")
    assert group.pairs == (("first", "second", 1.0, SHARED_PARAGRAPHS),)
    assert paragraph_overlap(first, second) == 1.0


def test_reworded_paragraph_still_counts():
    para = ("Five helicopters flew to the Quellin valley and launched airstrikes against hideouts "
            "in the Ostra mountains, while defenders moved heavy weapons to the peaks.")
    reworded = ("It was reported that 5 helicopters were sent to the Quellin valley to launch airstrikes "
                "against the hideouts in the Ostra mountains; the defenders moved their heavy weapons "
                "onto the peaks in reply, one commander said.")
    assert paragraph_overlap(para, reworded) >= 0.4
    groups = find_syndication([_art("a", PARAGRAPHS[0], para), _art("b", reworded, PARAGRAPHS[1])])
    assert [g.article_ids for g in groups] == [("a", "b")]


def test_unrelated_short_and_empty_articles_are_not_grouped():
    arts = [_art(f"u{n}", PARAGRAPHS[2 * n], PARAGRAPHS[2 * n + 1]) for n in range(6)]
    arts.append(_art("tiny1", "Clashes in Quellin."))
    arts.append(_art("tiny2", "Clashes near Quellin."))  # too short to share a paragraph
    arts.append(_art("empty", ""))
    assert find_syndication(arts) == []
    assert paragraph_overlap(arts[0], arts[1]) < 0.4


def test_groups_are_connected_components():
    a = _art("a", PARAGRAPHS[0], PARAGRAPHS[1])
    b = _art("b", PARAGRAPHS[1], PARAGRAPHS[2])  # shares one with a
    c = _art("c", PARAGRAPHS[2], PARAGRAPHS[3])  # shares one with b, none with a
    d = _art("d", PARAGRAPHS[5], PARAGRAPHS[6])
    group, = find_syndication([c, d, a, b])
    assert group.article_ids == ("a", "b", "c")
    assert [pair[:2] for pair in group.pairs] == [("a", "b"), ("b", "c")]


# --- properties -------------------------------------------------------------------

_ARTICLES = st.lists(
    st.lists(st.integers(min_value=0, max_value=len(PARAGRAPHS) - 1), min_size=1, max_size=4),
    min_size=0, max_size=7,
).map(lambda specs: [_art(f"art{n}", *(PARAGRAPHS[i] for i in spec)) for n, spec in enumerate(specs)])


@settings(max_examples=60, deadline=None)
@given(arts=_ARTICLES, data=st.data())
def test_dedupe_is_order_insensitive(arts, data):
    shuffled = data.draw(st.permutations(arts))
    assert find_syndication(shuffled) == find_syndication(arts)


@settings(max_examples=60, deadline=None)
@given(arts=_ARTICLES)
def test_dedupe_is_idempotent(arts):
    groups = find_syndication(arts)
    assert find_syndication(arts) == groups
    assert find_syndication(arts + arts) == groups  # reading the same articles again adds nothing
    # each article appears in at most one group, and groups are never singletons
    members = [aid for group in groups for aid in group.article_ids]
    assert len(members) == len(set(members))
    assert all(len(group.article_ids) >= 2 for group in groups)
    # what is grouped is grouped again when only the members are given
    for group in groups:
        inside = [art for art in arts if art.id in group.article_ids]
        assert [g.article_ids for g in find_syndication(inside)] == [group.article_ids]


# --- the seed reports ----------------------------------------------------------------

@pytest.mark.shared
@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/corpus/seeds is not present")
def test_seed_reports_are_grouped_as_expected():
    cleaned = [clean_article(art) for art in read_articles([SEEDS])]
    by_prefix = {art.id[:3]: art.id for art in cleaned}
    groups = {group.article_ids for group in find_syndication(cleaned)}
    assert tuple(sorted((by_prefix["002"], by_prefix["004"]))) in groups
    assert tuple(sorted((by_prefix["000"], by_prefix["001"]))) in groups
    assert not any(by_prefix["003"] in ids for ids in groups)
    assert len(groups) == 2
