"""The accuracy gate: sitrep on the seed reports, scored by ../shared/eval/score.py, above pinned floors."""
from __future__ import annotations

import pytest

from conftest import SHARED, needs_shared, score_figures

pytestmark = [pytest.mark.model, pytest.mark.shared, needs_shared]

# Floors only go up. Raised as quality rises; never lowered.
FLOORS = {
    "event_f1": 1.0,
    "fatalities_acc": 0.85,
    "article_recall": 0.9,
}


@pytest.fixture(scope="module")
def seed_scores(tmp_path_factory):
    from sitrep.export import export
    from sitrep.pipeline import Options, run
    from sitrep.store import Store

    tmp = tmp_path_factory.mktemp("gate")
    db = str(tmp / "seeds.db")
    run([SHARED / "corpus" / "seeds"], options=Options(db=db))
    out = tmp / "events.csv"
    with Store(db) as store, open(out, "w", encoding="utf-8", newline="") as fh:
        export(store.load_events(), "acled-csv", fh)
    return score_figures(SHARED / "eval" / "dev" / "seeds.gold.jsonl", out)


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_seed_scores_above_floor(seed_scores, figure):
    assert seed_scores[figure] >= FLOORS[figure], f"{figure} fell to {seed_scores[figure]}"
