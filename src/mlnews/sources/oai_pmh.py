"""`type = "oai-pmh"`: back-filling from an OAI-PMH endpoint (arXiv's), following resumption tokens.

Records come in datestamp order, so every page can save where it got to: the cursor holds
the resumption token of the next page, and, once the harvest is over, the day it started,
which is where the next harvest begins. A token that has expired restarts the harvest
from that day; records seen twice are merged by the library.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar

from mlnews.errors import ConfigError
from mlnews.formats.base import ParseError
from mlnews.formats.xml import children, local, parse_xml
from mlnews.settings import Field, Source
from mlnews.sources.base import Page, Run, parse

PREFIXES = ("arXiv", "arXivRaw", "oai_dc")


class OaiPmhSource:
    name: ClassVar[str] = "oai-pmh"
    description: ClassVar[str] = "An OAI-PMH repository (arXiv's harvesting interface), by set and date."
    polite: ClassVar[bool] = True
    options: ClassVar[tuple[Field, ...]] = (
        Field("set", str, False, "The set to harvest, e.g. 'cs' (arXiv) or 'cs:cs:LG'."),
        Field("metadata_prefix", str, False, "arXiv (default), arXivRaw or oai_dc.", PREFIXES),
        Field("from", str, False, "The first day to harvest on the first run, YYYY-MM-DD."),
    )

    @staticmethod
    def check(source: Source) -> None:
        start = source.option("from")
        if start:
            try:
                date.fromisoformat(str(start))
            except ValueError:
                raise ConfigError(
                    f"sources.{source.name}.from: expected a day, YYYY-MM-DD, got {start!r}"
                ) from None

    def pages(self, run: Run) -> Iterator[Page]:
        cursor = dict(run.cursor)
        if run.since:
            cursor = {"from": run.since.isoformat()}
        # A back-fill of a closed window leaves the harvest's own cursor where it was.
        kept = dict(run.cursor) if run.until else None
        token = cursor.get("token")
        restarted = False
        while True:
            params = {"verb": "ListRecords", "resumptionToken": token} if token else self._first(run, cursor)
            response = run.get(run.source.url, params=params)
            try:
                root = parse_xml(response.content)
                error = _error(root)
                if error == "badResumptionToken" and token and not restarted:
                    token, restarted = None, True  # expired: start this harvest again
                    cursor.pop("token", None)
                    continue
                if error == "noRecordsMatch":
                    window = f"changed since {cursor.get('from') or 'the start'}"
                    day = _day(_response_date(root) or cursor.get("from", ""))
                    yield Page([], kept if kept is not None else {"from": day}, listed=0, window=window)
                    return
                items, problems = parse("oai-pmh", response.content)
                problems = [p for p in problems if "deleted record" not in p]  # routine in OAI-PMH
            except ParseError as problem:
                raise ParseError(f"{response.url}: {problem}") from None
            started = cursor.get("started") or _response_date(root)
            token = _token(root)
            if token:
                cursor = {"from": cursor.get("from", ""), "token": token, "started": started}
            else:
                cursor = {"from": _day(started)}
            yield Page(items, kept if kept is not None else cursor, problems, listed=_list_size(root))
            if not token:
                return

    def _first(self, run: Run, cursor: dict[str, Any]) -> dict[str, str]:
        params = {"verb": "ListRecords", "metadataPrefix": run.source.option("metadata_prefix", "arXiv")}
        if run.source.option("set"):
            params["set"] = run.source.option("set")
        start = cursor.get("from") or _first_day(run)
        if start:
            params["from"] = str(start)
        if run.until:
            params["until"] = run.until.isoformat()
        return params


def _first_day(run: Run) -> str:
    """Where a harvest with no cursor begins: the `from` setting, else the day of the newest arXiv
    paper in the library (an imported snapshot's: the harvest then brings only what came since),
    but no later than the current issue's window (with neither, the whole repository). A harvest's
    own cursor is a datestamp the repository keeps, so nothing between it and the window can be
    missed: it is kept as it is."""
    start = str(run.source.option("from") or run.newest() or "")
    if start and run.window and run.window.isoformat() < start:
        return run.window.isoformat()
    return start


def _error(root: Any) -> str | None:
    for error in children(root, "error"):
        return str(error.get("code") or "unknown")
    return None


def _response_date(root: Any) -> str:
    for element in children(root, "responseDate"):
        return (element.text or "").strip()
    return ""


def _token(root: Any) -> str:
    for element in root.iter():
        if isinstance(element.tag, str) and local(element.tag) == "resumptionToken":
            return (element.text or "").strip()
    return ""


def _list_size(root: Any) -> int | None:
    """The harvest's size, when the repository says it (`completeListSize` on the token)."""
    for element in root.iter():
        if isinstance(element.tag, str) and local(element.tag) == "resumptionToken":
            size = str(element.get("completeListSize") or "")
            return int(size) if size.isdigit() else None
    return None


def _day(stamp: str) -> str:
    return stamp[:10]
