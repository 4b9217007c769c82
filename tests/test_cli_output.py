"""The command line as an analyst reads it: 80 columns, pipes, progress, logs, and clear errors."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from sitrep import cli as cli_module
from sitrep.cli import cli
from sitrep.pipeline import STAGES

LONG_ID = "f00dfeedcafebabe0123"
UNKNOWN_ID = "0ddba11deadbeef4567"
MARKUP_ACTOR = "[bold]Front[/bold] of the [Valley]"
QUOTE = "A witness said [the gunmen] fired on the [red]convoy[/red] near Khinj."


@pytest.fixture
def ledger(tmp_path) -> str:
    """Three events from records: a known toll, an unknown toll with markup-like text, a background one."""
    from sitrep.records import Article, Claim, DateRange, Event, Mention, Place
    from sitrep.store import Store

    place = Place("Khinj", country="Afghanistan", iso="AF", admin1="Panjshir", admin2="Khinj",
                  latitude=35.42, longitude=69.73, geo_precision=2)

    def event(event_id: str, day: dt.date, toll: int | None, actors: tuple[str, ...], *, background=False,
              sentence: str = "Taliban and NRF fighters clashed in Khinj.") -> Event:
        claim = Claim("killed" if toll is not None else "event", toll, f"art-{event_id}", sentence, 0,
                      len(sentence), claimant="independent", claimant_text="the outlet", outlet="Valley News")
        mention = Mention(f"art-{event_id}", 0, sentence, 0, len(sentence), "clashed", "Battles", "Armed clash",
                          actors, place, "Khinj", DateRange.day(day), (claim,), outlet="Valley News")
        return Event(event_id, DateRange.day(day), "Battles", "Armed clash", actors, place, (mention,), (claim,),
                     fatalities_low=toll, fatalities_best=toll, fatalities_high=toll, background=background)

    db = str(tmp_path / "ledger.db")
    events = [event(LONG_ID, dt.date(2022, 7, 3), 4, ("Taliban", "NRF")),
              event(UNKNOWN_ID, dt.date(2022, 7, 9), None, ("Taliban", MARKUP_ACTOR), sentence=QUOTE),
              event("ba5eba11c0ffee", dt.date(2001, 9, 9), 1, ("Taliban", "NRF"), background=True)]
    with Store(db) as store:
        store.save_articles((Article(id=f"art-{e.event_id}", text=e.mentions[0].sentence), e.mentions[0].sentence,
                             None) for e in events)
        store.save_events(events)
    return db


def _invoke(args: list[str], *, columns: int | None = None):
    env = {"COLUMNS": str(columns)} if columns else {}
    return CliRunner(mix_stderr=False).invoke(cli, args, env=env)


# ---- 80 columns, markup, unknown values ----------------------------------------------------

def test_events_table_fits_80_columns_with_whole_ids_and_literal_text(ledger):
    result = _invoke(["events", "--background", "--db", ledger], columns=80)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and max(len(line.rstrip()) for line in lines) <= 80
    # the ids `sitrep show` takes are whole on one line; so are the dates
    for event_id, day in ((LONG_ID, "2022-07-03"), (UNKNOWN_ID, "2022-07-09"), ("ba5eba11c0", "2001-09-09")):
        row = next(line for line in lines if event_id[:10] in line)
        assert day in row
    # rich markup in the data is shown as written, and the background marker is kept
    assert "[Valley]" in result.stdout and "[bg]" in result.stdout
    wide = _invoke(["events", "--db", ledger]).stdout
    assert f"Taliban, {MARKUP_ACTOR}" in wide
    row = next(line for line in lines if UNKNOWN_ID[:10] in line)
    assert row.rstrip().endswith("unknown")
    assert "None" not in result.stdout


def test_show_says_unknown_and_keeps_bracketed_words(ledger):
    result = _invoke(["show", UNKNOWN_ID[:8], "--db", ledger], columns=80)
    assert result.exit_code == 0, result.stderr
    assert "deaths   unknown" in result.stdout
    assert "None" not in result.stdout
    wide = _invoke(["show", UNKNOWN_ID[:8], "--db", ledger], columns=200).stdout
    assert "[the gunmen]" in wide and "[red]convoy[/red]" in wide  # never read as markup
    assert "Valley News reports the event" in wide
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80
    assert f"art-{UNKNOWN_ID}" in result.stdout  # the article id is whole on its line
    assert UNKNOWN_ID in result.stdout


def test_events_as_csv_and_json_leave_unknown_empty_and_null(ledger):
    as_csv = _invoke(["events", "--format", "csv", "--db", ledger])
    assert as_csv.exit_code == 0, as_csv.stderr
    rows = {r["event_id"]: r for r in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert rows[UNKNOWN_ID]["fatalities"] == "" and rows[LONG_ID]["fatalities"] == "4"
    assert rows[UNKNOWN_ID]["actors"] == f"Taliban; {MARKUP_ACTOR}"
    as_json = _invoke(["events", "--format", "json", "--db", ledger])
    items = {r["event_id"]: r for r in json.loads(as_json.stdout)}
    assert items[UNKNOWN_ID]["fatalities"] is None and items[LONG_ID]["fatalities"] == 4
    assert set(items) == {LONG_ID, UNKNOWN_ID}  # background only with --background
    shown = json.loads(_invoke(["show", UNKNOWN_ID, "--format", "json", "--db", ledger]).stdout)
    assert shown["fatalities"] is None and shown["claims"][0]["text"] == "Valley News reports the event"


def test_help_lists_the_formats():
    export_help = " ".join(_invoke(["export", "--help"], columns=80).stdout.split())
    for name in ("acled-csv", "jsonl", "geojson", "claims-csv", "claims-jsonl"):
        assert f"{name}:" in export_help, name
    for command in ("events", "show"):
        text = " ".join(_invoke([command, "--help"], columns=80).stdout.split())
        assert "table:" in text and "csv" in text and "json" in text, command


def test_serve_help_says_how_reads_and_writes_are_guarded():
    text = " ".join(_invoke(["serve", "--help"], columns=80).stdout.split())
    assert "reading" in text and "open to anyone who can reach" in text
    assert "POST /articles" in text and "needs the bearer token" in text


# ---- errors --------------------------------------------------------------------------------

def test_export_into_a_missing_folder_says_what_to_do(ledger, tmp_path):
    target = tmp_path / "nodir" / "out.csv"
    result = _invoke(["export", "-o", str(target), "--db", ledger])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and result.exception is None or isinstance(result.exception, SystemExit)
    assert f"the folder {target.parent} does not exist" in result.stderr and "mkdir -p" in result.stderr
    assert not target.parent.exists()


def test_export_into_a_folder_says_to_name_a_file(ledger, tmp_path):
    result = _invoke(["export", "-o", str(tmp_path), "--db", ledger])
    assert result.exit_code == 1 and "is a folder: give a file name" in result.stderr


def test_reading_a_ledger_that_is_not_there_names_it_and_makes_none(tmp_path):
    missing = tmp_path / "typo.db"
    for args in (["events"], ["show", "abc"], ["export"]):
        result = _invoke([*args, "--db", str(missing)])
        assert result.exit_code == 1, args
        assert f"no ledger at {missing}" in result.stderr and "sitrep run" in result.stderr
    assert not missing.exists()


def test_export_counts_what_it_wrote(ledger, tmp_path):
    claims = tmp_path / "claims.csv"
    result = _invoke(["export", "--format", "claims-csv", "-o", str(claims), "--db", ledger])
    assert result.exit_code == 0, result.stderr
    assert "wrote 2 claims of 2 events" in result.stderr
    events = tmp_path / "events.csv"
    result = _invoke(["export", "-o", str(events), "--db", ledger])
    assert "wrote 2 events" in result.stderr


# ---- logs and progress ---------------------------------------------------------------------

def test_library_logs_are_quiet_unless_verbose(capsys):
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        cli_module._setup_logging(0)
        logging.getLogger("distributed.scheduler").info("State start")
        logging.getLogger("distributed.worker").warning("a library warning")
        logging.getLogger("sitrep.export").warning("a sitrep warning")
        err = capsys.readouterr().err
        assert "State start" not in err and "a library warning" not in err and "a sitrep warning" in err
        cli_module._setup_logging(1)
        logging.getLogger("distributed.scheduler").info("State start")
        assert "State start" in capsys.readouterr().err
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_sitrep", False)]:
            root.removeHandler(handler)
        root.setLevel(saved[0])
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.fixture(scope="module")
def one_report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("one")
    (folder / "a.txt").write_text(
        " date 2022-06-12 Three civilians were killed on Sunday when a roadside bomb hit a minibus "
        "in Charikar, Parwan province, a health official said.\n", encoding="utf-8")
    (folder / "b.txt").write_text(
        " date 2022-06-20 Taliban forces clashed with NRF fighters in Khinj district of Panjshir on "
        "Saturday, killing four, an NRF spokesman said.\n", encoding="utf-8")
    return folder


@pytest.mark.model
def test_progress_is_plain_lines_naming_each_stage_when_not_a_terminal(one_report, tmp_path):
    result = _invoke(["run", str(one_report), "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("sitrep: ")]
    stages = [next((s for s in sorted(STAGES, key=len, reverse=True) if line[8:].startswith(s)), None)
              for line in lines]
    assert [s for k, s in enumerate(stages) if s and s not in stages[:k]] == list(STAGES)
    assert "sitrep: parsing 2/2" in result.stderr
    assert "\x1b[" not in result.stderr and "0/?" not in result.stderr  # no terminal codes, no bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.model
def test_the_bar_on_a_terminal_is_labelled_from_its_first_frame(one_report, tmp_path, monkeypatch):
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setenv("COLUMNS", "80")
    frames: list[str] = []
    real_run = cli_module.run

    def spy(*args, **kwargs):
        frames.append(term.getvalue())  # what the terminal shows before the first stage reports
        return real_run(*args, **kwargs)

    monkeypatch.setattr(cli_module, "run", spy)
    labels: list[str] = []
    real_update = cli_module.Progress.update

    def update(self, task, **fields):
        labels.append(fields.get("description"))
        return real_update(self, task, **fields)

    monkeypatch.setattr(cli_module.Progress, "update", update)
    assert cli_module._run_with_progress([str(one_report)], str(tmp_path / "t.db")) == 0
    assert "reading" in frames[0] and "0/?" not in term.getvalue()
    assert [s for k, s in enumerate(labels) if s not in labels[:k]] == list(STAGES)


@pytest.mark.model
def test_demo_names_no_deleted_ledger():
    result = _invoke(["demo"])
    assert result.exit_code == 0, result.stderr
    assert "in a temporary ledger" in result.stderr and "was temporary and is gone" in result.stderr
    assert "demo.db" not in result.stderr.split("the demo's ledger")[0]


@pytest.mark.model
def test_a_dask_run_prints_no_library_logs(one_report, tmp_path):
    pytest.importorskip("distributed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    proc = subprocess.run([sys.executable, "-m", "sitrep.cli", "run", str(one_report), "--engine", "dask",
                           "--db", str(tmp_path / "d.db")], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    noise = [line for line in proc.stderr.splitlines() if not line.startswith(("sitrep: ", "read "))]
    assert not noise, noise
    assert "Traceback" not in proc.stderr
