"""`mlnews llm`: try the model before a long compose, and serve a local GGUF model over HTTP."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from typing import Annotated, Any

import typer

from mlnews import plugins
from mlnews.cli import output
from mlnews.cli.root import app, current_workspace
from mlnews.errors import UsageError

llm = typer.Typer(
    help="The model that drafts and translates: try it, or serve a GGUF file.", no_args_is_help=True
)
app.add_typer(llm, name="llm")

CHAT_BACKENDS = ("openai", "local")


@llm.command("check")
def check_command(
    ctx: typer.Context,
    backend: Annotated[
        str | None,
        typer.Option(help="openai or local; default: the summariser's, else the translator's, else openai."),
    ] = None,
) -> None:
    """Send the model one tiny request: its endpoint, model, latency, and whether it answers
    by JSON schema. Exits 1, with what to fix, when it does not answer.

    Example: `mlnews llm check`
    """
    from mlnews.llm import probe

    workspace = current_workspace(ctx)
    config = workspace.config
    chosen = backend or next(
        (name for name in (config.summariser, config.translator) if name in CHAT_BACKENDS), "openai"
    )
    if chosen not in CHAT_BACKENDS:
        raise UsageError(f"llm check --backend {chosen}: expected openai or local")
    # The settings of the backend that will use it: a translator's own table may differ.
    kind = "translator" if config.translator == chosen and config.summariser != chosen else "summariser"
    drafter: Any = plugins.create(kind, chosen, config.settings_of(kind, chosen))
    prepare = getattr(drafter, "prepare", None)
    if prepare is not None:
        prepare(plugins.Context(workspace.root, config.network, None))
    try:
        report = probe.check(drafter.client)
    finally:
        drafter.client.close()
    for name, value in report.lines():
        output.say(f"{name:<12} {value}")
    if not report.ok:
        raise typer.Exit(1)


@llm.command("serve")
def serve_command(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="The port on 127.0.0.1; 0 takes a free one.")] = 8080,
) -> None:
    """Serve [llm] model_path (a GGUF file) as an OpenAI-compatible endpoint on 127.0.0.1,
    until Ctrl-C: for `summariser = "openai"` with base_url http://127.0.0.1:PORT/v1, shared by
    every command and the app. Needs `pip install 'mlnews[local]'`.

    Example: `mlnews llm serve --port 8080`
    """
    from mlnews.llm import local

    workspace = current_workspace(ctx)
    settings = workspace.config.settings_of("summariser", "local")
    model = local.LocalModel(settings)
    address = model.serve(port)
    output.say(f"serving {model.model} on {address}/v1 (context {model.n_ctx} tokens); Ctrl-C stops")
    sys.stdout.flush()  # whoever started it (a script, a test) reads the address now
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
