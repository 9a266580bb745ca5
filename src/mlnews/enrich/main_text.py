"""The main text of an article page (trafilatura), without menus, comments and tables."""

from __future__ import annotations

from itertools import islice

import trafilatura
from lxml import etree

from mlnews.text import squash

# trafilatura's fallback extractor (jusText) is quadratic in the number of paragraphs: a
# 2 MB page of short paragraphs keeps it busy for a minute. Real article pages have a few
# thousand elements (PeerJ's 360 kB page: 3,300) and there the fallback changed nothing.
_FALLBACK_BUDGET = 10_000


def is_large(root: etree._Element) -> bool:
    return sum(1 for _ in islice(root.iter(), _FALLBACK_BUDGET + 1)) > _FALLBACK_BUDGET


def main_text(source: str, url: str, *, large: bool) -> str:
    """The article body as plain text (trafilatura), "" when it finds none."""
    try:
        text = trafilatura.extract(
            source,
            url=url,
            fast=large,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception:  # trafilatura raises assorted errors on hostile trees; the metadata still stands
        return ""
    if not text:
        return ""
    return "\n".join(line for line in (squash(line) for line in text.splitlines()) if line)
