"""`mlnews add` and `mlnews figures` against a loopback server replaying real pages, PDFs and API answers."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

NETWORK = """
[network]
allow_private_addresses = true
request_interval = 0
backoff_seconds = 0.01
retries = 1
arxiv_api_url = "{api}"
arxiv_pdf_url = "{pdf}"
doi_resolver_url = "{doi}"
"""


@pytest.fixture
def ws(run: Any, tmp_path: Path, httpserver: HTTPServer) -> Path:
    assert run("init", "ws").code == 0
    config = tmp_path / "ws" / "mlnews.toml"
    urls = {name: httpserver.url_for(f"/{name}/") for name in ("api", "pdf", "doi")}
    urls["api"] = httpserver.url_for("/api/query")
    config.write_text(NETWORK.format(**urls), encoding="utf-8")
    return tmp_path / "ws"


def show(run: Any, key: str) -> dict[str, Any]:
    result = run("-w", "ws", "show", key, "--json")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    assert isinstance(shown, dict)
    return shown


def png(width: int = 640, height: int = 360) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    for x in range(0, width, 40):
        image.paste((20, 90, 200), (x, 0, x + 20, height))  # stripes: not a blank image
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_an_arxiv_id_is_added_from_the_api_and_its_figure_from_the_pdf(
    run: Any, ws: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    recorded = next((shared_data / "arxiv" / "api_atom" / "xml").glob("id_2104.12255v1_*.xml")).read_bytes()
    httpserver.expect_request(
        "/api/query", query_string={"id_list": "2104.12255", "max_results": "1"}
    ).respond_with_data(recorded, content_type="application/atom+xml")
    fno = (shared_data / "pdf" / "2010.08895v1_fourier_neural_operator.pdf").read_bytes()
    httpserver.expect_request("/pdf/2104.12255").respond_with_data(fno, content_type="application/pdf")
    result = run(
        "-w", "ws", "add", "https://arxiv.org/abs/2104.12255v1", "--week", "2020-W49", "--section", "papers"
    )
    assert result.code == 0, result.err
    assert "added arxiv:2104.12255: 0" in result.out  # the paper is titled "0"
    assert "shortlisted for 2020-W49 in papers" in result.out
    item = show(run, "arxiv:2104.12255")
    assert (item["state"], item["section"], item["week"]) == ("shortlisted", "papers", "2020-W49")
    assert item["figure"] == "media/arxiv-2104.12255.webp" or item["figure"].startswith(
        "media/arxiv-2104.12255."
    )
    figure = Image.open(ws / item["figure"])
    assert 150 <= figure.width <= 1200 and figure.height >= 100
    # Adding it again changes nothing.
    again = run("-w", "ws", "add", "2104.12255")
    assert again.code == 0 and "unchanged arxiv:2104.12255" in again.out


def test_a_doi_is_resolved_to_its_landing_page_and_read(
    run: Any, ws: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    page = (shared_data / "html" / "scholarly_landing_pages" / "plos_one_article.html").read_bytes()
    httpserver.expect_request("/doi/10.1371/journal.pone.0213978").respond_with_data(
        "", status=302, headers={"Location": "/plosone/article?id=10.1371/journal.pone.0213978"}
    )
    httpserver.expect_request("/plosone/article").respond_with_data(
        page, content_type="text/html; charset=utf-8"
    )
    result = run("-w", "ws", "add", "https://doi.org/10.1371/journal.pone.0213978")
    assert result.code == 0, result.err
    item = show(run, "doi:10.1371/journal.pone.0213978")
    assert item["kind"] == "paper" and len(item["authors"]) == 11
    assert item["title"] and item["published"].startswith("2019-04-22")


def test_a_blog_post_is_read_for_metadata_and_main_text_and_its_og_image_is_the_figure(
    run: Any, ws: Path, httpserver: HTTPServer
) -> None:
    page = f"""<!doctype html><html><head>
<title>Attention, explained | Demo Blog</title>
<link rel="canonical" href="{httpserver.url_for("/posts/attention/")}">
<meta property="og:title" content="Attention, explained">
<meta property="og:site_name" content="Demo Blog">
<meta property="og:description" content="How attention lets a model look back at what matters.">
<meta property="og:image" content="/images/cover.png">
<meta name="author" content="A. Writer">
<meta property="article:published_time" content="2020-11-30T08:00:00Z">
</head><body><article><h1>Attention, explained</h1>
<p>{"Attention weighs every earlier token by how relevant it is to the current one. " * 8}</p>
<p>{"The weights come from dot products of learned queries and keys. " * 8}</p>
</article></body></html>"""
    httpserver.expect_request("/posts/attention").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/images/cover.png").respond_with_data(png(), content_type="image/png")
    result = run(
        "-w",
        "ws",
        "add",
        httpserver.url_for("/posts/attention?utm_source=x"),
        "--week",
        "2020-W49",
        "--featured",
    )
    assert result.code == 0, result.err
    key = "url:" + httpserver.url_for("/posts/attention")
    item = show(run, key)
    assert (item["kind"], item["title"], item["site"], item["authors"]) == (
        "article",
        "Attention, explained",
        "Demo Blog",
        ["A. Writer"],
    )
    assert item["abstract"] == "How attention lets a model look back at what matters."
    assert "dot products of learned queries and keys" in item["body"]
    assert item["state"] == "featured" and item["figure"].startswith("media/url-")
    assert Image.open(ws / item["figure"]).width == 640


def test_a_pdf_url_is_a_paper_titled_from_the_pdf(
    run: Any, ws: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    s2orc = (shared_data / "pdf" / "2020.acl-main.447_s2orc.pdf").read_bytes()
    httpserver.expect_request("/papers/s2orc.pdf").respond_with_data(s2orc, content_type="application/pdf")
    result = run("-w", "ws", "add", httpserver.url_for("/papers/s2orc.pdf"))
    assert result.code == 0, result.err
    item = show(run, "url:" + httpserver.url_for("/papers/s2orc.pdf"))
    assert item["kind"] == "paper" and "S2ORC" in item["title"]
    result = run("-w", "ws", "figures", item["key"])
    assert result.code == 0, result.err
    assert show(run, item["key"])["figure"].startswith("media/url-")


def test_figures_refuses_what_is_not_an_image_and_reports_it(
    run: Any, ws: Path, httpserver: HTTPServer
) -> None:
    image = httpserver.url_for("/fake.png")
    page = f'<html><head><title>T</title><meta property="og:image" content="{image}"></head></html>'
    httpserver.expect_request("/page").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/fake.png").respond_with_data(
        "<script>alert(1)</script>", content_type="image/png"
    )
    result = run("-w", "ws", "add", httpserver.url_for("/page"), "--week", "2020-W49")
    assert result.code == 0, result.err
    assert "no figure for" in result.out and "not an image" in result.out
    result = run("-w", "ws", "figures")
    assert result.code == 1
    assert result.err.startswith("Error: figure url:") and "fake.png: not an image (image/png)" in result.err


def test_bad_references_are_one_line_errors_and_the_others_are_added(
    run: Any, ws: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/archive.zip").respond_with_data(b"PK\x03\x04", content_type="application/zip")
    httpserver.expect_request("/ok").respond_with_data("<title>Fine page</title>", content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    result = run(
        "-w", "ws", "add", "not a reference", httpserver.url_for("/archive.zip"), httpserver.url_for("/gone"),
        httpserver.url_for("/ok"),
    )  # fmt: skip
    assert result.code == 1
    assert result.err.splitlines() == [
        "Error: not a reference: not an arXiv id, a DOI or an http(s) URL",
        f"Error: {httpserver.url_for('/archive.zip')}: application/zip is neither a web page nor a PDF",
        f"Error: GET {httpserver.url_for('/gone')}: HTTP 404",
    ]
    assert "added url:" in result.out and "Fine page" in result.out
