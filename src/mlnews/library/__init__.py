"""The library of items (SQLite). `database` is the only module that touches it."""

from mlnews.library.database import Hit, Library, Outcome
from mlnews.library.rows import LibraryError, Prepared, prepare

__all__ = ["Hit", "Library", "LibraryError", "Outcome", "Prepared", "prepare"]
