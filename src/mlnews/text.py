"""Turning what sources give (HTML snippets, LaTeX, ragged whitespace) into plain text."""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml import html as lxml_html

_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}


def squash(text: str | None) -> str:
    """Collapse runs of whitespace (line-wrapped arXiv titles, indented XML text)."""
    # str.split() knows every Unicode space and is several times faster than a regex here.
    return " ".join((text or "").split())


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, scripts removed.

    Everything mlnews stores from a feed goes through here, so no markup from a
    source reaches what is published.
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return squash(fragment)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return squash(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for block in root.iter(*_BLOCK_TAGS):
        block.tail = " " + (block.tail or "")
    return squash(root.text_content())


def latex_to_text(text: str) -> str:
    """Accents and escapes in LaTeX (`Bal\\'azs`, `{\\"o}`) as Unicode; maths left as written."""
    if "\\" not in text and "{" not in text:
        return squash(text)
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        converted = LatexNodes2Text(math_mode="verbatim").latex_to_text(text)
    except Exception:  # pylatexenc raises assorted errors on unbalanced input
        return squash(text)
    return squash(converted)
