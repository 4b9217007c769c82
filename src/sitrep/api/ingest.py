"""Ingest over HTTP: reports from a request (JSON records or an uploaded file) through the pipeline."""
from __future__ import annotations

import dataclasses
import logging
import re
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import FormatError, InputError
from ..geocode import Gazetteer
from ..ingest import SUFFIXES, read_article_records, read_articles
from ..pipeline import Options, RunResult, correct, ingest, retract
from ..records import Article, Correction, Event, content_hash
from ..store import Store

LOGGER = logging.getLogger(__name__)

__all__ = ["run_articles", "run_retraction", "run_correction", "articles_from_records", "articles_from_upload",
           "UPLOAD_SUFFIXES"]

UPLOAD_SUFFIXES = SUFFIXES
# Length of the id made from the text of a record sent without one.
RECORD_ID_LENGTH = 16
# Characters kept from an uploaded file's name (it becomes the article id of a .txt upload).
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

# One ingest at a time per process (threads wait here rather than on the database's lock); across
# processes the store's writers' lock (Store.exclusive) makes ingests and runs take turns.
_INGEST_LOCK = threading.Lock()


def articles_from_records(records: Iterable[dict], *, source: str = "api",
                          errors: list[InputError] | None = None) -> list[Article]:
    """Articles from JSON records (id, url, outlet, title, published, text).

    A record without an id gets one made from its text, so that sending it again updates
    rather than duplicates.
    """
    filled = []
    for record in records:
        if isinstance(record, dict) and record.get("id") in (None, "") and isinstance(record.get("text"), str):
            record = {**record, "id": f"{source}-{content_hash(record['text'].strip(), length=RECORD_ID_LENGTH)}"}
        filled.append(record)
    return list(read_article_records(filled, source, errors=errors))


def _safe_name(filename: str | None) -> str:
    name = _UNSAFE_NAME.sub("_", Path(filename or "upload").name).strip("._") or "upload"
    return name[:120]


def articles_from_upload(filename: str | None, data: bytes, *,
                         errors: list[InputError] | None = None) -> list[Article]:
    """Articles from the bytes of an uploaded .txt, .jsonl, .csv or .html file, read as `sitrep run` would.

    Errors name the file as uploaded (`upload:<name>`), never the temporary copy.
    """
    sink = errors if errors is not None else []
    name = _safe_name(filename)
    label = f"upload:{name}"
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        sink.append(FormatError(label, f"unknown file type; upload one of {', '.join(UPLOAD_SUFFIXES)}"))
        return []
    found: list[InputError] = []
    with tempfile.TemporaryDirectory(prefix="sitrep-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        articles = list(read_articles([path], errors=found))
        where = str(path)
    for err in found:
        sink.append(type(err)(err.source.replace(where, label), err.problem, line=err.line))
    return [dataclasses.replace(a, source=(a.source or "").replace(where, label)) for a in articles]


def run_articles(articles: Sequence[Article], *, options: Options, store: Store | None = None,
                 errors: Sequence[InputError] = (), gazetteer: Gazetteer | None = None) -> RunResult:
    """`pipeline.run` for articles already read: extract the new or changed ones, merge, store.

    Uses `store` when given (else opens `options.db`). Runs one at a time per process. The
    steps are those of `pipeline.run` after reading: stored articles with the same text are
    not parsed again, and the events are merged anew over every stored article.
    """
    with _INGEST_LOCK:
        own = store is None
        store = store if store is not None else Store(options.db)
        try:
            # the writers' lock, as `sitrep run` takes it: an ingest and a run take turns
            with store.exclusive("ingest reports"):
                return _run(articles, store, options, errors, gazetteer)
        finally:
            if own:
                store.close()


def run_retraction(store: Store, article_id: str, reason: str, *, options: Options,
                   gazetteer: Gazetteer | None = None) -> RunResult:
    """`pipeline.retract`, one writer at a time per process (as `run_articles`)."""
    with _INGEST_LOCK:
        return retract(store, article_id, reason, options=options, gazetteer=gazetteer)


def run_correction(store: Store, corrections: Sequence[Correction], *, options: Options,
                   gazetteer: Gazetteer | None = None) -> Event:
    """`pipeline.correct`, one writer at a time per process (as `run_articles`)."""
    with _INGEST_LOCK:
        return correct(store, corrections, options=options, gazetteer=gazetteer)


def _run(incoming: Sequence[Article], store: Store, options: Options, errors: Sequence[InputError],
         gazetteer: Gazetteer | None) -> RunResult:
    result = ingest(incoming, store, options=options, gazetteer=gazetteer, errors=errors)
    LOGGER.info("ingested %d articles (%d new or changed) into %s", result.articles_read,
                result.articles_extracted, store.name)
    return result
