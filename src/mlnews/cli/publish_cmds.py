"""Commands that publish an issue by e-mail: email (write a .eml file), send (by SMTP)."""

from __future__ import annotations

from email.policy import SMTP
from pathlib import Path
from typing import Annotated

import typer

from mlnews import files
from mlnews.cli import output
from mlnews.cli.app import IssueArgument, LangOption, app, current_workspace
from mlnews.publish import mime, smtp
from mlnews.weeks import parse_period


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
    workspace = current_workspace(ctx)
    chosen_lang = lang or workspace.config.languages[0]
    message = mime.issue_message(workspace, parse_period(issue), chosen_lang)
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
    workspace = current_workspace(ctx)
    settings = workspace.config.email
    chosen_lang = lang or workspace.config.languages[0]
    recipients = [mime.check_address(address) for address in to]
    message = mime.issue_message(workspace, parse_period(issue), chosen_lang, to=mime.to_header(recipients))
    smtp.send(message, settings, recipients)
    count = f"{len(recipients)} address" + ("" if len(recipients) == 1 else "es")
    output.say(f"sent to {count} via {settings.smtp_host}:{settings.smtp_port}")
