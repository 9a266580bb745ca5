"""How fast a command starts: the quick commands against bare Python importing the CLI's toolkit.

    python bench/startup.py [--runs 7]

Makes the demo workspace once, then times each command as a new process (the median of
`--runs`), beside `python -c "import typer, rich"` (what any Typer and Rich command pays before
doing anything), and prints each as seconds and as a ratio to that floor. The modules a command
imports that it could have left for later show with `python -X importtime -m mlnews COMMAND`.

Goal (issue 22): `mlnews --help`, `--version`, `list`, `show`, `search` in < 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.3
FLOOR = 'python -c "import typer, rich"'
COMMANDS = [
    ["--version"],
    ["--help"],
    ["list"],
    ["show", "arxiv:2012.05877"],
    ["search", "transformer"],
]


def seconds(command: list[str], cwd: Path, runs: int) -> float:
    """The median wall time of `command`, run `runs` times after one warm-up."""
    times = []
    for run in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=True)
        if run:  # the first run warms the disk cache and the .pyc files
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        subprocess.run(
            [sys.executable, "-m", "mlnews", "demo", "d"], cwd=root, capture_output=True, check=True
        )
        workspace = root / "d"
        floor = seconds(
            [sys.executable, "-c", "import typer, rich.console, rich.table"], workspace, args.runs
        )
        print(f"{FLOOR:32} {floor:6.3f} s")
        slowest = 0.0
        for command in COMMANDS:
            took = seconds([sys.executable, "-m", "mlnews", *command], workspace, args.runs)
            slowest = max(slowest, took)
            print(f"{'mlnews ' + ' '.join(command):32} {took:6.3f} s  {took / floor:5.1f}x the floor")
    print(f"slowest {slowest:.3f} s (goal < {GOAL} s): {'met' if slowest < GOAL else 'not met'}")
    return 0 if slowest < GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
