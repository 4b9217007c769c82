"""Reading news reports from .txt, .jsonl/.ndjson, .csv and .html files into `Article` records."""
from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import AnyStr

from .errors import FormatError, InputError
from .records import EARLIEST_EVENT_DATE, Article, content_hash

LOGGER = logging.getLogger(__name__)

__all__ = ["read_articles", "read_article_records", "unique_ids", "record_id", "SUFFIXES", "MAX_ARTICLE_CHARS",
           "MAX_RECORD_BYTES"]

# File suffixes read, by format.
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES + HTML_SUFFIXES

# Encodings tried in turn on bytes without a UTF-16 byte-order mark. cp1252 last: it decodes
# almost anything, so a file that is really UTF-8 must be given the chance first.
FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252")
# Bytes that only UTF-8 writes: a lead byte and its continuation bytes. A line that fails to
# decode as UTF-8 but holds such a sequence is UTF-8 with a few corrupt bytes, not cp1252
# (where "Ã©" is rare): it is decoded as UTF-8 with the bad bytes replaced, and a warning.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Bytes read to decide whether a file is binary and which encoding it uses.
SNIFF_BYTES = 8192
# Share of control characters (other than tab, CR, LF, FF) above which decoded text is binary.
# Real reports have none; 5% leaves room for a stray form feed or escape without letting
# random bytes through.
MAX_CONTROL_SHARE = 0.05
# A line shorter than this is not judged binary on its own: one stray control character (a DOS
# end-of-file mark, a vertical tab) would tip the share; the file's first SNIFF_BYTES are judged whole.
MIN_BINARY_SAMPLE = 32
# Line numbers named in a warning about many lines.
LINES_SHOWN = 5

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

# Hex digits of the content hash that names a record given without an id (`{file stem}-{hash}`):
# from its text, not its line, so a record added above it leaves its id alone.
RECORD_ID_HASH = 12
# Publication dates later than this many days after today are typing errors (a time zone ahead
# is one day at most).
MAX_DAYS_AHEAD = 2

# Fields of a JSONL object or CSV row; `text` is the only one required.
FIELDS = ("id", "url", "outlet", "title", "published", "text")

# Size caps, so that memory stays bounded whatever a scraper writes.
# The most text kept of one report, in characters; a longer text is cut at a word break with a
# warning naming the file. 1,000,000 is spaCy's default `nlp.max_length`, so a capped report
# still parses in one piece; it is some 300 times the longest report in the seed and example
# corpora (about 3,400 characters).
MAX_ARTICLE_CHARS = 1_000_000
# The most bytes of one record: a JSONL line, a CSV row or field, an HTML page. A longer line
# or row is reported and skipped (a longer page is cut). Four times MAX_ARTICLE_CHARS, so a
# record whose text is over the cap is still read, and cut with a warning, not lost.
MAX_RECORD_BYTES = 4 * MAX_ARTICLE_CHARS
# A report is flagged as not English when fewer than this share of its first words are English
# stop words (spaCy's list): the seed and example reports score 0.43-0.45, French, Spanish and
# Arabic paragraphs 0-0.02, German 0.09. Reports under LANGUAGE_MIN_WORDS words are not judged.
ENGLISH_MIN_SHARE = 0.15
LANGUAGE_SAMPLE_WORDS = 300
LANGUAGE_MIN_WORDS = 20
_WORD = re.compile(r"[^\W\d_]+")
# A cut text ends at the last whitespace within this many characters of the cap, when there is one.
WORD_BREAK_WINDOW = 1000
# A .txt or .html file with more unreadable lines than this is not text: reading it stops.
MAX_BAD_LINES = 100
# Characters no stored text may hold: NUL (PostgreSQL rejects it) and the unpaired surrogates a
# JSON escape such as "\ud800" produces (they cannot be encoded as UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
# Control characters other than tab, LF, FF, CR: what `_looks_binary` counts.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def read_articles(paths: Iterable[str | Path], *,
                  errors: list[InputError] | None = None) -> Iterator[Article]:
    """Stream the articles in the given files and folders (folders recursively, in sorted order).

    Files are read a line (or a piece of a long line) at a time and no article keeps more than
    MAX_ARTICLE_CHARS characters, so memory stays bounded whatever the input. A file, line or
    row that cannot be read becomes an `InputError` appended to `errors` (and logged); reading
    goes on with the rest. Warnings go there too, with the article kept: a text cut to the
    cap, an unreadable date (`published=None`), mixed or broken encodings, a report that does
    not read as English.
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

    A record without an id gets `{source}-{hash of its text}` (`record_id`); a record without
    text is reported in `errors` and skipped.
    """
    sink = errors if errors is not None else []
    for number, record in enumerate(records, start=1):
        article = _article_from_record(record, source, Path(source).stem or source, number, sink)
        if article is not None:
            yield article


# --- files ------------------------------------------------------------------

def unique_ids(articles: Iterable[Article], *,
               errors: list[InputError] | None = None) -> tuple[list[Article], list[Article]]:
    """Articles with one record per id, and the earlier versions the later ones replaced.

    Records sharing an id are reported in `errors`. From the same file (a record sent twice), the
    later replaces the earlier, which is kept as a revision; from different files, both are kept,
    the later under `{id}~{hash of its text}`. The same text twice is one article.
    """
    sink = errors if errors is not None else []
    kept: dict[str, Article] = {}
    revisions: list[Article] = []
    for article in articles:
        first = kept.get(article.id)
        if first is None:
            kept[article.id] = article
            continue
        if first.text == article.text:
            kept[article.id] = article if _file(first) == _file(article) else first
            continue
        if _file(first) == _file(article):
            _report(sink, InputError(article.source or article.id, f"repeats the id {article.id!r} of "
                                     f"{first.source} with another text; kept the later as the article "
                                     "and the earlier as its revision"))
            revisions.append(first)
            kept[article.id] = article
            continue
        renamed = dataclasses.replace(article, id=f"{article.id}~{content_hash(article.text, length=8)}")
        _report(sink, InputError(article.source or article.id, f"has the id {article.id!r} of {first.source} "
                                 f"(another file) with another text; kept both, this one as {renamed.id!r}"))
        kept.setdefault(renamed.id, renamed)
    return list(kept.values()), revisions


def _file(article: Article) -> str:
    """The file an article was read from (its source without the line number)."""
    source = article.source or ""
    head, _, line = source.rpartition(":")
    return head if head and line.isdigit() else source


def record_id(stem: str, text: str) -> str:
    """The id of a record given without one: the file's stem and a hash of the text."""
    return f"{stem}-{content_hash(text.strip(), length=RECORD_ID_HASH)}"


def _read_file(path: Path, sink: list[InputError]) -> Iterator[Article]:
    suffix = path.suffix.lower()
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = str(path).encode("utf-8", "backslashreplace").decode("ascii", "replace")
        _report(sink, InputError(shown, "the file name is not valid UTF-8; rename the file (skipped it)"))
        return
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
    text = _read_text(path, sink, MAX_ARTICLE_CHARS)
    if text is None:
        return None
    published, precision = None, None
    marker = DATE_MARKER.match(text)
    if marker:
        published, precision = _date_or_warn(marker.group(1), str(path), None, sink)
        text = text[marker.end():]
    title, outlet, text = _split_headline(text)
    text = text.strip()
    if not text:
        raise InputError(str(path), "has a header but no report text")
    _check_language(text, str(path), None, sink)
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
    if (newline and line and followed_by_blank and rest.strip() and len(line) <= MAX_TITLE_CHARS
            and len(line.split()) <= MAX_TITLE_WORDS and line[-1] not in TITLE_END_PUNCTUATION):
        return line, None, rest
    return None, None, text


def _read_jsonl(path: Path, sink: list[InputError]) -> Iterator[Article]:
    source, stem = str(path), path.stem
    seen_any = False
    for number, line in _lines(path, sink):
        if line is None:  # unreadable, already reported
            seen_any = True
            continue
        if not line.strip():
            continue
        seen_any = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            _report(sink, InputError(source, f"broken JSON ({err.msg} at column {err.colno}); "
                                             "each line must be one JSON object", line=number))
            continue
        except (ValueError, RecursionError) as err:  # a number of over 4,300 digits; nesting too deep
            _report(sink, InputError(source, f"unreadable JSON ({err}); each line must be one "
                                             "JSON object", line=number))
            continue
        article = _article_from_record(record, source, stem, number, sink)
        if article is not None:
            yield article
    if not seen_any:
        raise InputError(source, "is empty")


def _read_csv(path: Path, sink: list[InputError]) -> Iterator[Article]:
    csv.field_size_limit(MAX_RECORD_BYTES)
    # An unreadable line (reported by _lines) stands in as an empty one, so line numbers hold.
    lines = ("\n" if line is None else line for _, line in _lines(path, sink, keep_ends=True))
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
            if "field limit" in str(err):
                # Past a field this long the parser's place in the file is lost: stop here.
                raise FormatError(str(path), f"a field is longer than {MAX_RECORD_BYTES:,} characters (an "
                                             "unclosed quote?); stopped reading the file there",
                                  line=reader.line_num) from err
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
    from trafilatura.utils import load_html

    html = _read_text(path, sink, MAX_RECORD_BYTES)
    if html is None:
        return None
    tree = load_html(html)
    if tree is None:
        raise InputError(str(path), "no main text found in the HTML page")
    # A page that builds its text with scripts says only "enable JavaScript" here: not a report.
    for element in list(tree.iter("noscript")):
        element.drop_tree()
    meta = extract_metadata(tree)
    text = extract(tree, output_format="txt", include_comments=False, include_tables=False,
                   with_metadata=False)
    if not text or not text.strip():
        raise InputError(str(path), "no main text found in the HTML page (a page that builds its text "
                                    "with scripts cannot be read; save the rendered page)")
    _check_language(text, str(path), None, sink)
    title = outlet = url = None
    published, precision = None, None
    if meta is not None:
        title, outlet, url = meta.title or None, meta.sitename or None, meta.url or None
        if meta.date:
            published, precision = _date_or_warn(meta.date, str(path), None, sink)
    return Article(id=path.stem, text=_capped(text.strip(), str(path), None, sink), title=title, url=url,
                   outlet=outlet, published=published, published_precision=precision, source=str(path))


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
    if _UNSTORABLE.search(text) is not None:
        _report(sink, InputError(source, "`text` holds NUL characters or unpaired surrogate escapes "
                                         "(\\ud800-\\udfff); dropped or replaced them with U+FFFD",
                                 line=number))
        text = _storable(text)
    text = text.strip()
    if not text:
        _report(sink, InputError(source, "has an empty `text`; every record needs the report text", line=number))
        return None
    _check_language(text, source, number, sink)
    published, precision = None, None
    raw_date = record.get("published")
    if raw_date not in (None, ""):
        published, precision = _date_or_warn(raw_date, source, number, sink)
    raw_id = _optional_str(record.get("id"))
    return Article(
        id=raw_id or record_id(stem, text),
        text=_capped(text, source, number, sink),
        title=_optional_str(record.get("title")),
        url=_optional_str(record.get("url")),
        outlet=_optional_str(record.get("outlet")),
        published=published,
        published_precision=precision,
        source=f"{source}:{number}",
    )


def _check_language(text: str, source: str, line: int | None, sink: list[InputError]) -> None:
    """Warn when a report does not read as English: the extractors read English only."""
    if text.count(" ", 0, 12 * LANGUAGE_SAMPLE_WORDS) < LANGUAGE_MIN_WORDS - 1:  # too short to judge, cheaply
        return
    words = _WORD.findall(text, 0, 12 * LANGUAGE_SAMPLE_WORDS)[:LANGUAGE_SAMPLE_WORDS]
    if len(words) < LANGUAGE_MIN_WORDS:
        return
    english = _english_words()
    share = sum(word.lower() in english for word in words) / len(words)
    if share < ENGLISH_MIN_SHARE:
        _report(sink, InputError(source, f"does not read as English ({share:.0%} of its first {len(words)} "
                                         "words are common English words); sitrep reads English reports "
                                         "only, so it may yield no events", line=line))


@functools.cache
def _english_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS  # imported here: spaCy is slow to import

    return frozenset(STOP_WORDS)


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    value = _storable(str(value)).strip()
    return value or None


def _storable(text: str) -> str:
    """`text` without NUL characters, its unpaired surrogates replaced with U+FFFD."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _capped(text: str, source: str, line: int | None, sink: list[InputError]) -> str:
    """`text`, cut to MAX_ARTICLE_CHARS with a warning when longer."""
    if len(text) <= MAX_ARTICLE_CHARS:
        return text
    kept = _cut(text, MAX_ARTICLE_CHARS)
    _report(sink, InputError(source, f"report text is {len(text):,} characters, over the limit of "
                                     f"{MAX_ARTICLE_CHARS:,}; kept the first {len(kept):,} (split it "
                                     "into several reports)", line=line))
    return kept


def _cut(text: str, limit: int) -> str:
    """The first `limit` characters of `text` at most, ending at a word break when one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if text[limit].isspace():
        return head.rstrip()
    window = head[-WORD_BREAK_WINDOW:]
    breaks = [k for k, ch in enumerate(window) if ch.isspace()]
    if breaks:
        head = head[:len(head) - len(window) + breaks[-1]]
    return head.rstrip()


def _date_or_warn(value: object, source: str, line: int | None,
                  sink: list[InputError]) -> tuple[dt.date | None, int | None]:
    try:
        return _parse_date(value)
    except ValueError:
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        _report(sink, InputError(source, f"invalid publication date {shown}; kept the article "
                                         "without a date (use YYYY-MM-DD, YYYY-MM or an ISO datetime, "
                                         f"from {EARLIEST_EVENT_DATE.year} to today)",
                                 line=line))
        return None, None


def _parse_date(value: object) -> tuple[dt.date, int]:
    """A date and its precision (1 = day, 3 = month); ValueError when unreadable or out of range
    (before EARLIEST_EVENT_DATE, or more than MAX_DAYS_AHEAD days ahead)."""
    day, precision = _read_date(value)
    if day < EARLIEST_EVENT_DATE or day > dt.date.today() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValueError(f"out of range: {day}")
    return day, precision


def _read_date(value: object) -> tuple[dt.date, int]:
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

def _read_text(path: Path, sink: list[InputError], max_chars: int) -> str | None:
    """The decoded text of a whole file, streamed and cut to `max_chars` (with a warning).

    None when no line of it could be read (each bad line is already reported).
    """
    parts: list[str] = []
    size = bad = 0
    truncated = False
    lines = _lines(path, sink, keep_ends=True, split_long=True)
    try:
        for _, line in lines:
            if line is None:
                bad += 1
                if bad > MAX_BAD_LINES:
                    raise FormatError(str(path), f"has more than {MAX_BAD_LINES} unreadable lines; "
                                                 "it does not look like a text file")
                continue
            parts.append(line)
            size += len(line)
            if size > max_chars:
                truncated = True
                break
    finally:
        lines.close()
    text = "".join(parts)
    if truncated:
        text = _cut(text, max_chars)
        _report(sink, InputError(str(path), f"is longer than {max_chars:,} characters; kept the first "
                                            f"{len(text):,} and skipped the rest (split it into several "
                                            "reports)"))
    if not text.strip():
        if bad:
            return None
        raise InputError(str(path), "is empty or holds only whitespace")
    return text


def _lines(path: Path, sink: list[InputError], *, keep_ends: bool = False,
           split_long: bool = False) -> Iterator[tuple[int, str | None]]:
    """Numbered decoded lines of a file, read one at a time; None for a line that cannot be read.

    UTF-16 files (with a BOM) are read through a text wrapper; other files line by line as
    bytes, each line decoded on its own so one bad line (reported in `sink`) does not spoil
    the file. A line longer than MAX_RECORD_BYTES is reported and skipped, or with
    `split_long` (running text, not records) handed on in pieces under the same number.
    """
    source = str(path)
    mix = _EncodingMix()
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
        handle.seek(0)
        try:
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                _check_head(head.decode("utf-16", errors="replace"), source)
                stream = io.TextIOWrapper(handle, encoding="utf-16", newline="")
                try:
                    for number, line in _bounded_lines(stream.readline, MAX_RECORD_BYTES // 2,
                                                       split_long=split_long):
                        if line is None:
                            _report(sink, _too_long(source, number))
                        else:
                            try:
                                _check_text(line, source, number)
                            except InputError as err:
                                _report(sink, err)
                                line = None
                        yield number, line if keep_ends or line is None else line.rstrip("\r\n")
                except UnicodeDecodeError as err:
                    raise InputError(source, f"broken UTF-16 ({err.reason})") from err
                return
            _check_head(head.decode("latin-1"), source)
            first = True
            for number, raw in _bounded_lines(handle.readline, MAX_RECORD_BYTES, split_long=split_long,
                                              boundary=_utf8_boundary):
                if raw is None:
                    _report(sink, _too_long(source, number))
                    yield number, None
                    continue
                if first and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                first = False
                try:
                    line, encoding = _decode(raw, source, number)
                except InputError as err:
                    _report(sink, err)
                    yield number, None
                    continue
                mix.note(number, line, encoding)
                yield number, line if keep_ends else line.rstrip("\r\n")
        finally:
            mix.report(source, sink)


def _bounded_lines(readline: Callable[[int], AnyStr], limit: int, *, split_long: bool,
                   boundary: Callable[[AnyStr], int] | None = None) -> Iterator[tuple[int, AnyStr | None]]:
    """Numbered lines from `readline`, none held longer than `limit`.

    A longer line comes as None (skipped), or with `split_long` in pieces; `boundary` says
    where a piece may end (not inside a UTF-8 character).
    """
    number = 0
    inside = False  # in the middle of a long line
    pending = None  # the end of a piece held back for the next one
    while True:
        chunk = readline(limit)
        if not chunk:
            if pending:
                yield number, pending
            return
        ends = chunk[-1:] in ("\n", b"\n")
        if not inside:
            number += 1
            if ends or len(chunk) < limit:
                yield number, chunk
                continue
        was_inside, inside = inside, not ends
        if not split_long:
            if not was_inside:
                yield number, None
            continue
        piece = pending + chunk if pending else chunk
        pending = None
        if inside and boundary is not None:
            cut = boundary(piece)
            piece, pending = piece[:cut], piece[cut:]
        yield number, piece


def _utf8_boundary(data: bytes) -> int:
    """The length of the longest start of `data` that does not end inside a UTF-8 character."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # the lead byte of a character of 2, 3 or 4 bytes
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)


def _too_long(source: str, number: int) -> FormatError:
    return FormatError(source, f"line is longer than {MAX_RECORD_BYTES:,} bytes; skipped it (a record "
                               "must fit on one line under the limit)", line=number)


def _decode(data: bytes, source: str, line: int) -> tuple[str, str]:
    """The text of one line and how it was read: "utf-8-sig", "cp1252" or "utf-8-repaired"."""
    for encoding in FALLBACK_ENCODINGS:
        try:
            if encoding == "cp1252" and _UTF8_SEQUENCE.search(data):
                text, encoding = data.decode("utf-8-sig", errors="replace"), "utf-8-repaired"
            else:
                text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        _check_text(text, source, line)
        return text, encoding
    raise InputError(source, f"cannot be decoded as any of {', '.join(FALLBACK_ENCODINGS)}; save it as UTF-8",
                     line=line)


def _check_head(head: str, source: str) -> None:
    """FormatError when the start of a file is binary: then it is judged whole, not line by line."""
    if "\x00" in head:
        raise FormatError(source, "looks like binary data (NUL bytes), not text")
    if _looks_binary(head):
        raise FormatError(source, "looks like binary data (control characters), not text")


def _check_text(text: str, source: str, line: int) -> None:
    """FormatError when a decoded line holds NUL or many control characters: binary, not text."""
    if "\x00" in text:
        raise FormatError(source, "looks like binary data (NUL bytes), not text", line=line)
    if len(text) >= MIN_BINARY_SAMPLE and _looks_binary(text):
        raise FormatError(source, "looks like binary data (control characters), not text", line=line)


def _looks_binary(text: str) -> bool:
    sample = text[:SNIFF_BYTES]
    if not sample or _CONTROL.search(sample) is None:
        return False
    return len(_CONTROL.findall(sample)) / len(sample) > MAX_CONTROL_SHARE


@dataclass(slots=True)
class _Lines:
    """Some line numbers: how many, and the first few (for a message)."""

    count: int = 0
    first: list[int] = field(default_factory=list)

    def add(self, number: int) -> None:
        self.count += 1
        if len(self.first) < LINES_SHOWN:
            self.first.append(number)

    def __str__(self) -> str:
        if self.count == 1:
            return f"line {self.first[0]}"
        more = ", ..." if self.count > len(self.first) else ""
        return f"{self.count} lines ({', '.join(map(str, self.first))}{more})"


@dataclass(slots=True)
class _EncodingMix:
    """How a file's lines were decoded, to warn about mixed encodings and corrupt UTF-8."""

    utf8: bool = False  # a line held UTF-8 beyond ASCII
    legacy: _Lines = field(default_factory=_Lines)  # lines read as cp1252
    repaired: _Lines = field(default_factory=_Lines)  # UTF-8 lines with bytes replaced

    def note(self, number: int, line: str, encoding: str) -> None:
        if encoding == "cp1252":
            self.legacy.add(number)
        elif encoding == "utf-8-repaired":
            self.repaired.add(number)
        elif not line.isascii():
            self.utf8 = True

    def report(self, source: str, sink: list[InputError]) -> None:
        if self.repaired.count:
            _report(sink, InputError(source, f"has bytes that are not valid UTF-8 on {self.repaired}; "
                                             "replaced them with U+FFFD (check the file's encoding)"))
        if self.legacy.count and (self.utf8 or self.repaired.count):
            _report(sink, InputError(source, f"mixes encodings: {self.legacy} not UTF-8, read as cp1252; "
                                             "check them and save the file as UTF-8"))


def _report(sink: list[InputError], err: InputError) -> None:
    LOGGER.warning("%s", err)
    sink.append(err)
