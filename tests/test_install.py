"""One install gives the analyst's kit: the API is a base dependency, and every install hint names
the distribution sitrep is published as (``sitrep`` on PyPI is an unrelated package)."""
from __future__ import annotations

import re
import tomllib


from conftest import REPO
import sitrep

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_distribution_is_not_pypis_unrelated_sitrep():
    project = PYPROJECT["project"]
    assert project["name"] == sitrep.DISTRIBUTION == "sitrep-ledger"
    assert project["scripts"] == {"sitrep": "sitrep.cli:main"}


def test_serve_and_the_exports_need_no_extra():
    base = _names(PYPROJECT["project"]["dependencies"])
    assert {"fastapi", "uvicorn", "python-multipart", "fastapi-offline", "click", "rich"} <= base
    assert set(PYPROJECT["project"]["optional-dependencies"]) == {"dask", "postgres", "test"}


def test_every_install_hint_names_the_distribution():
    texts = {path: path.read_text(encoding="utf-8")
             for path in [REPO / "README.md", *(REPO / "src" / "sitrep").rglob("*.py")]}
    for path, text in texts.items():
        # `pip install sitrep` or 'sitrep[extra]' would install PyPI's unrelated package
        assert not re.search(r"pip install\s+['\"]?sitrep(\[|['\"\s]|$)", text, re.M), path
        assert not re.search(r"['\"]sitrep\[\w+\]", text), path
    assert sitrep.install_hint("dask") == "pip install 'sitrep-ledger[dask]' (in a checkout: pip install -e '.[dask]')"



def test_the_dask_engine_without_its_extra_names_the_install_command(monkeypatch):
    import sys

    import pytest

    from sitrep.distributed import _client
    from sitrep.errors import ConfigError

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    with pytest.raises(ConfigError, match=r"pip install 'sitrep-ledger\[dask\]'"):
        with _client(None, 1):
            pass
