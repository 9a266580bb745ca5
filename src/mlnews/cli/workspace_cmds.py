"""Commands that make workspaces: init, demo."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from mlnews import ingest, workspace
from mlnews.cli import output
from mlnews.cli.app import app
from mlnews.library import Library

# The demo's files, each with the kind its records are (None: as the format says).
DEMO_FILES = (("papers.atom", None), ("articles.rss", None), ("news.json", "news"), ("reading.bib", None))


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="Where to create the workspace.", file_okay=False)] = Path(
        "."
    ),
) -> None:
    """Create a workspace: mlnews.toml (every setting, with comments), the library, issues/, media/.

    Safe to re-run: an existing workspace is checked and completed, never overwritten.

    Example: `mlnews init my-digest`
    """
    made, created = workspace.init(folder)
    verb = "Created" if created else "Already a workspace:"
    output.console.print(Text(f"{verb} {made.root}"))
    if created:
        output.console.print(
            Text(f"Edit {made.config_path} to name your newsletter, then `mlnews import FILE`.")
        )


@app.command("demo")
def demo_command(
    folder: Annotated[
        Path, typer.Argument(help="Where to build the demo workspace.", file_okay=False)
    ] = Path("demo-workspace"),
) -> None:
    """Build a workspace from the built-in demo data (no network, no API key).

    Safe to re-run: the second time nothing changes.

    Example: `mlnews demo && cd demo-workspace && mlnews search transformer`
    """
    made, _ = workspace.init(folder)
    demo = resources.files("mlnews") / "demo"
    with resources.as_file(demo) as demo_dir, Library.open(made.library_path) as library:
        reports = [
            report
            for name, kind in DEMO_FILES
            for report in ingest.import_files(
                library, [demo_dir / name], kind=kind, config_path=made.config_path
            )
        ]
        total = library.count()
    for report in reports:
        report.path = Path(report.path).name  # the files live inside the package
    output.print_reports(reports)
    output.console.print(Text(f"\nDemo workspace: {made.root} ({total} items)"))
    output.console.print(Text(f"Try: mlnews -w {folder} search 'video conferencing'"))
    if not all(r.ok for r in reports):
        raise typer.Exit(1)
