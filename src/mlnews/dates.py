"""Dates as the library stores them: ISO 8601 strings in UTC."""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, date, datetime

# Earlier years are placeholders ("0001-01-01" is Hugo's zero date), not dates.
_FIRST_YEAR = 1900
_YEAR_OR_MONTH = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


def iso(value: datetime | date | time.struct_time | str | None) -> str | None:
    """An ISO 8601 string (UTC, seconds) for a datetime, a date, a struct_time or a
    date string in ISO 8601 or RFC 2822 form; None when the value is unusable."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):
        try:
            value = datetime.fromtimestamp(calendar.timegm(value), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if value.year < _FIRST_YEAR:
            return None
        return value.isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat() if value.year >= _FIRST_YEAR else None
    return _parse(value.strip())


def _parse(text: str) -> str | None:
    if _YEAR_OR_MONTH.match(text):  # a BibTeX year, or year and month: as precise as the source
        return text if int(text[:4]) >= _FIRST_YEAR else None
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return iso(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # RFC 822 dates, of feeds: 6 ms to import

    try:
        return iso(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def now() -> str:
    result = iso(datetime.now(UTC))
    assert result is not None
    return result
