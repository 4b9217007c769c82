"""sitrep's benchmarks, reported as ratios measured in one run (not tests: nothing is asserted).

    python bench/run.py                  # the default run (about 10 minutes on 2 cores)
    python bench/run.py --full           # also measures 100k articles instead of estimating them
    python bench/run.py --quick          # smaller sizes, for trying the harness out

Figures (written to bench/results.json, summarised on stdout):

- throughput: end-to-end articles/s of the pipeline (clean, dedupe, dates, first pass, parse,
  extract, merge, SQLite store; articles given in memory) against the raw `nlp.pipe` of the same
  spaCy pipeline on the same texts, the ceiling; on conflict reports and on a mixed news day, on
  one process and on two (the Dask engine with 2 workers against `nlp.pipe(n_process=2)`).
- growth: time and peak memory (ru_maxrss of a fresh process) at 1k and 10k articles of mixed
  news, with 100k measured (--full) or extrapolated from a power-law fit of the two points.
- dedupe: near-duplicate detection time and memory at several sizes, extrapolated to 1M articles.
- dask: the speed-up of 2 workers over 1 on the same conflict reports.
- first pass: its recall on the seeds, the example corpus and the CASE 2021 dev snippets (ACLED types),
  and the share of a mixed news day it sends to the full parse.

Every measurement of a size runs in a fresh subprocess, so memory figures do not carry over.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(HERE))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- points, each run in its own process ---------------------------------------------------

def point_e2e(mode: str, n: int, prefilter: bool = True) -> dict:
    """End-to-end time of n in-memory articles through process_articles and the store."""
    from corpus import generate

    from sitrep.pipeline import Options, process_articles
    from sitrep.store import Store

    articles = generate(n, mode=mode)
    options = Options(prefilter=prefilter)
    process_articles(generate(3, mode=mode, seed=99), options=options)  # load the model and lexicons
    base = _rss_mb()
    t0 = time.perf_counter()
    events, groups, cleaned = process_articles(articles, options=options)
    with tempfile.TemporaryDirectory() as tmp, Store(str(Path(tmp) / "bench.db")) as store:
        group_of = {aid: g.group_id for g in groups for aid in g.article_ids}
        store.save_articles((c.article, c.text, group_of.get(c.id)) for c in cleaned)
        store.save_events(events, articles=[c.id for c in cleaned])
    seconds = time.perf_counter() - t0
    words = sum(len(a.text.split()) for a in articles)
    return {"mode": mode, "n": n, "seconds": seconds, "articles_per_s": n / seconds, "words_per_article": words / n,
            "events": len(events), "groups": len(groups), "peak_rss_mb": _rss_mb(), "rss_before_mb": base}


def point_raw(mode: str, n: int, n_process: int = 1) -> dict:
    """The ceiling: nlp.pipe of the same pipeline over the same texts."""
    from corpus import generate

    from sitrep.nlp import load_pipeline

    articles = generate(n, mode=mode)
    nlp = load_pipeline()
    list(nlp.pipe(["Warm-up text."] * 4))
    t0 = time.perf_counter()
    for _ in nlp.pipe((a.text for a in articles), batch_size=32, n_process=n_process):
        pass
    seconds = time.perf_counter() - t0
    return {"mode": mode, "n": n, "n_process": n_process, "seconds": seconds, "articles_per_s": n / seconds}


def point_dask(mode: str, n: int, workers: int) -> dict:
    """End-to-end on the Dask engine (LocalCluster on 127.0.0.1), cluster start included separately."""
    from corpus import generate

    from sitrep.distributed import process_articles_dask
    from sitrep.pipeline import Options

    articles = generate(n, mode=mode)
    t0 = time.perf_counter()
    # A warm cluster would serve many runs; the first small call loads the model on the workers.
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        process_articles_dask(generate(2 * workers, mode=mode, seed=99), options=Options(),
                              scheduler=client.scheduler.address, partition_size=1)
        startup = time.perf_counter() - t0
        t1 = time.perf_counter()
        events, _, _ = process_articles_dask(articles, options=Options(), scheduler=client.scheduler.address)
        seconds = time.perf_counter() - t1
    return {"mode": mode, "n": n, "workers": workers, "seconds": seconds, "startup_seconds": startup,
            "articles_per_s": n / seconds, "events": len(events)}


def point_dedupe(n: int) -> dict:
    """Near-duplicate detection alone: time and memory growth of find_syndication over n articles."""
    from corpus import generate

    from sitrep.clean import clean_article
    from sitrep.dedupe import find_syndication

    cleaned = [clean_article(a) for a in generate(n, mode="mixed")]
    import tracemalloc

    find_syndication(cleaned[:20])
    t0 = time.perf_counter()
    groups = find_syndication(cleaned)
    seconds = time.perf_counter() - t0
    tracemalloc.start()  # a second, traced call for memory (tracing slows it down)
    find_syndication(cleaned)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"n": n, "seconds": seconds, "peak_traced_mb": peak / 2 ** 20, "groups": len(groups),
            "grouped_share": sum(len(g.article_ids) for g in groups) / n}


def point_recall() -> dict:
    """Recall of the first pass: articles with events it lets through, on the eval data."""
    from corpus import generate

    from sitrep.ingest import read_articles
    from sitrep.nlp import DEFAULT_MODEL
    from sitrep.pipeline import Options, process_articles
    from sitrep.prefilter import LOSSLESS, load_prefilter
    from sitrep.extract.triggers import event_types

    pf = load_prefilter(DEFAULT_MODEL)
    out: dict = {}
    sets = {"examples": [ROOT / "examples" / "corpus"], "seeds": [SHARED / "corpus" / "seeds"]}
    for name, paths in sets.items():
        if not all(p.exists() for p in paths):
            continue
        articles = list(read_articles(paths))
        off, _, _ = process_articles(articles, options=Options(prefilter=False))
        on, _, _ = process_articles(articles, options=Options(prefilter=True))
        with_events = {m.article_id for e in off for m in e.mentions if e.event_type}
        passed = {a.id for a in articles if pf.is_candidate(a.text)}
        out[name] = {"articles": len(articles), "articles_with_events": len(with_events),
                     "recall": len(with_events & passed) / max(1, len(with_events)),
                     "same_ledger": on == off}
    case = SHARED / "eval" / "case2021" / "dev.tsv"
    if case.exists():
        acled = set(event_types())
        rows = [r for r in csv.DictReader(case.open(encoding="utf-8"), delimiter="\t") if r["SubType"] in acled]
        hits = sum(pf.is_candidate(r["EventSnippet"]) for r in rows)
        out["case2021_dev_acled_snippets"] = {"snippets": len(rows), "recall": hits / max(1, len(rows))}
    mixed = generate(2000, mode="mixed")
    out["mixed_news_sent_to_parse"] = sum(pf.is_candidate(a.text) for a in mixed) / len(mixed)
    out["mixed_news_lossless_pass"] = sum(pf.is_candidate(a.text, mode=LOSSLESS) for a in mixed) / len(mixed)
    return out


POINTS = {"e2e": point_e2e, "raw": point_raw, "dask": point_dask, "dedupe": point_dedupe, "recall": point_recall}


def _measure(kind: str, *args) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--point", kind, *map(str, args)]
    print(f"  measuring {kind} {' '.join(map(str, args))} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"benchmark point {kind} {args} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _power_fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """y = a * n**b through the first and last point (log-log)."""
    (n1, y1), (n2, y2) = points[0], points[-1]
    b = math.log(y2 / y1) / math.log(n2 / n1) if y1 > 0 and y2 > 0 and n2 != n1 else 1.0
    return y1 / n1 ** b, b


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="sitrep benchmarks (ratios measured in one run)")
    ap.add_argument("--full", action="store_true", help="measure 100k articles instead of estimating")
    ap.add_argument("--quick", action="store_true", help="small sizes: try the harness out")
    ap.add_argument("-o", "--out", default=str(HERE / "results.json"))
    ap.add_argument("--point", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.point:
        kind, *rest = args.point
        values = [int(v) if v.isdigit() else (v == "True" if v in ("True", "False") else v) for v in rest]
        print(json.dumps(POINTS[kind](*values)))
        return 0

    q = args.quick
    n_tp = 100 if q else 300  # articles for the throughput ratios
    sizes = (200, 1000) if q else (1000, 10000)
    dd_sizes = (500, 1000) if q else (1000, 3000)
    started = time.perf_counter()
    r: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}

    print("throughput (conflict reports)", file=sys.stderr)
    raw1 = _measure("raw", "conflict", n_tp, 1)
    raw2 = _measure("raw", "conflict", n_tp, 2)
    e2e = _measure("e2e", "conflict", n_tp)
    dask1 = _measure("dask", "conflict", n_tp, 1)
    dask2 = _measure("dask", "conflict", n_tp, 2)
    r["conflict"] = {"raw_1proc": raw1, "raw_2proc": raw2, "e2e_local": e2e, "e2e_dask_1": dask1,
                     "e2e_dask_2": dask2,
                     "ratio_local_vs_raw_1proc": e2e["articles_per_s"] / raw1["articles_per_s"],
                     "ratio_dask2_vs_raw_2proc": dask2["articles_per_s"] / raw2["articles_per_s"],
                     "dask_speedup_2_over_1": dask2["articles_per_s"] / dask1["articles_per_s"]}

    print("mixed news: growth and throughput", file=sys.stderr)
    growth = [_measure("e2e", "mixed", n) for n in sizes]
    raw_mixed = _measure("raw", "mixed", n_tp, 1)
    a_t, b_t = _power_fit([(g["n"], g["seconds"]) for g in growth])
    a_m, b_m = _power_fit([(g["n"], g["peak_rss_mb"] - g["rss_before_mb"] + 1) for g in growth])
    big = _measure("e2e", "mixed", 100_000) if args.full else None
    r["mixed"] = {"growth": growth, "raw_1proc": raw_mixed,
                  "ratio_local_vs_raw_1proc": growth[-1]["articles_per_s"] / raw_mixed["articles_per_s"],
                  "time_exponent": b_t, "memory_exponent": b_m,
                  "estimate_100k": {"seconds": a_t * 100_000 ** b_t,
                                    "memory_growth_mb": a_m * 100_000 ** b_m} if not big else None,
                  "measured_100k": big}

    print("near-duplicate detection", file=sys.stderr)
    dd = [_measure("dedupe", n) for n in dd_sizes]
    a_d, b_d = _power_fit([(d["n"], d["seconds"]) for d in dd])
    a_dm, b_dm = _power_fit([(d["n"], d["peak_traced_mb"]) for d in dd])
    r["dedupe"] = {"points": dd, "time_exponent": b_d, "memory_exponent": b_dm,
                   "per_million": {"seconds": a_d * 1e6 ** b_d, "memory_mb": a_dm * 1e6 ** b_dm}}

    print("first pass recall", file=sys.stderr)
    r["first_pass"] = _measure("recall")
    r["wall_seconds"] = time.perf_counter() - started
    from results import update  # bench/results.py: other benchmarks' sections are kept

    update({k: v for k, v in r.items() if k != "machine"}, args.out)
    _table(r)
    return 0


def _table(r: dict) -> None:
    c, m, d, f = r["conflict"], r["mixed"], r["dedupe"], r["first_pass"]
    rows = [
        ("conflict: raw nlp.pipe, 1 / 2 processes (art/s)",
         f"{c['raw_1proc']['articles_per_s']:.1f} / {c['raw_2proc']['articles_per_s']:.1f}"),
        ("conflict: end-to-end local, 1 process (art/s)", f"{c['e2e_local']['articles_per_s']:.1f}"),
        ("conflict: end-to-end / raw, 1 process", f"{c['ratio_local_vs_raw_1proc']:.2f}"),
        ("conflict: end-to-end Dask 2 workers / raw 2 processes", f"{c['ratio_dask2_vs_raw_2proc']:.2f}"),
        ("Dask: 2 workers over 1 (speed-up)", f"{c['dask_speedup_2_over_1']:.2f}x"),
        ("mixed: end-to-end local at 1k / 10k (art/s)",
         " / ".join(f"{g['articles_per_s']:.1f}" for g in m["growth"])),
        ("mixed: end-to-end / raw, 1 process", f"{m['ratio_local_vs_raw_1proc']:.2f}"),
        ("mixed: time, memory growth exponents", f"{m['time_exponent']:.2f}, {m['memory_exponent']:.2f}"),
        ("mixed: peak RSS at each size (MB)", " / ".join(f"{g['peak_rss_mb']:.0f}" for g in m["growth"])),
    ]
    if m["estimate_100k"]:
        rows.append(("mixed: 100k estimated (s, MB growth)",
                     f"{m['estimate_100k']['seconds']:.0f}, {m['estimate_100k']['memory_growth_mb']:.0f}"))
    rows += [
        ("dedupe: per million articles (s, MB; extrapolated)",
         f"{d['per_million']['seconds']:.0f}, {d['per_million']['memory_mb']:.0f}"),
        ("dedupe: time exponent", f"{d['time_exponent']:.2f}"),
        ("first pass: share of mixed news parsed", f"{f['mixed_news_sent_to_parse']:.2f}"),
        ("first pass: share a lossless lexicon test would parse", f"{f['mixed_news_lossless_pass']:.2f}"),
    ]
    for name in ("examples", "seeds"):
        if name in f:
            rows.append((f"first pass: recall on {name} (same ledger)",
                         f"{f[name]['recall']:.2f} ({f[name]['same_ledger']})"))
    if "case2021_dev_acled_snippets" in f:
        rows.append(("first pass: recall on CASE dev ACLED snippets", f"{f['case2021_dev_acled_snippets']['recall']:.2f}"))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    print(f"(wall time {r['wall_seconds']:.0f} s; figures in bench/results.json)")


if __name__ == "__main__":
    raise SystemExit(main())
