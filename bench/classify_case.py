"""Label the CASE 2021 dev snippets with classify_texts and score them with the shared scorer.

    python bench/classify_case.py [--gold PATH] [--out PATH] [--errors]

The CASE file is an evaluation set: nothing here trains on it.
"""
from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import time
from pathlib import Path

from sitrep.extract.triggers import classify_texts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEFAULT_GOLD = SHARED / "case2021" / "dev.tsv"
SCORER = SHARED / "score_case.py"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(DEFAULT_GOLD))
    ap.add_argument("--out", default="/tmp/case_pred.tsv")
    ap.add_argument("--errors", action="store_true", help="print the snippets labelled wrong")
    args = ap.parse_args(argv)
    csv.field_size_limit(10**8)
    with open(args.gold, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r][1:]
    t0 = time.perf_counter()
    labels = classify_texts([r[1] for r in rows])
    took = time.perf_counter() - t0
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        fh.write("id\tSubType\n")
        for r, lab in zip(rows, labels):
            fh.write(f"{r[0]}\t{lab}\n")
    print(f"labelled {len(rows)} snippets in {took:.1f}s")
    if args.errors:
        for r, lab in zip(rows, labels):
            if lab != r[2].strip():
                print(f"{r[2].strip():30s} <- {lab:30s} | {r[1][:220]}")
    return subprocess.call([sys.executable, str(SCORER), "--gold", args.gold, "--pred", args.out, "--verbose"])


if __name__ == "__main__":
    sys.exit(main())
