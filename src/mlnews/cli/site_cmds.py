"""Commands that publish the site: build."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlnews.cli import bars, output
from mlnews.cli.root import app, current_workspace
from mlnews.errors import UsageError
from mlnews.workspace import Workspace


@app.command("build")
def build_command(
    ctx: typer.Context,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Only these languages (default: all in mlnews.toml).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--output", "-o", file_okay=False, help="Where (default: [publisher.site] folder)."),
    ] = None,
) -> None:
    """Build the static site from the issue sources: pages, archive, sections, feeds, search.

    Only pages whose content changed are written again.

    Example: `mlnews build && python -m http.server -d site`
    """
    from mlnews.publish import site

    workspace = current_workspace(ctx)
    for chosen in lang or []:
        if chosen not in workspace.config.languages:
            known = ", ".join(workspace.config.languages)
            raise UsageError(f"--lang {chosen}: not one of this newsletter's languages ({known})")
    target = (out or _site_folder(workspace)).resolve()
    with bars.steps() as step:
        built = site.build(workspace, target, lang, step)
    output.say(f"{target}: {len(built.written)} files written, {built.unchanged} unchanged")


@app.command("preview")
def preview_command(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    out: Annotated[
        Path | None,
        typer.Option("--output", "-o", file_okay=False, help="Where (default: [publisher.site] folder)."),
    ] = None,
) -> None:
    """Serve the site on 127.0.0.1 and rebuild it whenever an issue, the theme or the settings change.

    Example: `mlnews preview --port 8000`, then open http://127.0.0.1:8000/
    """
    from mlnews.publish import serve, site

    workspace = current_workspace(ctx)
    target = (out or _site_folder(workspace)).resolve()
    with serve.Server(target, port) as server:
        built = site.build(workspace, target)
        output.say(f"{target}: {len(built.written)} files written, {built.unchanged} unchanged")
        server.start()
        output.say(f"Serving {server.url} (Ctrl-C to stop)")
        try:
            for rebuilt in serve.watch(workspace, target):
                output.say(f"rebuilt: {len(rebuilt.written)} files written")
        except KeyboardInterrupt:
            pass


def _site_folder(workspace: Workspace) -> Path:
    """Where the site publisher writes: `build` and `preview` default to the same folder."""
    from mlnews.publish import publishers

    return publishers.where(workspace, str(workspace.config.settings_of("publisher", "site")["folder"]))
