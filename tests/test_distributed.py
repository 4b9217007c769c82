"""The Dask engine gives the single-process ledger (a 2-worker LocalCluster on 127.0.0.1)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("distributed")

from sitrep.distributed import process_articles_dask  # noqa: E402
from sitrep.ingest import read_articles  # noqa: E402
from sitrep.pipeline import Options, process_articles  # noqa: E402

pytestmark = pytest.mark.model

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def test_dask_ledger_is_the_single_process_ledger():
    articles = sorted(read_articles([EXAMPLES]), key=lambda a: a.id)
    options = Options(db=":memory:")
    local_events, local_groups, local_cleaned = process_articles(articles, options=options)
    # Small partitions, so that both workers get work and results come back out of order.
    dask_events, dask_groups, dask_cleaned = process_articles_dask(articles, options=options, n_workers=2,
                                                                   partition_size=3)
    assert dask_cleaned == local_cleaned
    assert dask_groups == local_groups
    assert dask_events == local_events
    assert any(not e.background for e in dask_events)
