"""How well infer_publication_date reads the date of a page, on the real-news dev sets.

    python bench/pubdates.py                      # the working tree's dates.py
    python bench/pubdates.py --baseline HEAD~1    # ... and a git revision's dates.py beside it
    python bench/pubdates.py --list               # one line per page, to read the misses

Evaluation only. Two measures, on ../shared/eval/dev/*/pages.jsonl:

- Pages with `published: null`: the guess is held against the gold events the page reports
  (gold.jsonl `articles`). A page is published on or after its newest event, and news pages
  usually within a few weeks of it: the guess is "plausible" when its window reaches the newest
  required event's date_min and starts no later than PLAUSIBLE_DAYS after it, "early" when it
  ends before that event (impossible), "late" when it starts after the plausible window.
  Pages with no required event are counted apart (no reference).
- Pages with `published`: it is hidden (with the ` date YYYY-MM-DD ` marker at the start of the
  text) and the guess is compared with it: the same day, the same month, wrong, or none.

The text given to the function is the cleaned text (clean_article), as in pipeline.py, with the
page's url and title. Nothing here feeds back into dates.py: no rule may exist for one page.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "eval" / "dev"
SETS = ("sudan", "drc", "somalia", "colombia")
# How long after its newest event a page may plausibly appear: news is written within days,
# follow-ups and features within weeks. Our own yardstick, not a property of the data.
PLAUSIBLE_DAYS = 31
_MARKER = re.compile(r"\A\s*date\s*:?\s*\d{4}-\d{1,2}(?:-\d{1,2})?\b[ \t]*", re.IGNORECASE)


def _load_dates_module(revision: str | None):
    """dates.py of the working tree, or of a git revision (loaded under the package's name)."""
    if revision is None:
        from sitrep.extract import dates
        return dates
    source = subprocess.run(["git", "show", f"{revision}:src/sitrep/extract/dates.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("sitrep.extract._dates_baseline", handle.name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _infer(module, text: str, url: str | None, title: str | None):
    params = inspect.signature(module.infer_publication_date).parameters
    if "url" in params:
        return module.infer_publication_date(text, url=url, title=title)
    return module.infer_publication_date(text)


def _window(day: dt.date, precision: int) -> tuple[dt.date, dt.date]:
    if precision == 3:
        first = day.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return first, nxt - dt.timedelta(days=1)
    if precision == 2:
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    return day, day


def _cleaned(page: dict, text: str) -> str:
    from sitrep.clean import clean_article
    from sitrep.records import Article
    article = Article(id=page["id"], text=text, title=page.get("title"), url=page.get("url"),
                      outlet=page.get("outlet"))
    return clean_article(article).text


def _reference(events: list[dict]) -> dt.date | None:
    required = [e for e in events if not e.get("optional") and not e.get("background")]
    if not required:
        return None
    return max(dt.date.fromisoformat(e["date_min"]) for e in required)


def _judge_undated(guess, ref: dt.date | None) -> str:
    if guess is None:
        return "none"
    if ref is None:
        return "no-reference"
    lo, hi = _window(*guess)
    if hi < ref:
        return "early"
    if lo > ref + dt.timedelta(days=PLAUSIBLE_DAYS):
        return "late"
    return "plausible"


def _judge_dated(guess, published: str) -> str:
    if guess is None:
        return "none"
    day, precision = guess
    parts = [int(p) for p in published[:10].split("-")]
    if len(parts) == 2:  # the page's own date is only a month
        return "month" if (day.year, day.month) == tuple(parts) else "wrong"
    truth = dt.date(*parts)
    if precision == 1 and day == truth:
        return "day"
    lo, hi = _window(day, precision)
    if (day.year, day.month) == (truth.year, truth.month) or lo <= truth <= hi:
        return "month"
    return "wrong"


def measure(module, *, listing: bool = False) -> dict[str, Counter]:
    undated, dated = Counter(), Counter()
    for name in SETS:
        gold = [json.loads(line) for line in (DEV / name / "gold.jsonl").open(encoding="utf-8")]
        for line in (DEV / name / "pages.jsonl").open(encoding="utf-8"):
            page = json.loads(line)
            events = [e for e in gold if page["id"] in e.get("articles", [])]
            if page.get("published") is None:
                guess = _infer(module, _cleaned(page, page["text"]), page.get("url"), page.get("title"))
                ref = _reference(events)
                verdict = _judge_undated(guess, ref)
                undated[verdict] += 1
                shown = f"ref {ref}"
            else:
                text = _MARKER.sub("", page["text"], count=1)
                guess = _infer(module, _cleaned(page, text), page.get("url"), page.get("title"))
                verdict = _judge_dated(guess, str(page["published"]))
                dated[verdict] += 1
                shown = f"published {page['published']}"
            if listing:
                answer = f"{guess[0]} p{guess[1]}" if guess else "-"
                print(f"{verdict:13} {name:9} {answer:15} {shown:24} {page['id']}")
    return {"undated": undated, "dated": dated}


def _summary(label: str, counts: dict[str, Counter]) -> str:
    u, d = counts["undated"], counts["dated"]
    nu, nd = sum(u.values()), sum(d.values())
    return (f"{label}\n"
            f"  published: null ({nu} pages): plausible {u['plausible']}, early {u['early']}, "
            f"late {u['late']}, none {u['none']}, guessed without gold reference {u['no-reference']}\n"
            f"  published hidden ({nd} pages): same day {d['day']}, same month {d['month']}, "
            f"wrong {d['wrong']}, none {d['none']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision whose dates.py to measure beside")
    parser.add_argument("--list", action="store_true", help="one line per page")
    args = parser.parse_args(argv)
    if not DEV.is_dir():
        print(f"no dev sets at {DEV}", file=sys.stderr)
        return 1
    if args.baseline:
        print(_summary(f"baseline {args.baseline}", measure(_load_dates_module(args.baseline),
                                                            listing=args.list)))
    print(_summary("working tree", measure(_load_dates_module(None), listing=args.list)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
