"""Ranking on real curators: their weekly picks replayed against the pool they chose from.

    python bench/curators.py [--data ../shared/data] [--workspace DIR]
    python bench/curators.py --seeds [../shared/seeds] [--diagnose]
    python bench/curators.py --all [--workspace DIR]   # both in turn; exit 1 if a goal is missed

Hugging Face Daily Papers (the default): imports the real arXiv daily listings
(`arxiv/daily_2025/`, 74,728 records) into a workspace (kept in --workspace to be reused; a new
temporary one otherwise), then runs exactly what a user runs, `mlnews rank --evaluate --curator
curators/hf-daily.json`: each week ranked by the picks of the weeks before it, for mlnews' taste
ranker, arxiv-sanity-lite's exact SVM, popularity and random, with 90% intervals over weeks.

The seeds' curator (`--seeds`): "Akira's ML News", whose issues are in the seeds folder. Its
curator file is built at run time from the issues themselves (read as `mlnews import` reads a
past issue): a week's picks are the arXiv papers in the issue's body; entries without an arXiv
id, and editor's picks that are not in the body (the series' mark of an earlier week's item,
week unknown), are left out and counted. Weeks start on the Sunday each issue names ("第 43 周
(10 月 18 日~)"). The pool is `arxiv/hot_papers_2020/` (daily "Hot Papers" lists with retweet
counts, each paper dated by the day it was listed), imported into a fresh workspace; a week's
candidates are the papers listed in the `lookback_days` (28) up to its last day. The file, with
each week's pool facts beside the picks, is written to the temporary folder (--keep-file PATH
keeps it). --with-editor-picks counts the editor's picks outside an issue's body as its week's
picks, as issue 23's first figures did. --diagnose also prints where each week's picks rank
under every method: in order (as the replay), in reverse (a week ranked by the later week's
picks, its own window kept out of the background sample: a probe, not an evaluation) and cold
(no picks at all, as for a new curator: the background sample then holds the part of the week's
window before its first day, picks included, as a new user's would).

Goal (issue 23): recall@20 >= 1.5x arxiv-sanity-lite's, and >= popularity where popularity is
known (hf-daily has no popularity: its column is recency alone; the seeds' pool has retweets).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlnews.weeks import Week

GOAL = 1.5
SEEDS_NAME = "akiras-ml-news"
# "第 43 周(10 月 18 日~)": the day an issue (zh, ja) says its week starts on
_STATED_START = re.compile(r"第\s*\d+\s*[周週]\s*[(（]\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def mlnews(workspace: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mlnews", "-w", str(workspace), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "160"},  # the table on one line a method
    )
    if done.returncode != 0:
        raise SystemExit(f"mlnews {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def prepared(workspace: Path, files: list[Path], what: str) -> None:
    if (workspace / "library.db").exists():
        return
    subprocess.run([sys.executable, "-m", "mlnews", "init", str(workspace)], check=True, capture_output=True)
    started = time.perf_counter()
    mlnews(workspace, "import", *map(str, files))
    print(f"imported {what} in {time.perf_counter() - started:.0f} s")


def daily_2025(data: Path) -> list[Path]:
    return sorted((data / "arxiv" / "daily_2025").glob("*.jsonl.gz"))


def hot_papers_2020(data: Path) -> list[Path]:
    return sorted((data / "arxiv" / "hot_papers_2020").glob("*---Hot-Papers.md"))


# -- the seeds' curator ------------------------------------------------------------------------


@dataclass
class SeedWeek:
    """What one week's issue picked, read from its file(s)."""

    week: str  # 2020-W49
    start: date  # the first day the issue names
    files: list[str] = field(default_factory=list)
    picks: list[str] = field(default_factory=list)  # arXiv ids of the papers in the body, in order
    no_arxiv: list[str] = field(default_factory=list)  # body papers without an arXiv id (their keys)
    not_in_body: list[str] = field(default_factory=list)  # papers among the editor's picks outside the body


def seed_weeks(seeds: Path) -> list[SeedWeek]:
    """Every seed issue's picks, by week (the same week in several languages merged)."""
    from mlnews.formats.base import ParseError
    from mlnews.formats.issue_file import IssueFile
    from mlnews.items import Item
    from mlnews.weeks import Week

    weeks: dict[str, SeedWeek] = {}
    for path in sorted(seeds.glob("*.md")):
        data = path.read_bytes()
        if not IssueFile().sniff(data):
            continue  # not an issue (the folder's README)
        try:
            items = [p for p in IssueFile().parse(data) if isinstance(p, Item) and p.key]
        except ParseError as error:
            raise SystemExit(f"{path}: {error}") from None
        named = {item.week for item in items if item.week}
        if len(named) != 1:
            raise SystemExit(f"{path}: expected the entries of one week, found {sorted(named) or 'none'}")
        week = Week.parse(named.pop())
        start = _stated_start(data.decode("utf-8"), week)
        seen = weeks.setdefault(str(week), SeedWeek(str(week), start))
        if seen.start != start:
            raise SystemExit(f"{path}: week {week} starts on {start}, another file of it says {seen.start}")
        seen.files.append(path.name)
        for item in items:
            key = item.key or ""
            if item.kind != "paper":
                continue  # articles, news, use cases: not in an arXiv pool
            if item.week is None:  # an editor's pick not in the body: an earlier week's item
                _add(seen.not_in_body, key)
            elif key.startswith("arxiv:"):
                _add(seen.picks, key.removeprefix("arxiv:"))
            else:
                _add(seen.no_arxiv, key)
    return [weeks[w] for w in sorted(weeks)]


def _add(found: list[str], value: str) -> None:
    if value not in found:
        found.append(value)


def _stated_start(text: str, week: Week) -> date:
    """The first day the issue says its week starts on ("第 43 周(10 月 18 日~)"); the week's
    Sunday when it says none."""
    stated = _STATED_START.search(text[:2000])
    if stated is None:
        return week.start("sunday")
    month, day = int(stated[1]), int(stated[2])
    year = week.year - 1 if month == 12 and week.number == 1 else week.year  # week 1 may start in December
    return date(year, month, day)


def seeds_curator(seeds: Path, workspace: Path | None = None, editor_picks: bool = False) -> dict[str, Any]:
    """The seeds' curator file (the format of curators/hf-daily.json). With a workspace: each
    week's pool facts too (picks in the library, the candidate window, its size, picks in it).
    `editor_picks`: the editor's picks outside an issue's body count as its week's picks too (as
    issue 23's first figures did), after the body's."""
    from mlnews.weeks import Week

    weeks: dict[str, Any] = {}
    for seed in seed_weeks(seeds):
        week = Week.parse(seed.week)
        first = "sunday" if seed.start == week.start("sunday") else "monday"
        if seed.start != week.start(first):
            raise SystemExit(
                f"{seed.week}: the issue says it starts on {seed.start}, not a start of that week"
            )
        weeks[seed.week] = {
            "from": week.start(first).isoformat(),
            "to": week.end(first).isoformat(),
            "picks": seed.picks + [k.removeprefix("arxiv:") for k in seed.not_in_body if editor_picks],
            "files": seed.files,
            "left_out_no_arxiv": seed.no_arxiv,
            "left_out_not_in_body": [] if editor_picks else seed.not_in_body,
            "editor_picks_outside_body_added": seed.not_in_body if editor_picks else [],
        }
    if not weeks:
        raise SystemExit(f"{seeds}: no issue found (expected e.g. akiras-ml-news-2020-week43.zh.md)")
    curator: dict[str, Any] = {"weeks": weeks}
    if workspace is not None:
        _pool_facts(workspace, curator)
    return {
        "_doc": "Built by bench/curators.py --seeds from the seed issues at run time. picks: the arXiv "
        "ids of the papers in each issue's body, in order. Left out: body papers without an arXiv id "
        "(left_out_no_arxiv) and editor's picks that are not in the body (left_out_not_in_body: the "
        "series' mark of an earlier week's item, week unknown; with --with-editor-picks they are "
        "picks of the issue's week too). from/to: the week as the issue names "
        "it (Sunday to Saturday). in_pool: picks in the library; window: the candidate dates "
        "[start, end) (labels.window, lookback_days before the week's end); pool_size: items in it; "
        "in_window: picks in it.",
        SEEDS_NAME: curator,
    }


def _pool_facts(workspace: Path, curator: dict[str, Any]) -> None:
    from mlnews import identity
    from mlnews.library import Library
    from mlnews.rank import labels, pipeline
    from mlnews.weeks import Week
    from mlnews.workspace import Workspace

    lookback = int(getattr(pipeline.ranker_for(Workspace(workspace).config), "lookback_days", 28))
    with Library.open(workspace / "library.db") as library:
        for name, week in curator["weeks"].items():
            first = "monday" if date.fromisoformat(week["from"]).weekday() == 0 else "sunday"
            start, end = labels.window(Week.parse(name), lookback, first)
            keys = {p: identity.identify(f"arxiv:{p}") for p in week["picks"]}
            found = library.ranking.ids_for_keys(k for k in keys.values() if k)
            dated = {d.item_id: d.date for d in library.ranking.dated(start, end)}
            week["in_pool"] = [p for p, k in keys.items() if k in found]
            week["window"] = [start, end]
            week["window_truncated"] = start < min((d.date for d in library.ranking.dated()), default=start)
            week["pool_size"] = len(dated)
            week["in_window"] = [p for p, k in keys.items() if k in found and found[k] in dated]


def describe(file: dict[str, Any]) -> str:
    lines = []
    for name, curator in file.items():
        if name.startswith("_"):
            continue
        for week_name, week in curator["weeks"].items():
            left = len(week["left_out_no_arxiv"]) + len(week["left_out_not_in_body"])
            line = (
                f"{name} {week_name} ({week['from']}..{week['to']}): {len(week['picks'])} arXiv picks"
                f" ({left} left out: {len(week['left_out_no_arxiv'])} without an arXiv id,"
                f" {len(week['left_out_not_in_body'])} editor's picks outside the body)"
            )
            if "in_pool" in week:
                line += (
                    f"; {len(week['in_pool'])} in the pool, {len(week['in_window'])} in the window"
                    f" {week['window'][0]}..{week['window'][1]} of {week['pool_size']} candidates"
                    + (" (the window starts before the pool)" if week["window_truncated"] else "")
                )
            lines.append(line)
            lines.append(f"  picks {' '.join(week['picks'])}")
            missing = [p for p in week["picks"] if p not in week.get("in_pool", week["picks"])]
            if missing:
                lines.append(f"  not in the pool: {' '.join(missing)}")
            for what in ("left_out_no_arxiv", "left_out_not_in_body", "editor_picks_outside_body_added"):
                if week.get(what):
                    lines.append(f"  {what}: {' '.join(week[what])}")
    return "\n".join(lines)


# -- where the picks rank ----------------------------------------------------------------------


def positions(workspace: Path, path: Path, mode: str = "in-order") -> dict[str, dict[str, list[int]]]:
    """Week -> method -> the 1-based ranks of the week's picks among its candidates (and
    "candidates": [how many]). `mode`: "in-order" (as the replay: learned from the weeks before),
    "reverse" (from the weeks after, as if they came first: a probe, not an evaluation) or "cold"
    (no picks known, as for a new curator)."""
    import numpy as np

    from mlnews.library import Library
    from mlnews.rank import curators, evaluate, labels, pipeline
    from mlnews.weeks import Week
    from mlnews.workspace import Workspace

    ranker = pipeline.ranker_for(Workspace(workspace).config)
    lookback = int(getattr(ranker, "lookback_days", 28))
    found_by: dict[str, dict[str, list[int]]] = {}
    with Library.open(workspace / "library.db") as library:
        whole = pipeline.corpus(library, text=True)
        row_of = {int(item_id): row for row, item_id in enumerate(whole.ids)}
        for curator in curators.read(path):
            first = curator.first_weekday
            found = {week: curators._item_ids(library, ids) for week, ids in curator.picks.items()}
            for week in sorted(w for w in found if found[w]):
                history = {
                    "in-order": {w: ids for w, ids in found.items() if w < week},
                    "reverse": {w: ids for w, ids in found.items() if w > week},
                    "cold": {},
                }[mode]
                if mode != "cold" and not any(history.values()):
                    continue
                # from_picks learns the weeks before `before`; the reverse probe puts it after them,
                # and keeps the ranked week's own window out of the background sample
                before = Week(max(history).year + 1, 1) if mode == "reverse" else week
                known = labels.from_picks(
                    library, history, before=before, lookback_days=lookback, first_weekday=first
                )
                if mode == "reverse":
                    start, end = labels.window(week, lookback, first)
                    inside = {d.item_id for d in library.ranking.dated(start, end)}
                    for item_id in [i for i, label in known.by_item.items() if i in inside]:
                        if known.by_item[item_id].weight == labels.BACKGROUND:
                            del known.by_item[item_id]
                case = evaluate.case_for(
                    library, row_of, known, found[week], week, (lookback, first), seen_stay=True
                )
                if case is None:
                    continue
                ranks: dict[str, list[int]] = {"candidates": [len(case.candidates)]}
                for name, method in evaluate.methods(ranker).items():
                    model = method.train(whole, case.train)
                    scores = method.score(model, whole.subset(case.candidates))
                    order = case.candidates[np.argsort(-scores, kind="stable")]
                    place = {int(row): n for n, row in enumerate(order, start=1)}
                    ranks[name] = sorted(place[int(row)] for row in case.picks)
                found_by[f"{curator.name} {week}"] = ranks
    return found_by


# -- the table ---------------------------------------------------------------------------------

# "mean low–high" on one line, or the mean alone where a narrow table puts the interval below it
_CELL = re.compile(r"(\d*\.\d+)(?: \d*\.\d+–\d*\.\d+)?|(?<=\s)–(?=\s|$)")


def mean_of(report: str, method: str, metric: str) -> float | None:
    """A metric's mean from the printed table (None when the row, the column or the value is not there)."""
    lines = report.splitlines()
    header = next((line for line in lines if line.lstrip().startswith("method")), "")
    columns = re.findall(r"recall@\d+|nDCG@\d+|SI nDCG|SI MRR", header)
    for line in lines:
        if line.lstrip().startswith(method + " ") and metric in columns:
            cells = [m[1] for m in _CELL.finditer(line[line.index(method) + len(method) :])]
            index = columns.index(metric)
            return float(cells[index]) if index < len(cells) and cells[index] else None
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--workspace", type=Path)
    parser.add_argument(
        "--seeds",
        type=Path,
        nargs="?",
        const=Path(),
        help="replay the seeds' curator (default: beside --data)",
    )
    parser.add_argument("--keep-file", type=Path, help="with --seeds: write the curator file here too")
    parser.add_argument("--diagnose", action="store_true", help="with --seeds: where the picks rank")
    parser.add_argument(
        "--with-editor-picks",
        action="store_true",
        help="with --seeds: an issue's editor's picks outside its body count as its week's picks",
    )
    parser.add_argument("--all", action="store_true", help="both curators, one after the other")
    args = parser.parse_args()
    if args.all and args.seeds is None:
        args.seeds = Path()
    met = True
    for seeds in [None, args.seeds] if args.all else [args.seeds]:
        met &= replay(args, seeds)
    return 0 if met else 1


def replay(args: argparse.Namespace, seeds: Path | None) -> bool:
    """One curator's replay, its table and its goals; whether the goals are met."""
    with tempfile.TemporaryDirectory() as folder:
        workspace = (args.workspace if seeds is None or not args.all else None) or Path(folder) / "ws"
        if seeds is None:
            prepared(workspace, daily_2025(args.data), "the daily listings")
            curator_file = args.data / "curators" / "hf-daily.json"
        else:
            seeds = seeds if seeds != Path() else args.data.parent / "seeds"
            prepared(workspace, hot_papers_2020(args.data), "the Hot Papers lists of 2020")
            built = seeds_curator(seeds, workspace, editor_picks=args.with_editor_picks)
            print(describe(built))
            curator_file = Path(folder) / "seeds-curator.json"
            curator_file.write_text(json.dumps(built, indent=1, ensure_ascii=False), encoding="utf-8")
            if args.keep_file:
                args.keep_file.write_text(curator_file.read_text(encoding="utf-8"), encoding="utf-8")
        started = time.perf_counter()
        report = mlnews(workspace, "rank", "--evaluate", "--curator", str(curator_file))
        print(report)
        print(f"replayed in {time.perf_counter() - started:.0f} s")
        if seeds is not None and args.diagnose:
            for mode in ("in-order", "reverse", "cold"):
                print(f"where the picks rank ({mode}):")
                for week, ranks in positions(workspace, curator_file, mode).items():
                    print(f"  {week}: {ranks.pop('candidates')[0]} candidates")
                    for name, places in ranks.items():
                        print(f"    {name:<16} {' '.join(map(str, places))}")
    found = re.search(r"finds ([0-9.]+)x arxiv-sanity-lite's picks", report)
    times = float(found.group(1)) if found else 0.0
    met = times >= GOAL
    verdict = "met" if met else "not met"
    print(f"recall@20 against arxiv-sanity-lite: {times:.2f}x (goal >= {GOAL}x): {verdict}")
    if seeds is not None:
        ours = next((m for m in re.findall(r"^(mlnews \S+)", report, re.MULTILINE)), "")
        mine, popular = mean_of(report, ours, "recall@20"), mean_of(report, "popularity", "recall@20")
        if mine is not None and popular is not None:
            met &= mine >= popular
            verdict = "met" if mine >= popular else "not met"
            print(f"recall@20 against popularity: {mine:.2f} vs {popular:.2f} (goal >=): {verdict}")
    return met


if __name__ == "__main__":
    raise SystemExit(main())
