"""The one module that knows the order of the stages: ingest → clean → dedupe → extract → merge → store."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .clean import clean_article
from .dedupe import find_syndication
from .errors import InputError
from .extract.dates import infer_publication_date
from .extract.mentions import ExtractOptions, Extractor
from .geocode import Gazetteer, default_gazetteer
from .ingest import read_articles
from .merge import MergeOptions, merge_mentions
from .nlp import DEFAULT_MODEL, load_pipeline
from .records import Article, CleanArticle, Event, Mention, SyndicationGroup, content_hash
from .store import Store

LOGGER = logging.getLogger(__name__)

__all__ = ["Options", "RunResult", "run", "process_articles", "publication_dates", "keep_event_ids"]

DEFAULT_DB = "sitrep.db"


@dataclass(frozen=True, slots=True)
class Options:
    """Options of a run, passed down to each stage."""

    db: str = DEFAULT_DB
    model: str = DEFAULT_MODEL
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    merge: MergeOptions = field(default_factory=MergeOptions)


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run read, what it skipped, and the ledger it left in the store."""

    articles_read: int
    articles_extracted: int
    articles_unchanged: int
    errors: tuple[InputError, ...]
    groups: tuple[SyndicationGroup, ...]
    events: tuple[Event, ...]


Progress = Callable[[int, int], None]


def publication_dates(cleaned: Sequence[CleanArticle],
                      groups: Iterable[SyndicationGroup]) -> dict[str, tuple[dt.date, int]]:
    """Publication dates: as given, else read from the text, else inherited from a syndicated copy."""
    dates: dict[str, tuple[dt.date, int]] = {}
    for art in cleaned:
        if art.article.published is not None:
            dates[art.id] = (art.article.published, art.article.published_precision or 1)
            continue
        inferred = infer_publication_date(art.text)
        if inferred is not None:
            dates[art.id] = inferred
            LOGGER.info("%s: no publication date; read %s from the text", art.id, inferred[0])
    for group in groups:
        known = sorted((dates[a] for a in group.article_ids if a in dates), key=lambda d: (d[1], d[0]))
        if not known:
            continue
        for article_id in group.article_ids:
            if article_id not in dates:
                dates[article_id] = known[0]
                LOGGER.info("%s: no publication date; inherited %s from its syndicated copy",
                            article_id, known[0][0])
    return dates


def process_articles(articles: Sequence[Article], *, options: Options | None = None,
                     gazetteer: Gazetteer | None = None, stored_mentions: Sequence[Mention] = (),
                     extract_ids: set[str] | None = None,
                     progress: Progress | None = None) -> tuple[list[Event], list[SyndicationGroup],
                                                                list[CleanArticle]]:
    """Clean, dedupe, extract and merge; `extract_ids` limits extraction to new or changed articles."""
    options = options or Options()
    gazetteer = gazetteer or default_gazetteer()
    cleaned = [clean_article(a) for a in articles]
    groups = find_syndication(cleaned)
    group_of = {aid: g.group_id for g in groups for aid in g.article_ids}
    pub = publication_dates(cleaned, groups)
    todo = [c for c in cleaned if extract_ids is None or c.id in extract_ids]
    extractor = Extractor(load_pipeline(options.model), gazetteer, options=options.extract)
    mentions: list[Mention] = [m for m in stored_mentions
                               if extract_ids is None or m.article_id not in extract_ids]
    for k, found in enumerate(extractor.extract(todo, pub), start=1):
        mentions.extend(found)
        if progress:
            progress(k, len(todo))
    events = merge_mentions(mentions, groups=group_of, options=options.merge)
    return events, groups, cleaned


def keep_event_ids(events: Sequence[Event], previous: Sequence[Event]) -> list[Event]:
    """Give each new event the id of the stored event it grew from, so ids stay stable as reports arrive.

    An event inherits the id of the stored event with which it shares the most mentions
    (ties: the smaller id); each stored id goes to one new event at most.
    """
    owner = {m.mention_id: e.event_id for e in previous for m in e.mentions}
    candidates = []
    for k, event in enumerate(events):
        shared: dict[str, int] = {}
        for m in event.mentions:
            old = owner.get(m.mention_id)
            if old is not None:
                shared[old] = shared.get(old, 0) + 1
        candidates.extend((-n, old, k) for old, n in shared.items())
    taken_ids: set[str] = set()
    new_ids: dict[int, str] = {}
    for _, old, k in sorted(candidates):
        if old in taken_ids or k in new_ids:
            continue
        taken_ids.add(old)
        new_ids[k] = old
    fresh = {e.event_id for k, e in enumerate(events) if k not in new_ids}
    out = []
    for k, event in enumerate(events):
        new_id = new_ids.get(k)
        if new_id is None and event.event_id in taken_ids:
            # The content-hash id now names an older event that went elsewhere: derive another.
            new_id = content_hash("event", event.event_id, *sorted(fresh))
        out.append(dataclasses.replace(event, event_id=new_id) if new_id and new_id != event.event_id else event)
    return out


def run(paths: Iterable[str | Path], *, options: Options | None = None, gazetteer: Gazetteer | None = None,
        progress: Progress | None = None) -> RunResult:
    """Read news files, extract and merge their events, and store the ledger in `options.db`.

    Articles already stored with the same text are not parsed again; the events are merged
    anew over every stored article, so running the same input twice changes nothing.
    """
    options = options or Options()
    errors: list[InputError] = []
    incoming = list(read_articles(paths, errors=errors))
    with Store(options.db) as store:
        known = store.article_hashes()
        by_id: dict[str, Article] = {a.id: a for a in store.load_articles()}
        changed = {a.id for a in incoming if known.get(a.id) != a.content_id}
        for a in incoming:
            by_id[a.id] = a
        articles = [by_id[k] for k in sorted(by_id)]
        previous = store.load_events(include_background=True)
        stored_mentions = [m for e in previous for m in e.mentions]
        events, groups, cleaned = process_articles(
            articles, options=options, gazetteer=gazetteer, stored_mentions=stored_mentions,
            extract_ids=changed, progress=progress)
        events = keep_event_ids(events, previous)
        group_of = {aid: g.group_id for g in groups for aid in g.article_ids}
        store.save_articles((c.article, c.text, group_of.get(c.id)) for c in cleaned)
        store.save_events(events, articles=[c.id for c in cleaned])
    return RunResult(
        articles_read=len(incoming), articles_extracted=len(changed),
        articles_unchanged=len(incoming) - len(changed), errors=tuple(errors), groups=tuple(groups),
        events=tuple(events),
    )
