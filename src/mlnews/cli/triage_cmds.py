"""Commands that triage items: shortlist, feature, reject, undo, tag."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from mlnews.cli import output
from mlnews.cli.root import app, current_workspace
from mlnews.library import Library

Keys = Annotated[list[str], typer.Argument(help="Keys, arXiv ids, DOIs or URLs.", show_default=False)]


@app.command("shortlist")
def shortlist_command(
    ctx: typer.Context,
    keys: Keys,
    section: Annotated[
        str | None,
        typer.Option(help="Section id from mlnews.toml (default: chosen when the issue is composed)."),
    ] = None,
    week: Annotated[str | None, typer.Option(help="Issue week, YYYY-Www (default: this week).")] = None,
    featured: Annotated[bool, typer.Option("--featured", help="Make it an editor's pick.")] = False,
) -> None:
    """Shortlist items for a week's issue.

    Example: `mlnews shortlist 2011.15126 --section papers --week 2020-W49`
    """
    from mlnews.compose import classify
    from mlnews.workflow import triage

    workspace = current_workspace(ctx)
    settings = workspace.config
    state = "featured" if featured else "shortlisted"
    with Library.open(workspace.library_path) as library:
        done = triage.decide(library, settings, keys, state, section, week, warn=_warn)
    for item in done:
        where = item.section or f"{classify.section_for(item, settings)} (by default)"
        output.console.print(Text(f"{state} {item.key} for {item.week} in {where}: {output.titled(item)}"))


@app.command("reject")
def reject_command(ctx: typer.Context, keys: Keys) -> None:
    """Reject items: they stay in the library but leave the week's candidates.

    Example: `mlnews reject 2011.12289`
    """
    from mlnews.workflow import triage

    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path) as library:
        rejected = triage.decide(library, workspace.config, keys, "rejected", warn=_warn)
    for item in rejected:
        output.console.print(Text(f"rejected {item.key}: {output.titled(item)}"))


@app.command("undo")
def undo_command(ctx: typer.Context) -> None:
    """Undo the last triage decision (shortlist, feature or reject), made here or in the app.

    Its items go back to the state they had before it; run it again for the one before.

    Example: `mlnews undo`
    """
    from mlnews.workflow import triage

    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path) as library:
        undone = triage.undo(library, workspace.config, warn=_warn)
    for item in undone:
        week = f" for {item.week}" if item.week else ""
        output.console.print(Text(f"undone: {item.key} is {item.state}{week} again: {output.titled(item)}"))


def _warn(message: str) -> None:
    output.errors.print(f"Warning: {message}", markup=False, style="yellow")


@app.command("tag")
def tag_command(
    ctx: typer.Context,
    keys: Keys,
    tag: Annotated[str, typer.Argument(help="The tag to add.", show_default=False)],
) -> None:
    """Add a tag to items.

    Example: `mlnews tag 2011.15126 2011.12289 vision`
    """
    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path) as library:
        for item in library.tag(keys, tag):
            output.console.print(Text(f"{item.key}: {', '.join(item.tags)}"))
