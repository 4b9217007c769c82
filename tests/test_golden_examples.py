"""Golden tests on the shipped example corpus: the events that must and must not come out."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import EXAMPLES

pytestmark = pytest.mark.model

EXPECTED = json.loads((EXAMPLES.parent / "expected_events.json").read_text(encoding="utf-8"))
# Share of the "must" events that must be found, with all their fields right where scored.
# Floors only go up.
MUST_FOUND_FLOOR = 0.9
MUST_ARTICLES_FLOOR = 0.85
MUST_NOT_FLOOR = 0.9
MUST_FATALITIES_FLOOR = 0.95


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _admin1s(item) -> set[str]:
    a = item.get("admin1")
    return set(a) if isinstance(a, list) else {a}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    from sitrep.pipeline import Options, run

    db = str(tmp_path_factory.mktemp("golden") / "ex.db")
    result = run([EXAMPLES], options=Options(db=db))
    assert not result.errors, [str(e) for e in result.errors]
    return [e for e in result.events if not e.background]


def _matches(event, item) -> bool:
    if not set(event.article_ids) & set(item["articles"]):
        return False
    if event.place is None or event.place.admin1 not in _admin1s(item):
        return False
    one = dt.timedelta(days=1)
    if not (_d(item["date_min"]) - one <= event.date.date <= _d(item["date_max"]) + one):
        return False
    return bool({_actor(a) for a in event.actors} & {_actor(a) for a in item.get("actors", [])})


def _actor(name: str) -> str:
    """ "Civilians (Afghanistan)" and "Civilians" are the same actor for matching."""
    return name.split(" (")[0]


def test_must_events_are_found(ledger):
    found, detail = 0, []
    for item in EXPECTED["must"]:
        hits = [e for e in ledger if _matches(e, item)]
        if hits:
            found += 1
        else:
            detail.append(item["summary"])
    share = found / len(EXPECTED["must"])
    assert share >= MUST_FOUND_FLOOR, f"found {share:.2f}; missed: {detail}"


def test_must_events_cite_their_articles(ledger):
    shares = []
    for item in EXPECTED["must"]:
        hits = [e for e in ledger if _matches(e, item)]
        if hits:
            best = max(hits, key=lambda e: len(set(e.article_ids) & set(item["articles"])))
            shares.append(len(set(best.article_ids) & set(item["articles"])) / len(item["articles"]))
    assert shares and sum(shares) / len(shares) >= MUST_ARTICLES_FLOOR


def test_must_event_fatalities(ledger):
    ok = total = 0
    for item in EXPECTED["must"]:
        hits = [e for e in ledger if _matches(e, item)]
        if not hits:
            continue
        total += 1
        best = hits[0].fatalities_best or 0
        lo, hi = item.get("fatalities_min"), item.get("fatalities_max")
        ok += (best == 0) if lo is None else (lo <= best <= hi)
    assert total and ok / total >= MUST_FATALITIES_FLOOR


def test_must_not_events_stay_out(ledger):
    bad = []
    for item in EXPECTED["must_not"]:
        for e in ledger:
            if not set(e.article_ids) & set(item["articles"]):
                continue
            if e.place is not None and item.get("admin1") and e.place.admin1 not in _admin1s(item):
                continue
            if _d(item["date_min"]) <= e.date.date <= _d(item["date_max"]):
                bad.append((item["summary"], e.event_id))
    share = 1 - len({b[0] for b in bad}) / max(1, len(EXPECTED["must_not"]))
    assert share >= MUST_NOT_FLOOR, bad
