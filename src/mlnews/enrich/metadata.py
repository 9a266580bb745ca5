"""What a web page says about itself: title, authors, date, identifiers, main text.

A function of the page's bytes and URL: nothing is fetched and nothing on the page
is run. Each field comes from the first vocabulary that gives a usable value, in the
order of `vocabularies.SOURCES` (Highwire and Dublin Core first, the page's own
`<title>` last); the main text comes from `main_text`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from mlnews.enrich.decoding import looks_like_pdf, page_source, parse
from mlnews.enrich.main_text import is_large, main_text
from mlnews.enrich.page import Page
from mlnews.enrich.vocabularies import describe, title_element

__all__ = ["PageMeta", "looks_like_pdf", "page_meta"]


@dataclass(frozen=True)
class PageMeta:
    url: str  # the URL the page was fetched from
    canonical: str = ""  # <link rel=canonical> or og:url, resolved against url, http(s) only
    title: str = ""
    authors: tuple[str, ...] = ()
    description: str = ""
    published: str | None = None  # ISO 8601 date or datetime (UTC), as precise as the page says
    site_name: str = ""
    image: str = ""  # og:image / twitter:image / JSON-LD image, absolute http(s) URL
    doi: str | None = None  # lower-case
    arxiv_id: str | None = None  # without version
    pdf_url: str = ""  # citation_pdf_url, absolute
    kind: str = "article"  # "paper" for a scholarly landing page, else "article"
    keywords: tuple[str, ...] = ()
    text: str = ""  # the main text: one paragraph a line, whitespace collapsed within lines


def page_meta(html: bytes | str, url: str, *, with_text: bool = True) -> PageMeta:
    """The metadata and main text of the page `html`, fetched from `url`."""
    source = page_source(html)
    root = parse(source) if source is not None else None
    if source is None or root is None:
        return PageMeta(url=url)
    page = Page.read(root, url)
    found = describe(page)
    values = asdict(found)
    # The <title> element is the last resort, and often carries the site's name: "Post | Site".
    values["title"] = found.title or _without_site(title_element(root), found.site_name)
    values["kind"] = "paper" if values.pop("scholarly") or found.arxiv_id else "article"
    text = main_text(source, url, large=is_large(root)) if with_text else ""
    return PageMeta(url=url, canonical=page.canonical, text=text, **values)


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", " » ")


def _without_site(title: str, site: str) -> str:
    if not site:
        return title
    for separator in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and tail.strip().casefold() == site.casefold():
            return head.strip()
    return title
