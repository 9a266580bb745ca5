"""Plain text: what sources give (HTML snippets, LaTeX, ragged whitespace) turned into it, split
into sentences, measured (the length rules of a headline and a post) and wrapped.

A base module: the summarisers, the checks every generated text must pass (`mlnews.validate`),
the prompts and the renderers all measure text the same way by importing it from here.
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from typing import TYPE_CHECKING

from mlnews import lazy

if TYPE_CHECKING:
    from lxml import etree
    from lxml import html as lxml_html
else:  # imported with the first HTML fragment: measuring and splitting text need no parser
    etree = lazy.load("lxml.etree")
    lxml_html = lazy.load("lxml.html")

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


_GLUED = re.compile(r"\b([a-z]{2,}[.!?])([A-Z][a-z])")  # "stability.They": a space lost between sentences
_CITATION = re.compile(r"\s*<(?:cit|ref)\.?>")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")


def prose(text: str | None, *, latex: bool = False) -> str:
    """The words a reader should see of a source's text: with `latex` (an abstract)
    LaTeX (`\\emph{x}`, `$f$`, `CIFAR-{10, 100}`, `---`), turned into plain text; sentences glued
    by a lost space ("stability.They") parted."""
    text = text or ""  # HTML is turned into text where it enters the library (`html_to_text`)
    if latex and any(mark in text for mark in ("\\", "{", "$", "--", "~")):
        from pylatexenc.latex2text import LatexNodes2Text

        # pylatexenc raises assorted errors on unbalanced input; the text then stays as it is.
        with contextlib.suppress(Exception):  # an abstract's "%" is a percent sign, not a comment
            text = LatexNodes2Text(math_mode="text", strict_latex_spaces=True).latex_to_text(
                _UNESCAPED_PERCENT.sub(r"\\%", text)
            )
        text = _CITATION.sub("", text)  # what pylatexenc makes of \\cite{...} and \\ref{...}
    if latex:  # TeX's quotes: ``a'' and `a'
        text = _TEX_QUOTE.sub(lambda m: f"“{m[1]}”" if m[0].startswith("``") else f"‘{m[2]}’", text)
    return squash(_GLUED.sub(r"\1 \2", text))


_TEX_QUOTE = re.compile(r"``([^`']+)''|`([^`']+)'")


# -- sentences ---------------------------------------------------------------------------------


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string, split at spaces."""
    return frozenset(text.split())


# CJK scripts and their punctuation, Hangul, compatibility ideographs, full-width forms ("！", "，").
CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]")


def is_cjk(char: str) -> bool:
    return bool(CJK.match(char))


def cjk_count(text: str) -> int:
    return len(CJK.findall(text))


def mostly_cjk(text: str) -> bool:
    return cjk_count(text) * 2 > len(text)


_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def cjk_language(text: str) -> str | None:
    """The language, "zh" or "ja", of a text written mostly in Chinese or Japanese, else None.

    Chinese prose keeps Latin names (SAM, EfficientNet): a Latin word weighs about two CJK
    characters. Japanese writes its grammar in kana, which Chinese never uses, so a tenth of
    kana tells them apart."""
    cjk = cjk_count(text)
    if not cjk or cjk < 2 * len(_LATIN_WORD.findall(text)):
        return None
    return "ja" if len(_KANA.findall(text)) * 10 >= cjk else "zh"


# Where a sentence may end: Latin end marks before a space, CJK ones anywhere.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|[。！？｡]+[」』”’）)\]]*|．(?![0-9０-９])[」』”’）)\]]*")
_WORD_BEFORE = re.compile(r"\S*$")
_WORD_AFTER = re.compile(r"\s*(\S+)")
# Never the end of a sentence: "e.g. the", "Fig. 3", "Smith et al. (2020)".
_ABBREVIATIONS = word_set(
    "e.g i.e cf vs fig figs eq eqs sec secs ref refs tab tabs no nos vol approx resp incl "
    "dr mr mrs ms prof st jr sr ca ch pp al etc"
)
# ...except these, which end a sentence often enough when a capitalised word follows.
_ENDS_WHEN_CAPITAL = frozenset({"al", "etc"})
_INITIALS = re.compile(r"[A-Z]|(?:[A-Z]\.)+[A-Z]")  # "J. Smith", "U.S. Army"
# After an initial, only these say a new sentence began ("... with model B. We then ...").
_STARTERS = word_set("we this the these our it its in here however they to finally a an")


def split_sentences(text: str) -> list[str]:
    """The sentences of a plain text, in order, whitespace collapsed."""
    text = squash(text)
    sentences: list[str] = []
    start = 0
    for mark in _BOUNDARY.finditer(text):
        if mark.group()[0] in ".!?…" and not _ends_sentence(text, mark.start(), mark.end()):
            continue
        piece = text[start : mark.end()].strip()
        if piece:
            sentences.append(piece)
        start = mark.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _ends_sentence(text: str, mark: int, end: int) -> bool:
    before = _WORD_BEFORE.search(text, max(0, mark - 40), mark)
    word = before.group().lstrip("\"'“‘([{") if before else ""
    after = _WORD_AFTER.match(text, end)
    following = after.group(1).lstrip("\"'“‘([{") if after else ""
    if text[mark] == "." and _INITIALS.fullmatch(word):
        return following.lower() in _STARTERS
    if text[mark] == "." and word.lower() in _ABBREVIATIONS:
        return word.lower() in _ENDS_WHEN_CAPITAL and following[:1].isupper()
    return _starts_sentence(following)


def _starts_sentence(word: str) -> bool:
    if not word or not word[0].islower():
        return True  # a capital, a digit, a CJK character, a symbol
    # "pixelNeRF", "word2vec": names that begin a sentence in lower case.
    return any(char.isupper() or char.isdigit() for char in word[1:])


# -- lengths: a headline's, and a post's as X counts it -------------------------------------------

HEADLINE_LIMIT = 90
# A CJK character carries about a word: 40 of them make as long a headline as 90 Latin letters.
CJK_HEADLINE_LIMIT = 40
POST_LIMIT = 280
LINK_LENGTH = 23  # X shortens every link to t.co, whatever its real length

# A link, less punctuation that ends the sentence around it (X does not count that as part of it).
_URL = re.compile(r"https?://[^\s]*[^\s.,:;!?'\")\]}>]", re.IGNORECASE)
# twitter-text v3: code points in these ranges count 1, every other one 2 (CJK, emoji).
_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


def post_length(text: str) -> int:
    """The length X counts: every http(s) link is LINK_LENGTH, CJK and emoji count double.

    An emoji joined from several code points counts a little more here than on
    X, which errs on the side of a post that fits.
    """
    text = unicodedata.normalize("NFC", text)
    length = 0
    last = 0
    for link in _URL.finditer(text):
        length += _weighted(text[last : link.start()]) + LINK_LENGTH
        last = link.end()
    return length + _weighted(text[last:])


def _weighted(text: str) -> int:
    return len(text) + len(_HEAVY.findall(text))


def fits(post: str, link: str) -> bool:
    """Whether the post and its link, one space apart, fit in one X post."""
    return post_length(post + " " + link) <= POST_LIMIT


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
