"""The Dask engine: clean and extract on a Dask cluster, dedupe and merge centrally.

The result is the single-process `pipeline.process_articles` result: the same steps in the same
order, with the work that needs one article at a time (clean, parse, extract) spread over the
workers and the work that needs every article (dedupe, publication dates, the first pass, merge)
done here. Each worker process loads the spaCy pipeline and builds its extractor once.

Needs the optional extra `dask` (`pip install 'sitrep-ledger[dask]'`; in a checkout `pip install -e ".[dask]"`).
"""
from __future__ import annotations

import dataclasses
import functools
import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Sequence

from . import install_hint
from .clean import clean_article
from .errors import ConfigError
from .extract.mentions import ExtractOptions, Extractor
from .geocode import Gazetteer, default_gazetteer
from .nlp import load_pipeline
from .pipeline import Options, Progress, _merge, _plan, report
from .records import Article, CleanArticle, Event, Mention, SyndicationGroup

if TYPE_CHECKING:
    from distributed import Client

LOGGER = logging.getLogger(__name__)

__all__ = ["process_articles_dask", "DEFAULT_WORKERS"]

DEFAULT_WORKERS = 2
# Articles per task: big enough that a task's overhead (~1 ms) and spaCy's batching pay off,
# small enough to keep both workers busy to the end of a run of a few hundred articles.
PARTITION_SIZE = 64


def process_articles_dask(articles: Sequence[Article], *, options: Options | None = None,
                          gazetteer: Gazetteer | None = None, stored_mentions: Sequence[Mention] = (),
                          extract_ids: set[str] | None = None, progress: Progress | None = None,
                          scheduler: str | None = None, n_workers: int = DEFAULT_WORKERS,
                          partition_size: int = PARTITION_SIZE,
                          ) -> tuple[list[Event], list[SyndicationGroup], list[CleanArticle]]:
    """`process_articles` on Dask: at `scheduler` (tcp://HOST:PORT), else on a local cluster of
    `n_workers` processes on 127.0.0.1. `gazetteer`, when given, must pickle."""
    options = options or Options()
    report(progress, "cleaning", 0, len(articles))
    with _client(scheduler, n_workers) as client:
        parts = _partitions(list(articles), partition_size)
        cleaned = [c for part in client.gather(client.map(_clean_partition, parts, pure=False)) for c in part]
        report(progress, "finding copies", 0, len(cleaned))
        plan = _plan(cleaned, options=options, extract_ids=extract_ids)
        report(progress, "parsing", 0, len(plan.todo))
        chunks = _partitions(plan.todo, partition_size)
        worker_options = dataclasses.replace(options.extract, n_process=1)  # a worker forks no pool
        futures = [client.submit(_extract_partition, chunk,
                                 {c.id: plan.published[c.id] for c in chunk if c.id in plan.published},
                                 options.model, worker_options, gazetteer, pure=False)
                   for chunk in chunks]

        def extracted() -> Iterator[list[Mention]]:
            # In input order, as the single-process run yields them: merge depends on that order.
            done = 0
            for chunk, future in zip(chunks, futures):
                yield from future.result()
                done += len(chunk)
                report(progress, "parsing", done, len(plan.todo))

        events = _merge(extracted(), plan, options=options, stored_mentions=stored_mentions,
                        extract_ids=extract_ids, progress=progress)
    return events, plan.groups, cleaned


@contextmanager
def _client(scheduler: str | None, n_workers: int) -> Iterator["Client"]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise ConfigError(f"the Dask engine needs the extra 'dask': {install_hint('dask')}") from err
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as err:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {err}; "
                              "start one with `dask scheduler` or leave --scheduler out") from err
        with client:
            yield client
        return
    if n_workers < 1:
        raise ConfigError(f"n_workers must be at least 1, not {n_workers}")
    # Loopback only, no dashboard: nothing listens beyond this machine.
    # Workers' own logs: none unless sitrep runs verbose (a heartbeat racing shutdown is no news).
    quiet = logging.CRITICAL if not LOGGER.isEnabledFor(logging.INFO) else logging.WARNING
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=quiet) as cluster, Client(cluster) as client:
        yield client


def _partitions(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# -- on the workers ----------------------------------------------------------------------------

def _clean_partition(articles: list[Article]) -> list[CleanArticle]:
    return [clean_article(a) for a in articles]


@functools.lru_cache(maxsize=4)
def _worker_extractor(model: str, options: ExtractOptions) -> Extractor:
    """One extractor per worker process (the spaCy pipeline, lexicons and caches load once)."""
    return Extractor(load_pipeline(model), default_gazetteer(), options=options)


def _extract_partition(articles: list[CleanArticle], published: dict, model: str, options: ExtractOptions,
                       gazetteer: Gazetteer | None) -> list[list[Mention]]:
    if gazetteer is None:
        extractor = _worker_extractor(model, options)
    else:
        extractor = Extractor(load_pipeline(model), gazetteer, options=options)
    return list(extractor.extract(articles, published))
