"""`mlnews collect` against a real HTTP server on loopback replaying recorded real responses."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

NETWORK = """
[network]
allow_private_addresses = true
request_interval = 0
backoff_seconds = 0.01
retries = 2
read_timeout = 5
"""


def workspace(run: Any, tmp_path: Path, sources: str) -> Path:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    config = tmp_path / "ws" / "mlnews.toml"
    config.write_text(NETWORK + sources, encoding="utf-8")  # every other setting at its default
    return tmp_path / "ws"


def count(ws: Path, sql: str = "SELECT count(*) FROM items") -> int:
    with sqlite3.connect(ws / "library.db") as db:
        return int(db.execute(sql).fetchone()[0])


# -- arXiv API: paging ---------------------------------------------------------------------------


EMPTY_ATOM = (
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
    b'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><title>q</title>'
    b"<opensearch:totalResults>0</opensearch:totalResults></feed>"
)


def arxiv_replay(shared_data: Path, empty_once_at: int | None = None) -> Any:
    """The recorded pages of an arXiv query, for a search from 1990 on; nothing newer after that."""
    recorded = {
        start: next(
            (shared_data / "arxiv" / "api_atom" / "xml").glob(f"q_testing_s{start}_m10_*.xml")
        ).read_bytes()
        for start in (0, 10, 20, 30, 40, 50)
    }
    stumbled: set[int] = set()

    def page(request: Request) -> Response:
        assert request.args["sortBy"] == "submittedDate" and request.args["sortOrder"] == "ascending"
        query = request.args["search_query"]
        assert query.startswith("(cat:cs.LG OR cat:stat.ML) AND (testing) AND submittedDate:[")
        start = int(request.args["start"])
        if "submittedDate:[1990" not in query:
            return Response(EMPTY_ATOM, content_type="application/atom+xml")  # nothing since the last run
        if start == empty_once_at and start not in stumbled:
            stumbled.add(start)  # arXiv's occasional empty page, with the total still saying 60
            body = recorded[start].split(b"<entry>")[0] + b"</feed>"
            return Response(body, content_type="application/atom+xml")
        return Response(recorded.get(start, EMPTY_ATOM), content_type="application/atom+xml")

    return page


ARXIV_SOURCE = """
[sources.arxiv-ml]
type = "arxiv"
url = "{url}"
categories = ["cs.LG", "stat.ML"]
query = "testing"
page_size = 10
max_results = {limit}
"""


def test_arxiv_pages_oldest_first_and_the_second_run_asks_only_for_what_is_new(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    httpserver.expect_request("/api/query").respond_with_handler(arxiv_replay(shared_data, empty_once_at=20))
    ws = workspace(run, tmp_path, ARXIV_SOURCE.format(url=httpserver.url_for("/api/query"), limit=100))
    result = run("-w", "ws", "collect", "--since", "1990-01-01")
    assert result.code == 0, result.err
    starts = [int(r.args["start"]) for r, _ in httpserver.log]
    assert starts == [0, 10, 20, 20, 30, 40, 50, 60]  # page 20 came back empty once and was asked again
    stored = count(ws)
    assert stored >= 55  # 60 results, a few of them versions of one paper
    # The next run asks from its newest paper (less the overlap): one request, nothing new.
    httpserver.clear_log()
    again = run("-w", "ws", "collect")
    assert again.code == 0, again.err
    assert len(httpserver.log) == 1 and count(ws) == stored
    query = httpserver.log[0][0].args["search_query"]
    assert "submittedDate:[1990" not in query


def test_arxiv_max_results_stops_a_run_and_the_next_goes_on(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    httpserver.expect_request("/api/query").respond_with_handler(arxiv_replay(shared_data))
    ws = workspace(run, tmp_path, ARXIV_SOURCE.format(url=httpserver.url_for("/api/query"), limit=20))
    assert run("-w", "ws", "collect", "--since", "1990-01-01").code == 0
    assert [int(r.args["start"]) for r, _ in httpserver.log] == [0, 10]
    with sqlite3.connect(ws / "library.db") as db:
        cursor = json.loads(db.execute("SELECT cursor FROM source_state").fetchone()[0])
    assert cursor["newest"]  # where the next run begins: nothing between is skipped


def _row(out: str, name: str) -> dict[str, str]:
    lines = out.splitlines()
    header = next(line for line in lines if line.split()[:2] == ["source", "fetched"]).split()
    return dict(zip(header, next(line for line in lines if line.split()[:1] == [name]).split(), strict=True))


@pytest.fixture
def replayed(run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path) -> Path:
    """A workspace whose arxiv-ml source (20 results a run) asks the replayed API."""
    httpserver.expect_request("/api/query").respond_with_handler(arxiv_replay(shared_data))
    return workspace(run, tmp_path, ARXIV_SOURCE.format(url=httpserver.url_for("/api/query"), limit=20))


def test_a_run_accounts_for_itself_against_what_arxiv_lists(run: Any, replayed: Path) -> None:
    cut = run("-w", "ws", "collect", "--since", "1990-01-01")
    assert cut.code == 0, cut.err
    row = _row(cut.out, "arxiv-ml")
    # arXiv's own count for the query, as recorded (the replay serves its first 60 only).
    assert (row["fetched"], row["listed"], row["errors"]) == ("20", "214881", "0")
    assert int(row["new"]) + int(row["merged"]) == 20
    said = " ".join(cut.out.split())  # rich wraps long lines
    assert "arxiv-ml: the source lists 214,881 (submitted 1990-01-01 00:00 to now (UTC)), 20 came" in said
    assert "max_results stopped the run; the next run goes on from there" in said
    # Nothing in the last two days: the run says when arXiv announces, and what to do meanwhile.
    from datetime import date, timedelta

    again = run("-w", "ws", "collect", "--since", str(date.today() - timedelta(days=2)))
    assert again.code == 0, again.err
    assert _row(again.out, "arxiv-ml")["listed"] == "0"
    said = " ".join(again.out.split())
    assert "arxiv-ml: nothing new: arXiv lists nothing submitted" in said
    assert "arXiv announces new papers Sunday to Thursday at 20:00 New York time" in said
    assert "mlnews collect --week WEEK" in said


def test_a_query_that_matches_nothing_over_a_long_window_is_named(
    run: Any, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/api/query").respond_with_data(EMPTY_ATOM, content_type="application/atom+xml")
    ws = workspace(run, tmp_path, ARXIV_SOURCE.format(url=httpserver.url_for("/api/query"), limit=20))
    result = run("-w", "ws", "collect", "--since", "2020-01-01")
    assert result.code == 0, result.err
    assert count(ws) == 0
    said = " ".join(result.out.split())
    assert "arxiv-ml: nothing new: arXiv lists nothing submitted 2020-01-01 00:00 to now (UTC)" in said
    assert "for cs.LG, stat.ML and 'testing': check [sources.arxiv-ml] categories and query" in said


def test_collect_week_back_fills_the_issue_window_whole(
    run: Any, replayed: Path, httpserver: HTTPServer
) -> None:
    result = run("-w", "ws", "collect", "--week", "2020-W49")
    assert result.code == 0, result.err
    # The week (Sunday 29 November to Saturday 5 December) and the 28 days its candidates reach back to.
    query = httpserver.log[0][0].args["search_query"]
    assert query.endswith("AND submittedDate:[202011080000 TO 202012052359]")
    with sqlite3.connect(replayed / "library.db") as db:
        cursors = db.execute("SELECT cursor FROM source_state").fetchall()
    assert cursors in ([], [("{}",)])  # the next ordinary run begins where it would have
    bad = run("-w", "ws", "collect", "--week", "2020-W99")
    assert bad.code == 1 and bad.err == "Error: --week '2020-W99': week '2020-W99': 2020 has no week 99\n"
    both = run("-w", "ws", "collect", "--week", "2020-W49", "--since", "2020-01-01")
    assert both.code == 1 and "--since and --week: give one of them" in both.err


def test_arxiv_announcement_times_skip_friday_and_saturday() -> None:
    from datetime import UTC, datetime

    from mlnews.collect.accounting import announcements

    friday = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)  # 16:00 in New York
    last, following = announcements(friday)
    assert (f"{last:%a %d %H:%M}", f"{following:%a %d %H:%M}") == ("Thu 03 20:00", "Sun 06 20:00")
    sunday_night = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Sunday 21:00 in New York
    last, following = announcements(sunday_night)
    assert (f"{last:%a %d}", f"{following:%a %d}") == ("Sun 06", "Mon 07")


# -- OAI-PMH: resumption tokens, and a kill -9 in the middle -----------------------------------


def oai_pages(shared_data: Path, token: str = "hep-th-next") -> tuple[bytes, bytes]:
    folder = shared_data / "arxiv" / "oai_pmh"
    first = (folder / "functional_arxiv-physics-hep-ex.xml").read_bytes()
    # The recorded harvests fit in one page; the first is given a resumption token so that
    # the second is asked for by it, as arXiv pages a longer harvest.
    first = first.replace(
        b"</ListRecords>", f'<resumptionToken cursor="0">{token}</resumptionToken></ListRecords>'.encode()
    )
    return first, (folder / "functional_arxiv-physics-hep-th.xml").read_bytes()


def test_oai_pmh_follows_the_resumption_token_and_saves_where_the_harvest_began(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    first, second = oai_pages(shared_data)

    def oai(request: Request) -> Response:
        if request.args.get("resumptionToken") == "hep-th-next":
            return Response(second, content_type="text/xml")
        assert dict(request.args) == {
            "verb": "ListRecords",
            "metadataPrefix": "arXiv",
            "set": "physics:hep-ex",
            "from": "2017-12-01",
        }
        return Response(first, content_type="text/xml")

    httpserver.expect_request("/oai2").respond_with_handler(oai)
    ws = workspace(
        run,
        tmp_path,
        f"""
[sources.backfill]
type = "oai-pmh"
url = "{httpserver.url_for("/oai2")}"
set = "physics:hep-ex"
from = "2017-12-01"
""",
    )
    result = run("-w", "ws", "collect", "-s", "backfill")
    assert result.code == 0, result.err
    assert count(ws) == 6
    with sqlite3.connect(ws / "library.db") as db:
        cursor = db.execute("SELECT cursor FROM source_state WHERE name = 'backfill'").fetchone()[0]
    assert cursor == '{"from":"2017-12-14"}'  # the responseDate of the harvest's first page


def test_a_collect_killed_mid_harvest_loses_and_duplicates_nothing(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    first, second = oai_pages(shared_data)
    release = threading.Event()

    def oai(request: Request) -> Response:
        if request.args.get("resumptionToken"):
            release.wait(20)  # the second page hangs until the first run is dead
            return Response(second, content_type="text/xml")
        return Response(first, content_type="text/xml")

    httpserver.expect_request("/oai2").respond_with_handler(oai)
    ws = workspace(
        run,
        tmp_path,
        f"""
[sources.backfill]
type = "oai-pmh"
url = "{httpserver.url_for("/oai2")}"
set = "physics:hep-ex"
""",
    )
    environment = {**os.environ, "MLNEWS_WORKSPACE": str(ws)}
    process = subprocess.Popen([sys.executable, "-m", "mlnews", "collect"], env=environment)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not (ws / "library.db").exists() or _safe_count(ws) < 3):
        time.sleep(0.05)
    assert _safe_count(ws) == 3  # the first page is committed, the second is on its way
    process.send_signal(signal.SIGKILL)
    process.wait()
    release.set()
    httpserver.clear_log()
    result = run("-w", str(ws), "collect")
    assert result.code == 0, result.err
    # It went on from the saved token (no request started the harvest again), and every
    # record is there once. (The killed run's hung request may be logged too.)
    assert {r.args.get("resumptionToken") for r, _ in httpserver.log} == {"hep-th-next"}
    assert count(ws) == 6
    assert count(ws, "SELECT count(DISTINCT key) FROM items") == 6


def _safe_count(ws: Path) -> int:
    try:
        return count(ws)
    except sqlite3.Error:
        return 0


# -- feeds: conditional GET and only what is new ----------------------------------------------


def test_a_feed_adds_only_new_posts_and_an_unchanged_feed_costs_one_304(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    folder = shared_data / "feeds" / "ml_blogs" / "lilianweng"
    old = next(folder.glob("index.2022-*.xml")).read_bytes()
    new = next(folder.glob("index.2026-*.xml")).read_bytes()
    version = {"body": old, "etag": '"2022"'}

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == version["etag"]:
            return Response(status=304)
        return Response(
            version["body"], headers={"ETag": version["etag"]}, content_type="application/rss+xml"
        )

    httpserver.expect_request("/index.xml").respond_with_handler(feed)
    ws = workspace(
        run,
        tmp_path,
        f"""
[sources.lilianweng]
type = "feed"
url = "{httpserver.url_for("/index.xml")}"
""",
    )
    first = run("-w", "ws", "collect")
    assert first.code == 0, first.err
    assert count(ws) == 38
    unchanged = run("-w", "ws", "collect")
    assert unchanged.code == 0 and count(ws) == 38
    assert httpserver.log[-1][1].status_code == 304
    version.update(body=new, etag='"2026"')
    later = run("-w", "ws", "collect")
    assert later.code == 0, later.err
    assert count(ws) == 53  # the 15 new posts
    row = next(line for line in later.out.splitlines() if line.strip().startswith("lilianweng"))
    fetched, new, merged, kept, skipped, listed, errors = row.split()[1:]
    # 15 new posts; the 38 known ones are there once (some updated since 2022, so merged).
    assert (int(fetched), int(new), int(merged) + int(kept), skipped, listed, errors) == (
        53,
        15,
        38,
        "0",
        "-",
        "0",
    )
    assert "lilianweng: nothing new" not in later.out
    # The 304 run said why nothing came.
    assert "lilianweng: nothing new: the feed has not changed since the last run (HTTP 304)" in unchanged.out


# -- faults: one source failing does not stop the others -------------------------------------


def test_a_failing_source_is_reported_and_the_others_still_run(
    run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    httpserver.expect_request("/down").respond_with_data("maintenance", status=503)
    httpserver.expect_request("/broken").respond_with_data(
        "<rss><channel><item>", content_type="application/rss+xml"
    )
    good = next((shared_data / "feeds" / "ml_blogs" / "lilianweng").glob("index.2022-*.xml")).read_bytes()
    httpserver.expect_request("/good").respond_with_data(good, content_type="application/rss+xml")
    ws = workspace(
        run,
        tmp_path,
        f"""
[sources.down]
type = "feed"
url = "{httpserver.url_for("/down")}"

[sources.broken]
type = "arxiv"
url = "{httpserver.url_for("/broken")}"
categories = ["cs.LG"]

[sources.good]
type = "feed"
url = "{httpserver.url_for("/good")}"
""",
    )
    result = run("-w", "ws", "collect")
    assert result.code == 1
    errors = result.err.strip().splitlines()
    assert (
        errors[0]
        == f"Error: source down: GET {httpserver.url_for('/down')}: HTTP 503 (gave up after 3 tries)"
    )
    assert errors[1].startswith("Error: source broken: ")
    assert count(ws) == 38  # the good feed was collected all the same
    # The failed sources keep no cursor: the next run tries them afresh.
    with sqlite3.connect(ws / "library.db") as db:
        states = dict(db.execute("SELECT name, last_error IS NOT NULL FROM source_state").fetchall())
    assert states == {"down": 1, "broken": 1, "good": 0}


def test_collect_without_sources_or_with_an_unknown_one_says_what_to_do(run: Any, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    result = run("-w", "ws", "collect")
    assert result.code == 1 and "no sources yet; add [sources.NAME]" in result.err
    workspace_path = tmp_path / "ws" / "mlnews.toml"
    workspace_path.write_text(
        workspace_path.read_text(encoding="utf-8")
        + '\n[sources.a]\ntype = "feed"\nurl = "https://a.org/f"\n',
        encoding="utf-8",
    )
    result = run("-w", "ws", "collect", "--source", "b")
    assert result.code == 1 and "unknown source 'b'; sources are: a" in result.err
    result = run("-w", "ws", "collect", "--since", "last week")
    assert result.code == 1 and "--since 'last week': expected a day, YYYY-MM-DD" in result.err


def test_a_source_type_plugin_is_a_small_registered_class(
    run: Any, tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections.abc import Iterator
    from typing import ClassVar

    from mlnews import plugins
    from mlnews.config import Field
    from mlnews.items import Item
    from mlnews.sources import base

    monkeypatch.setattr(plugins, "_registry", {})  # registered for this test only

    @base.register
    class LinesSource:
        """A plain list of 'URL title' lines: enough for a plugin."""

        name: ClassVar[str] = "lines"
        polite: ClassVar[bool] = False
        options: ClassVar[tuple[Field, ...]] = (Field("prefix", str, False, "Put before each title."),)

        def pages(self, run: base.Run) -> Iterator[base.Page]:
            text = run.get(run.source.url).content.decode()
            items = [
                Item(title=run.source.option("prefix", "") + title, kind="article", urls=[url])
                for url, _, title in (line.partition(" ") for line in text.splitlines() if line.strip())
            ]
            yield base.Page(items, {"seen": len(items)})

    httpserver.expect_request("/list.txt").respond_with_data("https://a.org/1 One\nhttps://a.org/2 Two\n")
    ws = workspace(
        run,
        tmp_path,
        f"""
[sources.reading]
type = "lines"
url = "{httpserver.url_for("/list.txt")}"
prefix = "Reading: "
""",
    )
    result = run("-w", "ws", "collect")
    assert result.code == 0, result.err
    assert count(ws) == 2
    titles = {row for (row,) in sqlite3.connect(ws / "library.db").execute("SELECT title FROM items")}
    assert titles == {"Reading: One", "Reading: Two"}
