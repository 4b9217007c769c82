"""Fuzzing the readers, the cleaner and the extractors: nothing but recorded InputErrors, offsets in the text.

Random bytes become .txt/.jsonl/.csv/.html files; random Unicode goes through clean_article,
find_dates, find_tolls, find_triggers and Extractor.article_mentions. Examples are kept few
so the file runs in well under a minute; bench/fuzz_atheris.py runs the readers for longer.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import logging
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitrep.clean import clean_article
from sitrep.errors import InputError
from sitrep.extract.dates import find_dates, infer_publication_date
from sitrep.ingest import MAX_ARTICLE_CHARS, SUFFIXES, read_articles
from sitrep.records import Article

_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Pieces of the formats and of what breaks them: JSON syntax, escapes of NUL and lone
# surrogates, BOMs, bytes that are not UTF-8, numbers too long for int(), deep nesting, tags.
_CHUNKS = st.sampled_from([
    b"{", b"}", b"[", b"]", b'"', b":", b",", b"\n", b"\r\n", b"\r", b"\t", b" ", b'"text"', b'"id"',
    b'"published"', b'"2022-13-45"', b'"2022-02"', b"null", b"1" * 5000, b"[" * 2000, b"\\u0000", b"\\ud800",
    b"\\udc00\\ud800", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\x0b", b"\x0c", b"\x1a", b"\x81",
    b"\xe9", b"\xc3\xa9", b"\xe2\x80", b"\xf0\x9f\x98\x80", b"text,id\n", b'"a ""quoted"" field"', b"<p>",
    b"</p>", b"<script>", b"</script>", b"<noscript>", b"<html>", b"<!--", b"date 2022-13-45 ",
    b"Gunmen attacked a checkpoint in Panjshir on Monday, killing two. ", b"| Outlet\n\n",
])
_FILE_BYTES = st.binary(max_size=600) | st.lists(_CHUNKS, max_size=80).map(b"".join)


@pytest.fixture(scope="module")
def fuzz_dir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _read_quietly(path):
    """Read a fuzzed file with warnings off; every problem must be an InputError naming that file."""
    errors: list[InputError] = []
    logging.disable(logging.WARNING)
    try:
        articles = list(read_articles([path], errors=errors))
    finally:
        logging.disable(logging.NOTSET)
    assert all(isinstance(err, InputError) and err.source == str(path) for err in errors)
    return articles


@settings(max_examples=600, **_SETTINGS)
@given(data=_FILE_BYTES, suffix=st.sampled_from(SUFFIXES))
def test_random_files_give_articles_or_recorded_input_errors(fuzz_dir, data, suffix):
    path = fuzz_dir / f"fuzz{suffix}"
    path.write_bytes(data)
    articles = _read_quietly(path)
    for art in articles:
        assert art.text.strip() and len(art.text) <= MAX_ARTICLE_CHARS
        assert "\x00" not in art.text
        art.content_id  # every field encodes as UTF-8: no lone surrogate got through
        assert not art.source or art.source.startswith(str(path))


# Records that parse: fields of any type, text with NUL, lone surrogates and line separators,
# written as JSON (escaped or raw, surrogates passed through as bytes) or as CSV.
_ODD_CHARS = st.sampled_from(["\ud800", "\udfff", "\x00", "\x0b", "\ufeff", "\u2028", "\u00e9", "\n", " ", ",", '"', "a"])
_FIELD_TEXT = st.text(_ODD_CHARS | st.characters(), max_size=60)
_VALUES = (st.none() | st.booleans() | st.integers() | st.floats() | _FIELD_TEXT | _FIELD_TEXT
           | st.lists(st.integers(), max_size=3))
_RECORD = st.dictionaries(st.sampled_from(["id", "url", "outlet", "title", "published", "text", "extra"]),
                          _VALUES, max_size=6)


def _as_file(records: list[dict], kind: str) -> bytes:
    if kind == "csv":
        out = io.StringIO()
        names = sorted({name for record in records for name in record}) or ["text"]
        writer = csv.writer(out)
        writer.writerow(names)
        for record in records:
            writer.writerow(["" if record.get(name) is None else record.get(name) for name in names])
        return out.getvalue().encode("utf-8", "surrogatepass")
    ascii_only = kind == "jsonl"
    return "\n".join(json.dumps(r, ensure_ascii=ascii_only) for r in records).encode("utf-8", "surrogatepass")


@settings(max_examples=400, **_SETTINGS)
@given(records=st.lists(_RECORD, max_size=6), kind=st.sampled_from(["jsonl", "raw-jsonl", "csv"]))
def test_random_records_give_articles_or_recorded_input_errors(fuzz_dir, records, kind):
    path = fuzz_dir / ("fuzz.csv" if kind == "csv" else "fuzz.jsonl")
    path.write_bytes(_as_file(records, kind))
    articles = _read_quietly(path)
    for art in articles:
        assert art.text.strip() and "\x00" not in art.text
        art.content_id
        for value in (art.id, art.title, art.url, art.outlet):
            assert value is None or (value.strip() and "\x00" not in value)
            (value or "").encode("utf-8")


# --- clean -----------------------------------------------------------------------------------

_ODD = list("ab .!?…\n\r\t\x0b\x0c\x1c\x85\u2028\u2029\u00a0\u200b\u00ad\ufeff\ufb01ﷺǅİß|\"'”’)-:,0123456789")
_TEXTS = st.text(st.characters(codec="utf-8"), max_size=200) | st.text(st.sampled_from(_ODD), max_size=200)


@settings(max_examples=500, **_SETTINGS)
@given(text=_TEXTS, title=st.none() | _TEXTS)
def test_clean_article_offsets_stay_in_the_text(text, title):
    cleaned = clean_article(Article(id="f", text=text, title=title))
    for c_start, o_start, length in cleaned.segments:
        assert 0 <= c_start and c_start + length <= len(cleaned.text)
        assert 0 <= o_start and o_start + length <= len(text)
    for k in range(len(cleaned.text) + 1):
        assert 0 <= cleaned.original_offset(k) <= len(text)


# --- dates -----------------------------------------------------------------------------------

_DATE_WORDS = st.sampled_from([
    "on", "Monday", "last", "Tuesday", "week", "month", "year", "ago", "days", "3", "29", "31", "February",
    "Feb", "May", "march", "2022", "2022-13-45", "2022-02-30", "31/02/2022", "13/13/2022", "0000", "9999",
    "99999", "the", "1990s", "nineties", "early", "mid", "late", "between", "and", "to", "-", "–", "since",
    "yesterday", "1st", "29th", "of", "in", "said", ".", ",", "\n", "twenty", "dozens", "100000", "years",
])
_DATE_TEXTS = _TEXTS | st.lists(_DATE_WORDS, max_size=25).map(" ".join)
_PUBLISHED = st.none() | st.dates(min_value=dt.date(1, 1, 8), max_value=dt.date(9999, 12, 24))


@settings(max_examples=800, **_SETTINGS)
@given(text=_DATE_TEXTS, published=_PUBLISHED)
def test_find_dates_never_crashes_and_spans_match(text, published):
    for found in find_dates(text, published):
        assert 0 <= found.start <= found.end <= len(text)
        assert text[found.start:found.end] == found.text
    inferred = infer_publication_date(text)
    assert inferred is None or isinstance(inferred[0], dt.date)


# --- the extractors over a parse ------------------------------------------------------------

_NEWS_WORDS = st.sampled_from([
    "Taliban", "NRF", "fighters", "forces", "attacked", "clashed", "killed", "wounded", "captured",
    "surrendered", "shelled", "a", "the", "checkpoint", "in", "Khinj", "district", "of", "Panjshir",
    "Kabul", "province", "on", "Monday", "2022-13-45", "at", "least", "13", "dozens", "two", "hundred",
    "1,000", "3-4", "civilians", "spokesman", "said", "denied", "no", "not", "will", "could", "he", "they",
    "drone", "strike", "killing", "heavy", "casualties", "between", "and", ".", ",", '"', "\n", "\n\n",
    "|", "—", "(", ")", "'s", "-", "½", "٣", "100000000000000000000", "twenty-one", "million",
])
_NEWS = st.lists(_NEWS_WORDS, max_size=40).map(" ".join) | st.text(st.characters(codec="utf-8"), max_size=120)


@pytest.fixture(scope="module")
def extractor(nlp, gazetteer):
    from sitrep.extract.mentions import Extractor

    return Extractor(nlp, gazetteer)


@contextlib.contextmanager
def _time_limit(seconds: int):
    """Fail, rather than hang, when the block runs longer than `seconds` (SIGALRM; main thread)."""
    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: an endless loop?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.model
@settings(max_examples=300, **_SETTINGS)
@given(text=_NEWS, title=st.none() | _NEWS, published=st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)))
# Found by this test: mentions.py walked up from a victim with `verb.head is not verb`, always
# true for spaCy tokens, and looped for ever when the root was no verb.
@example(text="\n in wounded on forces killed", title="\x8f\U000cef2f", published=dt.date(2001, 2, 28))
def test_extractors_never_crash_and_offsets_stay_in_the_text(nlp, extractor, text, title, published):
    from sitrep.extract.tolls import find_tolls
    from sitrep.extract.triggers import find_triggers

    article = Article(id="f", text=text, title=title, published=published,
                      published_precision=1 if published else None)
    cleaned = clean_article(article)
    doc = nlp(cleaned.text)
    for found in [*find_tolls(doc), *find_triggers(doc)]:
        assert 0 <= found.start <= found.end <= len(doc.text)
    for sent in doc.sents:
        for found in find_tolls(sent):
            assert sent.start_char <= found.start <= found.end <= sent.end_char
    with _time_limit(20):
        mentions = extractor.article_mentions(cleaned, doc, (published, 1) if published else None)
    for mention in mentions:
        assert 0 <= mention.start <= mention.end <= len(text)
        for claim in mention.claims:
            assert 0 <= claim.start <= claim.end <= len(text)
