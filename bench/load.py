"""Load test on loopback: concurrent clients query GET /events while an ingest runs.

    python bench/load.py [--clients 50] [--seconds 30] [--db PATH]

Starts `sitrep serve` on 127.0.0.1 (a free port) over a ledger built from the example corpus,
runs N client threads that query /events with varied filters for the given time, and meanwhile
POSTs new reports to /articles with the bearer token. Reports requests served, errors, p50 / p95
/ p99 latency, and whether every ingested report's events are in the ledger afterwards (no lost
writes). Traffic goes to 127.0.0.1 only; every loop is bounded in time and count. Not a test:
figures are printed, never asserted, apart from the final check that nothing was lost.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "corpus"
TOKEN = "bench-load-token"
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound on every loop, whatever the time limit
QUERIES = (
    "/events?limit=50",
    "/events?admin1=Panjshir",
    "/events?event_type=Battles&limit=20",
    "/events?date_from=2022-01-01&date_to=2022-06-30",
    "/events?min_fatalities=1",
    "/events?actor=NRF&offset=5&limit=5",
    "/events?bbox=60,29,75,39",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/events?limit=1")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server on 127.0.0.1:{port} did not come up in {timeout:.0f} s")


def _client(port: int, until: float, latencies: list, errors: list, rnd: random.Random) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= until:
            break
        path = rnd.choice(QUERIES)
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200 or "data" not in json.loads(body):
                errors.append(f"{path}: HTTP {resp.status}")
        except (OSError, http.client.HTTPException, ValueError) as err:
            errors.append(f"{path}: {err!r}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - start)
    conn.close()


def _ingest(port: int, n: int, results: list) -> None:
    """POST n new reports one by one; keep their ids and the answers."""
    for k in range(n):
        article = {"id": f"load-{k}", "published": "2022-07-0%d" % (1 + k % 9), "outlet": "Load Test Wire",
                   "text": f"Taliban and NRF fighters clashed in Khinj district of Panjshir on Monday. "
                           f"An NRF spokesman said {5 + k} Taliban fighters were killed."}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("POST", "/articles", body=json.dumps(article),
                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        resp = conn.getresponse()
        results.append((article["id"], resp.status, json.loads(resp.read() or b"{}")))
        conn.close()


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--ingests", type=int, default=3, help="reports POSTed during the load")
    ap.add_argument("--db", help="ledger to serve (default: a temporary one from the example corpus)")
    args = ap.parse_args(argv)

    from sitrep.pipeline import Options, run
    from sitrep.store import Store

    tmp = tempfile.mkdtemp(prefix="sitrep-load-")
    db = args.db or str(Path(tmp) / "load.db")
    if not args.db:
        run([EXAMPLES], options=Options(db=db))
    port = _free_port()
    env = {**os.environ, "SITREP_TOKEN": TOKEN}
    server = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "serve", "--db", db, "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(port)
        latencies: list[float] = []
        errors: list[str] = []
        ingested: list = []
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=_client, args=(port, until, latencies, errors, random.Random(k)))
                   for k in range(args.clients)]
        writer = threading.Thread(target=_ingest, args=(port, args.ingests, ingested))
        started = time.monotonic()
        for t in threads:
            t.start()
        writer.start()
        for t in threads:
            t.join()
        writer.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    with Store(db) as store:
        stored = {m.article_id for e in store.load_events() for m in e.mentions}
    lost = [aid for aid, status, _ in ingested if status != 200 or aid not in stored]
    figures = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1), "errors": len(errors),
        "p50_ms": round(_pct(latencies, 0.50), 1), "p95_ms": round(_pct(latencies, 0.95), 1),
        "p99_ms": round(_pct(latencies, 0.99), 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "ingested": len(ingested), "ingest_failed_or_lost": lost,
    }
    print(f"{figures['requests']} requests from {args.clients} clients in {figures['seconds']} s "
          f"({figures['requests_per_s']}/s), {figures['errors']} errors; latency p50 {figures['p50_ms']} ms, "
          f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms; {len(ingested)} reports ingested meanwhile, "
          f"lost: {lost or 'none'}")
    for err in errors[:5]:
        print("  error:", err)
    print(json.dumps(figures))
    return 1 if lost or errors else 0


if __name__ == "__main__":
    sys.exit(main())
