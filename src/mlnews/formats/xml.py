"""Safe XML reading shared by the XML formats (no entities, no network, no bombs)."""

from __future__ import annotations

import re

from lxml import etree

from mlnews import limits
from mlnews.formats.base import ParseError

_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_SKIP = re.compile(rb"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL)


def root_name(head: bytes) -> str | None:
    """The local name of the root element, read from the start of a document."""
    text = as_utf8(head).lstrip(b"\xef\xbb\xbf")
    while True:
        match = _SKIP.match(text)
        if not match or not match.group(0):
            break
        text = text[match.end() :]
    match = _ROOT.match(text)
    return match.group(2).decode("ascii") if match else None


# What a document's first bytes say it is encoded in: its byte-order mark, or, without one, how
# its first "<" (every XML document starts with "<", or with a mark) is laid out in zero bytes.
# UTF-32's marks first: UTF-32LE's begins with UTF-16LE's.
_WIDE = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)


def as_utf8(head: bytes) -> bytes:
    """The start of a document in UTF-8, so its root can be read whatever its encoding: a UTF-16 or
    UTF-32 one (with or without a byte-order mark) is decoded; any other is returned as it is."""
    for start, encoding in _WIDE:
        if head.startswith(start):
            # `head` may end inside a character; that character is dropped, not an error.
            return head.decode(encoding, errors="ignore").encode("utf-8")
    return head


def parse_xml(data: bytes) -> etree._Element:
    """Parse a document strictly; a broken one is a ParseError with its line."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    # No text a record keeps is that long (`mlnews.limits`); lxml would refuse the whole
    # document for one text over 10 MB, and hold every byte of it.
    data = limits.precut_xml(data)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        message = str(error.msg or error).split(", line ")[0]
        raise ParseError(f"not well-formed XML: {message}", line=line) from None


def local(tag: object) -> str:
    """An element's name without its namespace."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def child_text(element: etree._Element, name: str) -> str:
    """The text of the first child with this local name (any namespace), or ''."""
    for child in element:
        if local(child.tag) == name:
            return "".join(str(part) for part in child.itertext())
    return ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child.tag) == name]
