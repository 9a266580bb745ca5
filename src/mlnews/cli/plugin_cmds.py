"""Commands about backends: plugins (every backend, its kind, where it comes from, its settings)."""

from __future__ import annotations

from typing import Annotated, Any

import tomlkit
import typer
from rich.text import Text

from mlnews import plugins
from mlnews.cli import output
from mlnews.cli.root import app
from mlnews.errors import UsageError


@app.command("plugins")
def plugins_command(
    kind: Annotated[
        str | None, typer.Option(help=f"Only this kind: {', '.join(plugins.KINDS)}.", show_default=False)
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="As JSON.")] = False,
) -> None:
    """List every backend: formats, sources, rankers, summarisers, translators, publishers.

    Built-in backends are plugins like any other; an installed package adds its own
    through the same entry-point groups. Settings go in a `[KIND.NAME]` table of
    mlnews.toml (a source type's, in each `[sources.NAME]` table of that type).

    Example: `mlnews plugins --kind publisher`
    """
    if kind is not None and kind not in plugins.KINDS:
        raise UsageError(f"--kind {kind}: not a kind of plugin; kinds are: {', '.join(plugins.KINDS)}")
    found = [p for p in plugins.every() if kind is None or p.kind == kind]
    if json_output:
        output.print_json([_as_json(p) for p in found])
        return
    for kind_name in [kind] if kind else list(plugins.KINDS):
        _print_kind(plugins.KINDS[kind_name], [p for p in found if p.kind == kind_name])


def _print_kind(kind: plugins.Kind, found: list[plugins.Plugin]) -> None:
    """A kind as a heading, then each backend: its name, where it comes from, what it does, its settings."""
    output.console.print(Text.assemble((kind.name, "bold"), f"  ({kind.group}) {kind.help}"), soft_wrap=True)
    if not found:
        output.say("  none installed", style="dim")
    width = max((len(p.name) for p in found), default=0)
    for plugin in found:
        line = Text.assemble("  ", (plugin.name.ljust(width), "cyan"), f"  {plugin.origin}")
        if plugin.cls is None:
            line.append(f"  broken: {plugin.error}", style="red")
        elif plugin.description:
            line.append(f"  {plugin.description}")
        output.console.print(line, soft_wrap=True)
        for setting in plugin.settings:
            output.say(f"      {_setting_line(plugin, setting)}", style="dim")
    output.say("")


def _setting_line(plugin: plugins.Plugin, setting: Any) -> str:
    table = f"[{plugin.kind}.{plugin.name}] " if plugins.KINDS[plugin.kind].has_table else ""
    if hasattr(setting, "default"):
        value = tomlkit.item(setting.default).as_string()
        return f"{table}{setting.name} = {value}: {setting.help}"
    required = "required" if setting.required else "optional"
    return f"{setting.name} ({required}): {setting.help}"


def _as_json(plugin: plugins.Plugin) -> dict[str, Any]:
    return {
        "kind": plugin.kind,
        "name": plugin.name,
        "from": plugin.origin,
        "target": plugin.target,
        "description": plugin.description,
        "error": plugin.error or None,
        "settings": [
            {"name": s.name, "default": getattr(s, "default", None), "help": s.help} for s in plugin.settings
        ],
    }
