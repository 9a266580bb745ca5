"""Commands that fetch: collect, add, figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn
from rich.table import Table

from mlnews.cli import bars, output, rank_cmds
from mlnews.cli.root import app, current_workspace
from mlnews.errors import MlnewsError, UsageError
from mlnews.library import Library
from mlnews.weeks import Week

if TYPE_CHECKING:
    from mlnews.collect.runner import SourceReport
    from mlnews.enrich.figures import Attached
    from mlnews.settings import Config


FiguresOption = Annotated[
    bool | None,
    typer.Option(
        "--figures/--no-figures",
        help="Fetch figures for shortlisted items (default: [network] fetch_figures, true).",
        show_default=False,
    ),
]


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
    week: Annotated[
        str | None,
        typer.Option(
            help="Back-fill one issue's window: the week and the days before it its candidates reach"
            " back to (the ranker's lookback_days), YYYY-Www.",
            show_default=False,
        ),
    ] = None,
    figures: FiguresOption = None,
) -> None:
    """Fetch what is new from every source in mlnews.toml into the library.

    Safe to run from cron and to interrupt: each source carries on where its last
    committed page ended. A failing source is reported; the others still run. Then
    shortlisted items without a figure get one (`--no-figures` leaves that to
    `mlnews figures`).

    Each source's line says what it sent, what was new, and how many it lists for what was
    asked (arXiv's own count), so a shortfall shows; a source that brought nothing new says why.

    Example: `mlnews collect --source arxiv-ml --since 2020-11-29`, `mlnews collect --week 2020-W49`
    """
    from mlnews.collect.accounting import notes
    from mlnews.collect.runner import collect
    from mlnews.enrich.figures import attach_missing
    from mlnews.fetch import Fetcher

    workspace = current_workspace(ctx)
    config = workspace.config
    if not config.sources:
        raise UsageError(f"{workspace.config_path}: no sources yet; add [sources.NAME] tables (see README)")
    if since and week:
        raise UsageError("--since and --week: give one of them")
    day, until = (_day(since), None) if since else _window(week, config) if week else (None, None)
    with Library.open(workspace.library_path) as library, Fetcher(config.network) as fetcher:
        with bars.steps() as step:
            reports = collect(config, library, source, day, fetcher, step, until=until)
        rank_cmds.build_features(library, config)
        # The sources' outcome first: the figures after it may take a while.
        output.console.print(_table(reports))
        now = datetime.now(UTC)
        for report in reports:
            for problem in report.problems[:5]:
                output.say(f"  {report.name}: {problem}", style="yellow")
            if len(report.problems) > 5:
                output.say(f"  {report.name}: … and {len(report.problems) - 5} more", style="yellow")
            for note in notes(report, config.source(report.name), now):
                output.say(f"  {report.name}: {note}", style="yellow")
            if report.error:
                output.errors.print(f"Error: source {report.name}: {report.error}", markup=False, style="red")
        if config.network.fetch_figures if figures is None else figures:
            with _progress(announce=" (--no-figures skips this)") as progress:
                attached = attach_missing(library, fetcher, config.network, workspace.root, progress=progress)
            _print_figures(attached, failing=False)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {text!r}: expected a day, YYYY-MM-DD") from None


def _window(text: str, config: Config) -> tuple[date, date]:
    """An issue's whole window: its week, and the days before it that its candidates reach back to."""
    from mlnews.collect.window import issue_window

    try:
        week = Week.parse(text)
    except MlnewsError as error:
        raise UsageError(f"--week {text!r}: {error}") from None
    return issue_window(config, week)


def _table(reports: list[SourceReport]) -> Table:
    table = Table(box=None, header_style="bold")
    for column in ("source", "fetched", "new", "merged", "unchanged", "skipped", "listed", "errors"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for r in reports:
        listed = "-" if r.listed is None else str(r.listed)
        counts = (r.fetched, r.added, r.merged, r.unchanged, r.skipped)
        table.add_row(r.name, *(str(n) for n in counts), listed, "0" if r.ok else "1")
    return table


@app.command("add")
def add_command(
    ctx: typer.Context,
    references: Annotated[
        list[str], typer.Argument(help="arXiv ids or URLs, DOIs, web pages, PDFs.", show_default=False)
    ],
    section: Annotated[str | None, typer.Option(help="Shortlist into this section.")] = None,
    week: Annotated[str | None, typer.Option(help="Shortlist for this week, YYYY-Www.")] = None,
    featured: Annotated[bool, typer.Option("--featured", help="Make it an editor's pick.")] = False,
    figures: FiguresOption = None,
) -> None:
    """Add anything you paste: its metadata is fetched; with --section/--week it is shortlisted.

    Example: `mlnews add arXiv:2011.15126 https://deepmind.com/blog/... --week 2020-W49`
    """
    from mlnews.collect.add import resolve
    from mlnews.enrich.figures import DownHosts, attach_missing
    from mlnews.fetch import Fetcher
    from mlnews.workflow import triage

    workspace = current_workspace(ctx)
    config = workspace.config
    if section is not None:
        config.section(section)
    chosen = Week.parse(week) if week else None
    fetch_figures = config.network.fetch_figures if figures is None else figures
    down = DownHosts()  # one run: a host given up for one reference stays given up
    failed = False
    with Library.open(workspace.library_path) as library, Fetcher(config.network) as fetcher:
        for reference in references:
            try:
                item = resolve(reference, fetcher, config.network)
            except MlnewsError as error:
                output.errors.print(f"Error: {error}", markup=False, style="red")
                failed = True
                continue
            outcome = library.add(item)
            key = library.get(item.key or reference).key or ""
            output.say(f"{outcome} {key}: {item.title}")
            if section or chosen or featured:
                state = "featured" if featured else "shortlisted"
                kept = triage.decide(library, config, [key], state, section, week, retrain=False)
                output.say(f"  {state} for {kept[0].week}" + (f" in {section}" if section else ""))
                if fetch_figures and not library.get(key).figure:
                    attached = attach_missing(
                        library, fetcher, config.network, workspace.root, [key], down=down
                    )
                    _print_figures(attached, failing=False)
        rank_cmds.build_features(library, config)
    if failed:
        raise typer.Exit(1)


@app.command("figures")
def figures_command(
    ctx: typer.Context,
    keys: Annotated[
        list[str] | None,
        typer.Argument(help="Items (default: shortlisted ones without a figure).", show_default=False),
    ] = None,
) -> None:
    """Fetch a figure for items: a paper's Figure 1 from its PDF, an article's og:image.

    Example: `mlnews figures arxiv:2011.15126`
    """
    from mlnews.enrich.figures import attach_missing
    from mlnews.fetch import Fetcher

    workspace = current_workspace(ctx)
    config = workspace.config
    with (
        Library.open(workspace.library_path) as library,
        Fetcher(config.network) as fetcher,
        _progress() as progress,
    ):
        attached = attach_missing(library, fetcher, config.network, workspace.root, keys, progress=progress)
    if not attached:
        output.say("Every shortlisted item has its figure.")
    if not _print_figures(attached, failing=True):
        raise typer.Exit(1)


@contextmanager
def _progress(announce: str | None = None) -> Iterator[Callable[[int, int, str], None]]:
    """A bar on stderr while figures are fetched, gone when they are (quiet when not a terminal).

    With `announce`, a line says first how many there are, terminal or not: the first
    figure may take a while, and nothing else would show why.
    """
    columns = (SpinnerColumn(), TextColumn("figures {task.description}"), BarColumn(), MofNCompleteColumn())
    bar = bars.bar(*columns)
    task = bar.add_task("", total=None)

    def show(done: int, total: int, key: str) -> None:
        if announce is not None and done == 0:
            figures = "figure" if total == 1 else "figures"
            bar.console.print(f"Fetching {total} {figures} for shortlisted items{announce}…", markup=False)
        bar.update(task, completed=done, total=total, description=key)

    with bar:
        yield show


def _print_figures(attached: list[Attached], failing: bool) -> bool:
    skipped: dict[str, int] = {}
    for result in attached:
        if result.skipped:
            skipped[result.skipped] = skipped.get(result.skipped, 0) + 1
    for result in attached:
        if result.path:
            output.say(f"figure {result.key}: {result.path}")
        elif result.skipped:
            continue  # counted on the line of the failure that gave its host up
        elif failing:
            output.errors.print(f"Error: figure {result.key}: {result.error}", markup=False, style="red")
        else:
            output.say(f"  no figure for {result.key}: {result.error}", style="yellow")
        if result.gave_up in skipped:
            _say_skipped(result.gave_up, skipped.pop(result.gave_up), failing)
    for host, count in skipped.items():  # given up in an earlier call of the same run (`add`)
        _say_skipped(host, count, failing)
    return all(r.path for r in attached)


def _say_skipped(host: str, count: int, failing: bool) -> None:
    figures = "figure" if count == 1 else "figures"
    line = f"{host} is given up for this run: {count} more {figures} from it skipped"
    line += " (`mlnews figures` tries again)"
    if failing:
        output.errors.print(f"Error: {line}", markup=False, style="red")
    else:
        output.say(f"  {line}", style="yellow")
