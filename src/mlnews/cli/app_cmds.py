"""`mlnews app`: the triage app, served on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from mlnews.cli import output
from mlnews.cli.root import app, current_workspace
from mlnews.weeks import Week


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
            help="Access token every request must carry beyond loopback (made when not given).",
            show_default=False,
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="Another Host name to answer to (repeatable), e.g. a proxy's name."),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the page in a browser.")
    ] = True,
) -> None:
    """Triage a week in the browser: candidates best first, decided by keyboard (j/k, s, f, x, u).

    Serves on 127.0.0.1 only, unless --host names another address (0.0.0.0: every one); then
    every request must carry a token (--token, else one is made and printed once; `?token=...`
    once, a cookie keeps it), and the Host must be this machine's or one --allow-host names.

    Example: `mlnews app 2020-W49`
    """
    import webbrowser

    import uvicorn

    from mlnews.app.server import create_app
    from mlnews.app.serving import plan

    workspace = current_workspace(ctx)
    chosen = Week.parse(week) if week else Week.this(workspace.config.first_weekday)
    serving = plan(host, port, token, allow_host or [])
    output.say(f"Ranking the candidates of {chosen}…")
    application = create_app(workspace, serving.hosts, serving.token, chosen)
    url = f"{serving.url}/weeks/{chosen}"
    if serving.made_token:  # said once: the cookie keeps it after the first visit
        output.say(f"Serving the triage app at {url}?token={serving.token} (Ctrl-C stops it)")
    else:
        output.say(f"Serving the triage app at {url}{'?token=…' if serving.token else ''} (Ctrl-C stops it)")
    if open_browser:
        webbrowser.open(url + (f"?token={serving.token}" if serving.token else ""))
    uvicorn.run(application, host=host, port=port, log_level="warning")
