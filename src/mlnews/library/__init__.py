"""The library of items (SQLite). `database` is the only module that touches it."""

from mlnews.library.database import Hit, Library, LibraryError, Outcome

__all__ = ["Hit", "Library", "LibraryError", "Outcome"]
