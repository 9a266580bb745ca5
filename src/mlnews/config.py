"""The workspace's settings (`mlnews.toml`): what they are, their defaults, and checking them.

Settings are data: `SETTINGS` lists every `[newsletter]` key with its default and
help text, `NETWORK_SETTINGS` the `[network]` keys, `SECTION_FIELDS` the keys of each
`[[sections]]` table and `SOURCE_FIELDS` the keys every `[sources.NAME]` table shares
(each source type adds its own, see `mlnews.sources`); each backend declares the keys
of its `[KIND.NAME]` table (`mlnews.plugins`). The file `mlnews init` writes
(`config_file`) and the errors for a bad file are both made from these lists, so they
cannot fall out of step.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mlnews import i18n, plugins
from mlnews.errors import ConfigError
from mlnews.i18n import N_
from mlnews.identity import canonical_url
from mlnews.items import KINDS
from mlnews.translate import Glossary

LANGUAGES = tuple(i18n.languages())  # a language is a catalogue: see docs/languages.md
WEEKDAYS = ("sunday", "monday")
_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    choices: tuple[str, ...] | None = None
    is_url: bool = False  # must be an absolute http(s) URL: it ends up in links
    plugin_kind: str | None = None  # names installed backends of this kind (`mlnews plugins`)
    # A backend's setting that comes from a shared table unless its own table sets it:
    # `inherit="llm"` takes `[llm] model` for `[summariser.openai]` that does not name one.
    inherit: str | None = None


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
        plugin_kind="summariser",
    ),
    Setting(
        "translator",
        "",
        "What translates your text into the other languages: 'memory' (built in, offline: texts"
        " translated before), 'openai' (any OpenAI-compatible endpoint), a plugin's name, or ''"
        " (none: the other languages show your text, marked as such).",
        plugin_kind="translator",
    ),
    Setting(
        "ranker",
        "taste",
        "What orders a week's candidates: 'taste' (built in: learns from your decisions),"
        " 'arxiv-sanity', 'popularity' or a plugin's name; its settings are in [ranker.NAME].",
        plugin_kind="ranker",
    ),
    Setting(
        "publishers",
        ["markdown", "site", "thread"],
        "What `mlnews publish` writes, in order; 'email' needs [email] from_address.",
        plugin_kind="publisher",
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

NETWORK_SETTINGS: tuple[Setting, ...] = (
    Setting("contact_email", "", "Your e-mail, sent in the User-Agent so that sites (arXiv) can reach you."),
    Setting(
        "allow_private_addresses",
        False,
        "Fetch from private, loopback and link-local addresses (off: no feed can point inside your network).",
    ),
    Setting("connect_timeout", 10.0, "Seconds to wait for a connection."),
    Setting("read_timeout", 30.0, "Seconds to wait for data once connected."),
    Setting("max_download_mb", 25.0, "The most one response (a feed, a page, a PDF) may be, in MB."),
    Setting("retries", 4, "Tries after the first on connection errors, timeouts, 429 and 5xx."),
    Setting(
        "backoff_seconds", 2.0, "The first wait before a retry; it doubles each time (Retry-After wins)."
    ),
    Setting(
        "arxiv_api_url",
        "https://export.arxiv.org/api/query",
        "The arXiv API (`add` asks it about ids).",
        is_url=True,
    ),
    Setting(
        "arxiv_pdf_url",
        "https://arxiv.org/pdf/",
        "Where arXiv PDFs are (for figures): this, then the id.",
        is_url=True,
    ),
    Setting(
        "doi_resolver_url",
        "https://doi.org/",
        "Resolves DOIs to landing pages: this, then the DOI.",
        is_url=True,
    ),
    Setting(
        "request_interval",
        3.0,
        "Seconds between requests to one host for arxiv and oai-pmh sources (at least 3 on arxiv.org).",
    ),
    Setting(
        "fetch_figures",
        True,
        "Fetch the figures of shortlisted items in `collect` and `add` (`--no-figures` skips them once).",
    ),
)

# `[llm]`: the model the `openai` and `local` backends share; their own tables may override it.
LLM_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url",
        "https://api.openai.com/v1",
        "The endpoint, up to /v1 (e.g. http://127.0.0.1:8080/v1 for llama.cpp, :11434/v1 for Ollama).",
        is_url=True,
    ),
    Setting("model", "gpt-4o-mini", "The model's name as the endpoint knows it."),
    Setting("api_key_env", "OPENAI_API_KEY", "The environment variable holding the key."),
    Setting("key_name", "openai", "Else, the keyring entry holding it (`mlnews keys set NAME`)."),
    Setting("temperature", 0.2, "How freely it writes: 0 is the most literal."),
    Setting("timeout", 120.0, "Seconds to wait for one answer (a timed-out request is tried once more)."),
    Setting("max_concurrency", 4, "Requests in flight at once."),
    Setting(
        "context_tokens",
        0,
        "The model's context size in tokens; 0: ask the server (llama.cpp, Ollama), else assume 8192.",
    ),
    Setting("max_input_tokens", 6000, "The most a request may carry: longer body text is cut."),
    Setting("max_output_tokens", 1024, "The most an answer may be, in tokens (each task asks for less)."),
    Setting(
        "json_mode",
        True,
        "Ask for JSON by schema (falling back to a JSON object, then plain text, where refused).",
    ),
    Setting("price_input", 0.0, "Price per million input tokens, for the cost line (0: not shown)."),
    Setting("price_output", 0.0, "Price per million output tokens."),
    Setting("model_path", "", "The `local` backends: the GGUF model file they run in-process."),
    Setting("threads", 0, "The `local` backends: CPU threads (0: every core)."),
)

EMAIL_SETTINGS: tuple[Setting, ...] = (
    Setting("from_address", "", "Who the newsletter is from, e.g. 'ML News <news@example.org>'."),
    Setting("reply_to", "", "Where replies go, if not the From address."),
    Setting("unsubscribe", "", "An https: or mailto: address for the List-Unsubscribe header."),
    Setting("smtp_host", "", "The SMTP server `mlnews send` uses."),
    Setting("smtp_port", 587, "Its port: 587 for STARTTLS, 465 for SSL."),
    Setting(
        "smtp_security",
        "starttls",
        "starttls, ssl, or none (only for a server on this machine).",
        ("starttls", "ssl", "none"),
    ),
    Setting("smtp_username", "", "The login, if the server wants one."),
    Setting("password_env", "MLNEWS_SMTP_PASSWORD", "The environment variable holding the password."),
    Setting("keyring_service", "", "Else, the keyring service holding it (with smtp_username as the user)."),
    Setting("inline_images", True, "Figures travel inside the message (true) or are linked from the site."),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    Field("type", str, True, "What it is: arxiv, oai-pmh, feed, or a plugin's type."),
    Field("url", str, True, "Where to collect from (the API's base URL for arxiv and oai-pmh).", is_url=True),
    Field("title", str, False, "Your name for it, if not the table's name."),
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
    name: str  # the table's name: `[sources.NAME]`
    type: str
    url: str
    title: str = ""
    site_url: str = ""
    options: tuple[tuple[str, Any], ...] = ()  # the type's own keys, checked by the type

    def option(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)


@dataclass(frozen=True)
class NetworkSettings:
    contact_email: str = ""
    allow_private_addresses: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_download_mb: float = 25.0
    retries: int = 4
    backoff_seconds: float = 2.0
    request_interval: float = 3.0
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_pdf_url: str = "https://arxiv.org/pdf/"
    doi_resolver_url: str = "https://doi.org/"
    fetch_figures: bool = True


@dataclass(frozen=True)
class EmailSettings:
    from_address: str = ""
    reply_to: str = ""
    unsubscribe: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    password_env: str = "MLNEWS_SMTP_PASSWORD"
    keyring_service: str = ""
    inline_images: bool = True


@dataclass(frozen=True)
class Config:
    name: str = "ML News"
    author: str = ""
    languages: tuple[str, ...] = ("en", "zh", "ja")
    first_weekday: str = "sunday"
    site_url: str = "https://example.org/"
    footer: str = ""
    summariser: str = "extractive"
    translator: str = ""
    ranker: str = "taste"
    publishers: tuple[str, ...] = ("markdown", "site", "thread")
    sections: tuple[Section, ...] = field(
        default_factory=lambda: tuple(
            Section(s["id"], s["name"], tuple(s["kinds"])) for s in DEFAULT_SECTIONS
        )
    )
    sources: tuple[Source, ...] = ()
    network: NetworkSettings = field(default_factory=NetworkSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    llm: tuple[tuple[str, Any], ...] = ()  # `[llm]` as given, where it differs from the defaults
    # `[KIND.NAME]` tables as given, checked: ((kind, name), ((key, value), ...)), ...
    backends: tuple[tuple[tuple[str, str], tuple[tuple[str, Any], ...]], ...] = ()
    glossary: Glossary = field(default_factory=Glossary)

    @property
    def source_language(self) -> str:
        return self.languages[0]

    def settings_of(self, kind: str, name: str) -> dict[str, Any]:
        """A backend's settings: its `[KIND.NAME]` table over the shared tables (`[llm]`) over
        its defaults."""
        specs = plugins.backend_settings(kind, name)
        shared = {"llm": dict(self.llm)}
        values = {s.name: shared.get(s.inherit or "", {}).get(s.name, s.default) for s in specs}
        values.update(dict(dict(self.backends).get((kind, name), ())))
        return values

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none yet (add [sources.NAME] to mlnews.toml)"
        raise ConfigError(f"unknown source {name!r}; sources are: {known}")

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
        *BACKEND_TABLES,
    }
    if unknown:
        tables = ", ".join(f"[{kind}.NAME]" for kind in BACKEND_TABLES)
        raise ConfigError(
            f"{path}: unknown key {sorted(unknown)[0]!r}; "
            "expected [newsletter], [network], [email], [llm], [[sections]], [sources.NAME], "
            f"[glossary], {tables}"
        )
    values = _check_settings(path, data, "newsletter", SETTINGS)
    network = NetworkSettings(**_check_settings(path, data, "network", NETWORK_SETTINGS))
    email = EmailSettings(**_check_settings(path, data, "email", EMAIL_SETTINGS))
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
        llm=tuple((s.name, llm[s.name]) for s in LLM_SETTINGS if llm[s.name] != s.default),
        backends=backends,
        glossary=glossary,
    )


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
        if lang not in languages[1:]:
            known = ", ".join(f"[glossary.{code}]" for code in languages[1:])
            raise ConfigError(f"{path}: glossary.{lang}: not a language you translate into; expected {known}")
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
