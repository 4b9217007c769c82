"""Tests of the ACLED-style exports and the claim ledger, and that the scorer reads them."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.util
import io
import json
from pathlib import Path

import pytest

from sitrep import export as export_module
from sitrep.errors import ConfigError
from sitrep.export import (
    ACLED_COLUMNS,
    CLAIM_COLUMNS,
    FORMATS,
    export,
    inter_codes,
    to_acled_rows,
    to_json_rows,
    write_claims_csv,
    write_claims_jsonl,
    write_csv,
    write_geojson,
    write_jsonl,
)
from sitrep.records import Claim, DateRange, Event, Mention, Place

SCORE_PY = Path("/work/shared/eval/score.py")
DAY = dt.date(2022, 2, 21)
ANABA = Place("Anaba", country="Afghanistan", iso="AF", admin1="Panjshir", admin2="Anaba",
              latitude=35.30123456, longitude=69.5, geo_precision=1)
SITREP_OWN = ["fatalities_low", "fatalities_high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
              "article_ids", "n_reports", "claims", "denied_by", "status"]


def _claim(article_id: str, n: int | None, **kw) -> Claim:
    base = dict(kind="killed", n=n, article_id=article_id, sentence="The NRF said it killed at least 23 Taliban.",
                start=10, end=55, qualifier="at least", side="Taliban", claimant="NRF", outlet="Outlet A")
    base.update(kw)
    return Claim(**base)


def _mention(article_id: str, outlet: str, claims: tuple[Claim, ...] = (), **kw) -> Mention:
    base = dict(article_id=article_id, sentence_index=1, sentence="NRF fighters ambushed the Taliban in Anaba.",
                start=10, end=55, trigger="ambushed", event_type="Battles", sub_event_type="Armed clash",
                actors=("NRF", "Taliban"), place=ANABA, date=DateRange.day(DAY), claims=claims, outlet=outlet)
    base.update(kw)
    return Mention(**base)


def _ambush() -> Event:
    nrf = _claim("seed-000", 23)
    denial = Claim("event", None, "seed-001", "The Taliban denied any fighting in Panjshir.", 0, 44,
                   claimant="Taliban", stance="denies", outlet="Outlet B")
    mentions = (_mention("seed-000", "Outlet A", (nrf,)), _mention("seed-001", "Outlet B", (denial,)))
    return Event("0123456789abcdef", DateRange.day(DAY), "Battles", "Armed clash", ("NRF", "Taliban"), ANABA,
                 mentions, (nrf, denial), fatalities_low=23, fatalities_best=23, fatalities_high=23,
                 denied_by=("Taliban",), status="disputed")


def _execution() -> Event:
    place = Place("Dara", country="Afghanistan", iso="AF", admin1="Panjshir", admin2="Dara", geo_precision=2)
    killed = _claim("seed-002", 5, side="Civilians", claimant="independent", qualifier=None,
                    claimant_text="residents")
    mention = _mention("seed-002", "Outlet C", (killed,), event_type="Violence against civilians",
                       sub_event_type="Attack", actors=("Civilians", "Taliban"), place=place)
    return Event("fedcba9876543210", DateRange.span(dt.date(2022, 3, 1), dt.date(2022, 3, 31)),
                 "Violence against civilians", "Attack", ("Civilians", "Taliban"), place, (mention,), (killed,),
                 fatalities_low=5, fatalities_best=5, fatalities_high=5)


def _history() -> Event:
    mention = _mention("seed-003", "Outlet A", background=True, background_reason="recalled as context",
                       date=DateRange.day(dt.date(2001, 9, 9)))
    return Event("aaaaaaaaaaaaaaaa", DateRange.day(dt.date(2001, 9, 9)), "Violence against civilians", "Attack",
                 ("Al-Qaeda", "Civilians"), ANABA, (mention,), background=True)


def _undated() -> Event:
    """An event no report dates: the merge stage leaves its date None."""
    claim = _claim("seed-004", 4, claimant="Taliban", side="NRF")
    mention = _mention("seed-004", "Outlet D", (claim,), date=None)
    return Event("bbbbbbbbbbbbbbbb", None, "Battles", "Armed clash", ("Taliban", "NRF"), ANABA, (mention,),
                 (claim,), fatalities_low=4, fatalities_best=4, fatalities_high=4)


def _rows(events, **kw) -> list[dict]:
    fh = io.StringIO()
    write_csv(events, fh, **kw)
    return list(csv.DictReader(io.StringIO(fh.getvalue())))


# --- ACLED rows ------------------------------------------------------------------------------

def test_csv_columns_are_acled_then_sitrep():
    fh = io.StringIO()
    write_csv([_ambush()], fh)
    header = fh.getvalue().splitlines()[0].split(",")
    assert header == list(ACLED_COLUMNS) + SITREP_OWN
    fh = io.StringIO()
    write_csv([_ambush()], fh, include_background=True)
    header = fh.getvalue().splitlines()[0].split(",")
    assert header == list(ACLED_COLUMNS) + SITREP_OWN[:-1] + ["background", "status"]


def test_battle_row():
    (row,) = _rows([_ambush()])
    assert row["event_id_cnty"] == "AFG0123456789abcdef"
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2022-02-21", "2022", "1")
    assert row["disorder_type"] == "Political violence"
    assert (row["actor1"], row["actor2"], row["assoc_actor_1"], row["assoc_actor_2"]) == ("NRF", "Taliban", "", "")
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("2", "1", "12")
    assert row["civilian_targeting"] == ""
    assert (row["iso"], row["region"], row["country"]) == ("4", "Caucasus and Central Asia", "Afghanistan")
    assert (row["admin1"], row["admin2"], row["location"]) == ("Panjshir", "Anaba", "Anaba")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == ("35.3012", "69.5", "1")
    assert row["source"] == "Outlet A; Outlet B"
    assert row["source_scale"] == "Other"
    assert row["notes"] == ("On 21 February 2022, NRF clashed with Taliban in Anaba (Panjshir). "
                            "NRF claims at least 23 Taliban killed. Denied by Taliban.")
    assert row["fatalities"] == "23"
    assert row["tags"] == "denied by Taliban"
    assert row["timestamp"] == str(int(dt.datetime(2022, 2, 21, tzinfo=dt.timezone.utc).timestamp()))
    assert (row["fatalities_low"], row["fatalities_high"]) == ("23", "23")
    assert row["article_ids"] == "seed-000;seed-001"
    assert row["n_reports"] == "2"
    assert row["denied_by"] == "Taliban"
    assert row["status"] == "disputed"
    claims = json.loads(row["claims"])
    assert [(c["kind"], c["n"], c["claimant"], c["stance"]) for c in claims] == [
        ("killed", 23, "NRF", "claims"), ("event", None, "Taliban", "denies")]


def test_violence_against_civilians_puts_civilians_second():
    (row,) = _rows([_execution()])
    assert (row["actor1"], row["actor2"]) == ("Taliban", "Civilians")
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("1", "7", "17")
    assert row["civilian_targeting"] == "Civilian targeting"
    assert row["event_date"] == "2022-03-16"
    assert row["notes"].startswith("In March 2022, Taliban attacked Civilians in Dara (Panjshir). "
                                   "Residents report 5 civilians killed.")
    assert row["latitude"] == row["longitude"] == ""


def test_joint_operation_lists_further_actors_as_associates():
    event = dataclasses.replace(_ambush(), actors=("ALF", "Taliban", "NRF"))
    (row,) = _rows([event])
    assert (row["actor1"], row["actor2"], row["assoc_actor_1"]) == ("ALF", "Taliban", "NRF")
    assert row["notes"].startswith("On 21 February 2022, ALF and NRF clashed with Taliban")


def test_unknown_toll_and_actor_types():
    event = dataclasses.replace(_ambush(), actors=("Nobody Known",), claims=(), fatalities_low=None,
                                fatalities_best=None, fatalities_high=None, denied_by=(), place=None)
    assert _rows([event]) == []  # no province: not an ACLED row unless incomplete rows are asked for
    (row,) = _rows([event], include_undated=True)
    assert row["fatalities"] == "0"
    assert row["fatalities_low"] == row["fatalities_high"] == ""
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("0", "", "0")
    assert row["event_id_cnty"].startswith("XXX")
    assert (row["iso"], row["region"], row["location"]) == ("", "", "")
    assert row["notes"] == "On 21 February 2022, Nobody Known fought an armed clash."
    assert inter_codes(["Taliban", "Civilians (Afghanistan)", "Civilians", "Unknown"]) == {
        "Taliban": 1, "Civilians (Afghanistan)": 7, "Civilians": 7, "Unknown": 0}


def test_events_without_a_province_are_no_acled_rows_but_stay_in_the_json():
    placed, nowhere = _ambush(), dataclasses.replace(_ambush(), event_id="nowhere", place=None)
    assert [r["event_id_cnty"] for r in _rows([placed, nowhere])] == [r["event_id_cnty"] for r in _rows([placed])]
    assert len(_rows([placed, nowhere], include_undated=True)) == 2
    assert len(list(to_json_rows([placed, nowhere]))) == 2


def test_inter_codes_can_be_given():
    (row,) = list(to_acled_rows([_ambush()], inter={"NRF": 3, "Taliban": 8}))
    assert (row["inter1"], row["inter2"], row["interaction"]) == (3, 8, 38)


def test_background_events_left_out_unless_asked():
    events = [_ambush(), _history()]
    assert [r["event_id_cnty"] for r in _rows(events)] == ["AFG0123456789abcdef"]
    rows = _rows(events, include_background=True)
    assert [(r["event_date"], r["background"]) for r in rows] == [("2001-09-09", "true"), ("2022-02-21", "false")]
    assert rows[0]["timestamp"] == str(int(dt.datetime(2001, 9, 9, tzinfo=dt.timezone.utc).timestamp()))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_exports_are_byte_identical_whatever_the_input_order(fmt: str):
    outputs = set()
    for events in ([_ambush(), _execution(), _history()], [_history(), _execution(), _ambush()]):
        fh = io.StringIO()
        export(events, fmt, fh, include_background=True)
        outputs.add(fh.getvalue())
    assert len(outputs) == 1


def test_unknown_format_names_the_choices():
    with pytest.raises(ConfigError, match="acled-csv.*claims-jsonl"):
        export([_ambush()], "xlsx", io.StringIO())


# --- JSON Lines and GeoJSON ---------------------------------------------------------------------

def test_jsonl_has_the_same_keys_with_real_lists():
    fh = io.StringIO()
    assert write_jsonl([_ambush(), _execution()], fh) == 2
    rows = [json.loads(line) for line in fh.getvalue().splitlines()]
    assert list(rows[0]) == list(ACLED_COLUMNS) + SITREP_OWN[:-1] + ["undated", "status"]
    assert rows[0]["undated"] is False
    assert rows[0]["article_ids"] == ["seed-000", "seed-001"]
    assert rows[0]["denied_by"] == ["Taliban"]
    assert rows[0]["claims"][0]["n"] == 23
    assert rows[0]["fatalities"] == 23 and rows[0]["interaction"] == 12
    assert rows[1]["latitude"] is None


def test_geojson_points_and_skipped():
    fh = io.StringIO()
    assert write_geojson([_ambush(), _execution()], fh) == 1
    doc = json.loads(fh.getvalue())
    assert doc["type"] == "FeatureCollection"
    assert doc["skipped"] == 1
    (feature,) = doc["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [69.5, 35.3012]}
    assert feature["properties"]["event_id_cnty"] == "AFG0123456789abcdef"
    assert feature["properties"]["article_ids"] == ["seed-000", "seed-001"]


# --- undated events -----------------------------------------------------------------------------

def test_acled_csv_leaves_undated_events_out_unless_asked():
    events = [_undated(), _ambush()]
    assert [r["event_id_cnty"] for r in _rows(events)] == ["AFG0123456789abcdef"]
    fh = io.StringIO()
    write_csv(events, fh)
    assert fh.getvalue().splitlines()[0].split(",") == list(ACLED_COLUMNS) + SITREP_OWN
    rows = _rows(events, include_undated=True)
    assert list(rows[0]) == list(ACLED_COLUMNS) + SITREP_OWN[:-1] + ["undated", "status"]
    assert [(r["event_id_cnty"], r["undated"]) for r in rows] == [
        ("AFG0123456789abcdef", "false"), ("AFGbbbbbbbbbbbbbbbb", "true")]  # undated last
    undated = rows[1]
    assert (undated["event_date"], undated["year"], undated["time_precision"], undated["timestamp"]) == ("", "", "", "")
    assert undated["notes"].startswith("On an unknown date, Taliban clashed with NRF in Anaba (Panjshir).")
    assert undated["fatalities"] == "4"
    fh = io.StringIO()
    assert export(events, "acled-csv", fh) == 1
    fh = io.StringIO()
    assert export(events, "acled-csv", fh, include_undated=True) == 2


def test_jsonl_and_geojson_keep_undated_events_with_null_dates():
    fh = io.StringIO()
    assert write_jsonl([_undated(), _ambush()], fh) == 2
    rows = [json.loads(line) for line in fh.getvalue().splitlines()]
    assert [r["undated"] for r in rows] == [False, True]
    assert (rows[1]["event_date"], rows[1]["year"], rows[1]["time_precision"]) == (None, None, None)
    assert rows[1]["event_id_cnty"] == "AFGbbbbbbbbbbbbbbbb" and rows[1]["claims"][0]["n"] == 4
    fh = io.StringIO()
    assert write_jsonl([_undated(), _ambush()], fh, include_undated=False) == 1
    assert "undated" not in json.loads(fh.getvalue())
    fh = io.StringIO()
    assert write_geojson([_undated()], fh) == 1
    (feature,) = json.loads(fh.getvalue())["features"]
    props = feature["properties"]
    assert (props["event_date"], props["time_precision"], props["undated"]) == (None, None, True)
    fh = io.StringIO()
    assert export([_undated()], "geojson", fh, include_undated=False) == 0


@pytest.mark.parametrize("sentinel", [dt.date.min, dt.date(1004, 6, 1), dt.date(1899, 12, 31)])
def test_no_export_has_a_date_before_1900(sentinel: dt.date, caplog):
    """A date before 1900 is a placeholder for none: every format shows the event as undated."""
    placeholder = dataclasses.replace(_ambush(), event_id="cccccccccccccccc", date=DateRange.day(sentinel))
    events = [placeholder, _ambush(), _undated()]
    with caplog.at_level("WARNING", logger="sitrep.export"):
        assert [r["event_id_cnty"] for r in _rows(events)] == ["AFG0123456789abcdef"]
    assert "cccccccccccccccc" in caplog.text and "undated" in caplog.text
    outputs = {}
    for fmt in FORMATS:
        fh = io.StringIO()
        export(events, fmt, fh, include_undated=True)
        outputs[fmt] = fh.getvalue()
    for fmt, text in outputs.items():
        assert str(sentinel.year).zfill(4) + "-" not in text, fmt
        assert "0001-" not in text and "1901" not in text, fmt
    rows = [json.loads(line) for line in outputs["jsonl"].splitlines()]
    assert {r["event_id_cnty"]: r["undated"] for r in rows} == {
        "AFG0123456789abcdef": False, "AFGbbbbbbbbbbbbbbbb": True, "AFGcccccccccccccccc": True}
    assert all(r["event_date"] is None or r["year"] >= 1900 for r in rows)


# --- the claim ledger ------------------------------------------------------------------------------

def test_claims_csv_one_row_per_claim():
    fh = io.StringIO()
    assert write_claims_csv([_ambush(), _execution()], fh) == 3
    rows = list(csv.DictReader(io.StringIO(fh.getvalue())))
    assert list(rows[0]) == list(CLAIM_COLUMNS)
    assert [(r["event_id_cnty"], r["kind"], r["n"], r["claimant"], r["stance"], r["article_id"]) for r in rows] == [
        ("AFG0123456789abcdef", "killed", "23", "NRF", "claims", "seed-000"),
        ("AFG0123456789abcdef", "event", "", "Taliban", "denies", "seed-001"),
        ("AFGfedcba9876543210", "killed", "5", "independent", "claims", "seed-002"),
    ]
    assert rows[0]["sentence"] == "The NRF said it killed at least 23 Taliban."
    assert (rows[0]["start"], rows[0]["end"], rows[0]["outlet"]) == ("10", "55", "Outlet A")
    assert rows[0]["claim_id"] == _ambush().claims[0].claim_id


def test_claims_jsonl():
    fh = io.StringIO()
    write_claims_jsonl([_ambush()], fh)
    rows = [json.loads(line) for line in fh.getvalue().splitlines()]
    assert [list(r) for r in rows] == [list(CLAIM_COLUMNS)] * 2
    assert rows[1]["n"] is None and rows[1]["estimated"] is False


# --- the scorer reads the exports ---------------------------------------------------------------------

@pytest.mark.shared
@pytest.mark.parametrize("suffix, fmt", [(".csv", "acled-csv"), (".jsonl", "jsonl")])
def test_score_py_reads_the_export(tmp_path: Path, suffix: str, fmt: str):
    if not SCORE_PY.exists():
        pytest.skip("../shared/eval/score.py is absent")
    spec = importlib.util.spec_from_file_location("sitrep_eval_score", SCORE_PY)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    path = tmp_path / f"events{suffix}"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        export([_ambush(), _execution(), _history()], fmt, fh, include_background=True)
    pred = score.load_pred(str(path))
    assert len(pred) == 2  # the background event is dropped by the scorer
    ambush, execution = pred
    assert ambush["date"] == DAY
    assert ambush["actors"] == {"nrf", "taliban"}
    assert (ambush["admin1"], ambush["admin2"]) == ("panjshir", "anaba")
    assert ambush["fatalities"] == 23
    assert ambush["articles"] == {"seed-000", "seed-001"}
    assert (ambush["event_type"], ambush["sub_event_type"]) == ("Battles", "Armed clash")
    assert execution["actors"] == {"civilians", "taliban"}
    assert execution["fatalities"] == 5


def test_public_names_are_pinned():
    for name in export_module.__all__:
        assert hasattr(export_module, name), name
    from sitrep import store
    for name in store.__all__:
        assert hasattr(store, name), name
