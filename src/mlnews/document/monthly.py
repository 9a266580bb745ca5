"""Monthly summaries and their weeks: the copies a month holds, and keeping them current.

A month's entries are copies of its weeks' entries. A copy the curator has not touched
follows the week: `compose MONTH --force` writes that into the file, and publishing shows
it at once (`as_published`), so that an edit to a week reaches its month's page.
"""

from __future__ import annotations

from pathlib import Path

from mlnews.document import editions
from mlnews.document.check import read_valid
from mlnews.document.model import DRAFTABLE, TRANSLATABLE, Entry, Issue, Translation, normal_key
from mlnews.document.source import IssueError, existing, path_for
from mlnews.settings import Config
from mlnews.weeks import Month, Week, weeks_starting_in


def weeks_in(issues_dir: Path, month: Month, first_weekday: str) -> list[Week]:
    """The weekly issues whose week starts in the month, in order."""
    return weeks_starting_in(month, existing(issues_dir), first_weekday)


def copy_of(weekly: Entry, week: Week, lang: str = "") -> Entry:
    """A month's entry for a week's entry: every field marked as written by compose. `lang`: the
    language its texts are in, which the week's entry may leave to its issue (`document.editions`)."""
    entry = Entry(key=weekly.key, section=weekly.section)
    for name in DRAFTABLE:
        value = {"issue": str(week), "lang": lang or weekly.lang}.get(name, weekly.value(name))
        entry.set_drafted(name, value)
    entry.flagged = dict(weekly.flagged)  # a flag still stands on the same words
    for lang, translation in weekly.translations.items():
        copied = Translation(lang, source=dict(translation.source), flagged=dict(translation.flagged))
        for name in TRANSLATABLE:
            copied.set_drafted(name, translation.value(name))
        copied.flagged = dict(translation.flagged)
        entry.translations[lang] = copied
    return entry


def refresh(entry: Entry, fresh: Entry) -> tuple[int, int]:
    """Write again what compose wrote and nobody touched; returns (fields rewritten, fields kept)."""
    rewritten = kept = 0
    for name in DRAFTABLE:
        if not entry.may_redraft(name):
            kept += 1
        elif " ".join(entry.value(name).split()) != " ".join(fresh.value(name).split()):  # keep re-wrapping
            entry.set_drafted(name, fresh.value(name))
            if name in fresh.flagged:
                entry.flagged[name] = fresh.flagged[name]
            rewritten += 1
    for lang, new in fresh.translations.items():
        old = entry.translations.setdefault(lang, Translation(lang))
        for name in TRANSLATABLE:
            if old.may_redraft(name) and _words(old.value(name)) != _words(new.value(name)):
                old.set_drafted(name, new.value(name))
                if name in new.source:
                    old.source[name] = new.source[name]
                if name in new.flagged:
                    old.flagged[name] = new.flagged[name]
    return rewritten, kept


def _words(text: str) -> str:
    return " ".join(text.split())


def as_published(issue: Issue, issues_dir: Path, config: Config) -> Issue:
    """A monthly summary with its untouched copies brought up to date from its weeks (in memory)."""
    if not isinstance(issue.period, Month):
        return issue
    current: dict[str, tuple[Entry, Week, str]] = {}
    for week in weeks_in(issues_dir, issue.period, config.first_weekday):
        try:
            weekly = read_valid(path_for(issues_dir, week), config).issue
        except IssueError:
            continue  # a broken week: its copies stay as they are
        written = editions.written_in(weekly, config.source_language)
        for entry in weekly.entries:
            current.setdefault(normal_key(entry.key), (entry, week, editions.entry_language(entry, written)))
    month = editions.written_in(issue, config.source_language)
    for entry in issue.entries:
        found = current.get(normal_key(entry.key))
        if found is not None:
            fresh = copy_of(*found)
            if fresh.lang == month:  # said only where it differs from the month's, as compose writes it
                fresh.lang = ""
            refresh(entry, fresh)
    return issue
