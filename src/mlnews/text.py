"""Turning what sources give (HTML snippets, LaTeX, ragged whitespace) into plain text."""

from __future__ import annotations

import html
import re
import unicodedata

from lxml import etree
from lxml import html as lxml_html

_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}


# C0 and C1 control characters other than tab and line ends: no text means them, and XML
# (the feeds) and HTML forbid them.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])


def squash(text: str | None) -> str:
    """Collapse runs of whitespace (line-wrapped arXiv titles, indented XML text); drop control characters."""
    if not text:
        return ""
    if _clean(text):
        return text
    # str.split() knows every Unicode space and is several times faster than a regex here.
    return " ".join(without_controls(text).split())


def _clean(text: str) -> bool:
    """Printable ASCII with single spaces between words: the usual case, told in a
    fraction of the time squashing takes (which is a sixth of parsing a snapshot)."""
    return (
        text.isascii() and text.isprintable() and "  " not in text
        and not text.startswith(" ") and not text.endswith(" ")
    )  # fmt: skip


def without_controls(text: str) -> str:
    return text.translate(_CONTROLS)  # faster than a regular expression, even when there are none


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


# -- wrapping plain text ---------------------------------------------------------------------

# Closing punctuation stays on the line of what it closes; opening stays with what it opens.
_NO_BREAK_BEFORE = set(
    "、。，．,.:;：；！？!?）)]」』】〕〉》”’〙〗〟ー々…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
_NO_BREAK_AFTER = set("（([「『【〔〈《“‘〘〖〝")
_BULLET = re.compile(r"^(?:[-*]|\d+\.|>|#+) ")


def wrap(text: str, width: int = 72, prefix: str = "") -> str:
    """Plain text wrapped at `width` columns, each line of `text` on its own.

    CJK characters are two columns wide and a line may break beside any of them; Latin
    words and URLs are never split. A list item (`- `, `1. `) hangs under its first word,
    and a quoted line (`> `) goes on quoted.
    """
    out: list[str] = []
    for line in text.splitlines() or [""]:
        bullet = _BULLET.match(line)
        if bullet is None:
            hanging = prefix
        elif bullet.group(0) == "> ":
            hanging = prefix + "> "
        else:
            hanging = prefix + " " * len(bullet.group(0))
        out += _wrap_line(line.strip(), width, prefix, hanging)
    return "\n".join(out)


def _wrap_line(line: str, width: int, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    current, prefix, space = "", first, False
    for chunk in _chunks(line):
        if chunk.isspace():
            space = bool(current)
            continue
        candidate = current + (" " if space else "") + chunk
        if current and _columns(prefix + candidate) > width:
            lines.append((prefix + current).rstrip())
            prefix, candidate = rest, chunk
        current, space = candidate, False
    lines.append((prefix + current).rstrip())
    return lines


def _chunks(line: str) -> list[str]:
    """The pieces between which a line may break: runs of spaces, single CJK characters, words."""
    pieces: list[str] = []
    for character in line:
        kind = _kind(character)
        if pieces and kind != "wide" and _kind(pieces[-1][-1]) == kind:
            pieces[-1] += character
        else:
            pieces.append(character)
    chunks: list[str] = []
    for piece in pieces:
        glued = chunks and not piece.isspace() and not chunks[-1].isspace()
        if glued and (piece[0] in _NO_BREAK_BEFORE or chunks[-1][-1] in _NO_BREAK_AFTER):
            chunks[-1] += piece
        else:
            chunks.append(piece)
    return chunks


def _kind(character: str) -> str:
    return "space" if character.isspace() else "wide" if _is_wide(character) else "narrow"


def _is_wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F")


def _columns(text: str) -> int:
    return sum(2 if _is_wide(character) else 1 for character in text)
