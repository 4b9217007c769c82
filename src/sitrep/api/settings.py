"""The API's settings, read from the environment in one place."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Mapping

from ..errors import ConfigError
from ..nlp import DEFAULT_MODEL
from ..pipeline import DEFAULT_DB

LOGGER = logging.getLogger(__name__)

__all__ = ["Settings", "DEFAULT_MAX_BODY_BYTES"]

# Largest request body accepted (JSON or upload): 5 MiB, room for a few hundred reports per call.
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """What the operator sets: the database, the ingest token, the body limit.

    Environment variables: SITREP_DB, SITREP_TOKEN (unset or empty: ingest is off),
    SITREP_MAX_BODY_BYTES, SITREP_MODEL.
    """

    db: str = DEFAULT_DB
    token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    model: str = DEFAULT_MODEL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Settings from SITREP_* variables; keyword overrides (from the command line) win."""
        env = os.environ if environ is None else environ
        raw_limit = env.get("SITREP_MAX_BODY_BYTES", "").strip()
        try:
            limit = int(raw_limit) if raw_limit else DEFAULT_MAX_BODY_BYTES
        except ValueError as err:
            raise ConfigError(f"SITREP_MAX_BODY_BYTES={raw_limit!r} is not a whole number of bytes; "
                              f"set it to e.g. {DEFAULT_MAX_BODY_BYTES}") from err
        values: dict[str, object] = {
            "db": env.get("SITREP_DB") or DEFAULT_DB,
            "token": env.get("SITREP_TOKEN") or None,
            "max_body_bytes": limit,
            "model": env.get("SITREP_MODEL") or DEFAULT_MODEL,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.max_body_bytes <= 0:
            raise ConfigError(f"the body limit must be positive, got {settings.max_body_bytes} bytes")
        return settings

    @property
    def ingest_enabled(self) -> bool:
        return bool(self.token)
