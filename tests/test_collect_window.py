"""An ordinary `collect` covers the current issue's window: a day its cursor passed whose papers never
came (arXiv's index lagged) is fetched by the next run, and nothing is fetched twice when nothing is
missing. Against a real HTTP server on loopback answering like arXiv's API, from recorded entries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from test_collect import ARXIV_SOURCE, _row, count, workspace

_ENTRY = re.compile(rb"<entry>.*?</entry>", re.DOTALL)
_ID = re.compile(rb"<id>http://arxiv\.org/abs/([^<v]+)(?:v\d+)?</id>")
_PUBLISHED = re.compile(rb"<published>[^<]*</published>")
_RANGE = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")
HOURS = (10, 12, 14)  # each day's papers: the newest at 14:00, so a run's overlap starts on a paper


class RecordedArxiv:
    """arXiv's API over loopback: recorded entries (a query's real pages), given submission times in
    the last days, answered as the API does: a submittedDate range, oldest first, paged, with the
    range's `totalResults`. Papers of a day in `lagging` are not in its index yet."""

    def __init__(self, shared_data: Path, days: list[date]):
        pages = sorted((shared_data / "arxiv" / "api_atom" / "xml").glob("q_testing_s*_m10_*.xml"))
        first = pages[0].read_bytes()
        self.head = first[: first.index(b"<entry>")]
        distinct: dict[bytes, bytes] = {}
        for page in pages:
            for entry in _ENTRY.findall(page.read_bytes()):
                distinct.setdefault(_ID.search(entry).group(1), entry)  # type: ignore[union-attr]
        times = [datetime(d.year, d.month, d.day, hour, 0, 0) for d in days for hour in HOURS]
        assert len(distinct) >= len(times)
        self.papers = [
            (moment, _PUBLISHED.sub(f"<published>{moment:%Y-%m-%dT%H:%M:%S}Z</published>".encode(), entry))
            for moment, entry in zip(times, distinct.values(), strict=False)
        ]
        self.lagging: set[date] = set()

    def __call__(self, request: Request) -> Response:
        assert request.args["sortBy"] == "submittedDate" and request.args["sortOrder"] == "ascending"
        found = _RANGE.search(request.args["search_query"])
        assert found, request.args["search_query"]
        low, high = (datetime.strptime(found.group(n), "%Y%m%d%H%M") for n in (1, 2))
        listed = [
            entry
            for moment, entry in self.papers
            if low <= moment <= high + timedelta(seconds=59) and moment.date() not in self.lagging
        ]
        start, size = int(request.args["start"]), int(request.args["max_results"])
        head = re.sub(
            rb"<opensearch:totalResults>\d+<", f"<opensearch:totalResults>{len(listed)}<".encode(), self.head
        )
        body = head + b"".join(listed[start : start + size]) + b"</feed>"
        return Response(body, content_type="application/atom+xml")


def _asked(httpserver: HTTPServer) -> list[tuple[str, str, str]]:
    """Each request's submittedDate range, start and max_results."""
    found = []
    for request, _ in httpserver.log:
        window = _RANGE.search(request.args["search_query"])
        assert window
        found.append(
            (f"{window.group(1)}-{window.group(2)}", request.args["start"], request.args["max_results"])
        )
    return found


def test_a_day_arxiv_listed_late_is_fetched_by_the_next_ordinary_run(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    today = datetime.now(UTC).date()
    days = [today - timedelta(days=n) for n in range(10, 0, -1)]  # inside any week's 28-day window
    arxiv = RecordedArxiv(shared_data, days)
    lagged = today - timedelta(days=8)
    arxiv.lagging = {lagged}  # its papers reach the API's index only after the first run
    httpserver.expect_request("/api/query").respond_with_handler(arxiv)
    ws = workspace(run, tmp_path, ARXIV_SOURCE.format(url=httpserver.url_for("/api/query"), limit=100))

    first = run("-w", "ws", "collect")
    assert first.code == 0, first.err
    assert count(ws) == 27 and _row(first.out, "arxiv-ml")["listed"] == "27"
    arxiv.lagging = set()

    # The cursor is at the newest paper (the day before today, 14:00): the run asks from three days
    # before it, and counts the part of the window before that with one result's request.
    httpserver.clear_log()
    second = run("-w", "ws", "collect")
    assert second.code == 0, second.err
    assert count(ws) == 30
    since = today - timedelta(days=4)
    asked = _asked(httpserver)
    counted, *main = asked[:3]
    assert counted[0].endswith(f"-{since:%Y%m%d}1359") and counted[1:] == ("0", "1")
    assert [(start, size) for _, start, size in main] == [("0", "10"), ("10", "10")]
    assert all(window.startswith(f"{since:%Y%m%d}1400-") for window, _, _ in main)
    # ... which lists 20 where the library holds 17: that part is fetched, a page at a time.
    assert asked[3:] == [(counted[0], "0", "10"), (counted[0], "10", "10"), (counted[0], "20", "10")]
    row = _row(second.out, "arxiv-ml")
    assert (row["fetched"], row["new"], row["listed"]) == ("30", "3", "30")  # listed: the whole window
    said = " ".join(second.out.split())
    start = counted[0][:8]
    assert (
        f"arxiv-ml: {start[:4]}-{start[4:6]}-{start[6:]}..{since}: arXiv lists 20, the library held 17:"
        " fetched the missing part" in said
    )
    assert "the source lists" not in said  # no shortfall

    # Nothing missing: the count, the pages since the cursor, and nothing else.
    httpserver.clear_log()
    third = run("-w", "ws", "collect")
    assert third.code == 0, third.err
    assert [(start, size) for _, start, size in _asked(httpserver)] == [("0", "1"), ("0", "10"), ("10", "10")]
    row = _row(third.out, "arxiv-ml")
    assert (row["fetched"], row["new"], row["listed"]) == ("10", "0", "30")
    said = " ".join(third.out.split())
    assert "fetched the missing part" not in said and "the source lists" not in said
    assert "arxiv-ml: nothing new: all 10 it sent are in the library already" in said


def test_an_oai_pmh_first_harvest_starts_no_later_than_the_window_and_then_keeps_its_cursor(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    from mlnews.collect.window import current_start
    from mlnews.workspace import Workspace

    recorded = (shared_data / "arxiv" / "oai_pmh" / "functional_arxiv-physics-hep-ex.xml").read_bytes()
    httpserver.expect_request("/oai2").respond_with_data(recorded, content_type="text/xml")
    source = (
        f'[sources.harvest]\ntype = "oai-pmh"\nurl = "{httpserver.url_for("/oai2")}"\nfrom = "2100-01-01"\n'
    )
    ws = workspace(run, tmp_path, source)
    assert run("-w", "ws", "collect").code == 0
    window = current_start(Workspace(ws).config)
    assert httpserver.log[0][0].args["from"] == window.isoformat()  # not the setting's later day
    # The harvest's cursor is the day it began (the recorded responseDate): older than the window,
    # it is where the next harvest starts, as it was.
    httpserver.clear_log()
    assert run("-w", "ws", "collect").code == 0
    assert httpserver.log[0][0].args["from"] == "2017-12-14"


def test_an_oai_pmh_harvest_after_a_snapshot_import_takes_up_from_the_snapshots_newest_paper(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    """All of arXiv comes as a snapshot (`mlnews import`), then incrementally by OAI-PMH: a harvest
    with no `from` setting starts at the newest paper the library holds, not at arXiv's beginning."""
    from mlnews.library import Library

    recorded = (shared_data / "arxiv" / "oai_pmh" / "functional_arxiv-physics-hep-ex.xml").read_bytes()
    httpserver.expect_request("/oai2").respond_with_data(recorded, content_type="text/xml")
    source = f'[sources.harvest]\ntype = "oai-pmh"\nurl = "{httpserver.url_for("/oai2")}"\n'
    ws = workspace(run, tmp_path, source)
    snapshot = shared_data / "arxiv" / "kaggle_snapshot" / "arxiv-metadata-oai-snapshot.head200.jsonl"
    assert run("-w", "ws", "import", str(snapshot)).code == 0
    with Library.open(ws / "library.db") as library:
        newest = max(row[0] for row in library.db.execute("SELECT published FROM items WHERE published > ''"))
        assert library.newest_arxiv_day() == newest[:10]
    assert run("-w", "ws", "collect").code == 0
    assert httpserver.log[0][0].args["from"] == newest[:10]


def test_the_current_window_is_the_week_and_the_days_its_candidates_reach_back_to(
    run: Any, tmp_path: Path
) -> None:
    from mlnews.collect.window import current_start
    from mlnews.workspace import Workspace

    config = Workspace(workspace(run, tmp_path, "")).config
    wednesday = datetime(2020, 12, 2, 23, 30, tzinfo=UTC)  # in the week of Sunday 29 November
    assert current_start(config, wednesday) == date(2020, 11, 8)  # its end, Saturday 5, less 27 days
    # Computed in UTC: Saturday evening in New York is already Sunday, the next week, in UTC.
    saturday_night = datetime(2020, 12, 5, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert current_start(config, saturday_night) == date(2020, 11, 15)
