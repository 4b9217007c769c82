"""Tests of the SQL store: migrations, idempotent saves, replacement by article, round-trips.

Tests taking `store_url` (or `store`) run on SQLite and, when SITREP_TEST_PG holds a PostgreSQL
URL (`.ci/run` starts a throwaway server and sets it), on PostgreSQL too; its tables are dropped
before each such test.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sitrep import store as store_module
from sitrep.errors import ConfigError, StoreError
from sitrep.records import Article, Claim, DateRange, Event, Mention, Place
from sitrep.store import MIGRATIONS, Store, sqlalchemy_url

DAY = dt.date(2022, 2, 21)
ANABA = Place("Anaba", country="Afghanistan", iso="AF", admin1="Panjshir", admin2="Anaba",
              latitude=35.3, longitude=69.5, geo_precision=1, geonames_id=1148311)


def _article(article_id: str, text: str = "NRF fighters ambushed Taliban in Anaba.") -> Article:
    return Article(id=article_id, text=text, title=f"Report {article_id}", url=f"https://example.org/{article_id}",
                   outlet="Example News", published=DAY, published_precision=1, source=f"{article_id}.txt")


def _claim(article_id: str, n: int | None = 23, **kw) -> Claim:
    base = dict(kind="killed", n=n, article_id=article_id, sentence="NRF said it killed at least 23 Taliban.",
                start=0, end=39, qualifier="at least", side="Taliban", claimant="NRF",
                claimant_text="spokesman Fahim Dashti", outlet="Example News")
    base.update(kw)
    return Claim(**base)


def _mention(article_id: str, start: int = 0, *, claims: tuple[Claim, ...] | None = None, **kw) -> Mention:
    base = dict(article_id=article_id, sentence_index=0, sentence="NRF fighters ambushed Taliban in Anaba.",
                start=start, end=start + 39, trigger="ambushed", event_type="Battles", sub_event_type="Armed clash",
                actors=("NRF", "Taliban"), place=ANABA, place_text="Anaba", date=DateRange.day(DAY, "on Monday"),
                claims=(_claim(article_id, start=start),) if claims is None else claims, outlet="Example News")
    base.update(kw)
    return Mention(**base)


def _event(event_id: str, mentions: tuple[Mention, ...], **kw) -> Event:
    claims = tuple(c for m in mentions for c in m.claims)
    base = dict(event_id=event_id, date=DateRange.day(DAY), event_type="Battles", sub_event_type="Armed clash",
                actors=("NRF", "Taliban"), place=ANABA, mentions=mentions, claims=claims,
                fatalities_low=23, fatalities_best=23, fatalities_high=23, merge_reasons=("b joined: same day",))
    base.update(kw)
    return Event(**base)


def _seed(store: Store, *ids: str) -> None:
    store.save_articles((_article(i), f"clean {i}", None) for i in ids)


def _dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, for before/after comparisons."""
    with store.engine.connect() as conn:
        return {t.name: sorted(tuple(map(repr, r)) for r in conn.execute(sa.select(t)))
                for t in store_module.METADATA.sorted_tables}


PG_URL = os.environ.get("SITREP_TEST_PG")


def _reset_postgres(url: str) -> None:
    """Drop sitrep's tables (and the test migrations' extras) for a fresh ledger."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS extra, half")
            store_module.METADATA.drop_all(conn)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    if not PG_URL:
        pytest.skip("SITREP_TEST_PG is not set (postgresql+psycopg://... of a server to test against)")
    _reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def store(store_url: str):
    with Store(store_url) as s:
        yield s


# --- opening and migrations --------------------------------------------------------

def test_path_becomes_sqlite_url_and_parent_is_created(tmp_path: Path):
    path = tmp_path / "deep" / "dir" / "sitrep.db"
    with Store(str(path)) as s:
        assert s.url.get_backend_name() == "sqlite"
        assert s.count_events() == 0
    assert path.exists()


def test_url_is_used_as_is(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert sqlalchemy_url(url).render_as_string() == url
    with Store(url) as s:
        assert s.name == url


def test_migrations_are_recorded_and_reopening_applies_nothing(store_url: str):
    path = store_url
    with Store(path) as first:
        assert first.applied == tuple(name for name, _ in MIGRATIONS)
        assert first.migrations() == [name for name, _ in MIGRATIONS]
    with Store(path) as again:
        assert again.applied == ()
        assert again.migrations() == [name for name, _ in MIGRATIONS]


def test_new_migrations_run_in_order_once(store_url: str):
    path = store_url
    ran: list[str] = []

    def add_table(conn: sa.Connection) -> None:
        ran.append("add")
        conn.exec_driver_sql("CREATE TABLE extra (x INTEGER)")

    def add_column(conn: sa.Connection) -> None:
        ran.append("column")
        conn.exec_driver_sql("ALTER TABLE extra ADD COLUMN y INTEGER")

    migrations = (*MIGRATIONS, ("0002_extra", add_table), ("0003_extra_y", add_column))
    Store(path).close()
    with Store(path, migrations=migrations) as s:
        assert s.applied == ("0002_extra", "0003_extra_y")
    with Store(path, migrations=migrations) as s:
        assert s.applied == ()
    assert ran == ["add", "column"]


def test_failed_migration_is_rolled_back_and_retried(store_url: str):
    path = store_url

    def broken(conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half (x INTEGER)")
        conn.exec_driver_sql("THIS IS NOT SQL")

    with pytest.raises(StoreError, match="cannot open and migrate"):
        Store(path, migrations=(*MIGRATIONS, ("0002_broken", broken)))
    with Store(path) as s:
        assert "0002_broken" not in s.migrations()
        assert not sa.inspect(s.engine).has_table("half")


def test_bad_url_raises_store_error():
    with pytest.raises(StoreError, match="nosuchdialect"):
        Store("nosuchdialect://x/y")


def test_closed_store_refuses_work(tmp_path: Path):
    s = Store(str(tmp_path / "c.db"))
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.count_events()


# --- articles ---------------------------------------------------------------------------

def test_articles_round_trip_and_saving_twice_changes_nothing(store: Store):
    arts = [_article("a1"), _article("a2", "Other text."), Article(id="bare", text="x")]
    assert store.save_articles((a, a.text.lower(), "g1") for a in arts) == 3
    before = _dump(store)
    assert store.save_articles((a, a.text.lower(), "g1") for a in arts) == 0
    assert _dump(store) == before
    assert store.load_articles() == sorted(arts, key=lambda a: a.id)
    assert store.get_article("a2") == arts[1]
    assert store.get_article("missing") is None
    assert store.article_ids() == {"a1", "a2", "bare"}
    assert store.article_hashes() == {a.id: a.content_id for a in arts}


def test_edited_article_is_updated_and_new_hash_reported(store: Store):
    store.save_articles([(_article("a1"), "clean", None)])
    edited = _article("a1", "A corrected report.")
    assert store.save_articles([(edited, "clean", "g")]) == 1
    assert store.get_article("a1") == edited
    assert store.article_hashes()["a1"] == edited.content_id


# --- events -------------------------------------------------------------------------------

def test_events_round_trip_with_mentions_and_claims(store: Store):
    _seed(store, "a1", "a2")
    independent = _claim("a2", 12, claimant="independent", claimant_text="residents", qualifier=None, start=5)
    denial = Claim("event", None, "a2", "The Taliban denied any fighting.", 40, 72, claimant="Taliban",
                   stance="denies")
    m1 = _mention("a1")
    m2 = _mention("a2", 5, claims=(independent, denial), date=None, place=None, stance="unverified")
    extra = _claim("a1", 30, start=99, stance="unverified")  # in the event only
    event = _event("e1", (m1, m2), claims=(independent, m1.claims[0], extra), denied_by=("Taliban",),
                   fatalities_low=12, fatalities_best=12, fatalities_high=23, status="disputed",
                   notes="checked by hand")
    store.save_events([event])
    assert store.load_events() == [event]
    assert store.get_event("e1") == event
    assert store.count_events() == 1


def test_saving_the_same_events_twice_changes_nothing(store: Store):
    _seed(store, "a1", "a2")
    later = DateRange.day(DAY + dt.timedelta(days=1))
    events = [_event("e1", (_mention("a1"),)), _event("e2", (_mention("a2"),), date=later)]
    store.save_events(events)
    before = _dump(store)
    store.save_events(events)
    assert _dump(store) == before
    assert store.load_events() == events


def test_edited_article_replaces_its_old_mentions(store: Store):
    _seed(store, "a1", "a2")
    old = [_event("old", (_mention("a1"), _mention("a2")))]
    store.save_events(old)
    new = [_event("new", (_mention("a1", 50, trigger="clashed"),))]
    store.save_events(new)
    loaded = store.load_events()
    # The event cited a1, so the whole event (with a2's mention) was replaced.
    assert loaded == new
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM mentions")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM event_articles")).scalar_one() == 1


def test_events_of_other_articles_are_kept(store: Store):
    _seed(store, "a1", "a2")
    keep = _event("keep", (_mention("a2"),))
    store.save_events([keep, _event("old", (_mention("a1"),))])
    store.save_events([_event("new", (_mention("a1", 7),))])
    assert {e.event_id for e in store.load_events()} == {"keep", "new"}


def test_articles_keyword_drops_events_of_articles_without_events(store: Store):
    _seed(store, "a1", "a2")
    store.save_events([_event("e1", (_mention("a1"),)), _event("e2", (_mention("a2"),))])
    store.save_events([], articles=["a1"])
    assert [e.event_id for e in store.load_events()] == ["e2"]


def test_updated_at_kept_while_event_unchanged(store: Store):
    _seed(store, "a1")
    event = _event("e1", (_mention("a1"),))
    store.save_events([event])
    with store.engine.begin() as conn:
        conn.execute(sa.update(store_module.EVENTS).values(updated_at=dt.datetime(2000, 1, 1)))
    store.save_events([event])
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(store_module.EVENTS.c.updated_at)).scalar_one() == dt.datetime(2000, 1, 1)
    store.save_events([dataclasses.replace(event, status="confirmed")])
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(store_module.EVENTS.c.updated_at)).scalar_one() > dt.datetime(2000, 1, 1)


def test_background_events_hidden_unless_asked(store: Store):
    _seed(store, "a1", "a2")
    news = _event("news", (_mention("a1"),))
    history = _event("hist", (_mention("a2", background=True, background_reason="recalled"),), background=True,
                     date=DateRange.day(dt.date(2001, 9, 9)))
    store.save_events([news, history])
    assert store.load_events() == [news]
    assert store.load_events(include_background=True) == [history, news]
    assert store.count_events() == 1
    assert store.count_events(include_background=True) == 2


def test_undated_events_are_kept_and_read_apart(store: Store):
    _seed(store, "a1", "a2", "a3")
    dated = _event("dated", (_mention("a1"),))
    undated = _event("undated", (_mention("a2", date=None),), date=None)
    early = _event("early", (_mention("a3"),), date=DateRange.day(dt.date(2001, 9, 9)))
    store.save_events([undated, dated, early])
    assert undated.undated and not dated.undated
    assert store.load_events() == [early, dated, undated]  # by date, undated last
    assert store.load_events(undated="exclude") == [early, dated]
    assert store.load_events(undated="only") == [undated]
    assert store.get_event("undated") == undated
    (version,) = store.event_history("undated")
    assert version["date"] is None
    with pytest.raises(ConfigError, match="exclude, include, only"):
        store.load_events(undated="sometimes")


def test_a_placeholder_date_before_1900_reads_as_undated(store: Store):
    _seed(store, "a1", "a2")
    sentinel = _event("sentinel", (_mention("a1", date=None),), date=DateRange.day(dt.date.min))
    dated = _event("dated", (_mention("a2"),))
    store.save_events([sentinel, dated])
    assert [e.event_id for e in store.load_events(undated="exclude")] == ["dated"]
    assert [e.event_id for e in store.load_events(undated="only")] == ["sentinel"]
    assert [e.event_id for e in store.load_events()] == ["dated", "sentinel"]


def _old_ledger(url: str) -> None:
    """A ledger as sitrep wrote it before undated events: NOT NULL dates, 0001-01-01 for none.

    Its rows are written through its own (reflected) tables: this sitrep writes columns it lacks.
    """
    with Store(url, migrations=MIGRATIONS[:3]) as old:
        assert "0004_undated_events" not in old.migrations()
        tables = sa.MetaData()
        tables.reflect(old.engine)
        now = dt.datetime(2022, 3, 1)
        sentinel = _event("sentinel", (_mention("a1", date=None),), date=DateRange.day(dt.date.min))
        events = [sentinel, _event("dated", (_mention("a2"),))]
        rows = {
            "articles": [{**store_module._article_row(_article(i), f"clean {i}", None), "ingested_at": now}
                         for i in ("a1", "a2")],
            "events": [{**store_module._event_row(e), "updated_at": now} for e in events],
            "mentions": [store_module._mention_row(e.event_id, k, m) for e in events
                         for k, m in enumerate(e.mentions)],
            "claims": [r for e in events for r in store_module._claim_rows(e)],
            "event_articles": [{"event_id": e.event_id, "article_id": a} for e in events for a in e.article_ids],
            "event_history": [{"event_id": e.event_id, "fingerprint": "f", "recorded_at": now,
                               "date": e.date.date, "sub_event_type": e.sub_event_type, "n_reports": 1,
                               "status": e.status} for e in events],
        }
        with old.engine.begin() as conn:
            for name, table_rows in rows.items():
                table = tables.tables[name]
                conn.execute(sa.insert(table), [{k: v for k, v in r.items() if k in table.c} for r in table_rows])
        with old.engine.connect() as conn:
            with pytest.raises(sa.exc.IntegrityError):
                conn.execute(sa.update(store_module.EVENTS).values(date=None))
            conn.rollback()


def test_an_old_ledger_opens_and_its_placeholder_dates_become_undated(store_url: str):
    _old_ledger(store_url)
    with Store(store_url) as s:
        assert s.applied == ("0004_undated_events", "0005_living_ledger")
        sentinel = s.get_event("sentinel")
        assert sentinel.undated and sentinel.mentions[0].article_id == "a1" and sentinel.claims
        assert s.event_history("sentinel")[0]["date"] is None
        assert s.get_event("dated").date == DateRange.day(DAY)
        assert [e.event_id for e in s.load_events(undated="only")] == ["sentinel"]
        # the rebuilt table keeps its indexes and the rows that point at it
        indexes = {ix["name"] for ix in sa.inspect(s.engine).get_indexes("events")}
        assert indexes >= ({"ix_events_filter", "ix_events_date"} if s.engine.dialect.name == "sqlite"
                           else {"ix_events_background_date"})
        _seed(s, "a3")
        s.save_events([_event("new", (_mention("a3", date=None),), date=None)])
        assert s.get_event("new").undated
        if s.engine.dialect.name == "sqlite":
            with s.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                with pytest.raises(sa.exc.IntegrityError):  # foreign keys are on again
                    conn.execute(sa.insert(store_module.EVENT_ARTICLES).values(event_id="nope", article_id="a1"))
    with Store(store_url) as again:
        assert again.applied == ()


def test_get_event_by_unique_prefix(store: Store):
    _seed(store, "a1", "a2", "a3")
    store.save_events([_event("abc123", (_mention("a1"),)), _event("abd456", (_mention("a2"),)),
                       _event("x_%1", (_mention("a3"),))])
    assert store.get_event("abc").event_id == "abc123"
    assert store.get_event("zzz") is None
    assert store.get_event("") is None
    assert store.get_event("x_%").event_id == "x_%1"  # LIKE wildcards are taken literally
    assert store.get_event("x%") is None
    with pytest.raises(StoreError, match="several events"):
        store.get_event("ab")


def test_events_citing_unknown_articles_are_refused(store: Store):
    _seed(store, "a1")
    good = _event("e1", (_mention("a1"),))
    store.save_events([good])
    with pytest.raises(StoreError, match="save_articles"):
        store.save_events([_event("e2", (_mention("ghost"),))])
    assert store.load_events() == [good]


def test_duplicate_ids_are_refused_before_writing(store: Store):
    _seed(store, "a1")
    m = _mention("a1")
    with pytest.raises(StoreError, match="two events share"):
        store.save_events([_event("e1", (m,)), _event("e1", ())])
    with pytest.raises(StoreError, match="two mentions share"):
        store.save_events([_event("e1", (m,)), _event("e2", (m,))])
    assert store.count_events() == 0


def test_failed_write_keeps_what_was_stored(store: Store):
    _seed(store, "a1")
    good = _event("e1", (_mention("a1"),))
    store.save_events([good])
    before = _dump(store)
    bad_claim = dataclasses.replace(_claim("a1"), sentence=None)  # violates NOT NULL mid-transaction
    bad = _event("e1", (_mention("a1", claims=(bad_claim,)),))
    with pytest.raises(StoreError, match="nothing was changed"):
        store.save_events([bad])
    assert _dump(store) == before
    assert store.load_events() == [good]


# --- the round-trip property ------------------------------------------------------------------

# Text PostgreSQL can store too (no NUL, no lone surrogates).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
_OPT_TEXT = st.none() | _TEXT
_INT32 = st.integers(min_value=-(2 ** 31), max_value=2 ** 31 - 1)
_OPT_INT = st.none() | st.integers(min_value=0, max_value=10 ** 6)
_FLOAT = st.none() | st.floats(allow_nan=False, allow_infinity=False)
_ARTICLE_IDS = st.sampled_from(["a1", "a2", "a3"])

_places = st.none() | st.builds(
    Place, name=_TEXT, country=_OPT_TEXT, iso=st.none() | st.text("ABCDEFGHIJ", min_size=2, max_size=2),
    admin1=_OPT_TEXT, admin2=_OPT_TEXT, admin3=_OPT_TEXT, latitude=_FLOAT, longitude=_FLOAT,
    geo_precision=st.integers(1, 3), geonames_id=st.none() | st.integers(0, 2 ** 31 - 1))
_ranges = st.builds(DateRange, st.dates(), st.dates(), st.dates(), st.integers(1, 3), _TEXT)
_claims = st.builds(
    Claim, kind=st.sampled_from(["killed", "wounded", "captured", "event"]), n=_OPT_INT, article_id=_ARTICLE_IDS,
    sentence=_TEXT, start=_INT32, end=_INT32, low=_OPT_INT, high=_OPT_INT, qualifier=_OPT_TEXT,
    side=_OPT_TEXT, claimant=_OPT_TEXT, claimant_text=_OPT_TEXT,
    stance=st.sampled_from(["claims", "confirms", "denies", "unverified"]), estimated=st.booleans(),
    outlet=_OPT_TEXT)
_mentions = st.builds(
    Mention, article_id=_ARTICLE_IDS, sentence_index=st.integers(0, 500), sentence=_TEXT,
    start=st.integers(0, 10 ** 6), end=st.integers(0, 10 ** 6), trigger=_TEXT, event_type=_TEXT,
    sub_event_type=_TEXT, actors=st.lists(_TEXT, max_size=3).map(tuple), place=_places, place_text=_OPT_TEXT,
    date=st.none() | _ranges, claims=st.lists(_claims, max_size=3).map(tuple), stance=_TEXT,
    claimant=_OPT_TEXT, background=st.booleans(), background_reason=_OPT_TEXT, outlet=_OPT_TEXT)


@st.composite
def _events(draw: st.DrawFn) -> Event:
    mentions = tuple(draw(st.lists(_mentions, max_size=3)))
    own = [c for m in mentions for c in m.claims]
    # Event claims: some of the mentions' claims (maybe repeated), some of its own, in any order.
    picked = draw(st.lists(st.sampled_from(own), max_size=4)) if own else []
    claims = tuple(draw(st.permutations(picked + draw(st.lists(_claims, max_size=2)))))
    return Event(
        event_id=draw(st.text("0123456789abcdef", min_size=1, max_size=16)), date=draw(st.none() | _ranges),
        event_type=draw(_TEXT), sub_event_type=draw(_TEXT), actors=tuple(draw(st.lists(_TEXT, max_size=4))),
        place=draw(_places), mentions=mentions, claims=claims, fatalities_low=draw(_OPT_INT),
        fatalities_best=draw(_OPT_INT), fatalities_high=draw(_OPT_INT),
        denied_by=tuple(draw(st.lists(_TEXT, max_size=2))), status=draw(_TEXT), background=draw(st.booleans()),
        merge_reasons=tuple(draw(st.lists(_TEXT, max_size=2))), notes=draw(_TEXT))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(_events(), max_size=4, unique_by=lambda e: e.event_id))
def test_save_then_load_gives_back_equal_events(backend: str, events: list[Event]):
    mention_ids = [m.mention_id for e in events for m in e.mentions]
    assume(len(set(mention_ids)) == len(mention_ids))
    if backend == "postgresql" and not PG_URL:
        pytest.skip("SITREP_TEST_PG is not set")
    if backend == "postgresql":
        _reset_postgres(PG_URL)
    with Store("sqlite://" if backend == "sqlite" else PG_URL) as s:
        _seed(s, "a1", "a2", "a3")
        s.save_events(events)
        loaded = s.load_events(include_background=True)
        assert {e.event_id: e for e in loaded} == {e.event_id: e for e in events}
        assert len(loaded) == len(events)
        s.save_events(events)  # idempotent
        assert s.load_events(include_background=True) == loaded
        assert s.count_events(include_background=True) == len(events)


# --- several writers (PostgreSQL) ------------------------------------------------------------

def test_concurrent_writers_do_not_duplicate_events():
    """Two writers replace the events of overlapping articles at once, many times: every save
    succeeds, and each article ends up cited by exactly one event (no duplicates)."""
    if not PG_URL:
        pytest.skip("SITREP_TEST_PG is not set")
    _reset_postgres(PG_URL)
    with Store(PG_URL) as s:
        _seed(s, "a1", "a2", "a3")
    # Each writer merged article a2 differently (its own event id for it), as two runs would.
    batches = {"A": [_event("A-a1", (_mention("a1"),)), _event("A-a2", (_mention("a2"),))],
               "B": [_event("B-a2", (_mention("a2"),)), _event("B-a3", (_mention("a3"),))]}
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with Store(PG_URL) as mine:
                start.wait()
                for _ in range(25):
                    mine.save_events(batches[name])
        except BaseException as err:  # reported below, in the test's thread
            failures.append(err)

    threads = [threading.Thread(target=writer, args=(name,)) for name in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    with Store(PG_URL) as s:
        events = s.load_events()
    cited = [a for e in events for a in e.article_ids]
    assert sorted(cited) == ["a1", "a2", "a3"]
    assert {e.event_id for e in events} & {"A-a2", "B-a2"} and not {"A-a2", "B-a2"} <= {e.event_id for e in events}
