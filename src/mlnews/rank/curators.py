"""Replaying a curator's weekly picks against a library: how each ranker would have done.

A curator file is JSON: `{"NAME": {"weeks": {"2025-W49": {"picks": ["2512.01234", ...],
"from": "2025-12-01", "to": "2025-12-07"}, ...}}, ...}` (keys starting with `_` are notes); the
project's real-data benchmark replays Hugging Face Daily Papers' picks in that format.
The library holds the pool the picks were chosen from (`mlnews import` of the listings).

Weeks are replayed in order: a week is ranked by what the curator picked in the weeks before it
(those weeks' other candidates are soft noes, as for a curator who saw them and passed), never
by its own picks; nothing is tuned on the week reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlnews import identity, lazy
from mlnews.errors import UsageError
from mlnews.library import Library
from mlnews.rank import evaluate, labels
from mlnews.settings import Config
from mlnews.weeks import Week

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")

LEVEL = 0.90  # the intervals' coverage: weeks are few, and a 90% interval says so honestly


@dataclass
class Curator:
    name: str
    picks: dict[Week, list[str]]  # the ids each week picked, as the file gives them
    first_weekday: str  # "monday" when the file's weeks start on Mondays (ISO weeks)


def read(path: Path) -> list[Curator]:
    """Every curator of the file; a one-line UsageError naming the file and what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise UsageError(f"{path}: not JSON: {error}") from None
    if not isinstance(data, dict):
        raise UsageError(f'{path}: expected an object of curators, {{"NAME": {{"weeks": {{...}}}}}}')
    curators = [_curator(path, name, value) for name, value in data.items() if not name.startswith("_")]
    if not curators:
        raise UsageError(f"{path}: no curator in the file")
    return curators


def _curator(path: Path, name: str, value: Any) -> Curator:
    weeks = value.get("weeks") if isinstance(value, dict) else None
    if not isinstance(weeks, dict) or not weeks:
        raise UsageError(f"{path}: {name}: expected a 'weeks' object of WEEK: {{'picks': [...]}}")
    picks: dict[Week, list[str]] = {}
    mondays = []
    for week_name, week in weeks.items():
        try:
            parsed = Week.parse(week_name)
        except Exception:
            raise UsageError(f"{path}: {name}: {week_name!r}: expected a week, YYYY-Www") from None
        chosen = week.get("picks") if isinstance(week, dict) else None
        if not isinstance(chosen, list) or not all(isinstance(p, str) for p in chosen):
            raise UsageError(f"{path}: {name}.weeks.{week_name}: expected 'picks', a list of ids")
        picks[parsed] = chosen
        if isinstance(week.get("from"), str):
            try:
                mondays.append(date.fromisoformat(week["from"]).weekday() == 0)
            except ValueError:
                raise UsageError(f"{path}: {name}.weeks.{week_name}.from: expected a date") from None
    return Curator(name, picks, "monday" if mondays and all(mondays) else "sunday")


def replay(library: Library, config: Config, curator: Curator) -> evaluate.Report:
    """Each week with earlier picks, ranked by every method; the means and 90% intervals."""
    ranker, lookback, whole, row_of = evaluate.replayable(library, config)
    found = {week: _item_ids(library, ids) for week, ids in curator.picks.items()}
    # The library's listings reach this day: a week ending later would be ranked on a fraction.
    last = max((d.date for d in library.ranking.dated()), default="")
    cases = []
    for week in sorted(found):
        if not found[week] or not any(found[w] for w in found if w < week):
            continue  # nothing to find, or nothing to learn from yet
        if week.end(curator.first_weekday).isoformat() > last[:10]:
            continue
        known = labels.from_picks(
            library, found, before=week, lookback_days=lookback, first_weekday=curator.first_weekday
        )
        calendar = (lookback, curator.first_weekday)
        case = evaluate.case_for(library, row_of, known, found[week], week, calendar, seen_stay=True)
        if case is not None:
            cases.append(case)
    title = f"{curator.name}: replayed week by week"
    return evaluate.run(title, whole, cases, evaluate.methods(ranker, whole.dense is not None), level=LEVEL)


def _item_ids(library: Library, ids: list[str]) -> list[int]:
    """The library's items for a week's picks (those not in the library are left out)."""
    keys = [key for key in (identity.identify(f"arxiv:{i}" if ":" not in i else i) for i in ids) if key]
    found = library.ranking.ids_for_keys(keys)
    return list(dict.fromkeys(found[key] for key in keys if key in found))


def coverage(library: Library, curator: Curator) -> tuple[int, int]:
    """(picks found in the library, picks in the file)."""
    every = [i for ids in curator.picks.values() for i in ids]
    return len(_item_ids(library, every)), len(every)


def ratio(report: evaluate.Report, metric: str, ours: str, theirs: str) -> float:
    """Our method's mean over theirs, for one metric (NaN where theirs is 0)."""
    mine, other = report.results[ours][metric][0], report.results[theirs][metric][0]
    return float(mine / other) if other else float(np.nan)
