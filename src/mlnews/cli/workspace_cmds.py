"""Commands that make workspaces: init, demo, demo-files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mlnews import i18n, workspace
from mlnews.cli import output
from mlnews.cli.root import app
from mlnews.errors import UsageError
from mlnews.settings import LANGUAGES, chosen_languages


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="Where to create the workspace.", file_okay=False)] = Path(
        "."
    ),
    languages: Annotated[
        str | None,
        typer.Option(
            help="The languages you publish in, the one you write in first (`en,zh,ja`); asked"
            " when run in a terminal, else `en`.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a workspace: mlnews.toml (every setting, with comments), the library, issues/, media/.

    Safe to re-run: an existing workspace is checked and completed, never overwritten.

    Example: `mlnews init my-digest --languages en,zh`
    """
    target = folder.resolve()
    fresh = not (target / workspace.CONFIG_NAME).exists()
    chosen = _languages(languages) if fresh else None
    made, created = workspace.init(folder, chosen)
    verb = "Created" if created else "Already a workspace:"
    output.say(f"{verb} {made.root}")
    if created:
        output.say(f"Edit {made.config_path} to name your newsletter, then `mlnews import FILE`.")
        config = made.config
        for line in _language_advice(config.languages, config.translator, config.summariser):
            output.say(line)


def _languages(given: str | None) -> tuple[str, ...]:
    """The languages a new workspace publishes in: as given, asked in a terminal, else English only
    (an edition nobody translates is the writer's text marked as such: opted into, not a default)."""
    if given is None and sys.stdin.isatty():
        names = ", ".join(LANGUAGES)
        given = typer.prompt(f"Languages you publish in ({names}), the one you write in first", default="en")
    return chosen_languages(given or "en")


def _language_advice(languages: tuple[str, ...], translator: str, summariser: str) -> list[str]:
    """What a new workspace's languages mean without a translator, and how to add one."""
    from mlnews import summarise
    from mlnews.compose.drafting import OFFLINE_LANGUAGE

    english = i18n.catalogue("en")
    first = english.language_name(languages[0])
    lines = []
    if languages[0] != OFFLINE_LANGUAGE and summariser == summarise.DEFAULT:
        lines.append(
            f"The offline drafter writes English: its drafts are kept as English, marked as such in"
            f' your {first} edition, until you translate them (or draft with a model: summariser = "openai").'
        )
    others = list(languages[1:])
    how = (
        'set a translator in mlnews.toml (translator = "openai" with an [llm] endpoint, or "local";'
        " `mlnews llm check` tries it), or translate each text in `mlnews app`"
    )
    if not others:
        more = " or ".join(sorted(english.language_name(code) for code in LANGUAGES if code not in languages))
        return [f"Publishing in {first} only. To add {more}: add it to `languages` and {how}.", *lines]
    if translator:
        return [f"Publishing in {', '.join(languages)}; {translator} translates your {first} text.", *lines]
    return [
        f"Publishing in {', '.join(languages)}. No translator is set: the {', '.join(others)}"
        f" {'editions show' if len(others) > 1 else 'edition shows'} your {first} text, marked as"
        f" {first}, until you {how}.",
        *lines,
    ]


@app.command("demo")
def demo_command(
    folder: Annotated[
        Path, typer.Argument(help="Where to build the demo workspace.", file_okay=False)
    ] = Path("demo-workspace"),
) -> None:
    """Build a workspace from the built-in demo data, compose its issues, render them (no network).

    Imports the sample sources, shortlists the items of September to early December
    2020 (around the two reference weeks), composes every week and month, and renders
    each in every language. Safe to re-run: the second time nothing changes.

    Example: `mlnews demo && cd demo-workspace && mlnews render 2020-W49 --lang zh`
    """
    from mlnews import demo
    from mlnews.cli.issue_cmds import print_report

    result = demo.build(folder)
    output.print_reports(result.imports)
    if not all(r.ok for r in result.imports):
        raise typer.Exit(1)
    for report in result.composed:
        print_report(report)
    root = result.workspace.root
    output.say(f"\nDemo workspace: {root} ({result.items} items)")
    output.say(f"Issue sources (edit these): {root / 'issues'}")
    published = result.published
    if "markdown" in published:
        done = published["markdown"]
        files = len(done.written) + done.unchanged
        output.say(f"Rendered: {files} Markdown files in {done.folder}, e.g. 2020-W49.zh.md")
    mail = [published[name] for name in ("email", "thread") if name in published]
    if mail:
        files = sum(len(done.written) + done.unchanged for done in mail)
        output.say(f"E-mails and threads: {files} files in {mail[0].folder}")
    if "site" in published:
        done = published["site"]
        output.say(f"Site: {done.folder}; try `mlnews -w {folder} preview`")
    output.say(f"Try: mlnews -w {folder} render 2020-W49 --lang ja")


@app.command("demo-files")
def demo_files_command(
    folder: Annotated[Path, typer.Argument(help="Where to write the sample files.", file_okay=False)] = Path(
        "."
    ),
) -> None:
    """Write the demo's sample files (arXiv Atom, RSS, JSON Feed, BibTeX, OPML) into a folder.

    The files `mlnews demo` imports, to try `mlnews import` and the rest on by hand. A file
    already in the folder is left as it is.

    Example: `mlnews init my-digest && cd my-digest && mlnews demo-files . && mlnews import papers.atom`
    """
    from mlnews import demo

    try:
        written = demo.write_samples(folder)
    except OSError as error:
        raise UsageError(f"{folder}: cannot write the sample files: {error.strerror or error}") from None
    for path, fresh in written:
        output.say(f"wrote {path}" if fresh else f"{path}: already there, left as it is")
