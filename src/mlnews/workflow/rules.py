"""The curator's `[rules]` changed: a rule included (pinned) or excluded (hidden), removed, the
lowest score shown set. `mlnews rules` and the app's `i`/`e` keys both call these.

Each change reads `mlnews.toml` afresh, writes it whole or not at all (`config_file.set_values`:
the curator's comments stay) and is safe to repeat: a rule already there changes nothing and
says so. A rule included while it is excluded (or the other way round) moves across.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlnews import config, config_file
from mlnews.errors import UsageError
from mlnews.rank.rules import Rule
from mlnews.workspace import Workspace

LISTS = ("include", "exclude")


@dataclass(frozen=True)
class Change:
    changed: bool
    message: str  # one line: what was done, or why nothing was


def add(workspace: Workspace, which: str, text: str) -> Change:
    """Add a rule to `include` or `exclude`; one already there is left as it is."""
    if which not in LISTS:
        raise UsageError(f"rules: expected include or exclude, got {which!r}")
    rule = Rule.parse(text, f"rules {which}")
    current = config.load(workspace.config_path).rules
    mine, other = list(getattr(current, which)), list(getattr(current, _other(which)))
    if any(Rule.parse(r).same(rule) for r in mine):
        return Change(False, f"{which} {rule}: already a rule; nothing changed")
    kept = [r for r in other if not Rule.parse(r).same(rule)]
    _write(workspace, {which: [*mine, rule.written], _other(which): kept})
    moved = f" (no longer {_other(which)}d)" if len(kept) < len(other) else ""
    return Change(True, f"{which} {rule}: added{moved}; {_effect(which)}")


def remove(workspace: Workspace, text: str) -> Change:
    """Take a rule out of whichever list holds it."""
    rule = Rule.parse(text, "rules remove")
    current = config.load(workspace.config_path).rules
    lists = {which: list(getattr(current, which)) for which in LISTS}
    kept = {which: [r for r in rules if not Rule.parse(r).same(rule)] for which, rules in lists.items()}
    if kept == lists:
        known = ", ".join(f"{w} {Rule.parse(r)}" for w in LISTS for r in lists[w]) or "none yet"
        return Change(False, f"{rule}: not a rule; nothing changed (rules: {known})")
    _write(workspace, dict(kept))
    which = next(w for w in LISTS if kept[w] != lists[w])
    return Change(True, f"{which} {rule}: removed")


def set_min_score(workspace: Workspace, value: float) -> Change:
    """Hide the candidates scoring under `value` (0: none)."""
    if not math.isfinite(value):
        raise UsageError(f"rules min-score: expected a number, got {value}")
    if config.load(workspace.config_path).rules.min_score == value:
        return Change(False, f"min_score is {value:g} already; nothing changed")
    _write(workspace, {"min_score": float(value)})
    if not value:
        return Change(True, "min_score: 0; no candidate is hidden for its score")
    return Change(True, f"min_score: {value:g}; candidates scoring under it are hidden (pinned ones never)")


def listing(workspace: Workspace) -> list[str]:
    """The rules, one a line, as `mlnews rules` shows them."""
    current = workspace.config.rules
    lines = [f"{which} {Rule.parse(r)}" for which in LISTS for r in getattr(current, which)]
    if current.min_score:
        lines.append(f"min_score {current.min_score:g}")
    return lines


def _other(which: str) -> str:
    return LISTS[1 - LISTS.index(which)]


def _effect(which: str) -> str:
    if which == "include":
        return "a candidate matching it comes first"
    return "a candidate matching it is hidden"


def _write(workspace: Workspace, values: dict[str, object]) -> None:
    config_file.set_values(workspace.config_path, "rules", values)
    workspace.reread()
