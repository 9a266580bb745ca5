"""`mlnews app`: the triage app, served on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from mlnews.cli import output
from mlnews.cli.root import app, current_workspace
from mlnews.errors import UsageError
from mlnews.weeks import Week

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("app")
def app_command(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Argument(help="The week to open (default: this week).")] = None,
    host: Annotated[
        str, typer.Option(help="Address to serve on; beyond loopback needs --token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            help="Access token required of every request (needed beyond 127.0.0.1).", show_default=False
        ),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the page in a browser.")
    ] = True,
) -> None:
    """Triage a week in the browser: candidates best first, decided by keyboard (j/k, s, f, x, u).

    Serves on 127.0.0.1 only, unless --host names another address and --token a secret
    every request must carry (`?token=...` once; a cookie keeps it).

    Example: `mlnews app 2020-W49`
    """
    import secrets
    import webbrowser

    import uvicorn

    from mlnews.app.server import create_app, hosts_for

    workspace = current_workspace(ctx)
    chosen = Week.parse(week) if week else Week.this(workspace.config.first_weekday)
    if host not in LOOPBACK and not token:
        made = secrets.token_urlsafe(18)
        raise UsageError(
            f"--host {host}: serving beyond this machine needs an access token, e.g. --token {made}"
        )
    output.say(f"Ranking the candidates of {chosen}…")
    application = create_app(workspace, hosts_for(host, port), token, chosen)
    url = f"http://{'127.0.0.1' if host in LOOPBACK else host}:{port}/weeks/{chosen}"
    output.say(f"Serving the triage app at {url}{'?token=…' if token else ''} (Ctrl-C stops it)")
    if open_browser:
        webbrowser.open(url + (f"?token={token}" if token else ""))
    uvicorn.run(application, host=host, port=port, log_level="warning")
