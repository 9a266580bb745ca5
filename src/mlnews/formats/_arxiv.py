"""What the arXiv formats (API Atom, OAI-PMH, metadata snapshot) share.

Every arXiv record, whatever format it came in, becomes the same kind of item:
a paper keyed by its versionless arXiv id, with the abs page as its first URL.
Keeping that construction in one place keeps the three formats consistent, so a
paper imported from a snapshot merges cleanly with the same paper from the API.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from mlnews import identity
from mlnews.dates import iso
from mlnews.formats.xml import children
from mlnews.items import Item
from mlnews.text import latex_to_text, squash

SITE = "arXiv"

# arXiv separates several DOIs in one field with commas, semicolons or spaces.
_DOI_SEPARATORS = re.compile(r"[\s,;]+")
_VERSION = re.compile(r"v(\d+)$")
_MONTHS = {
    "Jan": "01",
    "Feb": "02",
    "Mar": "03",
    "Apr": "04",
    "May": "05",
    "Jun": "06",
    "Jul": "07",
    "Aug": "08",
    "Sep": "09",
    "Oct": "10",
    "Nov": "11",
    "Dec": "12",
}
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_PUNCTUATION = " :;,.-_/&*"


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def version_of(reference: str) -> str | None:
    """The `vN` at the end of an id or URL (`.../abs/1605.08386v1`), if any."""
    match = _VERSION.search(reference.rstrip("/"))
    return f"v{match.group(1)}" if match else None


def split_dois(text: str | None) -> list[str]:
    """The lower-case DOIs in a DOI field that may hold several (`10.1/a, 10.1/b;10.1/c`)."""
    if not text:
        return []
    found: list[str] = []
    for part in _DOI_SEPARATORS.split(text):
        value = identity.doi(part) if part else None
        if value and value not in found:
            found.append(value)
    return found


def categories(primary: str | None, others: list[str]) -> list[str]:
    """The primary category first, then the others in the order given, without repeats."""
    ordered: list[str] = [primary] if primary else []
    for category in others:
        if category and category not in ordered:
            ordered.append(category)
    return ordered


def person(forenames: str, keyname: str, suffix: str = "") -> str:
    """`Forenames Keyname Suffix`, LaTeX accents decoded, arXiv's `C. -P.` spelling repaired."""
    parts = [tex(part) for part in (forenames, keyname, suffix) if part]
    # arXiv's author parser turns the initials `C.-P.` into `C. -P.`; no name is spelt so.
    return clean_name(" ".join(parts).replace(". -", ".-"))


def raw_author(name: str, author: etree._Element) -> dict[str, Any]:
    """An author as the raw record keeps it: the name, and affiliations when given."""
    affiliations = [squash(el.text) for el in children(author, "affiliation") if el.text]
    return {"name": name, "affiliation": affiliations} if affiliations else {"name": name}


def clean_name(name: str) -> str:
    """The name, or '' for the punctuation arXiv sometimes files as an author (`:`)."""
    return name if name.strip(_PUNCTUATION) else ""


def tex(text: str) -> str:
    """LaTeX decoded only when there is any, because pylatexenc is slow on the hot path."""
    if "\\" in text or "{" in text:
        return latex_to_text(text)
    return text.strip()


def split_authors(text: str) -> list[str]:
    """Names from an arXiv author string: `A. One, B. Two and C. Three (Affiliation)`.

    Parenthesised parts are affiliations (`(1)`, `(Universität Wien)`) and are
    dropped before splitting, since they hold commas of their own.
    """
    plain = _drop_parentheses(latex_to_text(text))
    names: list[str] = []
    for piece in plain.split(","):
        for name in piece.split(" and "):
            name = name.strip()
            if name.startswith("and "):  # the serial comma: `A, B, and C`
                name = name[4:].strip()
            if not clean_name(name):
                continue
            if names and name.lower() in _NAME_SUFFIXES:
                names[-1] = f"{names[-1]} {name}"  # `John Smith, Jr.` is one author
            else:
                names.append(name.replace(". -", ".-"))
    return names


def _drop_parentheses(text: str) -> str:
    if "(" not in text:
        return text
    kept: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            kept.append(char)
    return " ".join("".join(kept).split())


def rfc2822_date(text: str | None) -> str | None:
    """ISO 8601 for arXiv's version dates (`Mon, 2 Apr 2007 19:18:42 GMT`).

    The fixed shape arXiv always uses is converted by hand: `email.utils` costs
    ten times as much, which shows on a 200,000-record snapshot. Anything else
    goes through the general `dates.iso`.
    """
    if not text:
        return None
    parts = text.split()
    if len(parts) == 6 and parts[5] == "GMT" and len(parts[4]) == 8 and parts[2] in _MONTHS:
        day, year = parts[1], parts[3]
        if day.isdigit() and len(day) <= 2 and year.isdigit() and len(year) == 4:
            return f"{year}-{_MONTHS[parts[2]]}-{int(day):02d}T{parts[4]}Z"
    return iso(text)


def paper(
    arxiv_id: str,
    *,
    title: str,
    authors: list[str],
    abstract: str,
    categories: list[str],
    dois: list[str],
    published: str | None,
    updated: str | None,
    source: str,
    raw: dict[str, Any],
    pdf: str | None = None,
) -> Item:
    """The item for one arXiv record: abs URL first, then the PDF, then doi.org links."""
    urls = [abs_url(arxiv_id)]
    if pdf:
        urls.append(pdf)
    identifiers = [f"arxiv:{arxiv_id}"]
    for doi in dois:
        # arXiv's own DataCite DOI (10.48550/arXiv.<id>) names this same paper.
        if doi.startswith("10.48550/"):
            continue
        urls.append(f"https://doi.org/{doi}")
        identifiers.append(f"doi:{doi}")
    return Item(
        title=title,
        kind="paper",
        authors=authors,
        site=SITE,
        urls=urls,
        identifiers=identifiers,
        published=published,
        updated=updated,
        abstract=abstract,
        categories=categories,
        raw={source: raw},
    )
