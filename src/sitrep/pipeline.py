"""The one module that knows the order of the stages: ingest → clean → dedupe → extract → merge → store."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .clean import clean_article
from .dedupe import REWRITE, connected, find_syndication
from .errors import ConfigError, InputError, StoreError
from .extract.dates import infer_publication_date
from .extract.mentions import ExtractOptions, Extractor
from .geocode import Gazetteer, default_gazetteer
from .ingest import DATE_MARKER, MAX_DAYS_AHEAD, read_articles, unique_ids
from .merge import MergeOptions, merge_mentions
from .nlp import DEFAULT_MODEL, load_pipeline
from .prefilter import load_prefilter, select_candidates
from .review import apply_corrections, check_correction
from .records import EARLIEST_EVENT_DATE, Article, CleanArticle, Correction, Event, Mention, SyndicationGroup, content_hash
from .store import Store

LOGGER = logging.getLogger(__name__)

__all__ = ["Options", "RunResult", "Progress", "STAGES", "report", "run", "ingest", "process_articles", "publication_dates", "keep_event_ids", "number_repeats", "same_story", "retract", "correct"]

DEFAULT_DB = "sitrep.db"
# Share of the shorter report found in the other above which two reports are copies of one story
# (dedupe's containment score): syndicated copies and light rewrites score 0.9-1.0 on the seed and
# example corpora; reports that only recall a shared paragraph score about 0.5.
SAME_STORY_OVERLAP = 0.8
# How often (in articles read) the reading stage reports progress: a line a second or so on a big folder.
READ_REPORT_EVERY = 200


@dataclass(frozen=True, slots=True)
class Options:
    """Options of a run, passed down to each stage."""

    db: str = DEFAULT_DB
    model: str = DEFAULT_MODEL
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    merge: MergeOptions = field(default_factory=MergeOptions)
    # The cheap first pass (prefilter.py): only articles that read like conflict news get the
    # full parse. Off = every article is parsed.
    prefilter: bool = True
    # Where clean and extract run: "local" (this process) or "dask" (distributed.py; a
    # LocalCluster on 127.0.0.1 unless `scheduler` gives tcp://HOST:PORT).
    engine: str = "local"
    scheduler: str | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run read, what it skipped, and the ledger it left in the store."""

    articles_read: int
    articles_extracted: int
    articles_unchanged: int
    errors: tuple[InputError, ...]
    groups: tuple[SyndicationGroup, ...]
    events: tuple[Event, ...]


# progress(stage, done, total): the stage running (one of STAGES) and how far it is; total is None
# while it is not known. Each stage is announced (done 0) before its work starts.
Progress = Callable[[str, int, "int | None"], None]
STAGES = ("reading", "cleaning", "finding copies", "parsing", "merging", "saving")


def report(progress: Progress | None, stage: str, done: int = 0, total: int | None = None) -> None:
    """Tell `progress` (if any) how far `stage` is."""
    if progress is not None:
        progress(stage, done, total)


def publication_dates(cleaned: Sequence[CleanArticle],
                      groups: Iterable[SyndicationGroup]) -> dict[str, tuple[dt.date, int]]:
    """Publication dates: as given, else read from the text, else inherited from a syndicated copy."""
    dates: dict[str, tuple[dt.date, int]] = {}
    for art in cleaned:
        if art.article.published is not None:
            dates[art.id] = (art.article.published, art.article.published_precision or 1)
            continue
        marker = DATE_MARKER.match(art.article.text)
        if marker:  # a ` date YYYY-MM-DD ` stamp at the start of a record of any format
            try:
                day = dt.date.fromisoformat(marker.group(1))
            except ValueError:
                day = None
            if day is not None and EARLIEST_EVENT_DATE <= day <= dt.date.today() + dt.timedelta(days=MAX_DAYS_AHEAD):
                dates[art.id] = (day, 1)
                continue
            LOGGER.warning("%s: the date stamp %s is not a publication date; ignored it", art.id, marker.group(1))
        inferred = infer_publication_date(art.text, url=art.article.url, title=art.article.title)
        if inferred is not None:
            dates[art.id] = inferred
            LOGGER.info("%s: no publication date; read %s from the text", art.id, inferred[0])
    given = {art.id for art in cleaned if art.article.published is not None}
    for group in groups:
        known = sorted((dates[a] for a in group.article_ids if a in dates), key=lambda d: (d[1], d[0]))
        if not known:
            continue
        for article_id in group.article_ids:
            # a copy with no date, or only a guess less precise than its twin's, takes the twin's
            if article_id not in given and (article_id not in dates or dates[article_id][1] > known[0][1]):
                dates[article_id] = known[0]
                LOGGER.info("%s: no publication date; inherited %s from its syndicated copy",
                            article_id, known[0][0])
    return dates


def same_story(groups: Iterable[SyndicationGroup]) -> list[SyndicationGroup]:
    """The syndication groups whose members are copies of one story, not just sharing a paragraph.

    Two reports are one story when most of the shorter one stands in the other
    (overlap >= SAME_STORY_OVERLAP); reports of different events told in the same stock
    phrases, or a story that recalls another's paragraph, share less.
    """
    stories = []
    for group in groups:
        # a machine rewrite ("spun" copy) swaps the words but keeps the names and numbers
        story = connected(list(group.article_ids), [(a, b) for a, b, score, kind in group.pairs
                                                     if score >= SAME_STORY_OVERLAP or kind == REWRITE])
        members: dict[str, list[str]] = {}
        for a, root in story.items():
            members.setdefault(root, []).append(a)
        for ids in members.values():
            if len(ids) > 1:
                ids = sorted(ids)
                stories.append(SyndicationGroup(content_hash(*ids), tuple(ids),
                                                tuple(p for p in group.pairs if p[0] in ids and p[1] in ids)))
    return stories


def _to_extract(cleaned: Sequence[CleanArticle], *, options: Options,
                extract_ids: set[str] | None) -> list[CleanArticle]:
    """The articles to parse: new or changed ones that pass the first pass (prefilter.py)."""
    todo = [c for c in cleaned if extract_ids is None or c.id in extract_ids]
    return select_candidates(todo, load_prefilter(options.model)) if options.prefilter else todo


def process_articles(articles: Sequence[Article], *, options: Options | None = None,
                     gazetteer: Gazetteer | None = None, stored_mentions: Sequence[Mention] = (),
                     extract_ids: set[str] | None = None,
                     progress: Progress | None = None) -> tuple[list[Event], list[SyndicationGroup],
                                                                list[CleanArticle]]:
    """Clean, dedupe, extract and merge; `extract_ids` limits extraction to new or changed articles."""
    options = options or Options()
    report(progress, "cleaning", 0, len(articles))
    gazetteer = gazetteer or default_gazetteer()
    cleaned = [clean_article(a) for a in articles]
    report(progress, "finding copies", 0, len(cleaned))
    plan = _plan(cleaned, options=options, extract_ids=extract_ids)
    report(progress, "parsing", 0, len(plan.todo))  # loading the language model takes a few seconds
    extractor = Extractor(load_pipeline(options.model), gazetteer, options=options.extract)

    def extracted() -> Iterator[list[Mention]]:
        for k, found in enumerate(extractor.extract(plan.todo, plan.published), start=1):
            yield found
            report(progress, "parsing", k, len(plan.todo))

    events = _merge(extracted(), plan, options=options, stored_mentions=stored_mentions, extract_ids=extract_ids,
                    progress=progress)
    return events, plan.groups, cleaned


# -- the central steps, shared by the engines (process_articles here, distributed.py on Dask) --

@dataclass(frozen=True, slots=True)
class _Plan:
    """What the steps that need every article decide before extraction."""

    groups: list[SyndicationGroup]
    group_of: dict[str, str]  # article id -> the group (story) it merges with
    published: dict[str, tuple[dt.date, int]]
    todo: list[CleanArticle]  # the articles to parse, in input order


def _plan(cleaned: Sequence[CleanArticle], *, options: Options, extract_ids: set[str] | None) -> _Plan:
    """Dedupe, publication dates and the articles to parse."""
    groups = find_syndication(cleaned)
    stories = same_story(groups)
    group_of = {aid: g.group_id for g in stories for aid in g.article_ids}
    pub = publication_dates(cleaned, stories)
    return _Plan(groups, group_of, pub, _to_extract(cleaned, options=options, extract_ids=extract_ids))


def _merge(extracted: Iterable[list[Mention]], plan: _Plan, *, options: Options,
           stored_mentions: Sequence[Mention], extract_ids: set[str] | None,
           progress: Progress | None = None) -> list[Event]:
    """Merge the stored mentions of unchanged articles with the new ones (in `plan.todo` order)."""
    mentions: list[Mention] = [m for m in stored_mentions
                               if extract_ids is None or m.article_id not in extract_ids]
    for found in extracted:
        mentions.extend(found)
    mentions = number_repeats(mentions)
    report(progress, "merging", 0, len(mentions))
    return merge_mentions(mentions, groups=plan.group_of, options=options.merge)


def number_repeats(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions, in the same order, those of a sentence its article repeats word for word
    numbered by offset (`Mention.occurrence` 1, 2, ...), so that no two share an id."""
    copies: dict[str, list[int]] = {}
    for k, m in enumerate(mentions):
        copies.setdefault(dataclasses.replace(m, occurrence=0).mention_id, []).append(k)
    out = list(mentions)
    for positions in copies.values():
        starts = sorted({mentions[k].start for k in positions})
        if len(starts) > 1:
            for k in positions:
                out[k] = dataclasses.replace(mentions[k], occurrence=starts.index(mentions[k].start))
    return out


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


def _engine(options: Options) -> Callable[..., tuple[list[Event], list[SyndicationGroup], list[CleanArticle]]]:
    """`process_articles` for the local engine; its Dask twin (same results) for "dask"."""
    if options.engine == "local":
        return process_articles
    if options.engine == "dask":
        from .distributed import process_articles_dask  # needs the optional extra "dask"

        return functools.partial(process_articles_dask, scheduler=options.scheduler)
    raise ConfigError(f"unknown engine {options.engine!r}: use 'local' or 'dask'")


def run(paths: Iterable[str | Path], *, options: Options | None = None, gazetteer: Gazetteer | None = None,
        progress: Progress | None = None) -> RunResult:
    """Read news files, extract and merge their events, and store the ledger in `options.db`.

    Articles already stored with the same text are not parsed again; the events are merged
    anew over every stored article, so running the same input twice changes nothing.
    """
    options = options or Options()
    errors: list[InputError] = []
    report(progress, "reading")
    incoming = []
    for article in read_articles(paths, errors=errors):
        incoming.append(article)
        if len(incoming) % READ_REPORT_EVERY == 0:
            report(progress, "reading", len(incoming))
    # exclusive(): concurrent writers take turns, from the first read to the commit.
    with Store(options.db) as store, store.exclusive("run"):
        return ingest(incoming, store, options=options, gazetteer=gazetteer, progress=progress, errors=errors)


def ingest(incoming: Sequence[Article], store: Store, *, options: Options, gazetteer: Gazetteer | None = None,
           progress: Progress | None = None, errors: Sequence[InputError] = (),
           reason: str | None = None) -> RunResult:
    """Add articles already read to the ledger in `store`: extract the new or changed ones, merge
    anew over every stored article that is not retracted, keep event ids, apply the analyst's
    corrections, and save it all in one transaction.

    Records sharing an id are reported in the result's errors (ingest.unique_ids); `reason` says
    why events that disappear are deleted (the change log keeps it).
    """
    errors = list(errors)
    latest, revisions = unique_ids(incoming, errors=errors)
    retracted = store.retractions()
    for article in latest:
        if article.id in retracted:
            LOGGER.warning("%s: the article is retracted (%s); not ingested again", article.id, retracted[article.id])
    latest = [a for a in latest if a.id not in retracted]
    known = store.article_hashes()
    by_id: dict[str, Article] = {a.id: a for a in store.load_articles() if a.id not in retracted}
    changed = {a.id for a in latest if known.get(a.id) != a.content_id}
    by_id.update((a.id, a) for a in latest)
    articles = [by_id[k] for k in sorted(by_id)]
    previous = store.load_events(include_background=True)
    stored_mentions = [m for e in previous for m in e.mentions if m.article_id not in retracted]
    events, groups, cleaned = _engine(options)(
        articles, options=options, gazetteer=gazetteer, stored_mentions=stored_mentions,
        extract_ids=changed, progress=progress)
    corrections = store.corrections()
    events = apply_corrections(keep_event_ids(events, previous), corrections)
    orphans = sorted({c.event_id for c in corrections} - {e.event_id for e in events})
    if orphans:  # kept, in case the event comes back; named, so that no correction is lost silently
        LOGGER.warning("%d corrected events are no longer in the ledger (their reports were retracted or "
                       "now make other events); their corrections wait: %s", len(orphans), ", ".join(orphans[:10]))
    group_of = {aid: g.group_id for g in groups for aid in g.article_ids}
    report(progress, "saving", 0, len(events))
    # One transaction: a run killed here leaves the ledger as it was before the run.
    store.save_run(((c.article, c.text, group_of.get(c.id)) for c in cleaned), events,
                   scope=[c.id for c in cleaned] + sorted(retracted), revisions=revisions, reason=reason)
    return RunResult(
        articles_read=len(latest), articles_extracted=len(changed),
        articles_unchanged=len(latest) - len(changed), errors=tuple(errors), groups=tuple(groups),
        events=tuple(events),
    )


def retract(store: Store, article_id: str, reason: str, *, options: Options,
            gazetteer: Gazetteer | None = None) -> RunResult:
    """Withdraw an article: its events are merged anew without it (or deleted, with `reason`),
    and later runs leave it out. One transaction, under the writers' lock."""
    with store.exclusive("retract an article"):
        store.retract(article_id, reason)
        return ingest([], store, options=options, gazetteer=gazetteer,
                      reason=f"article {article_id} retracted: {reason.strip()}")


def correct(store: Store, corrections: Sequence[Correction], *, options: Options,
            gazetteer: Gazetteer | None = None) -> Event:
    """Apply an analyst's corrections (or verdict) to one event and keep them for later runs.

    The event may be named by a unique prefix of its id; returns it as corrected. InputError
    for a bad field or value, StoreError for an unknown event.
    """
    if not corrections or len({c.event_id for c in corrections}) != 1:
        raise ConfigError("give one event and at least one correction")
    with store.exclusive("correct an event"):
        event = store.get_event(corrections[0].event_id)
        if event is None:
            raise StoreError(f"{store.name}: no event {corrections[0].event_id!r} to correct")
        checked = [check_correction(dataclasses.replace(c, event_id=event.event_id)) for c in corrections]
        for c in checked:
            store.save_correction(c)
        ingest([], store, options=options, gazetteer=gazetteer)
        return store.get_event(event.event_id) or event
