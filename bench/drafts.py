"""The offline drafter on real abstracts: how its drafts read, how faithful they are, and how
they compare with the reference issues' entries for the same papers.

    python bench/drafts.py [--data ../shared/data] [--seeds ../shared/seeds] [--side-by-side 5]

Real abstracts come from the arXiv API answers and the 2020 "Hot Papers" digests in the
shared data (written by their authors, not for this project). For each, the `extractive`
summariser drafts an entry, which is then measured:

- faithfulness: the share of drafted texts (headline, summary, post) whose every number
  and name is in the abstract (`mlnews.faithful`), the same check compose runs;
- how it reads: headlines that end on a word that leaves them hanging ("with regard",
  "of", "the"), headlines repeated as the summary's first sentence, summaries that open
  on a word pointing back at nothing ("To this end", "However"), and "they" put in a
  text that is not a paper's abstract.

Then, for papers in both the shared data and the reference issues (weeks 43 and 49), the
reference's entry (a Chinese translation) beside mlnews' draft.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from rich.console import Console

from mlnews import faithful, identity
from mlnews.formats.base import ParseError, get_format
from mlnews.items import Item
from mlnews.summarise import Draft, Source
from mlnews.summarise.extractive import ExtractiveSummariser

DANGLING = re.compile(
    r"\b(?:a|an|the|of|to|for|with|by|on|in|at|from|and|or|but|that|which|whose|as|than|is|are|was|were|be|its|their|"
    r"with regard|such as|based on|in order)$",
    re.IGNORECASE,
)
BACK_REFERENCE = re.compile(
    r"^(?:To (?:this|that) end|To bridge this gap|To address (?:this|these)|However|Moreover|Furthermore|"
    r"In addition|Additionally|Therefore|Thus|Hence|In this (?:work|paper)|Instead)\b",
    re.IGNORECASE,
)


def real_items(data: Path) -> list[Item]:
    items: dict[str, Item] = {}
    sources = [("arxiv-atom", p) for p in sorted((data / "arxiv" / "api_atom" / "xml").glob("*.xml"))]
    sources += [("hot-papers", p) for p in sorted((data / "arxiv" / "hot_papers_2020").glob("*.md"))]
    for format_name, path in sources:
        try:
            parsed = list(get_format(format_name).parse(path.read_bytes()))
        except ParseError:
            continue  # an error answer kept in the data (a bad id): no abstracts in it
        for item in parsed:
            if isinstance(item, Item) and item.abstract:
                item.key = item.key or _key(item)
                if item.key:
                    items.setdefault(item.key, item)
    return list(items.values())


def _key(item: Item) -> str:
    return next((k for k in (identity.identify(x) for x in [*item.identifiers, *item.urls]) if k), "")


def source_of(item: Item) -> Source:
    return Source(kind="paper", title=item.title, text=item.abstract, url=item.url or "", key=item.key or "")


def measure(items: list[Item]) -> tuple[Counter[str], list[tuple[Item, Draft]]]:
    drafter = ExtractiveSummariser()
    counts: Counter[str] = Counter()
    drafts = []
    for item in items:
        source = source_of(item)
        draft = drafter.draft(source)
        drafts.append((item, draft))
        for name in ("headline", "summary", "post"):
            text = getattr(draft, name)
            counts["texts"] += 1
            counts["faithful"] += not faithful.check(text, source.whole)
        headline = draft.headline.rstrip(" .")
        counts["dangling headline"] += bool(DANGLING.search(headline))
        first = re.split(r"(?<=[.!?])\s", draft.summary, maxsplit=1)[0].rstrip(" .").lower()
        counts["headline = summary's first sentence"] += first == headline.lower()
        counts["summary opens pointing back"] += bool(BACK_REFERENCE.match(draft.summary))
    return counts, drafts


def seed_entries(seeds: Path) -> dict[str, tuple[str, str, str]]:
    """The reference issues' entries by key: (week, headline, summary)."""
    found = {}
    fmt = get_format("issue")
    for path in sorted(seeds.glob("*.md")):
        if path.name == "README.md":
            continue
        for item in fmt.parse(path.read_bytes()):
            if not isinstance(item, Item):
                continue
            item.key = item.key or _key(item)
            texts = {t.name: t.text for t in item.texts}
            found[item.key] = (item.week or "", texts.get("headline", ""), texts.get("summary", ""))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--seeds", type=Path, default=Path("../shared/seeds"))
    parser.add_argument("--side-by-side", type=int, default=5)
    args = parser.parse_args()
    console = Console(highlight=False)
    if not (args.data / "arxiv").is_dir():
        console.print(f"{args.data}: no shared data here (--data)")
        return 1
    items = real_items(args.data)
    counts, drafts = measure(items)
    texts = counts["texts"]
    console.print(f"{len(items)} real abstracts, {texts} drafted texts")
    console.print(f"faithful: {counts['faithful']} of {texts} ({counts['faithful'] / texts:.1%})")
    for name in ("dangling headline", "headline = summary's first sentence", "summary opens pointing back"):
        console.print(f"{name}: {counts[name]} of {len(items)}")
    if args.seeds.is_dir() and args.side_by_side:
        seeds = seed_entries(args.seeds)
        shown = 0
        for item, draft in drafts:
            if item.key not in seeds or shown >= args.side_by_side:
                continue
            week, headline, summary = seeds[item.key]
            console.rule(f"{item.key} ({week}): {item.title}")
            console.print(f"[bold]reference[/]  {headline}\n           {summary}")
            console.print(f"[bold]mlnews[/]     {draft.headline}\n           {draft.summary}")
            console.print(f"           post: {draft.post}")
            shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
