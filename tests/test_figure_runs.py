"""Figures in a run: the switch, a host given up after its retries, and compose adding a new figure.

A real loopback server stands in for arXiv's PDFs and for a feed; items come from a recorded
arXiv API answer, imported and shortlisted through the CLI.
"""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

NETWORK = """
[network]
allow_private_addresses = true
request_interval = 0
backoff_seconds = 0.01
retries = 1
arxiv_pdf_url = "{pdf}"
{extra}
[sources.blog]
type = "feed"
url = "{feed}"
"""
WEEK = "2020-W49"


def png() -> bytes:
    image = Image.new("RGB", (400, 300), "white")
    for x in range(0, 400, 40):
        image.paste((20, 90, 200), (x, 0, x + 20, 300))  # stripes: not a blank image
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def small_paper() -> bytes:
    """A one-page PDF whose figure is its one image."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(pymupdf.Rect(72, 100, 372, 325), stream=png())
    data = doc.tobytes()
    doc.close()
    return data


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def keys(run: Any, tmp_path: Path, httpserver: HTTPServer, shared_data: Path) -> list[str]:
    """A workspace whose library holds ten arXiv papers; the keys of the first three."""
    assert run("init", "ws").code == 0
    configure(tmp_path / "ws", httpserver, httpserver.url_for("/pdf/"))
    recorded = next((shared_data / "arxiv" / "api_atom" / "xml").glob("q_testing_s0_m10_*.xml"))
    assert run("-w", "ws", "import", str(recorded)).code == 0
    feed = next((shared_data / "feeds" / "ml_blogs" / "lilianweng").glob("index.2022-*.xml")).read_bytes()
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    listed = run("-w", "ws", "list", "--json")
    return [item["key"] for item in json.loads(listed.out)[:3]]


def configure(ws: Path, httpserver: HTTPServer, pdf: str, extra: str = "") -> None:
    text = NETWORK.format(pdf=pdf, extra=extra, feed=httpserver.url_for("/feed"))
    (ws / "mlnews.toml").write_text(text, encoding="utf-8")


def shortlist(run: Any, *keys: str) -> None:
    result = run("-w", "ws", "shortlist", *keys, "--week", WEEK, "--section", "papers")
    assert result.code == 0, result.err


def requests_for(httpserver: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)


def pdf_path(key: str) -> str:
    return "/pdf/" + key.removeprefix("arxiv:")


# -- the switch ----------------------------------------------------------------------------------


def test_no_figures_and_the_setting_leave_figures_out_and_figures_overrides_the_setting(
    run: Any, tmp_path: Path, httpserver: HTTPServer, keys: list[str]
) -> None:
    httpserver.expect_request(pdf_path(keys[0])).respond_with_data(
        small_paper(), content_type="application/pdf"
    )
    shortlist(run, keys[0])
    result = run("-w", "ws", "collect", "--no-figures")
    assert result.code == 0, result.err
    assert "figure" not in result.out and "Fetching" not in result.err
    configure(tmp_path / "ws", httpserver, httpserver.url_for("/pdf/"), "fetch_figures = false")
    result = run("-w", "ws", "collect")
    assert result.code == 0, result.err
    assert requests_for(httpserver, pdf_path(keys[0])) == 0
    result = run("-w", "ws", "collect", "--figures")
    assert result.code == 0, result.err
    assert "Fetching 1 figure for shortlisted items (--no-figures skips this)" in result.err
    assert f"figure {keys[0]}: media/" in result.out
    assert requests_for(httpserver, pdf_path(keys[0])) == 1


def test_init_writes_the_setting_with_its_help(run: Any, tmp_path: Path) -> None:
    assert run("init", "fresh").code == 0
    text = (tmp_path / "fresh" / "mlnews.toml").read_text(encoding="utf-8")
    assert "fetch_figures = true" in text and "`--no-figures` skips them once" in text


# -- a failing host is given up for the run ------------------------------------------------------


def test_a_host_answering_503_after_its_retries_is_not_asked_again_in_the_run(
    run: Any, httpserver: HTTPServer, keys: list[str]
) -> None:
    for key in keys[:2]:
        httpserver.expect_request(pdf_path(key)).respond_with_data("maintenance", status=503)
    shortlist(run, *keys[:2])
    result = run("-w", "ws", "collect")
    assert result.code == 0, result.err  # a figure is not worth failing the collect for
    assert result.out.index("blog") < result.out.index("no figure")  # the sources' table first
    assert "Fetching 2 figures for shortlisted items" in result.err
    first = next(k for k in keys[:2] if f"no figure for {k}" in result.out)
    second = next(k for k in keys[:2] if k != first)
    assert requests_for(httpserver, pdf_path(first)) == 2  # the first try and one retry
    assert requests_for(httpserver, pdf_path(second)) == 0
    host = httpserver.url_for("/").split("/")[2]
    assert f"no figure for {first}: GET {httpserver.url_for(pdf_path(first))}: HTTP 503" in result.out
    assert f"{host} is given up for this run: 1 more figure from it skipped" in result.out
    assert f"no figure for {second}" not in result.out
    # The next run tries again.
    result = run("-w", "ws", "collect")
    assert requests_for(httpserver, pdf_path(first)) + requests_for(httpserver, pdf_path(second)) == 4


def test_a_closed_port_is_given_up_and_other_hosts_still_give_their_figures(
    run: Any, tmp_path: Path, httpserver: HTTPServer, keys: list[str]
) -> None:
    closed = f"127.0.0.1:{closed_port()}"
    configure(tmp_path / "ws", httpserver, f"http://{closed}/pdf/")
    image = httpserver.url_for("/c.png")
    page = f'<html><head><title>Post</title><meta property="og:image" content="{image}">'

    httpserver.expect_request("/post").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/c.png").respond_with_data(png(), content_type="image/png")
    added = run("-w", "ws", "add", httpserver.url_for("/post"), "--week", WEEK, "--no-figures")
    assert added.code == 0, added.err
    assert "figure" not in added.out and requests_for(httpserver, "/c.png") == 0
    shortlist(run, *keys[:2])
    result = run("-w", "ws", "figures")
    assert result.code == 1
    errors = result.err.splitlines()
    assert len(errors) == 2, errors
    assert errors[0].startswith("Error: figure arxiv:") and "connection failed" in errors[0]
    skipped = f"Error: {closed} is given up for this run: 1 more figure from it skipped"
    assert errors[1] == skipped + " (`mlnews figures` tries again)"
    assert result.out.startswith("figure url:") and "/post: media/url-" in result.out  # keys say https


# -- compose adds a figure fetched since -----------------------------------------------------------


def entries(text: str) -> dict[str, str]:
    """Each entry's block of the issue file, by key."""
    blocks = text.split("\n### ")[1:]
    return {next(line[5:] for line in b.splitlines() if line.startswith("key: ")): b for b in blocks}


def test_compose_adds_a_figure_fetched_since_unless_the_curator_set_or_removed_one(
    run: Any, tmp_path: Path, httpserver: HTTPServer, keys: list[str]
) -> None:
    ws = tmp_path / "ws"
    untouched, set_by_hand, removed = keys
    for key in keys:
        httpserver.expect_request(pdf_path(key)).respond_with_data(
            small_paper(), content_type="application/pdf"
        )
    shortlist(run, *keys)
    assert run("-w", "ws", "figures", removed).code == 0  # this one has its figure when composed
    assert run("-w", "ws", "compose", WEEK).code == 0
    issue = ws / "issues" / f"{WEEK}.md"
    text = issue.read_text(encoding="utf-8")
    blocks = entries(text)
    assert "figure: " not in blocks[untouched] and "figure: media/" in blocks[removed]
    # The curator removes one figure and picks another by hand.
    (ws / "media" / "mine.png").write_bytes(png())
    without = "\n".join(line for line in blocks[removed].splitlines() if not line.startswith("figure: "))
    text = text.replace(blocks[removed], without + ("\n" if blocks[removed].endswith("\n") else ""))
    mine = blocks[set_by_hand].replace(
        f"key: {set_by_hand}\n", f"key: {set_by_hand}\nfigure: media/mine.png\n"
    )
    issue.write_text(text.replace(blocks[set_by_hand], mine), encoding="utf-8")

    fetched = run("-w", "ws", "figures", untouched, set_by_hand)
    assert fetched.code == 0, fetched.err
    result = run("-w", "ws", "compose", WEEK)
    assert result.code == 0, result.err
    assert result.out.startswith(f"{issue}: updated (0 added, 1 figure added)")
    after = entries(issue.read_text(encoding="utf-8"))
    assert f"figure: media/{untouched.replace(':', '-')}." in after[untouched]
    assert "figure: media/mine.png" in after[set_by_hand] and "figure: media/arxiv" not in after[set_by_hand]
    assert "figure: " not in after[removed]
    assert run("-w", "ws", "check", WEEK).code == 0
    again = run("-w", "ws", "compose", WEEK)
    assert again.out.startswith(f"{issue}: unchanged")
    # The figure compose added is compose's: --force keeps it, as it keeps the curator's.
    forced = run("-w", "ws", "compose", WEEK, "--force")
    assert forced.code == 0, forced.err
    assert entries(issue.read_text(encoding="utf-8")) == after


def test_the_pdf_fetched_for_a_figure_gives_the_paper_its_first_pages_as_body(
    run: Any, httpserver: HTTPServer, keys: list[str], shared_data: Path
) -> None:
    paper = (shared_data / "pdf" / "2010.08895v1_fourier_neural_operator.pdf").read_bytes()
    httpserver.expect_request(pdf_path(keys[0])).respond_with_data(paper, content_type="application/pdf")
    shortlist(run, keys[0])
    assert run("-w", "ws", "figures", keys[0]).code == 0
    item = json.loads(run("-w", "ws", "show", keys[0], "--json").out)
    assert item["figure"]
    # The drafter (and a model, within its budget) now reads the paper, not only its abstract.
    assert "Fourier" in item["body"] and 2_000 < len(item["body"]) <= 20_000
