"""Triage decisions: shortlist, feature or reject items for a week, and undo the last decision.

One decision is one transaction over every key given (an unknown key changes nothing), checked
the same way whoever makes it: the state is one of the library's, the section one of the
settings', a kept item's week the one named or else this week. The library keeps what each
decision changed, so the last one can be undone from the CLI or the app, after a restart too.
"""

from __future__ import annotations

from collections.abc import Callable

from mlnews.errors import MlnewsError, UsageError
from mlnews.items import STATES, Item
from mlnews.library import Library
from mlnews.settings import Config
from mlnews.weeks import Week

KEPT = ("shortlisted", "featured")  # states that put an item into a week's issue


def decide(
    library: Library,
    config: Config,
    keys: list[str],
    state: str,
    section: str | None = None,
    week: str | None = None,
    retrain: bool = True,
    warn: Callable[[str], None] | None = None,
) -> list[Item]:
    """Set the state of the items `keys` name; a kept item goes to `week` (default: this week)
    and `section` (default: chosen when the issue is composed). With `retrain`, the stored ranking
    model learns the decision before this returns (the app retrains in the background instead);
    a retrain that fails does not undo the decision: `warn` is told (else the error is raised)."""
    if state not in STATES:
        raise UsageError(f"unknown state {state!r}; states are: {', '.join(STATES)}")
    if not keys:
        raise UsageError("no items named: give at least one key, arXiv id, DOI or URL")
    if section is not None:
        config.section(section)  # an unknown section is an error before anything changes
    if state in KEPT:
        chosen = Week.parse(week) if week else Week.this(config.first_weekday)
        decided = library.triage(keys, state, section, str(chosen))
    else:
        decided = library.triage(keys, state)
    if retrain:
        learn(library, config, warn)
    return decided


def undo(
    library: Library, config: Config, retrain: bool = True, warn: Callable[[str], None] | None = None
) -> list[Item]:
    """The last decision undone (its items as they were before it); an error if there is none."""
    undone = library.undo()
    if not undone:
        raise UsageError("nothing to undo: no triage decision is left to undo")
    if retrain:
        learn(library, config, warn)
    return undone


def learn(library: Library, config: Config, warn: Callable[[str], None] | None = None) -> None:
    """The stored ranking model in step with the decisions (a quick retrain). The decision is
    stored already: a failure here (a bad `[ranker]` setting, say) is said, not raised, if `warn`."""
    from mlnews.rank import pipeline  # numpy and the rankers: only once a decision is made

    try:
        pipeline.after_decision(library, config)
    except MlnewsError as error:
        if warn is None:
            raise
        warn(f"the decision is stored, but the ranker was not retrained: {error}")
