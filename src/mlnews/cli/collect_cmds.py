"""Commands that fetch: collect."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from mlnews.cli import output
from mlnews.cli.app import app, current_workspace
from mlnews.collect.runner import SourceReport, collect
from mlnews.errors import UsageError
from mlnews.library import Library


@app.command("collect")
def collect_command(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Only this source (repeatable).", show_default=False),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Back-fill from this day (YYYY-MM-DD) instead of the last run.")
    ] = None,
) -> None:
    """Fetch what is new from every source in mlnews.toml into the library.

    Safe to run from cron and to interrupt: each source carries on where its last
    committed page ended. A failing source is reported; the others still run.

    Example: `mlnews collect --source arxiv-ml --since 2020-11-29`
    """
    workspace = current_workspace(ctx)
    config = workspace.config
    if not config.sources:
        raise UsageError(f"{workspace.config_path}: no sources yet; add [sources.NAME] tables (see README)")
    day = _day(since) if since else None
    with Library.open(workspace.library_path) as library:
        reports = collect(config, library, source, day)
    output.console.print(_table(reports))
    for report in reports:
        for problem in report.problems[:5]:
            output.say(f"  {report.name}: {problem}", style="yellow")
        if report.error:
            output.errors.print(f"Error: source {report.name}: {report.error}", markup=False, style="red")
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {text!r}: expected a day, YYYY-MM-DD") from None


def _table(reports: list[SourceReport]) -> Table:
    table = Table(box=None, header_style="bold")
    for column in ("source", "new", "merged", "unchanged", "errors"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for r in reports:
        table.add_row(r.name, str(r.added), str(r.merged), str(r.unchanged), "0" if r.ok else "1")
    return table
