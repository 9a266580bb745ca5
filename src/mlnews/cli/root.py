"""The `mlnews` command: one Typer app; commands live in modules by group, each imported only
when one of its commands runs (`mlnews --help` lists them all from `COMMANDS`)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from mlnews import __version__

if TYPE_CHECKING:
    from mlnews.workspace import Workspace

# Every command: the module that defines it, and the one line `mlnews --help` shows, so that
# help lists them all without importing them. tests/test_cli.py checks it against the modules.
COMMANDS = {
    "app": (
        "app_cmds",
        "Triage a week in the browser: candidates best first, decided by keyboard (j/k, s, f, x, u).",
    ),
    "rank": ("rank_cmds", "Learn your taste from every decision so far and score a week's candidates."),
    "candidates": (
        "rank_cmds",
        "A week's candidates still to decide, best first, each with its score and why.",
    ),
    "rules": (
        "rules_cmds",
        "Your rules over the ranker: words, authors, categories to pin or hide, a lowest score.",
    ),
    "similar": (
        "rank_cmds",
        "More like this: the items whose words, authors and categories are most like one's.",
    ),
    "collect": ("collect_cmds", "Fetch what is new from every source in mlnews.toml into the library."),
    "add": (
        "collect_cmds",
        "Add anything you paste: its metadata is fetched; with --section/--week it is shortlisted.",
    ),
    "figures": (
        "collect_cmds",
        "Fetch a figure for items: a paper's Figure 1 from its PDF, an article's og:image.",
    ),
    "compose": (
        "issue_cmds",
        "Write or update an issue source in issues/: a week from its shortlist, a month from its weeks.",
    ),
    "check": ("issue_cmds", "Check issue sources; prints `FILE:LINE: problem` for each problem found."),
    "render": ("issue_cmds", "Render an issue in a language, in the layout of the reference issues."),
    "thread": (
        "issue_cmds",
        "The issue's one-line posts as a thread to paste: an opening post, then one per entry.",
    ),
    "import": (
        "library_cmds",
        "Import arXiv (API Atom, OAI-PMH, snapshot JSON lines), RSS/Atom/JSON feeds,\n"
        "OPML, BibTeX or mlnews export files.",
    ),
    "list": ("library_cmds", "List items, newest first (or by score)."),
    "search": (
        "library_cmds",
        "Full-text search over titles, authors, abstracts and text, best match first.",
    ),
    "reindex": (
        "library_cmds",
        "Build the search index again from the library (safe to stop and run again).",
    ),
    "show": ("library_cmds", "Show one item."),
    "export": (
        "library_cmds",
        "Write every item, with every field, as JSON lines (`mlnews import` reads them back).",
    ),
    "plugins": (
        "plugin_cmds",
        "List every backend: formats, sources, rankers, summarisers, translators, publishers.",
    ),
    "publish": (
        "publish_cmds",
        "Publish issues with every publisher the settings name: Markdown, the site, e-mails, threads.",
    ),
    "email": (
        "publish_cmds",
        "Write an issue as an e-mail (.eml): a text and an HTML part, figures inside, ready to open or send.",
    ),
    "send": (
        "publish_cmds",
        "Send an issue by e-mail through the SMTP server of the [email] table in mlnews.toml.",
    ),
    "build": (
        "site_cmds",
        "Build the static site from the issue sources: pages, archive, sections, feeds, search.",
    ),
    "preview": (
        "site_cmds",
        "Serve the site on 127.0.0.1 and rebuild it whenever an issue, the theme or the settings change.",
    ),
    "shortlist": ("triage_cmds", "Shortlist items for a week's issue."),
    "reject": ("triage_cmds", "Reject items: they stay in the library but leave the week's candidates."),
    "undo": (
        "triage_cmds",
        "Undo the last triage decision (shortlist, feature or reject), made here or in the app.",
    ),
    "tag": ("triage_cmds", "Add a tag to items."),
    "init": (
        "workspace_cmds",
        "Create a workspace: mlnews.toml (every setting, with comments), the library, issues/, media/.",
    ),
    "demo": (
        "workspace_cmds",
        "Build a workspace from the built-in demo data, compose its issues, render them (no network).",
    ),
    "demo-files": (
        "workspace_cmds",
        "Write the demo's sample files (arXiv Atom, RSS, JSON Feed, BibTeX, OPML) into a folder.",
    ),
    "keys": ("keys_cmds", "API keys for model backends, kept in the system keyring."),
    "llm": ("llm_cmds", "The model that drafts and translates: try it, or serve a GGUF file."),
}


class _Listed(TyperCommand):
    """A command as `--help` lists it: its name and one line, its module not imported."""


class LazyGroup(TyperGroup):
    """The root group: a command's module is imported when that command runs."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, (_module, line) in COMMANDS.items():
            self.commands.setdefault(name, _Listed(name, help=line))
        self._listing = False

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        command = self.commands.get(cmd_name)
        if isinstance(command, _Listed) and not self._listing:
            command = self.commands[cmd_name] = _load(cmd_name)
        return command

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _load(name: str) -> _click.Command:
    from typer.main import get_command_from_info, get_group_from_info

    importlib.import_module(f"mlnews.cli.{COMMANDS[name][0]}")
    options: dict[str, Any] = {
        "pretty_exceptions_short": app.pretty_exceptions_short,
        "rich_markup_mode": app.rich_markup_mode,
    }
    for info in app.registered_commands:
        if info.name == name:
            return get_command_from_info(info, **options)
    for group in app.registered_groups:
        if group.name == name:
            return get_group_from_info(group, suggest_commands=app.suggest_commands, **options)
    raise LookupError(name)


app = typer.Typer(
    name="mlnews",
    cls=LazyGroup,
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
    from mlnews.workspace import find

    root = ctx.find_root().obj
    workspace = find(root if isinstance(root, Path) else None)
    workspace.config  # noqa: B018  (a bad mlnews.toml is reported by every command, first)
    return workspace
