"""A fetched page's bytes as text, and that text as an HTML tree.

Pages state their encoding in a byte-order mark, a `<meta charset>` or an XML
declaration, or not at all; this module reads them as a browser would, and hands
the parser text it will accept.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree
from lxml import html as lxml_html


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF: servers label PDFs text/html often enough to check."""
    head = data[:1024].lstrip()
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :].lstrip()
    return head.startswith(b"%PDF-")


def page_source(html: bytes | str) -> str | None:
    """The page as text the HTML parser accepts; None when the bytes are a PDF."""
    if isinstance(html, bytes):
        if looks_like_pdf(html):
            return None
        source = decode(html)
    else:
        if looks_like_pdf(html[:1024].encode("utf-8", "replace")):
            return None
        source = html
    # lxml refuses a str that declares its encoding, and NUL ends libxml2's strings early.
    return _XML_DECLARATION.sub("", source, count=1).replace("\x00", "")


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


def decode(data: bytes) -> str:
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


def parse(source: str) -> etree._Element | None:
    if not source.strip():
        return None
    try:
        return lxml_html.document_fromstring(source)
    except (etree.ParserError, ValueError):  # "Document is empty", or nothing but comments
        return None
