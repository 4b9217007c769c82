"""Shared fixtures: the spaCy pipeline, the gazetteer, and where ../shared lives."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SITREP_SHARED", REPO.parent / "shared"))
EXAMPLES = REPO / "examples" / "corpus"

needs_shared = pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(),
                                  reason="../shared is not present")


@pytest.fixture(scope="session")
def nlp():
    from sitrep.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def gazetteer():
    from sitrep.geocode import default_gazetteer

    return default_gazetteer()


def score_figures(gold: Path, pred: Path) -> dict[str, float]:
    """The figures ../shared/eval/score.py prints for a predicted ACLED CSV against gold events."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(gold),
                           "--pred", str(pred), "--verbose"], capture_output=True, text=True, check=True)
    print(proc.stdout)
    figures = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(": ")
        try:
            figures[key.strip()] = float(value)
        except ValueError:
            continue
    return figures
