"""What a web page says about itself: title, authors, date, identifiers, main text.

A function of the page's bytes and URL: nothing is fetched and nothing on the page
is run. Each field comes from the first source that gives a usable value, in this
order (`_SOURCES`): Highwire `citation_*` tags, Dublin Core, PRISM, OpenGraph,
Twitter cards, JSON-LD, Parse.ly tags, plain `<meta name=author|description|keywords>`,
and last the page itself (`<a rel=author>`, `<title>`). Scholarly tags come first
because they name the paper, while a journal's OpenGraph and `<title>` are often
shortened or branded.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from mlnews import identity
from mlnews.dates import iso
from mlnews.text import html_to_text, squash


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


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF: servers label PDFs text/html often enough to check."""
    head = data[:1024].lstrip()
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :].lstrip()
    return head.startswith(b"%PDF-")


def page_meta(html: bytes | str, url: str, *, with_text: bool = True) -> PageMeta:
    """The metadata and main text of the page `html`, fetched from `url`."""
    if isinstance(html, bytes):
        if looks_like_pdf(html):
            return PageMeta(url=url)
        source = _decode(html)
    else:
        if looks_like_pdf(html[:1024].encode("utf-8", "replace")):
            return PageMeta(url=url)
        source = html
    # lxml refuses a str that declares its encoding, and NUL ends libxml2's strings early.
    source = _XML_DECLARATION.sub("", source, count=1).replace("\x00", "")
    root = _parse(source)
    if root is None:
        return PageMeta(url=url)
    page = _Page.read(root, url)
    found = _merge([read(page) for read in _SOURCES])
    values = asdict(found)
    # The <title> element is the last resort, and often carries the site's name: "Post | Site".
    values["title"] = found.title or _without_site(_title_element(root), found.site_name)
    values["kind"] = "paper" if values.pop("scholarly") or found.arxiv_id else "article"
    text = _main_text(source, url, large=_is_large(root)) if with_text else ""
    return PageMeta(url=url, canonical=page.canonical, text=text, **values)


# trafilatura's fallback extractor (jusText) is quadratic in the number of paragraphs: a
# 2 MB page of short paragraphs keeps it busy for a minute. Real article pages have a few
# thousand elements (PeerJ's 360 kB page: 3,300) and there the fallback changed nothing.
_FALLBACK_BUDGET = 10_000


def _is_large(root: etree._Element) -> bool:
    return sum(1 for _ in islice(root.iter(), _FALLBACK_BUDGET + 1)) > _FALLBACK_BUDGET


def _main_text(source: str, url: str, *, large: bool) -> str:
    """The article body as plain text (trafilatura), "" when it finds none."""
    try:
        text = trafilatura.extract(
            source,
            url=url,
            fast=large,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception:  # trafilatura raises assorted errors on hostile trees; the metadata still stands
        return ""
    if not text:
        return ""
    return "\n".join(line for line in (squash(line) for line in text.splitlines()) if line)


# ---- bytes to a tree -------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# The HTML standard's prescan looks at the first 1024 bytes; pages that put a long
# comment or script first push the declaration further, so look a little further.
_PRESCAN = 4096
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# What browsers decode a label as (WHATWG Encoding): the declared legacy charset is
# read as its Windows superset, which is what the page's author actually typed.
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gbk",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(data: bytes) -> str:
    """The page's text: by its byte-order mark, else its declared charset, else UTF-8
    when the bytes are valid UTF-8, else Windows-1252 (the web's default)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    declared = _declared_encoding(data[:_PRESCAN])
    if declared:
        return data.decode(declared, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED.search(head)
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"  # the bytes were ASCII-compatible enough for the regex to read them
    return _SUPERSETS.get(name, name)


def _parse(source: str) -> etree._Element | None:
    if not source.strip():
        return None
    try:
        return lxml_html.document_fromstring(source)
    except (etree.ParserError, ValueError):  # "Document is empty", or nothing but comments
        return None


# ---- the page as the sources see it -------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    root: etree._Element
    tags: dict[str, list[str]]  # lower-case meta name or property -> contents in page order
    canonical: str
    base: str  # what relative URLs are resolved against

    @classmethod
    def read(cls, root: etree._Element, url: str) -> _Page:
        tags = _meta_tags(root)
        canonical = _canonical(root, tags, url)
        return cls(root, tags, canonical, canonical or url)

    def values(self, *names: str) -> list[str]:
        return [value for name in names for value in self.tags.get(name, [])]


def _meta_tags(root: etree._Element) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        # OpenGraph belongs in property= but half the web writes name=: read both.
        keys = {(meta.get(attribute) or "").strip().lower() for attribute in ("name", "property")}
        for key in keys - {""}:
            tags.setdefault(key, []).append(content)
    return tags


def _canonical(root: etree._Element, tags: dict[str, list[str]], url: str) -> str:
    links = [link.get("href") or "" for link in root.iter("link") if "canonical" in _rel(link)]
    return _first_url([*links, *tags.get("og:url", [])], url)


def _text_of(element: etree._Element) -> str:
    # What lxml.html's text_content() gives, spelled so its types are known.
    return "".join(text for text in element.itertext() if isinstance(text, str))


def _rel(element: etree._Element) -> list[str]:
    return (element.get("rel") or "").lower().split()


# ---- what each source says ------------------------------------------------------------


@dataclass(frozen=True)
class _Fields:
    """What one source says; the first non-empty value per field wins (`_merge`)."""

    title: str = ""
    authors: tuple[str, ...] = ()
    description: str = ""
    published: str | None = None
    site_name: str = ""
    image: str = ""
    doi: str | None = None
    arxiv_id: str | None = None
    pdf_url: str = ""
    keywords: tuple[str, ...] = ()
    scholarly: bool = False  # the source is a scholarly vocabulary describing a paper


def _highwire(page: _Page) -> _Fields:
    title = _first_text(page.values("citation_title"))
    # Highwire writes names "Last, First"; the old plural tag lists them with semicolons.
    listed = [name for value in page.values("citation_authors") for name in value.split(";")]
    authors = _people([*page.values("citation_author"), *listed], last_first=True)
    doi = _first_doi(page.values("citation_doi"))
    pdf_url = _first_url(page.values("citation_pdf_url"), page.base)
    urls = page.values(
        "citation_abstract_html_url", "citation_fulltext_html_url", "citation_public_url", "citation_pdf_url"
    )
    return _Fields(
        title=title,
        authors=authors,
        description=_first_text(page.values("citation_abstract")),
        published=_first_date(
            page.values("citation_publication_date", "citation_date", "citation_online_date")
        ),
        site_name=_first_text(page.values("citation_journal_title", "citation_conference_title")),
        doi=doi,
        arxiv_id=_first_arxiv(page.values("citation_arxiv_id"))
        or _arxiv_link([*page.values("citation_doi"), *urls]),
        pdf_url=pdf_url,
        keywords=_keywords(page.values("citation_keywords")),
        scholarly=bool(doi or (title and (authors or pdf_url))),
    )


def _dublin_core(page: _Page) -> _Fields:
    def dc(*names: str) -> list[str]:
        # Case-insensitive already (_meta_tags); DCTERMS is the newer spelling of the same terms.
        return page.values(*(f"{prefix}.{name}" for name in names for prefix in ("dc", "dcterms")))

    # Publishers that give creators list the authors there; eLife lists them as contributors.
    people = dc("creator", "creator.personalname") or dc("contributor", "contributor.personalname")
    doi = _first_doi(dc("identifier", "identifier.doi"))
    return _Fields(
        title=_first_text(dc("title")),
        authors=_people(people, last_first=True),
        description=_first_text(dc("description", "abstract")),
        published=_first_date(
            dc("date", "date.issued", "issued", "date.created", "created", "date.available", "available")
        ),
        doi=doi,
        arxiv_id=_arxiv_link(dc("identifier", "identifier.uri")),
        keywords=_keywords(dc("subject")),
        scholarly=doi is not None,
    )


def _prism(page: _Page) -> _Fields:
    return _Fields(
        published=_first_date(page.values("prism.publicationdate")),
        site_name=_first_text(page.values("prism.publicationname")),
        doi=_first_doi(page.values("prism.doi")),
    )


def _opengraph(page: _Page) -> _Fields:
    return _Fields(
        title=_first_text(page.values("og:title")),
        # article:author is meant to be a profile URL; _people drops those, keeping plain names.
        authors=_people(page.values("article:author")),
        description=_first_text(page.values("og:description")),
        published=_first_date(page.values("article:published_time")),
        site_name=_first_text(page.values("og:site_name")),
        image=_first_url(page.values("og:image", "og:image:url", "og:image:secure_url"), page.base),
        arxiv_id=_arxiv_link(page.values("og:url")),
        keywords=_keywords(page.values("article:tag")),
    )


def _twitter(page: _Page) -> _Fields:
    # twitter:creator is a handle (@someone), not a name: it is not an author.
    return _Fields(
        title=_first_text(page.values("twitter:title")),
        description=_first_text(page.values("twitter:description")),
        image=_first_url(page.values("twitter:image", "twitter:image:src"), page.base),
    )


def _parsely(page: _Page) -> _Fields:
    return _Fields(
        title=_first_text(page.values("parsely-title")),
        authors=_people(page.values("parsely-author")),
        published=_first_date(page.values("parsely-pub-date")),
    )


def _plain_meta(page: _Page) -> _Fields:
    return _Fields(
        authors=_people(page.values("author")),
        description=_first_text(page.values("description")),
        keywords=_keywords(page.values("keywords")),
    )


def _page_itself(page: _Page) -> _Fields:
    # <a rel=author> is HTML's own way to name the article's author (WordPress themes use it).
    bylines = [_text_of(link) for link in page.root.iter("a") if "author" in _rel(link)]
    return _Fields(
        authors=tuple(name for name in _people(bylines) if len(name) <= _MAX_NAME)[:_MAX_BYLINES],
        arxiv_id=_arxiv_link([page.canonical]),
    )


_MAX_NAME = 80  # a rel=author link around a sentence ("More posts by ...") is no name
_MAX_BYLINES = 10  # a listing page links every post's author; a real byline names a few


def _title_element(root: etree._Element) -> str:
    # An inline <svg> has <title>s of its own: skip them.
    titles = (
        _text_of(title)
        for title in root.iter("title")
        if not any(ancestor.tag == "svg" for ancestor in title.iterancestors())
    )
    return _first_text(titles)


# ---- JSON-LD -------------------------------------------------------------------------------

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


def _json_ld(page: _Page) -> _Fields:
    item = _main_json_ld(page.root)
    if item is None:
        return _Fields()
    types = _types(item)
    ids = [*_strings(item.get("identifier")), *_strings(item.get("sameAs")), *_strings(item.get("doi"))]
    ids += [*_strings(item.get("@id")), *_strings(item.get("url"))]
    return _Fields(
        title=_first_text([*_strings(item.get("headline")), *_strings(item.get("name"))]),
        authors=_people(_names(item.get("author"))),
        description=_first_text(_strings(item.get("description"))),
        published=_first_date(_strings(item.get("datePublished"))),
        site_name=_first_text(_names(item.get("publisher"))),
        image=_first_url(_urls(item.get("image")), page.base),
        doi=_first_doi(ids),
        arxiv_id=_arxiv_link(ids),
        keywords=_keywords(_strings(item.get("keywords"))),
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


_SOURCES: tuple[Callable[[_Page], _Fields], ...] = (
    _highwire,
    _dublin_core,
    _prism,
    _opengraph,
    _twitter,
    _json_ld,
    _parsely,
    _plain_meta,
    _page_itself,
)


def _merge(found: list[_Fields]) -> _Fields:
    """Per field, the value of the first source that gives one."""
    merged: dict[str, Any] = {}
    for field in fields(_Fields):
        given = [getattr(source, field.name) for source in found]
        merged[field.name] = next((value for value in given if value), given[0])
    return _Fields(**merged)


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", " » ")


def _without_site(title: str, site: str) -> str:
    if not site:
        return title
    for separator in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and tail.strip().casefold() == site.casefold():
            return head.strip()
    return title


# ---- values --------------------------------------------------------------------------------

_TAG = re.compile(r"</?[A-Za-z!][^>]*>")


def _clean(value: str) -> str:
    """Plain text: entities decoded, tags and scripts dropped, whitespace collapsed."""
    text = html_to_text(value)
    if _TAG.search(text):
        # Escaped twice (&amp;lt;b&amp;gt;): the first pass turned the escapes into markup.
        text = squash(_TAG.sub(" ", html_to_text(text)))
    return text


def _first_text(values: Iterable[str]) -> str:
    return next((text for text in map(_clean, values) if text), "")


def _first_url(values: Iterable[str], base: str) -> str:
    return next((url for url in (_absolute(value, base) for value in values) if url), "")


def _absolute(value: str, base: str) -> str:
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


def _first_doi(values: Iterable[str]) -> str | None:
    for value in values:
        value = value.strip()
        if value.lower().startswith("info:doi/"):
            value = value[len("info:doi/") :]
        found = identity.doi(value)
        if found:
            return found
    return None


def _first_arxiv(values: Iterable[str]) -> str | None:
    return next((found for found in map(identity.arxiv_id, values) if found), None)


def _arxiv_link(values: Iterable[str]) -> str | None:
    """The arXiv id in an arxiv.org URL or an arXiv DOI among values that are not ids."""
    # Only values that name arXiv: an identifier like "article/1234567" passes for an old-style id.
    return _first_arxiv(value for value in values if "arxiv" in value.lower())


_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _people(values: Iterable[str], *, last_first: bool = False) -> tuple[str, ...]:
    """Distinct person names; URLs and @handles are not names."""
    names: dict[str, str] = {}
    for value in values:
        name = _clean(value)
        if not name or name.startswith("@") or "://" in name:
            continue
        if last_first and name.count(",") == 1:
            last, first = (part.strip() for part in name.split(","))
            if last and first and first.rstrip(".").lower() not in _NAME_SUFFIXES:
                name = f"{first} {last}"
        names.setdefault(name.casefold(), name)
    return tuple(names.values())


def _keywords(values: Iterable[str]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for value in values:
        separator = ";" if ";" in value else ","
        for keyword in map(_clean, value.split(separator)):
            if keyword:
                found.setdefault(keyword.casefold(), keyword)
    return tuple(found.values())


_SLASHED_DATE = re.compile(r"^(\d{4})[/.-](\d{1,2})(?:[/.-](\d{1,2}))?$")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
_WRITTEN_DATES = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")
_WRITTEN_MONTHS = ("%B %Y", "%b %Y")


def _first_date(values: Iterable[str]) -> str | None:
    return next((found for found in map(_date, values) if found), None)


def _date(value: str) -> str | None:
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
