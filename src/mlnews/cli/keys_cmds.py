"""`mlnews keys`: API keys in the system keyring, so that none is ever written to mlnews.toml."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mlnews import secrets
from mlnews.cli import output
from mlnews.cli.app import app
from mlnews.errors import UsageError

keys = typer.Typer(help="API keys for model backends, kept in the system keyring.", no_args_is_help=True)
app.add_typer(keys, name="keys")

NameArgument = Annotated[str, typer.Argument(help="The entry's name: a backend's key_name, e.g. openai.")]


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
