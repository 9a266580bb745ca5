"""JSON-LD (schema.org) in a page's `<script type="application/ld+json">` blocks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree

from mlnews.enrich.page import Fields, Page
from mlnews.enrich.values import arxiv_link, first_date, first_doi, first_text, first_url, keywords, people

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "scholarlyarticle",
    "techarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
}
_PAGE_TYPES = {"webpage"}
# CMSs wrap the JSON in CDATA or a comment to keep old XHTML parsers calm.
_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)(.*?)(?://\s*)?(?:\]\]>|-->)\s*$", re.DOTALL)


def json_ld(page: Page) -> Fields:
    item = _main_json_ld(page.root)
    if item is None:
        return Fields()
    types = _types(item)
    ids = [*_strings(item.get("identifier")), *_strings(item.get("sameAs")), *_strings(item.get("doi"))]
    ids += [*_strings(item.get("@id")), *_strings(item.get("url"))]
    return Fields(
        title=first_text([*_strings(item.get("headline")), *_strings(item.get("name"))]),
        authors=people(_names(item.get("author"))),
        description=first_text(_strings(item.get("description"))),
        published=first_date(_strings(item.get("datePublished"))),
        site_name=first_text(_names(item.get("publisher"))),
        image=first_url(_urls(item.get("image")), page.base),
        doi=first_doi(ids),
        arxiv_id=arxiv_link(ids),
        keywords=keywords(_strings(item.get("keywords"))),
        scholarly="scholarlyarticle" in types,
    )


def _main_json_ld(root: etree._Element) -> dict[str, object] | None:
    """The first article object in the page's JSON-LD, else the first web page object."""
    pages: list[dict[str, object]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        for item in _objects(_load_json(script.text or "")):
            types = _types(item)
            if types & _ARTICLE_TYPES:
                return item
            if types & _PAGE_TYPES:
                pages.append(item)
    return pages[0] if pages else None


def _load_json(text: str) -> object:
    wrapped = _WRAPPER.match(text)
    if wrapped:
        text = wrapped.group(1)
    try:
        # strict=False: CMSs put raw newlines and tabs inside JSON strings.
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):  # a broken or absurdly nested block is no metadata
        return None


def _objects(data: object) -> Iterator[dict[str, object]]:
    """The objects of a JSON-LD block: itself, a top-level list's items, an @graph's items."""
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (node for node in graph if isinstance(node, dict))


def _types(item: dict[str, object]) -> set[str]:
    # "@type" may be a list, and may be written as a full IRI (http://schema.org/Article).
    return {re.split(r"[/:#]", name)[-1].lower() for name in _strings(item.get("@type"))}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    if isinstance(value, dict):  # a PropertyValue identifier: {"propertyID": "DOI", "value": "10..."}
        return _strings(value.get("value")) + _strings(value.get("@id"))
    return []


def _names(value: object) -> list[str]:
    """Names from a person or organisation: a string, an object with a name, or a list."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            names += _strings(item.get("name"))[:1]
    return names


def _urls(value: object) -> list[str]:
    """Image URLs from a string, an ImageObject ({"url": ...}) or a list of either."""
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for item in items:
        if isinstance(item, str):
            urls.append(item)
        elif isinstance(item, dict):
            urls += _strings(item.get("url")) + _strings(item.get("contentUrl"))
    return urls
