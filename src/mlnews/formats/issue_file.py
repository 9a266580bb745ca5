"""Past issues as the curator's decisions: every entry a pick of its week, the editor's
picks featured, the curator's headline and summary kept as their own words.

Two kinds of file:
- mlnews's own issue sources (`issues/2020-W49.md`, read with `issue.source`);
- a published issue in the layout of "Akira's ML News", in English, Chinese or Japanese
  (as mlnews renders it, or as the series was published): a week title, an editor's
  picks list, numbered sections, and under each a heading per entry with its link.

Importing a back catalogue this way teaches the ranker at once. A pick that is not in
the issue's body names an earlier week's item: it is recorded as a pick without a week.

The curator's headline, summary and post are kept as texts in the issue's language (the
`lang` its front matter declares, else the one its entries are written in), never as the
item's title: a Chinese or Japanese issue prints titles translated ("傅立叶神经算子…"), and
such a title is kept as that language's `title` text. The item's own title and abstract come
from its record (arXiv, OpenReview, the page), imported before or after; until then it has
none. Items are known by the id in their link (an arXiv or OpenReview URL, a DOI in a
publisher's URL), so the record and the entry merge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlnews import identity
from mlnews.document import source
from mlnews.document.model import Entry, normal_key
from mlnews.errors import UsageError
from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.items import Event, Item, Text
from mlnews.text import cjk_count, cjk_language, squash
from mlnews.weeks import Week

SECTIONS = ("papers", "articles", "use-cases", "other")  # the default sections, by number
_TITLES = (
    (re.compile(r"^#\s*(\d{4})\s*年\s*第\s*(\d{1,2})\s*周\s*$"), "zh", (1, 2)),
    (re.compile(r"^#\s*(\d{4})\s*年\s*第\s*(\d{1,2})\s*週\s*$"), "ja", (1, 2)),
    (re.compile(r"^#\s*Week\s+(\d{1,2}),\s*(\d{4})\s*$", re.IGNORECASE), "en", (2, 1)),
)
_PICKS = ("编辑精选", "editor's picks", "編集者のおすすめ")
_PAST = ("过去的文章", "past issues", "過去の記事")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_SECTION = re.compile(r"^(\d)\s*[.．、]\s*(.+)$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_URL = re.compile(r"https?://[^\s)\]>】<]+")
_MEDIUM_NOISE = re.compile(r"^[—\-\s]+$")  # the series' separator lines
_CARD = re.compile(r"\[##[^\]]*\]\([^)]*\)")  # a link card, over several lines: `[## title … site](url)`
_PICK_NOTE = re.compile(r"[(（]\d[.。].*$")  # a pick's "(1. Machine-learning papers)"
_DECLARED = re.compile(r"^\s*(?:lang|language)\s*[:=]\s*[\"']?([A-Za-z]{2})\b", re.IGNORECASE | re.MULTILINE)
_SOURCE_FRONT = re.compile(r"^(week|month)\s*=", re.MULTILINE)  # what makes `+++` an mlnews source
LANGUAGES = ("en", "zh", "ja")  # the languages a published issue is read in


class IssueFile(Format):
    name = "issue"
    sniff_order = 45
    description = "Past issues: mlnews issue sources or published issues (en/zh/ja), as picks"

    def sniff(self, head: bytes) -> bool:
        text = head[:4096].decode("utf-8", "replace").lstrip("\ufeff")
        if _is_source(text):
            return True
        _, lines, start = _front_matter(text.splitlines())
        first = lines[start] if start < len(lines) else ""
        return any(pattern.match(first.strip()) for pattern, _, _ in _TITLES)

    def parse(self, data: bytes) -> Iterator[Parsed]:
        try:
            text = data.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError as error:
            raise ParseError(f"not UTF-8 text (byte {error.start})") from None
        if _is_source(text):
            yield from _from_source(text)
        else:
            yield from _from_published(text)


def _is_source(text: str) -> bool:
    """An mlnews issue source: TOML front matter naming its week or month. A published post's
    own front matter (a blog's `---` or `+++` block with its `lang`) names neither."""
    if not text.startswith("+++"):
        return False
    end = text.find("\n+++", 3)
    return bool(_SOURCE_FRONT.search(text[: end if end > 0 else len(text)]))


def _front_matter(lines: list[str]) -> tuple[str, list[str], int]:
    """A published post's front matter (its text, "" if none), its lines, and the index of its
    first line after the front matter and blank lines: where the week's title is."""
    front, start = "", 0
    fence = lines[0].strip() if lines else ""
    if fence in ("---", "+++"):
        end = next((n for n, line in enumerate(lines[1:], start=1) if line.strip() == fence), None)
        if end is not None:
            front, start = "\n".join(lines[1:end]), end + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    return front, lines, start


def _language(declared: str, entries: list[Entry], titled: str) -> str:
    """The language of an issue's texts: the one its front matter declares, else the one its
    headlines and summaries are mostly written in, else the one its title is in."""
    if declared in LANGUAGES:
        return declared
    said = "\n".join(f"{e.headline}\n{e.summary}\n{e.post}" for e in entries)
    if not said.strip():
        return titled
    return cjk_language(said) or "en"


# -- mlnews issue sources ----------------------------------------------------------------------


def _from_source(text: str) -> Iterator[Parsed]:
    try:
        issue = source.parse(text).issue
    except source.IssueError as error:
        raise ParseError(str(error)) from None
    if not isinstance(issue.period, Week):
        yield Problem(f"{issue.name} is a monthly summary: its entries come from its weeks; nothing imported")
        return
    picks = {normal_key(k) for k in issue.picks}
    # The language its front matter records, else (a file from before) whichever its entries are
    # in; an entry drafted in another language (an offline English draft) says so itself.
    lang = _language(issue.lang, issue.entries, "en")
    for entry in issue.entries:
        featured = normal_key(entry.key) in picks
        yield _item(entry, issue.period, featured, entry.lang or lang, issue.period)


def _item(entry: Entry, week: Week, featured: bool, lang: str, decided_for: Week | None) -> Item:
    at = f"{week.start().isoformat()}T00:00:00Z"
    state = "featured" if featured else "shortlisted"
    section = entry.section if decided_for is not None else None
    period = str(decided_for) if decided_for is not None else None
    title = entry.title
    named = [("headline", entry.headline), ("summary", entry.summary), ("post", entry.post)]
    if lang != "en" and cjk_count(title):
        # A title in the issue's script is its translation: the curator's text, not the record's.
        named.append(("title", title))
        title = ""
    texts = [Text(name, lang, value, edited=True, updated=at) for name, value in named if value]
    link = entry.link if entry.link.startswith(("http://", "https://")) else ""
    # The headline is never the title (it states the gist): an item without one waits for its record.
    return Item(
        title=title,
        kind=entry.kind or _kind_of(entry.key),
        key=entry.key,
        authors=[a.strip() for a in entry.authors.split(",") if a.strip()],
        site=entry.site,
        urls=[link] if link else [],
        identifiers=[f"doi:{found}"] if link and (found := identity.doi_in_path(link)) else [],
        state=state,
        section=section,
        week=period,
        history=[Event(at=at, state=state, section=section, week=period)],
        texts=texts,
    )


def _kind_of(key: str) -> str:
    return "paper" if identity.key_family(key) in ("arxiv", "openreview", "doi") else "article"


# -- published issues --------------------------------------------------------------------------


@dataclass
class _Published:
    week: Week
    lang: str
    entries: list[Entry] = field(default_factory=list)
    picks: list[tuple[str, str]] = field(default_factory=list)  # (key or "", the pick's text)


def _from_published(text: str) -> Iterator[Parsed]:
    front, lines, start = _front_matter(text.splitlines())
    found = _title(lines[start] if start < len(lines) else "")
    if found is None:
        raise ParseError(
            "no week in the title (expected e.g. 'Week 49, 2020' or '2020 年第 49 周')", line=start + 1
        )
    issue = _Published(*found)
    _read_body(lines[start + 1 :], issue)
    if not issue.entries:
        raise ParseError(f"{issue.week}: no entries found under numbered sections ('1. ...')")
    declared = _DECLARED.search(front)
    issue.lang = _language(declared[1].lower() if declared else "", issue.entries, issue.lang)
    body = {e.key: e for e in issue.entries}
    featured: set[str] = set()
    for key, shown in issue.picks:
        key = key or _by_headline(shown, issue.entries)
        if key in body:
            featured.add(key)
        elif key:
            yield Problem(f"pick {key} is not in this issue's body: recorded as a pick of an earlier week")
            headline = squash(_PICK_NOTE.sub("", shown))
            yield _item(Entry(key=key, section="", headline=headline), issue.week, True, issue.lang, None)
        else:
            yield Problem(f"pick {squash(shown)[:60]!r} has no link and matches no entry; skipped")
    for entry in issue.entries:
        yield _item(entry, issue.week, entry.key in featured, issue.lang, issue.week)


def _title(line: str) -> tuple[Week, str] | None:
    for pattern, lang, (year, number) in _TITLES:
        match = pattern.match(line.strip())
        if match:
            try:
                return Week.parse(f"{match[year]}-W{int(match[number]):02d}"), lang
            except (ValueError, UsageError):  # week 60
                return None
    return None


def _read_body(lines: list[str], issue: _Published) -> None:
    mode, section, entry, block, card = "", "", None, [], False
    for line in [*lines, "# —"]:  # a last heading closes the last entry
        # A link card (`[## page title` ... `### its description` ... `site](url)`) spans
        # lines: the headings inside it are the page's, not the issue's.
        card = entry is not None and (card or "[##" in line) and "](" not in line.split("[##")[-1]
        heading = None if card or (entry is not None and "[##" in line) else _HEADING.match(line)
        if heading is None:
            if mode == "picks":
                key = _first_key(line)
                if line.lstrip().startswith(("*", "-")):
                    issue.picks.append((key, re.sub(r"^[*\-\s]+\[?|\]\(.*$", "", line)))
            elif entry is not None:
                block.append(line)
            continue
        if entry is not None:
            _finish(entry, block, issue)
            entry, block = None, []
        name = heading[2].strip("*_ ")
        lowered = name.lower()
        numbered = _SECTION.match(name)
        if any(word in lowered for word in _PICKS):
            mode = "picks"
        elif any(word in lowered for word in _PAST) or (name.startswith("—") and not numbered):
            mode = ""
        elif numbered and 1 <= int(numbered[1]) <= len(SECTIONS):
            mode, section = "section", SECTIONS[int(numbered[1]) - 1]
        elif mode == "section":
            entry = Entry(key="", section=section, headline=name)


def _finish(entry: Entry, block: list[str], issue: _Published) -> None:
    text = "\n".join(block)
    key = _first_key(_IMAGE.sub("", text))
    if not key:
        return  # a heading with no link (the series' closing notes): not an entry
    entry.key = key
    entry.link = _first_url(_IMAGE.sub("", text))
    entry.kind = "paper" if entry.section == SECTIONS[0] else _kind_of(key)
    entry.title = _item_title(block)
    entry.summary = _summary(block)
    issue.entries.append(entry)


def _first_url(text: str) -> str:
    match = _URL.search(text)
    return match[0].rstrip(".,;:!?】") if match else ""


def _first_key(text: str) -> str:
    url = _first_url(text)
    return (identity.identify(url) or "") if url else ""


def _item_title(block: list[str]) -> str:
    """The item's own title: the italic line, a link card's `## title`, or the line before the link."""
    for line in block:
        italic = re.match(r"^\s*\*([^*]+)\*", line)
        if italic:
            return squash(italic[1])
        card = re.search(r"\[##\s*([^\]\n]+)", line)
        if card:
            return squash(card[1])
    for number, line in enumerate(block):
        if _URL.search(line):
            before = _URL.split(line)[0]
            before = re.sub(r"[\[\]()【<*]+", " ", before)
            if squash(before):
                return squash(before)
            previous = [b for b in block[:number] if b.strip() and not _IMAGE.search(b)]
            return squash(previous[-1]) if previous else ""
    return ""


def _summary(block: list[str]) -> str:
    # A link card's lines (its page title and description) are the page's words, not the curator's.
    paragraphs = re.split(r"\n\s*\n", _CARD.sub("", "\n".join(block)))
    kept = [
        squash(p)
        for p in paragraphs
        if squash(p) and not _URL.search(p) and not _IMAGE.search(p) and not _MEDIUM_NOISE.match(p)
        and not re.match(r"^\s*\*[^*]+\*\s*$", p)
    ]  # fmt: skip
    return "\n\n".join(kept)


def _by_headline(shown: str, entries: list[Entry]) -> str:
    """The entry a pick without a link names: the one whose headline its text starts with."""
    words = squash(_PICK_NOTE.sub("", shown))
    for entry in entries:
        head = squash(entry.headline)
        if head and words and (head[:12] == words[:12]):
            return entry.key
    return ""
