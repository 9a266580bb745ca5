"""What a collect run says about itself: a shortfall against what the source lists, and why a
source brought nothing new.

A run that quietly finds nothing is the complaint users of every comparable tool raise most:
a fixed window, a weekend, an index that lags, a setting that matches nothing. Each source's
report is read here into at most a line or two a curator can act on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mlnews.collect.runner import SourceReport
from mlnews.settings import Source
from mlnews.sources.base import Gap

# arXiv announces new submissions Sunday to Thursday at 20:00 in New York; none on Friday or
# Saturday evenings, nor on its holidays (https://info.arxiv.org/help/availability.html).
_NEW_YORK = ZoneInfo("America/New_York")
_ANNOUNCEMENT_HOUR = 20
_ANNOUNCING_DAYS = (6, 0, 1, 2, 3)  # Sunday .. Thursday, as datetime.weekday() counts
_LONG_WINDOW = timedelta(days=8)  # longer than this and still nothing: the query is the suspect


def notes(report: SourceReport, source: Source, now: datetime) -> list[str]:
    """Lines to print after the run's table for this source (none when all is as expected)."""
    if not report.ok:
        return []  # its error is printed already
    found: list[str] = []
    if report.gap and report.gap.missing:
        found.append(_refetched(report.gap))
    if report.listed is not None and report.fetched + report.held < report.listed:
        found.append(_shortfall(report, source))
    if report.added == 0:
        found.append(f"nothing new: {_why_nothing(report, source, now)}")
    return found


def _refetched(gap: Gap) -> str:
    return (
        f"{gap.first}..{gap.last}: arXiv lists {gap.listed:,}, the library held {gap.held:,}:"
        " fetched the missing part"
    )


def _shortfall(report: SourceReport, source: Source) -> str:
    came = f"{report.fetched:,} came" + (f", {report.held:,} were held already" if report.held else "")
    said = f"the source lists {report.listed:,} ({report.window or 'for this run'}), {came}"
    if source.type == "arxiv" and report.fetched >= int(source.option("max_results", 2000)):
        return f"{said}: max_results stopped the run; the next run goes on from there"
    return f"{said}: the rest may come on the next run (arXiv's index can lag its own count)"


def _why_nothing(report: SourceReport, source: Source, now: datetime) -> str:
    if report.not_modified:
        return "the feed has not changed since the last run (HTTP 304)"
    if report.fetched and report.skipped == report.fetched:
        first = report.problems[0] if report.problems else "unreadable"
        return f"all {report.fetched:,} records it sent were skipped ({first})"
    if report.fetched:
        newest = f", the newest from {report.newest[:10]}" if report.newest else ""
        return f"all {report.fetched:,} it sent are in the library already{newest}"
    if source.type == "arxiv":
        return _arxiv_empty(report, source, now)
    if source.type == "feed":
        return "the feed lists no posts"
    return f"the source lists nothing {report.window or 'new'}"


def _arxiv_empty(report: SourceReport, source: Source, now: datetime) -> str:
    asked = f"arXiv lists nothing {report.window}" if report.window else "arXiv lists nothing new"
    if report.gap and report.held:  # the window's older part is whole in the library
        gap = report.gap
        asked = f"arXiv lists nothing newer ({gap.first}..{gap.last}: the library holds all {gap.held:,})"
    start = report.start.replace(tzinfo=UTC) if report.start and not report.start.tzinfo else report.start
    if start is not None and now - start > _LONG_WINDOW and not report.listed:
        wanted = ", ".join(source.option("categories", ())) or "no categories"
        query = source.option("query")
        return (
            f"{asked} for {wanted}{f' and {query!r}' if query else ''}: check [sources.{source.name}]"
            " categories and query"
        )
    last, following = announcements(now)
    return (
        f"{asked}. arXiv announces new papers Sunday to Thursday at 20:00 New York time (not on"
        f" Friday or Saturday, nor on its holidays); the last was {last:%a %Y-%m-%d}, the next is"
        f" {following:%a %Y-%m-%d %H:%M} {following:%Z}: run again after it, or back-fill a week"
        " with `mlnews collect --week WEEK`"
    )


def announcements(now: datetime) -> tuple[datetime, datetime]:
    """arXiv's last announcement before `now` and the next one after it (New York time)."""
    here = now.astimezone(_NEW_YORK)
    today = here.replace(hour=_ANNOUNCEMENT_HOUR, minute=0, second=0, microsecond=0)
    days = [today + timedelta(days=offset) for offset in range(-8, 9)]
    times = [day for day in days if day.weekday() in _ANNOUNCING_DAYS]
    last = max(t for t in times if t <= here)
    following = min(t for t in times if t > here)
    return last, following
