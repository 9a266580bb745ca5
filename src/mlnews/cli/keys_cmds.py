"""`mlnews keys`: API keys in the system keyring, so that none is ever written to mlnews.toml."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from mlnews import secrets
from mlnews.cli import output
from mlnews.cli.root import app, current_workspace
from mlnews.errors import UsageError

keys = typer.Typer(help="API keys for model backends, kept in the system keyring.", no_args_is_help=True)
app.add_typer(keys, name="keys")

NameArgument = Annotated[str, typer.Argument(help="The entry's name: a backend's key_name, e.g. openai.")]


@keys.command("list")
def list_command(ctx: typer.Context) -> None:
    """Which keys the model backends look for, and where each is found; never a key's value.

    Example: `mlnews keys list`
    """
    config = current_workspace(ctx).config
    wanted: dict[tuple[str, str], list[str]] = {}
    for kind in ("summariser", "translator"):
        settings = config.settings_of(kind, "openai")
        in_use = getattr(config, kind) == "openai"
        pair = (str(settings["key_name"]), str(settings["api_key_env"]))
        wanted.setdefault(pair, []).append(f"{kind} openai" + (" (in use)" if in_use else ""))
    keyring_there = secrets.has_keyring()
    if not keyring_there:
        output.say("no system keyring on this machine: keys come from environment variables only")
    for (name, variable), users in wanted.items():
        in_env = "set" if os.environ.get(variable) else "not set"
        kept = secrets.stored(name) if keyring_there else None
        in_keyring = "no keyring" if kept is None else ("stored" if kept else "none")
        where = f"environment {variable} {in_env}; keyring entry {name!r} {in_keyring}"
        output.say(f"{name}: {where} — for {', '.join(users)}")


@keys.command("set")
def set_command(name: NameArgument) -> None:
    """Store a key in the keyring: typed at a hidden prompt, or read from standard input.

    Example: `mlnews keys set openai`, or `printf %s "$KEY" | mlnews keys set openai`
    """
    value = typer.prompt(f"Key for {name}", hide_input=True) if sys.stdin.isatty() else sys.stdin.read()
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        raise UsageError(f"keys set {name}: a key is one word, without spaces; nothing stored")
    secrets.store(name, value)
    output.say(f"{name}: stored in the keyring (service {secrets.SERVICE!r})")


@keys.command("delete")
def delete_command(name: NameArgument) -> None:
    """Remove a key from the keyring.

    Example: `mlnews keys delete openai`
    """
    if not secrets.forget(name):
        raise UsageError(f"keys delete {name}: no such entry in the keyring (service {secrets.SERVICE!r})")
    output.say(f"{name}: deleted from the keyring")
