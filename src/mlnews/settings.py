"""The workspace's settings (`mlnews.toml`): what they are, their defaults and their help, each said once.

Settings are data. Each table's settings are the fields of a frozen dataclass, declared with
`setting(default, help)`: the dataclass is what code reads (`config.network.retries`), and
`SETTINGS` (`[newsletter]`), `NETWORK_SETTINGS`, `EMAIL_SETTINGS` and `RULES_SETTINGS` are made
from its fields, so a default cannot be written twice. `LLM_SETTINGS` lists the `[llm]` keys
the model backends share, `SECTION_FIELDS` the keys of each `[[sections]]` table and
`SOURCE_FIELDS` the keys every `[sources.NAME]` table shares (each source type adds its own,
see `mlnews.sources`); each backend declares the keys of its `[KIND.NAME]` table as a tuple of
`Setting`s (`mlnews.plugins`).

This module imports no stage: fetching, the model client, the summarisers and the translators all
read it. Reading and checking the file is `mlnews.config`'s work; the file `mlnews init` writes is
`mlnews.config_file`'s. Both are made from these declarations, so they cannot fall out of step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from mlnews import i18n, plugins
from mlnews.errors import ConfigError, UsageError
from mlnews.i18n import N_
from mlnews.items import KINDS

LANGUAGES = tuple(i18n.languages())  # a language is a catalogue: see docs/languages.md
WEEKDAYS = ("sunday", "monday")

T = TypeVar("T")


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


def setting(
    default: T,
    help: str,
    choices: tuple[str, ...] | None = None,
    *,
    is_url: bool = False,
    plugin_kind: str | None = None,
) -> T:
    """A dataclass field that is a key of `mlnews.toml`: its default and help, in one place.

    The field's name is the key's; a tuple default is a TOML list (a dataclass field cannot
    hold a list, which the tuple stands in for)."""
    toml_default = list(default) if isinstance(default, tuple) else default
    spec = Setting("", toml_default, help, choices, is_url=is_url, plugin_kind=plugin_kind)
    return field(default=default, metadata={"setting": spec})


def settings_in(table: type[Any]) -> tuple[Setting, ...]:
    """The settings a dataclass declares with `setting()`, in its order, named after its fields."""
    declared = [f for f in fields(table) if "setting" in f.metadata]
    return tuple(replace(f.metadata["setting"], name=f.name) for f in declared)


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
class Glossary:
    """`[glossary]`: terms kept as written in every language, and terms translated one way per language."""

    keep: tuple[str, ...] = ()
    terms: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> {term: rendering}

    def for_text(self, text: str, lang: str) -> tuple[list[str], dict[str, str]]:
        """The entries that concern this text: kept terms and renderings of terms it uses."""
        folded = text.casefold()
        keep = [term for term in self.keep if term.casefold() in folded]
        terms = {term: out for term, out in self.terms.get(lang, {}).items() if term.casefold() in folded}
        return keep, terms


@dataclass(frozen=True)
class NetworkSettings:
    """`[network]`: how mlnews uses the network."""

    contact_email: str = setting(
        "", "Your e-mail, sent in the User-Agent so that sites (arXiv) can reach you."
    )
    allow_private_addresses: bool = setting(
        False,
        "Fetch from private, loopback and link-local addresses (off: no feed can point inside your network).",
    )
    connect_timeout: float = setting(10.0, "Seconds to wait for a connection.")
    read_timeout: float = setting(30.0, "Seconds to wait for data once connected.")
    max_download_mb: float = setting(25.0, "The most one response (a feed, a page, a PDF) may be, in MB.")
    retries: int = setting(4, "Tries after the first on connection errors, timeouts, 429 and 5xx.")
    backoff_seconds: float = setting(
        2.0, "The first wait before a retry; it doubles each time (Retry-After wins)."
    )
    arxiv_api_url: str = setting(
        "https://export.arxiv.org/api/query", "The arXiv API (`add` asks it about ids).", is_url=True
    )
    arxiv_pdf_url: str = setting(
        "https://arxiv.org/pdf/", "Where arXiv PDFs are (for figures): this, then the id.", is_url=True
    )
    doi_resolver_url: str = setting(
        "https://doi.org/", "Resolves DOIs to landing pages: this, then the DOI.", is_url=True
    )
    request_interval: float = setting(
        3.0,
        "Seconds between requests to one host for arxiv and oai-pmh sources (at least 3 on arxiv.org).",
    )
    fetch_figures: bool = setting(
        True,
        "Fetch the figures of shortlisted items in `collect` and `add` (`--no-figures` skips them once).",
    )


@dataclass(frozen=True)
class EmailSettings:
    """`[email]`: sending the newsletter by e-mail."""

    from_address: str = setting("", "Who the newsletter is from, e.g. 'ML News <news@example.org>'.")
    reply_to: str = setting("", "Where replies go, if not the From address.")
    unsubscribe: str = setting("", "An https: or mailto: address for the List-Unsubscribe header.")
    smtp_host: str = setting("", "The SMTP server `mlnews send` uses.")
    smtp_port: int = setting(587, "Its port: 587 for STARTTLS, 465 for SSL.")
    smtp_security: str = setting(
        "starttls", "starttls, ssl, or none (only for a server on this machine).", ("starttls", "ssl", "none")
    )
    smtp_username: str = setting("", "The login, if the server wants one.")
    password_env: str = setting("MLNEWS_SMTP_PASSWORD", "The environment variable holding the password.")
    keyring_service: str = setting(
        "", "Else, the keyring service holding it (with smtp_username as the user)."
    )
    inline_images: bool = setting(
        True, "Figures travel inside the message (true) or are linked from the site."
    )


# A rule of `[rules]` is a word or phrase, or one of these prefixes and a name: `author:Yann LeCun`.
RULE_PREFIXES = ("author", "category")


def rule_parts(rule: str) -> tuple[str, str]:
    """A rule's kind ('text', 'author' or 'category') and what it matches; ValueError saying
    what is wrong with it. `mlnews.rank.rules` matches them; here so that the file is checked
    when it is read."""
    text = " ".join(rule.split())
    if not text:
        raise ValueError("a rule is a word or phrase, author:NAME or category:NAME; got an empty one")
    prefix, colon, name = text.partition(":")
    if colon and prefix.isalpha() and not name.startswith(" "):
        if prefix.lower() not in RULE_PREFIXES:
            expected = "expected a word or phrase, author:NAME or category:NAME"
            raise ValueError(f"unknown prefix {prefix + ':'!r}; {expected}")
        if not name.strip():
            raise ValueError(f"{prefix.lower()}: names nobody; expected e.g. {prefix.lower()}:NAME")
        return prefix.lower(), name.strip()
    if not any(c.isalnum() for c in text):
        raise ValueError("matches nothing: a phrase needs a letter or a digit")
    return "text", text


@dataclass(frozen=True)
class RulesSettings:
    """`[rules]`: what the curator decides about candidates whatever the ranker says (`mlnews rules`)."""

    include: tuple[str, ...] = setting(
        (),
        "Pinned: a candidate matching one of these comes first, whatever its score. Each is a word"
        " or phrase (in the title or abstract, any case), author:NAME or category:NAME (cs.CV).",
    )
    exclude: tuple[str, ...] = setting(
        (), "Hidden: a candidate matching one of these never appears (rules as for include; this wins)."
    )
    min_score: float = setting(
        0.0, "Candidates scoring under this are hidden, pinned ones never (0: none hidden; taste scores 0-1)."
    )


# `[llm]`: the model the `openai` and `local` backends share; their own tables may override it.
# (No dataclass: a backend reads these through its own settings, `Config.settings_of`.)
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


# The [llm] keys each chat backend takes (`openai` over HTTP, `local` in-process); its own table
# may override any of them.
HTTP_KEYS = (
    "base_url",
    "model",
    "api_key_env",
    "key_name",
    "temperature",
    "timeout",
    "max_concurrency",
    "context_tokens",
    "max_input_tokens",
    "max_output_tokens",
    "json_mode",
    "price_input",
    "price_output",
)
LOCAL_KEYS = (
    "model_path",
    "threads",
    "temperature",
    "max_concurrency",
    "context_tokens",
    "max_input_tokens",
    "max_output_tokens",
    "json_mode",
)


def inherited(keys: tuple[str, ...]) -> tuple[Setting, ...]:
    """The `[llm]` settings named, as a backend's own: its table overrides them."""
    by_name = {s.name: s for s in LLM_SETTINGS}
    return tuple(replace(by_name[key], inherit="llm") for key in keys)


def _default_sections() -> tuple[Section, ...]:
    return tuple(Section(s["id"], s["name"], tuple(s["kinds"])) for s in DEFAULT_SECTIONS)


def chosen_languages(text: str) -> tuple[str, ...]:
    """Languages as a curator types them, `en,zh` or `en zh`: each one mlnews publishes in, once."""
    chosen = tuple(dict.fromkeys(code.strip().lower() for code in text.replace(",", " ").split()))
    unknown = [code for code in chosen if code not in LANGUAGES]
    if not chosen or unknown:
        what = f"{unknown[0]!r} is not one" if unknown else "none given"
        raise UsageError(f"languages: {what}; choose from {', '.join(LANGUAGES)}, the one you write in first")
    return chosen


@dataclass(frozen=True)
class Config:
    """The whole of `mlnews.toml`: its `[newsletter]` settings are the fields made by `setting()`."""

    name: str = setting("ML News", "The newsletter's name, shown in titles, feeds and e-mail.")
    author: str = setting("", "Who writes it: shown as the author of issues and feeds.")
    languages: tuple[str, ...] = setting(
        ("en", "zh", "ja"),
        "Languages each issue is published in; the first is the one you write in. Without a"
        " translator, the others show your text as written, marked, until you translate it (`mlnews app`).",
        LANGUAGES,
    )
    first_weekday: str = setting(
        "sunday",
        "The day a week starts: 'sunday' (weeks take the ISO number of the Monday after)"
        " or 'monday' (plain ISO weeks).",
        WEEKDAYS,
    )
    site_url: str = setting(
        "https://example.org/", "Where the published site lives (for links in feeds and e-mail).", is_url=True
    )
    footer: str = setting(
        "", "Markdown shown at the end of every issue, e.g. where your one-line posts appear."
    )
    summariser: str = setting(
        "extractive",
        "What drafts headlines, summaries and posts: 'extractive' (built in, offline) or a plugin's name.",
        plugin_kind="summariser",
    )
    translator: str = setting(
        "",
        "What translates your text into the other languages: 'memory' (built in, offline: texts"
        " translated before), 'openai' (any OpenAI-compatible endpoint), a plugin's name, or ''"
        " (none: the other languages show your text, marked as such).",
        plugin_kind="translator",
    )
    ranker: str = setting(
        "taste",
        "What orders a week's candidates: 'taste' (built in: learns from your decisions),"
        " 'arxiv-sanity', 'popularity' or a plugin's name; its settings are in [ranker.NAME].",
        plugin_kind="ranker",
    )
    publishers: tuple[str, ...] = setting(
        ("markdown", "site", "thread"),
        "What `mlnews publish` writes, in order; 'email' needs [email] from_address.",
        plugin_kind="publisher",
    )
    sections: tuple[Section, ...] = field(default_factory=_default_sections)
    sources: tuple[Source, ...] = ()
    network: NetworkSettings = field(default_factory=NetworkSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    rules: RulesSettings = field(default_factory=RulesSettings)
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


SETTINGS = settings_in(Config)  # `[newsletter]`
NETWORK_SETTINGS = settings_in(NetworkSettings)
EMAIL_SETTINGS = settings_in(EmailSettings)
RULES_SETTINGS = settings_in(RulesSettings)
