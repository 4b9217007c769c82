"""Cleaning: boilerplate, headline and teaser out, text normalised, and every offset traced back."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.clean import clean_article
from sitrep.records import Article

STORY = ("Rebels shelled a depot near the fictional town of Quellin on Sunday.\n\n"
         "Local officials said six soldiers were wounded in the attack.")


def _clean(text: str, title: str | None = None):
    return clean_article(Article(id="t", text=text, title=title))


@pytest.mark.parametrize("footer", [
    "Follow Us on Facebook – @QuellinNews; Instagram – @QuellinNews",
    "Subscribe to get the latest posts sent to your email.",
    "Sign up for our daily newsletter",
    "Leave a Reply",
    "Advertisement",
    "Share this:",
    "BREAKING UPDATES ON OUR CHANNEL, JOIN NOW",
    "Discover more from Quellin Daily",
    "Read more: Rebels seize second depot",
    "© 2024 Quellin Daily Media",
    "Copyright 2023 Quellin Daily. All rights reserved.",
    "We use cookies to improve your experience on our site.",
])
def test_boilerplate_lines_are_dropped(footer):
    cleaned = _clean(f"{STORY}\n{footer}\n\nThe army did not comment.")
    assert cleaned.text == STORY + "\n\nThe army did not comment."
    assert cleaned.removed == (footer,)


def test_boilerplate_sentence_inside_prose_goes_alone():
    cleaned = _clean("Rebels shelled a depot on Sunday. Click here for the live map. Six soldiers were wounded.")
    assert cleaned.text == "Rebels shelled a depot on Sunday. Six soldiers were wounded."
    assert cleaned.removed == ("Click here for the live map.",)


def test_news_that_mentions_subscribing_is_kept():
    text = "The rebels refused to subscribe to the ceasefire terms offered on Monday."
    assert _clean(text).text == text


def test_repeated_headline_is_dropped():
    title = "Rebels shell depot near Quellin"
    cleaned = _clean(f"{title}\n\n{STORY}", title=title)
    assert cleaned.text == STORY
    assert cleaned.removed == (title,)
    # repeated as a first sentence on the same line
    cleaned = _clean(f"Rebels shell depot near Quellin. {STORY}", title=title)
    assert cleaned.text == STORY
    # not repeated: nothing goes
    assert _clean(STORY, title=title).text == STORY


def test_teaser_cut_with_ellipsis_is_dropped():
    for ellipsis in ("...", "…"):
        teaser = f"Rebels shelled a depot near the fictional town of Quellin on Sunday. Local officials said six{ellipsis}"
        cleaned = _clean(f"{teaser}\n\n{STORY}")
        assert cleaned.text == STORY
        assert cleaned.removed == (teaser,)


def test_ellipsis_line_that_is_not_a_teaser_is_kept():
    text = f"The commander said the offensive would continue...\n\n{STORY}"
    assert _clean(text).text == text


def test_whitespace_and_unicode_are_normalised():
    text = ("Rebels\u00a0shelled   a\u200b depot\u00ad near Quel\u00adlin.  \n  \n\n  Six\tsoldiers "
            "were ｗｏｕｎｄｅｄ.\r\nThe army\u2009did not comment.")
    cleaned = _clean(text)
    assert cleaned.text == ("Rebels shelled a depot near Quellin.\n\nSix soldiers were wounded.\n"
                            "The army did not comment.")


def test_paragraphs_and_lines_are_kept():
    text = "First line.\nSecond line.\n\n\n\nNew paragraph."
    assert _clean(text).text == "First line.\nSecond line.\n\nNew paragraph."


def test_removed_line_between_paragraphs_leaves_one_break():
    text = "Para one.\n\nAdvertisement\n\nPara two.\nJOIN NOW\nLine three."
    assert _clean(text).text == "Para one.\n\nPara two.\nLine three."


def test_offsets_point_into_the_original():
    text = " Advertisement\n\nRebels  shelled a depot.\nShare this:\nSix were wounded."
    cleaned = _clean(text)
    assert cleaned.text == "Rebels shelled a depot.\nSix were wounded."
    start = cleaned.text.index("Six")
    orig = cleaned.original_offset(start)
    assert text[orig:orig + 3] == "Six"
    end = cleaned.original_offset(len(cleaned.text))
    assert text[orig:end] == "Six were wounded."
    first_end = cleaned.original_offset(cleaned.text.index("\n"))
    assert text[cleaned.original_offset(0):first_end] == "Rebels  shelled a depot."


def test_empty_text_cleans_to_empty():
    cleaned = _clean("   \n\n ")
    assert cleaned.text == "" and cleaned.segments == ()


# --- property: every cleaned character comes from an original one -----------------------------

_PIECES = st.sampled_from([
    "Rebels", "shelled", "Quellin", "depot", ".", ",", " ", "  ", "\n", "\n\n", "\r\n", "\t",
    "\u00a0", "\u2009", "\u3000", "\u200b", "\u00ad", "\ufeff", "\u200d", "ﬁ", "…", "½", "ｗ", "“", "”",
    "e\u0301", "Advertisement", "\nJOIN NOW\n", "Click here to read.", "Follow us on Facebook",
    "Share this:", "...", "\x07",
])
_TEXTS = st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=200))


def _stands_for(clean_ch: str, original_ch: str) -> bool:
    if clean_ch.isspace():
        return original_ch.isspace()
    return clean_ch == original_ch or clean_ch in unicodedata.normalize("NFKC", original_ch)


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, title=st.one_of(st.none(), st.sampled_from(["Rebels", "Rebels shelled Quellin"])))
def test_every_cleaned_character_maps_back(text, title):
    cleaned = _clean(text, title=title)
    for i, ch in enumerate(cleaned.text):
        j = cleaned.original_offset(i)
        assert 0 <= j < len(text)
        assert _stands_for(ch, text[j]), (i, ch, j, text[j])
    # whitespace is folded: no runs left, at most one blank line, nothing at the ends
    assert "  " not in cleaned.text and "\n\n\n" not in cleaned.text
    assert cleaned.text == cleaned.text.strip()
    assert " \n" not in cleaned.text and "\n " not in cleaned.text


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS)
def test_cleaning_is_idempotent_on_its_own_output(text):
    once = _clean(text).text
    assert _clean(once).text == once
