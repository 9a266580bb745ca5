"""Compose and render speed: many weekly issues of 25 entries, in one run.

    python bench/render.py [--issues 500] [--entries 25]

1. Fills a new workspace's library with issues x entries arXiv-like papers, each
   shortlisted for its week (as `mlnews shortlist` does).
2. Composes every week (`mlnews compose`'s code path: drafting with the built-in
   extractive summariser, writing issues/*.md).
3. Renders every issue to Markdown in each language (`mlnews render`'s code path:
   reading and checking the source, navigation, catalogues).

Goal (issue 3): a whole year of issues (52) renders in under 1 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from mlnews import compose, workspace
from mlnews.items import Item
from mlnews.library import Library
from mlnews.render.links import SiteLinks
from mlnews.render.published import markdown_issue
from mlnews.weeks import Week
from sample import WORDS  # bench/sample.py: shared by the benchmarks

OPENERS = ("Large models struggle with", "Existing methods are limited by", "It is hard to learn")
CLAIMS = ("We propose", "This paper introduces", "We present")
RESULTS = (
    "It outperforms prior work on",
    "Experiments show gains of 3.5% on",
    "The method achieves state of the art on",
)


def sentence(rng: random.Random, opener: str, words: int) -> str:
    return f"{opener} {' '.join(rng.choices(WORDS, k=words))}."


def paper(rng: random.Random, number: int) -> Item:
    abstract = " ".join(
        (
            sentence(rng, rng.choice(OPENERS), 14),
            sentence(rng, rng.choice(CLAIMS), 22),
            sentence(rng, "The approach uses", 18),
            sentence(rng, rng.choice(RESULTS), 12),
        )
    )
    arxiv = f"{2001 + number // 90_000}.{number % 90_000 + 1:05d}"
    return Item(
        title=" ".join(rng.choices(WORDS, k=7)).capitalize() + f" {number}",
        kind="paper",
        authors=[f"Author {rng.randrange(900)}" for _ in range(4)],
        urls=[f"https://arxiv.org/abs/{arxiv}"],
        abstract=abstract,
        published="2020-03-02",
    )


def fill(library: Library, weeks: list[Week], entries: int, rng: random.Random) -> None:
    with library.transaction():
        for number in range(len(weeks) * entries):
            library.add(paper(rng, number))
    keys = [item.key or "" for item in library.export()]
    for index, week in enumerate(weeks):
        library.triage(keys[index * entries : (index + 1) * entries], "shortlisted", "papers", str(week))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--entries", type=int, default=25)
    args = parser.parse_args()
    rng = random.Random(7)
    first = Week(2011, 1)
    weeks = [Week.containing(first.start() + timedelta(weeks=n)) for n in range(args.issues)]
    with tempfile.TemporaryDirectory() as folder:
        made, _ = workspace.init(Path(folder) / "ws")
        config = made.config
        with Library.open(made.library_path) as library:
            fill(library, weeks, args.entries, rng)
            start = time.perf_counter()
            for week in weeks:
                compose.compose_week(made.issues_dir, config, library, week)
            composing = time.perf_counter() - start
        links = SiteLinks(config.site_url, config.languages[0])
        timings = {}
        for lang in config.languages:
            start = time.perf_counter()
            for week in weeks:
                markdown_issue(made, week, lang, links)
            timings[lang] = time.perf_counter() - start
    count = len(weeks)
    print(f"{count} weekly issues of {args.entries} entries\n")
    print(f"{'step':<16}{'issues/s':>10}{'seconds':>10}{'52 issues':>12}")
    for step, seconds in [("compose", composing), *((f"render {lang}", t) for lang, t in timings.items())]:
        print(f"{step:<16}{count / seconds:>10,.0f}{seconds:>10.2f}{seconds / count * 52:>11.2f}s")
    worst = max(timings.values()) / count * 52
    print(f"\na year of issues (52) renders in {worst:.2f} s (goal < 1 s)")


if __name__ == "__main__":
    main()
