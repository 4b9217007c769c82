"""The HTTP API (FastAPI) over the event ledger: `create_app(Settings.from_env())`, or `sitrep serve`."""
from __future__ import annotations

from .app import create_app
from .settings import Settings

__all__ = ["create_app", "Settings"]
