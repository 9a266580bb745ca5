"""HTML that is safe to publish, from the curator's Markdown and from plain text.

Two locks, so that one mistake is not enough: Markdown is rendered with raw HTML off and
only http(s), mailto and relative links, and what comes out is sanitised by nh3 (Ammonia)
with a short list of tags, attributes and URL schemes.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import escape

import nh3
from markdown_it import MarkdownIt

from mlnews.document.safe import disarm, is_safe_url

# No <img>: an image in a summary would be fetched from anywhere by every reader (a
# tracking pixel); figures come from media/, placed by the templates.
TAGS = {
    "p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "hr", "span", "del", "sub", "sup",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = is_safe_url  # type: ignore[method-assign]
    return parser


@lru_cache(maxsize=4096)
def markdown(text: str) -> str:
    """The curator's Markdown as sanitised HTML (block level)."""
    plain = _plain(text)
    if plain is not None:  # most drafted summaries: escaped text in paragraphs
        return "".join(f"<p>{escape(paragraph, quote=False)}</p>\n" for paragraph in plain)
    return sanitise(_parser().render(disarm(text)))


@lru_cache(maxsize=4096)
def markdown_inline(text: str) -> str:
    """A headline's Markdown as sanitised inline HTML (no paragraph around it)."""
    plain = _plain(text)
    if plain is not None and len(plain) <= 1:
        return escape(plain[0] if plain else "", quote=False)
    return sanitise(_parser().renderInline(disarm(text)))


# Markdown with none of these (once backslash escapes are undone) is plain text: its HTML
# is the text, escaped, in paragraphs. Skipping the parser for it halves a site build.
_INLINE_MARKUP = re.compile(r"[*_`\[\]<>!&|~\\]")
_BLOCK_MARKUP = re.compile(r"^ {0,3}(#|>|[-+]\s|\d+[.)]\s)|^ {4}| {2}$|^\s*[=-]+\s*$", re.M)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _plain(text: str) -> list[str] | None:
    bare = _ESCAPED.sub("", text) if "\\" in text else text
    if _INLINE_MARKUP.search(bare) or ("\\\\" in text):
        return None
    if ("\n" in text or text[:1] in " #>-+=0123456789" or text.endswith("  ")) and _BLOCK_MARKUP.search(bare):
        return None
    unescaped = _ESCAPED.sub(r"\1", text) if "\\" in text else text
    if "\n" not in unescaped:
        return [unescaped.strip()] if unescaped.strip() else []
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", unescaped.strip())]
    return [p for p in paragraphs if p]


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def text(value: str) -> str:
    """Plain text (a title, a site's name) for an HTML element or attribute."""
    return escape(value, quote=True)


def marked(fragment: str, label: str, lang: str) -> str:
    """A text's HTML with the mark of an untranslated text after it (`document.editions`): at the
    end of its last paragraph, in a paragraph of its own after a list or code, or after inline
    HTML (a headline). The mark is in the edition's language, `lang`; "" marks nothing."""
    if not label:
        return fragment
    body, mark = fragment.rstrip(), mark_html(label, lang)
    if body.endswith("</p>"):
        return f"{body[: -len('</p>')]} {mark}</p>\n"
    if _BLOCK_END.search(body):
        return f"{body}\n<p>{mark}</p>\n"
    return f"{body} {mark}"


def mark_html(label: str, lang: str) -> str:
    """The mark of an untranslated text, "(英语)", in the edition's language."""
    return f'<small class="lang" lang="{text(lang)}">{text(label)}</small>'


_BLOCK_END = re.compile(r"</(ul|ol|pre|blockquote|h[1-6]|hr|div)>$|<hr\s*/?>$")
