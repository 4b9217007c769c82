"""sitrep: raw conflict news in, a verified, sourced event ledger out."""
from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
# The distribution's name on PyPI ("sitrep" there is an unrelated package); the import package
# and the command are `sitrep`.
DISTRIBUTION = "sitrep-ledger"
__all__ = ["__version__", "DISTRIBUTION", "install_hint"]


def install_hint(extra: str) -> str:
    """The command that installs one of sitrep's extras ("dask", "postgres"), from PyPI or a checkout."""
    return f"pip install '{DISTRIBUTION}[{extra}]' (in a checkout: pip install -e '.[{extra}]')"
