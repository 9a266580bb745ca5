"""Which language each of an issue's texts is in, in each edition: the one rule every output
(Markdown, site, feeds, e-mail, thread), `check`, `compose` and the app follow.

An issue is written in one language: its front matter's `lang`, or, in a file that does not
say, the workspace's first. An entry whose texts came in another language (an offline English
draft in a Chinese-first workspace) says so with its own `lang:` line. An edition in another
language shows each text's translation where it has one, and otherwise the text as written:
that text is untranslated. It is shown marked with its language ("(英语)" in the Chinese
edition) and, in HTML, carries its own `lang`, wherever it appears, so that a reader, and a
screen reader, is never given English as if it were Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mlnews.document.model import TRANSLATABLE, Entry, Issue, Texts, Translation
from mlnews.i18n import Catalogue, catalogue


@dataclass(frozen=True)
class Shown:
    """A text as an edition shows it, and the language it is in."""

    text: str
    lang: str

    def untranslated(self, edition: str) -> bool:
        return bool(self.text.strip()) and self.lang != edition


def mark(text: Shown, cat: Catalogue) -> str:
    """How an untranslated text is marked in an edition (`cat`'s language): its language's name in
    the edition's, "(英语)", put right after the text by every output; "" for a translated text."""
    return f"({cat.language_name(text.lang)})" if text.untranslated(cat.lang) else ""


def written_in(issue: Issue, first_language: str) -> str:
    """The language the issue's own texts are in: its front matter's, else the workspace's first."""
    return issue.lang or first_language


def entry_language(entry: Entry, issue_language: str) -> str:
    """The language an entry's headline, summary and post are in."""
    return entry.lang or issue_language


def shown(texts: Texts, translations: dict[str, Translation], name: str, written: str, edition: str) -> Shown:
    """Field `name` as the `edition` shows it: its translation, else the text as written (in `written`).

    Per text, not per entry: an entry translated in part shows what is translated, and the rest
    marked, rather than hiding a translation the curator made."""
    if edition != written:
        translation = translations.get(edition)
        if translation is not None and translation.value(name).strip():
            return Shown(translation.value(name), edition)
    return Shown(texts.value(name), written)


def entry_texts(entry: Entry, edition: str, issue_language: str) -> dict[str, Shown]:
    """The entry's headline, summary and post in an edition, each with its language."""
    written = entry_language(entry, issue_language)
    return {name: shown(entry, entry.translations, name, written, edition) for name in TRANSLATABLE}


def intro_text(issue: Issue, edition: str, issue_language: str) -> Shown:
    """The curator's intro note in an edition."""
    # The intro is one text, held as a translation holds it: in `summary`.
    note = Translation(issue_language, summary=issue.intro)
    return shown(note, issue.intro_translations, "summary", issue_language, edition)


@dataclass
class Untranslated:
    """An edition's texts shown untranslated: how many, of how many, and in which languages."""

    edition: str
    count: int = 0
    total: int = 0
    languages: dict[str, int] = field(default_factory=dict)  # language -> texts in it

    def add(self, text: Shown) -> None:
        if not text.text.strip():
            return
        self.total += 1
        if text.untranslated(self.edition):
            self.count += 1
            self.languages[text.lang] = self.languages.get(text.lang, 0) + 1


def untranslated(issue: Issue, editions: Sequence[str], first_language: str) -> list[Untranslated]:
    """Per edition, the issue's texts (intro, headlines, summaries, posts) that are not in its language."""
    written = written_in(issue, first_language)
    found = []
    for edition in editions:
        tally = Untranslated(edition)
        for text in _texts(issue, edition, written):
            tally.add(text)
        found.append(tally)
    return found


def _texts(issue: Issue, edition: str, written: str) -> Iterator[Shown]:
    yield intro_text(issue, edition, written)
    for entry in issue.entries:
        yield from entry_texts(entry, edition, written).values()


def combined(tallies: Iterable[Untranslated]) -> list[Untranslated]:
    """Several issues' tallies added up, per edition, in the order the editions first come."""
    by_edition: dict[str, Untranslated] = {}
    for tally in tallies:
        total = by_edition.setdefault(tally.edition, Untranslated(tally.edition))
        total.count += tally.count
        total.total += tally.total
        for lang, count in tally.languages.items():
            total.languages[lang] = total.languages.get(lang, 0) + count
    return list(by_edition.values())


def describe(tallies: Iterable[Untranslated], translator: str) -> list[str]:
    """One line per edition with untranslated texts, saying what to do:
    `zh: 22 of 33 texts are English; set a translator or translate in the app`."""
    english = catalogue("en")
    lines = []
    for tally in tallies:
        if not tally.count:
            continue
        names = " or ".join(english.language_name(lang) for lang in sorted(tally.languages))
        verb = "is" if tally.count == 1 else "are"
        noun = "text" if tally.total == 1 else "texts"
        fix = (
            f"{translator} left them untranslated: `mlnews compose` asks again, or translate in the app"
            if translator
            else "set a translator or translate in the app"
        )
        lines.append(f"{tally.edition}: {tally.count} of {tally.total} {noun} {verb} {names}; {fix}")
    return lines
