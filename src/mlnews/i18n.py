"""Fixed strings and dates in the reader's language: gettext catalogues through Babel.

A language is a catalogue: `locale/<lang>/LC_MESSAGES/mlnews.po` in the package. English
is the source language and needs none. The catalogues are compiled in memory when first
used, so a `.po` edit shows at once and no compiled file is kept in the repository.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from mlnews.errors import UsageError

if TYPE_CHECKING:
    from babel import Locale
    from babel.support import NullTranslations

SOURCE_LANGUAGE = "en"
DOMAIN = "mlnews"


def N_(message: str) -> str:
    """Marks a string for the catalogues where it is defined; it is translated where shown."""
    return message


def languages() -> list[str]:
    """Every language with a catalogue, English first."""
    folder = resources.files("mlnews") / "locale"
    found = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.is_dir() and (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )
    return [SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE)]


# A catalogue may give its own date patterns (CLDR syntax) where the house style is not
# CLDR's: the Chinese reference issues space numbers from characters ("11 月 29 日").
_MONTH_DAY = N_("date pattern (CLDR): month and day")
_MONTH_YEAR = N_("date pattern (CLDR): month and year")


@dataclass(frozen=True)
class Catalogue:
    lang: str
    translations: NullTranslations
    locale: Locale

    def __call__(self, message: str, **values: object) -> str:
        """The message in this language, with `{name}` placeholders filled in."""
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    def month_day(self, day: date) -> str:
        return self._date(day, _MONTH_DAY, "MMMd")

    def month_year(self, day: date) -> str:
        return self._date(day, _MONTH_YEAR, "yMMMM")

    def _date(self, day: date, message: str, skeleton: str) -> str:
        from babel import dates

        pattern = self.translations.gettext(message)
        if pattern == message:  # no house style: the language's usual form (CLDR)
            return dates.format_skeleton(skeleton, day, locale=self.locale)
        return dates.format_date(day, pattern, locale=self.locale)

    def language_name(self, code: str) -> str:
        """A language's name in this one: "英语" for "en" in Chinese."""
        return str(self.locale.languages.get(code, code))

    def month_name(self, day: date) -> str:
        from babel import dates

        return dates.format_date(
            day, "LLLL", locale=self.locale
        )  # stand-alone: "November", not "of November"


@cache
def catalogue(lang: str) -> Catalogue:
    # Babel is imported here, not at the top: every command reads the settings, few print dates
    from babel import Locale, UnknownLocaleError
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    available = languages()
    if lang not in available:
        raise UsageError(f"language {lang!r}: no catalogue; available: {', '.join(available)}")
    try:
        locale = Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        raise UsageError(f"language {lang!r}: Babel does not know this locale") from None
    if lang == SOURCE_LANGUAGE:
        return Catalogue(lang, NullTranslations(), locale)
    po = resources.files("mlnews") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as source:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(source, locale=lang, domain=DOMAIN))
    compiled.seek(0)
    return Catalogue(lang, Translations(compiled, domain=DOMAIN), locale)
