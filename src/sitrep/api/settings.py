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

__all__ = ["Settings", "DEFAULT_MAX_BODY_BYTES", "LOOPBACK_HOSTS", "is_loopback"]

# Largest request body accepted (JSON or upload): 5 MiB, room for a few hundred reports per call.
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
# The Host names served by default: loopback only, so that a web page whose name an attacker
# points at 127.0.0.1 (DNS rebinding) is refused. "testserver" is the name Starlette's test
# client sends; a single label, it is no name a public DNS resolves.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "testserver")


def is_loopback(host: str) -> bool:
    """Whether an address or name to listen on is this machine only."""
    host = host.strip("[]").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


@dataclass(frozen=True, slots=True)
class Settings:
    """What the operator sets: the database, the token, the body limit, who may connect.

    Environment variables: SITREP_DB, SITREP_TOKEN (unset or empty: ingest, retractions and
    corrections are off), SITREP_MAX_BODY_BYTES, SITREP_MODEL, SITREP_ALLOWED_HOSTS (Host names
    served, separated by commas; default loopback names; "*" any), SITREP_PRIVATE (1: reads need
    the token too).
    """

    db: str = DEFAULT_DB
    token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    model: str = DEFAULT_MODEL
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    private: bool = False  # reads need the bearer token as well

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
            "private": env.get("SITREP_PRIVATE", "").strip().lower() in ("1", "true", "yes"),
        }
        hosts = tuple(h.strip().lower() for h in env.get("SITREP_ALLOWED_HOSTS", "").split(",") if h.strip())
        if hosts:
            values["allowed_hosts"] = hosts
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.max_body_bytes <= 0:
            raise ConfigError(f"the body limit must be positive, got {settings.max_body_bytes} bytes")
        if settings.private and not settings.token:
            raise ConfigError("SITREP_PRIVATE makes reads need the token, but no SITREP_TOKEN is set; set one")
        return settings

    @property
    def ingest_enabled(self) -> bool:
        return bool(self.token)
