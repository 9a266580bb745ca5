"""`mlnews rules`: the curator's rules over the ranker, kept in `[rules]` of mlnews.toml."""

from __future__ import annotations

from typing import Annotated

import typer

from mlnews.cli import output
from mlnews.cli.root import app, current_workspace

rules = typer.Typer(
    help="Your rules over the ranker: words, authors, categories to pin or hide, a lowest score.\n\n"
    "With no command, lists them. A rule is a word or phrase (in the title or abstract),"
    " author:NAME or category:NAME (cs.CV). Example: `mlnews rules exclude 'quantum computing'`",
    invoke_without_command=True,
)
app.add_typer(rules, name="rules")

RuleArgument = Annotated[
    str,
    typer.Argument(help="A word or phrase, author:NAME or category:NAME.", show_default=False),
]


@rules.callback()
def list_rules(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from mlnews.workflow import rules as changes

    shown = changes.listing(current_workspace(ctx))
    for line in shown:
        output.say(line)
    if not shown:
        output.say("no rules yet: `mlnews rules include TEXT` pins, `mlnews rules exclude TEXT` hides")


@rules.command("include")
def include_command(ctx: typer.Context, rule: RuleArgument) -> None:
    """Pin the candidates a rule matches: they come first, whatever their score.

    Example: `mlnews rules include diffusion`, `mlnews rules include 'author:Yann LeCun'`
    """
    _say(ctx, "include", rule)


@rules.command("exclude")
def exclude_command(ctx: typer.Context, rule: RuleArgument) -> None:
    """Hide the candidates a rule matches: they never appear among a week's candidates.

    Example: `mlnews rules exclude 'category:cs.PL'`
    """
    _say(ctx, "exclude", rule)


@rules.command("remove")
def remove_command(ctx: typer.Context, rule: RuleArgument) -> None:
    """Take a rule out, included or excluded.

    Example: `mlnews rules remove diffusion`
    """
    from mlnews.workflow import rules as changes

    output.say(changes.remove(current_workspace(ctx), rule).message)


@rules.command("min-score")
def min_score_command(
    ctx: typer.Context,
    score: Annotated[
        float, typer.Argument(help="The lowest score shown; 0: none hidden.", show_default=False)
    ],
) -> None:
    """Hide the candidates scoring under a score (never a pinned one); 0 hides none.

    Example: `mlnews rules min-score 0.2`
    """
    from mlnews.workflow import rules as changes

    output.say(changes.set_min_score(current_workspace(ctx), score).message)


def _say(ctx: typer.Context, which: str, rule: str) -> None:
    from mlnews.workflow import rules as changes

    output.say(changes.add(current_workspace(ctx), which, rule).message)
