"""Meta tag contents as the values a page description holds: plain text, absolute
URLs, DOIs, arXiv ids, person names, keywords and ISO dates.

Every reader takes the values one vocabulary gives, in page order, and keeps the
first usable one (or every distinct one), so a malformed tag yields to the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urljoin

from mlnews import identity
from mlnews.dates import iso
from mlnews.text import html_to_text, squash

_TAG = re.compile(r"</?[A-Za-z!][^>]*>")


def clean(value: str) -> str:
    """Plain text: entities decoded, tags and scripts dropped, whitespace collapsed."""
    text = html_to_text(value)
    if _TAG.search(text):
        # Escaped twice (&amp;lt;b&amp;gt;): the first pass turned the escapes into markup.
        text = squash(_TAG.sub(" ", html_to_text(text)))
    return text


def first_text(values: Iterable[str]) -> str:
    return next((text for text in map(clean, values) if text), "")


def first_url(values: Iterable[str], base: str) -> str:
    return next((url for url in (absolute(value, base) for value in values) if url), "")


def absolute(value: str, base: str) -> str:
    """The value resolved against base, when that is an http(s) URL; else "" (javascript:, data:).

    The URL is kept as the page wrote it: `identity.canonical_url` makes keys, not links.
    """
    value = value.strip()
    if not value:
        return ""
    try:
        resolved = urljoin(base, value)
    except ValueError:  # a malformed IPv6 host
        return ""
    return resolved if identity.canonical_url(resolved) else ""


def first_doi(values: Iterable[str]) -> str | None:
    for value in values:
        value = value.strip()
        if value.lower().startswith("info:doi/"):
            value = value[len("info:doi/") :]
        found = identity.doi(value)
        if found:
            return found
    return None


def first_arxiv(values: Iterable[str]) -> str | None:
    return next((found for found in map(identity.arxiv_id, values) if found), None)


def arxiv_link(values: Iterable[str]) -> str | None:
    """The arXiv id in an arxiv.org URL or an arXiv DOI among values that are not ids."""
    # Only values that name arXiv: an identifier like "article/1234567" passes for an old-style id.
    return first_arxiv(value for value in values if "arxiv" in value.lower())


_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def people(values: Iterable[str], *, last_first: bool = False) -> tuple[str, ...]:
    """Distinct person names; URLs and @handles are not names."""
    names: dict[str, str] = {}
    for value in values:
        name = clean(value)
        if not name or name.startswith("@") or "://" in name:
            continue
        if last_first and name.count(",") == 1:
            last, first = (part.strip() for part in name.split(","))
            if last and first and first.rstrip(".").lower() not in _NAME_SUFFIXES:
                name = f"{first} {last}"
        names.setdefault(name.casefold(), name)
    return tuple(names.values())


def keywords(values: Iterable[str]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for value in values:
        separator = ";" if ";" in value else ","
        for keyword in map(clean, value.split(separator)):
            if keyword:
                found.setdefault(keyword.casefold(), keyword)
    return tuple(found.values())


_SLASHED_DATE = re.compile(r"^(\d{4})[/.-](\d{1,2})(?:[/.-](\d{1,2}))?$")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
_WRITTEN_DATES = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")
_WRITTEN_MONTHS = ("%B %Y", "%b %Y")


def first_date(values: Iterable[str]) -> str | None:
    return next((found for found in map(parse_date, values) if found), None)


def parse_date(value: str) -> str | None:
    """ISO 8601 for the ways pages write dates: 2019/03/20, 2019-03-20, 20 March 2019,
    Apr 22, 2019, ISO and RFC 2822 datetimes; None when it is none of these."""
    text = squash(_ORDINAL.sub("", value))
    slashed = _SLASHED_DATE.match(text)
    if slashed:
        year, month, day = slashed.groups()
        text = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    found = iso(text)
    if found:
        return found
    for pattern in _WRITTEN_DATES:
        try:
            return iso(datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    for pattern in _WRITTEN_MONTHS:
        try:
            return iso(datetime.strptime(text, pattern).strftime("%Y-%m"))
        except ValueError:
            continue
    return None
