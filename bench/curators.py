"""Ranking on real curators: their weekly picks replayed against the pool they chose from.

    python bench/curators.py [--data ../shared/data] [--workspace DIR]

Imports the real arXiv daily listings (`arxiv/daily_2025/`, 74,728 records) into a workspace
(kept in --workspace to be reused; a new temporary one otherwise), then runs exactly what a
user runs, `mlnews rank --evaluate --curator curators/hf-daily.json`: each week ranked by the
picks of the weeks before it, for mlnews' taste ranker, arxiv-sanity-lite's exact SVM,
popularity and random, with 90% intervals over weeks.

Goal (issue 23): recall@20 >= 1.5x arxiv-sanity-lite's, and >= popularity where popularity is
known (hf-daily has no popularity: its column is recency alone).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.5


def mlnews(workspace: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mlnews", "-w", str(workspace), *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"mlnews {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def prepared(workspace: Path, data: Path) -> None:
    if (workspace / "library.db").exists():
        return
    subprocess.run([sys.executable, "-m", "mlnews", "init", str(workspace)], check=True, capture_output=True)
    started = time.perf_counter()
    mlnews(workspace, "import", *map(str, sorted((data / "arxiv" / "daily_2025").glob("*.jsonl.gz"))))
    print(f"imported the daily listings in {time.perf_counter() - started:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--workspace", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workspace = args.workspace or Path(folder) / "ws"
        prepared(workspace, args.data)
        started = time.perf_counter()
        report = mlnews(
            workspace, "rank", "--evaluate", "--curator", str(args.data / "curators" / "hf-daily.json")
        )
        print(report)
        print(f"replayed in {time.perf_counter() - started:.0f} s")
    found = re.search(r"finds ([0-9.]+)x arxiv-sanity-lite's picks", report)
    times = float(found.group(1)) if found else 0.0
    verdict = "met" if times >= GOAL else "not met"
    print(f"recall@20 against arxiv-sanity-lite: {times:.2f}x (goal >= {GOAL}x): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
