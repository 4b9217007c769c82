"""The first pass: which articles go to the full parse."""
from __future__ import annotations

import pytest

from conftest import EXAMPLES, SHARED

from sitrep.ingest import read_articles
from sitrep.nlp import DEFAULT_MODEL
from sitrep.prefilter import CUES, LOSSLESS, load_prefilter

pytestmark = pytest.mark.model

SPORT = ("Riverside United beat Granite FC 2-1 on Saturday with a late goal. The attacking midfielder "
         "was the best player on the pitch, the manager said.")


@pytest.fixture(scope="module")
def first_pass():
    return load_prefilter(DEFAULT_MODEL)


def test_every_example_and_seed_article_goes_to_the_parse(first_pass):
    paths = [EXAMPLES] + ([SHARED / "corpus" / "seeds"] if (SHARED / "corpus" / "seeds").exists() else [])
    articles = list(read_articles(paths))
    assert articles
    for art in articles:
        assert first_pass.is_candidate(art.text, mode=CUES), art.id
        assert first_pass.is_candidate(art.text, mode=LOSSLESS), art.id


def test_sport_with_one_figurative_word_is_not_parsed(first_pass):
    assert not first_pass.is_candidate(SPORT, mode=CUES)


@pytest.mark.parametrize("text", ["Taliban fighters entered the town.", "Two soldiers were killed.",
                                  "Police arrested six protesters in the capital.",
                                  "A roadside bomb exploded near the bazaar."])
def test_conflict_sentences_are_parsed(first_pass, text):
    assert first_pass.is_candidate(text, mode=CUES)


@pytest.mark.parametrize("word", ["fought", "fighting", "killed", "seized", "shelled", "ambushes", "clashes"])
def test_lossless_test_knows_inflected_trigger_words(first_pass, word):
    assert first_pass.word_fires(word)


def test_unknown_mode_is_refused(first_pass):
    with pytest.raises(ValueError, match="first-pass mode"):
        first_pass.is_candidate("text", mode="nope")
