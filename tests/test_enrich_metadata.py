"""Page metadata: real article, journal and arXiv pages, and pages written to do harm."""

from __future__ import annotations

import functools
import html
import json
import re
import time
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from mlnews.enrich.metadata import PageMeta, looks_like_pdf, page_meta
from mlnews.text import squash

# ---- mozilla/readability's test pages: their expected metadata against ours ----------------

READABILITY = [
    "dropbox-blog",
    "firefox-nightly-blog",
    "gitlab-blog",
    "google-sre-book-1",
    "medium-1",
    "parsely-metadata",
    "quanta-1",
    "v8-blog",
    "wordpress",
]
# Readability reads the byline and excerpt off the article body when the page's metadata is
# silent; we report what the page says about itself, so those cases legitimately differ.
_BODY_BYLINE = "readability takes the byline from the article body; the page's metadata names no author"
_BODY_EXCERPT = (
    "readability falls back to the article's first paragraph; the page has no description tag "
    "(the main text is in PageMeta.text)"
)
XFAIL = {
    ("google-sre-book-1", "authors"): _BODY_BYLINE + " ('Written by Rob Ewaschuk' in a <p>)",
    ("quanta-1", "authors"): _BODY_BYLINE + " (an <h6 class=byline>)",
    ("dropbox-blog", "description"): _BODY_EXCERPT,
    ("google-sre-book-1", "description"): _BODY_EXCERPT,
    ("parsely-metadata", "description"): _BODY_EXCERPT,
    ("v8-blog", "title"): (
        "readability drops the part of a <title> before a colon ('Outside the web: '); the page has "
        "only <title>, which we keep whole: there is no site name to strip ' · V8' against"
    ),
}


def _cases(field: str) -> list[Any]:
    return [
        pytest.param(case, marks=pytest.mark.xfail(reason=XFAIL[case, field], strict=True))
        if (case, field) in XFAIL
        else case
        for case in READABILITY
    ]


@functools.cache
def _readability(folder: Path) -> tuple[PageMeta, dict[str, Any]]:
    expected = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
    return page_meta((folder / "source.html").read_bytes(), f"https://example.org/{folder.name}"), expected


def _given(shared_data: Path, case: str, field: str) -> tuple[PageMeta, Any]:
    meta, expected = _readability(shared_data / "html" / "article_pages_readability" / case)
    if not expected[field]:
        pytest.skip(f"readability expects no {field} for {case}")
    return meta, expected[field]


def _loose(text: str) -> str:
    # Normalisation allowed when comparing titles: whitespace, and curly against straight quotes.
    return squash(text).translate(str.maketrans("‘’“”", "''\"\""))


@pytest.mark.parametrize("case", _cases("title"))
def test_readability_title(shared_data: Path, case: str) -> None:
    meta, title = _given(shared_data, case, "title")
    assert _loose(meta.title) == _loose(title)


@pytest.mark.parametrize("case", _cases("authors"))
def test_readability_byline(shared_data: Path, case: str) -> None:
    meta, byline = _given(shared_data, case, "byline")
    # "By Joshua Sokol", "Written by Rob Ewaschuk\n Edited by Betsy Beyer": the names are what counts.
    names = [
        re.sub(r"^(?:written |edited )?by\s+", "", line.strip(), flags=re.I) for line in byline.split("\n")
    ]
    ours = "; ".join(meta.authors).casefold()
    assert all(name.casefold() in ours for name in names), (names, meta.authors)


@pytest.mark.parametrize("case", _cases("site_name"))
def test_readability_site_name(shared_data: Path, case: str) -> None:
    meta, site = _given(shared_data, case, "siteName")
    assert meta.site_name == site


@pytest.mark.parametrize("case", _cases("published"))
def test_readability_published(shared_data: Path, case: str) -> None:
    meta, published = _given(shared_data, case, "publishedTime")
    assert meta.published is not None
    assert meta.published.startswith(published[:10])


@pytest.mark.parametrize("case", _cases("description"))
def test_readability_description(shared_data: Path, case: str) -> None:
    meta, _excerpt = _given(shared_data, case, "excerpt")
    assert meta.description


@pytest.mark.parametrize("case", READABILITY)
def test_readability_main_text_starts_where_readability_does(shared_data: Path, case: str) -> None:
    folder = shared_data / "html" / "article_pages_readability" / case
    meta, _expected = _readability(folder)
    # expected.html is a fragment without a charset: read it as the UTF-8 it is.
    fragment = lxml.html.document_fromstring((folder / "expected.html").read_text("utf-8"))
    expected = squash("".join(str(text) for text in fragment.itertext()))
    # trafilatura writes list items as "- item" lines; readability's text has no bullets.
    ours = squash(re.sub(r"(?m)^- ", "", meta.text))
    assert expected[:40] in ours


# ---- journal landing pages -----------------------------------------------------------------


def _landing(shared_data: Path, name: str, url: str) -> PageMeta:
    return page_meta((shared_data / "html" / "scholarly_landing_pages" / f"{name}.html").read_bytes(), url)


def test_plos_one_from_highwire_tags(shared_data: Path) -> None:
    meta = _landing(
        shared_data,
        "plos_one_article",
        "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0213978",
    )
    assert meta.doi == "10.1371/journal.pone.0213978"
    assert meta.title == (
        "Assessment on reticuloendotheliosis virus infection in specific-pathogen-free chickens "
        "based on detection of yolk antibody"
    )
    assert len(meta.authors) == 11
    assert (meta.authors[0], meta.authors[-1]) == ("Yang Li", "Peng Zhao")
    assert meta.kind == "paper"
    assert meta.pdf_url == (
        "https://journals.plos.org/plosone/article/file?id=10.1371/journal.pone.0213978&type=printable"
    )
    assert meta.published == "2019-04-22"  # citation_date "Apr 22, 2019"
    assert meta.site_name == "PLOS ONE"  # citation_journal_title
    assert "Vaccines" in meta.keywords


def test_peerj_from_highwire_tags(shared_data: Path) -> None:
    meta = _landing(shared_data, "peerj_oa_article", "https://peerj.com/articles/4375/")
    assert meta.doi == "10.7717/peerj.4375"
    assert meta.authors[:2] == ("Heather Piwowar", "Jason Priem")
    assert len(meta.authors) == 9
    assert "Vincent Larivière" in meta.authors
    assert meta.published is not None and meta.published.startswith("2018-")
    assert meta.published == "2018-02-13"
    assert meta.pdf_url == "https://peerj.com/articles/4375.pdf"
    assert meta.kind == "paper"
    assert meta.keywords[:2] == ("Open access", "Open science")  # one tag, "; "-separated


def test_elife_from_dublin_core(shared_data: Path) -> None:
    meta = _landing(shared_data, "elife_article", "https://elifesciences.org/articles/44753?utm_source=feed")
    assert meta.doi == "10.7554/elife.44753"  # dc.identifier "doi:10.7554/eLife.44753"
    assert meta.title == "Parallel visual circuitry in a basal chordate"
    assert meta.authors == (
        "Matthew J Kourakis",
        "Cezar Borba",
        "Angela Zhang",
        "Erin Newman-Smith",
        "Priscilla Salas",
        "B Manjunath",
        "William C Smith",
    )
    assert meta.kind == "paper"
    assert meta.published == "2019-04-18"
    assert meta.site_name == "eLife"
    assert (
        meta.canonical == "https://elifesciences.org/articles/44753"
    )  # <link rel=canonical href=/articles/44753>


def test_first_monday_from_ojs_tags(shared_data: Path) -> None:
    meta = _landing(
        shared_data,
        "first_monday_ojs3_landingpage",
        "https://firstmonday.org/ojs/index.php/fm/article/view/10274",
    )
    assert meta.doi == "10.5210/fm.v25i10.10274"
    assert meta.title == "Surveillance, stigma & sociotechnical design for HIV"
    assert meta.authors == ("Calvin Liang", "Jevan Alexander Hutson", "Os Keyes")
    assert meta.keywords
    assert "online dating" in meta.keywords
    assert meta.published == "2020-09-10"  # citation_date, not DC.Date.issued
    assert meta.kind == "paper"


# ---- arXiv abs-page tags -----------------------------------------------------------------


def _arxiv_papers(shared_data: Path, count: int) -> list[tuple[str, list[dict[str, str]]]]:
    """The first `count` papers (one version each) and their tags."""
    path = shared_data / "html" / "arxiv_citation_meta" / "classic_scholar_metadata_tags.json"
    by_key: dict[str, list[dict[str, str]]] = json.loads(path.read_text("utf-8"))
    papers: dict[str, tuple[str, list[dict[str, str]]]] = {}
    for key, tags in by_key.items():
        papers.setdefault(re.sub(r"v\d+$", "", key), (key, tags))
        if len(papers) == count:
            break
    return list(papers.values())


def _head(tags: list[dict[str, str]]) -> str:
    metas = "".join(
        f'<meta name="{html.escape(tag["name"])}" content="{html.escape(tag["content"])}">\n' for tag in tags
    )
    return f"<!DOCTYPE html><html><head>\n{metas}</head><body></body></html>"


def _first_last(name: str) -> str:
    last, _, first = name.partition(", ")
    return f"{first} {last}" if first else name


def test_arxiv_abs_tags_of_fifty_papers(shared_data: Path) -> None:
    papers = _arxiv_papers(shared_data, 50)
    assert len(papers) == 50
    wrong = []
    for key, tags in papers:
        named: dict[str, list[str]] = {}
        for tag in tags:
            named.setdefault(tag["name"], []).append(tag["content"])
        meta = page_meta(_head(tags), f"https://arxiv.org/abs/{key}", with_text=False)
        expected = {
            "title": squash(named.get("citation_title", [""])[0]),
            "authors": tuple(_first_last(name) for name in named.get("citation_author", [])),
            "arxiv_id": re.sub(r"v\d+$", "", key),
            "doi": named["citation_doi"][0].lower() if "citation_doi" in named else None,
            "kind": "paper",
            "published": named["citation_date"][0].replace("/", "-"),
            "pdf_url": named["citation_pdf_url"][0],
        }
        got = {field: getattr(meta, field) for field in expected}
        if got != expected:
            wrong.append(
                (
                    key,
                    {field: (got[field], value) for field, value in expected.items() if got[field] != value},
                )
            )
    assert not wrong


# ---- a blog -----------------------------------------------------------------------------------


def test_lilianweng_post(shared_data: Path) -> None:
    page = shared_data / "html" / "blog_pages" / "lilianweng" / "2020-10-29-odqa.html"
    meta = page_meta(page.read_bytes(), "https://lilianweng.github.io/posts/2020-10-29-odqa/")
    assert meta.title == "How to Build an Open-Domain Question Answering System?"
    assert meta.published is not None and meta.published.startswith("2020-10-29")
    assert meta.authors == ("Lilian Weng",)
    assert meta.site_name == "Lil'Log"  # JSON-LD publisher
    assert meta.keywords == ("nlp", "language-model", "attention", "transformer")
    assert meta.kind == "article"
    assert meta.text
    assert "open-domain question answering" in meta.text.lower()


def test_atlantic_page_from_opengraph(shared_data: Path) -> None:
    page = shared_data / "html" / "blog_pages" / "rsparser" / "coco.html"
    meta = page_meta(page.read_bytes(), "https://www.theatlantic.com/")
    assert meta.title == "'Coco' Is Among Pixar's Best Movies in Years"
    assert meta.site_name == "The Atlantic"
    assert meta.image.startswith("https://cdn.theatlantic.com/")


# ---- pages written by hand, some to do harm ------------------------------------------------


def _page(head: str, body: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


ARTICLE_BODY = (
    "<article>" + "<p>A paragraph of the article that says something worth reading.</p>" * 8 + "</article>"
)


@pytest.mark.parametrize(
    "title",
    [
        "Hello <script>alert(1)</script>",
        "Hello &lt;script&gt;alert(1)&lt;/script&gt;",
        "Hello &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
        "<b>Hello</b><img src=x onerror=alert(1)>",
    ],
)
def test_markup_in_a_title_is_dropped(title: str) -> None:
    meta = page_meta(_page(f'<meta property="og:title" content="{title}">'), "https://example.org/")
    assert "<" not in meta.title
    assert meta.title == "Hello"


def test_a_title_that_is_only_a_script_falls_through_to_the_next_source() -> None:
    head = (
        '<meta property="og:title" content="<script>x()</script>"><meta name="twitter:title" content="Real">'
    )
    assert page_meta(_page(head), "https://example.org/").title == "Real"


def test_entities_and_whitespace_in_values() -> None:
    head = '<meta property="og:title" content="  Caf&eacute;\n\t &amp; &#8220;Bar&#8221; ">'
    assert page_meta(_page(head), "https://example.org/").title == "Café & “Bar”"


def test_script_urls_are_dropped() -> None:
    head = '<meta property="og:image" content="javascript:alert(1)">'
    assert page_meta(_page(head), "https://example.org/").image == ""
    head += '<meta name="twitter:image" content="data:image/png;base64,AAAA">'
    head += '<link rel="canonical" href="javascript:alert(1)">'
    meta = page_meta(_page(head), "https://example.org/")
    assert (meta.image, meta.canonical) == ("", "")


def test_a_bad_image_falls_through_to_the_next_source() -> None:
    head = '<meta property="og:image" content=" JavaScript:alert(1)">'
    head += '<meta name="twitter:image" content="/t.png">'
    assert page_meta(_page(head), "https://example.org/a/b").image == "https://example.org/t.png"


def test_relative_urls_resolve_against_the_canonical_url() -> None:
    head = (
        '<link rel="canonical" href="https://blog.example.org/posts/one/">'
        '<meta property="og:image" content="img/cover.png">'
        '<meta name="citation_pdf_url" content="//cdn.example.org/one.pdf">'
    )
    meta = page_meta(_page(head), "http://mirror.example.com/x?utm_source=feed")
    assert meta.canonical == "https://blog.example.org/posts/one/"
    assert meta.image == "https://blog.example.org/posts/one/img/cover.png"
    assert meta.pdf_url == "https://cdn.example.org/one.pdf"


def test_relative_urls_resolve_against_the_page_url_without_a_canonical() -> None:
    meta = page_meta(_page('<meta property="og:image" content="/cover.png">'), "https://example.org/a/b")
    assert (meta.canonical, meta.image) == ("", "https://example.org/cover.png")


def test_og_url_is_the_canonical_url_when_there_is_no_link() -> None:
    meta = page_meta(
        _page('<meta property="og:url" content="/posts/1">'), "https://example.org/posts/1?ref=x"
    )
    assert meta.canonical == "https://example.org/posts/1"


def test_invalid_json_ld_is_ignored() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "Broken",</script>'
        '<script type="application/ld+json">{"@type": "Article", "headline": "Whole", '
        '"author": {"@type": "Person", "name": "Ann Lee"}}</script>'
    )
    meta = page_meta(_page(head), "https://example.org/")
    assert (meta.title, meta.authors) == ("Whole", ("Ann Lee",))


def test_json_ld_graph_lists_and_objects() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Not this"},
            {"@type": "WebPage", "name": "The page, not the article"},
            {
                "@type": ["NewsArticle"],
                "headline": "The <em>article</em>",
                "author": [{"@type": "Person", "name": "Ann Lee"}, "Bo Chen", {"@id": "#org"}],
                "datePublished": "2024-05-06T07:08:09+02:00",
                "description": "What it is about.",
                "image": [{"@type": "ImageObject", "url": "javascript:x"}, {"url": "/lead.jpg"}],
                "publisher": {"@type": "Organization", "name": "Daily"},
                "keywords": "ml, news",
                "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1234/ABC.5"},
            },
        ],
    }
    head = f'<script type="application/ld+json">\n//<![CDATA[\n{json.dumps(graph)}\n//]]>\n</script>'
    meta = page_meta(_page(head), "https://example.org/news/1")
    assert meta.title == "The article"
    assert meta.authors == ("Ann Lee", "Bo Chen")
    assert meta.published == "2024-05-06T05:08:09Z"
    assert meta.description == "What it is about."
    assert meta.image == "https://example.org/lead.jpg"
    assert meta.site_name == "Daily"
    assert meta.keywords == ("ml", "news")
    assert meta.doi == "10.1234/abc.5"
    assert meta.kind == "article"  # a news article that names a DOI is not a paper


def test_json_ld_scholarly_article_is_a_paper() -> None:
    item = {"@type": "ScholarlyArticle", "name": "A study", "sameAs": "https://doi.org/10.5555/Study.1"}
    meta = page_meta(
        _page(f'<script type="application/ld+json">[{json.dumps(item)}]</script>'), "https://e.org/"
    )
    assert (meta.title, meta.doi, meta.kind) == ("A study", "10.5555/study.1", "paper")


def test_json_ld_deeply_nested_is_ignored() -> None:
    head = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    assert page_meta(_page(head + "<title>Still here</title>"), "https://example.org/").title == "Still here"


def test_the_order_of_sources() -> None:
    head = (
        "<title>From title</title>"
        '<meta name="description" content="From plain meta">'
        '<meta name="author" content="Plain Author">'
        '<meta name="parsely-title" content="From parsely">'
        '<meta name="twitter:title" content="From twitter">'
        '<meta name="twitter:description" content="From twitter">'
        '<meta property="og:title" content="From og">'
        '<meta name="DC.Title" content="From DC">'
        '<meta name="DC.Creator" content="Doe, Jane">'
        '<meta name="citation_title" content="From citation">'
    )
    meta = page_meta(_page(head), "https://example.org/")
    assert (meta.title, meta.description, meta.authors) == ("From citation", "From twitter", ("Jane Doe",))


def test_handles_and_profile_urls_are_not_authors() -> None:
    head = (
        '<meta name="twitter:creator" content="@someone">'
        '<meta property="article:author" content="https://www.facebook.com/someone">'
        '<meta property="article:author" content="Real Name">'
    )
    assert page_meta(_page(head), "https://example.org/").authors == ("Real Name",)


def test_title_element_loses_the_site_name_suffix() -> None:
    head = '<title>  A post |  My Blog </title><meta property="og:site_name" content="My Blog">'
    assert page_meta(_page(head), "https://example.org/").title == "A post"
    other = "<title>A post - Part 2</title><meta property='og:site_name' content='My Blog'>"
    assert page_meta(_page(other), "https://example.org/").title == "A post - Part 2"
    svg = "<svg><title>icon</title></svg>"
    assert page_meta(_page("<title>Real</title>", svg), "https://example.org/").title == "Real"


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2019/03/20", "2019-03-20"),
        ("2019-03-20", "2019-03-20"),
        ("2019/3/5", "2019-03-05"),
        ("20 March 2019", "2019-03-20"),
        ("March 20, 2019", "2019-03-20"),
        ("Apr 22, 2019", "2019-04-22"),
        ("1st April 2019", "2019-04-01"),
        ("2019", "2019"),
        ("2019/03", "2019-03"),
        ("2019-03-20T10:11:12-05:00", "2019-03-20T15:11:12Z"),
        ("Wed, 20 Mar 2019 10:00:00 GMT", "2019-03-20T10:00:00Z"),
    ],
)
def test_dates_as_pages_write_them(written: str, iso: str) -> None:
    head = f'<meta name="citation_publication_date" content="{written}">'
    assert page_meta(_page(head), "https://example.org/").published == iso


def test_a_date_that_is_no_date_falls_through() -> None:
    head = '<meta name="citation_date" content="soon"><meta name="citation_online_date" content="2019/02/30">'
    head += '<meta property="article:published_time" content="2020-01-02">'
    assert page_meta(_page(head), "https://example.org/").published == "2020-01-02"


def test_dublin_core_any_case_and_dcterms() -> None:
    head = (
        '<meta name="DCTERMS.title" content="Terms title">'
        '<meta name="dcterms.creator" content="Ng, Andrew">'
        '<meta name="DCTERMS.issued" content="2021-06-01">'
        '<meta name="Dc.Identifier" content="https://doi.org/10.1000/XYZ">'
        '<meta name="DC.subject" content="learning">'
    )
    meta = page_meta(_page(head), "https://example.org/")
    assert (meta.title, meta.authors, meta.published) == ("Terms title", ("Andrew Ng",), "2021-06-01")
    assert (meta.doi, meta.kind, meta.keywords) == ("10.1000/xyz", "paper", ("learning",))


def test_prism_doi() -> None:
    meta = page_meta(_page('<meta name="prism.doi" content="10.1000/P1">'), "https://example.org/")
    assert meta.doi == "10.1000/p1"


def test_arxiv_id_from_a_url_in_the_tags() -> None:
    head = '<meta name="citation_title" content="T"><meta name="citation_pdf_url" content="https://arxiv.org/pdf/2101.00001v2">'
    meta = page_meta(_page(head), "https://example.org/")
    assert (meta.arxiv_id, meta.kind) == ("2101.00001", "paper")
    canonical = page_meta(
        _page('<link rel="canonical" href="https://arxiv.org/abs/hep-th/9901001v3">'), "https://x.org/"
    )
    assert canonical.arxiv_id == "hep-th/9901001"


def test_an_identifier_that_only_looks_like_an_old_arxiv_id_is_none() -> None:
    head = '<meta name="DC.Identifier" content="article/1234567">'
    head += '<meta property="og:url" content="/abs/1234.5678">'
    meta = page_meta(_page(head), "https://example.org/")
    assert (meta.arxiv_id, meta.kind) == (None, "article")


def test_a_plain_blog_post_is_an_article() -> None:
    meta = page_meta(_page('<meta property="og:title" content="Post">', ARTICLE_BODY), "https://example.org/")
    assert (meta.kind, meta.doi, meta.arxiv_id) == ("article", None, None)
    assert "worth reading" in meta.text
    assert page_meta(_page("", ARTICLE_BODY), "https://example.org/", with_text=False).text == ""


@pytest.mark.parametrize(
    "empty", [b"", "", b"   \n", b"\x00\x00", b"<!-- only a comment -->", b"\xef\xbb\xbf"]
)
def test_empty_input(empty: bytes | str) -> None:
    assert page_meta(empty, "https://example.org/") == PageMeta(url="https://example.org/")


PDF = (
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def test_pdf_bytes() -> None:
    assert looks_like_pdf(PDF)
    assert looks_like_pdf(b"\xef\xbb\xbf \r\n" + PDF)
    assert not looks_like_pdf(b"<html>%PDF-</html>")
    assert not looks_like_pdf(b"")
    assert page_meta(PDF, "https://example.org/a.pdf") == PageMeta(url="https://example.org/a.pdf")


def test_two_megabytes_of_nested_divs() -> None:
    depth = 2 * 1024 * 1024 // len("<div></div>")
    body = "<div>" * depth + "<p>deep down</p>" + "</div>" * depth
    data = _page("<title>Deep</title>", body).encode()
    assert len(data) > 2_000_000
    started = time.perf_counter()
    meta = page_meta(data, "https://example.org/")
    assert meta.title == "Deep"
    assert time.perf_counter() - started < 10  # libxml2 stops at its depth limit, trafilatura finds nothing


def test_two_megabytes_of_sibling_divs() -> None:
    body = "<div><div><p>Some words in a paragraph that goes on a while.</p></div></div>" * 28_000
    data = _page("<title>Wide</title>", body).encode()
    assert len(data) > 2_000_000
    assert page_meta(data, "https://example.org/").title == "Wide"


JAPANESE = (
    "機械学習の研究は急速に進んでいます。"
    "新しいモデルが毎週のように発表され、研究者はその成果を共有しています。"
)


def test_shift_jis_with_a_meta_charset() -> None:
    head = '<meta charset="Shift_JIS"><title>機械学習ニュース</title>'
    data = _page(head, "<article>" + f"<p>{JAPANESE}</p>" * 6 + "</article>").encode("shift_jis")
    meta = page_meta(data, "https://example.jp/")
    assert meta.title == "機械学習ニュース"
    assert JAPANESE[:20] in meta.text


def test_http_equiv_charset_and_windows_1252() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    head += "<title>Caf\xe9 \x93quoted\x94</title>"
    data = _page(head).encode("latin-1")
    assert page_meta(data, "https://example.org/").title == "Café “quoted”"


def test_undeclared_utf8_is_read_as_utf8() -> None:
    # libxml2 would read these bytes as Latin-1 ("cafÃ©"): we decode before it parses.
    assert page_meta(_page("<title>café 日本</title>").encode(), "https://example.org/").title == "café 日本"


def test_undeclared_and_not_utf8_is_read_as_windows_1252() -> None:
    assert page_meta(_page("<title>caf\xe9</title>").encode("cp1252"), "https://example.org/").title == "café"


def test_a_wrong_declaration_does_not_raise() -> None:
    data = _page('<meta charset="utf-8"><title>caf\xe9</title>').encode("latin-1")
    assert page_meta(data, "https://example.org/").title.startswith("caf")
    unknown = _page('<meta charset="no-such-charset"><title>ok</title>').encode()
    assert page_meta(unknown, "https://example.org/").title == "ok"


def test_str_with_an_xml_declaration() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>' + _page("<title>XHTML</title>")
    assert page_meta(page, "https://example.org/").title == "XHTML"
