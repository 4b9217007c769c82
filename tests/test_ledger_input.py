"""Every record read is stored or named: repeated ids, ids from content, bad file names and dates."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from sitrep.errors import InputError
from sitrep.ingest import read_articles, record_id, unique_ids

TEXT = "Gunmen attacked a checkpoint near Marrowby on Monday, killing three guards, police said."


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_record_added_at_the_top_leaves_the_other_ids_alone(tmp_path: Path):
    feed = tmp_path / "feed.jsonl"
    _jsonl(feed, [{"text": TEXT}, {"text": TEXT.replace("three", "four")}])
    before = [a.id for a in read_articles([feed])]
    _jsonl(feed, [{"text": "A new report at the top of the feed."}, {"text": TEXT},
                  {"text": TEXT.replace("three", "four")}])
    after = [a.id for a in read_articles([feed])]
    assert after[1:] == before and len(set(after)) == 3
    assert before[0] == record_id("feed", TEXT)


def test_the_same_id_twice_in_one_file_is_a_revision_and_named(tmp_path: Path):
    feed = _jsonl(tmp_path / "feed.jsonl", [{"id": "r1", "text": TEXT},
                                            {"id": "r1", "text": TEXT.replace("three", "five")}])
    errors: list[InputError] = []
    kept, revisions = unique_ids(read_articles([feed], errors=errors), errors=errors)
    assert [(a.id, "five" in a.text) for a in kept] == [("r1", True)]
    assert [(a.id, "three" in a.text) for a in revisions] == [("r1", True)]
    assert len(errors) == 1 and "repeats the id 'r1'" in str(errors[0]) and "feed.jsonl:2" in str(errors[0])


def test_the_same_id_in_two_files_keeps_both_and_names_them(tmp_path: Path):
    a = _jsonl(tmp_path / "a.jsonl", [{"id": "r1", "text": TEXT}])
    b = _jsonl(tmp_path / "b.jsonl", [{"id": "r1", "text": TEXT.replace("three", "five")}])
    errors: list[InputError] = []
    kept, revisions = unique_ids(read_articles([a, b], errors=errors), errors=errors)
    assert revisions == []
    assert kept[0].id == "r1" and kept[1].id.startswith("r1~") and "five" in kept[1].text
    assert len(errors) == 1 and "another file" in str(errors[0]) and "b.jsonl" in str(errors[0])


def test_the_same_record_twice_is_one_article_without_a_warning(tmp_path: Path):
    feed = _jsonl(tmp_path / "feed.jsonl", [{"id": "r1", "text": TEXT}, {"id": "r1", "text": TEXT}])
    errors: list[InputError] = []
    kept, revisions = unique_ids(read_articles([feed], errors=errors), errors=errors)
    assert [a.id for a in kept] == ["r1"] and revisions == [] and errors == []


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_a_file_name_that_is_not_utf8_is_an_error_for_that_file(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    bad = os.path.join(os.fsencode(tmp_path), b"bad-\xff.txt")
    with open(bad, "wb") as fh:
        fh.write(TEXT.encode("utf-8"))
    errors: list[InputError] = []
    arts = list(read_articles([tmp_path], errors=errors))
    assert [a.id for a in arts] == ["good"]
    assert len(errors) == 1 and "not valid UTF-8" in str(errors[0]) and "bad-\\udcff.txt" in str(errors[0])


@pytest.mark.parametrize("published", ["0001-01-01", "1066-10-14", "9999-12-31"])
def test_a_date_out_of_range_is_an_error_for_that_record_only(tmp_path: Path, published: str):
    feed = _jsonl(tmp_path / "feed.jsonl", [{"id": "old", "published": published, "text": TEXT},
                                            {"id": "ok", "published": "2022-04-06", "text": TEXT}])
    errors: list[InputError] = []
    arts = list(read_articles([feed], errors=errors))
    assert [(a.id, a.published) for a in arts] == [("old", None), ("ok", dt.date(2022, 4, 6))]
    assert len(errors) == 1 and errors[0].line == 1 and published in str(errors[0])
