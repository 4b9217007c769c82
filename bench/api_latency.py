"""GET /events latency on a SQLite ledger of 100k synthetic events (a benchmark, not a test).

The events recombine the fields of the example ledger (types, actors, places, claims and
sentences) over five years of dates, cite 20k copies of the example articles, and are written
through `Store.save_events` in batches. Each query runs in-process with FastAPI's TestClient, so
the figures include routing, validation and serialisation but no network.

    python bench/api_latency.py                 # builds /tmp/sitrep-bench-100k.db once, then measures
    python bench/api_latency.py --events 20000 --db /tmp/small.db --rebuild --repeat 100

Prints a table and one JSON line: {"events": ..., "queries": {name: {"p50_ms", "p95_ms", "p99_ms", "count"}}}.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sitrep.pipeline import Options, run  # noqa: E402
from sitrep.records import DateRange, Event, Place, content_hash  # noqa: E402
from sitrep.store import Store  # noqa: E402

LOGGER = logging.getLogger("bench.api_latency")

DEFAULT_DB = Path(tempfile.gettempdir()) / "sitrep-bench-100k.db"
EVENTS = 100_000
EVENTS_PER_ARTICLE = 5  # 100k events cite 20k articles
BATCH = 10_000  # events per save_events call (a whole number of articles)
FIRST_DAY = dt.date(2019, 1, 1)
DAYS = 5 * 365
SEED = 20221
OFFSET = 100_000  # longer than any example article
# The filter combinations measured: the page the web map asks for, and the analyst's filters.
QUERIES: dict[str, dict] = {
    "default page (100)": {},
    "page of 1000": {"limit": 1000},
    "admin1=Panjshir": {"admin1": "Panjshir"},
    "one month": {"date_from": "2022-05-01", "date_to": "2022-05-31"},
    "actor=NRF + Battles": {"actor": "NRF", "event_type": "Battles"},
    "min_fatalities=20": {"min_fatalities": 20},
    "bbox Panjshir": {"bbox": "69.2,35.0,70.2,35.8"},
    "deep page (offset 50k)": {"offset": 50_000, "include_background": True},
    "all filters": {"admin1": "Panjshir", "actor": "Taliban", "date_from": "2021-01-01",
                    "date_to": "2023-12-31", "min_fatalities": 1, "bbox": "69,34,71,36"},
    "q=ambush (text search)": {"q": "ambush"},
}


def _jitter(place: Place | None, rng: random.Random) -> Place | None:
    if place is None or place.latitude is None or place.longitude is None:
        return place
    return dataclasses.replace(place, latitude=round(place.latitude + rng.uniform(-0.05, 0.05), 5),
                               longitude=round(place.longitude + rng.uniform(-0.05, 0.05), 5))


def _synthetic(base: Event, n: int, article_id: str, rng: random.Random) -> Event:
    """Event n: the fields of `base`, on a random day, at a jittered place, cited by `article_id`."""
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    spread = (base.date.date_max - base.date.date_min).days
    when = (DateRange.day(day) if spread == 0 else
            DateRange.span(day - dt.timedelta(days=spread // 2), day + dt.timedelta(days=spread - spread // 2),
                           precision=base.date.time_precision))
    place = _jitter(base.place, rng)
    # Offsets are shifted so that mention ids stay unique (they do not point into the text).
    mentions = tuple(dataclasses.replace(m, article_id=article_id, date=when, place=place,
                                         start=m.start + OFFSET * (2 * n + k), end=m.end + OFFSET * (2 * n + k),
                                         claims=tuple(dataclasses.replace(c, article_id=article_id)
                                                      for c in m.claims))
                     for k, m in enumerate(base.mentions[:2]))
    claims = tuple(dataclasses.replace(c, article_id=article_id) for c in base.claims)
    best = rng.choice((None, 0, 1, 2, 3, 5, 8, 12, 20, 35, 60))
    return dataclasses.replace(
        base, event_id=content_hash("bench", n), date=when, place=place, mentions=mentions, claims=claims,
        fatalities_low=best, fatalities_best=best, fatalities_high=None if best is None else best * 2)


def build(db: Path, n_events: int) -> None:
    """A ledger of `n_events` synthetic events in `db`, from the example corpus's ledger."""
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        seed_db = str(Path(tmp) / "examples.db")
        run([REPO / "examples" / "corpus"], options=Options(db=seed_db))
        with Store(seed_db) as seed:
            bases = [e for e in seed.load_events(include_background=True) if e.mentions]
            texts = {a.id: a for a in seed.load_articles()}
    started = time.perf_counter()
    with Store(db) as store:
        for first in range(0, n_events, BATCH):
            batch = []
            articles = {}
            for n in range(first, min(first + BATCH, n_events)):
                base = rng.choice(bases)
                article_id = f"bench-{n // EVENTS_PER_ARTICLE:06d}"
                if article_id not in articles:
                    source = texts[base.mentions[0].article_id]
                    articles[article_id] = dataclasses.replace(source, id=article_id)
                batch.append(_synthetic(base, n, article_id, rng))
            store.save_articles((a, a.text, None) for a in articles.values())
            store.save_events(batch)
            print(f"  stored {first + len(batch):>7} events ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)


def measure(db: Path, repeat: int, warmup: int) -> dict[str, dict]:
    from fastapi.testclient import TestClient

    from sitrep.api import Settings, create_app

    results: dict[str, dict] = {}
    with TestClient(create_app(Settings(db=str(db)))) as client:
        for name, params in QUERIES.items():
            for _ in range(warmup):
                client.get("/events", params=params).raise_for_status()
            times = []
            count = None
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get("/events", params=params)
                times.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
                count = response.json()["count"]
            q = statistics.quantiles(times, n=100, method="inclusive")
            results[name] = {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(q[94], 2),
                             "p99_ms": round(q[98], 2), "count": count}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per query")
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.rebuild and args.db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    if not args.db.exists():
        print(f"building {args.events} events in {args.db}", file=sys.stderr)
        build(args.db, args.events)
    with Store(args.db) as store:
        total = store.count_events(include_background=True)
    results = measure(args.db, args.repeat, args.warmup)
    print(f"GET /events on {total} events ({args.db}), {args.repeat} requests each, TestClient in-process")
    print(f"{'query':<26} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'matches':>8}")
    for name, r in results.items():
        print(f"{name:<26} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['count']:>8}")
    print(json.dumps({"bench": "api_latency", "events": total, "repeat": args.repeat, "queries": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
