"""Progress bars on the terminal (rich.progress is imported only by a command that shows one)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TaskID, TextColumn

from mlnews import progress
from mlnews.cli.output import errors


def bar(*columns: ProgressColumn | str) -> Progress:
    """A progress bar on stderr, gone when done, quiet when stderr is not a terminal; as lines
    for the app when it runs the command (`MLNEWS_PROGRESS=lines`)."""
    if os.environ.get("MLNEWS_PROGRESS") == "lines":
        return _Lines(*columns, console=errors, disable=True)
    return Progress(*columns, console=errors, transient=True, disable=not errors.is_terminal)


@contextmanager
def steps() -> Iterator[progress.Step]:
    """A bar per kind of work (`drafting`, `translating`…) while `step(what, done, total)` is called."""
    shown = bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    tasks: dict[str, TaskID] = {}

    def step(what: str, done: int, total: int | None) -> None:
        if what not in tasks:
            tasks[what] = shown.add_task(what, total=total)
        shown.update(tasks[what], completed=done, total=total)

    with shown:
        yield step


class _Lines(Progress):
    """Each change of a task as one line on stderr (at most ten a second, and always the last)."""

    last = 0.0

    def update(self, task_id: TaskID, **changes: Any) -> None:
        super().update(task_id, **changes)
        task = self._tasks[task_id]
        total = int(task.total) if task.total else None
        now = time.monotonic()
        if now - self.last >= 0.1 or (total is not None and task.completed >= total):
            self.last = now
            print(progress.line(task.description, int(task.completed), total), file=sys.stderr, flush=True)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        self.update(task_id, advance=advance)
