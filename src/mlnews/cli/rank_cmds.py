"""Commands that rank: rank (and its backtest), candidates, similar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
from rich.table import Table

from mlnews.cli import bars, output
from mlnews.cli.root import app, current_workspace
from mlnews.errors import UsageError
from mlnews.items import summary
from mlnews.library import Library
from mlnews.weeks import Week

if TYPE_CHECKING:
    from mlnews.config import Config
    from mlnews.rank import reasons
    from mlnews.rank.base import Model
    from mlnews.rank.pipeline import Ranked


WeekOption = Annotated[str | None, typer.Option(help="The issue week, YYYY-Www (default: this week).")]


@app.command("rank")
def rank_command(
    ctx: typer.Context,
    week: WeekOption = None,
    backtest: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Backtest on your own history instead: each past week ranked by what was decided "
            "before it, beside arxiv-sanity-lite's method, popularity alone and random.",
        ),
    ] = False,
    curator: Annotated[
        Path | None,
        typer.Option(
            "--curator",
            exists=True,
            dir_okay=False,
            help="With --evaluate: replay this file's weekly picks against the library, week by week,"
            ' instead of your own history (JSON: {"NAME": {"weeks": {"2025-W49": {"picks": [arXiv ids]}}}}).',
            show_default=False,
        ),
    ] = None,
) -> None:
    """Learn your taste from every decision so far and score a week's candidates.

    Example: `mlnews rank --week 2020-W49`, then `mlnews candidates 2020-W49`
    """
    from mlnews.rank import evaluate, pipeline, reasons

    workspace = current_workspace(ctx)
    config = workspace.config
    if curator is not None and not backtest:
        raise UsageError("--curator replays a curator's picks: use it with --evaluate")
    with Library.open(workspace.library_path) as library:
        if curator is not None:
            _replay(library, config, curator)
            return
        if backtest:
            report = evaluate.backtest_library(library, config)
            if not report.cases:
                output.say("nothing to backtest yet: no week has picks with decisions before it")
                return
            output.console.print(evaluate.table(report))
            return
        chosen = Week.parse(week) if week else Week.this(config.first_weekday)
        ranked = pipeline.rank_week(library, config, chosen, retrain=True)
        model = pipeline.current_model(library, config, pipeline.ranker_for(config))
    decided = sum(1 for r in ranked if r.state != "new")
    output.say(f"ranked {len(ranked)} candidates for {chosen} ({decided} already shortlisted)")
    output.say(reasons.weighting(model))


def _replay(library: Library, config: Config, path: Path) -> None:
    from mlnews.rank import curators, evaluate

    for curator in curators.read(path):
        found, given = curators.coverage(library, curator)
        output.say(f"{curator.name}: {found} of {given} picks are in the library")
        report = curators.replay(library, config, curator)
        if not report.cases:
            why = "a week needs picks in the library, and earlier ones"
            output.say(f"{curator.name}: no week to replay ({why})")
            continue
        output.console.print(evaluate.table(report))
        ours = next(iter(report.results))
        times = curators.ratio(report, "recall@20", ours, "arxiv-sanity")
        output.say(f"{ours} finds {times:.2f}x arxiv-sanity-lite's picks in its top 20")


@app.command("candidates")
def candidates_command(
    ctx: typer.Context,
    week: Annotated[str, typer.Argument(help="The issue week, YYYY-Www.", show_default=False)],
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 20,
    decided: Annotated[
        bool, typer.Option("--all", help="Also the items already shortlisted or featured for the week.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """A week's candidates still to decide, best first, each with its score and why.

    Example: `mlnews candidates 2020-W49 --limit 10`
    """
    from mlnews.rank import pipeline, reasons

    workspace = current_workspace(ctx)
    config = workspace.config
    chosen = Week.parse(week)
    with Library.open(workspace.library_path) as library:
        ranked = [r for r in pipeline.rank_week(library, config, chosen) if decided or r.state == "new"][
            :limit
        ]
        model, why = _explained(library, config, ranked)
    if ranked and not as_json:
        output.say(reasons.weighting(model))
    _show(
        ranked, why, as_json, empty=f"no candidates for {chosen}: import or collect items dated in its weeks"
    )


@app.command("similar")
def similar_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="A key, arXiv id, DOI or URL.", show_default=False)],
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """More like this: the items whose words, authors and categories are most like one's.

    Example: `mlnews similar 2011.15126`
    """
    from mlnews.rank import pipeline

    workspace = current_workspace(ctx)
    config = workspace.config
    with Library.open(workspace.library_path) as library:
        ranked = pipeline.similar(library, config, key, limit)
        _, why = _explained(library, config, ranked)
    _show(ranked, why, as_json, empty="nothing like it in the library yet")


def _explained(library: Library, config: Config, ranked: list[Ranked]) -> tuple[Model, list[reasons.Reasons]]:
    from mlnews.rank import pipeline, reasons
    from mlnews.rank.rules import Rules

    ranker = pipeline.ranker_for(config)
    model = pipeline.current_model(library, config, ranker)
    shown = [(r.item_id, r.item) for r in ranked]
    return model, reasons.explain(library, model, shown, pipeline.followed(ranker), Rules.of(config))


def _show(ranked: list[Ranked], why: list[reasons.Reasons], as_json: bool, empty: str) -> None:
    if as_json:
        output.print_json(
            [
                {**summary(r.item), "score": round(r.score, 4), "reasons": w.to_dict()}
                for r, w in zip(ranked, why, strict=True)
            ]
        )
        return
    if not ranked:
        output.errors.print(empty, markup=False)
        return
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("score", justify="right")
    table.add_column("item", overflow="fold")
    for r, w in zip(ranked, why, strict=True):
        cell = output.title_of(r.item)
        cell.append(f"  {r.item.key}", style="dim")
        if r.state != "new":
            cell.append(f"  [{r.state}]", style="green")
        for line in w.lines():
            cell.append("\n  " + line, style="dim")
        table.add_row(f"{r.score:.3f}", cell)
    output.console.print(table)


def build_features(library: Library, config: Config | None = None) -> None:
    """What follows items arriving (`workflow.arrivals`), with a bar (and one for the embeddings,
    when an embedder is set)."""
    from mlnews.workflow import arrivals

    with bars.bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()) as progress:
        task = progress.add_task("ranking features", total=None)
        vectors: list[TaskID] = []

        def embedded(done: int, total: int) -> None:
            if not vectors:
                vectors.append(progress.add_task("embeddings", total=total))
            progress.update(vectors[0], completed=done, total=total)

        arrivals.arrived(
            library,
            config,
            lambda done, total: progress.update(task, completed=done, total=total),
            embedded,
        )
