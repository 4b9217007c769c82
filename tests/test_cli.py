"""The command line: every command documented with an example, bad files named, exports written."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from sitrep.cli import cli

pytestmark = pytest.mark.model


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    assert set(cli.commands) == {"run", "export", "events", "show", "demo", "classify", "serve", "retract",
                                 "correct", "verify"}
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, name


def test_every_command_is_in_the_readme():
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"sitrep {name}" in readme, name


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    (folder / "good.txt").write_text(
        " date 2022-06-12 Three civilians were killed on Sunday when a roadside bomb hit a minibus "
        "in Charikar, Parwan province, a health official said.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "j1", "published": "2022-06-20", "text":
                    "Taliban forces clashed with NRF fighters in Khinj district of Panjshir on Saturday."}) + "\n"
        + "{this is not json\n", encoding="utf-8")
    return folder


def test_run_names_each_bad_file_and_processes_the_rest(bad_folder, tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "l.db")
    result = runner.invoke(cli, ["run", str(bad_folder), "--db", db])
    assert result.exit_code == 1
    out = result.output
    assert "empty.txt" in out and "binary.txt" in out and "feed.jsonl:2" in out
    assert "good.txt" not in out.split("read ")[0]
    exported = runner.invoke(cli, ["export", "--format", "acled-csv", "--db", db])
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert {r["admin1"] for r in rows} >= {"Parwan", "Panjshir"}
    assert any(r["article_ids"] == "good" for r in rows)


def test_events_show_and_exports(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "ex.db")
    assert runner.invoke(cli, ["run", str(EXAMPLES), "--db", db]).exit_code == 0
    table = runner.invoke(cli, ["events", "--db", db])
    assert table.exit_code == 0 and "Armed clash" in table.output
    from sitrep.store import Store

    with Store(db) as store:
        event = next(e for e in store.load_events() if e.denied_by)
    shown = runner.invoke(cli, ["show", event.event_id[:8], "--db", db])
    assert shown.exit_code == 0
    assert "denies" in shown.output and "claims" in shown.output
    geo = runner.invoke(cli, ["export", "--format", "geojson", "--db", db])
    assert json.loads(geo.output)["type"] == "FeatureCollection"
    out = tmp_path / "claims.jsonl"
    assert runner.invoke(cli, ["export", "--format", "claims-jsonl", "-o", str(out), "--db", db]).exit_code == 0
    assert out.read_text(encoding="utf-8").count("\n") > 10
    missing = runner.invoke(cli, ["show", "nosuchevent", "--db", db])
    assert missing.exit_code != 0 and "no event" in missing.output


def test_classify_writes_a_label_per_row(tmp_path):
    tsv = tmp_path / "s.tsv"
    tsv.write_text("id\ttext\n1\tGunmen kidnapped six aid workers on the road to the airport.\n"
                   "2\tThe finance ministry published its annual budget on Tuesday.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(tsv)])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0] == "id\tlabel"
    labels = dict(line.split("\t") for line in lines[1:])
    assert labels == {"1": "ABDUCT_DISSAP", "2": "NONE"}


@pytest.fixture
def undated_db(tmp_path):
    """A ledger of two events from records: one dated, one no report dates."""
    import datetime as dt

    from sitrep.records import Article, DateRange, Event, Mention, Place
    from sitrep.store import Store

    place = Place("Khinj", country="Afghanistan", iso="AF", admin1="Panjshir", admin2="Khinj",
                  latitude=35.4, longitude=69.7, geo_precision=2)
    day = dt.date(2022, 7, 3)

    def event(event_id: str, article_id: str, date) -> Event:
        mention = Mention(article_id, 0, "Taliban and NRF fighters clashed in Khinj.", 0, 43, "clashed",
                          "Battles", "Armed clash", ("Taliban", "NRF"), place, "Khinj", date)
        return Event(event_id, date, "Battles", "Armed clash", ("Taliban", "NRF"), place, (mention,))

    db = str(tmp_path / "undated.db")
    with Store(db) as store:
        store.save_articles((Article(id=i, text="Taliban and NRF fighters clashed in Khinj."), "", None)
                            for i in ("dated-art", "undated-art"))
        store.save_events([event("d1a2t3e4d5", "dated-art", DateRange.day(day)),
                           event("u1n2d3a4t5", "undated-art", None)])
    return db


def test_undated_events_are_listed_apart_and_left_out_of_the_acled_csv(undated_db, tmp_path):
    runner = CliRunner(mix_stderr=False)
    listed = runner.invoke(cli, ["events", "--db", undated_db])
    assert listed.exit_code == 0, listed.output
    dated_part, _, undated_part = listed.output.partition("1 undated events")
    assert "d1a2t3e4d5" in dated_part and "2022-07-03" in dated_part and "u1n2d3a4t5" not in dated_part
    assert "u1n2d3a4t5" in undated_part and "d1a2t3e4d5" not in undated_part
    only = runner.invoke(cli, ["events", "--undated", "--db", undated_db])
    assert only.exit_code == 0 and "u1n2d3a4t5" in only.output and "d1a2t3e4d5" not in only.output
    shown = runner.invoke(cli, ["show", "u1n2", "--db", undated_db])
    assert shown.exit_code == 0 and "when     undated" in shown.output
    for output in (listed.output, only.output, shown.output):
        assert "0001-01-01" not in output and "1901" not in output
    acled = runner.invoke(cli, ["export", "--format", "acled-csv", "--db", undated_db])
    assert [r["event_id_cnty"] for r in csv.DictReader(io.StringIO(acled.stdout))] == ["AFGd1a2t3e4d5"]
    assert "1 undated events left out" in acled.stderr
    out = tmp_path / "all.csv"
    asked = runner.invoke(cli, ["export", "--format", "acled-csv", "--undated", "-o", str(out), "--db", undated_db])
    assert asked.exit_code == 0 and "wrote 2 events" in asked.stderr
    with open(out, encoding="utf-8", newline="") as fh:
        rows = {r["event_id_cnty"]: r for r in csv.DictReader(fh)}
    assert (rows["AFGu1n2d3a4t5"]["event_date"], rows["AFGu1n2d3a4t5"]["undated"]) == ("", "true")
    jsonl = runner.invoke(cli, ["export", "--format", "jsonl", "--db", undated_db])
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [(r["event_date"], r["undated"]) for r in rows] == [("2022-07-03", False), (None, True)]
