"""arXiv's OAI-PMH responses (export.arxiv.org/oai2): ListRecords and GetRecord.

Three metadata formats are read, chosen per record by the metadata element's
local name rather than by the request's metadataPrefix, because harvests get
edited and re-served without their namespaces (hepcrawl's samples do exactly
that): `arXiv` (structured authors), `arXivRaw` (every version with its date)
and `oai_dc` (plain Dublin Core).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from mlnews import identity
from mlnews.dates import iso
from mlnews.formats import _arxiv
from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.formats.xml import child_text, children, local, parse_xml, root_name
from mlnews.items import Item
from mlnews.text import squash

_OAI_ARXIV_PREFIX = "oai:arxiv.org:"
_COMMENT_PREFIX = "Comment:"

Header = dict[str, Any]
MetadataReader = Callable[[etree._Element, Header], Item | Problem]


class OaiPmh(Format):
    name = "oai-pmh"
    sniff_order = 40
    description = "arXiv OAI-PMH harvests (metadataPrefix arXiv, arXivRaw or oai_dc)"

    def sniff(self, head: bytes) -> bool:
        # Only arXiv's repository is understood: other repositories' records
        # have no arXiv id to key them by.
        return root_name(head) == "OAI-PMH" and b"arxiv" in head.lower()

    def parse(self, data: bytes) -> Iterator[Parsed]:
        root = parse_xml(data)
        if local(root.tag) != "OAI-PMH":
            raise ParseError(f"not an OAI-PMH response: the root element is <{local(root.tag)}>")
        _raise_errors(root)
        for container in root:
            if local(container.tag) in ("ListRecords", "GetRecord"):
                for record in children(container, "record"):
                    yield _record(record)


def _raise_errors(root: etree._Element) -> None:
    """An `<error>` response: an empty harvest is fine, anything else is a failure."""
    for error in children(root, "error"):
        code = error.get("code") or "unknown"
        if code == "noRecordsMatch":
            continue
        message = squash("".join(str(part) for part in error.itertext()))
        raise ParseError(f"OAI-PMH error {code}: {message}" if message else f"OAI-PMH error {code}")


def _record(record: etree._Element) -> Item | Problem:
    header = _header(record)
    identifier = header.get("identifier") or None
    if header.get("status") == "deleted":
        return Problem("deleted record skipped", record=identifier)
    metadata = _metadata_element(record)
    if metadata is None:
        return Problem("record without metadata skipped", record=identifier)
    reader = _READERS.get(local(metadata.tag))
    if reader is None:
        return Problem(f"unsupported metadata format <{local(metadata.tag)}> skipped", record=identifier)
    return reader(metadata, header)


def _header(record: etree._Element) -> Header:
    for header in children(record, "header"):
        fields: Header = {
            "identifier": squash(child_text(header, "identifier")),
            "datestamp": squash(child_text(header, "datestamp")),
            "sets": [squash(el.text) for el in children(header, "setSpec") if el.text],
        }
        if header.get("status"):
            fields["status"] = header.get("status")
        return fields
    return {}


def _metadata_element(record: etree._Element) -> etree._Element | None:
    for metadata in children(record, "metadata"):
        for child in metadata:
            if isinstance(child.tag, str):  # not a comment or processing instruction
                return child
    return None


def _arxiv_id(metadata_id: str, header: Header) -> str | None:
    """The versionless id from the record, else from the header (`oai:arXiv.org:<id>`)."""
    found = identity.arxiv_id(metadata_id) if metadata_id else None
    if found:
        return found
    identifier = str(header.get("identifier") or "")
    if identifier.lower().startswith(_OAI_ARXIV_PREFIX):
        return identity.arxiv_id(identifier[len(_OAI_ARXIV_PREFIX) :])
    return None


def _no_id(header: Header) -> Problem:
    return Problem("record without an arXiv id skipped", record=header.get("identifier") or None)


def _leaves(metadata: etree._Element, skip: set[str], as_lists: bool = False) -> dict[str, Any]:
    """The record's simple fields (elements without children), so nothing is lost in raw.

    Repeated fields become lists; `as_lists` makes every field a list, for
    Dublin Core where any element may repeat.
    """
    found: dict[str, list[str]] = {}
    for child in metadata:
        name = local(child.tag)
        if not name or name in skip or len(child):
            continue
        value = squash("".join(str(part) for part in child.itertext()))
        if value:
            found.setdefault(name, []).append(value)
    if as_lists:
        return dict(found)
    return {name: values[0] if len(values) == 1 else values for name, values in found.items()}


def _categories(text: str) -> list[str]:
    # arXiv lists the primary category first.
    listed = text.split()
    return _arxiv.categories(listed[0] if listed else None, listed)


def _read_arxiv(metadata: etree._Element, header: Header) -> Item | Problem:
    """metadataPrefix=arXiv: `<authors><author><keyname/><forenames/>...` and created/updated."""
    arxiv_id = _arxiv_id(squash(child_text(metadata, "id")), header)
    if not arxiv_id:
        return _no_id(header)
    authors, raw_authors = _structured_authors(metadata)
    published = iso(squash(child_text(metadata, "created")))
    raw = {**header, "format": "arXiv", **_leaves(metadata, {"title", "abstract"})}
    if any("affiliation" in author for author in raw_authors):
        raw["authors"] = raw_authors
    return _arxiv.paper(
        arxiv_id,
        title=squash(child_text(metadata, "title")),
        authors=authors,
        abstract=squash(child_text(metadata, "abstract")),
        categories=_categories(child_text(metadata, "categories")),
        dois=_arxiv.split_dois(child_text(metadata, "doi")),
        published=published,
        # A paper never revised has no <updated>: its only version is its latest.
        updated=iso(squash(child_text(metadata, "updated"))) or published,
        source=OaiPmh.name,
        raw=raw,
    )


def _structured_authors(metadata: etree._Element) -> tuple[list[str], list[dict[str, Any]]]:
    names: list[str] = []
    raw: list[dict[str, Any]] = []
    for group in children(metadata, "authors"):
        for author in children(group, "author"):
            name = _arxiv.person(
                squash(child_text(author, "forenames")),
                squash(child_text(author, "keyname")),
                squash(child_text(author, "suffix")),
            )
            if not name:
                continue
            names.append(name)
            raw.append(_arxiv.raw_author(name, author))
    return names, raw


def _read_arxiv_raw(metadata: etree._Element, header: Header) -> Item | Problem:
    """metadataPrefix=arXivRaw: one `<version>` per revision, authors as one string."""
    arxiv_id = _arxiv_id(squash(child_text(metadata, "id")), header)
    if not arxiv_id:
        return _no_id(header)
    versions = [
        {
            "version": element.get("version") or "",
            "date": squash(child_text(element, "date")),
            "size": squash(child_text(element, "size")),
        }
        for element in children(metadata, "version")
    ]
    raw = {**header, "format": "arXivRaw", **_leaves(metadata, {"title", "abstract"})}
    if versions:
        raw["versions"] = versions
    return _arxiv.paper(
        arxiv_id,
        title=squash(child_text(metadata, "title")),
        authors=_arxiv.split_authors(child_text(metadata, "authors")),
        abstract=squash(child_text(metadata, "abstract")),
        categories=_categories(child_text(metadata, "categories")),
        dois=_arxiv.split_dois(child_text(metadata, "doi")),
        published=_arxiv.rfc2822_date(versions[0]["date"]) if versions else None,
        updated=_arxiv.rfc2822_date(versions[-1]["date"]) if versions else None,
        source=OaiPmh.name,
        raw=raw,
    )


def _read_dublin_core(metadata: etree._Element, header: Header) -> Item | Problem:
    """metadataPrefix=oai_dc: `Surname, Given` creators, abstract and `Comment:` descriptions."""
    fields = _leaves(metadata, set(), as_lists=True)
    identifiers: list[str] = fields.get("identifier", [])
    arxiv_id = next((found for found in map(identity.arxiv_id, identifiers) if found), None)
    arxiv_id = arxiv_id or _arxiv_id("", header)
    if not arxiv_id:
        return _no_id(header)
    abstract, comments = _descriptions(fields.get("description", []))
    dates = sorted(date for date in map(iso, fields.get("date", [])) if date)
    raw = {**header, "format": "oai_dc"}
    raw.update({k: v for k, v in fields.items() if k not in ("title", "description")})
    if comments:
        raw["comment"] = comments if len(comments) > 1 else comments[0]
    version = next(filter(None, map(_arxiv.version_of, identifiers)), None)
    if version:
        raw["version"] = version
    return _arxiv.paper(
        arxiv_id,
        title=" ".join(fields.get("title", [])),
        authors=[name for name in map(_inverted_name, fields.get("creator", [])) if name],
        abstract=abstract,
        # arXiv's Dublin Core names subjects in words ("Computer Science - Learning"),
        # not as category codes; they are kept as given.
        categories=_arxiv.categories(None, fields.get("subject", [])),
        dois=_dc_dois(identifiers),
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        source=OaiPmh.name,
        raw=raw,
    )


def _descriptions(descriptions: list[str]) -> tuple[str, list[str]]:
    """The abstract, and the `Comment: ...` descriptions arXiv adds after it."""
    abstract = ""
    comments: list[str] = []
    for text in descriptions:
        if text.startswith(_COMMENT_PREFIX):
            comments.append(text[len(_COMMENT_PREFIX) :].strip())
        elif not abstract:
            abstract = text
    return abstract, comments


def _inverted_name(creator: str) -> str:
    """`Surname, Given[, Suffix]` → `Given Surname Suffix`."""
    parts = [part.strip() for part in creator.split(",")]
    if len(parts) == 1:
        return _arxiv.person("", parts[0])
    return _arxiv.person(parts[1], parts[0], " ".join(parts[2:]))


def _dc_dois(identifiers: list[str]) -> list[str]:
    dois: list[str] = []
    for identifier in identifiers:
        if identifier.lower().startswith("doi:"):
            found = _arxiv.split_dois(identifier[4:])
        else:
            linked = identity.doi_from_url(identifier) if "://" in identifier else None
            found = [linked] if linked else []
        dois.extend(doi for doi in found if doi not in dois)
    return dois


_READERS: dict[str, MetadataReader] = {
    "arXiv": _read_arxiv,
    "arXivRaw": _read_arxiv_raw,
    "dc": _read_dublin_core,
}
