"""The page shows an analyst's corrections and verdict (a real browser, as in test_web.py)."""
from __future__ import annotations

import json

import pytest

from test_web import CHROMIUM, CHROMIUM_ARGS, Watched, _screenshot_script

pytestmark = pytest.mark.model

KHINJ = ("Taliban forces clashed with NRF fighters in Khinj district of Panjshir on Saturday. "
         "An NRF spokesman said 9 Taliban fighters were killed.")


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """A one-event ledger whose event an analyst corrected (15 dead) and verified; served."""
    pytest.importorskip("uvicorn")
    from sitrep.pipeline import Options, correct, run
    from sitrep.records import Correction
    from sitrep.store import Store

    tmp = tmp_path_factory.mktemp("review")
    feed = tmp / "feed.jsonl"
    feed.write_text(json.dumps({"id": "k1", "published": "2022-06-20", "text": KHINJ}) + "\n", encoding="utf-8")
    db = str(tmp / "ledger.db")
    run([feed], options=Options(db=db))
    with Store(db) as store:
        (event,) = store.load_events()
        correct(store, [Correction(event.event_id, "fatalities", "15", "hospital records"),
                        Correction(event.event_id, "review", "verified", "")], options=Options(db=db))
    with _screenshot_script().serve(db) as base:
        yield base, event.event_id


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="PyPI playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def test_the_page_shows_the_correction_and_the_verdict(browser, corrected):
    base, event_id = corrected
    watched = Watched(browser, base)
    try:
        watched.open(f"/#event={event_id}")
        panel = watched.page.locator("#panel")
        panel.wait_for(state="visible")
        watched.page.locator("#ev-notes", has_text="Analyst").wait_for()
        facts = dict(zip(watched.page.locator("#ev-facts dt").all_inner_texts(),
                         watched.page.locator("#ev-facts dd").all_inner_texts()))
        assert facts["Analyst"] == "verified" and facts["Fatalities"].startswith("15")
        assert "fatalities corrected to 15 (hospital records)" in watched.page.inner_text("#ev-notes")
        assert not watched.errors, watched.errors
    finally:
        watched.close()
