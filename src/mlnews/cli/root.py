"""The `mlnews` command: one Typer app; commands live in modules by group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlnews import __version__
from mlnews.workspace import Workspace, find

app = typer.Typer(
    name="mlnews",
    help="A weekly machine-learning research digest, end to end.\n\n"
    "Start with `mlnews demo` (no network needed) or `mlnews init`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Arguments several commands share.
IssueArgument = Annotated[
    str, typer.Argument(help="A week (2020-W49) or a month (2020-11).", show_default=False)
]
LangOption = Annotated[str | None, typer.Option(help="Language (default: the first in mlnews.toml).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlnews {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            envvar="MLNEWS_WORKSPACE",
            file_okay=False,
            help="Workspace folder (default: this folder or the nearest parent with an mlnews.toml).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = workspace


def current_workspace(ctx: typer.Context) -> Workspace:
    """The workspace this command works in (or a one-line error saying how to make one)."""
    root = ctx.find_root().obj
    workspace = find(root if isinstance(root, Path) else None)
    workspace.config  # noqa: B018  (a bad mlnews.toml is reported by every command, first)
    return workspace
