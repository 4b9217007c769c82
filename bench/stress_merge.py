"""Merge stress set: pairwise merge precision and recall of sitrep on tests/data/stress/.

    python bench/stress_merge.py [--corpus PATH] [--gold PATH] [--quiet]

The stress set (tests/data/stress/articles.jsonl, gold in tests/data/stress/gold.json) is 53
short invented reports of 17 events (and one older attack recalled as background) in Syria,
Nigeria, Ukraine, Somalia, Afghanistan and Burkina Faso (real places, invented incidents),
written to break event merging:

- eight events each told by four to six outlets in different words, with different figures
  (12 / "at least 15" / "dozens"), date expressions ("on Tuesday", "yesterday", "overnight",
  "on 14 March", "Tuesday's strike"), spellings (Idlib / Idleb, Kabul / Kabol, Manbij /
  Menbij, Nangarhar / Nangrahar, Donetsk Oblast / the Donetsk region) and actor names (Boko Haram / jihadists /
  insurgents, ISKP / Islamic State Khorasan / the Islamic State group, NRF / Massoud's
  forces); spun rewrites (synonym-swapped copies); syndicated copies with footers and no
  publication date, which must take the date of their source through dedupe;
- hard negatives told in the same words: the same attack on the same place a week later
  (Ariha market, Andarab post, a Mogadishu checkpoint), the same night in another province
  (Kramatorsk / Kharkiv, Kabul / Jalalabad, Andarab / Khinj), the same day in another
  district of the same province (Konduga / Gwoza, Manbij / Afrin, Djibo / Dori); roundups
  that report two of these events in one article; and last year's attack recalled as
  background next to today's.

Definition: pairwise merge precision and recall
-----------------------------------------------
Report units. For every article `a` and every gold event `k` listed in gold
`articles[a]` (the events `a` reports as news), `(a, k)` is a report unit. History that `a`
recalls only as context (gold `background[a]`) makes no unit.

Predicted events of a unit. Run `process_articles` over the whole set at once, in a fresh
database. A predicted event E *fits* gold event k when
  1. E is not background (`Event.background` is false);
  2. its province is one of k's: `normalise_name(E.place.admin1)` is among the normalised
     gold `admin1` names;
  3. its date `E.date.date` lies in `[k.date_min - 1 day, k.date_max + 1 day]`.
Each mention m of article a, in predicted event E, is a report of the gold events of a that
E fits; when E fits several of them (a roundup of two events in one province on one day),
m reports the one whose gold `places` (names as written: "Konduga", "Afrin") its sentence
names and none of the others' do, and is left out when its sentence names both or neither.
`P(a, k)` is the set of predicted events holding a mention of a that reports k: for an
article of one event, the events citing a that fit k.

Pairs. Every unordered pair of distinct units `{u1, u2}` is scored, including the two units of
one roundup article. Gold says same-event when `u1` and `u2` have the same event key.
The prediction says same-event when `P(u1) ∩ P(u2)` is not empty: one predicted event
carries both reports (for units of one gold event: an event citing both articles, in that
event's province and window; for units of two gold events: an event holding a report of each,
so fitting both events' province and window).

  TP = pairs same in gold and in prediction
  FP = pairs same in prediction, different in gold (wrong merges)
  FN = pairs same in gold, different in prediction (wrong splits)
  precision = TP / (TP + FP)   (1.0 when no pair is predicted same)
  recall    = TP / (TP + FN)

What the figures cannot see. A unit with `P = ∅` ("unplaced": its report was placed in the
wrong province, dated outside the window, marked background, or not extracted) is split from
every other unit of its event: it costs recall only. So does a wrong merge of two events more
than two days apart (the week-apart hard negatives): the merged event keeps one date, the
other event's units become unplaced. Wrong merges count against precision only when the
merged event fits both gold events (same province, windows a day or two apart). This script
lists unplaced units and "impure" events (an event citing single-event articles of two or
more gold events) separately, so those merges are visible too.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import itertools
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.geocode import normalise_name
from sitrep.ingest import read_articles
from sitrep.pipeline import Options, process_articles
from sitrep.records import Event, SyndicationGroup

ROOT = Path(__file__).resolve().parents[1]
STRESS = ROOT / "tests" / "data" / "stress"
CORPUS = STRESS / "articles.jsonl"
GOLD = STRESS / "gold.json"
# Slack around a gold event's [date_min, date_max], as in the codebook's matching rule.
DATE_SLACK = dt.timedelta(days=1)

Unit = tuple[str, str]  # (article id, gold event key)


@dataclass
class Result:
    """Pairwise counts and everything needed to explain them."""

    tp: int
    fp: int
    fn: int
    units: list[Unit]
    predicted: dict[Unit, set[str]]  # unit -> ids of the events in P(unit)
    wrong_merges: list[tuple[Unit, Unit, set[str]]]  # with the shared predicted events
    wrong_splits: list[tuple[Unit, Unit]]
    events: dict[str, Event]
    groups: list[SyndicationGroup] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def unplaced(self) -> list[Unit]:
        return [u for u in self.units if not self.predicted[u]]


def load_gold(path: Path = GOLD) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def report_units(gold: dict) -> list[Unit]:
    """Every (article, gold event) pair where the article reports the event as news."""
    return sorted((a, k) for a, keys in gold["articles"].items() for k in keys)


def fits(event: Event, gold_event: dict) -> bool:
    """The predicted event fits the gold event: not background, in its province, in its window ±1 day."""
    if event.background or event.place is None or not event.place.admin1:
        return False
    if normalise_name(event.place.admin1) not in {normalise_name(x) for x in gold_event["admin1"]}:
        return False
    lo = dt.date.fromisoformat(gold_event["date_min"]) - DATE_SLACK
    hi = dt.date.fromisoformat(gold_event["date_max"]) + DATE_SLACK
    return lo <= event.date.date <= hi


def _names(gold_event: dict, sentence: str) -> bool:
    """Does the sentence name one of the gold event's places (whole words, spelling folded)?"""
    text = f" {normalise_name(sentence)} "
    return any(f" {normalise_name(p)} " in text for p in gold_event.get("places", ()))


def predicted_events(events: list[Event], gold: dict) -> dict[Unit, set[str]]:
    """P(a, k) for every report unit: the predicted events holding a's report of k."""
    predicted: dict[Unit, set[str]] = {u: set() for u in report_units(gold)}
    for e in events:
        for m in e.mentions:
            keys = gold["articles"].get(m.article_id, [])
            cands = [k for k in keys if fits(e, gold["events"][k])]
            if len(cands) > 1:
                named = [k for k in cands if _names(gold["events"][k], m.sentence)]
                cands = named if len(named) == 1 else []
            if cands:
                predicted[(m.article_id, cands[0])].add(e.event_id)
    return predicted


def score(events: list[Event], gold: dict) -> Result:
    """Pairwise merge precision and recall of `events` against `gold` (see the module docstring)."""
    units = report_units(gold)
    by_id = {e.event_id: e for e in events}
    predicted = predicted_events(events, gold)
    tp = fp = fn = 0
    merges, splits = [], []
    for u1, u2 in itertools.combinations(units, 2):
        same_gold = u1[1] == u2[1]
        shared = predicted[u1] & predicted[u2]
        if same_gold and shared:
            tp += 1
        elif same_gold:
            fn += 1
            splits.append((u1, u2))
        elif shared:
            fp += 1
            merges.append((u1, u2, shared))
    return Result(tp, fp, fn, units, predicted, merges, splits, by_id)


def run(corpus: Path = CORPUS, gold_path: Path = GOLD) -> Result:
    """Process the stress set in a fresh database and score it."""
    gold = load_gold(gold_path)
    articles = list(read_articles([corpus]))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        events, groups, _ = process_articles(articles, options=Options(db=str(Path(tmp) / "stress.db")))
    result = score(events, gold)
    result.groups = list(groups)
    result.seconds = time.perf_counter() - t0
    return result


# --- explaining the errors -------------------------------------------------------------------

def _event_line(e: Event) -> str:
    place = e.place
    where = f"{place.admin1}/{place.admin2 or '-'}" if place else "no place"
    dates = (f"{e.date.date}" if e.date.date_min == e.date.date_max
             else f"{e.date.date} [{e.date.date_min}..{e.date.date_max}]")
    bg = " BACKGROUND" if e.background else ""
    return (f"{e.event_id[:8]} {dates} {where} {e.event_type}/{e.sub_event_type} "
            f"actors={list(e.actors)} articles={list(e.article_ids)}{bg}")


def _mention_lines(e: Event, articles: set[str]) -> list[str]:
    out = []
    for m in e.mentions:
        if m.article_id not in articles:
            continue
        place = f"{m.place.admin1}/{m.place.admin2 or '-'}" if m.place else "no place"
        date = f"{m.date.date} ({m.date.text})" if m.date else "no date"
        out.append(f"      {m.article_id}#{m.sentence_index} {m.event_type or 'denial'}/{m.sub_event_type} "
                   f"{place} {date} actors={list(m.actors)}{' BG' if m.background else ''}: "
                   f"{m.sentence.strip()[:90]!r}")
    return out


def why_apart(a: Event, b: Event, article: str, groups: list[SyndicationGroup]) -> list[str]:
    """The merge rule that keeps `article`'s mentions in `b` out of `a` (sitrep.merge._why_not).

    The merge is greedy, so this asks the rule against `a` as it ended, not as it was when the
    mention came: a good hint, not a proof.
    """
    try:
        from sitrep import merge as mg
    except ImportError:  # pragma: no cover
        return ["(sitrep.merge not importable)"]
    if not all(hasattr(mg, n) for n in ("_Cluster", "_why_not", "_order_key")):
        return ["(merge internals changed: no diagnosis)"]
    group_of = {aid: g.group_id for g in groups for aid in g.article_ids}
    cluster = mg._Cluster()
    for m in sorted((m for m in a.mentions if m.event_type), key=mg._order_key):
        cluster.add(m, group_of.get(m.article_id), None)
    reasons = []
    for m in b.mentions:
        if m.article_id != article or not m.event_type:
            continue
        try:
            why = mg._why_not(cluster, m, group_of.get(m.article_id), mg.MergeOptions())
        except Exception as err:  # pragma: no cover - internals moved on
            why = f"(diagnosis failed: {err})"
        reasons.append(f"{m.article_id}#{m.sentence_index}: {why or 'would fit now (greedy order)'}")
    return reasons or ["(no typed mention)"]


def impure_events(result: Result, gold: dict) -> list[tuple[Event, dict[str, list[str]]]]:
    """Events citing single-event articles of two or more gold events (wrong merges in any window)."""
    single = {a: keys[0] for a, keys in gold["articles"].items() if len(keys) == 1}
    out = []
    for e in result.events.values():
        if e.background:
            continue
        by_gold = collections.defaultdict(list)
        for a in e.article_ids:
            if a in single:
                by_gold[single[a]].append(a)
        if len(by_gold) > 1:
            out.append((e, dict(by_gold)))
    return out


def print_report(result: Result, gold: dict, out=sys.stdout) -> None:
    p = lambda *x: print(*x, file=out)  # noqa: E731
    n_same = result.tp + result.fn
    p(f"stress set: {len(gold['articles'])} articles, {len(gold['events'])} gold events, "
      f"{len(result.units)} report units, {n_same} same-event pairs; "
      f"{len(result.events)} predicted events in {result.seconds:.1f}s")
    p(f"pairwise precision {result.precision:.3f}  recall {result.recall:.3f}  "
      f"(TP {result.tp}, FP {result.fp}, FN {result.fn}); unplaced units {len(result.unplaced)}")
    involved: set[str] = set()

    p("\n== syndication groups")
    for g in result.groups:
        p(f"  {list(g.article_ids)}")

    p("\n== gold events and the predicted events carrying their reports")
    for key, ge in sorted(gold["events"].items(), key=lambda kv: kv[1]["date"]):
        units = [u for u in result.units if u[1] == key]
        if not units:
            continue
        p(f"  {key}  ({ge['date_min']}..{ge['date_max']}, {'/'.join(ge['admin1'])}, {ge['event_type']})")
        for u in units:
            ids = sorted(result.predicted[u])
            involved.update(ids)
            p(f"    {u[0]} -> {', '.join(i[:8] for i in ids) or 'UNPLACED'}")

    p(f"\n== wrong merges ({len(result.wrong_merges)} pairs)")
    for u1, u2, shared in result.wrong_merges:
        p(f"  {u1[0]}:{u1[1]}  +  {u2[0]}:{u2[1]}  in {', '.join(s[:8] for s in sorted(shared))}")
        involved.update(shared)

    p(f"\n== wrong splits ({len(result.wrong_splits)} pairs)")
    by_event = collections.defaultdict(list)
    for u1, u2 in result.wrong_splits:
        by_event[u1[1]].append((u1, u2))
    for key, pairs in by_event.items():
        p(f"  {key}")
        for u1, u2 in pairs:
            e1, e2 = sorted(result.predicted[u1]), sorted(result.predicted[u2])
            line = (f"    {u1[0]} [{', '.join(i[:8] for i in e1) or 'unplaced'}]  |  "
                    f"{u2[0]} [{', '.join(i[:8] for i in e2) or 'unplaced'}]")
            p(line)
            if e1 and e2:
                for a_id in e1:
                    for b_id in e2:
                        for why in why_apart(result.events[a_id], result.events[b_id], u2[0], result.groups):
                            p(f"        {u2[0]} not in {a_id[:8]}: {why}")

    p(f"\n== unplaced units ({len(result.unplaced)}): where the article's mentions went instead")
    for a, k in result.unplaced:
        ge = gold["events"][k]
        p(f"  {a}:{k}  (gold {ge['date_min']}..{ge['date_max']} {'/'.join(ge['admin1'])})")
        for e in result.events.values():
            if a in e.article_ids:
                p(f"    {_event_line(e)}")
                for line in _mention_lines(e, {a}):
                    p(line)

    impure = impure_events(result, gold)
    p(f"\n== impure events ({len(impure)}): single-event articles of several gold events in one event")
    for e, by_gold in impure:
        p(f"  {e.event_id[:8]}: " + "; ".join(f"{k}: {v}" for k, v in sorted(by_gold.items())))
        involved.add(e.event_id)

    p("\n== predicted events involved, with their mentions and merge_reasons")
    for eid in sorted(involved, key=lambda i: (result.events[i].date.date, i)):
        e = result.events[eid]
        p(f"  {_event_line(e)}")
        for line in _mention_lines(e, set(e.article_ids)):
            p(line)
        for r in e.merge_reasons:
            p(f"      reason: {r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--quiet", action="store_true", help="print the figures only")
    args = ap.parse_args(argv)
    gold = load_gold(Path(args.gold))
    result = run(Path(args.corpus), Path(args.gold))
    if args.quiet:
        print(f"pairwise precision {result.precision:.3f}  recall {result.recall:.3f}  "
              f"(TP {result.tp}, FP {result.fp}, FN {result.fn}; unplaced units {len(result.unplaced)})")
    else:
        print_report(result, gold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
