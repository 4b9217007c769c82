"""The CASE 2021 gate: `sitrep classify` on the shared dev snippets, scored by score_case.py, above a pinned floor."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import SHARED
from sitrep.cli import cli

pytestmark = [pytest.mark.model, pytest.mark.shared,
              pytest.mark.skipif(not (SHARED / "eval" / "score_case.py").exists(), reason="../shared is not present")]

# Floors only go up.
WEIGHTED_F1_FLOOR = 0.90


def test_case_weighted_f1_above_floor(tmp_path):
    out = tmp_path / "pred.tsv"
    gold = SHARED / "eval" / "case2021" / "dev.tsv"
    result = CliRunner().invoke(cli, ["classify", str(gold), "-o", str(out)])
    assert result.exit_code == 0, result.output
    proc = subprocess.run([sys.executable, str(SHARED / "eval" / "score_case.py"), "--gold", str(gold),
                           "--pred", str(out)], capture_output=True, text=True, check=True)
    print(proc.stdout)
    line = next(line for line in proc.stdout.splitlines() if line.startswith("score:"))
    f1 = float(line.split("weighted_f1=")[1])
    assert f1 >= WEIGHTED_F1_FLOOR
