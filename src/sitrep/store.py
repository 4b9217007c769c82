"""The event ledger on disk: articles, mentions, claims and events in SQL (SQLite or PostgreSQL)."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
import logging
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal, Sequence, get_args

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from . import install_hint
from .errors import ConfigError, StoreError
from .records import (EARLIEST_EVENT_DATE, Article, Claim, Correction, DateRange, Event, Mention, Place,
                      content_hash)

LOGGER = logging.getLogger(__name__)

__all__ = ["Store", "Migration", "MIGRATIONS", "METADATA", "Undated", "UNDATED_CHOICES", "undated_condition",
           "sqlalchemy_url", "CHANGE_KINDS"]

# Ids per IN (...) list: below SQLite's oldest limit of 999 bound parameters per statement.
IN_CHUNK = 500
# Rows per executemany call: large enough to amortise round trips, small enough for PostgreSQL.
INSERT_CHUNK = 1000
# Length of the fingerprint that tells an unchanged event from a changed one (hex digits).
FINGERPRINT_LENGTH = 32
# PostgreSQL advisory lock keys (64-bit numbers sitrep alone uses): the writers' lock (runs, API
# ingest, retractions, corrections) and migrations. Several processes may write one ledger; these
# make them take turns.
PG_WRITE_LOCK = 0x5174_7265_7002
PG_MIGRATE_LOCK = 0x5174_7265_7003
# How long a writer waits for another to finish before giving up (seconds): a run over a few
# thousand reports holds the ledger for some minutes; SITREP_LOCK_TIMEOUT changes it.
DEFAULT_LOCK_TIMEOUT = 1800.0
# How long a statement waits on SQLite's file lock otherwise (seconds; Python's sqlite3 default).
SQLITE_BUSY_TIMEOUT = 5.0
# SQLite errors that mean "another connection holds the lock".
_SQLITE_BUSY = ("database is locked", "database is busy")

Migration = tuple[str, Callable[[Connection], None]]
# Which events a read returns by date: only dated ones, all, or only the undated ones.
Undated = Literal["exclude", "include", "only"]
UNDATED_CHOICES: tuple[str, ...] = get_args(Undated)

METADATA = sa.MetaData()

# Place columns shared by mentions and events: a NULL place_name means no place at all.
def _place_columns() -> list[sa.Column]:
    return [
        sa.Column("place_name", sa.Text),
        sa.Column("country", sa.Text),
        sa.Column("iso", sa.String(8)),
        sa.Column("admin1", sa.Text),
        sa.Column("admin2", sa.Text),
        sa.Column("admin3", sa.Text),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("geo_precision", sa.Integer),
        sa.Column("geonames_id", sa.Integer),
    ]


# Date columns shared by mentions and events: a NULL date means no date at all.
def _date_columns(nullable: bool) -> list[sa.Column]:
    return [
        sa.Column("date", sa.Date, nullable=nullable),
        sa.Column("date_min", sa.Date, nullable=nullable),
        sa.Column("date_max", sa.Date, nullable=nullable),
        sa.Column("time_precision", sa.Integer, nullable=nullable),
        sa.Column("date_text", sa.Text),
    ]


SCHEMA_MIGRATIONS = sa.Table(
    "schema_migrations", METADATA,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

ARTICLES = sa.Table(
    "articles", METADATA,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("published_precision", sa.Integer),
    sa.Column("source", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("clean_text", sa.Text),
    sa.Column("syndication_group", sa.String),
    sa.Column("ingested_at", sa.DateTime, nullable=False),  # naive UTC
)

def _events_table(metadata: sa.MetaData, *, dates_nullable: bool, review: bool = True) -> sa.Table:
    # A NULL date is an undated event (migration 0004_undated_events; NOT NULL before it); the
    # analyst's verdict came with 0005_living_ledger.
    return sa.Table(
        "events", metadata,
        sa.Column("event_id", sa.String, primary_key=True),
        *_date_columns(nullable=dates_nullable),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("sub_event_type", sa.Text, nullable=False),
        sa.Column("actors", sa.Text, nullable=False),  # JSON list
        *_place_columns(),
        sa.Column("fatalities_low", sa.Integer),
        sa.Column("fatalities_best", sa.Integer),
        sa.Column("fatalities_high", sa.Integer),
        sa.Column("denied_by", sa.Text, nullable=False),  # JSON list
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("background", sa.Boolean, nullable=False),
        sa.Column("merge_reasons", sa.Text, nullable=False),  # JSON list
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),  # naive UTC; kept while the event is unchanged
        *([sa.Column("review", sa.Text)] if review else []),  # "verified", "rejected" or NULL
    )


EVENTS = _events_table(METADATA, dates_nullable=True)


def _mentions_table(metadata: sa.MetaData, *, occurrence: bool = True) -> sa.Table:
    # Mention.occurrence came with 0005_living_ledger.
    return sa.Table(
        "mentions", metadata,
        sa.Column("mention_id", sa.String, primary_key=True),
        sa.Column("event_id", sa.String, sa.ForeignKey("events.event_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),  # position in Event.mentions
        sa.Column("article_id", sa.String, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("trigger", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("sub_event_type", sa.Text, nullable=False),
        sa.Column("actors", sa.Text, nullable=False),  # JSON list
        *_place_columns(),
        sa.Column("place_text", sa.Text),
        *_date_columns(nullable=True),
        sa.Column("stance", sa.Text, nullable=False),
        sa.Column("claimant", sa.Text),
        sa.Column("background", sa.Boolean, nullable=False),
        sa.Column("background_reason", sa.Text),
        sa.Column("outlet", sa.Text),
        *([sa.Column("occurrence", sa.Integer, nullable=False, server_default="0")] if occurrence else []),
        sa.Index("ix_mentions_event_id", "event_id"),
        sa.Index("ix_mentions_article_id", "article_id"),
    )


MENTIONS = _mentions_table(METADATA)

# One row per claim of an event. A claim usually sits both in Event.claims and in its
# mention's claims: one row records both places (event seq and mention_id/mention_seq).
# Claim.claim_id leaves out the claimant and qualifier, so two claims of one sentence can
# share it: the key is (event_id, seq) and claim_id is an indexed column.
CLAIMS = sa.Table(
    "claims", METADATA,
    sa.Column("event_id", sa.String, sa.ForeignKey("events.event_id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("claim_id", sa.String, nullable=False),
    sa.Column("in_event", sa.Boolean, nullable=False),  # listed in Event.claims (at position seq)
    sa.Column("mention_id", sa.String, sa.ForeignKey("mentions.mention_id")),
    sa.Column("mention_seq", sa.Integer),  # position in that mention's claims
    sa.Column("article_id", sa.String, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("n", sa.Integer),
    sa.Column("low", sa.Integer),
    sa.Column("high", sa.Integer),
    sa.Column("qualifier", sa.Text),
    sa.Column("side", sa.Text),
    sa.Column("claimant", sa.Text),
    sa.Column("claimant_text", sa.Text),
    sa.Column("stance", sa.Text, nullable=False),
    sa.Column("estimated", sa.Boolean, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Index("ix_claims_claim_id", "claim_id"),
    sa.Index("ix_claims_article_id", "article_id"),
    sa.Index("ix_claims_mention_id", "mention_id"),
)

# One row per version of an event: written when an event first appears and whenever a later
# report changes it (ACLED's living database: a figure revised keeps the figure it replaced).
def _event_history_table(metadata: sa.MetaData, *, dates_nullable: bool, evidence: bool = True) -> sa.Table:
    return sa.Table(
        "event_history", metadata,
        sa.Column("event_id", sa.String, primary_key=True),
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),  # naive UTC
        sa.Column("date", sa.Date, nullable=dates_nullable),  # NULL: the version was undated
        sa.Column("sub_event_type", sa.Text, nullable=False),
        sa.Column("fatalities_low", sa.Integer),
        sa.Column("fatalities_best", sa.Integer),
        sa.Column("fatalities_high", sa.Integer),
        sa.Column("n_reports", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        # JSON list of the claims behind the figures, each with its sentence (0005_living_ledger)
        *([sa.Column("evidence", sa.Text)] if evidence else []),
        *([sa.Column("review", sa.Text)] if evidence else []),
    )


EVENT_HISTORY = _event_history_table(METADATA, dates_nullable=True)

EVENT_ARTICLES = sa.Table(
    "event_articles", METADATA,
    sa.Column("event_id", sa.String, sa.ForeignKey("events.event_id"), primary_key=True),
    sa.Column("article_id", sa.String, sa.ForeignKey("articles.id"), primary_key=True),
    sa.Index("ix_event_articles_article_id", "article_id"),
)

# An article's earlier texts: when an edited report replaces one, the text it replaced is kept.
ARTICLE_REVISIONS = sa.Table(
    "article_revisions", METADATA,
    sa.Column("article_id", sa.String, primary_key=True),
    sa.Column("content_hash", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("published_precision", sa.Integer),
    sa.Column("source", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("ingested_at", sa.DateTime, nullable=False),  # when this text was first stored
    sa.Column("replaced_at", sa.DateTime, nullable=False),  # when a later text replaced it
)

# Articles withdrawn from the ledger: kept (with their text) but contributing nothing, on every run.
RETRACTIONS = sa.Table(
    "retractions", METADATA,
    sa.Column("article_id", sa.String, primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("retracted_at", sa.DateTime, nullable=False),
)

# The analyst's corrections, one per event and field (the latest), applied after every merge.
CORRECTIONS = sa.Table(
    "corrections", METADATA,
    sa.Column("event_id", sa.String, primary_key=True),
    sa.Column("field", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("corrected_at", sa.DateTime, nullable=False),
)

# Every change to the ledger's events, in order: created, updated, deleted (with why), as ACLED
# serves its updates and deletions; `seq` orders changes recorded in the same microsecond.
CHANGES = sa.Table(
    "changes", METADATA,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("changed_at", sa.DateTime, nullable=False),  # naive UTC
    sa.Column("event_id", sa.String, nullable=False),
    sa.Column("change", sa.String(16), nullable=False),  # one of CHANGE_KINDS
    sa.Column("reason", sa.Text),
    sa.Index("ix_changes_changed_at", "changed_at"),
)
CHANGE_KINDS = ("created", "updated", "deleted")

_LEDGER_TABLES = (ARTICLES, EVENTS, MENTIONS, CLAIMS, EVENT_ARTICLES)


# --- migrations ---------------------------------------------------------------
# Ordered and named (sqlite-utils style); each runs once, in its own transaction, and is
# recorded in schema_migrations. Never edit an applied migration: add a new one. When a later
# migration changes a table, copy the old definition into the earlier migration first.

def _m0001_initial(conn: Connection) -> None:
    # The tables as first created: event dates NOT NULL until 0004_undated_events.
    first = sa.MetaData()
    _events_table(first, dates_nullable=False, review=False)
    _mentions_table(first, occurrence=False)
    for table in _LEDGER_TABLES:
        if table is not EVENTS and table is not MENTIONS:
            table.to_metadata(first)
    first.create_all(conn, checkfirst=True)


# Indexes behind the API's event filters (sitrep.api.queries). On SQLite, one covering index in
# listing order holds every filterable column, so a page and its count read the index alone
# (100k events: counts in 5-20 ms instead of 40-200 ms through the table). PostgreSQL gets
# plain indexes (a btree entry must stay small, and actors can be long).
_SQLITE_FILTER_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_events_filter ON events (background, date, event_id, admin1, admin2, "
    "event_type, sub_event_type, actors, fatalities_best, latitude, longitude)",
    # pages that include background events, in date order
    "CREATE INDEX IF NOT EXISTS ix_events_date ON events (date, event_id)",
)
_OTHER_FILTER_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_events_background_date ON events (background, date, event_id)",
    "CREATE INDEX IF NOT EXISTS ix_events_admin1_lower ON events (lower(admin1))",
    "CREATE INDEX IF NOT EXISTS ix_events_fatalities_best ON events (fatalities_best)",
)


def _m0002_event_filter_index(conn: Connection) -> None:
    statements = _SQLITE_FILTER_INDEXES if conn.dialect.name == "sqlite" else _OTHER_FILTER_INDEXES
    for statement in statements:
        conn.exec_driver_sql(statement)


def _m0003_event_history(conn: Connection) -> None:
    _event_history_table(sa.MetaData(), dates_nullable=False, evidence=False).create(conn, checkfirst=True)


def _m0004_undated_events(conn: Connection) -> None:
    """Event dates may be NULL (an undated event); the old sentinel 0001-01-01 becomes NULL."""
    if conn.dialect.name == "sqlite":
        _sqlite_rebuild(conn, _events_table(sa.MetaData(), dates_nullable=True, review=False),
                        _SQLITE_FILTER_INDEXES)
        _sqlite_rebuild(conn, _event_history_table(sa.MetaData(), dates_nullable=True, evidence=False))
    else:
        for column in ("date", "date_min", "date_max", "time_precision"):
            conn.exec_driver_sql(f'ALTER TABLE events ALTER COLUMN "{column}" DROP NOT NULL')
        conn.exec_driver_sql('ALTER TABLE event_history ALTER COLUMN "date" DROP NOT NULL')
    undated = conn.execute(sa.update(EVENTS).where(EVENTS.c.date < EARLIEST_EVENT_DATE).values(
        date=None, date_min=None, date_max=None, time_precision=None, date_text=None)).rowcount
    conn.execute(sa.update(EVENT_HISTORY).where(EVENT_HISTORY.c.date < EARLIEST_EVENT_DATE).values(date=None))
    if undated:
        LOGGER.warning("%d events dated before %s (a placeholder for no date) are now undated",
                       undated, EARLIEST_EVENT_DATE)


def _sqlite_rebuild(conn: Connection, table: sa.Table, indexes: Sequence[str] = ()) -> None:
    """Give an SQLite table `table`'s definition: copy into a new table, drop the old, rename.

    SQLite cannot drop a NOT NULL constraint in place (sqlite.org/lang_altertable.html, "Making
    other kinds of table schema changes"); the migration runs with foreign keys off (Store._migrate).
    Columns the old table lacks start empty; `indexes` are created again afterwards.
    """
    old = {row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{table.name}")')}
    new = table.to_metadata(sa.MetaData(), name=f"{table.name}_new")
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{new.name}"')
    new.create(conn)
    columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name in old)
    conn.exec_driver_sql(f'INSERT INTO "{new.name}" ({columns}) SELECT {columns} FROM "{table.name}"')
    conn.exec_driver_sql(f'DROP TABLE "{table.name}"')
    conn.exec_driver_sql(f'ALTER TABLE "{new.name}" RENAME TO "{table.name}"')
    for statement in indexes:
        conn.exec_driver_sql(statement)


def _m0005_living_ledger(conn: Connection) -> None:
    """Revisions, retractions, corrections and the change log; an event's verdict, a mention's
    occurrence, the evidence of each version of an event."""
    conn.exec_driver_sql("ALTER TABLE events ADD COLUMN review TEXT")
    conn.exec_driver_sql("ALTER TABLE mentions ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 0")
    conn.exec_driver_sql("ALTER TABLE event_history ADD COLUMN evidence TEXT")
    conn.exec_driver_sql("ALTER TABLE event_history ADD COLUMN review TEXT")
    for table in (ARTICLE_REVISIONS, RETRACTIONS, CORRECTIONS, CHANGES):
        table.create(conn, checkfirst=True)


MIGRATIONS: tuple[Migration, ...] = (
    ("0001_initial", _m0001_initial),
    ("0002_event_filter_index", _m0002_event_filter_index),
    ("0003_event_history", _m0003_event_history),
    ("0004_undated_events", _m0004_undated_events),
    ("0005_living_ledger", _m0005_living_ledger),
)


def undated_condition(undated: Undated) -> sa.ColumnElement[bool]:
    """The WHERE term on the events table that keeps dated events, all of them, or only the undated.

    A date before EARLIEST_EVENT_DATE is a placeholder for none: such an event counts as undated.
    """
    if undated == "exclude":
        return EVENTS.c.date >= EARLIEST_EVENT_DATE
    if undated == "only":
        return sa.or_(EVENTS.c.date.is_(None), EVENTS.c.date < EARLIEST_EVENT_DATE)
    if undated == "include":
        return sa.true()
    raise ConfigError(f"undated must be one of {', '.join(UNDATED_CHOICES)}, not {undated!r}")


# Events in ledger order: by date, undated last, then by id.
EVENT_ORDER = (undated_condition("only"), EVENTS.c.date, EVENTS.c.event_id)


def sqlalchemy_url(url_or_path: str | Path) -> URL:
    """A SQLAlchemy URL: a URL as given, a plain path as a SQLite file."""
    text = str(url_or_path)
    if "://" in text:
        url = make_url(text)
        # A bare postgresql:// means the driver sitrep installs (extra "postgres": psycopg 3),
        # not SQLAlchemy's default psycopg2.
        return url.set(drivername="postgresql+psycopg") if url.drivername in ("postgresql", "postgres") else url
    return URL.create("sqlite", database=text)


def _utcnow() -> dt.datetime:
    # microseconds kept: two runs within one second must still record their versions in order
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _tuple(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


def _fingerprint(event: Event) -> str:
    # Dataclass reprs are deterministic (dates, floats and strings print the same every run).
    return content_hash(repr(event), length=FINGERPRINT_LENGTH)


class Store:
    """The sitrep database: open (and migrate) with `Store(path_or_url)`, use as a context manager.

    A plain path is a SQLite file (its directory is created); a URL (`postgresql://...`) is used as
    is. With `create=False` (the read commands) a ledger that does not exist yet is an error, never
    created. A ledger written by a newer sitrep, or a database of another application, is refused.

    Every write takes the writers' lock (`exclusive()`): on SQLite a write transaction begun with
    BEGIN IMMEDIATE, on PostgreSQL an advisory lock. A second writer waits (up to `lock_timeout`
    seconds, with a message) and then fails with a StoreError; a failed write leaves what was
    stored before.
    """

    def __init__(self, url_or_path: str | Path, *, migrations: Sequence[Migration] = MIGRATIONS,
                 create: bool = True, lock_timeout: float | None = None) -> None:
        try:
            self.url = sqlalchemy_url(url_or_path)
        except (SQLAlchemyError, ValueError) as err:
            raise StoreError(f"{url_or_path}: not a database path or URL ({err}); give a file path "
                             f"such as sitrep.db or a URL such as postgresql://user@host/db") from err
        self.name = self.url.render_as_string(hide_password=True)
        self.lock_timeout = _lock_timeout() if lock_timeout is None else lock_timeout
        self._closed = False
        self._held = threading.local()  # .conn: the connection of the write this thread holds
        if create:
            self._make_parent_dir()
        elif self._sqlite_file() is not None and not Path(self._sqlite_file()).expanduser().is_file():
            raise StoreError(f"{self.name}: no ledger there (the file does not exist); check --db, or "
                             f"create one with `sitrep run REPORTS --db {url_or_path}`")
        try:
            self.engine: Engine = sa.create_engine(self.url)
        except (SQLAlchemyError, ImportError) as err:
            raise StoreError(f"{self.name}: cannot open the database ({err}); check the URL and that "
                             f"its driver is installed (PostgreSQL: {install_hint('postgres')})") from err
        if self.engine.dialect.name == "sqlite":
            _sqlite_setup(self.engine)
        try:
            self.applied: tuple[str, ...] = self._migrate(migrations, create=create)
        except StoreError:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.name!r})"

    def close(self) -> None:
        """Release the connections; the store cannot be used afterwards."""
        if not self._closed:
            self.engine.dispose()
            self._closed = True

    def _sqlite_file(self) -> str | None:
        """The SQLite file's path, or None (another database, or SQLite in memory)."""
        if self.url.get_backend_name() != "sqlite":
            return None
        database = self.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return database

    def _make_parent_dir(self) -> None:
        database = self._sqlite_file()
        if database is None:
            return
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"{self.name}: cannot create the directory {Path(database).parent} "
                             f"({err.strerror}); choose a writable path") from err

    @contextmanager
    def _guard(self, action: str, hint: str) -> Iterator[None]:
        if self._closed:
            raise StoreError(f"{self.name}: the store is closed; open a new Store to {action}")
        try:
            yield
        except SQLAlchemyError as err:
            detail = getattr(err, "orig", None) or err
            text = str(detail).splitlines()[0] if str(detail) else ""
            raise StoreError(f"{self.name}: cannot {action} ({type(detail).__name__}: {text}); "
                             f"{_sqlite_hint(text) or hint}") from err

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        """A connection in a write transaction holding the writers' lock (the held one, if any)."""
        with self.exclusive(action):
            yield self._held.conn

    @contextmanager
    def exclusive(self, action: str = "write the ledger") -> Iterator[None]:
        """Hold the writers' lock from the first read to the commit, in one transaction.

        Every read and write of this store in this thread inside the block goes through that
        transaction; it commits when the block ends and rolls back when it raises. Two runs (or
        a run and an API ingest, a retraction, a correction) thus take turns: the second reads
        the first's articles and events, so concurrent runs give the ledger of the same runs
        one after the other. Nested blocks share the outer one.
        """
        if getattr(self._held, "conn", None) is not None:
            yield
            return
        hint = "nothing was changed; check that the database is writable and has space, then run again"
        with self._guard(action, hint), self.engine.connect() as conn:
            self._lock(conn)
            self._held.conn = conn
            try:
                with conn.begin() if not conn.in_transaction() else conn.get_transaction():
                    yield
            finally:
                self._held.conn = None

    def _lock(self, conn: Connection) -> None:
        """Begin `conn`'s transaction holding the writers' lock; wait for another writer, then fail."""
        if conn.dialect.name == "sqlite":
            _sqlite_begin_immediate(conn, self.name, self.lock_timeout)
            return
        conn.begin()
        if conn.dialect.name != "postgresql":
            return
        if conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK}).scalar():
            return
        LOGGER.warning("%s: another sitrep process is writing the ledger; waiting for it (up to %.0f s)",
                       self.name, self.lock_timeout)
        conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'"))
        try:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
        except sa.exc.OperationalError as err:
            raise StoreError(_busy_message(self.name, self.lock_timeout)) from err
        conn.execute(sa.text("SET LOCAL lock_timeout = 0"))

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        held = getattr(self._held, "conn", None)
        if held is not None:  # inside a write: read what it has written so far
            with self._guard(action, "check that it is a sitrep database and is reachable"):
                yield held
            return
        with self._guard(action, "check that it is a sitrep database and is reachable"):
            with self.engine.connect() as conn:
                yield conn

    # -- migrations --------------------------------------------------------------

    def _migrate(self, migrations: Sequence[Migration], *, create: bool) -> tuple[str, ...]:
        names = [name for name, _ in migrations]
        if len(set(names)) != len(names):
            raise StoreError(f"{self.name}: migration names must be unique, got {names}")
        with self._guard("open the database", "check the path or URL and that the server is running"):
            with self.engine.connect() as conn:
                done = self._check_ledger(conn, names, create=create)
        if done is not None and set(names) <= done:
            return ()  # nothing to do: a read-only ledger opens too
        hint = ("check that the directory is writable and the server is running; a failed migration "
                "was rolled back and will run again on the next open")
        with self._guard("open and migrate the database", hint), self._migration_lock():
            with self._migration_transaction(None) as conn:
                self._check_ledger(conn, names, create=create)
                SCHEMA_MIGRATIONS.create(conn, checkfirst=True)
            applied = []
            for name, migrate in migrations:
                with self._migration_transaction(name) as conn:
                    # checked inside the locked transaction: another process may have just run it
                    if conn.execute(sa.select(SCHEMA_MIGRATIONS.c.name)
                                    .where(SCHEMA_MIGRATIONS.c.name == name)).first() is not None:
                        continue
                    migrate(conn)
                    conn.execute(sa.insert(SCHEMA_MIGRATIONS).values(name=name, applied_at=_utcnow()))
                LOGGER.info("%s: applied migration %s", self.name, name)
                applied.append(name)
        return tuple(applied)

    def _check_ledger(self, conn: Connection, names: Sequence[str], *, create: bool) -> set[str] | None:
        """The migrations applied to the database (None: a new one); StoreError when it is not a
        sitrep ledger, was written by a newer sitrep, or (with create=False) does not exist."""
        tables = set(sa.inspect(conn).get_table_names())
        if SCHEMA_MIGRATIONS.name not in tables:
            ours = {t.name for t in METADATA.sorted_tables}
            foreign = sorted(tables) if conn.dialect.name == "sqlite" else sorted(tables & ours)
            if foreign:
                raise StoreError(f"{self.name}: not a sitrep ledger (it holds the tables "
                                 f"{', '.join(foreign[:8])}{', ...' if len(foreign) > 8 else ''} and no "
                                 f"schema_migrations); give the path of a sitrep ledger or a new file")
            if not create:
                raise StoreError(f"{self.name}: no sitrep ledger there (the database is empty); check "
                                 f"--db, or create one with `sitrep run REPORTS --db ...`")
            return None
        columns = {c["name"] for c in sa.inspect(conn).get_columns(SCHEMA_MIGRATIONS.name)}
        if columns != {"name", "applied_at"}:
            raise StoreError(f"{self.name}: not a sitrep ledger (its schema_migrations table has the "
                             f"columns {', '.join(sorted(columns))}); give the path of a sitrep ledger")
        done = set(conn.execute(sa.select(SCHEMA_MIGRATIONS.c.name)).scalars())
        unknown = sorted(done - set(names))
        if unknown and names and names[0] not in done:
            raise StoreError(f"{self.name}: not a sitrep ledger (its migrations are {', '.join(unknown[:5])}); "
                             f"give the path of a sitrep ledger")
        if unknown:
            raise StoreError(f"{self.name}: written by a newer version of sitrep (migrations "
                             f"{', '.join(unknown)} are unknown to sitrep {_version()}); upgrade sitrep "
                             f"to open it, so that nothing it stores is lost")
        return done

    @contextmanager
    def _migration_transaction(self, name: str | None) -> Iterator[Connection]:
        """One migration's transaction, holding the writers' lock on SQLite; there, with foreign
        keys off, checked before it commits.

        SQLite rebuilds a table by copy, drop and rename (sqlite.org/lang_altertable.html), which
        foreign keys would refuse; the pragma has no effect inside a transaction, so it is set
        on the driver's connection before the transaction begins.
        """
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            driver = conn.connection.dbapi_connection
            driver.execute("PRAGMA foreign_keys=OFF")
            try:
                _sqlite_begin_immediate(conn, self.name, self.lock_timeout)
                with conn.begin():
                    yield conn
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(f"{self.name}: migration {name} would leave {len(broken)} rows "
                                         f"pointing at missing rows (first: table {broken[0][0]}); "
                                         f"it was rolled back: report this as a bug")
            finally:
                driver.execute("PRAGMA foreign_keys=ON")

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """PostgreSQL: two processes opening a new database at once; one migrates, the other waits."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATE_LOCK})
            yield  # released when this connection's transaction ends (rolled back on close)

    def migrations(self) -> list[str]:
        """Names of the migrations applied to this database, in the order they ran."""
        with self._read("read the migrations") as conn:
            rows = conn.execute(sa.select(SCHEMA_MIGRATIONS.c.name)
                                .order_by(SCHEMA_MIGRATIONS.c.applied_at, SCHEMA_MIGRATIONS.c.name))
            return list(rows.scalars())

    # -- articles ----------------------------------------------------------------

    def save_articles(self, articles: Iterable[tuple[Article, str, str | None]]) -> int:
        """Insert or update articles with their clean text and syndication group; returns rows changed.

        An article stored with the same fields is left alone; `ingested_at` changes only when the
        text does.
        """
        with self._write("save articles") as conn:
            return self._save_articles(conn, articles)

    def save_run(self, articles: Iterable[tuple[Article, str, str | None]], events: Sequence[Event], *,
                 scope: Iterable[str] | None = None, revisions: Sequence[Article] = (),
                 reason: str | None = None) -> None:
        """Save a run's articles and its events in ONE transaction: a run killed half-way leaves the
        ledger as it was, never articles marked done whose events are missing.

        `revisions`: earlier texts of the run's articles (a record its file sent twice), kept as
        revisions; `reason`: why events that disappear are deleted (the change log says so).
        """
        with self._write("save the run") as conn:
            now = _utcnow()
            self._save_revisions(conn, [_revision_row(a, now) for a in revisions])
            self._save_articles(conn, articles)
            self._save_events(conn, events, articles=scope, reason=reason)

    def _save_articles(self, conn: Connection, articles: Iterable[tuple[Article, str, str | None]]) -> int:
        incoming: dict[str, dict] = {}
        for article, clean_text, group in articles:
            incoming[article.id] = _article_row(article, clean_text, group)
        if not incoming:
            return 0
        now = _utcnow()
        inserts, updates, revisions = [], [], []
        existing: dict[str, dict] = {}
        for chunk in _chunks(sorted(incoming), IN_CHUNK):
            rows = conn.execute(sa.select(ARTICLES).where(ARTICLES.c.id.in_(chunk))).mappings()
            existing.update((r["id"], dict(r)) for r in rows)
        for article_id, row in incoming.items():
            old = existing.get(article_id)
            if old is None:
                inserts.append({**row, "ingested_at": now})
                continue
            same_text = old["content_hash"] == row["content_hash"]
            if same_text and all(old[k] == v for k, v in row.items()):
                continue
            if not same_text:
                revisions.append({k: old[k] for k in ("title", "url", "outlet", "published", "published_precision",
                                                      "source", "text", "content_hash", "ingested_at")}
                                 | {"article_id": article_id, "replaced_at": now})
            updates.append({**row, "_id": article_id,
                            "ingested_at": old["ingested_at"] if same_text else now})
        for chunk in _chunks(inserts, INSERT_CHUNK):
            conn.execute(sa.insert(ARTICLES), list(chunk))
        self._save_revisions(conn, revisions)
        if updates:
            stmt = (sa.update(ARTICLES).where(ARTICLES.c.id == sa.bindparam("_id"))
                    .values({k: sa.bindparam(k) for k in updates[0] if k not in ("_id", "id")}))
            for chunk in _chunks(updates, INSERT_CHUNK):
                conn.execute(stmt, list(chunk))
        LOGGER.info("%s: %d articles added, %d updated, %d unchanged", self.name, len(inserts),
                    len(updates), len(incoming) - len(inserts) - len(updates))
        return len(inserts) + len(updates)

    def _save_revisions(self, conn: Connection, revisions: Sequence[dict]) -> None:
        """Keep the texts edited reports replaced (a text seen before: its replacement time moves)."""
        for row in revisions:
            key = ((ARTICLE_REVISIONS.c.article_id == row["article_id"])
                   & (ARTICLE_REVISIONS.c.content_hash == row["content_hash"]))
            if conn.execute(sa.update(ARTICLE_REVISIONS).where(key)
                            .values(replaced_at=row["replaced_at"])).rowcount == 0:
                conn.execute(sa.insert(ARTICLE_REVISIONS).values(row))

    def article_revisions(self, article_id: str) -> list[Article]:
        """The earlier texts of an article, oldest first (the current one is `get_article`)."""
        with self._read("read an article's revisions") as conn:
            rows = conn.execute(sa.select(ARTICLE_REVISIONS).where(ARTICLE_REVISIONS.c.article_id == article_id)
                                .order_by(ARTICLE_REVISIONS.c.replaced_at)).mappings()
            return [_article({**r, "id": r["article_id"]}) for r in rows]

    def load_articles(self) -> list[Article]:
        """Every stored article, by id."""
        with self._read("load articles") as conn:
            rows = conn.execute(sa.select(ARTICLES).order_by(ARTICLES.c.id)).mappings()
            return [_article(r) for r in rows]

    def get_article(self, article_id: str) -> Article | None:
        """One stored article, or None."""
        with self._read("read an article") as conn:
            row = conn.execute(sa.select(ARTICLES).where(ARTICLES.c.id == article_id)).mappings().first()
            return _article(row) if row is not None else None

    def article_ids(self) -> set[str]:
        """Ids of the stored articles."""
        with self._read("read article ids") as conn:
            return set(conn.execute(sa.select(ARTICLES.c.id)).scalars())

    def article_hashes(self) -> dict[str, str]:
        """Article id -> content hash (Article.content_id), to skip articles that did not change."""
        with self._read("read article hashes") as conn:
            return {r.id: r.content_hash for r in conn.execute(sa.select(ARTICLES.c.id, ARTICLES.c.content_hash))}

    # -- events ------------------------------------------------------------------

    def save_events(self, events: Sequence[Event], *, articles: Iterable[str] | None = None) -> None:
        """Replace, in one transaction, the events derived from the given articles with `events`.

        Every stored event that cites one of `articles` (default: the articles the events cite),
        or that has one of the new event or mention ids, is deleted with its mentions and claims;
        then the new events are inserted. Saving the same events twice changes nothing; pass
        `articles` to also drop the events of articles that no longer yield any.
        """
        with self._write("save events") as conn:
            self._save_events(conn, events, articles=articles)

    def _save_events(self, conn: Connection, events: Sequence[Event], *,
                     articles: Iterable[str] | None = None, reason: str | None = None) -> None:
        events = list(events)
        cited = {m.article_id for e in events for m in e.mentions}
        scope = set(cited if articles is None else articles) | cited
        _check_unique(self.name, events)
        event_rows, mention_rows, claim_rows, link_rows = [], [], [], []
        for event in events:
            event_rows.append(_event_row(event))
            link_rows.extend({"event_id": event.event_id, "article_id": a} for a in event.article_ids)
            mention_rows.extend(_mention_row(event.event_id, seq, m) for seq, m in enumerate(event.mentions))
            claim_rows.extend(_claim_rows(event))
        new_mentions = [r["mention_id"] for r in mention_rows]
        stored = set()
        for chunk in _chunks(sorted(cited), IN_CHUNK):
            stored.update(conn.execute(sa.select(ARTICLES.c.id).where(ARTICLES.c.id.in_(chunk))).scalars())
        missing = sorted(cited - stored)
        if missing:
            raise StoreError(f"{self.name}: cannot save events: they cite {len(missing)} articles that "
                             f"are not stored ({', '.join(missing[:5])}); save_articles() them first")
        doomed = set(r["event_id"] for r in event_rows)
        for chunk in _chunks(sorted(scope), IN_CHUNK):
            doomed.update(conn.execute(sa.select(EVENT_ARTICLES.c.event_id)
                                       .where(EVENT_ARTICLES.c.article_id.in_(chunk))).scalars())
            doomed.update(conn.execute(sa.select(MENTIONS.c.event_id)
                                       .where(MENTIONS.c.article_id.in_(chunk))).scalars())
        for chunk in _chunks(new_mentions, IN_CHUNK):
            doomed.update(conn.execute(sa.select(MENTIONS.c.event_id)
                                       .where(MENTIONS.c.mention_id.in_(chunk))).scalars())
        previous: dict[str, tuple[str, dt.datetime]] = {}
        for chunk in _chunks(sorted(doomed), IN_CHUNK):
            rows = conn.execute(sa.select(EVENTS.c.event_id, EVENTS.c.fingerprint, EVENTS.c.updated_at)
                                .where(EVENTS.c.event_id.in_(chunk)))
            previous.update((r.event_id, (r.fingerprint, r.updated_at)) for r in rows)
            for table in (CLAIMS, MENTIONS, EVENT_ARTICLES, EVENTS):
                conn.execute(sa.delete(table).where(table.c.event_id.in_(chunk)))
        now = _utcnow()
        history = []
        evidence = {e.event_id: [_evidence(c) for c in e.claims] for e in events}
        self._log_changes(conn, previous, event_rows, now, reason)
        for row in event_rows:
            old = previous.get(row["event_id"])
            row["updated_at"] = old[1] if old and old[0] == row["fingerprint"] else now
            if not old or old[0] != row["fingerprint"]:
                history.append({"event_id": row["event_id"], "fingerprint": row["fingerprint"],
                                "recorded_at": now, "date": row["date"],
                                "sub_event_type": row["sub_event_type"],
                                "fatalities_low": row["fatalities_low"],
                                "fatalities_best": row["fatalities_best"],
                                "fatalities_high": row["fatalities_high"],
                                "n_reports": sum(1 for r in link_rows if r["event_id"] == row["event_id"]),
                                "status": row["status"], "review": row["review"],
                                "evidence": _json_rows(evidence[row["event_id"]])})
        for chunk in _chunks(sorted({h["event_id"] for h in history}), IN_CHUNK):
            # a version seen before (a figure revised, then revised back) is recorded again
            known = {(r.event_id, r.fingerprint) for r in conn.execute(
                sa.select(EVENT_HISTORY.c.event_id, EVENT_HISTORY.c.fingerprint)
                .where(EVENT_HISTORY.c.event_id.in_(chunk)))}
            for h in history:
                if (h["event_id"], h["fingerprint"]) in known:
                    conn.execute(sa.update(EVENT_HISTORY).where(
                        (EVENT_HISTORY.c.event_id == h["event_id"])
                        & (EVENT_HISTORY.c.fingerprint == h["fingerprint"])).values(recorded_at=now))
            history = [h for h in history if (h["event_id"], h["fingerprint"]) not in known]
        for chunk in _chunks(history, INSERT_CHUNK):
            conn.execute(sa.insert(EVENT_HISTORY), list(chunk))
        for table, rows in ((EVENTS, event_rows), (MENTIONS, mention_rows),
                            (CLAIMS, claim_rows), (EVENT_ARTICLES, link_rows)):
            for chunk in _chunks(rows, INSERT_CHUNK):
                conn.execute(sa.insert(table), list(chunk))
        LOGGER.info("%s: %d events replaced by %d (%d mentions, %d claims)", self.name,
                    len(previous), len(event_rows), len(mention_rows), len(claim_rows))

    def _log_changes(self, conn: Connection, previous: dict[str, tuple[str, dt.datetime]],
                     event_rows: Sequence[dict], now: dt.datetime, reason: str | None) -> None:
        new = {r["event_id"]: r["fingerprint"] for r in event_rows}
        rows = [{"changed_at": now, "event_id": event_id, "change": "created" if event_id not in previous
                 else "updated", "reason": None}
                for event_id, fingerprint in sorted(new.items())
                if event_id not in previous or previous[event_id][0] != fingerprint]
        rows += [{"changed_at": now, "event_id": event_id, "change": "deleted",
                  "reason": reason or "its reports now belong to other events"}
                 for event_id in sorted(set(previous) - set(new))]
        for chunk in _chunks(rows, INSERT_CHUNK):
            conn.execute(sa.insert(CHANGES), list(chunk))

    def changes(self, *, since: dt.datetime | None = None, limit: int | None = None,
                offset: int = 0) -> tuple[list[dict], int]:
        """The ledger's changes after `since` (naive UTC; default: all), oldest first, and how many
        there are: {seq, changed_at, event_id, change, reason} with change created, updated or
        deleted. An event changed several times is listed each time."""
        where = sa.true() if since is None else CHANGES.c.changed_at > since
        with self._read("read the ledger's changes") as conn:
            count = int(conn.execute(sa.select(sa.func.count()).select_from(CHANGES).where(where)).scalar_one())
            stmt = sa.select(CHANGES).where(where).order_by(CHANGES.c.seq).offset(offset)
            if limit is not None:
                stmt = stmt.limit(limit)
            return [dict(r) for r in conn.execute(stmt).mappings()], count

    # -- retractions and corrections ---------------------------------------------------

    def retract(self, article_id: str, reason: str) -> None:
        """Record that `article_id` is retracted (pipeline.retract re-merges the ledger without it)."""
        if not reason or not reason.strip():
            raise StoreError(f"{self.name}: a retraction needs a reason (why the report is withdrawn)")
        with self._write("retract an article") as conn:
            if conn.execute(sa.select(ARTICLES.c.id).where(ARTICLES.c.id == article_id)).first() is None:
                raise StoreError(f"{self.name}: no article {article_id!r} to retract (see GET /articles)")
            values = {"reason": reason.strip(), "retracted_at": _utcnow()}
            if conn.execute(sa.update(RETRACTIONS).where(RETRACTIONS.c.article_id == article_id)
                            .values(values)).rowcount == 0:
                conn.execute(sa.insert(RETRACTIONS).values(article_id=article_id, **values))

    def retractions(self) -> dict[str, str]:
        """Retracted article id -> the reason given."""
        with self._read("read the retractions") as conn:
            return {r.article_id: r.reason for r in conn.execute(sa.select(RETRACTIONS))}

    def save_correction(self, correction: Correction) -> Correction:
        """Store an analyst's correction of one field of an event (replacing an earlier one of that
        field); returns it with its time. pipeline.correct applies it to the ledger."""
        stored = dataclasses.replace(correction, corrected_at=_utcnow())
        with self._write("save a correction") as conn:
            key = (CORRECTIONS.c.event_id == stored.event_id) & (CORRECTIONS.c.field == stored.field)
            values = {"value": stored.value, "note": stored.note, "corrected_at": stored.corrected_at}
            if conn.execute(sa.update(CORRECTIONS).where(key).values(values)).rowcount == 0:
                conn.execute(sa.insert(CORRECTIONS).values(event_id=stored.event_id, field=stored.field, **values))
        return stored

    def corrections(self) -> list[Correction]:
        """Every stored correction, by event, then in the order they were made."""
        with self._read("read the corrections") as conn:
            rows = conn.execute(sa.select(CORRECTIONS).order_by(CORRECTIONS.c.event_id,
                                                                CORRECTIONS.c.corrected_at, CORRECTIONS.c.field))
            return [Correction(r.event_id, r.field, r.value, r.note, r.corrected_at) for r in rows]

    def event_history(self, event_id: str) -> list[dict]:
        """The versions of an event, oldest first: date, type, fatalities, reports, status, when recorded."""
        with self._read("read an event's history") as conn:
            rows = conn.execute(sa.select(EVENT_HISTORY).where(EVENT_HISTORY.c.event_id == event_id)
                                .order_by(EVENT_HISTORY.c.recorded_at, EVENT_HISTORY.c.fingerprint)).mappings()
            return [dict(r) for r in rows]

    def load_events(self, *, include_background: bool = False, undated: Undated = "include",
                    since: dt.datetime | None = None) -> list[Event]:
        """Every stored event with its mentions and claims, by date (undated last) then id.

        `undated`: "include" (default) the undated events, "exclude" them, or load "only" them;
        `since` (naive UTC): only the events created or changed after it.
        """
        where = sa.true() if include_background else EVENTS.c.background.is_(False)
        if since is not None:
            where = sa.and_(where, EVENTS.c.updated_at > since)
        return self._load_events(sa.and_(where, undated_condition(undated)))

    def get_event(self, event_id: str) -> Event | None:
        """One event by id or by a unique prefix of its id; None when nothing matches.

        Raises StoreError when the prefix matches several events.
        """
        if not event_id:
            return None
        found = self._load_events(EVENTS.c.event_id == event_id)
        if found:
            return found[0]
        with self._read("look up an event") as conn:
            ids = list(conn.execute(sa.select(EVENTS.c.event_id)
                                    .where(EVENTS.c.event_id.startswith(event_id, autoescape=True))
                                    .order_by(EVENTS.c.event_id).limit(6)).scalars())
        if not ids:
            return None
        if len(ids) > 1:
            raise StoreError(f"{self.name}: the event id prefix {event_id!r} matches several events "
                             f"({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''}); give more characters")
        return self._load_events(EVENTS.c.event_id == ids[0])[0]

    def count_events(self, *, include_background: bool = False) -> int:
        """How many events are stored."""
        stmt = sa.select(sa.func.count()).select_from(EVENTS)
        if not include_background:
            stmt = stmt.where(EVENTS.c.background.is_(False))
        with self._read("count events") as conn:
            return int(conn.execute(stmt).scalar_one())

    def _load_events(self, where: sa.ColumnElement[bool]) -> list[Event]:
        chosen = sa.select(EVENTS.c.event_id).where(where)
        with self._read("load events") as conn:
            event_rows = conn.execute(sa.select(EVENTS).where(where)
                                      .order_by(*EVENT_ORDER)).mappings().all()
            if not event_rows:
                return []
            mention_rows = conn.execute(sa.select(MENTIONS).where(MENTIONS.c.event_id.in_(chosen))
                                        .order_by(MENTIONS.c.event_id, MENTIONS.c.seq)).mappings().all()
            claim_rows = conn.execute(sa.select(CLAIMS).where(CLAIMS.c.event_id.in_(chosen))
                                      .order_by(CLAIMS.c.event_id, CLAIMS.c.seq)).mappings().all()
        event_claims: dict[str, list[Claim]] = collections.defaultdict(list)
        mention_claims: dict[str, list[tuple[int, Claim]]] = collections.defaultdict(list)
        for r in claim_rows:
            claim = _claim(r)
            if r["in_event"]:
                event_claims[r["event_id"]].append(claim)
            if r["mention_id"] is not None:
                mention_claims[r["mention_id"]].append((r["mention_seq"], claim))
        mentions: dict[str, list[Mention]] = collections.defaultdict(list)
        for r in mention_rows:
            claims = tuple(c for _, c in sorted(mention_claims.get(r["mention_id"], ()), key=lambda x: x[0]))
            mentions[r["event_id"]].append(_mention(r, claims))
        return [_event(r, tuple(mentions.get(r["event_id"], ())), tuple(event_claims.get(r["event_id"], ())))
                for r in event_rows]


# --- SQLite ------------------------------------------------------------------------

def _sqlite_setup(engine: Engine) -> None:
    """Foreign keys on, and real transactions (DDL included), as PostgreSQL has them.

    SQLAlchemy's documented recipe: the driver's own transaction handling is turned off and
    SQLAlchemy emits BEGIN itself.
    """
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 (driver objects)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if not conn.connection.dbapi_connection.in_transaction:  # else begun IMMEDIATE by Store._lock
            conn.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(conn: Connection, name: str, timeout: float) -> None:
    """BEGIN IMMEDIATE on the driver's connection: SQLite's write lock, taken now rather than at the
    first write, so that what the transaction reads is not changed by another writer before it
    commits. When another connection holds it: a message, then wait up to `timeout` seconds."""
    driver = conn.connection.dbapi_connection
    try:
        for waiting in (False, True):
            driver.execute(f"PRAGMA busy_timeout={int((timeout if waiting else 0) * 1000)}")
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if not str(err).startswith(_SQLITE_BUSY):
                    raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, err) from err
                if waiting:
                    raise StoreError(_busy_message(name, timeout)) from err
                LOGGER.warning("%s: another sitrep process is writing the ledger; waiting for it "
                               "(up to %.0f s)", name, timeout)
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}")


def _busy_message(name: str, timeout: float) -> str:
    return (f"{name}: another sitrep process held the ledger's write lock for more than {timeout:.0f} s; "
            f"nothing was changed; run again when it has finished (SITREP_LOCK_TIMEOUT sets the wait)")


def _sqlite_hint(detail: str) -> str | None:
    """What to do about a SQLite error that says what is wrong with the file itself."""
    text = detail.lower()
    if "file is not a database" in text or "malformed" in text:
        return "the file is not a SQLite database or is damaged; give the path of a sitrep ledger or restore a backup"
    if "readonly" in text or "read-only" in text:
        return "the file or its folder is read-only; nothing was changed; choose a writable path or fix its permissions"
    if "unable to open database file" in text:
        return "the file cannot be opened (a missing folder or no permission); check the path and its permissions"
    if "disk is full" in text or "disk i/o" in text:
        return "the disk is full or failing; nothing was changed; free space, then run again"
    return None


def _lock_timeout() -> float:
    raw = os.environ.get("SITREP_LOCK_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError as err:
        raise ConfigError(f"SITREP_LOCK_TIMEOUT={raw!r} is not a number of seconds") from err
    if value < 0:
        raise ConfigError(f"SITREP_LOCK_TIMEOUT must not be negative, got {raw}")
    return value


def _version() -> str:
    from . import __version__

    return __version__


# --- records <-> rows ------------------------------------------------------------------

def _evidence(c: Claim) -> dict:
    """A claim as an event's history keeps it: the figure, who says so, and the sentence."""
    return {"kind": c.kind, "n": c.n, "low": c.low, "high": c.high, "qualifier": c.qualifier, "side": c.side,
            "claimant": c.claimant, "stance": c.stance, "article_id": c.article_id, "sentence": c.sentence,
            "start": c.start, "end": c.end}


def _json_rows(rows: Sequence[dict]) -> str:
    return json.dumps(list(rows), ensure_ascii=False)


def _revision_row(article: Article, now: dt.datetime) -> dict:
    return {"article_id": article.id, "content_hash": article.content_id, "title": article.title,
            "url": article.url, "outlet": article.outlet, "published": article.published,
            "published_precision": article.published_precision, "source": article.source,
            "text": article.text, "ingested_at": now, "replaced_at": now}


def _check_unique(name: str, events: Sequence[Event]) -> None:
    seen_events: set[str] = set()
    seen_mentions: dict[str, str] = {}
    for event in events:
        if event.event_id in seen_events:
            raise StoreError(f"{name}: cannot save events: two events share the id {event.event_id}; "
                             f"event ids must be unique (a bug in the merge stage)")
        seen_events.add(event.event_id)
        for m in event.mentions:
            other = seen_mentions.get(m.mention_id)
            if other is not None:
                raise StoreError(f"{name}: cannot save events: two mentions share the id {m.mention_id} "
                                 f"(article {m.article_id}, events {other} and {event.event_id}); "
                                 f"mention ids must be unique (a bug in the extract stage)")
            seen_mentions[m.mention_id] = event.event_id


def _article_row(article: Article, clean_text: str | None, group: str | None) -> dict:
    return {
        "id": article.id, "content_hash": article.content_id, "title": article.title, "url": article.url,
        "outlet": article.outlet, "published": article.published,
        "published_precision": article.published_precision, "source": article.source,
        "text": article.text, "clean_text": clean_text, "syndication_group": group,
    }


def _article(r) -> Article:  # noqa: ANN001 (a row mapping)
    return Article(id=r["id"], text=r["text"], title=r["title"], url=r["url"], outlet=r["outlet"],
                   published=r["published"], published_precision=r["published_precision"], source=r["source"])


def _place_row(place: Place | None) -> dict:
    if place is None:
        return {"place_name": None, "country": None, "iso": None, "admin1": None, "admin2": None,
                "admin3": None, "latitude": None, "longitude": None, "geo_precision": None,
                "geonames_id": None}
    return {"place_name": place.name, "country": place.country, "iso": place.iso, "admin1": place.admin1,
            "admin2": place.admin2, "admin3": place.admin3, "latitude": place.latitude,
            "longitude": place.longitude, "geo_precision": place.geo_precision,
            "geonames_id": place.geonames_id}


def _place(r) -> Place | None:  # noqa: ANN001
    if r["place_name"] is None:
        return None
    return Place(name=r["place_name"], country=r["country"], iso=r["iso"], admin1=r["admin1"],
                 admin2=r["admin2"], admin3=r["admin3"], latitude=r["latitude"], longitude=r["longitude"],
                 geo_precision=r["geo_precision"], geonames_id=r["geonames_id"])


def _date_row(when: DateRange | None) -> dict:
    if when is None:
        return {"date": None, "date_min": None, "date_max": None, "time_precision": None, "date_text": None}
    return {"date": when.date, "date_min": when.date_min, "date_max": when.date_max,
            "time_precision": when.time_precision, "date_text": when.text}


def _date(r) -> DateRange | None:  # noqa: ANN001
    if r["date"] is None or r["date_min"] is None or r["date_max"] is None or r["time_precision"] is None:
        return None
    return DateRange(r["date"], r["date_min"], r["date_max"], r["time_precision"], r["date_text"] or "")


def _event_row(e: Event) -> dict:
    return {
        "event_id": e.event_id, **_date_row(e.date), "event_type": e.event_type,
        "sub_event_type": e.sub_event_type, "actors": _json(e.actors), **_place_row(e.place),
        "fatalities_low": e.fatalities_low, "fatalities_best": e.fatalities_best,
        "fatalities_high": e.fatalities_high, "denied_by": _json(e.denied_by), "status": e.status,
        "background": e.background, "merge_reasons": _json(e.merge_reasons), "notes": e.notes,
        "fingerprint": _fingerprint(e), "review": e.review,
    }


def _event(r, mentions: tuple[Mention, ...], claims: tuple[Claim, ...]) -> Event:  # noqa: ANN001
    return Event(
        event_id=r["event_id"], date=_date(r), event_type=r["event_type"], sub_event_type=r["sub_event_type"],
        actors=_tuple(r["actors"]), place=_place(r), mentions=mentions, claims=claims,
        fatalities_low=r["fatalities_low"], fatalities_best=r["fatalities_best"],
        fatalities_high=r["fatalities_high"], denied_by=_tuple(r["denied_by"]), status=r["status"],
        background=bool(r["background"]), merge_reasons=_tuple(r["merge_reasons"]), notes=r["notes"],
        review=r["review"],
    )


def _mention_row(event_id: str, seq: int, m: Mention) -> dict:
    return {
        "mention_id": m.mention_id, "event_id": event_id, "seq": seq, "article_id": m.article_id,
        "sentence_index": m.sentence_index, "sentence": m.sentence, "start": m.start, "end": m.end,
        "trigger": m.trigger, "event_type": m.event_type, "sub_event_type": m.sub_event_type,
        "actors": _json(m.actors), **_place_row(m.place), "place_text": m.place_text, **_date_row(m.date),
        "stance": m.stance, "claimant": m.claimant, "background": m.background,
        "background_reason": m.background_reason, "outlet": m.outlet, "occurrence": m.occurrence,
    }


def _mention(r, claims: tuple[Claim, ...]) -> Mention:  # noqa: ANN001
    return Mention(
        article_id=r["article_id"], sentence_index=r["sentence_index"], sentence=r["sentence"],
        start=r["start"], end=r["end"], trigger=r["trigger"], event_type=r["event_type"],
        sub_event_type=r["sub_event_type"], actors=_tuple(r["actors"]), place=_place(r),
        place_text=r["place_text"], date=_date(r), claims=claims, stance=r["stance"], claimant=r["claimant"],
        background=bool(r["background"]), background_reason=r["background_reason"], outlet=r["outlet"],
        occurrence=r["occurrence"] or 0,
    )


def _claim_rows(event: Event) -> list[dict]:
    """Rows for the event's claims and its mentions' claims, one row where a claim is in both."""
    pool: dict[Claim, collections.deque[tuple[int, int]]] = collections.defaultdict(collections.deque)
    for mi, m in enumerate(event.mentions):
        for ci, claim in enumerate(m.claims):
            pool[claim].append((mi, ci))
    rows: list[dict] = []
    taken: set[tuple[int, int]] = set()
    for claim in event.claims:
        place = pool[claim].popleft() if pool.get(claim) else None
        if place is not None:
            taken.add(place)
        rows.append(_claim_row(event, len(rows), claim, in_event=True, place=place))
    for mi, m in enumerate(event.mentions):
        for ci, claim in enumerate(m.claims):
            if (mi, ci) not in taken:
                rows.append(_claim_row(event, len(rows), claim, in_event=False, place=(mi, ci)))
    return rows


def _claim_row(event: Event, seq: int, c: Claim, *, in_event: bool, place: tuple[int, int] | None) -> dict:
    return {
        "event_id": event.event_id, "seq": seq, "claim_id": c.claim_id, "in_event": in_event,
        "mention_id": event.mentions[place[0]].mention_id if place else None,
        "mention_seq": place[1] if place else None,
        "article_id": c.article_id, "kind": c.kind, "n": c.n, "low": c.low, "high": c.high,
        "qualifier": c.qualifier, "side": c.side, "claimant": c.claimant, "claimant_text": c.claimant_text,
        "stance": c.stance, "estimated": c.estimated, "outlet": c.outlet, "sentence": c.sentence,
        "start": c.start, "end": c.end,
    }


def _claim(r) -> Claim:  # noqa: ANN001
    return Claim(kind=r["kind"], n=r["n"], article_id=r["article_id"], sentence=r["sentence"], start=r["start"],
                 end=r["end"], low=r["low"], high=r["high"], qualifier=r["qualifier"], side=r["side"],
                 claimant=r["claimant"], claimant_text=r["claimant_text"], stance=r["stance"],
                 estimated=bool(r["estimated"]), outlet=r["outlet"])
