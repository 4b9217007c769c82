"""Several writers on one ledger: runs started together, and a run racing an API ingest, give the
ledger of the same runs one after the other (SQLite, and PostgreSQL when SITREP_TEST_PG is set).

Each race starts its writers after delays drawn from a seeded generator, so that the second one
arrives at different points of the first one's run (reading, parsing, saving); the assertions
hold whatever the timing: every write takes the writers' lock from its first read to its commit.
"""
from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest
import sqlalchemy as sa

from conftest import EXAMPLES
from sitrep import store as store_module
from sitrep.errors import StoreError
from sitrep.pipeline import Options, run
from sitrep.records import Event
from sitrep.store import Store

pytestmark = pytest.mark.model

PG_URL = os.environ.get("SITREP_TEST_PG")
# Seeds of the start delays; each gives a different interleaving of the two writers.
SEEDS = (1, 2, 3)
# Start delays are drawn from here (seconds): at once, while the first reads, while it parses.
DELAYS = (0.0, 0.01, 0.05, 0.2, 0.6)

# A story told by a report and its syndicated copy (ex01/ex02) and a later report of the same
# front (ex10, a machine-spun copy of another): split between two runs, they must still merge.
_A = ("ex01_panjshir_night_clashes.txt", "ex04_anaba_ambush.txt", "ex11_khinj_checkpoint.txt")
_B = ("ex02_panjshir_clashes_syndicated.txt", "ex10_may_offensive_spun.txt", "ex08_parwan_roadside_bomb.txt")
SCENARIOS = {
    "disjoint": (_A, _B),
    "overlapping": (_A + _B[:1], _B + _A[1:2]),
}


def _files(names: tuple[str, ...]) -> list[Path]:
    return [EXAMPLES / name for name in names]


def _ledger(db: str) -> tuple[list[Event], list[tuple]]:
    with Store(db) as store:
        events = store.load_events(include_background=True)
        articles = sorted((a.id, a.content_id) for a in store.load_articles())
    return events, articles


def _without_ids(ledger: tuple[list[Event], list[tuple]]) -> tuple[list[Event], list[tuple]]:
    """The ledger with event ids blanked: which run stored an event first may name it."""
    events, articles = ledger
    return sorted((dataclasses.replace(e, event_id="") for e in events), key=repr), articles


def _reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                store_module.METADATA.drop_all(conn)
        finally:
            engine.dispose()
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url + suffix).unlink(missing_ok=True)


def _race(writers: list[Callable[[], object]], seed: int) -> None:
    """Start each writer in its own thread after a seeded delay; re-raise the first failure."""
    rng = random.Random(seed)
    delays = [rng.choice(DELAYS) for _ in writers]
    failures: list[BaseException] = []
    go = threading.Barrier(len(writers))

    def start(work: Callable[[], object], delay: float) -> None:
        try:
            go.wait()
            time.sleep(delay)
            work()
        except BaseException as err:  # noqa: BLE001 (re-raised in the test's thread)
            failures.append(err)

    threads = [threading.Thread(target=start, args=(w, d)) for w, d in zip(writers, delays)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a writer did not finish"
    if failures:
        raise failures[0]


@pytest.fixture(scope="module")
def serial(tmp_path_factory, gazetteer) -> dict[str, list]:
    """For each scenario, the ledgers of its two runs one after the other, in both orders."""
    out = {}
    for name, (first, second) in SCENARIOS.items():
        out[name] = []
        for order in ((first, second), (second, first)):
            db = str(tmp_path_factory.mktemp("serial") / "ledger.db")
            for names in order:
                run(_files(names), options=Options(db=db), gazetteer=gazetteer)
            out[name].append(_ledger(db))
    return out


def _check(got: tuple[list[Event], list[tuple]], expected: list) -> None:
    assert got[1] == expected[0][1], "articles differ from the runs one after the other"
    assert _without_ids(got) in [_without_ids(e) for e in expected], \
        "the ledger differs from both orders of the runs one after the other"
    events = got[0]
    mentions = [m.mention_id for e in events for m in e.mentions]
    assert len(mentions) == len(set(mentions))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_two_runs_started_together_on_sqlite_give_the_serial_ledger(scenario, seed, serial, tmp_path, gazetteer):
    db = str(tmp_path / "ledger.db")
    first, second = SCENARIOS[scenario]
    _race([lambda: run(_files(first), options=Options(db=db), gazetteer=gazetteer),
           lambda: run(_files(second), options=Options(db=db), gazetteer=gazetteer)], seed)
    _check(_ledger(db), serial[scenario])


def _records(names: tuple[str, ...]) -> list[dict]:
    """The reports as JSON records for POST /articles, with the ids `sitrep run` gives them."""
    from sitrep.ingest import read_articles

    return [{"id": a.id, "text": a.text, "title": a.title, "outlet": a.outlet,
             "published": a.published.isoformat() if a.published else None}
            for a in read_articles(_files(names))]


@pytest.fixture(scope="module")
def serial_api(tmp_path_factory, gazetteer) -> list:
    """The overlapping scenario with its second half sent through the API, both orders."""
    pytest.importorskip("fastapi")
    first, second = SCENARIOS["overlapping"]
    out = []
    for api_first in (False, True):
        db = str(tmp_path_factory.mktemp("serial-api") / "ledger.db")
        client = _client(db)
        with client:
            steps = [lambda: run(_files(first), options=Options(db=db), gazetteer=gazetteer),
                     lambda: _post(client, second)]
            for step in (steps[::-1] if api_first else steps):
                step()
        out.append(_ledger(db))
    return out


def _client(db: str):
    from fastapi.testclient import TestClient

    from sitrep.api import Settings, create_app

    return TestClient(create_app(Settings(db=db, token="race-token")))


def _post(client, names: tuple[str, ...]) -> None:
    response = client.post("/articles", content=json.dumps(_records(names)),
                           headers={"Authorization": "Bearer race-token", "Content-Type": "application/json"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_run_racing_an_api_ingest_gives_the_serial_ledger(backend, seed, serial_api, tmp_path, gazetteer):
    if backend == "postgresql" and not PG_URL:
        pytest.skip("SITREP_TEST_PG is not set (postgresql+psycopg://... of a server to test against)")
    db = PG_URL if backend == "postgresql" else str(tmp_path / "ledger.db")
    _reset(db)
    first, second = SCENARIOS["overlapping"]
    with _client(db) as client:
        _race([lambda: run(_files(first), options=Options(db=db), gazetteer=gazetteer),
               lambda: _post(client, second)], seed)
    _check(_ledger(db), serial_api)


def test_a_second_writer_waits_then_fails_with_a_clear_error(tmp_path):
    db = str(tmp_path / "ledger.db")
    with Store(db) as holder, Store(db, lock_timeout=0.2) as other:
        with holder.exclusive():
            with pytest.raises(StoreError, match="another sitrep process held the ledger's write lock"):
                with other.exclusive():
                    pass
        with other.exclusive():  # free again once the first writer is done
            pass


@pytest.mark.skipif(not PG_URL, reason="SITREP_TEST_PG is not set")
def test_a_second_writer_waits_then_fails_with_a_clear_error_on_postgresql():
    _reset(PG_URL)
    with Store(PG_URL) as holder, Store(PG_URL, lock_timeout=0.2) as other:
        with holder.exclusive():
            with pytest.raises(StoreError, match="another sitrep process held the ledger's write lock"):
                with other.exclusive():
                    pass
        with other.exclusive():
            pass


def _sitrep_run(names: tuple[str, ...], db: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sitrep.cli", "run", *map(str, _files(names)), "--db", db],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_a_run_waits_for_the_writer_holding_the_ledger_and_says_so(tmp_path, serial):
    """A real `sitrep run` process meets a ledger another writer holds: it says it is waiting,
    waits, and then stores its reports."""
    db = str(tmp_path / "ledger.db")
    first, second = SCENARIOS["disjoint"]
    with Store(db) as holder:
        with holder.exclusive():
            proc = _sitrep_run(first, db)
            said = []
            for line in proc.stderr:  # blocks until the run has something to say
                said.append(line)
                if "waiting" in line:
                    break
            assert any("another sitrep process is writing the ledger; waiting" in line for line in said), said
            with Store(db) as reader:  # reads go on meanwhile
                assert reader.count_events() == 0
        rest = proc.stderr.read()
        assert proc.wait(timeout=300) == 0, rest
    _sitrep_run(second, db).communicate(timeout=300)
    _check(_ledger(db), serial["disjoint"])


def test_two_sitrep_run_processes_started_together_give_the_serial_ledger(tmp_path, serial):
    db = str(tmp_path / "ledger.db")
    first, second = SCENARIOS["overlapping"]
    procs = [_sitrep_run(first, db), _sitrep_run(second, db)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    _check(_ledger(db), serial["overlapping"])
