"""Dates as the library stores them: ISO 8601 strings in UTC."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def iso(value: datetime | date | time.struct_time | str | None) -> str | None:
    """An ISO 8601 string (UTC, seconds) for a datetime, a date, a struct_time or a
    date string in ISO 8601 or RFC 2822 form; None when the value is unusable."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):
        return datetime.fromtimestamp(calendar.timegm(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return _parse(value.strip())


def _parse(text: str) -> str | None:
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return iso(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return iso(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def now() -> str:
    result = iso(datetime.now(UTC))
    assert result is not None
    return result
