"""`mlnews add` and `mlnews figures` against a loopback server replaying real pages, PDFs and API answers."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

from mlnews.enrich.pdf_text import MAX_BODY, PdfText, read_pdf
from mlnews.summarise import Source
from mlnews.summarise.extractive import ExtractiveSummariser

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
    # Its abstract, without the footnote mark after "S2ORC," and with "cor-pus" whole again.
    assert item["abstract"].startswith("We introduce S2ORC, a large corpus of 81.1M English-language")
    assert "The corpus consists of rich metadata" in item["abstract"]
    assert item["abstract"].endswith("tools and tasks for text mining over academic text.")
    assert "Academic papers are an increasingly important textual domain" in item["body"]
    result = run("-w", "ws", "figures", item["key"])
    assert result.code == 0, result.err
    assert show(run, item["key"])["figure"].startswith("media/url-")


def test_a_pdf_gets_its_abstract_and_first_pages_and_so_a_summary(
    run: Any, ws: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    fno = (shared_data / "pdf" / "2010.08895v1_fourier_neural_operator.pdf").read_bytes()
    httpserver.expect_request("/papers/fno.pdf").respond_with_data(fno, content_type="application/pdf")
    result = run("-w", "ws", "add", httpserver.url_for("/papers/fno.pdf"))
    assert result.code == 0, result.err
    item = show(run, "url:" + httpserver.url_for("/papers/fno.pdf"))
    # Titled by its first page's biggest horizontal text, not arXiv's stamp up the margin.
    assert item["title"] == "Fourier Neural Operator for Parametric Partial Differential Equations"
    abstract = item["abstract"]
    assert abstract.startswith("The classical development of neural networks has primarily focused")
    assert abstract.endswith("three orders of magnitude faster compared to traditional PDE solvers.")
    assert "Introduction" not in abstract and "arXiv:" not in abstract
    body = item["body"]
    assert 5_000 < len(body) <= MAX_BODY
    assert "Many problems in science and engineering involve solving complex partial" in body
    assert "arXiv:2010.08895v1" not in body  # the stamp up the margin
    # With an abstract, the offline drafter writes a real summary.
    source = Source("paper", item["title"], abstract, item["urls"][0], body=body)
    draft = ExtractiveSummariser().draft(source)
    assert "They formulate a new neural operator by parameterizing the integral kernel" in draft.summary
    assert draft.headline and draft.headline != item["title"]


def _paper_pdf(*parts: tuple[str, float, str]) -> bytes:
    """A one-page PDF of (text, font size, font) parts, one under the other."""
    document = pymupdf.open()
    page = document.new_page()
    y = 72.0
    for text, size, font in parts:
        height = size * 1.5 * (1 + len(text) * size * 0.5 // 460)
        page.insert_textbox(pymupdf.Rect(72, y, 532, y + height + size), text, fontsize=size, fontname=font)
        y += height + size
    data: bytes = document.tobytes()
    return data


PROSE = (
    "Sparse expert models route each token to a few of many feed-forward experts, which keeps the cost "
    "of a forward pass low while the number of parameters grows. We show that routing by a learned hash "
    "matches learned routers on three translation benchmarks and halves the time spent on routing."
)


def test_a_pdfs_abstract_ends_where_its_first_section_begins() -> None:
    pdf = _paper_pdf(
        ("Hashing Is All You Route", 18, "hebo"),
        ("Abstract", 11, "hebo"),
        (PROSE, 10, "helv"),
        ("1 Introduction", 11, "hebo"),
        ("Mixture-of-experts layers go back to the early nineties. " * 4, 10, "helv"),
    )
    text = read_pdf(pdf)
    assert text.title == "Hashing Is All You Route"
    assert text.abstract == PROSE
    assert "early nineties" in text.body and "early nineties" not in text.abstract
    # An inline heading too ("Abstract. Sparse ..."), and "Keywords" after it.
    pdf = _paper_pdf(
        ("A title long enough", 18, "hebo"), ("Abstract. " + PROSE, 10, "helv"), ("Keywords: moe", 10, "helv")
    )
    assert read_pdf(pdf).abstract == PROSE


def test_a_pdf_without_an_abstract_heading_offers_its_first_prose() -> None:
    pdf = _paper_pdf(
        ("Notes on Routing", 18, "hebo"), ("Draft, not for circulation", 9, "helv"), (PROSE, 10, "helv")
    )
    assert read_pdf(pdf).abstract == PROSE


def test_a_pdf_that_cannot_be_read_is_a_one_line_error_naming_it(
    run: Any, ws: Path, httpserver: HTTPServer
) -> None:
    # Its page tree cycles: MuPDF gives up on it. Nothing is added under its file name alone.
    cyclic = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    cyclic += b"2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    httpserver.expect_request("/papers/cyclic.pdf").respond_with_data(cyclic, content_type="application/pdf")
    url = httpserver.url_for("/papers/cyclic.pdf")
    result = run("-w", "ws", "add", url)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{url}: cannot read it: the PDF is damaged (cycle in page tree)" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert run("-w", "ws", "show", "url:" + url).code != 0


def test_reading_a_pdf_is_bounded_and_never_fails(shared_data: Path) -> None:
    fno = (shared_data / "pdf" / "2010.08895v1_fourier_neural_operator.pdf").read_bytes()
    whole, first = read_pdf(fno), read_pdf(fno, max_pages=1)
    assert len(first.body) < len(whole.body) <= MAX_BODY
    assert "Many problems in science" in first.body and "Fourier space" in first.abstract
    assert len(read_pdf(fno, max_body=1_000).body) <= 1_000
    assert read_pdf(b"<html>not a PDF</html>") == PdfText("", (), "", "", "not a PDF")
    truncated = read_pdf(fno[: len(fno) // 3])  # whatever MuPDF can still read, and no error
    assert isinstance(truncated, PdfText) and len(truncated.body) <= MAX_BODY


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
