"""Issue weeks: `2020-W49` and the day it starts.

With weeks starting on Sunday (the seeds' convention) a week takes the ISO-8601
number of the Monday that follows its first day, so week 49 of 2020 starts on
Sunday 29 November 2020. With Monday it is the plain ISO week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from mlnews.errors import UsageError

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


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
