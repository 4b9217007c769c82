"""bench/results.json: one top-level section per benchmark, each written by its own script.

A script replaces only its own sections, so benchmarks run separately (run.py, api_latency.py,
...) share one file without overwriting each other's figures.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def update(sections: dict, path: str | Path = RESULTS) -> dict:
    """Write `sections` (name -> figures) into the results file, keeping the other sections; the
    machine each was measured on is recorded under "machine"."""
    path = Path(path)
    try:
        current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except json.JSONDecodeError:
        current = {}
    current.update(sections)
    current["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    current.setdefault("measured_at", {}).update(
        {name: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds") for name in sections})
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return current
