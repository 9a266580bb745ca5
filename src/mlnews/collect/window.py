"""The issue's window: the days a week's collection covers.

An issue's candidates reach back `lookback_days` from its week's end (the ranker's setting), so
a week's collection is that whole span, not "since the last run": a day the cursor has passed
but whose papers never came (arXiv's index lagged, a run failed, the machine was off) is still
the issue's, and the next ordinary run looks at it again. Dates are UTC days, as arXiv's are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from mlnews.weeks import Week

if TYPE_CHECKING:
    from mlnews.settings import Config


def issue_window(config: Config, week: Week) -> tuple[date, date]:
    """The first and last day of a week's window: the week, and the days its candidates reach back to."""
    from mlnews.rank.pipeline import lookback_days  # the ranker's stack loads only when asked

    end = week.end(config.first_weekday)
    return min(week.start(config.first_weekday), end - timedelta(days=lookback_days(config) - 1)), end


def current_start(config: Config, now: datetime | None = None) -> date:
    """Where the window of the week `now` is in (UTC) begins: what an ordinary run covers from."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    return issue_window(config, Week.containing(today, config.first_weekday))[0]
