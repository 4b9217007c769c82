"""The HTTP API over a ledger built from the example corpus: each endpoint, filter, limit and guard."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from urllib.parse import quote

import pytest

from conftest import EXAMPLES

fastapi = pytest.importorskip("fastapi", reason="the api extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from sitrep.api import Settings, create_app  # noqa: E402
from sitrep.api.app import CONTENT_SECURITY_POLICY  # noqa: E402
from sitrep.export import ACLED_COLUMNS  # noqa: E402
from sitrep.store import Store  # noqa: E402

pytestmark = pytest.mark.model

SUMMARY_KEYS = {
    "event_id", "event_date", "date_min", "date_max", "time_precision", "event_type", "sub_event_type",
    "actors", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "fatalities",
    "fatalities_low", "fatalities_high", "n_reports", "article_ids", "status", "denied_by", "background",
    "notes",
}
CLAIM_KEYS = {"kind", "n", "low", "high", "qualifier", "side", "claimant", "claimant_text", "stance",
              "article_id", "outlet", "sentence", "start", "end"}
MENTION_KEYS = {"article_id", "sentence", "start", "end", "trigger", "sub_event_type", "stance", "claimant"}
INJECTIONS = ("' OR 1=1 --", "Panjshir'; DROP TABLE events;--", '" OR ""="', "%", "_", "\\", "1; SELECT 1",
              "Panjshir\x00", "') UNION SELECT event_id FROM events --")
TEXT_FILTERS = ("admin1", "admin2", "actor", "event_type", "sub_event_type", "q")
NEW_REPORT = ("Taliban forces clashed with NRF fighters in the Khinj district of Panjshir province on "
              "Saturday, a Taliban spokesman said. Three Taliban fighters were killed, he said.")


# --- fixtures ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A pristine ledger of the example corpus; each app works on its own copy of it."""
    from sitrep.pipeline import Options, run

    path = tmp_path_factory.mktemp("ledger") / "examples.db"
    run([EXAMPLES], options=Options(db=str(path)))
    return path


def _copy(ledger, tmp_path_factory, name: str) -> str:
    target = tmp_path_factory.mktemp(name) / "copy.db"
    shutil.copyfile(ledger, target)
    return str(target)


@pytest.fixture(scope="module")
def db(ledger, tmp_path_factory):
    return _copy(ledger, tmp_path_factory, "read")


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(Settings(db=db))) as c:
        yield c


@pytest.fixture(scope="module")
def events(db):
    with Store(db) as store:
        # what GET /events lists by default: dated events (undated ones are listed apart)
        return (store.load_events(include_background=False, undated="exclude"),
                store.load_events(include_background=True, undated="exclude"))


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "count"}
    return [e["event_id"] for e in body["data"]]


def _all_ids(client, **params) -> list[str]:
    response = client.get("/events", params={"limit": 1000, **params})
    ids = _ids(response)
    assert response.json()["count"] == len(ids)
    return ids


# --- GET /events ------------------------------------------------------------------------

def test_events_lists_the_ledger_with_every_summary_field(client, events):
    news, everything = events
    body = client.get("/events").json()
    assert body["count"] == len(news) > 0
    assert len(body["data"]) == min(100, len(news))
    for item in body["data"]:
        assert SUMMARY_KEYS <= set(item)
        assert item["background"] is False
        assert item["n_reports"] == len(item["article_ids"]) >= 1
    assert [e["event_id"] for e in body["data"]] == [e.event_id for e in news][:100]
    assert client.get("/events", params={"include_background": True}).json()["count"] == len(everything)


def test_events_pages_through_in_order(client, events):
    news, _ = events
    first = _ids(client.get("/events", params={"limit": 5, "offset": 0}))
    second = _ids(client.get("/events", params={"limit": 5, "offset": 5}))
    both = _ids(client.get("/events", params={"limit": 10}))
    assert first + second == both == [e.event_id for e in news][:10]
    assert client.get("/events", params={"limit": 5, "offset": 5}).json()["count"] == len(news)
    assert _ids(client.get("/events", params={"offset": 10_000})) == []
    newest = _ids(client.get("/events", params={"limit": 1000, "order": "desc"}))
    assert newest == [e.event_id for e in reversed(news)]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"offset": -1}, {"order": "sideways"},
                                    {"date_from": "2022-13-45"}, {"min_fatalities": -1},
                                    {"min_fatalities": "many"}, {"bbox": "1,2,3"}, {"bbox": "a,b,c,d"},
                                    {"bbox": "1e3,1,2,3"}, {"bbox": "nan,1,2,3"}, {"admin1": "x" * 500}])
def test_events_rejects_bad_parameters_with_422(client, params):
    response = client.get("/events", params=params)
    assert response.status_code == 422, response.text
    assert "detail" in response.json()


def _matching(events, pred) -> list[str]:
    return [e.event_id for e in events if pred(e)]


def test_each_filter_matches_a_python_reference(client, events):
    news, everything = events
    low, high = dt.date(2022, 3, 1), dt.date(2022, 5, 10)
    cases = [
        ({"date_from": low.isoformat()}, lambda e: e.date.date >= low),
        ({"date_to": high.isoformat()}, lambda e: e.date.date <= high),
        ({"date_from": low.isoformat(), "date_to": high.isoformat()}, lambda e: low <= e.date.date <= high),
        ({"admin1": "panjshir"}, lambda e: e.place is not None and (e.place.admin1 or "").lower() == "panjshir"),
        ({"admin2": "ANABA"}, lambda e: e.place is not None and (e.place.admin2 or "").lower() == "anaba"),
        ({"actor": "ALF"}, lambda e: "ALF" in e.actors),
        ({"actor": "nrf"}, lambda e: "NRF" in e.actors),
        ({"event_type": "battles"}, lambda e: e.event_type == "Battles"),
        ({"sub_event_type": "Armed clash"}, lambda e: e.sub_event_type == "Armed clash"),
        ({"min_fatalities": 5}, lambda e: (e.fatalities_best or 0) >= 5),
        ({"bbox": "69,35,70.5,35.5"}, lambda e: e.place is not None and e.place.latitude is not None
         and 35 <= e.place.latitude <= 35.5 and 69 <= e.place.longitude <= 70.5),
        ({"bbox": "69.6,36,69.3,34"}, lambda e: e.place is not None and e.place.latitude is not None
         and 34 <= e.place.latitude <= 36 and not 69.3 < e.place.longitude < 69.6),
        ({"q": "ambush"}, lambda e: "ambush" in e.notes.lower()
         or any("ambush" in m.sentence.lower() for m in e.mentions)),
        ({"actor": "Taliban", "admin1": "Panjshir", "event_type": "Battles"},
         lambda e: "Taliban" in e.actors and e.place is not None and e.place.admin1 == "Panjshir"
         and e.event_type == "Battles"),
    ]
    for params, pred in cases:
        expected = _matching(news, pred)
        assert _all_ids(client, **params) == expected, params
        assert expected, f"the example ledger should have events for {params}"
        expected_bg = _matching(everything, pred)
        assert _all_ids(client, include_background=True, **params) == expected_bg, params


def test_unknown_filter_values_give_empty_pages(client):
    for name in TEXT_FILTERS:
        body = client.get("/events", params={name: "Atlantis-nowhere"}).json()
        assert body == {"data": [], "count": 0}, name


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_every_filter_are_plain_values(client, db, value):
    with Store(db) as store:
        before = store.count_events(include_background=True)
    for name in TEXT_FILTERS:
        for path in ("/events", "/stats/timeline", "/export.geojson"):
            response = client.get(path, params={name: value})
            assert response.status_code == 200, (path, name, response.text)
            body = response.json()
            if path == "/export.geojson":
                assert body["features"] == [], (path, name)
            else:
                assert body["count"] == 0, (path, name)
    for name in ("date_from", "date_to", "min_fatalities", "bbox", "limit", "offset", "include_background"):
        assert client.get("/events", params={name: value}).status_code == 422, name
    assert client.get(f"/events/{quote(value, safe='')}").status_code in (404, 409)
    assert client.get(f"/articles/{quote(value, safe='')}").status_code == 404
    with Store(db) as store:
        assert store.count_events(include_background=True) == before
        assert len(store.load_articles()) > 0


# --- GET /events/{id} -------------------------------------------------------------------

def test_event_detail_has_claims_mentions_and_articles(client, events):
    news, _ = events
    event = max(news, key=lambda e: (len(e.claims), len(e.mentions)))
    body = client.get(f"/events/{event.event_id}").json()
    assert SUMMARY_KEYS <= set(body)
    assert body["event_id"] == event.event_id
    assert len(body["claims"]) == len(event.claims) > 0
    assert len(body["mentions"]) == len(event.mentions) > 0
    for claim in body["claims"]:
        assert CLAIM_KEYS <= set(claim)
    for mention in body["mentions"]:
        assert MENTION_KEYS <= set(mention)
    assert body["merge_reasons"] == list(event.merge_reasons)
    assert [a["id"] for a in body["articles"]] == list(event.article_ids)
    # a unique prefix finds the same event
    assert client.get(f"/events/{event.event_id[:10]}").json()["event_id"] == event.event_id


def test_unknown_event_is_a_json_404(client):
    response = client.get("/events/0000000000000000")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert "no event" in response.json()["detail"]


# --- articles -------------------------------------------------------------------------------

def test_article_has_its_text_and_the_spans_that_made_events(client, events):
    news, _ = events
    mention = news[0].mentions[0]
    body = client.get(f"/articles/{mention.article_id}").json()
    assert {"id", "title", "url", "outlet", "published", "text", "spans"} <= set(body)
    text = body["text"]
    spans = body["spans"]
    assert any(s["event_id"] == news[0].event_id and s["kind"] == "mention" for s in spans)
    for span in spans:
        assert set(span) >= {"start", "end", "event_id", "kind"}
        assert 0 <= span["start"] < span["end"] <= len(text)
    assert text[mention.start:mention.end].strip() == mention.sentence.strip()
    assert spans == sorted(spans, key=lambda s: (s["start"], s["end"], s["event_id"], s["kind"], s["detail"]))


def test_articles_list_and_unknown_article(client, db):
    with Store(db) as store:
        stored = sorted(a.id for a in store.load_articles())
    body = client.get("/articles", params={"limit": 1000}).json()
    assert body["count"] == len(stored)
    assert [a["id"] for a in body["data"]] == stored
    assert "text" not in body["data"][0]
    response = client.get("/articles/no-such-article")
    assert response.status_code == 404
    assert "no article" in response.json()["detail"]


# --- stats ---------------------------------------------------------------------------------

@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_timeline_counts_add_up(client, events, interval):
    news, _ = events
    body = client.get("/stats/timeline", params={"interval": interval, "by": "none"}).json()
    assert body["count"] == len(body["data"])
    assert sum(r["events"] for r in body["data"]) == len(news)
    assert sum(r["fatalities"] for r in body["data"]) == sum(e.fatalities_best or 0 for e in news)
    assert {r["key"] for r in body["data"]} == {"all"}
    periods = [r["start"] for r in body["data"]]
    assert periods == sorted(periods)
    if interval == "month":
        assert all(len(r["period"]) == 7 for r in body["data"])  # 2022-05
    if interval == "week":
        assert all("-W" in r["period"] for r in body["data"])


def test_timeline_by_type_and_actor_with_filters(client, events):
    news, _ = events
    by_type = client.get("/stats/timeline", params={"by": "event_type"}).json()["data"]
    assert {r["key"] for r in by_type} == {e.event_type for e in news}
    assert sum(r["events"] for r in by_type) == len(news)
    by_actor = client.get("/stats/timeline", params={"by": "actor"}).json()["data"]
    assert sum(r["events"] for r in by_actor) == sum(max(1, len(e.actors)) for e in news)
    panjshir = client.get("/stats/timeline", params={"by": "none", "admin1": "Panjshir"}).json()["data"]
    assert sum(r["events"] for r in panjshir) == len(_all_ids(client, admin1="Panjshir"))
    assert client.get("/stats/timeline", params={"interval": "year"}).status_code == 422
    assert client.get("/stats/timeline", params={"by": "colour"}).status_code == 422


# --- exports --------------------------------------------------------------------------------

def test_csv_export_has_acled_columns_and_the_filtered_events(client, events):
    news, _ = events
    response = client.get("/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(news)
    assert tuple(rows[0])[:len(ACLED_COLUMNS)] == ACLED_COLUMNS
    filtered = list(csv.DictReader(io.StringIO(client.get("/export.csv", params={"actor": "ALF"}).text)))
    assert len(filtered) == len(_all_ids(client, actor="ALF")) > 0
    assert len(filtered) < len(rows)


def test_geojson_export_is_a_feature_collection_of_the_filtered_events(client):
    response = client.get("/export.geojson", params={"admin1": "Panjshir"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = json.loads(response.text)
    assert body["type"] == "FeatureCollection"
    ids = {f["properties"]["event_id_cnty"][-16:] for f in body["features"]}
    assert ids == set(_all_ids(client, admin1="Panjshir"))
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 60 < lon < 75 and 29 < lat < 39


# --- undated events ---------------------------------------------------------------------------

UNDATED_ID = "0ndated0ndated00"
UNDATED_ARTICLE = "undated-report"


def _save_undated(db: str) -> None:
    """Add an event no report dates (built from records, as the merge stage leaves it: date None)."""
    from sitrep.records import Article, Claim, Event, Mention, Place

    text = "Taliban and NRF fighters clashed in Khinj district of Panjshir, killing four NRF fighters."
    place = Place("Khinj", country="Afghanistan", iso="AF", admin1="Panjshir", admin2="Khinj",
                  latitude=35.42, longitude=69.73, geo_precision=2)
    claim = Claim("killed", 4, UNDATED_ARTICLE, text, 0, len(text), side="NRF", claimant="Taliban")
    mention = Mention(UNDATED_ARTICLE, 0, text, 0, len(text), "clashed", "Battles", "Armed clash",
                      ("Taliban", "NRF"), place, "Khinj", None, (claim,))
    with Store(db) as store:
        store.save_articles([(Article(id=UNDATED_ARTICLE, text=text, title="Clash in Khinj"), text, None)])
        store.save_events([Event(UNDATED_ID, None, "Battles", "Armed clash", ("Taliban", "NRF"), place,
                                 (mention,), (claim,), fatalities_low=4, fatalities_best=4, fatalities_high=4)])


@pytest.fixture(scope="module")
def undated_client(ledger, tmp_path_factory):
    db = _copy(ledger, tmp_path_factory, "undated")
    _save_undated(db)
    with TestClient(create_app(Settings(db=db))) as c:
        yield c


def test_events_leave_undated_out_unless_asked(undated_client, events):
    news, _ = events
    dated = _all_ids(undated_client)
    assert UNDATED_ID not in dated and len(dated) == len(news)
    body = undated_client.get("/events", params={"undated": "only"}).json()
    assert body["count"] == 1
    (item,) = body["data"]
    assert item["event_id"] == UNDATED_ID and item["undated"] is True
    assert (item["event_date"], item["date_min"], item["date_max"], item["time_precision"]) == (None,) * 4
    assert item["fatalities"] == 4 and item["notes"].startswith("On an unknown date,")
    everything = _all_ids(undated_client, undated="include")
    assert everything == dated + [UNDATED_ID]  # undated last
    assert _all_ids(undated_client, undated="include", order="desc") == dated[::-1] + [UNDATED_ID]
    first = news[0].date.date.isoformat()
    assert UNDATED_ID in _all_ids(undated_client, undated="include", date_from=first)
    assert UNDATED_ID not in _all_ids(undated_client, date_from=first)
    assert all(not e["undated"] and e["event_date"] for e in undated_client.get("/events").json()["data"])
    assert undated_client.get("/events", params={"undated": "sometimes"}).status_code == 422


def test_undated_event_detail_and_its_claims(undated_client):
    detail = undated_client.get(f"/events/{UNDATED_ID[:8]}").json()
    assert detail["event_id"] == UNDATED_ID and detail["undated"] is True and detail["event_date"] is None
    assert [c["n"] for c in detail["claims"]] == [4]
    assert [a["id"] for a in detail["articles"]] == [UNDATED_ARTICLE]


def test_timeline_ignores_undated_events(undated_client, client):
    for params in ({}, {"undated": "include"}, {"undated": "only"}):
        rows = undated_client.get("/stats/timeline", params={"by": "none", **params}).json()["data"]
        assert rows == client.get("/stats/timeline", params={"by": "none"}).json()["data"]
        assert all(r["start"] >= "1900" for r in rows)


def test_exports_leave_undated_out_unless_asked(undated_client, events):
    news, _ = events
    rows = list(csv.DictReader(io.StringIO(undated_client.get("/export.csv").text)))
    assert len(rows) == len(news) and "undated" not in rows[0]
    rows = list(csv.DictReader(io.StringIO(undated_client.get("/export.csv", params={"undated": "include"}).text)))
    assert len(rows) == len(news) + 1
    last = rows[-1]
    assert (last["event_id_cnty"], last["event_date"], last["year"], last["undated"]) == (
        "AFG" + UNDATED_ID, "", "", "true")
    assert all(r["event_date"] >= "1900" for r in rows[:-1])
    geo = json.loads(undated_client.get("/export.geojson", params={"undated": "only"}).text)
    (feature,) = geo["features"]
    assert (feature["properties"]["event_date"], feature["properties"]["undated"]) == (None, True)
    assert UNDATED_ID not in undated_client.get("/export.geojson").text


# --- docs, web page, headers ------------------------------------------------------------------

def test_openapi_docs_are_served_without_a_cdn(client):
    schema = client.get("/openapi.json").json()
    for path in ("/events", "/events/{event_id}", "/articles", "/articles/{article_id}", "/stats/timeline",
                 "/export.csv", "/export.geojson"):
        assert path in schema["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    assert "cdn." not in docs.text
    assert docs.headers["x-content-type-options"] == "nosniff"


def test_web_page_is_served_with_a_content_security_policy(db, tmp_path):
    web = tmp_path / "static"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>t</title><script src='/static/app.js'></script>",
                                    encoding="utf-8")
    (web / "app.js").write_text("console.log('ok');\n", encoding="utf-8")
    with TestClient(create_app(Settings(db=db), web_dir=web)) as c:
        page = c.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert page.headers["x-content-type-options"] == "nosniff"
        script = c.get("/static/app.js")
        assert script.status_code == 200
        assert script.headers["x-content-type-options"] == "nosniff"
        assert c.get("/static/../settings.py").status_code == 404
        api = c.get("/events")
        assert api.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in api.headers
    with TestClient(create_app(Settings(db=db), web_dir=tmp_path / "missing")) as c:
        assert c.get("/").json()["docs"] == "/docs"


# --- ingest: auth, limits, the pipeline -------------------------------------------------------------

@pytest.fixture(scope="module")
def ingest_db(ledger, tmp_path_factory):
    return _copy(ledger, tmp_path_factory, "ingest")


@pytest.fixture(scope="module")
def writer(ingest_db):
    with TestClient(create_app(Settings(db=ingest_db, token="s3cret-token", max_body_bytes=20_000))) as c:
        yield c


def _article(**extra) -> dict:
    return {"id": "api-test-khinj", "outlet": "Test Wire", "published": "2022-06-20", "text": NEW_REPORT, **extra}


def test_ingest_is_off_without_a_token(client, db):
    response = client.post("/articles", json=_article())
    assert response.status_code == 403
    assert response.json()["detail"].startswith("ingest is disabled")
    with Store(db) as store:
        assert store.get_article("api-test-khinj") is None


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Bearer ", "Basic czNjcmV0LXRva2Vu", "s3cret-token",
                                    "Bearer s3cret-token-and-more"])
def test_ingest_needs_the_right_token(writer, ingest_db, header):
    headers = {"Authorization": header} if header is not None else {}
    response = writer.post("/articles", json=_article(id="api-test-denied"), headers=headers)
    assert response.status_code in (401, 403), response.text
    if response.status_code == 401:
        assert response.headers.get("www-authenticate") == "Bearer"
    with Store(ingest_db) as store:
        assert store.get_article("api-test-denied") is None


def test_ingest_with_the_token_stores_the_article_and_its_events(writer):
    auth = {"Authorization": "Bearer s3cret-token"}
    before = writer.get("/events").json()["count"]
    response = writer.post("/articles", json=_article(), headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["article_ids"] == ["api-test-khinj"]
    assert body["articles_read"] == 1 and body["articles_extracted"] == 1
    assert body["event_ids"], body
    event = writer.get(f"/events/{body['event_ids'][0]}").json()
    assert "api-test-khinj" in event["article_ids"]
    assert writer.get("/events").json()["count"] >= before
    article = writer.get("/articles/api-test-khinj").json()
    assert article["text"] == NEW_REPORT
    assert any(s["event_id"] in body["event_ids"] for s in article["spans"])
    assert body["event_ids"][0] in _all_ids(writer, admin1="Panjshir", date_from="2022-06-01",
                                            include_background=True)
    # the same report again changes nothing
    again = writer.post("/articles", json=[_article()], headers=auth).json()
    assert again["articles_unchanged"] == 1 and again["articles_extracted"] == 0
    assert again["event_ids"] == body["event_ids"]


def test_ingest_accepts_a_file_upload(writer):
    auth = {"Authorization": "Bearer s3cret-token"}
    line = json.dumps({"id": "api-upload-1", "published": "2022-06-21", "text": NEW_REPORT.replace("Saturday", "Sunday")})
    response = writer.post("/articles", headers=auth,
                           files={"file": ("../../feed.jsonl", (line + "\n{broken\n").encode(), "application/json")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["article_ids"] == ["api-upload-1"]
    assert any("upload:feed.jsonl:2" in e for e in body["errors"]), body["errors"]
    assert not any("sitrep-upload-" in e for e in body["errors"])
    text_upload = writer.post("/articles", headers=auth,
                              files={"file": ("khinj report.txt", b" date 2022-06-22 " + NEW_REPORT.encode(), "text/plain")})
    assert text_upload.status_code == 200, text_upload.text
    assert text_upload.json()["article_ids"] == ["khinj_report"]
    bad = writer.post("/articles", headers=auth, files={"file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert bad.status_code == 422
    assert "unknown file type" in json.dumps(bad.json())


@pytest.mark.parametrize("body,kind", [(b"{not json", "application/json"), (b'{"title": "no text"}', "application/json"),
                                       (b'[{"text": ""}]', "application/json"), (b"text", "text/plain")])
def test_ingest_rejects_unreadable_bodies(writer, body, kind):
    response = writer.post("/articles", content=body,
                           headers={"Authorization": "Bearer s3cret-token", "Content-Type": kind})
    # bytes that are not JSON: 400; JSON that is no article: 422
    assert response.status_code == (415 if kind == "text/plain" else 400 if body == b"{not json" else 422), response.text


def test_request_bodies_over_the_limit_get_413(writer, ingest_db):
    auth = {"Authorization": "Bearer s3cret-token"}
    big = _article(id="api-too-big", text=NEW_REPORT + " More." * 5000)
    response = writer.post("/articles", json=big, headers=auth)
    assert response.status_code == 413
    assert "larger than 20000 bytes" in response.json()["detail"]

    def chunks():  # no Content-Length: the limit holds while the body streams in
        yield b'{"id": "api-too-big", "text": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    streamed = writer.post("/articles", content=chunks(), headers={**auth, "Content-Type": "application/json"})
    assert streamed.status_code == 413
    upload = writer.post("/articles", headers=auth, files={"file": ("big.txt", b"word " * 10_000, "text/plain")})
    assert upload.status_code == 413
    with Store(ingest_db) as store:
        assert store.get_article("api-too-big") is None
        assert store.get_article("big") is None


def test_settings_come_from_the_environment():
    from sitrep.errors import ConfigError

    s = Settings.from_env({"SITREP_DB": "x.db", "SITREP_TOKEN": "t", "SITREP_MAX_BODY_BYTES": "1234"})
    assert (s.db, s.token, s.max_body_bytes, s.ingest_enabled) == ("x.db", "t", 1234, True)
    assert Settings.from_env({}).token is None and not Settings.from_env({"SITREP_TOKEN": ""}).ingest_enabled
    assert Settings.from_env({"SITREP_DB": "x.db"}, db="y.db").db == "y.db"
    with pytest.raises(ConfigError, match="SITREP_MAX_BODY_BYTES"):
        Settings.from_env({"SITREP_MAX_BODY_BYTES": "lots"})


# --- schemathesis: the OpenAPI schema against the app ---------------------------------------------

try:
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
except ImportError:  # pragma: no cover (schemathesis is in the test extra)
    schemathesis = None

# Examples per generation mode over all operations: keeps the run near 30 s.
SCHEMA_EXAMPLES = 150


@pytest.mark.skipif(schemathesis is None, reason="schemathesis is not installed")
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_api_conforms_to_its_openapi_schema(ledger, tmp_path_factory, mode):
    """Generated requests (valid ones, then invalid ones): no server error, every response as documented.

    Driven through `as_strategy` rather than schemathesis' pytest plugin, whose lazy fixture
    does not work with pytest 9.
    """
    app = create_app(Settings(db=_copy(ledger, tmp_path_factory, "schema"), token="schema-token"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    generation = getattr(schemathesis.GenerationMode, mode.upper())

    @given(case=schema.as_strategy(generation))
    @hypothesis_settings(max_examples=SCHEMA_EXAMPLES, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate()

    check()
