"""OpenReview conference data as tab-separated files (the ICLR OpenReview crawls' layout).

- a paper list (`paper_id  title  link  keywords  abstract`): one paper a row, keyed by
  its forum id; the authors' keywords become its categories;
- a ratings file (`paper_id  0 … 5 [decision]`, the first header cell sometimes empty):
  the reviewers' mean rating, and whether it was accepted, as signals on papers already
  imported. The file does not say when the ratings were read: they are dated by the import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from mlnews.dates import now
from mlnews.formats.base import Format, Parsed, ParseError, Problem, Signals
from mlnews.items import Item, Signal
from mlnews.text import squash

SOURCE = "openreview"
_PAPERS = ["paper_id", "title", "link", "keywords", "abstract"]


class OpenReviewTsv(Format):
    name = "openreview-tsv"
    sniff_order = 60
    description = "OpenReview paper lists and ratings (tab-separated, as the ICLR crawls publish them)"
    line_oriented = False

    def sniff(self, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace").split("\t")
        return first == _PAPERS or _is_ratings(first)

    def parse(self, data: bytes) -> Iterator[Parsed]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(f"not UTF-8 text (byte {error.start})") from None
        rows = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, [])
        if header == _PAPERS:
            yield from _papers(rows)
        elif _is_ratings(header):
            yield from _ratings(rows, has_decision=header[-1] == "decision", read=now())
        else:
            raise ParseError("not an OpenReview paper list or ratings file (see its first line)", line=1)


def _is_ratings(header: list[str]) -> bool:
    return len(header) >= 2 and header[0] in ("", "paper_id") and header[1] == "0"


def _papers(rows: Iterator[list[str]]) -> Iterator[Parsed]:
    for line, row in enumerate(rows, start=2):
        if len(row) != len(_PAPERS) or not row[0].strip() or not row[1].strip():
            cells = len(_PAPERS)
            yield Problem(f"expected {cells} cells with an id and a title, got {len(row)}; skipped", line)
            continue
        forum, title, link, keywords, abstract = (cell.strip() for cell in row)
        yield Item(
            title=squash(title),
            kind="paper",
            key=f"openreview:{forum}",
            site="openreview.net",
            urls=[link] if link.startswith("https://") else [],
            abstract=squash(abstract),
            categories=[k.strip() for k in keywords.split(",") if k.strip()],
        )


def _ratings(rows: Iterator[list[str]], *, has_decision: bool, read: str) -> Iterator[Parsed]:
    for line, row in enumerate(rows, start=2):
        if not row or not row[0].strip():
            continue
        cells = row[1:-1] if has_decision else row[1:]
        try:
            scores = [float(cell) for cell in cells if cell.strip()]
        except ValueError:
            yield Problem(f"{row[0]}: a rating is not a number; skipped", line)
            continue
        signals = [Signal("openreview_rating", sum(scores) / len(scores), read, SOURCE)] if scores else []
        if has_decision and len(row) > 1 and row[-1].strip() not in ("", "Unknown"):
            accepted = 1.0 if row[-1].startswith("Accept") else 0.0
            signals.append(Signal("openreview_accepted", accepted, read, SOURCE))
        if signals:
            yield Signals(f"openreview:{row[0].strip()}", signals)
