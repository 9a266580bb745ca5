"""The library of items (SQLite). Only this package runs SQL: `database` (Library) is
what everything else asks; it opens the file with `connection` and writes with `writer`."""

from mlnews.library.database import Hit, Library, Outcome
from mlnews.library.rows import LibraryError, Prepared, prepare

__all__ = ["Hit", "Library", "LibraryError", "Outcome", "Prepared", "prepare"]
