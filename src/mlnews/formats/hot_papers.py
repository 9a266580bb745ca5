"""Daily "Hot Papers" digests (daily-arxiv-gatsby's Markdown posts): arXiv papers ranked by
how much they were shared, with the counts.

Each `# N. Title` entry is a paper: its authors, `retweets: N, favorites: M (when read)`,
the abs link, its categories and abstract, then the tweets quoted about it (left out: they
are other people's posts, and markup). The paper is dated by the post (the day it was
listed), and its counts become `retweets` and `likes` signals read at the time given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from mlnews import identity
from mlnews.formats._arxiv import paper
from mlnews.formats.base import Format, Parsed, ParseError, Problem
from mlnews.items import Signal
from mlnews.text import squash

SOURCE = "hot-papers"
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_POST_DATE = re.compile(r"^title:\s*\"?Hot Papers (\d{4}-\d{2}-\d{2})", re.MULTILINE)
_ENTRY = re.compile(r"^# (\d+)\. (.+)$", re.MULTILINE)
_COUNTS = re.compile(
    r"^- retweets: (\d+), favorites: (\d+) \((\d\d)/(\d\d)/(\d{4}) (\d\d:\d\d:\d\d)\)", re.MULTILINE
)
_ABS = re.compile(r"\[abs\]\((https?://arxiv\.org/abs/[^)\s]+)\)")
_CATEGORY = re.compile(r"\[([a-z-]+(?:\.[A-Za-z-]+)?)\]\(https?://arxiv\.org/list/")


class HotPapers(Format):
    name = "hot-papers"
    sniff_order = 40
    description = 'Daily "Hot Papers" digests (daily-arxiv-gatsby Markdown): papers with their share counts'

    def sniff(self, head: bytes) -> bool:
        text = head[:4096].decode("utf-8", "replace")
        front = _FRONT.match(text)
        return bool(front and _POST_DATE.search(front[1]))

    def parse(self, data: bytes) -> Iterator[Parsed]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ParseError(f"not UTF-8 text (byte {error.start})") from None
        front = _FRONT.match(text)
        listed = _POST_DATE.search(front[1]) if front else None
        if front is None or listed is None:
            raise ParseError('not a Hot Papers post: no front matter with title "Hot Papers YYYY-MM-DD"')
        starts = list(_ENTRY.finditer(text))
        for number, start in enumerate(starts):
            end = starts[number + 1].start() if number + 1 < len(starts) else len(text)
            line = text.count("\n", 0, start.start()) + 1
            try:
                yield _entry(start[2], text[start.end() : end], listed[1])
            except ValueError as error:
                yield Problem(f"entry {start[1]} ({squash(start[2])[:60]}): {error}; skipped", line=line)


def _entry(title: str, body: str, listed: str) -> Parsed:
    link = _ABS.search(body)
    arxiv_id = identity.arxiv_id(link[1]) if link else None
    if arxiv_id is None:
        raise ValueError("no arXiv abs link")
    counts = _COUNTS.search(body)
    if counts is None:
        raise ValueError("no retweets/favorites line")
    blocks = [squash(block) for block in re.split(r"\n\s*\n", body.split("<blockquote", 1)[0])]
    authors_line = next((b for b in blocks if b and not b.startswith("-")), "")
    abstract = next((b for b in reversed(blocks) if b and not b.startswith("-") and b != authors_line), "")
    month, day, year, clock = counts[3], counts[4], counts[5], counts[6]
    read = datetime.fromisoformat(f"{year}-{month}-{day}T{clock}").strftime("%Y-%m-%dT%H:%M:%SZ")
    raw: dict[str, Any] = {"listed": listed, "retweets": int(counts[1]), "favorites": int(counts[2])}
    item = paper(
        arxiv_id,
        title=squash(title),
        authors=[name.strip() for name in authors_line.split(",") if name.strip()],
        abstract=abstract,
        categories=_CATEGORY.findall(body),
        dois=[],
        published=listed,
        updated=None,
        source=SOURCE,
        raw=raw,
    )
    item.signals = [
        Signal("retweets", float(counts[1]), read, SOURCE),
        Signal("likes", float(counts[2]), read, SOURCE),
    ]
    return item
