"""Commands that publish issues: publish (every configured publisher), email (a .eml file), send (SMTP)."""

from __future__ import annotations

from email.policy import SMTP
from pathlib import Path
from typing import Annotated

import typer

from mlnews import files
from mlnews.cli import bars, output
from mlnews.cli.root import IssueArgument, LangOption, app, current_workspace
from mlnews.errors import UsageError
from mlnews.weeks import parse_period


@app.command("publish")
def publish_command(
    ctx: typer.Context,
    issues: Annotated[
        list[str] | None,
        typer.Argument(help="Weeks (2020-W49) or months (2020-11); default: all.", show_default=False),
    ] = None,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="Only this publisher (repeat for more); default: [newsletter] publishers.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Publish issues with every publisher the settings name: Markdown, the site, e-mails, threads.

    Each publisher has its own `[publisher.NAME]` settings (`mlnews plugins --kind publisher`);
    what has not changed is not written again, so re-running is safe.

    Example: `mlnews publish 2020-W49 --to markdown --to thread`
    """
    from mlnews.document import source
    from mlnews.publish import publishers
    from mlnews.workflow.release import publishable

    workspace = current_workspace(ctx)
    config = workspace.config
    names = to or list(config.publishers)
    periods = [parse_period(issue) for issue in issues] if issues else source.existing(workspace.issues_dir)
    # A problem in any issue stops the run before anything is written; so does a text
    # flagged as unfaithful: it is never published without the curator seeing it.
    publishable(workspace.issues_dir, config, periods)
    if not periods:
        raise UsageError(f"{workspace.issues_dir}: no issues yet; run `mlnews compose WEEK` first")
    if not names:
        raise UsageError(f"{workspace.config_path}: newsletter.publishers is empty; name one with --to")
    chosen = [publishers.get(config, name) for name in names]
    for publisher in chosen:
        publishers.check(publisher, workspace)
    results = []
    with bars.steps() as step:
        for number, publisher in enumerate(chosen):
            step("publishers", number, len(chosen))
            results.append((publisher.name, publisher.publish(workspace, sorted(periods, key=str))))
        step("publishers", len(chosen), len(chosen))
    for name, done in results:
        output.say(f"{name}: {done.folder}: {len(done.written)} files written, {done.unchanged} unchanged")


@app.command("email")
def email_command(
    ctx: typer.Context,
    issue: IssueArgument,
    output_path: Annotated[
        Path,
        typer.Option("--output", "-o", dir_okay=False, help="The .eml file to write.", show_default=False),
    ],
    lang: LangOption = None,
) -> None:
    """Write an issue as an e-mail (.eml): a text and an HTML part, figures inside, ready to open or send.

    Needs `from_address` in the [email] table of mlnews.toml.

    Example: `mlnews email 2020-W49 --lang zh -o 2020-W49.zh.eml`
    """
    from mlnews.publish import mime
    from mlnews.workflow.release import publishable

    workspace = current_workspace(ctx)
    chosen_lang = lang or workspace.config.languages[0]
    period = parse_period(issue)
    publishable(workspace.issues_dir, workspace.config, [period])
    message = mime.issue_message(workspace, period, chosen_lang)
    files.write_bytes(output_path, message.as_bytes(policy=SMTP))
    output.say(f"Wrote {output_path}")


@app.command("send")
def send_command(
    ctx: typer.Context,
    issue: IssueArgument,
    to: Annotated[
        list[str],
        typer.Option("--to", help="An address to send to; repeat for more.", show_default=False),
    ],
    lang: LangOption = None,
) -> None:
    """Send an issue by e-mail through the SMTP server of the [email] table in mlnews.toml.

    With several addresses each reader sees only their own: the others are not in the To header.
    The password comes from the environment variable `password_env` names, else from your keyring.

    Example: `MLNEWS_SMTP_PASSWORD=… mlnews send 2020-W49 --lang zh --to reader@example.org`
    """
    from mlnews.publish import mime, smtp
    from mlnews.workflow.release import publishable

    workspace = current_workspace(ctx)
    settings = workspace.config.email
    chosen_lang = lang or workspace.config.languages[0]
    recipients = [mime.check_address(address) for address in to]
    period = parse_period(issue)
    publishable(workspace.issues_dir, workspace.config, [period])
    message = mime.issue_message(workspace, period, chosen_lang, to=mime.to_header(recipients))
    smtp.send(message, settings, recipients)
    count = f"{len(recipients)} address" + ("" if len(recipients) == 1 else "es")
    output.say(f"sent to {count} via {settings.smtp_host}:{settings.smtp_port}")
