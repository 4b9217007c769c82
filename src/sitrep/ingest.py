"""Reading news reports from .txt, .jsonl/.ndjson, .csv and .html files into `Article` records."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import FormatError, InputError
from .records import Article

LOGGER = logging.getLogger(__name__)

__all__ = ["read_articles", "read_article_records", "SUFFIXES"]

# File suffixes read, by format.
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES + HTML_SUFFIXES

# Encodings tried in turn on bytes without a UTF-16 byte-order mark. cp1252 last: it decodes
# almost anything, so a file that is really UTF-8 must be given the chance first.
FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252")
# Bytes read to decide whether a file is binary and which encoding it uses.
SNIFF_BYTES = 8192
# Share of control characters (other than tab, CR, LF, FF) above which decoded text is binary.
# Real reports have none; 5% leaves room for a stray form feed or escape without letting
# random bytes through.
MAX_CONTROL_SHARE = 0.05

# A ` date YYYY-MM-DD ` (or `date: YYYY-MM-DD`) marker at the very start of a .txt report.
DATE_MARKER = re.compile(r"\A\s*date\s*:?\s*(\d{4}-\d{1,2}-\d{1,2})\b[ \t]*", re.IGNORECASE)
# A headline line such as `Some headline | Outlet`.
HEADLINE_WITH_OUTLET = re.compile(r"^\s*(?P<title>[^|\n]{3,300}?)\s+\|\s+(?P<outlet>[^|\n]{2,80}?)\s*$")
# A bare first line is taken as a title only when short and without final punctuation.
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 25
TITLE_END_PUNCTUATION = ".!?:;,\"'”’…)"

# `published` values: a day, a month, or an ISO datetime.
DAY_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
MONTH_DATE = re.compile(r"^(\d{4})-(\d{1,2})$")
PRECISION_DAY = 1
PRECISION_MONTH = 3

# Fields of a JSONL object or CSV row; `text` is the only one required.
FIELDS = ("id", "url", "outlet", "title", "published", "text")


def read_articles(paths: Iterable[str | Path], *,
                  errors: list[InputError] | None = None) -> Iterator[Article]:
    """Stream the articles in the given files and folders (folders recursively, in sorted order).

    A file, line or row that cannot be read becomes an `InputError` appended to `errors`
    (and logged); reading goes on with the rest. Articles with an unreadable date are kept
    with `published=None` and a warning in `errors`.
    """
    sink = errors if errors is not None else []
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted((p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES),
                           key=lambda p: p.as_posix())
            for file in files:
                yield from _read_file(file, sink)
        elif path.is_file():
            yield from _read_file(path, sink)
        else:
            _report(sink, InputError(str(path), "no such file or folder; check the path"))


def read_article_records(records: Iterable[dict], source: str, *,
                         errors: list[InputError] | None = None) -> Iterator[Article]:
    """Articles from dicts with keys id, url, outlet, title, published, text (API use).

    Record n (from 1) gets the id `{source}-{n}` when it has none; a record without text is
    reported in `errors` and skipped.
    """
    sink = errors if errors is not None else []
    for number, record in enumerate(records, start=1):
        article = _article_from_record(record, source, Path(source).stem or source, number, sink)
        if article is not None:
            yield article


# --- files ------------------------------------------------------------------

def _read_file(path: Path, sink: list[InputError]) -> Iterator[Article]:
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            article = _read_txt(path, sink)
            if article is not None:
                yield article
        elif suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, sink)
        elif suffix in CSV_SUFFIXES:
            yield from _read_csv(path, sink)
        elif suffix in HTML_SUFFIXES:
            article = _read_html(path, sink)
            if article is not None:
                yield article
        else:
            raise FormatError(str(path), f"unknown file type {suffix!r}; use one of {', '.join(SUFFIXES)}")
    except InputError as err:
        _report(sink, err)
    except OSError as err:
        _report(sink, InputError(str(path), f"cannot be read ({err.strerror or err})"))


def _read_txt(path: Path, sink: list[InputError]) -> Article | None:
    text = _decode(path.read_bytes(), str(path))
    published, precision = None, None
    marker = DATE_MARKER.match(text)
    if marker:
        published, precision = _date_or_warn(marker.group(1), str(path), None, sink)
        text = text[marker.end():]
    title, outlet, text = _split_headline(text)
    text = text.strip()
    if not text:
        raise InputError(str(path), "has a header but no report text")
    return Article(id=path.stem, text=text, title=title, outlet=outlet, published=published,
                   published_precision=precision, source=str(path))


def _split_headline(text: str) -> tuple[str | None, str | None, str]:
    """Title, outlet and the remaining text, when the first line is a headline."""
    body = text.lstrip("\r\n \t")
    first, newline, rest = body.partition("\n")
    headline = HEADLINE_WITH_OUTLET.match(first)
    if headline and rest.strip():
        return headline.group("title").strip(), headline.group("outlet").strip(), rest
    line = first.strip()
    followed_by_blank = rest.startswith("\n") or rest.startswith("\r\n") or rest.split("\n", 1)[0].strip() == ""
    if (newline and followed_by_blank and rest.strip() and len(line) <= MAX_TITLE_CHARS
            and len(line.split()) <= MAX_TITLE_WORDS and line[-1] not in TITLE_END_PUNCTUATION):
        return line, None, rest
    return None, None, text


def _read_jsonl(path: Path, sink: list[InputError]) -> Iterator[Article]:
    seen_any = False
    for number, line in _lines(path, sink):
        if not line.strip():
            continue
        seen_any = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            _report(sink, InputError(str(path), f"broken JSON ({err.msg} at column {err.colno}); "
                                                "each line must be one JSON object", line=number))
            continue
        article = _article_from_record(record, str(path), path.stem, number, sink)
        if article is not None:
            yield article
    if not seen_any:
        raise InputError(str(path), "is empty")


def _read_csv(path: Path, sink: list[InputError]) -> Iterator[Article]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    lines = (line for _, line in _lines(path, sink, keep_ends=True))
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(str(path), "is empty; a CSV file needs a header row with a `text` column") from None
    except csv.Error as err:
        raise FormatError(str(path), f"broken CSV header ({err})", line=1) from err
    header = [name.strip().lower() for name in header]
    if not any(header):
        raise InputError(str(path), "has an empty header row; a CSV file needs a `text` column", line=1)
    if "text" not in header:
        raise FormatError(str(path), f"has no `text` column (columns: {', '.join(header) or 'none'}); "
                                     "add one holding the report text", line=1)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            _report(sink, FormatError(str(path), f"broken CSV row ({err})", line=reader.line_num))
            continue
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            _report(sink, FormatError(str(path), f"row has {len(row)} fields but the header has "
                                                 f"{len(header)}; quote fields that hold commas",
                                      line=number))
            continue
        record = {name: (cell if cell != "" else None) for name, cell in zip(header, row)}
        article = _article_from_record(record, str(path), path.stem, number, sink)
        if article is not None:
            yield article


def _read_html(path: Path, sink: list[InputError]) -> Article | None:
    from trafilatura import extract, extract_metadata  # imported here: slow to import

    html = _decode(path.read_bytes(), str(path))
    text = extract(html, output_format="txt", include_comments=False, include_tables=False,
                   with_metadata=False)
    if not text or not text.strip():
        raise InputError(str(path), "no main text found in the HTML page")
    meta = extract_metadata(html)
    title = outlet = url = None
    published, precision = None, None
    if meta is not None:
        title, outlet, url = meta.title or None, meta.sitename or None, meta.url or None
        if meta.date:
            published, precision = _date_or_warn(meta.date, str(path), None, sink)
    return Article(id=path.stem, text=text.strip(), title=title, url=url, outlet=outlet,
                   published=published, published_precision=precision, source=str(path))


# --- records ----------------------------------------------------------------

def _article_from_record(record: object, source: str, stem: str, number: int,
                         sink: list[InputError]) -> Article | None:
    if not isinstance(record, dict):
        _report(sink, FormatError(source, f"expected a JSON object, got {type(record).__name__}", line=number))
        return None
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        problem = "has no `text`" if text is None else "has an empty or non-string `text`"
        _report(sink, InputError(source, f"{problem}; every record needs the report text", line=number))
        return None
    published, precision = None, None
    raw_date = record.get("published")
    if raw_date not in (None, ""):
        published, precision = _date_or_warn(raw_date, source, number, sink)
    raw_id = record.get("id")
    return Article(
        id=str(raw_id) if raw_id not in (None, "") else f"{stem}-{number}",
        text=text.strip(),
        title=_optional_str(record.get("title")),
        url=_optional_str(record.get("url")),
        outlet=_optional_str(record.get("outlet")),
        published=published,
        published_precision=precision,
        source=f"{source}:{number}",
    )


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _date_or_warn(value: object, source: str, line: int | None,
                  sink: list[InputError]) -> tuple[dt.date | None, int | None]:
    try:
        return _parse_date(value)
    except ValueError:
        _report(sink, InputError(source, f"invalid publication date {value!r}; kept the article "
                                         "without a date (use YYYY-MM-DD, YYYY-MM or an ISO datetime)",
                                 line=line))
        return None, None


def _parse_date(value: object) -> tuple[dt.date, int]:
    """A date and its precision (1 = day, 3 = month); ValueError when unreadable."""
    if not isinstance(value, str):
        raise ValueError(f"not a string: {value!r}")
    value = value.strip()
    if DAY_DATE.match(value):
        year, month, day = (int(part) for part in value.split("-"))
        return dt.date(year, month, day), PRECISION_DAY
    month_only = MONTH_DATE.match(value)
    if month_only:
        return dt.date(int(month_only.group(1)), int(month_only.group(2)), 1), PRECISION_MONTH
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date(), PRECISION_DAY


# --- bytes to text ------------------------------------------------------------

def _decode(data: bytes, source: str, line: int | None = None) -> str:
    """Text of `data`: UTF-16 with a BOM, else UTF-8 (with or without BOM), else cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        if b"\x00" in data[:SNIFF_BYTES]:
            raise FormatError(source, "looks like binary data (NUL bytes), not text", line=line)
        encodings = FALLBACK_ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise FormatError(source, "looks like binary data (control characters), not text", line=line)
        if not text.strip() and line is None:
            raise InputError(source, "is empty or holds only whitespace")
        return text
    raise InputError(source, f"cannot be decoded as any of {', '.join(encodings)}; save it as UTF-8",
                     line=line)


def _looks_binary(text: str) -> bool:
    sample = text[:SNIFF_BYTES]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / len(sample) > MAX_CONTROL_SHARE


def _lines(path: Path, sink: list[InputError], *, keep_ends: bool = False) -> Iterator[tuple[int, str]]:
    """Numbered decoded lines of a file, read one at a time.

    UTF-16 files (with a BOM) are read through a text wrapper; other files line by line as
    bytes, each line decoded on its own so one bad line does not spoil the file.
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
        handle.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            stream = io.TextIOWrapper(handle, encoding="utf-16", newline="")
            try:
                for number, line in enumerate(stream, start=1):
                    yield number, line if keep_ends else line.rstrip("\r\n")
            except UnicodeDecodeError as err:
                raise InputError(str(path), f"broken UTF-16 ({err.reason})") from err
            return
        if b"\x00" in head:
            raise FormatError(str(path), "looks like binary data (NUL bytes), not text")
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                line = _decode(raw, str(path), line=number)
            except InputError as err:
                _report(sink, err)
                continue
            yield number, line if keep_ends else line.rstrip("\r\n")


def _report(sink: list[InputError], err: InputError) -> None:
    LOGGER.warning("%s", err)
    sink.append(err)
