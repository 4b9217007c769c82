"""Every CSV export is safe to open in a spreadsheet: cells that begin with = + - @, a tab or a
carriage return are neutralised (OWASP's rule), numbers are left alone."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from sitrep.export import FORMULA_STARTS, NUMBER, export, spreadsheet_safe
from sitrep.records import Article, Claim, DateRange, Event, Mention, Place
from sitrep.store import Store

CSV_FORMATS = ("acled-csv", "claims-csv")
# A payload per dangerous first character, in every text field a report controls.
PAYLOADS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")


def _event(k: int, payload: str) -> Event:
    article = f"{payload}-article-{k}"
    claim = Claim(kind="killed", n=3, article_id=article, sentence=payload + " three were killed.", start=0, end=30,
                  claimant=payload, claimant_text=payload, outlet=payload, side=payload)
    mention = Mention(article_id=article, sentence_index=0, sentence=payload + " three were killed.", start=0,
                      end=30, trigger="killed", event_type="Violence against civilians", sub_event_type="Attack",
                      actors=(payload,), place=Place(payload, country="Colombia", iso="CO", admin1=payload,
                                                     admin2=payload, latitude=-4.5, longitude=-74.25),
                      place_text=payload, date=DateRange.day(dt.date(2024, 5, 1)), claims=(claim,), outlet=payload)
    return Event(event_id=f"e{k}", date=mention.date, event_type="Violence against civilians",
                 sub_event_type="Attack", actors=(payload,), place=mention.place, mentions=(mention,),
                 claims=(claim,), fatalities_low=3, fatalities_best=3, fatalities_high=3, denied_by=(payload,),
                 notes=payload)


EVENTS = [_event(k, p) for k, p in enumerate(PAYLOADS)]


def _assert_safe(text: str) -> int:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) > 1
    cells = 0
    for row in rows:
        for cell in row:
            cells += 1
            assert not (cell[:1] in FORMULA_STARTS and not NUMBER.fullmatch(cell)), cell
    return cells


@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_every_csv_export_neutralises_formulas(fmt: str):
    out = io.StringIO(newline="")
    export(EVENTS, fmt, out, include_undated=True)
    _assert_safe(out.getvalue())
    assert "'=HYPERLINK" in out.getvalue() and "'@SUM" in out.getvalue()


def test_numbers_stay_numbers():
    out = io.StringIO(newline="")
    export(EVENTS[:1], "acled-csv", out)
    row = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert (row["latitude"], row["longitude"], row["fatalities"]) == ("-4.5", "-74.25", "3")
    assert spreadsheet_safe(-3) == -3 and spreadsheet_safe("-3.5") == "-3.5" and spreadsheet_safe("-x") == "'-x"


def test_the_api_and_the_cli_csv_exports_are_neutralised(tmp_path: Path):
    from fastapi.testclient import TestClient

    from sitrep.api import Settings, create_app
    from click.testing import CliRunner

    from sitrep.cli import cli, main

    db = str(tmp_path / "ledger.db")
    with Store(db) as store:
        store.save_articles((Article(id=m.article_id, text=m.sentence, outlet=m.outlet), m.sentence, None)
                            for e in EVENTS for m in e.mentions)
        store.save_events(EVENTS)
    with TestClient(create_app(Settings(db=db))) as client:
        response = client.get("/export.csv")
        assert response.status_code == 200
        _assert_safe(response.text)
    for fmt in CSV_FORMATS:
        out = tmp_path / f"{fmt}.csv"
        main(["export", "--format", fmt, "-o", str(out), "--db", db])
        _assert_safe(out.read_text(encoding="utf-8"))
    for command in (["events", "--format", "csv"], ["show", "e1", "--format", "csv"]):
        result = CliRunner().invoke(cli, [*command, "--db", db])
        assert result.exit_code == 0, result.output
        assert _assert_safe(result.stdout) > 10
