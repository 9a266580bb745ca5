"""What an issue source holds: entries by section, the picks, and what was drafted by machine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from mlnews import identity
from mlnews.weeks import Month, Period, Week

# Fields of an entry, in the order they are written. `headline` is the entry's heading and
# `summary` the text under its fields; both are Markdown. The others are plain text.
FIELDS = ("key", "kind", "title", "link", "authors", "site", "description", "figure", "issue", "post", "lang")
DRAFTABLE = (*FIELDS[1:], "headline", "summary")
# The curator's own words, which are translated: a translation holds these three.
TRANSLATABLE = ("headline", "summary", "post")


@dataclass(frozen=True)
class Flag:
    """A generated text that failed the faithfulness check, tied to the text it was about."""

    fingerprint: str
    reason: str  # e.g. 'the number "40%" is not in the source'


class Texts:
    """What entries and translations share: fields written by compose, and flags on them."""

    drafted: dict[str, str]
    flagged: dict[str, Flag]
    field_lines: dict[str, int]

    def value(self, name: str) -> str:
        return str(getattr(self, name))

    def untouched(self, name: str) -> bool:
        """True if compose wrote this field and the curator has not changed it since."""
        return self.drafted.get(name) == fingerprint(self.value(name))

    def set_drafted(self, name: str, value: str) -> None:
        setattr(self, name, value)
        self.flagged.pop(name, None)
        if value:
            self.drafted[name] = fingerprint(value)
        else:
            self.drafted.pop(name, None)

    def may_redraft(self, name: str) -> bool:
        """Compose wrote it and it is untouched, or it was never written (empty, not drafted)."""
        return self.untouched(name) or (name not in self.drafted and not self.value(name))

    def flag(self, name: str, reason: str) -> None:
        self.flagged[name] = Flag(fingerprint(self.value(name)), reason)

    def flags(self) -> dict[str, str]:
        """The standing flags: a flag on a text the curator has edited since no longer holds."""
        return {
            name: flag.reason
            for name, flag in self.flagged.items()
            if flag.fingerprint == fingerprint(self.value(name))
        }


@dataclass
class Translation(Texts):
    """An entry's (or the intro's) text in another language, under `#### LANG` in the source."""

    lang: str
    headline: str = ""
    summary: str = ""  # for the intro: the intro's text
    post: str = ""
    # Fingerprints of the source texts it was translated from: a changed source makes it stale.
    source: dict[str, str] = field(default_factory=dict)
    drafted: dict[str, str] = field(default_factory=dict)
    flagged: dict[str, Flag] = field(default_factory=dict)
    line: int = 0
    field_lines: dict[str, int] = field(default_factory=dict)

    def stale(self, originals: dict[str, str]) -> list[str]:
        """The fields translated from a source text that has changed since."""
        return [
            name
            for name, mark in self.source.items()
            if name in originals and self.value(name) and mark != fingerprint(originals[name])
        ]


@dataclass
class Entry(Texts):
    key: str
    section: str
    headline: str = ""
    summary: str = ""
    kind: str = ""  # paper, article, news, other; rendered as a link card unless "paper"
    title: str = ""
    link: str = ""
    authors: str = ""
    site: str = ""
    description: str = ""
    figure: str = ""
    issue: str = ""  # in a monthly summary: the weekly issue the entry comes from
    post: str = ""
    # The language its headline, summary and post are in, when not the issue's: an offline
    # English draft in a Chinese-first workspace is `en` (see `document.editions`).
    lang: str = ""
    # Fingerprints of the values compose wrote: a field whose value still matches was not
    # edited by the curator, so `compose --force` may write it again.
    drafted: dict[str, str] = field(default_factory=dict)
    flagged: dict[str, Flag] = field(default_factory=dict)
    translations: dict[str, Translation] = field(default_factory=dict)  # by language
    line: int = 0  # where its heading is in the file (for messages)
    field_lines: dict[str, int] = field(default_factory=dict)

    def originals(self) -> dict[str, str]:
        """The texts its translations are made from."""
        return {name: self.value(name) for name in TRANSLATABLE}


@dataclass
class Issue:
    period: Period
    entries: list[Entry] = field(default_factory=list)
    picks: list[str] = field(default_factory=list)
    intro: str = ""  # the curator's own words, shown after the standard intro
    intro_translations: dict[str, Translation] = field(default_factory=dict)  # text in `summary`
    title: str = ""  # overrides the standard title when set
    # The language its texts are written in ("" in a file from before it was recorded: the
    # workspace's first); pinned, so that reordering `languages` later changes no file's meaning.
    lang: str = ""
    # The front matter as the curator wrote it: written back with its comments and layout,
    # changing only what compose changed.
    front_matter: str = ""
    line_of: dict[str, int] = field(default_factory=dict)  # front matter key -> line

    @property
    def name(self) -> str:
        return str(self.period)

    @property
    def is_weekly(self) -> bool:
        return isinstance(self.period, Week)

    @property
    def is_monthly(self) -> bool:
        return isinstance(self.period, Month)

    def entry(self, key: str) -> Entry | None:
        wanted = normal_key(key)
        return next((e for e in self.entries if normal_key(e.key) == wanted), None)

    def in_section(self, section: str) -> list[Entry]:
        return [e for e in self.entries if e.section == section]


def normal_key(key: str) -> str:
    """The key in its one canonical form, however the curator wrote it (`arXiv:2011.15126v2`)."""
    return identity.identify(key) or key.strip()


def fingerprint(value: str) -> str:
    # Whitespace-insensitive: re-wrapping a paragraph is not an edit.
    return hashlib.sha256(" ".join(value.split()).encode()).hexdigest()[:6]


def section_order(existing: list[str], configured: list[str]) -> list[str]:
    """The file's own order of sections, with missing ones put where the settings have them."""
    order = list(dict.fromkeys(existing))
    for index, section in enumerate(configured):
        if section not in order:
            before = [s for s in configured[:index] if s in order]
            order.insert(max(order.index(s) for s in before) + 1 if before else 0, section)
    return order
