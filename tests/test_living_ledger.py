"""A living ledger that loses nothing: revisions, retractions, corrections, the change log, and the
guards around them (CLI and API)."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import cli
from sitrep.pipeline import Options, correct, retract, run
from sitrep.records import Correction
from sitrep.store import Store

pytestmark = pytest.mark.model

KHINJ = ("Taliban forces clashed with NRF fighters in Khinj district of Panjshir on Saturday. "
         "An NRF spokesman said 9 Taliban fighters were killed.")
ROKHA = ("A roadside bomb struck a Taliban vehicle in Rokha district of Panjshir on Monday. "
         "Police said 4 Taliban fighters were killed in the blast.")
ANABA = ("Taliban fighters attacked an NRF position in Anaba district of Panjshir on Tuesday. "
         "An NRF commander said 12 Taliban fighters were killed.")
TOKEN = "ledger-token"


def _feed(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _records() -> list[dict]:
    return [{"id": "k1", "published": "2022-06-20", "outlet": "Wire A", "text": KHINJ},
            {"id": "r1", "published": "2022-06-21", "outlet": "Wire B", "text": ROKHA},
            {"id": "a1", "published": "2022-06-22", "outlet": "Wire C", "text": ANABA}]


def _events(db: str, **kw):
    with Store(db) as store:
        return store.load_events(**kw)


def _by_article(db: str, article_id: str):
    return [e for e in _events(db, include_background=True) if article_id in e.article_ids]


PG_URL = os.environ.get("SITREP_TEST_PG")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_ledger(request, tmp_path: Path, gazetteer):
    """`ledger` on SQLite, and on PostgreSQL when SITREP_TEST_PG is set."""
    if request.param == "sqlite":
        return _ledger(tmp_path, str(tmp_path / "ledger.db"), gazetteer)
    if not PG_URL:
        pytest.skip("SITREP_TEST_PG is not set (postgresql+psycopg://... of a server to test against)")
    import sqlalchemy as sa

    from sitrep import store as store_module

    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        store_module.METADATA.drop_all(conn)
    engine.dispose()
    return _ledger(tmp_path, PG_URL, gazetteer)


@pytest.fixture()
def ledger(tmp_path: Path, gazetteer):
    """A ledger of three one-event reports, and their file."""
    return _ledger(tmp_path, str(tmp_path / "ledger.db"), gazetteer)


def _ledger(tmp_path: Path, db: str, gazetteer):
    feed = _feed(tmp_path / "feed.jsonl", _records())
    run([feed], options=Options(db=db), gazetteer=gazetteer)
    assert {e.fatalities_best for e in _events(db)} == {9, 4, 12}
    return db, feed


# --- revisions --------------------------------------------------------------------------------

def test_an_edited_article_keeps_its_earlier_text_and_the_figure_with_its_sentence(ledger, gazetteer):
    db, feed = ledger
    records = _records()
    records[0]["text"] = KHINJ.replace("9 Taliban", "11 Taliban")
    _feed(feed, records)
    run([feed], options=Options(db=db), gazetteer=gazetteer)
    (event,) = _by_article(db, "k1")
    assert event.fatalities_best == 11
    with Store(db) as store:
        assert [a.text for a in store.article_revisions("k1")] == [KHINJ]
        history = store.event_history(event.event_id)
    assert [h["fatalities_best"] for h in history] == [9, 11]
    first = json.loads(history[0]["evidence"])
    assert [(c["n"], c["sentence"]) for c in first if c["kind"] == "killed"] == [
        (9, "An NRF spokesman said 9 Taliban fighters were killed.")]


def test_a_paragraph_inserted_at_the_top_keeps_the_event_and_mention_ids(ledger, gazetteer):
    db, feed = ledger
    (before,) = _by_article(db, "k1")
    records = _records()
    records[0]["text"] = "Editor's note: this report was updated with a map.\n\n" + KHINJ
    _feed(feed, records)
    run([feed], options=Options(db=db), gazetteer=gazetteer)
    (after,) = _by_article(db, "k1")
    assert after.event_id == before.event_id
    assert [m.mention_id for m in after.mentions] == [m.mention_id for m in before.mentions]
    assert [m.start for m in after.mentions] != [m.start for m in before.mentions]
    with Store(db) as store:
        assert len(store.event_history(after.event_id)) >= 1


def test_records_sharing_an_id_are_all_kept_and_named(tmp_path: Path, gazetteer):
    a = _feed(tmp_path / "a.jsonl", [{"id": "x", "published": "2022-06-20", "text": KHINJ},
                                     {"id": "x", "published": "2022-06-20", "text": KHINJ.replace("9 ", "10 ")}])
    b = _feed(tmp_path / "b.jsonl", [{"id": "x", "published": "2022-06-21", "text": ROKHA}])
    db = str(tmp_path / "ledger.db")
    result = run([a, b], options=Options(db=db), gazetteer=gazetteer)
    with Store(db) as store:
        ids = store.article_ids()
        revisions = store.article_revisions("x")
    assert "x" in ids and any(i.startswith("x~") for i in ids) and len(ids) == 2
    assert [r.text for r in revisions] == [KHINJ]
    assert len(result.errors) == 2 and all("'x'" in str(e) for e in result.errors)


def test_a_bad_file_name_and_a_record_dated_0001_leave_the_rest_stored(tmp_path: Path, gazetteer):
    folder = tmp_path / "in"
    folder.mkdir()
    _feed(folder / "feed.jsonl", [{"id": "old", "published": "0001-01-01", "text": KHINJ},
                                  {"id": "stamp", "text": " date 0001-01-01 " + ANABA}])
    with open(os.path.join(os.fsencode(folder), b"r\xe9sum\xe9.txt"), "wb") as fh:
        fh.write(ROKHA.encode("utf-8"))
    db = str(tmp_path / "ledger.db")
    result = run([folder], options=Options(db=db), gazetteer=gazetteer)
    with Store(db) as store:
        assert store.article_ids() == {"old", "stamp"}
    problems = " ".join(str(e) for e in result.errors)
    assert "not valid UTF-8" in problems and "0001-01-01" in problems


# --- retractions and corrections -----------------------------------------------------------

def test_a_retraction_and_a_correction_survive_a_rerun(any_ledger, gazetteer):
    db, feed = any_ledger
    options = Options(db=db)
    (rokha,) = _by_article(db, "r1")
    (anaba,) = _by_article(db, "a1")
    with Store(db) as store:
        retract(store, "r1", "the outlet withdrew the story", options=options, gazetteer=gazetteer)
        fixed = correct(store, [Correction(anaba.event_id[:8], "fatalities", "15", "hospital records"),
                                Correction(anaba.event_id[:8], "review", "verified", "checked")],
                        options=options, gazetteer=gazetteer)
    assert (fixed.fatalities_best, fixed.review) == (15, "verified") and "hospital records" in fixed.notes
    for _ in range(2):  # the same input again, twice: nothing comes back, nothing is undone
        result = run([feed], options=options, gazetteer=gazetteer)
        assert result.articles_extracted == 0
        assert _by_article(db, "r1") == []
        (again,) = _by_article(db, "a1")
        assert (again.event_id, again.fatalities_best, again.review) == (anaba.event_id, 15, "verified")
    with Store(db) as store:
        changes, _ = store.changes()
        assert "r1" in store.article_ids() and store.retractions() == {"r1": "the outlet withdrew the story"}
    deleted = [c for c in changes if c["change"] == "deleted"]
    assert [(c["event_id"], c["reason"]) for c in deleted] == [
        (rokha.event_id, "article r1 retracted: the outlet withdrew the story")]
    # one update for both corrections (made together); none from the re-runs
    assert [c["change"] for c in changes if c["event_id"] == anaba.event_id] == ["created", "updated"]


def test_a_rejected_event_stays_marked_and_leaves_the_exports(ledger, gazetteer, tmp_path):
    db, _ = ledger
    (khinj,) = _by_article(db, "k1")
    runner = CliRunner()
    result = runner.invoke(cli, ["verify", khinj.event_id, "--reject", "--note", "duplicate", "--db", db])
    assert result.exit_code == 0, result.output
    assert _by_article(db, "k1")[0].review == "rejected"
    out = tmp_path / "events.csv"
    assert runner.invoke(cli, ["export", "-o", str(out), "--db", db]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert khinj.event_id not in text and text.count("\n") == 3  # the header and the other two


def test_cli_retract_correct_and_export_since(ledger, tmp_path, capsys):
    db, _ = ledger
    runner = CliRunner()
    (anaba,) = _by_article(db, "a1")
    (rokha,) = _by_article(db, "r1")
    with Store(db) as store:
        mark = max(c["changed_at"] for c in store.changes()[0])
    result = runner.invoke(cli, ["retract", "r1", "--reason", "fabricated", "--db", db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["correct", anaba.event_id[:8], "fatalities=14", "actors=Taliban; NRF",
                                 "--note", "recount", "--db", db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["export", "--format", "jsonl", "--since", mark.isoformat(), "--db", db])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["event_id_cnty"][3:], r["fatalities"]) for r in rows if not r.get("deleted")] == [(anaba.event_id, 14)]
    assert [(r["event_id"], r["reason"]) for r in rows if r.get("deleted")] == [
        (rokha.event_id, "article r1 retracted: fabricated")]
    status, err = _main(["correct", anaba.event_id, "date=yesterday", "--db", db], capsys)
    assert status == 2 and "not YYYY-MM-DD" in err
    status, err = _main(["retract", "nope", "--reason", "x", "--db", db], capsys)
    assert status == 2 and "no article 'nope'" in err


def _main(argv: list[str], capsys) -> tuple[int, str]:
    """The exit status and stderr of `sitrep ARGV` as the console script runs it."""
    from sitrep.cli import main

    with pytest.raises(SystemExit) as exited:
        main(argv)
    return exited.value.code, capsys.readouterr().err


@pytest.mark.parametrize("command", [["events"], ["show", "abc"], ["export"], ["retract", "a", "--reason", "r"],
                                     ["correct", "abc", "fatalities=1"], ["verify", "abc"]])
def test_commands_on_a_mistyped_ledger_fail_and_create_nothing(tmp_path, command):
    db = tmp_path / "ledegr.db"
    result = CliRunner().invoke(cli, [*command, "--db", str(db)])
    assert result.exit_code != 0 and "no ledger" in result.output
    assert not db.exists()


def test_markup_in_a_sentence_does_not_break_show_or_the_run_report(tmp_path, gazetteer):
    folder = tmp_path / "in [b]"
    folder.mkdir()
    _feed(folder / "feed [bold].jsonl", [{"id": "m1", "published": "2022-06-20",
                                            "text": KHINJ.replace("spokesman said", "spokesman [/] said")},
                                           {"id": "m2", "published": "0001-01-01", "text": ROKHA}])
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["run", str(folder), "--db", db])
    assert result.exit_code == 1, result.output  # one bad date, named; no crash
    assert "feed [bold].jsonl" in result.output
    (event,) = _by_article(db, "m1")
    shown = runner.invoke(cli, ["show", event.event_id, "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "[/]" in shown.output


# --- the API -------------------------------------------------------------------------------------

@pytest.fixture()
def client(ledger):
    from fastapi.testclient import TestClient

    from sitrep.api import Settings, create_app

    db, _ = ledger
    with TestClient(create_app(Settings(db=db, token=TOKEN))) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_api_retract_and_correct_show_in_changes(client, ledger, gazetteer):
    db, feed = ledger
    (rokha,) = _by_article(db, "r1")
    (khinj,) = _by_article(db, "k1")
    since = client.get("/changes").json()["data"][-1]["changed_at"]
    denied = client.post("/articles/r1/retract", json={"reason": "withdrawn"})
    assert denied.status_code == 401
    done = client.post("/articles/r1/retract", json={"reason": "withdrawn"}, headers=AUTH)
    assert done.status_code == 200, done.text
    assert done.json()["events_deleted"] == [rokha.event_id]
    fixed = client.post(f"/events/{khinj.event_id[:8]}/corrections", headers=AUTH,
                        json={"fields": {"date": "2022-06-19", "admin2": "Khinj"}, "review": "verified",
                              "note": "local sources"})
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert (body["event_date"], body["admin2"], body["review"]) == ("2022-06-19", "Khinj", "verified")
    assert client.post(f"/events/{khinj.event_id}/corrections", headers=AUTH,
                       json={"fields": {"fatalities": "many"}}).status_code == 422
    run([feed], options=Options(db=db), gazetteer=gazetteer)  # a later run keeps both
    changes = client.get("/changes", params={"since": since}).json()
    kinds = {(c["event_id"], c["change"]) for c in changes["data"]}
    assert (rokha.event_id, "deleted") in kinds and (khinj.event_id, "updated") in kinds
    latest = [c for c in changes["data"] if c["event_id"] == khinj.event_id][-1]
    assert latest["event"]["event_date"] == "2022-06-19" and latest["event"]["review"] == "verified"
    assert [c["event"] for c in changes["data"] if c["change"] == "deleted"] == [None]
    assert client.get("/changes", params={"since": "2999-01-01"}).json() == {"data": [], "count": 0}
    assert client.get("/changes", params={"since": "12"}).status_code == 422


def test_api_json_of_any_shape_is_a_400_never_a_500(client):
    deep = b"[" * 100_000 + b"]" * 100_000
    for body in (deep, b'{"id": 1,', b"\xff\xfe", b'{"reason": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"):
        for path in ("/articles", "/articles/k1/retract", "/events/abc/corrections"):
            response = client.post(path, content=body, headers={**AUTH, "Content-Type": "application/json"})
            assert response.status_code == 400, (path, body[:20], response.text)


def test_api_refuses_foreign_host_names(client):
    assert client.get("/events", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/events", headers={"Host": "evil.example:8000"}).status_code == 400
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert client.get("/events", headers={"Host": host}).status_code == 200, host


def test_private_reads_need_the_token_and_hosts_are_configurable(ledger):
    from fastapi.testclient import TestClient

    from sitrep.api import Settings, create_app

    db, _ = ledger
    settings = Settings.from_env({"SITREP_PRIVATE": "1", "SITREP_ALLOWED_HOSTS": "ledger.example"},
                                 db=db, token=TOKEN)
    with TestClient(create_app(settings), base_url="http://ledger.example") as c:
        assert c.get("/events").status_code == 401
        assert c.get("/events", headers=AUTH).status_code == 200
        assert c.get("/events", headers={"Host": "127.0.0.1"}).status_code == 400


def test_a_multipart_upload_keeps_every_file_of_a_field(client):
    files = [("file", ("one.txt", b" date 2022-06-23 " + KHINJ.replace("Khinj", "Rokha").encode(), "text/plain")),
             ("file", ("two.txt", b" date 2022-06-24 " + ANABA.replace("Anaba", "Dara").encode(), "text/plain"))]
    response = client.post("/articles", files=files, headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["article_ids"] == ["one", "two"]


def test_serving_a_mistyped_ledger_fails(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code != 0 and "no ledger" in result.output
    assert not (tmp_path / "nope.db").exists()


def test_serving_on_all_addresses_without_a_token_warns(tmp_path, monkeypatch):
    import uvicorn

    db = str(tmp_path / "ledger.db")
    Store(db).close()
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.update(kw))
    monkeypatch.delenv("SITREP_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "0.0.0.0"
    assert "warning" in result.output and "no token" in result.output
    quiet = CliRunner().invoke(cli, ["serve", "--db", db])
    assert "warning" not in quiet.output


def test_dates_in_changes_are_utc(client):
    stamp = client.get("/changes").json()["data"][0]["changed_at"]
    assert stamp.endswith("Z") or stamp.endswith("+00:00")
    assert dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).tzinfo is not None


def test_a_correction_whose_event_is_gone_is_named_not_lost(ledger, gazetteer, caplog):
    db, feed = ledger
    (rokha,) = _by_article(db, "r1")
    options = Options(db=db)
    with Store(db) as store:
        correct(store, [Correction(rokha.event_id, "fatalities", "5", "recount")], options=options,
                gazetteer=gazetteer)
        retract(store, "r1", "withdrawn", options=options, gazetteer=gazetteer)
    caplog.clear()
    run([feed], options=options, gazetteer=gazetteer)
    assert any("no longer in the ledger" in r.message and rokha.event_id in r.message for r in caplog.records)
    with Store(db) as store:
        assert [(c.event_id, c.value) for c in store.corrections()] == [(rokha.event_id, "5")]
