"""What follows items arriving in the library (`import`, `collect`, `add`): what the rankers read
of each new or changed item is built at once, so that ranking a week never waits for it."""

from __future__ import annotations

from collections.abc import Callable

from mlnews.library import Library


def arrived(library: Library, report: Callable[[int, int], None] = lambda done, total: None) -> None:
    """Build the ranking features of every item stored or changed since they were last built;
    `report(done, total)` follows the work."""
    from mlnews.rank import features  # numpy: only once items have arrived

    features.update(library, report)
