"""Markdown that cannot carry markup or script from what it quotes.

Item fields (titles, descriptions, sites) are plain text and are escaped. Headlines and
summaries are the curator's Markdown: kept as written, except that raw HTML is shown as
text and link targets other than http(s), mailto and relative paths are dropped.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.MULTILINE)
# A raw HTML tag, comment, declaration or processing instruction starts with `<` then one
# of these; an autolink (`<https://…>`) is the one use of `<` worth keeping.
_RAW_HTML = re.compile(r"<(?=[A-Za-z/!?])(?!(?:https?://|mailto:)[^\s<>]*>)")
_INLINE_LINK = re.compile(r"(\]\()\s*<?((?:[^()\s<>]|\([^()\s<>]*\))*)>?((?:\s+\"[^\"]*\")?\))")
_REFERENCE_DEFINITION = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(\S+)", re.MULTILINE)
SAFE_SCHEMES = ("http", "https", "mailto")


def escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text (one line)."""
    text = " ".join(text.split())
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def disarm(markdown: str) -> str:
    """The curator's Markdown with raw HTML turned into text and unsafe link targets removed."""
    markdown = _RAW_HTML.sub("&lt;", markdown)
    markdown = _INLINE_LINK.sub(lambda m: m.group(1) + safe_target(m.group(2)) + m.group(3), markdown)
    return _REFERENCE_DEFINITION.sub(lambda m: m.group(1) + (safe_target(m.group(2)) or "#"), markdown)


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
