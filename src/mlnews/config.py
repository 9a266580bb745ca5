"""Reading and checking `mlnews.toml`: a bad file is a one-line ConfigError naming the file,
the key and what is expected.

What the settings are (their names, defaults and help) is declared once in `mlnews.settings`,
which imports no stage; this module checks a file against those declarations, against the
source types (`mlnews.sources`) and against each backend's own settings (`mlnews.plugins`).
The names of `mlnews.settings` can be imported from here too (`from mlnews.config import Setting`,
as plugins do).
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from mlnews import plugins
from mlnews.errors import ConfigError
from mlnews.identity import canonical_url
from mlnews.settings import (
    DEFAULT_SECTIONS,
    EMAIL_SETTINGS,
    LANGUAGES,
    LLM_SETTINGS,
    NETWORK_SETTINGS,
    RULES_SETTINGS,
    SECTION_FIELDS,
    SETTINGS,
    SOURCE_FIELDS,
    WEEKDAYS,
    Config,
    EmailSettings,
    Field,
    Glossary,
    NetworkSettings,
    RulesSettings,
    Section,
    Setting,
    Source,
    rule_parts,
)

__all__ = [
    "BACKEND_TABLES",
    "DEFAULT_SECTIONS",
    "EMAIL_SETTINGS",
    "LANGUAGES",
    "LLM_SETTINGS",
    "NETWORK_SETTINGS",
    "RULES_SETTINGS",
    "SECTION_FIELDS",
    "SETTINGS",
    "SOURCE_FIELDS",
    "WEEKDAYS",
    "Config",
    "ConfigError",
    "EmailSettings",
    "Field",
    "Glossary",
    "NetworkSettings",
    "RulesSettings",
    "Section",
    "Setting",
    "Source",
    "check",
    "load",
]

_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def load(path: Path) -> Config:
    """Read and check `mlnews.toml`; a bad file raises ConfigError naming file and key."""
    try:
        # utf-8-sig: editors on Windows may save the file with a byte-order mark.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return check(path, data)


def check(path: Path, data: dict[str, Any]) -> Config:
    """Check settings already parsed from `path`; ConfigError naming file and key if they are bad."""
    unknown = set(data) - {
        "newsletter",
        "network",
        "email",
        "llm",
        "sections",
        "sources",
        "glossary",
        "rules",
        *BACKEND_TABLES,
    }
    if unknown:
        tables = ", ".join(f"[{kind}.NAME]" for kind in BACKEND_TABLES)
        raise ConfigError(
            f"{path}: unknown key {sorted(unknown)[0]!r}; "
            "expected [newsletter], [network], [email], [llm], [[sections]], [sources.NAME], "
            f"[glossary], [rules], {tables}"
        )
    values = _check_settings(path, data, "newsletter", SETTINGS)
    network = NetworkSettings(**_check_settings(path, data, "network", NETWORK_SETTINGS))
    email = EmailSettings(**_check_settings(path, data, "email", EMAIL_SETTINGS))
    rules = _check_rules(path, _check_settings(path, data, "rules", RULES_SETTINGS))
    llm = _check_settings(path, data, "llm", LLM_SETTINGS)
    sections = [
        Section(**_check_table(path, f"sections[{i + 1}]", t, SECTION_FIELDS))
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
    sources = _check_sources(path, data.get("sources", {}))
    values["languages"] = tuple(values["languages"])
    values["publishers"] = tuple(values["publishers"])
    backends = _check_backends(path, data)
    glossary = _check_glossary(path, data.get("glossary", {}), values["languages"])
    return Config(
        **values,
        sections=tuple(sections),
        sources=sources,
        network=network,
        email=email,
        rules=rules,
        llm=tuple((s.name, llm[s.name]) for s in LLM_SETTINGS if llm[s.name] != s.default),
        backends=backends,
        glossary=glossary,
    )


def _check_rules(path: Path, values: dict[str, Any]) -> RulesSettings:
    """`[rules]`: each rule a phrase, author:NAME or category:NAME, none both included and excluded."""
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("include", "exclude"):
        for rule in values[key]:
            if not isinstance(rule, str):
                raise ConfigError(f"{path}: rules.{key}: expected a list of strings, got {_show(rule)}")
            try:
                rule_parts(rule)
            except ValueError as error:
                raise ConfigError(f"{path}: rules.{key}: {rule!r}: {error}") from None
        lists[key] = tuple(values[key])
    both = {" ".join(r.split()).casefold() for r in lists["include"]}
    for rule in lists["exclude"]:
        if " ".join(rule.split()).casefold() in both:
            raise ConfigError(f"{path}: rules: {rule!r} is both included and excluded; keep one")
    return RulesSettings(lists["include"], lists["exclude"], values["min_score"])


def _check_glossary(path: Path, table: Any, languages: tuple[str, ...]) -> Glossary:
    """`[glossary]`: `keep = [...]` terms kept as written, `[glossary.zh]` term = rendering."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'glossary' must be a table ([glossary])")
    keep = table.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(t, str) and t.strip() for t in keep):
        raise ConfigError(f"{path}: glossary.keep: expected a list of terms, got {_show(keep)}")
    terms: dict[str, dict[str, str]] = {}
    for lang, renderings in table.items():
        if lang == "keep":
            continue
        # Any language published in: drafts in another (an offline English draft in a
        # Chinese-first workspace) are translated into the first too.
        if lang not in languages:
            known = ", ".join(f"[glossary.{code}]" for code in languages)
            raise ConfigError(f"{path}: glossary.{lang}: not a language you publish in; expected {known}")
        if not isinstance(renderings, dict) or not all(isinstance(v, str) for v in renderings.values()):
            raise ConfigError(f'{path}: glossary.{lang}: expected term = "rendering" lines')
        terms[lang] = dict(renderings)
    return Glossary(tuple(keep), terms)


# The plugin kinds whose backends take a `[KIND.NAME]` table of their own settings.
BACKEND_TABLES = tuple(kind.name for kind in plugins.KINDS.values() if kind.has_table)


def _check_backends(
    path: Path, data: dict[str, Any]
) -> tuple[tuple[tuple[str, str], tuple[tuple[str, Any], ...]], ...]:
    checked = []
    for kind in BACKEND_TABLES:
        tables = data.get(kind, {})
        if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
            raise ConfigError(f"{path}: '{kind}': expected one [{kind}.NAME] table per {kind}")
        for name, table in tables.items():
            if not plugins.usable(kind, name):
                available = ", ".join(plugins.names(kind)) or "none installed"
                raise ConfigError(f"{path}: [{kind}.{name}]: no such {kind}; installed: {available}")
            specs = plugins.backend_settings(kind, name)
            given = _check_settings(path, {f"{kind}.{name}": table}, f"{kind}.{name}", specs)
            # Only what differs from the defaults: a file as `mlnews init` wrote it is `Config()`.
            # A shared setting counts wherever the table names it: it overrides `[llm]`.
            changed = tuple(
                (s.name, given[s.name])
                for s in specs
                if (s.name in table if s.inherit else given[s.name] != s.default)
            )
            if changed:
                checked.append(((kind, name), changed))
    return tuple(checked)


def _check_settings(
    path: Path, data: dict[str, Any], table: str, settings: tuple[Setting, ...]
) -> dict[str, Any]:
    given = data.get(table, {})
    if not isinstance(given, dict):
        raise ConfigError(f"{path}: '{table}' must be a table ([{table}])")
    extra = set(given) - {s.name for s in settings}
    if extra:
        known = ", ".join(s.name for s in settings)
        raise ConfigError(f"{path}: unknown key '{table}.{sorted(extra)[0]}'; known keys: {known}")
    return {s.name: _check_setting(path, s, given.get(s.name, s.default), table) for s in settings}


def _check_sources(path: Path, tables: Any) -> tuple[Source, ...]:
    if not tables:
        return ()
    from mlnews.sources import base  # the source types, plugins included

    if not isinstance(tables, dict):
        raise ConfigError(
            f"{path}: sources: expected one [sources.NAME] table per source, e.g. [sources.lilianweng]"
        )
    sources = []
    for name, table in tables.items():
        where = f"sources.{name}"
        if not _SOURCE_NAME.fullmatch(name):
            raise ConfigError(f"{path}: {where}: a source name is letters, digits, '.', '_' and '-'")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {where}: expected a table ([{where}])")
        kind = table.get("type")
        if kind is None:
            raise ConfigError(f"{path}: {where}: missing key 'type' (one of {', '.join(base.types())})")
        if not isinstance(kind, str) or kind not in base.types():
            expected = " or ".join(repr(t) for t in base.types())
            raise ConfigError(f"{path}: {where}.type: expected {expected}, got {_show(kind)}")
        fields = SOURCE_FIELDS + base.get(kind).options
        values = _check_table(path, where, table, fields)
        common = {f.name for f in SOURCE_FIELDS}
        options = tuple((k, v) for k, v in values.items() if k not in common)
        made = Source(name=name, **{k: v for k, v in values.items() if k in common}, options=options)
        check = getattr(base.get(kind), "check", None)  # a type's own rules for its options
        if check is not None:
            try:
                check(made)
            except ConfigError as error:
                raise ConfigError(f"{path}: {error}") from None
        sources.append(made)
    return tuple(sources)


def _check_setting(path: Path, setting: Setting, value: Any, table: str = "newsletter") -> Any:
    key = f"{table}.{setting.name}"
    expected = type(setting.default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # `timeout = 5` means 5.0
    if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        raise ConfigError(f"{path}: {key}: expected {_describe(expected)}, got {_show(value)}")
    if setting.is_url:
        _check_url(path, key, value)
    choices = setting.choices
    if setting.plugin_kind is not None:
        # A backend whose default is "" may be left out: `translator = ""` means none.
        empty = ("",) if setting.default == "" else ()
        named = [c for c in (value if isinstance(value, list) else [value]) if c not in empty]
        choices = plugins.choices(setting.plugin_kind, named) + empty
    if choices is None:
        return value
    chosen = value if isinstance(value, list) else [value]
    for choice in chosen:
        if choice not in choices:
            options = " or ".join(repr(c) for c in choices)
            raise ConfigError(f"{path}: {key}: expected {options}, got {_show(choice)}")
    if isinstance(value, list) and not value and setting.plugin_kind is None:
        raise ConfigError(f"{path}: {key}: expected at least one of {', '.join(choices)}")
    for choice in chosen:
        if chosen.count(choice) > 1:
            raise ConfigError(f"{path}: {key}: {choice!r} is listed twice; list each once")
    return value


def _tables(path: Path, data: dict[str, Any], name: str, default: list[dict[str, Any]]) -> list[Any]:
    tables = data.get(name, default)
    if not isinstance(tables, list):
        raise ConfigError(f"{path}: '{name}' must be an array of tables ([[{name}]])")
    return tables


def _check_table(path: Path, where: str, table: Any, fields: tuple[Field, ...]) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where}: expected a table")
    known = [f.name for f in fields]
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
        if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if spec.type is str and isinstance(value, date):
            value = value.isoformat()  # `from = 2020-09-01` is a TOML date: the day is what counts
        if spec.type is list and isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {where}.{spec.name}: expected a list of strings, got {_show(value)}")
        if not isinstance(value, spec.type) or (spec.type is not bool and isinstance(value, bool)):
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
    return {
        str: "a string",
        list: "a list",
        bool: "true or false",
        int: "a whole number",
        float: "a number",
    }.get(expected, expected.__name__)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return f"{json.dumps(value, default=str)} ({type(value).__name__})"
