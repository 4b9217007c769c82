"""Copies of one story on the dev pages: which pairs dedupe calls one story, and how many are right.

    python bench/copies_dev.py            # a summary per dev set
    python bench/copies_dev.py -v         # also every pair called one story and every copy missed

Evaluation only (nothing here feeds the pipeline). For each dev set in ../shared/eval/dev/ it runs
`find_syndication` on the cleaned pages and takes the pairs that `same_story` would join (score at
or above SAME_STORY_OVERLAP, or kind "rewrite"). It reports:

- called: the pairs called one story; right: those whose two pages share a gold event
  (precision = right / called);
- copies: gold pairs that are copies of one story, by a rule that reads the pages and not the
  tool's answer: two pages of different outlets that share a gold event and either one of them is a
  machine-spun page (its id says "spun") or their leads (the first LEAD_WORDS words) share most of
  their content-word bigrams; found: those among the called pairs (recall of copies);
- same-event: all gold pairs of different outlets sharing an event (most are independent reports
  of one event, not copies: dedupe is not meant to find them; shown for scale).

The merge stress set (tests/data/stress, our own writing: spun rewrites, syndicated copies and the
same outlet's template retold for another event) is reported last, on the same terms.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "eval" / "dev"
STRESS = ROOT / "tests" / "data" / "stress"
sys.path.insert(0, str(ROOT / "src"))

from sitrep.clean import clean_article  # noqa: E402
from sitrep.dedupe import REWRITE, _content_words, _shingles, find_syndication  # noqa: E402
from sitrep.ingest import read_articles  # noqa: E402

# The threshold of pipeline.same_story, repeated here so that this script does not import the
# pipeline (and spaCy); same_story joins a pair at or above it.
SAME_STORY_OVERLAP = 0.8
# Leads: the first LEAD_WORDS words; copies share at least LEAD_COPY of the smaller lead's
# content-word bigrams (independent reports of one event share a few names, far less than half).
LEAD_WORDS = 60
LEAD_COPY = 0.5


def one_story(score: float, kind: str) -> bool:
    return score >= SAME_STORY_OVERLAP or kind == REWRITE


def _story_pairs(groups) -> dict[tuple[str, str], tuple[float, str]]:
    """Every pair inside one story (as same_story joins them: components of the pairs it keeps),
    with the score and kind of the direct pair, or (0, "via others") when joined through others."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    direct = {}
    for group in groups:
        for a, b, score, kind in group.pairs:
            if one_story(score, kind):
                direct[(a, b)] = (score, kind)
                parent[find(a)] = find(b)
    stories: dict[str, list[str]] = {}
    for node in list(parent):
        stories.setdefault(find(node), []).append(node)
    return {pair: direct.get(pair, (0.0, "via others"))
            for ids in stories.values() for pair in itertools.combinations(sorted(ids), 2)}


def _lead_overlap(a: str, b: str) -> float:
    x = _shingles(_content_words(" ".join(a.split()[:LEAD_WORDS])), 2)
    y = _shingles(_content_words(" ".join(b.split()[:LEAD_WORDS])), 2)
    smaller = min(len(x), len(y))
    return len(x & y) / smaller if smaller else 0.0


def _dev_gold(folder: Path) -> dict[str, set[str]]:
    """Article id -> the gold events it reports, from a dev set's gold.jsonl."""
    events: dict[str, set[str]] = {}
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            gold = json.loads(line)
            for aid in gold["articles"]:
                events.setdefault(aid, set()).add(gold["gold_id"])
    return events


def _stress_gold(folder: Path) -> dict[str, set[str]]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return {aid: set(ids) for aid, ids in gold["articles"].items()}


def evaluate(name: str, pages: Path, events: dict[str, set[str]], *, verbose: bool = False) -> dict:
    articles = list(read_articles([pages]))
    cleaned = [clean_article(a) for a in articles]
    outlet = {a.id: a.outlet for a in articles}
    text = {c.id: c.text for c in cleaned}

    t0 = time.perf_counter()
    groups = find_syndication(cleaned)
    seconds = time.perf_counter() - t0
    called = _story_pairs(groups)

    def same_event(a: str, b: str) -> bool:
        return bool(events.get(a, set()) & events.get(b, set()))

    same_event_pairs, copies = set(), {}
    for a, b in itertools.combinations(sorted(text), 2):
        if outlet[a] == outlet[b] or not same_event(a, b):
            continue
        same_event_pairs.add((a, b))
        lead = _lead_overlap(text[a], text[b])
        if "spun" in a or "spun" in b or lead >= LEAD_COPY:
            copies[(a, b)] = lead
    right = [pair for pair in called if same_event(*pair)]
    found = [pair for pair in copies if pair in called]
    if verbose:
        print(f"== {name}")
        for pair, (score, kind) in sorted(called.items()):
            mark = "ok   " if same_event(*pair) else "WRONG"
            print(f"  {mark} {kind:18} {score:.3f}  {pair[0]}  {pair[1]}")
        for pair, lead in sorted(copies.items()):
            if pair not in called:
                print(f"  missed copy (lead overlap {lead:.2f})  {pair[0]}  {pair[1]}")
    return {"set": name, "pages": len(cleaned), "called": len(called), "right": len(right),
            "precision": len(right) / len(called) if called else None,
            "copies": len(copies), "found": len(found), "same_event": len(same_event_pairs),
            "same_event_found": sum(pair in called for pair in same_event_pairs),
            "kinds": sorted({kind for _, kind in called.values()}), "seconds": round(seconds, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    sets = [(folder.name, folder / "pages.jsonl", _dev_gold(folder))
            for folder in sorted(DEV.iterdir()) if (folder / "pages.jsonl").exists()] if DEV.exists() else []
    if not sets:
        print(f"{DEV} is not present: the stress set only")
    sets.append(("stress", STRESS / "articles.jsonl", _stress_gold(STRESS)))
    print(f"{'set':10} {'pages':>5} {'called':>6} {'right':>5} {'prec':>5} {'copies':>6} {'found':>5} "
          f"{'same-event':>10} {'found':>5} {'s':>6}")
    for name, pages, events in sets:
        r = evaluate(name, pages, events, verbose=args.verbose)
        prec = f"{r['precision']:.2f}" if r["precision"] is not None else "-"
        print(f"{r['set']:10} {r['pages']:5} {r['called']:6} {r['right']:5} {prec:>5} {r['copies']:6} "
              f"{r['found']:5} {r['same_event']:10} {r['same_event_found']:5} {r['seconds']:6.2f}")


if __name__ == "__main__":
    main()
