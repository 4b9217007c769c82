"""Cleaning an article's text: boilerplate, repeated headline and teaser out, Unicode and whitespace normalised, offsets kept."""
from __future__ import annotations

import functools
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from .errors import ModelError
from .ingest import DATE_MARKER
from .records import Article, CleanArticle

LOGGER = logging.getLogger(__name__)

__all__ = ["clean_article", "BOILERPLATE_FILE"]

# The boilerplate lexicon (package data), read once.
BOILERPLATE_FILE = "boilerplate.json"
# A line with a "line"-scoped boilerplate hit is dropped whole only up to this many words;
# a longer line is real prose with a stray phrase, and only the sentence goes. Footers in the
# seed reports run to 12 words; 25 leaves room for long handle lists.
MAX_BOILERPLATE_LINE_WORDS = 25
# A line cut with "..." counts as a teaser only when at least this many words precede the
# ellipsis, so that a short trailing fragment is not taken for a copy of the body.
MIN_TEASER_WORDS = 5
# What a cleaned gap becomes, by the strongest break in the original gap.
SPACE, LINE_BREAK, PARAGRAPH_BREAK = 1, 2, 3
SEPARATORS = {SPACE: " ", LINE_BREAK: "\n", PARAGRAPH_BREAK: "\n\n"}

# Characters that end a line (the set str.splitlines uses; CRLF is one break).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_NEWLINES = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# A sentence ends at . ! ? or … (with closing quotes or brackets) followed by whitespace.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*(\s+)")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\s*$")
_NON_WORD = re.compile(r"[\W_]+")

# Marks text[start:end] as dropped, saying why.
_Remover = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    scope: str  # "line" or "sentence"
    description: str


def clean_article(article: Article) -> CleanArticle:
    """The article's text without boilerplate, repeated headline or teaser, normalised.

    Paragraph breaks (blank lines) become "\\n\\n", other line breaks "\\n", and any other run
    of whitespace one space. `segments` map every cleaned offset back to `article.text`.
    """
    text = article.text
    drop = bytearray(len(text))
    removed: list[tuple[int, str]] = []

    def remove(start: int, end: int, why: str) -> None:
        start, end = _strip_span(text, start, end)
        if start >= end:
            return
        drop[start:end] = b"\x01" * (end - start)
        removed.append((start, text[start:end]))
        LOGGER.debug("%s: dropped %s %r", article.id, why, text[start:end][:80])

    marker = DATE_MARKER.match(text)
    if marker:
        # a crawler's ` date YYYY-MM-DD ` stamp (read as the publication date) is not the story's text
        remove(marker.start(), marker.end(), "date marker")
    lines = _line_spans(text)
    _mark_boilerplate(text, lines, remove)
    _mark_headline(text, lines, drop, article.title, remove)
    _mark_teasers(text, lines, drop, remove)
    chars, origins = _rebuild(text, drop)
    clean = "".join(chars)
    return CleanArticle(
        article=article,
        text=clean,
        segments=_segments(clean, origins, text),
        removed=tuple(snippet for _, snippet in sorted(removed)),
    )


# --- what to drop -------------------------------------------------------------

@functools.cache
def _patterns() -> tuple[_Pattern, ...]:
    try:
        raw = json.loads(resources.files("sitrep.data").joinpath(BOILERPLATE_FILE).read_text("utf-8"))
        return tuple(_Pattern(re.compile(entry["pattern"], re.IGNORECASE), entry.get("scope", "line"),
                              entry.get("description", "")) for entry in raw["patterns"])
    except (OSError, ValueError, KeyError, TypeError, re.error) as err:
        raise ModelError(f"cannot load the boilerplate lexicon {BOILERPLATE_FILE}: {err}; "
                         "check that it is valid JSON with a list of {pattern, scope, description}") from err


def _mark_boilerplate(text: str, lines: list[tuple[int, int]], remove: _Remover) -> None:
    patterns = _patterns()
    for start, end in lines:
        line = _fold(text[start:end])
        if not line:
            continue
        if len(line.split()) <= MAX_BOILERPLATE_LINE_WORDS:
            hit = next((p for p in patterns if p.scope == "line" and p.regex.search(line)), None)
            if hit is not None:
                remove(start, end, hit.description)
                continue
        for s_start, s_end in _sentence_spans(text, start, end):
            sentence = _fold(text[s_start:s_end])
            hit = next((p for p in patterns if p.regex.search(sentence)), None)
            if hit is not None:
                remove(s_start, s_end, hit.description)


def _mark_headline(text: str, lines: list[tuple[int, int]], drop: bytearray,
                   title: str | None, remove: _Remover) -> None:
    """Drop the title when the body repeats it as its first line or first sentence."""
    if not title or not _key(title):
        return
    title_key = _key(title)
    for start, end in lines:
        kept = _kept_span(drop, text, start, end)
        if kept is None:
            continue
        start, end = kept
        line = text[start:end]
        outlet_free = line.rsplit("|", 1)[0] if "|" in line else line
        if _key(line) == title_key or _key(outlet_free) == title_key:
            remove(start, end, "repeated headline")
        else:
            s_start, s_end = _sentence_spans(text, start, end)[0]
            if _key(text[s_start:s_end]) == title_key:
                remove(s_start, s_end, "repeated headline")
        return


def _mark_teasers(text: str, lines: list[tuple[int, int]], drop: bytearray, remove: _Remover) -> None:
    """Drop a line cut with an ellipsis whose words all come again later in the text."""
    for start, end in lines:
        kept = _kept_span(drop, text, start, end)
        if kept is None:
            continue
        line = text[kept[0]:kept[1]]
        cut = _ELLIPSIS_END.search(line)
        if cut is None:
            continue
        stem = _key(line[:cut.start()])
        if len(stem.split()) < MIN_TEASER_WORDS:
            continue
        if stem in _key(text[end:]):
            remove(kept[0], kept[1], "teaser")


# --- rebuilding the text ------------------------------------------------------

def _rebuild(text: str, drop: bytearray) -> tuple[list[str], list[int]]:
    """Cleaned characters and, for each, the offset of the original character it came from."""
    chars: list[str] = []
    origins: list[int] = []
    level = 0  # strongest break in the current gap
    run_newlines = 0  # newlines in the current whitespace run (two make a blank line)
    spaces: list[int] = []  # offsets of the last whitespace characters in the gap
    for i, ch in enumerate(text):
        if drop[i]:
            level = max(level, SPACE)
            run_newlines = 0
            continue
        if ch.isspace():
            spaces = spaces[-1:] + [i]
            if ch in _NEWLINES and not (ch == "\r" and text[i + 1:i + 2] == "\n"):
                run_newlines += 1
                level = max(level, PARAGRAPH_BREAK if run_newlines >= 2 else LINE_BREAK)
            else:
                level = max(level, SPACE)
            continue
        if _is_invisible(ch):
            continue
        if level and chars:
            separator = SEPARATORS[level]
            for k, sep in enumerate(separator):
                chars.append(sep)
                back = len(separator) - k
                origins.append(spaces[-back] if len(spaces) >= back else (spaces[-1] if spaces else i))
        level, run_newlines, spaces = 0, 0, []
        normal = unicodedata.normalize("NFKC", ch)
        if not normal or any(c.isspace() or _is_invisible(c) for c in normal):
            normal = ch
        for c in normal:
            chars.append(c)
            origins.append(i)
    return chars, origins


def _segments(clean: str, origins: list[int], original: str) -> tuple[tuple[int, int, int], ...]:
    """(clean_start, orig_start, length) runs, cut so that `CleanArticle.original_offset` is exact.

    `original_offset` lets a run also answer for the offset just past its end. Where the
    character there is not the one the next run starts with (a dropped soft hyphen, a ligature
    spread over two characters), the run is recorded one shorter: what it states stays true and
    the offset is answered by the next run instead.
    """
    segments = []
    start = 0
    n = len(origins)
    for k in range(1, n + 1):
        if k < n and origins[k] == origins[k - 1] + 1:
            continue
        length = k - start
        if k < n:
            after = origins[start] + length
            if after >= len(original) or not _same(clean[k], original[after]):
                length -= 1
        segments.append((start, origins[start], length))
        start = k
    return tuple(segments)


def _same(clean_ch: str, original_ch: str) -> bool:
    """Whether a cleaned character stands for an original one (after folding and NFKC)."""
    if clean_ch == original_ch:
        return True
    if clean_ch.isspace():
        return original_ch.isspace()
    return clean_ch in unicodedata.normalize("NFKC", original_ch)


# --- small helpers --------------------------------------------------------------

def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for brk in _LINE_BREAK.finditer(text):
        spans.append((pos, brk.start()))
        pos = brk.end()
    spans.append((pos, len(text)))
    return spans


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for brk in _SENTENCE_BREAK.finditer(text, start, end):
        spans.append((pos, brk.start(1)))
        pos = brk.end()
    spans.append((pos, end))
    return [span for span in spans if text[span[0]:span[1]].strip()] or [(start, end)]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _kept_span(drop: bytearray, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The stripped line when nothing in it was dropped and it has text, else None."""
    start, end = _strip_span(text, start, end)
    if start >= end or any(drop[start:end]):
        return None
    return start, end


def _is_invisible(ch: str) -> bool:
    """Zero-width characters, soft hyphens, BOMs and stray control characters."""
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and not ch.isspace())


def _fold(text: str) -> str:
    """NFKC text without invisible characters, whitespace runs folded: what patterns see."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if not _is_invisible(ch))
    return " ".join(text.split())


def _key(text: str) -> str:
    """Case-free words only, for comparing a headline or teaser with the body."""
    return " ".join(_NON_WORD.sub(" ", _fold(text).casefold()).split())
