"""Issue periods: weeks (`2020-W49`) with the day they start, and months (`2020-11`).

With weeks starting on Sunday (the seeds' convention) a week takes the ISO-8601
number of the Monday that follows its first day, so week 49 of 2020 starts on
Sunday 29 November 2020. With Monday it is the plain ISO week.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from mlnews.errors import UsageError

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def start(self, first_weekday: str = "sunday") -> date:
        monday = date.fromisocalendar(self.year, self.number, 1)
        return monday - timedelta(days=1) if first_weekday == "sunday" else monday

    def end(self, first_weekday: str = "sunday") -> date:
        return self.start(first_weekday) + timedelta(days=6)

    @classmethod
    def containing(cls, day: date, first_weekday: str = "sunday") -> Week:
        if first_weekday == "sunday":
            day = day + timedelta(days=1)  # a Sunday belongs with the Monday after it
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @classmethod
    def this(cls, first_weekday: str = "sunday") -> Week:
        """The week today is in: the default week of every command and page."""
        return cls.containing(date.today(), first_weekday)

    @classmethod
    def parse(cls, text: str) -> Week:
        match = _WEEK.match(text.strip())
        if not match:
            raise UsageError(f"week {text!r}: expected YYYY-Www, e.g. 2020-W49")
        week = cls(int(match.group(1)), int(match.group(2)))
        try:
            date.fromisocalendar(week.year, week.number, 1)
        except ValueError:
            raise UsageError(f"week {text!r}: {week.year} has no week {week.number}") from None
        return week


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month: what a monthly summary covers (the weeks that start in it)."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-{self.number:02d}"

    def start(self) -> date:
        return date(self.year, self.number, 1)

    def end(self) -> date:
        following = date(self.year + self.number // 12, self.number % 12 + 1, 1)
        return following - timedelta(days=1)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise UsageError(f"month {text!r}: expected YYYY-MM, e.g. 2020-11")
        return cls(int(match.group(1)), int(match.group(2)))


Period = Week | Month


def weeks_starting_in(month: Month, periods: Iterable[Period], first_weekday: str) -> list[Week]:
    """The weeks among `periods` whose first day is in the month: what its summary gathers."""
    return sorted(p for p in periods if isinstance(p, Week) and Month.of(p.start(first_weekday)) == month)


def parse_period(text: str) -> Period:
    """`2020-W49` (a weekly issue) or `2020-11` (a monthly summary)."""
    if _MONTH.match(text.strip()):
        return Month.parse(text)
    if _WEEK.match(text.strip()):
        return Week.parse(text)
    raise UsageError(
        f"{text!r}: expected a week (YYYY-Www, e.g. 2020-W49) or a month (YYYY-MM, e.g. 2020-11)"
    )
