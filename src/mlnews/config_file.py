"""The text of `mlnews.toml`: the file `mlnews init` writes, and what commands change in a curator's
file (sources added, `[rules]` set).

Both are made from the settings' declarations in `mlnews.settings`, so the file explains
every setting in the same words the errors use; adding sources keeps the curator's
comments and layout (tomlkit).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomlkit

from mlnews import files, plugins
from mlnews.config import BACKEND_TABLES, check, load
from mlnews.identity import canonical_url
from mlnews.settings import (
    DEFAULT_SECTIONS,
    EMAIL_SETTINGS,
    LLM_SETTINGS,
    NETWORK_SETTINGS,
    RULES_SETTINGS,
    SECTION_FIELDS,
    SETTINGS,
    SOURCE_FIELDS,
    Setting,
    Source,
)


def default_text(newsletter: dict[str, Any] | None = None) -> str:
    """The `mlnews.toml` that `mlnews init` writes: every setting, its default (or the value
    `newsletter` gives it, such as the languages the curator chose), a comment."""
    lines = [
        "# mlnews workspace settings. Every setting is written out with its default;",
        "# edit freely. `mlnews --help` lists the commands.",
        "",
        "[newsletter]",
    ]
    lines += _settings_lines(SETTINGS, blank_between=True, values=newsletter)
    lines.append("# The sections of an issue, in order. Fields:")
    lines.extend(f"#   {f.name}: {f.help}" for f in SECTION_FIELDS)
    for section in DEFAULT_SECTIONS:
        lines.append("[[sections]]")
        lines.extend(f"{k} = {tomlkit.item(v).as_string()}" for k, v in section.items())
        lines.append("")
    lines.append("# How mlnews uses the network (`collect`, `add`, `figures`).")
    lines.append("[network]")
    lines += _settings_lines(NETWORK_SETTINGS)
    lines.append("")
    lines.append("# Sending the newsletter by e-mail (`mlnews email`, `mlnews send`).")
    lines.append("[email]")
    lines += _settings_lines(EMAIL_SETTINGS)
    lines.append("")
    lines.append("# Rules over the ranker, for a week's candidates still to decide (`mlnews rules`,")
    lines.append("# or `i` and `e` on a selected word or author in `mlnews app`).")
    lines.append("[rules]")
    lines += _settings_lines(RULES_SETTINGS)
    lines.append("")
    lines.append("# The model that drafts and translates, for `summariser` or `translator` = 'openai'")
    lines.append("# (any OpenAI-compatible endpoint) or 'local' (a GGUF file run in-process, with")
    lines.append("# `pip install mlnews[local]`). `mlnews llm check` tries it. A key never goes here.")
    lines.append("[llm]")
    lines += _settings_lines(LLM_SETTINGS)
    lines.append("")
    lines += _backend_lines()
    lines.append("# Terms the translator keeps as written (model and dataset names), and terms it")
    lines.append("# translates one way, per language. Generated translations are checked against it.")
    lines.append("# [glossary]")
    lines.append('# keep = ["GPT-3", "ImageNet"]')
    lines.append("# [glossary.zh]")
    lines.append('# "attention" = "注意力"')
    lines.append("")
    lines.append("# Where `collect` looks for new items: one [sources.NAME] table each.")
    lines.append("# `mlnews import FEEDS.opml` adds feeds here. Keys every source has:")
    lines.extend(f"#   {f.name}: {f.help}" for f in SOURCE_FIELDS)
    lines.append("# and each type's own (see README, Collecting). Examples:")
    lines.append("# [sources.arxiv-ml]")
    lines.append('# type = "arxiv"')
    lines.append('# url = "https://export.arxiv.org/api/query"')
    lines.append('# categories = ["cs.LG", "cs.CV", "stat.ML"]')
    lines.append("#")
    lines.append("# [sources.lilianweng]")
    lines.append('# type = "feed"')
    lines.append('# url = "https://lilianweng.github.io/index.xml"')
    return "\n".join(lines) + "\n"


def _settings_lines(
    settings: tuple[Setting, ...], blank_between: bool = False, values: dict[str, Any] | None = None
) -> list[str]:
    """Each setting as its comment, its choices and its default: how `mlnews.toml` explains itself."""
    lines = []
    values = values or {}
    for setting in settings:
        lines.append(f"# {setting.help}")
        if setting.choices:
            lines.append(f"# One of: {', '.join(setting.choices)}.")
        if setting.plugin_kind:
            lines.append(f"# Installed: {', '.join(plugins.names(setting.plugin_kind))} (`mlnews plugins`).")
        value = values.get(setting.name, setting.default)
        lines.append(f"{setting.name} = {tomlkit.item(value).as_string()}")
        if blank_between:
            lines.append("")
    return lines


def _backend_lines() -> list[str]:
    """A table for every installed backend that has settings: `[publisher.site]`, `[summariser.X]`."""
    lines = []
    for kind in BACKEND_TABLES:
        for name in plugins.names(kind):
            plugin = plugins.plugins(kind)[name]
            if not plugin.settings:
                continue
            lines.append(f"# The {kind} {name!r}: {plugin.description}")
            lines.append(f"[{kind}.{name}]")
            own = tuple(s for s in plugin.settings if s.inherit is None)
            lines += _settings_lines(own)
            for table in sorted({s.inherit for s in plugin.settings if s.inherit}):
                lines.append(f"# Any [{table}] key may be set here too, for this {kind} only.")
            lines.append("")
    return lines


def set_values(path: Path, table: str, values: dict[str, Any]) -> None:
    """Set keys of one table of `mlnews.toml` (made if missing), keeping the curator's comments
    and layout. Raises ConfigError, leaving the file as it was, if the file or the result is invalid."""
    load(path)  # a bad file is the curator's to fix: report it before changing anything
    document = tomlkit.parse(path.read_text(encoding="utf-8-sig"))
    found = document.get(table)
    if found is None:
        found = tomlkit.table()
        document.append(table, found)
    for key, value in values.items():
        found[key] = value
    text = tomlkit.dumps(document)
    check(path, tomllib.loads(text))  # what is written must still be a valid config
    with files.replacing(path) as out:
        out.write(text)


def add_sources(path: Path, sources: list[Source]) -> list[Source]:
    """Add sources to `mlnews.toml` (keeping its comments); returns the ones that were new.

    A source whose URL is already there, or is not http(s), is left out; so is a site_url
    that is not http(s). Each gets a table named after it (`[sources.lil-log]`), made
    unique. Raises ConfigError, leaving the file as it was, if the file or the result is
    invalid.
    """
    current = load(path)  # a bad file is the curator's to fix: report it before changing anything
    document = tomlkit.parse(path.read_text(encoding="utf-8-sig"))
    tables = document.get("sources")
    if tables is None:
        tables = tomlkit.table(is_super_table=True)
        document.append("sources", tables)
    seen = {canonical_url(s.url) for s in current.sources} - {None}
    names = {s.name for s in current.sources}
    added = []
    for source in sources:
        url = canonical_url(source.url)
        if url is None or url in seen:
            continue
        seen.add(url)
        name = _unique(_slug(source.title or source.name or url), names)
        names.add(name)
        site_url = source.site_url if source.site_url and canonical_url(source.site_url) else ""
        source = replace(source, name=name, site_url=site_url)
        table = tomlkit.table()
        for key, value in (
            ("type", source.type),
            ("url", source.url),
            ("title", source.title),
            ("site_url", site_url),
        ):
            if value:
                table[key] = value
        tables[name] = table
        added.append(source)
    if added:
        text = tomlkit.dumps(document)
        check(path, tomllib.loads(text))  # what is written must still be a valid config
        with files.replacing(path) as out:
            out.write(text)
    return added


def _slug(text: str) -> str:
    text = re.sub(r"^https?://(www\.)?", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-") or "source"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    return candidate
