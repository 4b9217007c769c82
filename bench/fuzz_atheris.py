"""Coverage-guided fuzzing of the readers and the text stages with atheris (optional; not run in CI).

    pip install atheris==3.0.0
    python bench/fuzz_atheris.py -max_total_time=300      # or -runs=200000; libFuzzer flags

Each input is written as a .txt, .jsonl, .csv or .html file (its first byte picks which) and
read with read_articles; the same bytes, decoded, go through clean_article and find_dates.
Anything but an InputError recorded in the error list is a crash: atheris stops and saves the
input as crash-*, to be turned into a regression test in tests/test_hostile_input.py.
tests/test_fuzz.py runs the same invariants with hypothesis on every test run.
"""
from __future__ import annotations

import datetime as dt
import logging
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from sitrep.clean import clean_article
    from sitrep.errors import InputError
    from sitrep.extract.dates import find_dates
    from sitrep.ingest import MAX_ARTICLE_CHARS, SUFFIXES, read_articles
    from sitrep.records import Article

FOLDER = Path(tempfile.mkdtemp(prefix="sitrep-fuzz-"))
PUBLISHED = dt.date(2022, 5, 3)


def one_input(data: bytes) -> None:
    if not data:
        return
    path = FOLDER / f"fuzz{SUFFIXES[data[0] % len(SUFFIXES)]}"
    path.write_bytes(data[1:])
    errors: list[InputError] = []
    for article in read_articles([path], errors=errors):
        if not article.text.strip() or len(article.text) > MAX_ARTICLE_CHARS or "\x00" in article.text:
            raise AssertionError(f"bad article text from {data!r}")
        article.content_id  # encodable as UTF-8
    if not all(isinstance(err, InputError) and err.source == str(path) for err in errors):
        raise AssertionError(f"error not naming the file: {errors!r}")
    text = data[1:].decode("utf-8", "replace")
    cleaned = clean_article(Article(id="fuzz", text=text))
    for k in range(len(cleaned.text) + 1):
        if not 0 <= cleaned.original_offset(k) <= len(text):
            raise AssertionError(f"offset {k} maps outside the text")
    for found in find_dates(text, PUBLISHED):
        if text[found.start:found.end] != found.text:
            raise AssertionError(f"date span {found} does not match the text")


def main() -> None:
    logging.disable(logging.WARNING)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
