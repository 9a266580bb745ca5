"""arXiv API responses (export.arxiv.org/api/query): Atom with arXiv's own elements.

Both the current output (https links, `arXiv Query:` titles, a doi.org link)
and the pre-2025 one (http links, `ArXiv Query:`, `dx.doi.org` links, arXiv
namespace declared on each element) are read. A failed query comes back as a
feed whose only entry is titled "Error": that is a ParseError, not a paper.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from mlnews import identity
from mlnews.dates import iso
from mlnews.formats import _arxiv
from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.formats.xml import child_text, children, local, parse_xml, root_name
from mlnews.text import squash

ARXIV_NS = b"http://arxiv.org/schemas/atom"
_ERROR_ID = "arxiv.org/api/errors"


class ArxivAtom(Format):
    name = "arxiv-atom"
    sniff_order = 30
    description = "arXiv API search results (Atom from export.arxiv.org/api/query)"

    def sniff(self, head: bytes) -> bool:
        if root_name(head) != "feed":
            return False
        if b"arxiv.org/api" in head:
            return True
        # arXiv's RSS listings (rss.arxiv.org) use the same namespace but are
        # announcement feeds, not API results: the generic feed format reads them.
        return ARXIV_NS in head and b"rss.arxiv.org" not in head

    def parse(self, data: bytes) -> Iterator[Parsed]:
        root = parse_xml(data)
        if local(root.tag) != "feed":
            raise ParseError(f"not an Atom feed: the root element is <{local(root.tag)}>")
        for entry in children(root, "entry"):
            yield _entry(entry)


def _entry(entry: etree._Element) -> Parsed:
    entry_id = squash(child_text(entry, "id"))
    links = _links(entry)
    arxiv_id = identity.arxiv_id(entry_id) or identity.arxiv_id(links.get("alternate", ""))
    if _ERROR_ID in entry_id or (not arxiv_id and squash(child_text(entry, "title")) == "Error"):
        # The API answers a bad query with HTTP 400 and a feed whose one entry is the error.
        summary = squash(child_text(entry, "summary")) or "unknown error"
        raise ParseError(f"arXiv API error: {summary}", record=entry_id or None)
    if not arxiv_id:
        return Problem("entry without an arXiv id skipped", record=entry_id or None)
    authors, raw_authors = _authors(entry)
    dois = _dois(entry, links)
    primary = _primary_category(entry)
    published = iso(child_text(entry, "published"))
    updated = iso(child_text(entry, "updated"))
    raw: dict[str, Any] = {
        "id": entry_id,
        "version": _arxiv.version_of(entry_id) or _arxiv.version_of(links.get("alternate", "")),
        "published": published,
        "updated": updated,
        "primary_category": primary,
        "comment": squash(child_text(entry, "comment")),
        "journal_ref": squash(child_text(entry, "journal_ref")),
        "doi": squash(" ".join(el.text or "" for el in children(entry, "doi"))),
        "authors": raw_authors,
    }
    return _arxiv.paper(
        arxiv_id,
        title=squash(child_text(entry, "title")),
        authors=authors,
        abstract=squash(child_text(entry, "summary")),
        categories=_arxiv.categories(primary, _category_terms(entry)),
        dois=dois,
        published=published,
        updated=updated,
        source=ArxivAtom.name,
        raw={key: value for key, value in raw.items() if value},
        pdf=links.get("pdf"),
    )


def _links(entry: etree._Element) -> dict[str, str]:
    """The entry's links by role: `alternate` (abs page), `pdf` and `doi`."""
    found: dict[str, str] = {}
    for link in children(entry, "link"):
        href = (link.get("href") or "").strip()
        title = link.get("title") or ""
        if not href:
            continue
        if title == "pdf" or link.get("type") == "application/pdf":
            found.setdefault("pdf", href)
        elif title == "doi":
            found.setdefault("doi", href)
        elif link.get("rel", "alternate") == "alternate":
            found.setdefault("alternate", href)
    return found


def _authors(entry: etree._Element) -> tuple[list[str], list[dict[str, Any]]]:
    """Author names, and the raw form that keeps each author's affiliations."""
    names: list[str] = []
    raw: list[dict[str, Any]] = []
    for author in children(entry, "author"):
        name = _arxiv.clean_name(squash(child_text(author, "name")))
        if not name:
            continue
        names.append(name)
        raw.append(_arxiv.raw_author(name, author))
    return names, raw


def _dois(entry: etree._Element, links: dict[str, str]) -> list[str]:
    dois: list[str] = []
    for element in children(entry, "doi"):
        dois.extend(d for d in _arxiv.split_dois(element.text) if d not in dois)
    # The pre-2025 format may give the DOI only as a dx.doi.org link.
    linked = identity.doi_from_url(links["doi"]) if "doi" in links else None
    if linked and linked not in dois:
        dois.append(linked)
    return dois


def _primary_category(entry: etree._Element) -> str | None:
    for element in children(entry, "primary_category"):
        term = (element.get("term") or "").strip()
        if term:
            return term
    return None


def _category_terms(entry: etree._Element) -> list[str]:
    return [(el.get("term") or "").strip() for el in children(entry, "category")]
