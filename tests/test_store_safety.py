"""Opening a ledger safely: a newer sitrep's ledger, another application's database, a corrupt or
read-only file, and a ledger that does not exist (read commands never create one)."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from sitrep import store as store_module
from sitrep.errors import StoreError
from sitrep.records import Article
from sitrep.store import MIGRATIONS, Store

PG_URL = os.environ.get("SITREP_TEST_PG")


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_ledger_from_a_newer_sitrep_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "ledger.db"
    newer = (*MIGRATIONS, ("9999_future_column", lambda c: c.exec_driver_sql(
        "ALTER TABLE events ADD COLUMN future TEXT")))
    with Store(str(path), migrations=newer) as s:
        s.save_articles([(Article(id="a1", text="Report."), "Report.", None)])
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version of sitrep.*9999_future_column.*upgrade sitrep"):
        Store(str(path))
    assert path.read_bytes() == before


def test_another_applications_sqlite_file_is_refused_and_gets_no_tables(tmp_path: Path):
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(StoreError, match="not a sitrep ledger.*users"):
        Store(str(path))
    assert _tables(path) == {"users"}


def test_a_foreign_schema_migrations_table_is_refused(tmp_path: Path):
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER)")
    with pytest.raises(StoreError, match="not a sitrep ledger"):
        Store(str(path))


def test_a_corrupt_file_says_so(tmp_path: Path):
    path = tmp_path / "ledger.db"
    path.write_bytes(b"this is not a database at all\n" * 200)
    with pytest.raises(StoreError, match="not a SQLite database or is damaged") as info:
        Store(str(path))
    assert "server" not in str(info.value) and "migration" not in str(info.value)


def test_a_read_only_ledger_reads_and_a_write_says_it_is_read_only(tmp_path: Path):
    path = tmp_path / "ledger.db"
    with Store(str(path)) as s:
        s.save_articles([(Article(id="a1", text="Report."), "Report.", None)])
    with Store(f"sqlite:///file:{path}?mode=ro&uri=true") as ro:
        assert ro.article_ids() == {"a1"}
        with pytest.raises(StoreError, match="read-only; nothing was changed"):
            ro.save_articles([(Article(id="a2", text="Other."), "Other.", None)])
    with Store(str(path)) as s:
        assert s.article_ids() == {"a1"}


def test_a_missing_ledger_is_not_created_by_a_read(tmp_path: Path):
    path = tmp_path / "typo" / "ledegr.db"
    with pytest.raises(StoreError, match="no ledger there"):
        Store(str(path), create=False)
    assert not path.exists() and not path.parent.exists()


def test_an_existing_ledger_opens_for_reading(tmp_path: Path):
    path = tmp_path / "ledger.db"
    Store(str(path)).close()
    with Store(str(path), create=False) as s:
        assert s.count_events() == 0


def test_an_empty_sqlite_file_is_no_ledger_for_a_read(tmp_path: Path):
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(StoreError, match="no sitrep ledger there"):
        Store(str(path), create=False)
    assert _tables(path) == set()


@pytest.mark.skipif(not PG_URL, reason="SITREP_TEST_PG is not set")
def test_an_empty_postgresql_database_is_no_ledger_for_a_read():
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        store_module.METADATA.drop_all(conn)
    with pytest.raises(StoreError, match="no sitrep ledger there"):
        Store(PG_URL, create=False)
    assert "schema_migrations" not in sa.inspect(engine).get_table_names()
    engine.dispose()
