"""How many gold place names of the dev sets the gazetteer resolves, before and after a change.

    python bench/geocode_dev.py                 # the working tree's gazetteer
    python bench/geocode_dev.py --baseline HEAD~1   # ... and the gazetteer of a git revision beside it

Evaluation only: it reads the admin1 / admin2 / location names of ../shared/eval/dev/*/gold.jsonl
(and the seeds) and asks `lookup(name, country=ISO)` for each distinct name. A name counts as
resolved when the place returned carries the gold admin1 (and, for admin2 names, the gold admin2),
compared the way ../shared/eval/score.py compares them (its `norm_place`, with each set's
aliases.json). "foreign" counts answers in another country than the one asked for (must be 0).
Locations are tried whole and, failing that, part by part ("Saudi hospital, El Fasher" -> "El Fasher").
Nothing here feeds back into the gazetteer: no rule may exist for one of these names.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "eval" / "dev"
# The country each dev set is about (the gold has no country column).
SET_COUNTRY = {"sudan": "SD", "drc": "CD", "somalia": "SO", "colombia": "CO", "seeds": "AF"}
NOT_A_PLACE = {"not stated", "not named", ""}


def _scorer():
    spec = importlib.util.spec_from_file_location("_devscore", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _as_list(value) -> list[str]:
    if isinstance(value, list):
        return [v for v in value if v]
    return [value] if value else []


def _parts(location: str) -> list[str]:
    """A location's pieces, most specific first: "Sabreen market, Karari, Omdurman" -> each name."""
    text = re.sub(r"\([^)]*\)", ",", location)
    pieces = re.split(r",|/|\band\b|\bnear\b|\btowards\b", text)
    return [p.strip() for p in pieces if p.strip()]


def _gold_names(path: Path, iso: str) -> list[tuple[str, str, set[str], set[str]]]:
    """(kind, name, gold admin1s, gold admin2s) for every distinct name of one gold file."""
    seen: dict[tuple[str, str], tuple[str, str, set[str], set[str]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            g = json.loads(line)
            admin1s, admin2s = set(_as_list(g.get("admin1"))), set(_as_list(g.get("admin2")))
            if not admin1s:
                continue
            names = [("admin1", a) for a in admin1s] + [("admin2", a) for a in admin2s]
            loc = (g.get("location") or "").strip()
            if loc.lower() not in NOT_A_PLACE:
                names.append(("location", loc))
            for kind, name in names:
                key = (kind, name)
                if key in seen:
                    seen[key][2].update(admin1s)
                    seen[key][3].update(admin2s)
                else:
                    seen[key] = (kind, name, set(admin1s), set(admin2s))
    return list(seen.values())


def _load_baseline(rev: str):
    """The gazetteer module and extra file of a git revision, loaded beside the working tree's."""
    tmp = Path(tempfile.mkdtemp(prefix="sitrep-geocode-"))
    (tmp / "data").mkdir()
    # Every data file of that revision: the module reads several beside places_extra.json.
    listed = subprocess.run(["git", "ls-tree", "--name-only", f"{rev}:src/sitrep/data"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.split()
    files = [("src/sitrep/geocode.py", tmp / "geocode.py")]
    files += [(f"src/sitrep/data/{name}", tmp / "data" / name) for name in listed if name.endswith(".json")]
    for rel, dest in files:
        text = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
        dest.write_text(text, encoding="utf-8")
    import sitrep  # noqa: F401  (the package its relative imports resolve in)

    spec = importlib.util.spec_from_file_location("sitrep._geocode_baseline", tmp / "geocode.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def measure(gaz, scorer, label: str) -> dict:
    started = time.perf_counter()
    gaz.lookup("Kabul")  # build the tables
    build = time.perf_counter() - started
    report: dict = {"label": label, "build_seconds": round(build, 2), "sets": {}}
    for gold in sorted(DEV.glob("*/gold.jsonl")) + [DEV / "seeds.gold.jsonl"]:
        name = gold.parent.name if gold.name == "gold.jsonl" else "seeds"
        iso = SET_COUNTRY.get(name)
        if iso is None or not gold.exists():
            continue
        scorer.PLACE_ALIASES.clear()
        aliases = gold.parent / "aliases.json"
        if name != "seeds" and aliases.exists():
            scorer.load_aliases(str(aliases))
        norm = scorer.norm_place
        counts: dict[str, list[int]] = {}
        misses: list[str] = []
        foreign = 0
        for kind, text, admin1s, admin2s in _gold_names(gold, iso):
            want1 = {norm(a) for a in admin1s}
            want2 = {norm(a) for a in admin2s}
            tries = [text] + (_parts(text) if kind == "location" else [])
            ok = False
            for t in dict.fromkeys(tries):
                place = gaz.lookup(t, country=iso)
                if place is None:
                    continue
                if place.iso != iso:
                    foreign += 1
                ok = norm(place.admin1) in want1 and (kind != "admin2" or norm(place.admin2) in want2)
                break
            c = counts.setdefault(kind, [0, 0])
            c[0] += ok
            c[1] += 1
            if not ok:
                got = gaz.lookup(text, country=iso)
                misses.append(f"{kind}: {text!r} -> {got.admin1 if got else None}/{got.admin2 if got else None}"
                              f" (gold {sorted(admin1s)}/{sorted(admin2s)})")
        report["sets"][name] = {"resolved": {k: f"{v[0]}/{v[1]}" for k, v in counts.items()},
                                "foreign": foreign, "misses": misses}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision whose gazetteer to measure beside this one")
    parser.add_argument("--misses", action="store_true", help="list the names not resolved")
    args = parser.parse_args(argv)
    if not DEV.exists():
        print(f"no dev sets at {DEV}", file=sys.stderr)
        return 1
    scorer = _scorer()
    runs = []
    if args.baseline:
        # The baseline keeps its built tables apart: a cache write drops every other cached build.
        saved = os.environ.get("SITREP_CACHE_DIR")
        os.environ["SITREP_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "sitrep-geocode-baseline-cache")
        try:
            runs.append(measure(_load_baseline(args.baseline).LocalisGazetteer(), scorer, args.baseline))
        finally:
            if saved is None:
                os.environ.pop("SITREP_CACHE_DIR", None)
            else:
                os.environ["SITREP_CACHE_DIR"] = saved
    from sitrep.geocode import LocalisGazetteer

    runs.append(measure(LocalisGazetteer(), scorer, "working tree"))
    for run in runs:
        total = [0, 0]
        print(f"== {run['label']} (build {run['build_seconds']} s)")
        for name, res in run["sets"].items():
            cells = "  ".join(f"{k} {v}" for k, v in res["resolved"].items())
            print(f"  {name:9s} {cells}  foreign {res['foreign']}")
            for v in res["resolved"].values():
                a, b = map(int, v.split("/"))
                total[0] += a
                total[1] += b
            if args.misses:
                for m in res["misses"]:
                    print(f"      miss {m}")
        print(f"  all       {total[0]}/{total[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
