"""The rules that turn one feed entry into an `Item`, shared by every feed format.

RSS, Atom and JSON Feed differ in how they spell an entry, not in what mlnews
keeps of it: each format module reads its own fields into an `Entry`, and
`build_item` applies the same text, link, author and skip rules to all of them,
so an entry is imported alike whichever format its publisher chose.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from mlnews import dates, identity, limits
from mlnews.formats.base import Problem
from mlnews.items import Item
from mlnews.text import html_to_text, squash

# How much of a summary stands in for a missing title.
TITLE_FROM_SUMMARY = 80

# Hosts (and their subdomains) whose feeds list preprints: everything they publish is a paper.
_PREPRINT_DOMAINS = (
    "arxiv.org",
    "biorxiv.org",
    "medrxiv.org",
    "chemrxiv.org",
    "techrxiv.org",
    "eartharxiv.org",
    "psyarxiv.com",
    "preprints.org",
    "researchsquare.com",
    "ssrn.com",
    "openreview.net",
)
_PREPRINT_NAMES = {"arxiv", "biorxiv", "medrxiv", "chemrxiv", "techrxiv", "ssrn", "preprints.org"}

# Key families that name a paper; any other key (a URL) may name anything.
SCHOLARLY_PREFIXES = ("arxiv:", "openreview:", "doi:")

# Ids that name a paper outright: arXiv's RSS guids are "oai:arXiv.org:<id>".
_ARXIV_GUID = re.compile(r"^(?:oai:arxiv\.org:|arxiv:)\s*(?P<id>\S+)$", re.IGNORECASE)

# bioRxiv-style author lists in one string: "Kaur, M., Shukla, A., Bhati, K. K."
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[\s-]*)+$")


@dataclass
class Channel:
    """What an entry inherits from the feed that carries it."""

    title: str = ""  # plain text: becomes every item's site
    link: str = ""  # the site's address: the base for relative entry links
    preprint: bool = False  # a preprint server's feed: its entries are papers
    authors: list[str] = field(default_factory=list)  # for entries that name none


@dataclass
class Entry:
    """One entry as its format spells it, before the shared rules are applied.

    Text fields may hold HTML; links may be relative; `label` names the entry
    in a warning when it has to be skipped.
    """

    label: str
    title: str = ""
    summary: str = ""
    content: str = ""
    links: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    updated: str | None = None
    categories: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def build_item(entry: Entry, channel: Channel) -> Item | Problem:
    """The item for an entry, or a warning saying why the entry was skipped."""
    # Cut before parsing the HTML, so a huge entry costs no more than a big one.
    abstract = html_to_text(limits.precut(entry.summary, limits.ABSTRACT))
    body = html_to_text(limits.precut(entry.content, limits.BODY))
    if not abstract:
        # A feed that gives only full content: its text is still the best abstract there is.
        abstract, body = body, ""
    if body == abstract:
        body = ""
    title = html_to_text(limits.precut(entry.title, limits.TITLE)) or shorten(abstract, TITLE_FROM_SUMMARY)
    if not title:
        return Problem(f"skipped entry {entry.label}: it has no title and no summary")
    urls = absolute_urls(entry.links, channel.link)
    if not urls:
        return Problem(f"skipped entry {entry.label}: it has no absolute http(s) link")
    identifiers = _distinct(entry.identifiers)
    return Item(
        title=title,
        kind="paper" if channel.preprint or is_paper(urls, identifiers) else "article",
        authors=author_names(entry.authors) or list(channel.authors),
        site=channel.title,
        urls=urls,
        identifiers=identifiers,
        # A feed that dates an entry once (RSS 1.0 dc:date, Atom's required updated)
        # means that date as its publication date too.
        published=entry.published or entry.updated,
        updated=entry.updated,
        abstract=abstract,
        body=body,
        categories=_distinct(squash(html_to_text(term)) for term in entry.categories),
        raw=entry.raw,
    )


def shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to at most `limit` characters, marked with '…'."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-") + "…"


def absolute_urls(links: list[str], base: str) -> list[str]:
    """The links made absolute against the feed's own link; only http(s) ones are kept."""
    urls: list[str] = []
    for link in links:
        link = link.strip()
        if not link:
            continue
        try:
            url = urljoin(base.strip(), link) if base else link
            parts = urlsplit(url)
        except ValueError:  # a malformed IPv6 host and the like: not a usable link
            continue
        if parts.scheme.lower() in ("http", "https") and parts.hostname and url not in urls:
            urls.append(url)
    return urls


def is_paper(urls: list[str], identifiers: list[str]) -> bool:
    """An entry that names a scholarly id (arXiv, OpenReview, DOI), by key or by a link
    to its abstract, PDF, forum or doi.org page, is a paper."""
    return any(key.startswith(SCHOLARLY_PREFIXES) for key in identifiers) or any(
        scholarly_key(url) for url in urls
    )


def scholarly_key(reference: str) -> str | None:
    """The `arxiv:`/`openreview:`/`doi:` key of a reference that names one outright: such
    a key, an `oai:arXiv.org:` id or a URL of an arXiv, OpenReview or doi.org page.

    Bare ids are not enough: a number in a blog's guid is no arXiv id, and a word no
    OpenReview forum.
    """
    text = reference.strip()
    match = _ARXIV_GUID.match(text)
    if match:
        found = identity.arxiv_id(match.group("id"))
        return f"arxiv:{found}" if found else None
    if "://" not in text and not text.lower().startswith(SCHOLARLY_PREFIXES):
        return None
    key = identity.identify(text)
    return key if key and key.startswith(SCHOLARLY_PREFIXES) else None


def is_preprint_server(link: str, name: str = "") -> bool:
    """Whether a feed comes from a preprint server, by its site's host or its publication name."""
    try:
        host = (urlsplit(link.strip()).hostname or "").lower()
    except ValueError:
        host = ""
    if any(host == domain or host.endswith("." + domain) for domain in _PREPRINT_DOMAINS):
        return True
    return squash(name).lower() in _PREPRINT_NAMES


def iso_date(value: time.struct_time | str | None) -> str | None:
    """The date as mlnews stores it; None for one it cannot hold (year 0, year 10000)."""
    if not isinstance(value, time.struct_time | str):
        return None
    try:
        return dates.iso(value)
    except (ValueError, OverflowError, OSError):
        return None


def doi_key(value: str) -> str | None:
    """`doi:<doi>` for a DOI in any spelling (`doi:10.1101/1`, a doi.org link), else None."""
    found = identity.doi(value)
    return f"doi:{found}" if found else None


def author_names(names: list[str]) -> list[str]:
    """Plain-text author names, one per person, without repeats."""
    people: list[str] = []
    for name in names:
        people.extend(split_author_list(html_to_text(name)))
    return _distinct(people)


def split_author_list(name: str) -> list[str]:
    """A "Last, F., Last, F. G." string (how bioRxiv's dc:creator names every author
    at once) as "F. Last" names; any other name is returned unchanged."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) < 2 or len(parts) % 2:
        return [name] if name else []
    pairs = list(zip(parts[::2], parts[1::2], strict=True))
    if not all(last and _INITIALS.match(initials) for last, initials in pairs):
        return [name]
    return [f"{initials} {last}" for last, initials in pairs]


def _distinct(values: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for value in values:
        if value and value not in kept:
            kept.append(value)
    return kept


def note_shared_pages(parsed: Iterable[Item | Problem]) -> Iterator[Item | Problem]:
    """Pass entries through; then warn about entries that link to one page and differ only
    by #fragment (old blogs put a day's posts on one page): a URL without its fragment is
    one item, so they are imported as one, and the curator should know."""
    pages: dict[str, set[str]] = {}
    for thing in parsed:
        if isinstance(thing, Item) and thing.urls:
            page = identity.canonical_url(thing.urls[0])
            if page:
                pages.setdefault(page, set()).add(thing.urls[0])
        yield thing
    for page, links in pages.items():
        if len(links) > 1:
            yield Problem(
                f"{len(links)} entries link to {page} and differ only by #fragment: imported as one item"
            )
