"""What a paper's PDF says in words: its title and authors, its abstract, its first pages' text.

Read with PyMuPDF, within bounds: only the first MAX_PAGES pages are read (the abstract
is looked for on the first ABSTRACT_PAGES), the body is cut at MAX_BODY characters and
the abstract at MAX_ABSTRACT. Text set up the margin (arXiv's stamp), page numbers and
footnote marks ("S2ORC,¹") are left out; words hyphenated at a line's end are joined.

The abstract is what follows an "Abstract" heading (or an inline "Abstract—", "Abstract.")
up to the first section heading or "Keywords"; without such a heading, the first
paragraph of prose on the first pages stands in for it.
"""

# PyMuPDF ships py.typed, but most of its functions and methods carry no annotations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pymupdf

from mlnews.text import squash

# MuPDF reports damaged PDFs on stderr itself; a PDF it cannot read just has no text here.
pymupdf.TOOLS.mupdf_display_errors(False)

__all__ = ["PdfText", "read_pdf"]

MAX_PAGES = 4  # pages read for the body
ABSTRACT_PAGES = 2  # pages the abstract is looked for on
MAX_BODY = 20_000  # characters
MAX_ABSTRACT = 3_000  # characters
_PROSE_WORDS = 40  # a paragraph this long, without an "Abstract" heading, stands in for it

_SUPERSCRIPT = 1  # PyMuPDF span flags
_BOLD = 16

# "Abstract" alone on its line, or "Abstract—We ...", "Abstract. We ...", "ABSTRACT We ...".
_ABSTRACT = re.compile(r"^\s*(?:(?i:abstract)\s*(?:$|[.:—–-]\s*)|ABSTRACT\s+|A B S T R A C T\s*)(.*)$")
# Where an abstract ends: the first section, or the keywords after it.
_SECTION = re.compile(
    r"^\s*(?:(?:\d+|[IVX]+)\.?\s+)?"
    r"(?:introduction|background|related work|preliminaries|motivation|overview)\b"
    r"|^\s*(?:keywords?|key\s?words|index terms|ccs concepts|acm reference format|subjects?|msc|pacs|jel)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\s*(?:\d+|[IVX]+)\.?\s*$")
_WORD = re.compile(r"[^\W\d_]+")
# TeX sets an accent as its own glyph before the letter ("F¨arber"): put it back on the letter.
_SPACING_ACCENTS = {"¨": "\u0308", "´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "˜": "\u0303", "˚": "\u030a"}
_ACCENTED = re.compile(f"([{''.join(_SPACING_ACCENTS)}])\\s?([A-Za-z])")


@dataclass(frozen=True)
class PdfText:
    title: str
    authors: tuple[str, ...]
    abstract: str
    body: str  # paragraphs, one a line
    problem: str = ""  # why nothing could be read, when nothing could


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    bold: bool
    block: int  # which block (paragraph) of the document it belongs to
    page: int


def read_pdf(data: bytes, *, max_pages: int = MAX_PAGES, max_body: int = MAX_BODY) -> PdfText:
    """The PDF's title and authors (its own metadata, else the biggest text on page 1), its
    abstract and the text of its first pages; empty parts where it has none or cannot be read."""
    if b"%PDF-" not in data[:1024]:  # MuPDF would read an HTML error page as a document too
        return _unread("not a PDF")
    try:
        with pymupdf.open(stream=data, filetype="pdf") as document:
            if document.needs_pass:
                return _unread("the PDF is encrypted")
            if not document.page_count:
                return _unread("the PDF has no pages")
            title, authors = _title(document)
            lines = _lines(document, min(max_pages, document.page_count))
    # FzErrorBase: MuPDF's own errors (a page tree that cycles) are not RuntimeErrors.
    except (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase) as error:  # damaged or not a PDF at all
        return _unread(f"the PDF is damaged ({str(error).split(': ', 1)[-1] or type(error).__name__})")
    vocabulary = _vocabulary([line.text for line in lines])
    paragraphs = _paragraphs(lines, vocabulary)
    abstract = _abstract(lines, vocabulary) or _first_prose(paragraphs)
    return PdfText(title, authors, abstract, _cut("\n".join(paragraphs), max_body))


def _unread(problem: str) -> PdfText:
    return PdfText("", (), "", "", problem)


def _vocabulary(lines: list[str]) -> set[str]:
    """The words the text uses whole: not the halves of a word hyphenated at a line's end."""
    words: set[str] = set()
    hyphenated = False
    for line in lines:
        found = _WORD.findall(line)
        if hyphenated:
            found = found[1:]
        hyphenated = line.endswith("-")
        if hyphenated:
            found = found[:-1]
        words.update(word.lower() for word in found)
    return words


def _title(document: Any) -> tuple[str, tuple[str, ...]]:
    info = document.metadata or {}
    title = _clean(str(info.get("title") or ""))
    authors = tuple(
        squash(a) for a in str(info.get("author") or "").replace(";", ",").split(",") if a.strip()
    )
    if len(title) < 8:
        title = _largest_text(document[0]) or title
    return title, authors


def _largest_text(page: Any) -> str:
    """The biggest text on the page, set horizontally (not arXiv's stamp up the margin)."""
    spans = [
        (span["size"], squash(span["text"]))
        for block in page.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        if abs(line["dir"][1]) <= 0.1
        for span in line.get("spans", [])
        if squash(span["text"])
    ]
    if not spans:
        return ""
    biggest = max(size for size, _ in spans)
    return _clean(" ".join(text for size, text in spans if size >= biggest - 0.5))[:300]


def _lines(document: Any, pages: int) -> list[_Line]:
    """The horizontal lines of text on the first pages, in reading order, footnote marks left out."""
    lines: list[_Line] = []
    block_id = 0
    for number in range(pages):
        page = document[number].get_text("dict", flags=pymupdf.TEXT_MEDIABOX_CLIP)
        for block in page["blocks"]:
            block_id += 1
            for line in block.get("lines", []):
                if abs(line["dir"][1]) > 0.1:  # set up the margin: arXiv's stamp, a rotated label
                    continue
                spans = [s for s in line["spans"] if s["text"].strip()]
                if not spans:
                    continue
                size = max(s["size"] for s in spans)
                # A superscript smaller than the line's text is a footnote mark or an affiliation.
                kept = [
                    s for s in line["spans"] if not (s["flags"] & _SUPERSCRIPT and s["size"] < 0.85 * size)
                ]
                text = _clean("".join(s["text"] for s in kept))
                if text:
                    bold = all(s["flags"] & _BOLD for s in kept if s["text"].strip())
                    lines.append(_Line(text, size, bold, block_id, number))
    return lines


def _clean(text: str) -> str:
    text = _ACCENTED.sub(lambda m: m.group(2) + _SPACING_ACCENTS[m.group(1)], text)
    return squash(unicodedata.normalize("NFKC", text))  # "ﬁ" -> "fi"


def _join(lines: list[str], vocabulary: set[str]) -> str:
    """Lines joined into running text; a word hyphenated at a line's end made whole again
    ("cor-" + "pus"), but a compound kept ("automatically-" + "detected")."""
    text = ""
    for line in lines:
        fragment = re.search(r"([^\W\d_]+)-$", text)
        following = re.match(r"([^\W\d_]+)", line)
        if fragment and following and following.group(1)[0].islower():
            before, after = fragment.group(1).lower(), following.group(1).lower()
            whole = before + after
            known = before in vocabulary or (before.endswith("ly") and len(before) > 4)  # "automatically-"
            compound = whole not in vocabulary and known and after in vocabulary
            text = text + line if compound else text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return squash(text)


def _paragraphs(lines: list[_Line], vocabulary: set[str]) -> list[str]:
    """The text block by block, page numbers left out."""
    paragraphs: list[str] = []
    for block in dict.fromkeys(line.block for line in lines):
        text = _join([line.text for line in lines if line.block == block], vocabulary)
        if text and not _NUMBER.match(text):
            paragraphs.append(text)
    return paragraphs


def _abstract(lines: list[_Line], vocabulary: set[str]) -> str:
    """The text under the "Abstract" heading on the first pages, up to the next section."""
    for start, line in enumerate(lines):
        if line.page >= ABSTRACT_PAGES:
            return ""
        heading = _ABSTRACT.match(line.text)
        if not heading:
            continue
        collected = [heading.group(1)] if heading.group(1) else []
        for following in lines[start + 1 :]:
            if _SECTION.match(following.text) or (collected and _ends_abstract(following)):
                break
            if _NUMBER.match(following.text):
                continue  # a page number
            collected.append(following.text)
            if sum(len(text) for text in collected) > MAX_ABSTRACT:
                break
        return _sentences_within(_join(collected, vocabulary), MAX_ABSTRACT)
    return ""


def _ends_abstract(line: _Line) -> bool:
    """A short bold line is the next heading ("1", "1 Introduction", "Keywords")."""
    return line.bold and len(line.text.split()) <= 6 and not line.text.endswith(".")


def _first_prose(paragraphs: list[str]) -> str:
    """Without an "Abstract" heading: the first paragraph that reads as prose."""
    for paragraph in paragraphs:
        if len(paragraph.split()) >= _PROSE_WORDS and paragraph.rstrip().endswith("."):
            return _sentences_within(paragraph, MAX_ABSTRACT)
    return ""


def _sentences_within(text: str, limit: int) -> str:
    """The text, or as many of its sentences as fit in `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    return cut[: end + 1] if end > 0 else _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut where a word ends."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")] if " " in cut else cut
