"""What follows items arriving in the library (`import`, `collect`, `add`): what the rankers read
of each new or changed item is built at once, so that ranking a week never waits for it."""

from __future__ import annotations

from collections.abc import Callable

from mlnews.library import Library
from mlnews.settings import Config

Report = Callable[[int, int], None]


def arrived(
    library: Library,
    config: Config | None = None,
    report: Report = lambda done, total: None,
    embedded: Report = lambda done, total: None,
) -> None:
    """Build the ranking features of every item stored or changed since they were last built, and
    its embedding when `[ranker.taste] embedder` names an embedder; `report(done, total)` and
    `embedded(done, total)` follow the work."""
    from mlnews.rank import dense, features  # numpy: only once items have arrived

    features.update(library, report)
    if config is not None:
        dense.update(library, config, embedded)
