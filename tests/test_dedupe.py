"""Syndication: near-duplicates and shared paragraphs grouped, deterministically and order-free."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED
from sitrep.clean import clean_article
from sitrep.dedupe import (
    BOILERPLATE_STORIES,
    DUPLICATE,
    REWRITE,
    SHARED_PARAGRAPHS,
    find_syndication,
    paragraph_overlap,
)
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


# --- rewrites and stock text -------------------------------------------------------------

_STORY = (
    "Fighters of the Ostra Liberation Front stormed the town of Quellin on Tuesday, killing 14 soldiers "
    "and 3 farmers, the army spokesman Colonel Amadou Verrin said. The attack began at dawn when about "
    "200 fighters crossed the Mavri river from Sanbel district.",
    "Governor Lisette Konare said 2,500 residents fled to Dorvan, 40 kilometres to the south, and that "
    "the Red Cross had opened a camp there. The OLF said in a statement on Telegram that it now controls "
    "the Quellin garrison.",
    "The United Nations mission in Dorvan called for calm. The fighting is the worst in Kessa province "
    "since the OLF broke a truce in March 2023.",
)
# The same story through a word spinner: synonyms swapped word by word, names and numbers kept.
_SPUN = (
    "Combatants of the Ostra Liberation Front assaulted the city of Quellin on Tuesday, slaying 14 troopers "
    "plus 3 growers, the military representative Colonel Amadou Verrin stated. The offensive started at "
    "daybreak when roughly 200 combatants traversed the Mavri stream out of Sanbel area.",
    "Governor Lisette Konare mentioned 2,500 inhabitants escaped toward Dorvan, 40 km southward, and "
    "stated the Red Cross had launched a shelter over there. The OLF declared in a communique on Telegram "
    "that it presently manages the Quellin fort.",
    "The United Nations delegation at Dorvan pleaded for tranquillity. The preventing stands as the "
    "gravest within Kessa region ever since the OLF ruptured a ceasefire in March 2023.",
)
# Another event of the same war, told with the same names.
_OTHER_STORY = (
    "Colonel Amadou Verrin said on Friday that the army had retaken the Quellin garrison from the Ostra "
    "Liberation Front after 2 days of fighting in which 31 fighters and 5 soldiers died.",
    "Residents who had fled to Dorvan in March began to return, Governor Lisette Konare said, while the "
    "OLF withdrew towards the Mavri river and the hills of Sanbel district in Kessa province.",
    "The Red Cross said 9 wounded civilians were taken to the hospital in Dorvan on Saturday.",
)
# An outlet's stock paragraph about the group, appended to each of its reports.
_STOCK = ("About the conflict: the Ostra Liberation Front, founded in 2009 by Idris Malu in the hills of "
          "Kessa province, has fought the government of President Tarek Hollum for more than a decade; the "
          "United Nations says the war has displaced 1.2 million people since 2016.")


def _report(article_id: str, paragraphs: tuple[str, ...] | list[str], outlet: str | None = None) -> CleanArticle:
    return clean_article(Article(id=article_id, text="\n\n".join(paragraphs), outlet=outlet))


def test_spun_rewrite_is_one_story():
    assert paragraph_overlap("\n\n".join(_STORY), "\n\n".join(_SPUN)) < 0.4  # few shared words...
    group, = find_syndication([_report("wire", _STORY, "Wire"), _report("spun", _SPUN, "Spinner"),
                               _report("later", _OTHER_STORY, "Wire")])
    assert group.article_ids == ("spun", "wire")  # ...but the same names and numbers in the same order
    [(a, b, score, kind)] = group.pairs
    assert kind == REWRITE
    assert 0.6 <= score <= 1.0


def test_spun_copy_of_a_shortened_story_is_found():
    group, = find_syndication([_report("wire", _STORY), _report("spun", _SPUN[:2])])
    assert group.pairs[0][3] == REWRITE


def test_same_names_in_another_story_are_not_a_rewrite():
    assert find_syndication([_report("first", _STORY), _report("second", _OTHER_STORY)]) == []


def test_stories_sharing_only_an_outlets_stock_paragraph_are_not_copies():
    first = [*_STORY, _STOCK]
    second = [*_OTHER_STORY, _STOCK]
    assert find_syndication([_report("a", first, "Kessa Herald"), _report("b", second, "Kessa Herald")]) == []
    # the same two pages from two outlets: one quotes the other's paragraph, so they stay related
    group, = find_syndication([_report("a", first, "Kessa Herald"), _report("b", second, "Dorvan Post")])
    assert group.pairs == (("a", "b", 1.0, SHARED_PARAGRAPHS),)


def test_a_paragraph_many_stories_carry_is_stock_text():
    bodies = [PARAGRAPHS[2 * n: 2 * n + 2] for n in range(BOILERPLATE_STORIES)]
    arts = [_report(f"s{n}", [*body, _STOCK]) for n, body in enumerate(bodies)]
    assert find_syndication(arts) == []
    # but a wire story carried by as many outlets is one story, not stock text
    copies = [_report(f"c{n}", [*_STORY, PARAGRAPHS[n]], f"Outlet {n}") for n in range(BOILERPLATE_STORIES + 1)]
    group, = find_syndication(copies)
    assert len(group.article_ids) == BOILERPLATE_STORIES + 1


def test_one_outlet_republishing_its_story_is_one_story():
    first = _report("morning", [*_STORY, _STOCK], "Kessa Herald")
    update = _report("evening", [*_STORY, "Updated with the governor's figure.", _STOCK], "Kessa Herald")
    group, = find_syndication([first, update, _report("other", [*_OTHER_STORY, _STOCK], "Kessa Herald")])
    assert group.article_ids == ("evening", "morning")


def test_same_words_with_other_figures_are_not_a_rewrite():
    # the outlet's template retold for another day's attack: names in the same order, other tolls
    retold = [p.replace("14", "6").replace("3 growers", "2 growers").replace("200", "80")
              .replace("2,500", "900").replace("40 km", "25 km") for p in _SPUN]
    assert find_syndication([_report("wire", _STORY), _report("retold", retold)]) == []
