"""Commands that make issues: compose, check, render."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from mlnews import files
from mlnews.cli import bars, output
from mlnews.cli.root import IssueArgument, LangOption, app, current_workspace
from mlnews.library import Library
from mlnews.weeks import parse_period
from mlnews.workspace import Workspace

if TYPE_CHECKING:
    from mlnews import compose


class Format(StrEnum):
    markdown = "markdown"


class LinkStyle(StrEnum):
    site = "site"
    files = "files"


@app.command("compose")
def compose_command(
    ctx: typer.Context,
    period: IssueArgument,
    force: Annotated[
        bool, typer.Option("--force", help="Draft again every part you have not edited.")
    ] = False,
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed",
            help="Ask the model again for flagged entries and translations you have not edited.",
        ),
    ] = False,
) -> None:
    """Write or update an issue source in issues/: a week from its shortlist, a month from its weeks.

    Your edits to the file are kept: re-running adds newly shortlisted items, and
    `--force` redrafts only what you have not touched. An entry the model failed keeps
    the offline draft, flagged; `--retry-failed` asks again for those.

    Example: `mlnews compose 2020-W49`, then edit issues/2020-W49.md
    """
    from mlnews import compose

    workspace = current_workspace(ctx)
    chosen = parse_period(period)
    with Library.open(workspace.library_path) as library, bars.steps() as step:
        report = compose.compose_period(
            workspace.issues_dir,
            workspace.config,
            library,
            chosen,
            force=force,
            retry_failed=retry_failed,
            step=step,
        )
    print_report(report)


def print_report(report: compose.Report) -> None:
    from mlnews import faithful, summarise

    verb = "created" if report.created else ("updated" if report.changed else "unchanged")
    parts = [f"{len(report.added)} added"]
    if report.figures:
        parts.append(f"{len(report.figures)} {'figure' if len(report.figures) == 1 else 'figures'} added")
    if report.refreshed or report.kept:
        parts.append(f"{report.refreshed} fields redrafted, {report.kept} edited fields kept")
    translated = report.translated
    if translated is not None and (translated.translated or translated.kept or translated.missing):
        parts.append(f"{translated.translated} texts translated")
        if translated.kept:
            parts.append(f"{translated.kept} edited translations kept")
        if translated.missing:
            parts.append(f"{translated.missing} texts left untranslated")
    output.say(f"{report.path}: {verb} ({', '.join(parts)})")
    for key in report.skipped:
        output.say(f"  {key}: left out (you removed it from the file)", style="yellow")
    for key in report.waiting:
        output.say(f"  {key}: left out until its record is imported (no title or text yet)", style="yellow")
    for line in [*report.flagged, *(translated.flagged if translated else [])]:
        output.say(f"  flagged: {line}", style="yellow")
    if report.entries and report.drafter != summarise.DEFAULT:
        offline = len(report.kept_offline)
        line = f"  drafted {report.entries - offline} of {report.entries} entries with {report.drafter}"
        output.say(line + (f", kept offline {offline} (the model failed them)" if offline else ""))
    for line in report.kept_offline:
        output.say(f"  kept offline: {line}", style="yellow")
    for line in translated.failed if translated else []:
        output.say(f"  left untranslated: {line}", style="yellow")
    if report.checked:
        passed, checked = report.checked - report.unfaithful, report.checked
        found = faithful.tally([*report.flagged, *(translated.flagged if translated else [])])
        why = "; ".join(f"{n} {what}" for what, n in found.items())
        line = f"  faithfulness: {passed} of {checked} generated texts pass ({passed / checked:.0%})"
        output.say(line + (f" — {why}" if why else ""))
    for line in report.usage:
        output.say(f"  tokens: {line}")
    for line in report.untranslated:
        output.say(f"  {line}", style="yellow")


@app.command("check")
def check_command(
    ctx: typer.Context,
    issues: Annotated[
        list[str] | None,
        typer.Argument(help="Issues (2020-W49, 2020-11) or files; default: every issue.", show_default=False),
    ] = None,
) -> None:
    """Check issue sources; prints `FILE:LINE: problem` for each problem found.

    Example: `mlnews check 2020-W49`
    """
    from mlnews.document import editions, source
    from mlnews.document.check import notices, problems
    from mlnews.document.source import IssueError

    workspace = current_workspace(ctx)
    config = workspace.config
    paths = [_issue_path(workspace, name) for name in issues] if issues else _all_issues(workspace)
    found, flagged, stale = [], [], []
    tallies: list[editions.Untranslated] = []
    for path in paths:
        try:
            parsed = source.read(path)
        except IssueError as error:
            found.append(str(error))
            continue
        wrong = problems(parsed, config, path)
        found += wrong
        more_flagged, more_stale = notices(parsed, path)
        flagged += more_flagged
        stale += more_stale
        if not wrong:  # a file read as in the wrong language would be counted wrong
            tallies += editions.untranslated(parsed.issue, config.languages, config.source_language)
    for line in [*found, *flagged]:
        output.errors.print(Text(line))
    for line in stale:
        output.errors.print(Text(line), style="yellow")
    # Not a problem (an edition may show the text as written), but never silent.
    untranslated = [t for t in editions.combined(tallies) if t.count]
    for line in editions.describe(untranslated, config.translator):
        output.errors.print(Text(line), style="yellow")
    if found or flagged:
        raise typer.Exit(1)
    more = f"; {len(stale)} stale translation(s)" if stale else ""
    if untranslated:
        more += f"; untranslated texts in {', '.join(t.edition for t in untranslated)}"
    output.say(f"{len(paths)} issue source(s): no problems{more}")


@app.command("render")
def render_command(
    ctx: typer.Context,
    issue: IssueArgument,
    lang: LangOption = None,
    format: Annotated[Format, typer.Option(help="Output format.")] = Format.markdown,
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="Write here instead of printing.")
    ] = None,
    links: Annotated[
        LinkStyle,
        typer.Option(help="Link other issues on the site (`site`, for pasting) or as files side by side."),
    ] = LinkStyle.site,
) -> None:
    """Render an issue in a language, in the layout of the reference issues.

    Example: `mlnews render 2020-W49 --lang zh -o 2020-W49.zh.md`
    """
    from mlnews.render.links import FileLinks, Links, SiteLinks
    from mlnews.render.published import markdown_issue

    workspace = current_workspace(ctx)
    config = workspace.config
    chosen_lang = lang or config.languages[0]
    out_dir = (output_path.parent if output_path else Path.cwd()).resolve()
    style: Links = (
        FileLinks(out_dir, workspace.root)
        if links is LinkStyle.files
        else SiteLinks(config.site_url, config.languages[0])
    )
    text = markdown_issue(workspace, parse_period(issue), chosen_lang, style)
    if output_path is None:
        typer.echo(text, nl=False)
        return
    with files.replacing(output_path) as out:
        out.write(text)
    output.say(f"Wrote {output_path}")


@app.command("thread")
def thread_command(
    ctx: typer.Context,
    issue: IssueArgument,
    lang: LangOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="A JSON array of the posts.")] = False,
) -> None:
    """The issue's one-line posts as a thread to paste: an opening post, then one per entry.

    Each post fits in 280 characters, links counted as 23.

    Example: `mlnews thread 2020-W49 --lang ja`
    """
    from mlnews.render.links import SiteLinks
    from mlnews.render.published import issue_view
    from mlnews.render.thread import thread

    workspace = current_workspace(ctx)
    config = workspace.config
    chosen_lang = lang or config.languages[0]
    period = parse_period(issue)
    links = SiteLinks(config.site_url, config.languages[0])
    posts = thread(issue_view(workspace, period, chosen_lang, links), links.issue(period, chosen_lang))
    if json_output:
        output.print_json(posts)
        return
    typer.echo("\n\n".join(posts))


def _issue_path(workspace: Workspace, name: str) -> Path:
    from mlnews.document import source

    candidate = Path(name)
    if candidate.suffix == ".md" or candidate.exists():
        return candidate
    return source.path_for(workspace.issues_dir, parse_period(name))


def _all_issues(workspace: Workspace) -> list[Path]:
    return sorted(workspace.issues_dir.glob("*.md"))
