"""The pipeline end to end: re-runs change nothing, edits replace, undated copies inherit dates."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import EXAMPLES
from sitrep.pipeline import Options, publication_dates, run
from sitrep.records import Article
from sitrep.store import Store

pytestmark = pytest.mark.model


def _ledger(db: str):
    with Store(db) as store:
        return store.load_events(include_background=True)


def test_running_twice_changes_nothing(tmp_path):
    db = str(tmp_path / "a.db")
    first = run([EXAMPLES], options=Options(db=db))
    before = _ledger(db)
    second = run([EXAMPLES], options=Options(db=db))
    assert second.articles_extracted == 0 and second.articles_unchanged == first.articles_read
    assert _ledger(db) == before


def test_two_halves_give_the_same_ledger_as_one_run(tmp_path):
    files = sorted(EXAMPLES.iterdir())
    whole, split = str(tmp_path / "w.db"), str(tmp_path / "s.db")
    run(files, options=Options(db=whole))
    run(files[: len(files) // 2], options=Options(db=split))
    run(files[len(files) // 2:], options=Options(db=split))
    # Ids may differ (an event keeps the id it was first stored under); the ledger may not.
    assert _without_ids(_ledger(split)) == _without_ids(_ledger(whole))


def _without_ids(events):
    import dataclasses

    return sorted((dataclasses.replace(e, event_id="") for e in events),
                  key=lambda e: (e.date.date, e.mentions[0].mention_id))


def test_edited_article_replaces_its_old_mentions(tmp_path):
    db = str(tmp_path / "e.db")
    path = tmp_path / "feed.jsonl"
    story = {"id": "k1", "published": "2022-06-20", "text":
             "Taliban forces clashed with NRF fighters in Khinj district of Panjshir on Saturday. "
             "An NRF spokesman said 9 Taliban fighters were killed."}
    path.write_text(json.dumps(story) + "\n", encoding="utf-8")
    run([path], options=Options(db=db))
    assert [e.fatalities_best for e in _ledger(db)] == [9]
    story["text"] = story["text"].replace("9 Taliban", "11 Taliban")
    path.write_text(json.dumps(story) + "\n", encoding="utf-8")
    result = run([path], options=Options(db=db))
    assert result.articles_extracted == 1
    [event] = _ledger(db)
    assert event.fatalities_best == 11
    # the living ledger keeps the figure it replaced
    with Store(db) as store:
        history = store.event_history(event.event_id)
    assert [h["fatalities_best"] for h in history] == [9, 11]


def test_undated_copy_inherits_the_date_of_its_syndicated_twin(tmp_path):
    from sitrep.clean import clean_article
    from sitrep.dedupe import find_syndication

    body = ("Heavy fighting broke out on Thursday night, September 2, around the valley between Taliban "
            "fighters and the resistance, a source in the group said. The group said the Taliban lost 40 "
            "men in repeated attempts to push into the valley, a figure that could not be verified. "
            "Talks between the two sides have so far produced nothing, according to both camps. ")
    a = Article("dated", "KABUL, Sept 2, 2021 (Wire) - " + body * 2)
    b = Article("copy", "Militants fight back | Example Daily\n\n" + body * 2 + "Follow us on Facebook.")
    cleaned = [clean_article(a), clean_article(b)]
    dates = publication_dates(cleaned, find_syndication(cleaned))
    assert dates["dated"] == (dt.date(2021, 9, 2), 1)
    assert dates["copy"] == (dt.date(2021, 9, 2), 1)


def test_claims_point_at_their_sentence_in_the_original_text(tmp_path):
    db = str(tmp_path / "c.db")
    run([EXAMPLES], options=Options(db=db))
    with Store(db) as store:
        texts = {a.id: a.text for a in store.load_articles()}
        events = store.load_events()
    checked = 0
    for e in events:
        for cl in e.claims:
            original = texts[cl.article_id][cl.start:cl.end]
            assert " ".join(original.split())[:40] == " ".join(cl.sentence.split())[:40]
            checked += 1
    assert checked > 20


def test_event_ids_stay_stable_when_reports_arrive(tmp_path):
    files = sorted(EXAMPLES.iterdir())
    db = str(tmp_path / "i.db")
    late = [f for f in files if f.name.startswith(("ex01", "ex04"))]
    early = [f for f in files if f not in late]
    run(early, options=Options(db=db))
    before = {e.event_id: set(e.article_ids) for e in _ledger(db)}
    run(late, options=Options(db=db))
    after = {e.event_id: set(e.article_ids) for e in _ledger(db)}
    # Every event that existed keeps its id; some gained the late reports.
    kept = [i for i in before if i in after]
    assert len(kept) >= len(before) - 1
    assert any(after[i] > before[i] for i in kept)
