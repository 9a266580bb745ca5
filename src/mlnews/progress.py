"""Progress of long work (collecting, drafting, translating, building), told to a listener.

The work calls `step(what, done, total)`; the command line shows a bar, and a command run
by the app (`MLNEWS_PROGRESS=lines`) writes each step as one line the app reads back.
"""

from __future__ import annotations

import json
from collections.abc import Callable

Step = Callable[[str, int, "int | None"], None]

MARKER = "mlnews-progress: "  # a line of a command's stderr that the app reads as a step


def nothing(what: str, done: int, total: int | None) -> None:
    """The listener when nobody listens."""


def line(what: str, done: int, total: int | None) -> str:
    return MARKER + json.dumps({"what": what, "done": done, "total": total}, ensure_ascii=False)


def parse(text: str) -> tuple[str, int, int | None] | None:
    """A step from a line `line` wrote, or None for any other line."""
    if not text.startswith(MARKER):
        return None
    try:
        data = json.loads(text[len(MARKER) :])
        total = data["total"]
        return str(data["what"]), int(data["done"]), None if total is None else int(total)
    except (ValueError, KeyError, TypeError):
        return None
