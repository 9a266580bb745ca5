"""Commands that fill and browse the library: import, list, search, reindex, show, export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlnews import files
from mlnews.cli import output
from mlnews.cli.root import app, current_workspace
from mlnews.errors import UsageError
from mlnews.items import KINDS, STATES, summary
from mlnews.library import Library
from mlnews.weeks import Week

if TYPE_CHECKING:
    from rich.progress import Progress

_MAX_LIMIT = 1_000_000_000  # SQLite's LIMIT is a 64-bit integer; nobody lists more than this


@app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files to import.", show_default=False)],
    format_name: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Force a format (default: sniffed from content): arxiv-atom, oai-pmh, arxiv-snapshot, "
            "feed, json-feed, opml, bibtex, mlnews-jsonl, hot-papers, issue, openreview-tsv.",
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help=f"Give every record this kind: {', '.join(KINDS)}.")
    ] = None,
) -> None:
    """Import arXiv (API Atom, OAI-PMH, snapshot JSON lines), RSS/Atom/JSON feeds,
    OPML, BibTeX or mlnews export files.

    Each file is imported whole or not at all, but for a big line-oriented one (an arXiv
    snapshot), committed as it goes: run the same command again after an interruption and it
    goes on where it stopped. The same item seen twice is one item, so re-importing changes
    nothing. OPML files add their feeds to `mlnews.toml`.

    Example: `mlnews import papers.atom feeds.opml reading.bib && mlnews import --kind news news.json`
    """
    from mlnews.collect import ingest
    from mlnews.formats.base import formats
    from mlnews.rank import features

    _check_choice("--kind", kind, KINDS)
    if format_name is not None and format_name not in formats():
        raise UsageError(f"--format {format_name!r}: unknown format; known formats: {', '.join(formats())}")
    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path) as library, _progress() as progress:
        tasks = {str(path): progress.add_task(path.name, total=None, start=False) for path in files}

        def seen(path: str, done: int, total: int | None) -> None:
            progress.start_task(tasks[path])
            progress.update(tasks[path], completed=done, total=total or None)

        try:
            reports = ingest.import_files(
                library,
                files,
                format_name=format_name,
                kind=kind,
                config_path=workspace.config_path,
                progress=seen,
                derive=features.deriver(library),  # new items' features, built by the parsing workers
            )
        except KeyboardInterrupt:
            # Typer would end quietly; say what happened to the library.
            output.errors.print(_interrupted(library, files), markup=False)
            raise typer.Exit(130) from None
        from mlnews.cli import rank_cmds

        rank_cmds.build_features(library, workspace.config)
    output.print_reports(reports)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


def _interrupted(library: Library, files: list[Path]) -> str:
    for path in files:
        standing = library.imports.get(str(path.resolve()))
        if standing is not None:
            return (
                f"Interrupted: {path} is in the library up to line {standing.line - 1:,}; "
                "run the same command again to go on from there."
            )
    return "Interrupted: the file being imported was rolled back."


def _progress() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=output.errors,
        transient=True,
        disable=not output.errors.is_terminal,
    )


@app.command("list")
def list_command(
    ctx: typer.Context,
    state: Annotated[str | None, typer.Option(help=f"Only items in this state: {', '.join(STATES)}.")] = None,
    kind: Annotated[str | None, typer.Option(help=f"Only items of this kind: {', '.join(KINDS)}.")] = None,
    week: Annotated[str | None, typer.Option(help="Only items shortlisted for this week (YYYY-Www).")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only items published on or after this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=_MAX_LIMIT, help="At most this many items.")] = None,
    sort: Annotated[
        str,
        typer.Option(help="`published` (newest first) or `score` (best first, as `mlnews rank` left it)."),
    ] = "published",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List items, newest first (or by score).

    Example: `mlnews list --state shortlisted --week 2020-W49`, `mlnews list --sort score --limit 20`
    """
    _check_choice("--sort", sort, ("published", "score"))
    _check_choice("--state", state, STATES)
    _check_choice("--kind", kind, KINDS)
    week_text = str(Week.parse(week)) if week is not None else None
    if since is not None:
        try:
            since = date.fromisoformat(since).isoformat()
        except ValueError:
            raise UsageError(f"--since {since!r}: expected a date as YYYY-MM-DD") from None
    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path, writing=False) as library:
        items = library.items(
            state=state, kind=kind, week=week_text, since=since, limit=limit, by_score=sort == "score"
        )
    if as_json:
        output.print_json([summary(i) for i in items])
    else:
        output.console.print(output.item_table(items))


def _check_choice(option: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise UsageError(f"{option} {value!r}: expected one of {', '.join(choices)}")


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words, "a phrase", prefix*, AND/OR/NOT.')],
    limit: Annotated[int, typer.Option(min=1, max=_MAX_LIMIT, help="At most this many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Full-text search over titles, authors, abstracts and text, best match first.

    Example: `mlnews search '"talking head" synth*'`
    """
    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path, writing=False) as library:
        hits = library.search(query, limit=limit)
    if as_json:
        output.print_json(
            [{**summary(h.item), "snippet": output.plain_snippet(h.snippet), "rank": h.rank} for h in hits]
        )
    elif hits:
        output.print_hits(hits)
    else:
        output.errors.print(f"no items match {query!r}", markup=False)


@app.command("reindex")
def reindex_command(ctx: typer.Context) -> None:
    """Build the search index again from the library (safe to stop and run again).

    Searching and importing keep the index in step, and build it when it is missing; this is
    for an index you distrust. It is built in a new folder that replaces the old one at the end.

    Example: `mlnews reindex`
    """
    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path) as library:
        count = library.text_index.rebuild()
    output.console.print(f"indexed {count:,} items in {library.text_index.folder}", markup=False)


@app.command("show")
def show_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="A key, arXiv id, DOI or URL in any form.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print every field as JSON.")] = False,
) -> None:
    """Show one item.

    Example: `mlnews show arXiv:2011.15126v2`
    """
    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path, writing=False) as library:
        item = library.get(key)
    if as_json:
        output.print_json(item.to_dict())
    else:
        output.print_item(item)


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write here instead of to stdout (`-`: to stdout)."
        ),
    ] = None,
) -> None:
    """Write every item, with every field, as JSON lines (`mlnews import` reads them back).

    Example: `mlnews export -o library.jsonl`
    """
    from mlnews.formats import mlnews_jsonl

    workspace = current_workspace(ctx)
    with Library.open(workspace.library_path, writing=False) as library:
        # A string, not a Path: Path("./-") is Path("-"), and `./-` names a file called "-".
        if out is None or out == "-":
            mlnews_jsonl.dump(library.export(), sys.stdout)
            return
        path = Path(out)
        if path.is_dir():
            raise UsageError(f"{path}: is a folder; give a file name, e.g. -o {path / 'library.jsonl'}")
        with files.replacing(path) as handle:
            count = mlnews_jsonl.dump(library.export(), handle)
    output.errors.print(f"wrote {count} items to {path}", markup=False)
