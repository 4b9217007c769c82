#!/usr/bin/env python3
"""Screenshots of the analyst's page, made from the current code (the README's and docs/' images).

Builds a ledger from a corpus (or reads an existing one), serves it with sitrep's own app on
127.0.0.1, opens the page in Debian's Chromium (/usr/bin/chromium) through PyPI's playwright,
opens the event with the most claims (or --event), and saves a PNG. Nothing is downloaded: no
`playwright install`, no map tiles.

Usage:
  python scripts/screenshot.py examples/corpus -o docs/screenshot.png
  python scripts/screenshot.py ../shared/corpus/seeds -o docs/screenshot-seeds.png
  python scripts/screenshot.py tests/data/undated_abroad -o docs/screenshot-undated-abroad.png --event none
  python scripts/screenshot.py --db ledger.db -o page.png --event 3fa2c1
"""
from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# The page's size in the README: wide enough for the map, the timeline and the side panel.
VIEWPORT = (1500, 950)
# How long the page may take to load its events (seconds); a ledger of a few hundred loads in one.
LOAD_TIMEOUT_S = 30
# --event none: open no event, so the page shows its lists (undated, not in view) instead.
NO_EVENT = "none"


@dataclass(frozen=True, slots=True)
class Shot:
    """What a screenshot showed: the file, the event opened, and the page's errors (none expected)."""

    path: Path
    event_id: str | None
    status: str
    errors: tuple[str, ...]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(db: str) -> Iterator[str]:
    """sitrep's app over `db` on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    from sitrep.api.app import create_app
    from sitrep.api.settings import Settings

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db=db)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as res:  # noqa: S310 (loopback only)
        return json.loads(res.read())


def richest_event(base: str) -> str | None:
    """The dated event with the most claims (ties: the most reports), to show its claims side by side."""
    events = _get(base + "/events?limit=1000")["data"]
    best, key = None, None
    for event in events:
        detail = _get(f"{base}/events/{event['event_id']}")
        k = (len(detail["claims"]), detail["n_reports"], event["event_id"])
        if key is None or k > key:
            best, key = event["event_id"], k
    return best


def screenshot(base: str, out: Path, *, event_id: str | None = None, browser=None,
               viewport: tuple[int, int] = VIEWPORT) -> Shot:
    """Open the page at `base` in Chromium, open `event_id` (default: the richest event; "none": no
    event, so the lists show), save `out`."""
    from playwright.sync_api import sync_playwright

    out.parent.mkdir(parents=True, exist_ok=True)
    event_id = None if event_id == NO_EVENT else event_id or richest_event(base)
    with (sync_playwright() if browser is None else _nothing()) as p:
        own = browser is None
        if own:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.goto(base + "/")
        page.locator("#status", has_text="Showing").wait_for(timeout=LOAD_TIMEOUT_S * 1000)
        if event_id:
            page.evaluate("id => window.sitrep.openEvent(id)", event_id)
            page.wait_for_function("id => document.querySelector('#panel').getAttribute('data-event-id') === id",
                                   arg=event_id)
            page.locator("#art-text").wait_for()
        # the map has finished its zoom (Leaflet marks the container while it animates)
        page.wait_for_function("() => !document.querySelector('#map.leaflet-zoom-anim, #map .leaflet-zoom-anim')")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        status = page.locator("#status").inner_text()
        page.screenshot(path=str(out))
        context.close()
        if own:
            browser.close()
    return Shot(out, event_id, status, tuple(errors))


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="*", help="report files or folders to build the ledger from")
    parser.add_argument("--db", help="an existing ledger instead of a corpus")
    parser.add_argument("-o", "--output", required=True, type=Path, help="the PNG to write")
    parser.add_argument("--event", help="the event to open (default: the one with the most claims; "
                                        "'none': no event, the lists show)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    if bool(args.corpus) == bool(args.db):
        parser.error("give a corpus or --db, not both")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if not db:
            from sitrep.pipeline import Options, run

            db = str(Path(tmp) / "ledger.db")
            result = run(args.corpus, options=Options(db=db))
            for err in result.errors:
                print(f"error {err}", file=sys.stderr)
        with serve(db) as base:
            shot = screenshot(base, args.output, event_id=args.event)
    print(f"wrote {shot.path} (event {shot.event_id}; {shot.status})")
    for err in shot.errors:
        print(f"page error: {err}", file=sys.stderr)
    return 1 if shot.errors else 0


if __name__ == "__main__":
    sys.exit(main())
