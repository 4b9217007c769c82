"""What a reader sees: claimants and claims in plain English, and one vocabulary for unknown values
across the CLI, the CSV, JSON and the API (the page is checked in Chromium in test_web.py)."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from sitrep import present
from sitrep.export import FATALITIES_UNKNOWN_TAG, write_claims_csv, write_csv, write_geojson, write_jsonl
from sitrep.present import claim_text, claimant_label, claims_summary, fatalities_text
from sitrep.records import Claim, DateRange, Event, Mention, Place


def _claim(kind="event", n=None, *, claimant=None, text=None, outlet=None, side=None, stance="claims",
           qualifier=None) -> Claim:
    return Claim(kind, n, "a1", "A sentence.", 0, 11, side=side, claimant=claimant, claimant_text=text,
                 outlet=outlet, stance=stance, qualifier=qualifier)


def test_public_names_are_pinned():
    assert sorted(present.__all__) == sorted(["UNKNOWN", "shown", "fatalities_text", "claimant_label",
                                              "claim_text", "claims_summary"])


@pytest.mark.parametrize("claim, label", [
    # the examples: "? (CNN)", "independent (the outlet (Dailytrust))", "a source within the group.\n"
    (_claim(text="CNN", outlet="Dailytrust"), "CNN"),
    (_claim(claimant="independent", text="the outlet (Dailytrust)"), "Dailytrust"),
    (_claim(claimant="independent", text="the outlet", outlet="Khaama Press"), "Khaama Press"),
    (_claim(claimant="independent", text="the outlet"), "the reporting outlet"),
    (_claim(text="a source within the group.\n"), "Source within the group"),
    (_claim(claimant="NRF", text="an NRF spokesperson, Fahim Dashti,"), "NRF spokesperson Fahim Dashti (NRF)"),
    (_claim(claimant="NRF", text="Fahim Dashti, an NRF spokesperson,"), "NRF spokesperson Fahim Dashti (NRF)"),
    (_claim(claimant="NRF", text="Ali Nazary, head of the NRF’s overseas relations,"), "Ali Nazary (NRF)"),
    (_claim(claimant="NRF", text="the NRF"), "NRF"),
    (_claim(claimant="NRF", text="he"), "NRF"),
    (_claim(claimant="NRF", text="the spokesman"), "Spokesman (NRF)"),
    (_claim(claimant="NRF", text="An Afghan rebel group led by the son of late anti-Taliban commander Ahmad "
                                 "Shah Massoud"), "NRF"),
    (_claim(claimant="independent", text="Residents of Panjshir"), "Residents of Panjshir"),
    (_claim(text="it", outlet="Dailytrust"), "Dailytrust"),
    (_claim(outlet="Frontier Wire", stance="denies"), "an unnamed source"),  # not the outlet's denial
    (_claim(), "an unnamed source"),
])
def test_claimant_labels_read_as_plain_english(claim, label):
    assert claimant_label(claim) == label
    assert "?" not in label and "None" not in label and "\n" not in label


def test_claims_read_as_sentences():
    spokesman = _claim("killed", 40, claimant="NRF", text="an NRF spokesperson, Fahim Dashti,", side="Taliban")
    assert claim_text(spokesman) == "NRF spokesperson Fahim Dashti (NRF) claims 40 Taliban killed"
    assert claim_text(_claim(claimant="independent", text="the outlet (Dailytrust)")) == "Dailytrust reports the event"
    assert claim_text(_claim(claimant="Taliban", text="The Taliban authorities", stance="denies")) == \
        "Taliban authorities (Taliban) deny the event"
    assert claim_text(_claim("killed", 5, claimant="independent", text="Residents", side="civilians")) == \
        "Residents report 5 civilians killed"
    assert claim_text(_claim("killed", claimant="NRF", qualifier="heavy casualties", side="Taliban")) == \
        "NRF claims heavy casualties among Taliban"
    assert claim_text(_claim("killed", claimant="ALF", side="Taliban")) == "ALF claims an unknown number of Taliban killed"


def test_a_summary_groups_who_reported_and_spells_out_the_figures():
    claims = [_claim(claimant="independent", text="the outlet (Dailytrust)"), _claim(text="CNN"),
              _claim(claimant="NRF", text="the NRF"),
              _claim("killed", 40, claimant="NRF", text="an NRF spokesperson, Fahim Dashti,", side="Taliban"),
              _claim(claimant="Taliban", stance="denies")]
    assert claims_summary(claims) == ("Reported by Dailytrust and CNN. Claimed by NRF. NRF spokesperson Fahim "
                                      "Dashti (NRF) claims 40 Taliban killed. Denied by Taliban.")
    assert claims_summary([]) == ""
    many = [_claim("killed", k, claimant="NRF", side="Taliban") for k in range(1, 8)]
    assert claims_summary(many, limit=4).endswith("NRF claims 4 Taliban killed. And 3 more claims.")


def test_fatalities_text_never_shows_none_or_zero_for_unknown():
    assert fatalities_text(None) == fatalities_text(None, None, None) == "unknown"
    assert fatalities_text(0) == "0"
    assert fatalities_text(12, 10, 15) == "12 (10-15)" and fatalities_text(4, 4, 4) == "4"
    assert present.shown(None) == "unknown" and present.shown(0) == "0"


# ---- one vocabulary across the exports and the API -----------------------------------------

PLACE = Place("Khinj", country="Afghanistan", iso="AF", admin1="Panjshir", admin2="Khinj", latitude=35.42,
              longitude=69.73, geo_precision=2)


def _event(event_id: str, toll: int | None) -> Event:
    article = "art-" + event_id[:4]
    claim = dataclasses.replace(_claim("killed" if toll is not None else "event", toll, claimant="independent", text="the outlet",
                   outlet="Valley News", side="NRF" if toll is not None else None), article_id=article)
    mention = Mention(article, 0, "A sentence.", 0, 11, "clashed", "Battles", "Armed clash", ("Taliban", "NRF"),
                      PLACE, "Khinj", DateRange.day(dt.date(2022, 7, 3)), (claim,), outlet="Valley News")
    return Event(event_id, DateRange.day(dt.date(2022, 7, 3)), "Battles", "Armed clash", ("Taliban", "NRF"), PLACE,
                 (mention,), (claim,), fatalities_low=toll, fatalities_best=toll, fatalities_high=toll)


UNKNOWN_TOLL, ZERO_TOLL = _event("aaaa000011112222", None), _event("bbbb000011112222", 0)


def test_json_and_geojson_say_null_for_unknown_and_0_for_none_killed():
    fh = io.StringIO()
    write_jsonl([UNKNOWN_TOLL, ZERO_TOLL], fh)
    rows = {r["event_id_cnty"]: r for r in map(json.loads, fh.getvalue().splitlines())}
    assert rows["AFGaaaa000011112222"]["fatalities"] is None and rows["AFGbbbb000011112222"]["fatalities"] == 0
    assert rows["AFGaaaa000011112222"]["fatalities_low"] is None
    fh = io.StringIO()
    write_geojson([UNKNOWN_TOLL], fh)
    assert json.loads(fh.getvalue())["features"][0]["properties"]["fatalities"] is None


def test_the_acled_csv_keeps_acleds_0_and_tags_the_toll_unknown():
    fh = io.StringIO()
    write_csv([UNKNOWN_TOLL, ZERO_TOLL], fh)
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(fh.getvalue()))}
    unknown, zero = rows["AFGaaaa000011112222"], rows["AFGbbbb000011112222"]
    assert unknown["fatalities"] == "0" and FATALITIES_UNKNOWN_TAG in unknown["tags"]
    assert unknown["fatalities_low"] == unknown["fatalities_high"] == ""  # sitrep's own columns: empty
    assert zero["fatalities"] == "0" and FATALITIES_UNKNOWN_TAG not in zero["tags"]
    assert zero["fatalities_low"] == "0"
    fh = io.StringIO()
    write_claims_csv([UNKNOWN_TOLL], fh)
    assert next(csv.DictReader(io.StringIO(fh.getvalue())))["n"] == ""


def test_the_api_says_null_for_an_unknown_toll_and_gives_claims_in_words(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from sitrep.api import Settings, create_app
    from sitrep.records import Article
    from sitrep.store import Store

    db = str(tmp_path / "api.db")
    spokesman = _claim("killed", 40, claimant="NRF", text="an NRF spokesperson, Fahim Dashti,", side="Taliban")
    event = dataclasses.replace(ZERO_TOLL, claims=(*ZERO_TOLL.claims, spokesman))
    with Store(db) as store:
        store.save_articles([(Article(id=a, text="A sentence."), "A sentence.", None)
                             for a in ("a1", "art-aaaa", "art-bbbb")])
        store.save_events([UNKNOWN_TOLL, event])
    with TestClient(create_app(Settings(db=db))) as client:
        listed = {e["event_id"]: e for e in client.get("/events").json()["data"]}
        assert listed[UNKNOWN_TOLL.event_id]["fatalities"] is None
        assert listed[ZERO_TOLL.event_id]["fatalities"] == 0
        detail = client.get(f"/events/{ZERO_TOLL.event_id}").json()
        assert [c["text"] for c in detail["claims"]] == [
            "Valley News reports 0 NRF killed", "NRF spokesperson Fahim Dashti (NRF) claims 40 Taliban killed"]
        assert detail["claims"][1]["claimant_label"] == "NRF spokesperson Fahim Dashti (NRF)"
