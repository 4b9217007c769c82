"""Reading articles from each format, and every kind of bad input reported without stopping the run."""
from __future__ import annotations

import codecs
import datetime as dt
import json
from pathlib import Path

import pytest

from sitrep.errors import FormatError, InputError
from sitrep.ingest import read_article_records, read_articles, record_id

BODY = ("Gunmen attacked a checkpoint outside the fictional town of Marrowby on Tuesday, "
        "officials said.\n\nTwo guards were wounded in the attack, according to a local official.")


def _read(*paths, errors=None):
    return list(read_articles(paths, errors=errors))


# --- .txt -----------------------------------------------------------------------

def test_txt_date_marker_headline_and_outlet(tmp_path):
    path = tmp_path / "report-7.txt"
    path.write_text(f" date 2022-04-06 Checkpoint attacked near Marrowby | Northern Post\n\n{BODY}\n",
                    encoding="utf-8")
    errors: list[InputError] = []
    [art] = _read(path, errors=errors)
    assert errors == []
    assert art.id == "report-7"
    assert art.published == dt.date(2022, 4, 6) and art.published_precision == 1
    assert art.title == "Checkpoint attacked near Marrowby"
    assert art.outlet == "Northern Post"
    assert art.text == BODY
    assert art.source == str(path)


def test_txt_date_colon_marker_and_short_title_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(f"date: 2021-11-30\nCheckpoint attacked near Marrowby\n\n{BODY}", encoding="utf-8")
    [art] = _read(path)
    assert art.published == dt.date(2021, 11, 30)
    assert art.title == "Checkpoint attacked near Marrowby"
    assert art.outlet is None
    assert art.text.startswith("Gunmen attacked")


def test_txt_date_marker_inline_with_first_sentence(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text(f" date 2022-05-09 {BODY}", encoding="utf-8")
    [art] = _read(path)
    assert art.published == dt.date(2022, 5, 9)
    assert art.title is None  # the first line is a sentence, not a headline
    assert art.text == BODY


def test_txt_without_marker_or_title(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(BODY, encoding="utf-8")
    [art] = _read(path)
    assert art.published is None and art.published_precision is None
    assert art.title is None and art.text == BODY


def test_txt_invalid_date_is_warned_and_article_kept(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text(f" date 2022-13-45 {BODY}", encoding="utf-8")
    errors: list[InputError] = []
    [art] = _read(path, errors=errors)
    assert art.published is None and art.text == BODY
    assert len(errors) == 1 and "2022-13-45" in errors[0].problem


def test_folder_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b" / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 not read")
    errors: list[InputError] = []
    ids = [(art.id, Path(art.source).parent.name) for art in _read(tmp_path, errors=errors)]
    assert ids == [("a", tmp_path.name), ("a", "b"), ("z", "b")]
    assert errors == []


# --- encodings and unreadable files ---------------------------------------------------

def test_encodings_are_tried_in_turn(tmp_path):
    (tmp_path / "sig.txt").write_bytes(codecs.BOM_UTF8 + "Café attack in Marrowby.".encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes("Café attack in Marrowby.".encode("utf-16"))
    (tmp_path / "win.txt").write_bytes("Café attack in Marrowby – “quoted”.".encode("cp1252"))
    errors: list[InputError] = []
    arts = {art.id: art.text for art in _read(tmp_path, errors=errors)}
    assert errors == []
    assert arts["sig"] == "Café attack in Marrowby."
    assert arts["u16"] == "Café attack in Marrowby."
    assert arts["win"] == "Café attack in Marrowby – “quoted”."


@pytest.mark.parametrize("name, data, problem", [
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("controls.txt", b"\x01\x02\x03\x04\x05\x06abc\x07\x08\x0e\x0f", "binary"),
    ("undecodable.txt", b"Attack \x81\x8d\x8f\x90\x9d near Marrowby", "decoded"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n   ", "empty"),
])
def test_unreadable_txt_becomes_an_error_and_reading_goes_on(tmp_path, name, data, problem):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "zz-good.txt").write_text(BODY, encoding="utf-8")
    errors: list[InputError] = []
    arts = _read(tmp_path, errors=errors)
    assert [art.id for art in arts] == ["zz-good"]
    assert len(errors) == 1 and problem in errors[0].problem
    assert errors[0].source == str(tmp_path / name)


def test_missing_path_and_unknown_suffix(tmp_path):
    odd = tmp_path / "report.docx"
    odd.write_bytes(b"PK\x03\x04")
    errors: list[InputError] = []
    assert _read(tmp_path / "nowhere.txt", odd, errors=errors) == []
    assert len(errors) == 2
    assert "no such file" in errors[0].problem
    assert isinstance(errors[1], FormatError)


def test_errors_are_logged_when_no_list_is_given(tmp_path, caplog):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert _read(tmp_path / "empty.txt") == []
    assert "empty" in caplog.text


# --- .jsonl ---------------------------------------------------------------------

def _jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
                    encoding="utf-8")
    return path


def test_jsonl_fields_defaults_and_dates(tmp_path):
    path = _jsonl(tmp_path / "feed.jsonl", [
        {"id": "x1", "url": "https://example.org/a", "outlet": "Northern Post", "title": "Checkpoint attacked",
         "published": "2022-04-06", "text": BODY},
        {"published": "2022-04", "text": "Month-only date."},
        {"published": "2022-04-06T21:15:00Z", "text": "Datetime with zone."},
        {"published": None, "text": "No date at all.", "id": 17},
        "",
    ])
    errors: list[InputError] = []
    arts = _read(path, errors=errors)
    assert errors == []
    # a record without an id is named by its file and text, never by its line
    assert [art.id for art in arts] == ["x1", record_id("feed", "Month-only date."),
                                        record_id("feed", "Datetime with zone."), "17"]
    first = arts[0]
    assert (first.url, first.outlet, first.title) == ("https://example.org/a", "Northern Post", "Checkpoint attacked")
    assert (first.published, first.published_precision) == (dt.date(2022, 4, 6), 1)
    assert (arts[1].published, arts[1].published_precision) == (dt.date(2022, 4, 1), 3)
    assert (arts[2].published, arts[2].published_precision) == (dt.date(2022, 4, 6), 1)
    assert arts[3].published is None and arts[3].published_precision is None
    assert [art.source for art in arts] == [f"{path}:{n}" for n in (1, 2, 3, 4)]


def test_ndjson_bad_lines_are_reported_and_skipped(tmp_path):
    path = _jsonl(tmp_path / "feed.ndjson", [
        {"id": "ok1", "text": "First good line."},
        '{"id": "broken", "text": "no closing brace"',
        {"id": "notext", "title": "Only a title"},
        {"id": "emptytext", "text": "   "},
        ["not", "an", "object"],
        {"id": "baddate", "published": "2022-13-45", "text": "Kept despite the date."},
        {"id": "ok2", "text": "Last good line."},
    ])
    errors: list[InputError] = []
    arts = _read(path, errors=errors)
    assert [art.id for art in arts] == ["ok1", "baddate", "ok2"]
    assert arts[1].published is None
    assert [err.line for err in errors] == [2, 3, 4, 5, 6]
    assert "broken JSON" in errors[0].problem
    assert "no `text`" in errors[1].problem


def test_jsonl_line_with_undecodable_bytes_is_skipped(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "bad \x81\x8d"}\n'
                     b'{"id": "c", "text": "caf\xe9 in cp1252"}\n')
    errors: list[InputError] = []
    arts = _read(path, errors=errors)
    assert [art.id for art in arts] == ["a", "c"]
    assert arts[1].text == "café in cp1252"
    assert [err.line for err in errors] == [2]


def test_jsonl_is_streamed(tmp_path):
    path = _jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": "first"}, {"id": "b", "text": "second"},
                                            "{broken"])
    errors: list[InputError] = []
    stream = read_articles([path], errors=errors)
    assert next(stream).id == "a"
    assert errors == []  # the broken third line has not been read yet
    assert [art.id for art in stream] == ["b"]
    assert len(errors) == 1


def test_empty_and_binary_jsonl(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "binary.jsonl").write_bytes(b"\x00\x01\x02" * 50)
    errors: list[InputError] = []
    assert _read(tmp_path, errors=errors) == []
    assert sorted(Path(err.source).name for err in errors) == ["binary.jsonl", "empty.jsonl"]


def test_utf16_jsonl(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes('{"id": "a", "text": "Café"}\n{"id": "b", "text": "Two"}\n'.encode("utf-16"))
    assert [(art.id, art.text) for art in _read(path)] == [("a", "Café"), ("b", "Two")]


# --- .csv -----------------------------------------------------------------------

def test_csv_reads_rows_with_quoted_multiline_text(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text('id,outlet,published,text\n'
                    'r1,Northern Post,2022-04-06,"Line one, with a comma.\n\nSecond paragraph."\n'
                    ',,2022-04,Short text\n', encoding="utf-8")
    errors: list[InputError] = []
    arts = _read(path, errors=errors)
    assert errors == []
    assert arts[0].id == "r1" and arts[0].text == "Line one, with a comma.\n\nSecond paragraph."
    assert arts[0].outlet == "Northern Post" and arts[0].published == dt.date(2022, 4, 6)
    assert arts[1].id == record_id("feed", "Short text") and arts[1].outlet is None and arts[1].published_precision == 3


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text("id,body\n1,Something\n", encoding="utf-8")
    errors: list[InputError] = []
    assert _read(path, errors=errors) == []
    assert isinstance(errors[0], FormatError) and "`text` column" in errors[0].problem


def test_csv_ragged_rows_are_reported_and_skipped(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text("id,text\na,First\nb,Second,extra\nc\nd,Fourth\n", encoding="utf-8")
    errors: list[InputError] = []
    arts = _read(path, errors=errors)
    assert [art.id for art in arts] == ["a", "d"]
    assert [err.line for err in errors] == [3, 4]


def test_csv_empty_file(tmp_path):
    (tmp_path / "feed.csv").write_bytes(b"")
    errors: list[InputError] = []
    assert _read(tmp_path / "feed.csv", errors=errors) == []
    assert "empty" in errors[0].problem


# --- .html ----------------------------------------------------------------------

PAGE = """<html><head><title>Ferry crossing shelled - Lakeside Courier</title>
<meta property="og:site_name" content="Lakeside Courier">
<meta property="og:title" content="Ferry crossing shelled">
<meta property="article:published_time" content="2023-03-14T08:30:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Ferry crossing shelled</h1>
<p>Shells landed near a ferry crossing on the imaginary Lake Ostra on Monday, harbour officials told reporters.</p>
<p>The officials said three boats were damaged and a deckhand was hurt before the shelling stopped at dusk.</p>
<p>No group said it had fired the shells, and the harbour was closed to traffic for the rest of the day.</p>
</article><footer>Copyright 2023 Lakeside Courier.</footer></body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    errors: list[InputError] = []
    [art] = _read(path, errors=errors)
    assert errors == []
    assert art.id == "page"
    assert "three boats were damaged" in art.text and "Home" not in art.text
    assert art.title == "Ferry crossing shelled"
    assert art.outlet == "Lakeside Courier"
    assert art.published == dt.date(2023, 3, 14)


def test_html_without_main_text(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text("<html><head><script>var x = 1;</script></head><body><img src=\"a.png\"></body></html>", encoding="utf-8")
    errors: list[InputError] = []
    assert _read(path, errors=errors) == []
    assert "no main text" in errors[0].problem


# --- records ----------------------------------------------------------------------

def test_read_article_records(tmp_path):
    errors: list[InputError] = []
    arts = list(read_article_records(
        [{"text": "From the API.", "published": "2022-02"}, {"title": "no text"}, "junk"],
        "api", errors=errors))
    assert [(art.id, art.source, art.published_precision) for art in arts] == [
        (record_id("api", "From the API."), "api:1", 3)]
    assert [err.line for err in errors] == [2, 3]
