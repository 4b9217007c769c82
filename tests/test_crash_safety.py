"""Crash safety: `sitrep run` killed with SIGKILL at random points, then run again, loses and doubles nothing."""
from __future__ import annotations

import dataclasses
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES
from sitrep.pipeline import Options, run
from sitrep.store import Store

pytestmark = pytest.mark.model

KILLS = 3  # kills per test run, at random moments of a run (seeded, so a failure can be replayed)


def _ledger(db: str):
    with Store(db) as store:
        events = store.load_events(include_background=True)
        n_articles = len(store.article_ids())
    return n_articles, sorted((dataclasses.replace(e, event_id="") for e in events),
                              key=lambda e: (e.date.date, e.mentions[0].mention_id))


def test_killed_runs_leave_a_consistent_ledger_that_the_next_run_completes(tmp_path):
    reference = str(tmp_path / "reference.db")
    run([EXAMPLES], options=Options(db=reference))
    reference_articles, reference_events = _ledger(reference)
    db = str(tmp_path / "killed.db")
    rnd = random.Random(int(os.environ.get("SITREP_KILL_SEED", "7")))
    killed = 0
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "run", str(EXAMPLES), "--db", db],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.5, 8.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=60)
        if os.path.exists(db):
            # Whatever the moment of the kill, what is stored is a whole run or nothing: every
            # stored article's events are there, and nothing is counted twice.
            n_articles, events = _ledger(db)
            assert n_articles in (0, reference_articles)
            assert not events or events == reference_events
            ids = [m.mention_id for e in events for m in e.mentions]
            assert len(ids) == len(set(ids))
    done = subprocess.run([sys.executable, "-m", "sitrep.cli", "run", str(EXAMPLES), "--db", db],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _ledger(db) == (reference_articles, reference_events)
    print(f"{killed} of {KILLS} runs were killed mid-way")
