"""The workspace's settings (`mlnews.toml`): what they are, their defaults, and checking them.

Settings are data: `SETTINGS` lists every `[newsletter]` key with its default and
help text, `SECTION_FIELDS` and `SOURCE_FIELDS` the keys of each `[[sections]]`
and `[[sources]]` table. The file `mlnews init` writes and the errors for a bad
file are both made from these lists, so they cannot fall out of step.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomlkit

from mlnews import files, i18n
from mlnews.errors import ConfigError
from mlnews.i18n import N_
from mlnews.identity import canonical_url
from mlnews.items import KINDS

LANGUAGES = tuple(i18n.languages())  # a language is a catalogue: see docs/languages.md
WEEKDAYS = ("sunday", "monday")
SOURCE_TYPES = ("feed", "arxiv", "oai-pmh", "web")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    choices: tuple[str, ...] | None = None
    is_url: bool = False  # must be an absolute http(s) URL: it ends up in links


SETTINGS: tuple[Setting, ...] = (
    Setting("name", "ML News", "The newsletter's name, shown in titles, feeds and e-mail."),
    Setting("author", "", "Who writes it: shown as the author of issues and feeds."),
    Setting(
        "languages",
        ["en", "zh", "ja"],
        "Languages each issue is published in; the first is the one you write in.",
        LANGUAGES,
    ),
    Setting(
        "first_weekday",
        "sunday",
        "The day a week starts: 'sunday' (weeks take the ISO number of the Monday after)"
        " or 'monday' (plain ISO weeks).",
        WEEKDAYS,
    ),
    Setting(
        "site_url",
        "https://example.org/",
        "Where the published site lives (for links in feeds and e-mail).",
        is_url=True,
    ),
    Setting(
        "footer",
        "",
        "Markdown shown at the end of every issue, e.g. where your one-line posts appear.",
    ),
    Setting(
        "summariser",
        "extractive",
        "What drafts headlines, summaries and posts: 'extractive' (built in, offline) or a plugin's name.",
    ),
)


@dataclass(frozen=True)
class Field:
    name: str
    type: type
    required: bool
    help: str
    choices: tuple[str, ...] | None = None
    is_url: bool = False  # must be an absolute http(s) URL: it is fetched or linked to


SECTION_FIELDS: tuple[Field, ...] = (
    Field("id", str, True, "Short name used on the command line (`--section papers`)."),
    Field("name", str, True, "Heading shown in the issue."),
    Field("kinds", list, False, "Item kinds that go here unless the curator says otherwise.", KINDS),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    Field("name", str, True, "Your name for the source."),
    Field("type", str, True, "What it is.", SOURCE_TYPES),
    Field("url", str, True, "Where to collect from.", is_url=True),
    Field("site_url", str, False, "The site's home page.", is_url=True),
)

DEFAULT_SECTIONS: list[dict[str, Any]] = [
    {"id": "papers", "name": N_("Machine-learning papers"), "kinds": ["paper"]},
    {"id": "articles", "name": N_("Technical articles"), "kinds": ["article"]},
    {"id": "use-cases", "name": N_("Examples of machine-learning use cases"), "kinds": []},
    {"id": "other", "name": N_("Other topics"), "kinds": ["news", "other"]},
]


@dataclass(frozen=True)
class Section:
    id: str
    name: str
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    name: str
    type: str
    url: str
    site_url: str = ""


@dataclass(frozen=True)
class Config:
    name: str = "ML News"
    author: str = ""
    languages: tuple[str, ...] = ("en", "zh", "ja")
    first_weekday: str = "sunday"
    site_url: str = "https://example.org/"
    footer: str = ""
    summariser: str = "extractive"
    sections: tuple[Section, ...] = field(
        default_factory=lambda: tuple(
            Section(s["id"], s["name"], tuple(s["kinds"])) for s in DEFAULT_SECTIONS
        )
    )
    sources: tuple[Source, ...] = ()

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        known = ", ".join(s.id for s in self.sections)
        raise ConfigError(f"unknown section {section_id!r}; sections are: {known}")

    def section_for_kind(self, kind: str) -> Section:
        for section in self.sections:
            if kind in section.kinds:
                return section
        return self.sections[-1]


def load(path: Path) -> Config:
    """Read and check `mlnews.toml`; a bad file raises ConfigError naming file and key."""
    try:
        # utf-8-sig: editors on Windows may save the file with a byte-order mark.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return _check(path, data)


def _check(path: Path, data: dict[str, Any]) -> Config:
    unknown = set(data) - {"newsletter", "sections", "sources"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {sorted(unknown)[0]!r}; expected [newsletter], [[sections]] or [[sources]]"
        )
    newsletter = data.get("newsletter", {})
    if not isinstance(newsletter, dict):
        raise ConfigError(f"{path}: 'newsletter' must be a table ([newsletter])")
    values = {s.name: _check_setting(path, s, newsletter.get(s.name, s.default)) for s in SETTINGS}
    extra = set(newsletter) - {s.name for s in SETTINGS}
    if extra:
        known = ", ".join(s.name for s in SETTINGS)
        raise ConfigError(f"{path}: unknown key 'newsletter.{sorted(extra)[0]}'; known keys: {known}")
    sections = [
        Section(**_check_table(path, "sections", i, t, SECTION_FIELDS))
        for i, t in enumerate(_tables(path, data, "sections", DEFAULT_SECTIONS))
    ]
    if not sections:
        raise ConfigError(f"{path}: 'sections' must list at least one section")
    ids = [s.id for s in sections]
    for section_id in ids:
        if ids.count(section_id) > 1:
            raise ConfigError(f"{path}: section id {section_id!r} is used twice; ids must be unique")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", section_id):
            raise ConfigError(
                f"{path}: section id {section_id!r}: expected lower-case letters, digits and '-'"
            )
    sources = [
        Source(**_check_table(path, "sources", i, t, SOURCE_FIELDS))
        for i, t in enumerate(_tables(path, data, "sources", []))
    ]
    values["languages"] = tuple(values["languages"])
    return Config(**values, sections=tuple(sections), sources=tuple(sources))


def _check_setting(path: Path, setting: Setting, value: Any) -> Any:
    key = f"newsletter.{setting.name}"
    expected = type(setting.default)
    if not isinstance(value, expected):
        raise ConfigError(f"{path}: {key}: expected {_describe(expected)}, got {_show(value)}")
    if setting.is_url:
        _check_url(path, key, value)
    if setting.choices is None:
        return value
    chosen = value if isinstance(value, list) else [value]
    for choice in chosen:
        if choice not in setting.choices:
            options = " or ".join(repr(c) for c in setting.choices)
            raise ConfigError(f"{path}: {key}: expected {options}, got {_show(choice)}")
    if isinstance(value, list) and not value:
        raise ConfigError(f"{path}: {key}: expected at least one of {', '.join(setting.choices)}")
    for choice in chosen:
        if chosen.count(choice) > 1:
            raise ConfigError(f"{path}: {key}: {choice!r} is listed twice; list each once")
    return value


def _tables(path: Path, data: dict[str, Any], name: str, default: list[dict[str, Any]]) -> list[Any]:
    tables = data.get(name, default)
    if not isinstance(tables, list):
        raise ConfigError(f"{path}: '{name}' must be an array of tables ([[{name}]])")
    return tables


def _check_table(path: Path, name: str, index: int, table: Any, fields: tuple[Field, ...]) -> dict[str, Any]:
    where = f"{name}[{index + 1}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where}: expected a table ([[{name}]])")
    known = {f.name for f in fields}
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: unknown key '{where}.{key}'; known keys: {', '.join(known)}")
    result: dict[str, Any] = {}
    for spec in fields:
        if spec.name not in table:
            if spec.required:
                raise ConfigError(f"{path}: {where}: missing key '{spec.name}' ({spec.help})")
            continue
        value = table[spec.name]
        if not isinstance(value, spec.type):
            raise ConfigError(
                f"{path}: {where}.{spec.name}: expected {_describe(spec.type)}, got {_show(value)}"
            )
        for choice in value if isinstance(value, list) else [value]:
            if spec.choices and choice not in spec.choices:
                options = ", ".join(repr(c) for c in spec.choices)
                raise ConfigError(
                    f"{path}: {where}.{spec.name}: expected one of {options}, got {_show(choice)}"
                )
        if spec.required and isinstance(value, str) and not value.strip():
            raise ConfigError(f"{path}: {where}.{spec.name}: expected a non-empty string")
        # An optional URL left empty means "none", as in `Source.site_url`.
        if spec.is_url and isinstance(value, str) and value:
            _check_url(path, f"{where}.{spec.name}", value)
        result[spec.name] = tuple(value) if isinstance(value, list) else value
    return result


def _check_url(path: Path, key: str, value: str) -> None:
    if canonical_url(value) is None:
        raise ConfigError(f"{path}: {key}: expected an http(s) URL, got {_show(value)}")


def _describe(expected: type) -> str:
    return {str: "a string", list: "a list", bool: "true or false", int: "a number"}.get(
        expected, expected.__name__
    )


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return f"{json.dumps(value, default=str)} ({type(value).__name__})"


def default_text() -> str:
    """The `mlnews.toml` that `mlnews init` writes: every setting, its default, a comment."""
    lines = [
        "# mlnews workspace settings. Every setting is written out with its default;",
        "# edit freely. `mlnews --help` lists the commands.",
        "",
        "[newsletter]",
    ]
    for setting in SETTINGS:
        lines.append(f"# {setting.help}")
        if setting.choices:
            lines.append(f"# One of: {', '.join(setting.choices)}.")
        lines.append(f"{setting.name} = {tomlkit.item(setting.default).as_string()}")
        lines.append("")
    lines.append("# The sections of an issue, in order. Fields:")
    lines.extend(f"#   {f.name}: {f.help}" for f in SECTION_FIELDS)
    for section in DEFAULT_SECTIONS:
        lines.append("[[sections]]")
        lines.extend(f"{k} = {tomlkit.item(v).as_string()}" for k, v in section.items())
        lines.append("")
    lines.append("# Where `collect` looks for new items. `mlnews import FEEDS.opml` adds feeds here.")
    lines.append("# Fields:")
    lines.extend(
        f"#   {f.name}: {f.help}" + (f" One of: {', '.join(f.choices)}." if f.choices else "")
        for f in SOURCE_FIELDS
    )
    lines.append("# Example:")
    lines.append("# [[sources]]")
    lines.append('# name = "Lil\'Log"')
    lines.append('# type = "feed"')
    lines.append('# url = "https://lilianweng.github.io/index.xml"')
    return "\n".join(lines) + "\n"


def add_sources(path: Path, sources: list[Source]) -> list[Source]:
    """Append sources to `mlnews.toml` (keeping its comments); returns the ones that were new.

    Sources whose URL is not http(s) are left out, and so is a site_url that is not.
    Raises ConfigError, leaving the file as it was, if the file or the result is invalid.
    """
    load(path)  # a bad file is the curator's to fix: report it before changing anything
    document = tomlkit.parse(path.read_text(encoding="utf-8-sig"))
    existing = document.get("sources")
    is_new = existing is None
    if existing is None:
        existing = tomlkit.aot()
    seen = {canonical_url(str(s.get("url", ""))) for s in existing} - {None}
    added = []
    for source in sources:
        url = canonical_url(source.url)
        if url is None or url in seen:
            continue
        seen.add(url)
        if source.site_url and canonical_url(source.site_url) is None:
            source = replace(source, site_url="")
        table = tomlkit.table()
        for key, value in (
            ("name", source.name),
            ("type", source.type),
            ("url", source.url),
            ("site_url", source.site_url),
        ):
            if value:
                table[key] = value
        existing.append(table)
        added.append(source)
    if added:
        if is_new:
            document.append("sources", existing)
        text = tomlkit.dumps(document)
        _check(path, tomllib.loads(text))  # what is written must still be a valid config
        with files.replacing(path) as out:
            out.write(text)
    return added
