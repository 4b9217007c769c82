"""sitrep's errors, one small hierarchy.

    SitrepError
    ├── InputError            a file or record that cannot be read (names the file and line)
    │   └── FormatError       readable, but not in a format sitrep knows
    ├── ConfigError           a bad option, path or setting
    ├── ModelError            the spaCy pipeline or a lexicon cannot be loaded
    └── StoreError            the database cannot be opened, migrated or written
"""
from __future__ import annotations

__all__ = ["SitrepError", "InputError", "FormatError", "ConfigError", "ModelError", "StoreError"]


class SitrepError(Exception):
    """Base of every error sitrep raises on purpose."""


class InputError(SitrepError):
    """An input file or record cannot be read."""

    def __init__(self, source: str, problem: str, *, line: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class FormatError(InputError):
    """The input is readable but is not in a format sitrep knows."""


class ConfigError(SitrepError):
    """A bad option, path or setting."""


class ModelError(SitrepError):
    """The NLP pipeline or a lexicon cannot be loaded."""


class StoreError(SitrepError):
    """The database cannot be opened, migrated or written."""
