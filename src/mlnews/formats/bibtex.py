"""BibTeX and biblatex bibliographies, read by bibtexparser 2.

A bibliography is imported whole or not at all: bibtexparser skips an entry
it cannot parse and goes on, which would silently drop a paper, so any failed
block makes the file a ParseError. Duplicate citekeys are only a warning: two
entries that share a key are still two papers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares.parsestack import default_parse_stack
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)

from mlnews import identity, limits
from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.items import Item
from mlnews.text import latex_to_text

# bibtexparser logs each block it gives up on; the ParseError says it once, with the
# file's name. (Shown again when the application configures logging.)
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

# Optional BOM, blank or `%` comment lines, then `@type{` or `@type(`.
_HEAD = re.compile(rb"^(?:\xef\xbb\xbf)?(?:[ \t\r\n]*%[^\n]*(?:\n|$))*\s*@[A-Za-z]+\s*[{(]")

# Entry types that are papers whatever they carry.
PAPER_TYPES = frozenset(
    {
        "article",
        "inproceedings",
        "conference",
        "incollection",
        "phdthesis",
        "mastersthesis",
        "techreport",
    }
)
# Types that are papers when they name an arXiv id or a DOI (how preprints get cited).
PREPRINT_TYPES = frozenset({"misc", "unpublished", "online", "preprint", "electronic", "report"})

# Where the venue is, most specific first (`journaltitle` is biblatex's `journal`).
_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "publisher", "school", "institution")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_ARXIV_MENTION = re.compile(
    r"\barxiv\s*[:.]?\s*(?:abs/)?(?P<id>[a-z.-]*/?\d{4}\.?\d{3,5}(?:v\d+)?)", re.IGNORECASE
)
_URL_COMMAND = re.compile(r"\\url\s*\{(?P<url>[^{}]*)\}")
_URL_ESCAPE = re.compile(r"\\([_%#&~$])")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_UNESCAPED_TILDE = re.compile(r"(?<!\\)~")
_YEAR = re.compile(r"\b(\d{4})\b")
_ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class Bibtex(Format):
    name = "bibtex"
    sniff_order = 80
    description = "BibTeX or biblatex bibliography (.bib)"

    def sniff(self, head: bytes) -> bool:
        return bool(_HEAD.match(head))

    def parse(self, data: bytes) -> Iterator[Parsed]:
        # bibtexparser and LaTeX decoding cost gigabytes on a 200 MB value: none is kept that long.
        data = limits.precut_document(data, b'{}"')
        library = _library(_decode(data))
        _refuse_failures(library.failed_blocks)
        first_line: dict[str, int] = {}
        for block in library.blocks:
            entry = block
            if isinstance(block, DuplicateBlockKeyBlock):
                entry = _duplicate(block, library)
            if not isinstance(entry, Entry):
                continue  # @string, @preamble, @comment and text between entries
            line = _line(entry)
            if entry.key in first_line:
                yield Problem(
                    f"citekey {entry.key!r} is used again (first on line {first_line[entry.key]}):"
                    " both entries are imported",
                    line=line,
                )
            first_line.setdefault(entry.key, line or 0)
            yield _item(entry, line)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not UTF-8: {error.reason} (convert the file to UTF-8)"
        raise ParseError(message, line=line) from None


def _library(text: str) -> Library:
    try:
        # The documented entry point; bibtexparser's typing re-exports it implicitly only.
        return bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    except Exception as error:  # a bibtexparser bug must be a readable error, not a traceback
        message = f"cannot read the bibliography ({type(error).__name__}: {error})"
        raise ParseError(message) from None


def _refuse_failures(failed: list[ParsingFailedBlock]) -> None:
    """ParseError for the first block bibtexparser could not read (duplicate citekeys aside)."""
    for block in failed:
        if isinstance(block, DuplicateBlockKeyBlock):
            continue
        line = block.start_line + 1 if isinstance(block.start_line, int) else None
        head = (block.raw or "").split(",", 1)[0].split("\n", 1)[0].strip()
        if isinstance(block, DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            reason = f"field(s) {names} given twice"
        else:
            reason = str(getattr(block.error, "abort_reason", "") or block.error).strip()
            reason = reason or "syntax error"
        raise ParseError(f"cannot read the entry {head}: {reason}", line=line)


def _duplicate(block: DuplicateBlockKeyBlock, library: Library) -> Entry:
    """The entry behind a duplicate citekey, read like the others.

    bibtexparser sets it aside before its middleware runs: its values still have
    their braces and its @string macros are unresolved.
    """
    entry = block.ignore_error_block
    alone = Library(blocks=[*library.strings, entry] if isinstance(entry, Entry) else [])
    for middleware in default_parse_stack(allow_inplace_modification=False):
        alone = middleware.transform(alone)
    if not alone.entries:
        line = block.start_line + 1 if isinstance(block.start_line, int) else None
        raise ParseError(f"cannot read the second entry with citekey {block.key!r}", line=line)
    found: Entry = alone.entries[0]
    return found


def _line(entry: Entry) -> int | None:
    # bibtexparser counts lines from 0.
    return entry.start_line + 1 if isinstance(entry.start_line, int) else None


def _item(entry: Entry, line: int | None) -> Item | Problem:
    fields = {str(field.key).lower(): str(field.value) for field in entry.fields}
    entry_type = str(entry.entry_type).lower()
    title = latex(limits.precut(fields.get("title", ""), limits.TITLE))
    if not title:
        return Problem(f"skipped entry {entry.key!r}: it has no title", line=line)
    arxiv = _arxiv(fields)
    found_doi = identity.doi(_unescape_url(fields.get("doi", "")))
    identifiers = [f"arxiv:{arxiv}"] if arxiv else []
    identifiers += [f"doi:{found_doi}"] if found_doi else []
    urls = _urls(fields, arxiv, found_doi)
    if not urls and not identifiers:
        return Problem(
            f"skipped entry {entry.key!r}: it has no url, doi or arXiv eprint to identify it by",
            line=line,
        )
    paper = entry_type in PAPER_TYPES or (entry_type in PREPRINT_TYPES and bool(identifiers))
    return Item(
        title=title,
        kind="paper" if paper else "other",
        authors=authors(fields.get("author", "")),
        site=_site(fields, arxiv),
        urls=urls,
        identifiers=identifiers,
        published=published(fields),
        abstract=latex(limits.precut(fields.get("abstract", ""), limits.ABSTRACT)),
        tags=_keywords(fields.get("keywords", "")),
        raw={"bibtex": _raw(entry_type, entry.key, fields)},
    )


def latex(text: str) -> str:
    """Plain text of a BibTeX value.

    In BibTeX, `~` is a non-breaking space, and an unescaped `%` is a literal
    percent sign (BibTeX has no comments inside values); a LaTeX reader would
    instead drop the rest of the line after it.
    """
    text = _UNESCAPED_PERCENT.sub(r"\\%", text)
    return latex_to_text(_UNESCAPED_TILDE.sub(" ", text))


def authors(value: str) -> list[str]:
    """Names from "Last, First and First Last and others": ["First Last", "First Last"]."""
    names = [_first_last(name) for name in _split_top_level(value, _AND)]
    return [latex(name) for name in names if name and name.lower() != "others"]


def _first_last(name: str) -> str:
    """BibTeX's "von Last, Jr, First" and "Last, First" orders as "First von Last Jr"."""
    parts = [part.strip() for part in _split_top_level(name, re.compile(r","))]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}".strip()
    if len(parts) >= 3:
        return f"{parts[2]} {parts[0]} {parts[1]}".strip()
    return name.strip()


def _split_top_level(value: str, separator: re.Pattern[str]) -> list[str]:
    """Split where the separator occurs outside braces: "{Barnes and Noble}" is one name."""
    parts: list[str] = []
    depth = start = index = 0
    while index < len(value):
        char = value[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            match = separator.match(value, index)
            if match and match.end() > index:
                parts.append(value[start:index])
                start = index = match.end()
                continue
        index += 1
    parts.append(value[start:])
    return [part.strip() for part in parts if part.strip()]


def _arxiv(fields: dict[str, str]) -> str | None:
    """The arXiv id: an eprint the entry says is arXiv's, or Google Scholar's
    `journal = {arXiv preprint arXiv:1810.04805}`."""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    eprint = fields.get("eprint", "").strip()
    if eprint and (archive == "arxiv" or eprint.lower().startswith("arxiv:")):
        found = identity.arxiv_id(eprint)
        if found:
            return found
    for name in ("journal", "journaltitle", "note", "howpublished"):
        match = _ARXIV_MENTION.search(fields.get(name, ""))
        found = identity.arxiv_id(match.group("id")) if match else None
        if found:
            return found
    # An arXiv DOI (10.48550/arXiv.<id>) names the same paper.
    return identity.arxiv_id(_unescape_url(fields.get("doi", ""))) if fields.get("doi") else None


def _urls(fields: dict[str, str], arxiv: str | None, found_doi: str | None) -> list[str]:
    candidates = [fields.get("url", "")]
    candidates += [m.group("url") for m in _URL_COMMAND.finditer(fields.get("howpublished", ""))]
    if arxiv:
        candidates.append(f"https://arxiv.org/abs/{arxiv}")
    if found_doi:
        candidates.append(f"https://doi.org/{found_doi}")
    urls: list[str] = []
    for candidate in candidates:
        url = _unescape_url(candidate)
        if url and identity.canonical_url(url) and url not in urls:
            urls.append(url)
    return urls


def _unescape_url(value: str) -> str:
    """A URL or DOI as typed, without `\\url{}` and the `\\_` escapes LaTeX needs."""
    match = _URL_COMMAND.search(value)
    text = match.group("url") if match else value
    return _URL_ESCAPE.sub(r"\1", text).strip()


def _site(fields: dict[str, str], arxiv: str | None) -> str:
    for name in _VENUE_FIELDS:
        venue = fields.get(name, "")
        if venue and not (arxiv and _ARXIV_MENTION.search(venue)):
            return latex(venue)
    return "arXiv" if arxiv else ""


def published(fields: dict[str, str]) -> str | None:
    """The most precise ISO date the entry gives: "2019", "2019-06" or "2019-06-02"."""
    match = _ISO_DATE.match(fields.get("date", ""))  # biblatex
    if match:
        year, month, day = (int(group) if group else None for group in match.groups())
    else:
        year_match = _YEAR.search(fields.get("year", ""))
        if not year_match:
            return None
        year, month, day = int(year_match.group(1)), _month(fields.get("month", "")), None
        if month and fields.get("day", "").strip().isdigit():
            day = int(fields["day"])
    return _iso(year or 0, month, day)


def _month(value: str) -> int | None:
    text = value.strip().strip("{}").strip().lower()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    word = re.match(r"[a-z]+", text)
    return _MONTHS.get(word.group(0)) if word else None


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    if not 1 <= year <= 9999:
        return None
    if month is None or not 1 <= month <= 12:
        return f"{year:04d}"
    if day is not None:
        try:
            return date(year, month, day).isoformat()
        except ValueError:  # 31 June: the month is still right
            pass
    return f"{year:04d}-{month:02d}"


def _keywords(value: str) -> list[str]:
    tags: list[str] = []
    for word in re.split(r"[,;]", value):
        tag = latex(word)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _raw(entry_type: str, citekey: str, fields: dict[str, str]) -> dict[str, str]:
    """Every field as written, beside the entry's type and citekey.

    A field named like those two (techreports have a `type` field) keeps its
    value under `field_type`/`field_citekey` instead of being overwritten.
    """
    reserved = ("type", "citekey")
    record = {("field_" + name if name in reserved else name): v for name, v in fields.items()}
    return {"type": entry_type, "citekey": citekey, **record}
