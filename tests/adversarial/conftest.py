"""The adversarial harness: slow, bounded, and only run when asked for.

    make adversarial                      # pytest -n auto -m adversarial tests/adversarial
    MLNEWS_ADVERSARIAL=1 pytest tests/adversarial

Every test here is marked `adversarial` (pyproject.toml registers the marker). A run that does
not ask for them (`pytest -n auto`, the README's command) deselects them: `-m` naming the marker
(`-m adversarial`, `-m "not adversarial"`) or MLNEWS_ADVERSARIAL=1 decides instead.

Each test tallies what it tried and what went wrong (`tally` fixture) into its report's
`user_properties`, which xdist sends from the workers to the controller; there
`pytest_terminal_summary` adds them up and prints one table (surface, tried, executed; kills,
corruptions, orphans; inputs, tracebacks), and writes it to .pytest_cache/d/adversarial/report.txt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MARKER = "adversarial"
ENABLE = "MLNEWS_ADVERSARIAL"
PROPERTY = "adversarial-tally"
HERE = Path(__file__).resolve().parent

# table name -> (row label, column names): the three tables of the report
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "xss-routes": ("input route", ("payloads injected", "stored")),
    "xss": ("surface", ("payloads present", "executed", "live markup")),
    "kills": ("command", ("kills", "corruptions", "lost", "partial files", "orphans")),
    "writers": (
        "run",
        ("decisions", "lost", "refused decisions", "writers", "writes", "failed writes", "corruptions"),
    ),
    "inputs": ("command", ("inputs", "tracebacks", "not one line")),
}


def _asked_for(config: pytest.Config) -> bool | None:
    """True: run them; False: deselect them; None: `-m` decides."""
    if MARKER in (config.option.markexpr or ""):
        return None
    return os.environ.get(ENABLE, "") not in ("", "0")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _asked_for(config) is not False:
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (dropped if item.get_closest_marker(MARKER) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


Tally = Callable[..., None]


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Tally:
    """tally(table, row, **counts): adds the counts to the report's row (sent to the controller)."""

    def add(table: str, row: str, **counts: int) -> None:
        assert table in TABLES, table
        unknown = set(counts) - set(TABLES[table][1])
        assert not unknown, unknown
        request.node.user_properties.append((PROPERTY, {"table": table, "row": row, "counts": counts}))

    return add


_TOTALS = pytest.StashKey[dict[str, dict[str, dict[str, int]]]]()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Teardown's report carries every property the test recorded, even one that failed midway.
    if report.when != "teardown":
        return
    config = _CONFIG.get("config")
    if config is None:
        return
    totals = config.stash.setdefault(_TOTALS, {})
    for name, value in report.user_properties:
        if name != PROPERTY or not isinstance(value, dict):
            continue
        row = totals.setdefault(value["table"], {}).setdefault(value["row"], {})
        for column, count in value["counts"].items():
            row[column] = row.get(column, 0) + int(count)


_CONFIG: dict[str, pytest.Config] = {}


def pytest_configure(config: pytest.Config) -> None:
    _CONFIG["config"] = config


def report_table(totals: dict[str, dict[str, dict[str, int]]]) -> str:
    lines: list[str] = []
    for table, (label, columns) in TABLES.items():
        rows = totals.get(table)
        if not rows:
            continue
        header = [label, *columns]
        body = [[row, *(str(counts.get(c, 0)) for c in columns)] for row, counts in sorted(rows.items())]
        total = ["total", *(str(sum(counts.get(c, 0) for counts in rows.values())) for c in columns)]
        if len(body) > 1:
            body.append(total)
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

        def line(cells: list[str], widths: list[int] = widths) -> str:
            first = cells[0].ljust(widths[0])
            return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

        lines += [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body), ""]
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller prints
        return
    totals = config.stash.get(_TOTALS, {})
    if not totals:
        return
    text = report_table(totals)
    terminalreporter.write_sep("=", "adversarial harness")
    terminalreporter.write_line(text.rstrip("\n"))
    if getattr(config, "cache", None) is not None:
        path = config.cache.mkdir("adversarial") / "report.txt"
        path.write_text(text, encoding="utf-8")
        terminalreporter.write_line(f"(written to {path})")
