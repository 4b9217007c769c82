"""Hostile input: every bad file is named with what is wrong, the rest is read, memory stays bounded.

The corpus is generated here, in tmp_path: binary data, broken and mixed encodings, empty
files, a 200 MB text, a million-line JSONL, bad CSV, a page of scripts, other languages, an
article of 100,000 sentences, impossible dates. The last part checks that re-runs, of the same
input or of overlapping inputs, add nothing to the ledger.
"""
from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import json
import logging
import random
import shutil
import tracemalloc
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import EXAMPLES
from sitrep.clean import clean_article
from sitrep.errors import FormatError, InputError
from sitrep.ingest import MAX_ARTICLE_CHARS, MAX_RECORD_BYTES, read_articles

MB = 1 << 20

GOOD = """date 2022-05-03 NRF fighters attack Taliban checkpoint in Khinj | Kabul Now

National Resistance Front fighters attacked a Taliban checkpoint in Khinj district of Panjshir province on Monday night, killing four Taliban fighters, an NRF spokesman said.

A Taliban spokesman denied the report and said no one was killed.
"""
ONE_SENTENCE = ("Taliban forces shelled a village in Andarab district of Baghlan province on 2 May 2022, "
                "killing two civilians.")
REPORT = ("Gunmen attacked a checkpoint outside the town of Charikar on Tuesday, officials said. "
          "Two guards were wounded in the attack, according to a local official.")
FRENCH = ("Des combattants ont attaqué un poste de contrôle près de la ville de Charikar mardi, ont indiqué "
          "les autorités locales. Deux gardes ont été blessés lors de l'attaque, selon un responsable local "
          "qui a requis l'anonymat. Les tirs ont duré plus d'une heure avant que les assaillants ne se "
          "retirent vers les collines.")
ARABIC = ("هاجم مسلحون نقطة تفتيش قرب مدينة جاريكار يوم الثلاثاء، بحسب ما أفاد مسؤولون محليون. "
          "وأصيب حارسان في الهجوم، وفقا لمسؤول محلي طلب عدم الكشف عن هويته. "
          "واستمر إطلاق النار أكثر من ساعة قبل أن ينسحب المهاجمون نحو التلال.")
SCRIPTS = ("<html><head><script>var a = 1;</script><script src=\"/app.js\"></script></head><body>"
           + "<script>window.dataLayer = window.dataLayer || []; dataLayer.push({'event': 'load'});</script>" * 50
           + "<noscript>Enable JavaScript</noscript></body></html>")


def _random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def _jsonl_lines() -> bytes:
    lines = [
        json.dumps({"id": "j1", "published": "2022-05-03", "text": REPORT}),            # 1 good
        '{"id": "j2", "text": "unterminated',                                           # 2 broken JSON
        "[1, 2, 3]",                                                                     # 3 not an object
        json.dumps({"id": "j4", "title": "no text"}),                                    # 4 no text
        '{"id": "j5", "text": "x", "n": ' + "1" * 5000 + "}",                            # 5 a 5,000-digit number
        "[" * 100_000,                                                                   # 6 nested too deep
        json.dumps({"id": "j7", "text": "Shelling \ud800 hit Charikar.\u0000"}),         # 7 lone surrogate, NUL
        json.dumps({"id": "j8", "published": "2022-13-45", "text": REPORT}),             # 8 impossible date
    ]
    return "\n".join(lines).encode("utf-8") + b"\n" + b"Attack \x81\x8d\x8f\x90 near Charikar\n"  # 9 undecodable


# name -> (bytes, article ids read, [(problem fragment, line)])
HOSTILE: dict[str, tuple[bytes, list[str], list[tuple[str, int | None]]]] = {
    "binary.txt": (_random_bytes(4096), [], [("binary data (NUL bytes)", None)]),
    "binary.csv": (_random_bytes(4096).replace(b"\x00", b"\x01"), [], [("binary data (control characters)", None)]),
    "bad-utf8.txt": (f"Caf\xe9 owner said: “{REPORT}”".encode("utf-8").replace(b"\xc3\xa9", b"\xc3"),
                     ["bad-utf8"], [("not valid UTF-8 on line 1", None)]),
    "cp1252.txt": (f"Caf\xe9 owner – “{REPORT}”".encode("cp1252"), ["cp1252"], []),
    "utf16.txt": (f"Caf\xe9 owner – “{REPORT}”".encode("utf-16"), ["utf16"], []),
    # found by bench/fuzz_atheris.py: UTF-16 (BOM) that decodes to NUL characters
    "utf16-nul.txt": (b"\xfe\xff\x00\x00\x90\r\x84\x84\x00\r\x84\x84", [], [("binary data (NUL bytes)", None)]),
    "mixed.txt": (f"Caf\xe9 owner said:\n\n".encode("utf-8") + f"“{REPORT}”\n".encode("cp1252"),
                  ["mixed"], [("mixes encodings: line 3", None)]),
    "empty.txt": (b"", [], [("empty", None)]),
    # found by fuzzing: a first line of only a vertical tab made the headline check index ""[-1]
    "vt-first-line.txt": (b"\x0b\n\n" + REPORT.encode("utf-8"), ["vt-first-line"], []),
    "blank.txt": (b"  \n\t\r\n \x0c \n", [], [("empty", None)]),
    "feed.jsonl": (_jsonl_lines(), ["j1", "j7", "j8"],
                   [("broken JSON", 2), ("expected a JSON object", 3), ("no `text`", 4),
                    ("unreadable JSON (Exceeds the limit", 5), ("unreadable JSON (maximum recursion", 6),
                    ("unpaired surrogate", 7), ("invalid publication date '2022-13-45'", 8),
                    ("cannot be decoded", 9)]),
    "no-text.csv": (b"id,body\n1,Something happened\n", [], [("no `text` column", 1)]),
    "ragged.csv": (f'id,text,published\nc1,"{REPORT}",2022-05-03\nc2,Too,many,fields,here\nc3\n'
                   f'c4,"{REPORT}",2022-13-45\n'.encode("utf-8"), ["c1", "c4"],
                   [("row has 5 fields", 3), ("row has 1 fields", 4), ("invalid publication date", 5)]),
    "scripts.html": (SCRIPTS.encode("utf-8"), [], [("no main text", None)]),
    "french.txt": (FRENCH.encode("utf-8"), ["french"], [("does not read as English", None)]),
    "arabic.txt": (ARABIC.encode("utf-8"), ["arabic"], [("does not read as English", None)]),
    "one-sentence.txt": (ONE_SENTENCE.encode("utf-8"), ["one-sentence"], []),
    "bad-date.txt": (f" date 2022-13-45 {REPORT}".encode("utf-8"), ["bad-date"],
                     [("invalid publication date '2022-13-45'", None)]),
}


def _write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (data, _, _) in HOSTILE.items():
        (folder / name).write_bytes(data)
    return folder


def _read(*paths) -> tuple[list, list[InputError]]:
    errors: list[InputError] = []
    return list(read_articles(paths, errors=errors)), errors


# --- each hostile file alone ------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_named_with_its_problem(tmp_path, name):
    data, ids, problems = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(data)
    arts, errors = _read(path)
    assert [a.id for a in arts] == ids
    assert [(e.source, e.line) for e in errors] == [(str(path), line) for _, line in problems]
    for err, (fragment, _) in zip(errors, problems):
        assert fragment in err.problem, err
        assert str(err).startswith(f"{path}:{err.line}: " if err.line else f"{path}: ")
    for art in arts:
        assert art.text.strip() and "\x00" not in art.text
        art.content_id  # encodable: no lone surrogate left


def test_encodings_are_read_right(tmp_path):
    folder = _write_hostile(tmp_path / "in")
    arts = {a.id: a for a in read_articles([folder], errors=[])}
    for name in ("cp1252", "utf16"):
        assert arts[name].text == f"Caf\xe9 owner – “{REPORT}”"
    assert arts["mixed"].text == f"Caf\xe9 owner said:\n\n“{REPORT}”"
    assert arts["bad-utf8"].text == f"Caf\ufffd owner said: “{REPORT}”"
    assert arts["j7"].text == "Shelling \ufffd hit Charikar."
    assert arts["bad-date"].published is None and arts["c4"].published is None


def test_impossible_dates_in_the_text_are_ignored():
    from sitrep.extract.dates import find_dates, infer_publication_date

    text = "Fighting broke out on 2022-13-45 and again on 31/02/2022, officials said on 2022-02-30."
    assert find_dates(text, None) == [] and find_dates(text, dt.date(2022, 5, 1)) == []
    assert infer_publication_date(text) is None


# --- the whole folder through the CLI ------------------------------------------------------

@pytest.mark.model
def test_cli_run_over_a_hostile_folder_keeps_the_good_report(tmp_path):
    from click.testing import CliRunner

    from sitrep.cli import cli
    from sitrep.store import Store

    folder = _write_hostile(tmp_path / "in")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    db = str(tmp_path / "ledger.db")
    result = CliRunner(mix_stderr=False).invoke(cli, ["run", str(folder), "--db", db])
    assert result.exit_code == 1, result.stderr
    for name, (_, _, problems) in HOSTILE.items():
        if problems:
            assert str(folder / name) in result.stderr
    with Store(db) as store:
        events = store.load_events()
    khinj = [e for e in events if "good" in e.article_ids]
    assert [(e.place.admin2, e.fatalities_best) for e in khinj] == [("Khinj", 4)]
    andarab = [e for e in events if "one-sentence" in e.article_ids]
    assert [(e.place.admin2, e.fatalities_best) for e in andarab] == [("Andarab", 2)]


# --- big files: streamed, capped, memory bounded ------------------------------------------

def _peak_while(fn):
    """fn()'s result and the peak memory Python allocated while it ran."""
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("newlines", [True, False], ids=["lines", "one-line"])
def test_200_mb_text_is_cut_to_the_cap_in_bounded_memory(tmp_path, newlines):
    path = tmp_path / "huge.txt"
    sentence = "Café owners in Charikar — “again” — reported shelling near the bazaar. "
    block = ((sentence + ("\n" if newlines else "")) * 2000).encode("utf-8")
    with path.open("wb") as fh:
        while fh.tell() < 200 * MB:
            fh.write(block)
    try:
        (arts, errors), peak = _peak_while(lambda: _read(path))
    finally:
        path.unlink()  # pytest keeps the last runs' tmp_path: do not leave 200 MB behind
    [art] = arts
    assert len(art.text) <= MAX_ARTICLE_CHARS and len(art.text) > MAX_ARTICLE_CHARS - 1000
    assert "\ufffd" not in art.text  # no UTF-8 character was split between pieces
    assert art.text.split()[-1] in sentence.split()  # cut at a word break
    [err] = errors  # and no warning of broken UTF-8
    assert err.source == str(path) and "longer than 1,000,000 characters" in err.problem
    assert peak < 40 * MB, f"reading a 200 MB file peaked at {peak / MB:.0f} MB"


def test_jsonl_line_over_the_record_limit_is_skipped_and_long_text_cut(tmp_path):
    path = tmp_path / "feed.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"id": "huge", "text": "' + "x " * (MAX_RECORD_BYTES // 2 + 10) + '"}\n')
        fh.write(json.dumps({"id": "long", "text": "Shells hit the market in Charikar. " * (MAX_ARTICLE_CHARS // 30)}) + "\n")
        fh.write(json.dumps({"id": "short", "text": REPORT}) + "\n")
    arts, errors = _read(path)
    assert [a.id for a in arts] == ["long", "short"]
    assert len(arts[0].text) <= MAX_ARTICLE_CHARS and arts[0].text.split()[-1] in {"Shells", "hit", "the", "market", "in", "Charikar."}
    assert [(e.line, type(e)) for e in errors] == [(1, FormatError), (2, InputError)]
    assert "longer than" in errors[0].problem and "over the limit" in errors[1].problem


def test_csv_field_over_the_record_limit_stops_the_file(tmp_path):
    path = tmp_path / "feed.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(f'id,text\nok,"{REPORT}"\nopen,"never closed\n')
        line = "more text that never ends\n" * 1000
        for _ in range(MAX_RECORD_BYTES // len(line) + 2):
            fh.write(line)
    arts, errors = _read(path)
    assert [a.id for a in arts] == ["ok"]
    [err] = errors
    assert "field is longer than" in err.problem and err.source == str(path)


@pytest.mark.slow
def test_million_line_jsonl_is_streamed_and_every_broken_line_named(tmp_path):
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"text": "Shelling hit a market in Charikar on Monday, killing three people."}) + "\n"
    block = good * 999 + '{"text": "broken\n'  # line 1000 of each block is broken
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(1000):
            fh.write(block)
    size = path.stat().st_size

    def read() -> tuple[int, list[InputError]]:
        errors: list[InputError] = []
        return sum(1 for _ in read_articles([path], errors=errors)), errors

    try:
        (count, errors), peak = _peak_while(read)
    finally:
        path.unlink()
    assert count == 999_000
    assert [e.line for e in errors] == list(range(1000, 1_000_001, 1000))
    assert all(e.source == str(path) and "broken JSON" in e.problem for e in errors)
    assert peak < size / 20, f"peak {peak / MB:.1f} MB for a {size / MB:.0f} MB file"


# --- an article of 100,000 sentences ------------------------------------------------------

def _write_sentences(path: Path, n: int = 100_000) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(f"Sentence {i} says that troops moved along the road.")
            fh.write("\n" if i % 10 == 9 else " ")
    return path


def test_article_of_100000_sentences_is_cut_and_cleaned(tmp_path):
    path = _write_sentences(tmp_path / "long.txt")
    [art], errors = _read(path)
    assert len(art.text) <= MAX_ARTICLE_CHARS
    assert [(e.source, "longer than" in e.problem) for e in errors] == [(str(path), True)]
    cleaned = clean_article(art)
    assert 0 < len(cleaned.text) <= len(art.text)
    assert cleaned.original_offset(len(cleaned.text)) <= len(art.text)


@pytest.mark.model
def test_ingest_cap_fits_the_parser():
    from sitrep.nlp import DEFAULT_MODEL, load_pipeline

    assert MAX_ARTICLE_CHARS <= load_pipeline(DEFAULT_MODEL).max_length


@pytest.mark.model
def test_article_of_100000_sentences_goes_through_the_pipeline(tmp_path, monkeypatch, caplog):
    """Ingest cuts it to MAX_ARTICLE_CHARS; the extractor parses at most nlp.max_length characters.

    spaCy refuses a text over nlp.max_length (E088). The ingest cap keeps a file under spaCy's
    default limit, but cleaning can lengthen a text (NFKC) and a pipeline may set a lower limit:
    the extractor then reads the first part and warns. The limit is lowered here to keep the
    parse short.
    """
    from sitrep.nlp import DEFAULT_MODEL, load_pipeline
    from sitrep.pipeline import Options, run
    from sitrep.store import Store

    nlp = load_pipeline(DEFAULT_MODEL)
    monkeypatch.setattr(nlp, "max_length", 20_000)
    with pytest.raises(ValueError, match="E088"):
        nlp("x " * 20_000)
    folder = tmp_path / "in"
    folder.mkdir()
    long = _write_sentences(folder / "long.txt")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    db = str(tmp_path / "l.db")
    with caplog.at_level(logging.WARNING, logger="sitrep"):
        result = run([folder], options=Options(db=db, prefilter=False))
    assert [(e.source, "longer than" in e.problem) for e in result.errors] == [(str(long), True)]
    assert any(r.getMessage().startswith("long: the cleaned text has") and "nlp.max_length" in r.getMessage()
               for r in caplog.records)
    with Store(db) as store:
        assert "good" in {a for e in store.load_events() for a in e.article_ids}
        assert len(store.get_article("long").text) <= MAX_ARTICLE_CHARS


# --- re-runs add nothing ------------------------------------------------------------------

def _counts(db: str) -> dict[str, int]:
    from sitrep import store as st

    with st.Store(db) as store, store.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (st.ARTICLES, st.EVENTS, st.MENTIONS, st.CLAIMS, st.EVENT_ARTICLES)}


def _ledger(db: str):
    from sitrep.store import Store

    with Store(db) as store:
        return store.load_events(include_background=True)


def _without_ids(events):
    return sorted((dataclasses.replace(e, event_id="") for e in events),
                  key=lambda e: (e.date.date if e.date else dt.date.min, e.mentions[0].mention_id))


@pytest.mark.model
def test_rerunning_same_and_overlapping_input_adds_nothing(tmp_path):
    from sitrep.pipeline import Options, run

    files = sorted(EXAMPLES.iterdir())
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder, part in ((a, files[:5]), (b, files[5:10]), (c, files[10:])):
        folder.mkdir()
        for f in part:
            shutil.copy(f, folder / f.name)
    (b / "feed.jsonl").write_bytes(_jsonl_lines())  # hostile lines ride along in the overlap
    db, whole = str(tmp_path / "inc.db"), str(tmp_path / "whole.db")

    run([a, b], options=Options(db=db))
    once = _counts(db)
    again = run([a, b], options=Options(db=db))
    assert again.articles_extracted == 0 and _counts(db) == once

    run([b, c], options=Options(db=db))
    after = _counts(db)
    ledger = _ledger(db)
    assert len({e.event_id for e in ledger}) == len(ledger)
    assert len({m.mention_id for e in ledger for m in e.mentions}) == after["mentions"]
    repeat = run([b, c], options=Options(db=db))
    assert repeat.articles_extracted == 0
    assert _counts(db) == after and _ledger(db) == ledger

    run([a, b, c], options=Options(db=whole))
    assert _counts(whole) == after
    assert _without_ids(_ledger(whole)) == _without_ids(ledger)
