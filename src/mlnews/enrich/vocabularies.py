"""The metadata vocabularies a page may describe itself in, one reader each.

`SOURCES` lists them in order of trust: Highwire `citation_*` tags, Dublin Core,
PRISM, OpenGraph, Twitter cards, JSON-LD, Parse.ly tags, plain
`<meta name=author|description|keywords>`, and last the page itself
(`<a rel=author>`). Scholarly tags come first because they name the paper, while
a journal's OpenGraph and `<title>` are often shortened or branded.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from mlnews.enrich.json_ld import json_ld
from mlnews.enrich.page import Fields, Page, merge, rel, text_of
from mlnews.enrich.values import (
    arxiv_link,
    first_arxiv,
    first_date,
    first_doi,
    first_text,
    first_url,
    keywords,
    people,
)


def highwire(page: Page) -> Fields:
    title = first_text(page.values("citation_title"))
    # Highwire writes names "Last, First"; the old plural tag lists them with semicolons.
    listed = [name for value in page.values("citation_authors") for name in value.split(";")]
    authors = people([*page.values("citation_author"), *listed], last_first=True)
    doi = first_doi(page.values("citation_doi"))
    pdf_url = first_url(page.values("citation_pdf_url"), page.base)
    urls = page.values(
        "citation_abstract_html_url", "citation_fulltext_html_url", "citation_public_url", "citation_pdf_url"
    )
    return Fields(
        title=title,
        authors=authors,
        description=first_text(page.values("citation_abstract")),
        published=first_date(
            page.values("citation_publication_date", "citation_date", "citation_online_date")
        ),
        site_name=first_text(page.values("citation_journal_title", "citation_conference_title")),
        doi=doi,
        arxiv_id=first_arxiv(page.values("citation_arxiv_id"))
        or arxiv_link([*page.values("citation_doi"), *urls]),
        pdf_url=pdf_url,
        keywords=keywords(page.values("citation_keywords")),
        scholarly=bool(doi or (title and (authors or pdf_url))),
    )


def dublin_core(page: Page) -> Fields:
    def dc(*names: str) -> list[str]:
        # Names are lower-case already (Page.read); DCTERMS is the newer spelling of the same terms.
        return page.values(*(f"{prefix}.{name}" for name in names for prefix in ("dc", "dcterms")))

    # Publishers that give creators list the authors there; eLife lists them as contributors.
    named = dc("creator", "creator.personalname") or dc("contributor", "contributor.personalname")
    doi = first_doi(dc("identifier", "identifier.doi"))
    return Fields(
        title=first_text(dc("title")),
        authors=people(named, last_first=True),
        description=first_text(dc("description", "abstract")),
        published=first_date(
            dc("date", "date.issued", "issued", "date.created", "created", "date.available", "available")
        ),
        doi=doi,
        arxiv_id=arxiv_link(dc("identifier", "identifier.uri")),
        keywords=keywords(dc("subject")),
        scholarly=doi is not None,
    )


def prism(page: Page) -> Fields:
    return Fields(
        published=first_date(page.values("prism.publicationdate")),
        site_name=first_text(page.values("prism.publicationname")),
        doi=first_doi(page.values("prism.doi")),
    )


def opengraph(page: Page) -> Fields:
    return Fields(
        title=first_text(page.values("og:title")),
        # article:author is meant to be a profile URL; people drops those, keeping plain names.
        authors=people(page.values("article:author")),
        description=first_text(page.values("og:description")),
        published=first_date(page.values("article:published_time")),
        site_name=first_text(page.values("og:site_name")),
        image=first_url(page.values("og:image", "og:image:url", "og:image:secure_url"), page.base),
        arxiv_id=arxiv_link(page.values("og:url")),
        keywords=keywords(page.values("article:tag")),
    )


def twitter(page: Page) -> Fields:
    # twitter:creator is a handle (@someone), not a name: it is not an author.
    return Fields(
        title=first_text(page.values("twitter:title")),
        description=first_text(page.values("twitter:description")),
        image=first_url(page.values("twitter:image", "twitter:image:src"), page.base),
    )


def parsely(page: Page) -> Fields:
    return Fields(
        title=first_text(page.values("parsely-title")),
        authors=people(page.values("parsely-author")),
        published=first_date(page.values("parsely-pub-date")),
    )


def plain_meta(page: Page) -> Fields:
    return Fields(
        authors=people(page.values("author")),
        description=first_text(page.values("description")),
        keywords=keywords(page.values("keywords")),
    )


def page_itself(page: Page) -> Fields:
    # <a rel=author> is HTML's own way to name the article's author (WordPress themes use it).
    bylines = [text_of(link) for link in page.root.iter("a") if "author" in rel(link)]
    return Fields(
        authors=tuple(name for name in people(bylines) if len(name) <= _MAX_NAME)[:_MAX_BYLINES],
        arxiv_id=arxiv_link([page.canonical]),
    )


_MAX_NAME = 80  # a rel=author link around a sentence ("More posts by ...") is no name
_MAX_BYLINES = 10  # a listing page links every post's author; a real byline names a few


def title_element(root: etree._Element) -> str:
    # An inline <svg> has <title>s of its own: skip them.
    titles = (
        text_of(title)
        for title in root.iter("title")
        if not any(ancestor.tag == "svg" for ancestor in title.iterancestors())
    )
    return first_text(titles)


SOURCES: tuple[Callable[[Page], Fields], ...] = (
    highwire,
    dublin_core,
    prism,
    opengraph,
    twitter,
    json_ld,
    parsely,
    plain_meta,
    page_itself,
)


def describe(page: Page) -> Fields:
    """What the page says about itself, each field from the first source that gives it."""
    return merge([read(page) for read in SOURCES])
