"""Markdown that cannot carry markup or script from what it quotes.

Item fields (titles, descriptions, sites) are plain text and are escaped. Headlines and
summaries are the curator's Markdown: kept as written, except that raw HTML is shown as
text, a link to anything but http(s), mailto or a relative path is shown as text, and an
image is a link to it (every reader's client would fetch it from anywhere: a tracking pixel;
figures come from media/, placed by the templates).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from mlnews.text import squash

_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.MULTILINE)
# A raw HTML tag, comment, declaration or processing instruction starts with `<` then one
# of these; an autolink (`<https://…>`) is the one use of `<` worth keeping.
_RAW_HTML = re.compile(r"(?<!\\)<(?=[A-Za-z/!?])(?!(?:https?://|mailto:)[^\s<>]*>)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Code is shown as written, so nothing in it needs disarming: fenced blocks and code spans.
_CODE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[^\n]*$|(`+)(?!`).+?(?<!`)\2(?!`)", re.MULTILINE | re.DOTALL)
# Where a link or image opens its destination, and the destination's first word.
_LINK_OPEN = re.compile(r"\]\(\s*<?([^\s)>]*)")
_REFERENCE = re.compile(r"^( {0,3})\[([^\]\n]+)\]:[ \t]*\n?[ \t]*<?([^\s>]*)", re.MULTILINE)
_BACKSLASH_ESCAPE = re.compile(r"\\(.)")
# An image's opening, `![alt](…)` or `![alt][ref]`, after an even number of backslashes (an
# odd one escapes the "!").
_IMAGE = re.compile(r"(?<!\\)((?:\\\\)*)!\[")
_LINK = re.compile(r"!?\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")
_PLAIN_MARKUP = re.compile(r"\\(.)|[*_`]+")  # an escaped character, or emphasis and code markers
SAFE_SCHEMES = ("http", "https", "mailto")


def escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text (one line)."""
    text = " ".join(text.split())
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def without_links(markdown: str) -> str:
    """The Markdown with every link and image replaced by its text (a link inside a link is none)."""
    return _LINK.sub(r"\1", markdown)


def plain(markdown: str) -> str:
    """Markdown as the words a reader sees: links' text, no markup, escapes undone (search, posts)."""
    return squash(_PLAIN_MARKUP.sub(lambda m: m.group(1) or "", without_links(markdown)))


def disarm(markdown: str) -> str:
    """The curator's Markdown with raw HTML shown as text and links to unsafe targets made text.

    HTML comments are the curator's private notes: they are dropped. Code is left as written.
    """
    markdown = _COMMENT.sub("", markdown)
    out, last = [], 0
    for code in _CODE.finditer(markdown):
        out += [_disarm_text(markdown[last : code.start()]), code.group(0)]
        last = code.end()
    out.append(_disarm_text(markdown[last:]))
    return "".join(out)


def _disarm_text(text: str) -> str:
    text = _RAW_HTML.sub("&lt;", text)
    text = _IMAGE.sub(r"\1[", text)
    # An unsafe destination: escape the `(` so that what looked like a link is plain text.
    text = _LINK_OPEN.sub(
        lambda m: m.group(0) if _safe_destination(m.group(1)) else "]\\" + m.group(0)[1:], text
    )
    return _REFERENCE.sub(
        lambda m: (
            m.group(0) if _safe_destination(m.group(3)) else m.group(1) + "\\" + m.group(0)[len(m.group(1)) :]
        ),
        text,
    )


def _safe_destination(word: str) -> bool:
    # Markdown decodes entities and backslash escapes in a destination before a browser sees it.
    return not word or is_safe_url(html.unescape(_BACKSLASH_ESCAPE.sub(r"\1", word)))


def is_safe_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme:
        return parts.scheme.lower() in SAFE_SCHEMES and (
            parts.scheme.lower() == "mailto" or bool(parts.netloc)
        )
    # No scheme: a relative path, unless a browser would still read one (`//host`, `java\tscript:`).
    return not url.strip().startswith("//") and ":" not in url.split("/")[0]


def safe_target(url: str) -> str:
    """A link target that is safe and parses as one Markdown destination, or '' if it is not safe."""
    if not is_safe_url(url):
        return ""
    return quote(url.strip(), safe="/:?#[]@!$&'*+,;=%~-._")


def link(text: str, url: str) -> str:
    """`[text](url)` from plain text; just the text when the URL is not safe to link."""
    target = safe_target(url)
    return f"[{escape(text)}]({target})" if target else escape(text)
