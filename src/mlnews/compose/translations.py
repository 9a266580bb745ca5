"""Compose's second step: the curator's text in every other language, kept in the issue source.

Each entry (and the intro) gets a `#### LANG` block per language. A translation records
which source texts it was made from (`source:` fingerprints): when the curator changes a
headline, its translations are stale. Compose translates what is missing and what is
stale but untouched; a translation the curator edited is theirs and is never written
over (`mlnews check` lists it while stale). Every text a translator returns is checked
for faithfulness (`mlnews.faithful`) and for its language (`mlnews.validate`: a "Chinese"
text in English is no translation) and flagged in the file when it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mlnews import faithful, progress, validate
from mlnews.compose.drafting import in_parallel
from mlnews.document import editions
from mlnews.document.model import TRANSLATABLE, Entry, Issue, Translation, fingerprint
from mlnews.items import Item
from mlnews.llm.client import ModelError
from mlnews.settings import Config
from mlnews.text import squash
from mlnews.translate import Request, Translator


@dataclass
class Report:
    translated: int = 0  # texts written
    kept: int = 0  # stale translations left alone: the curator edited them
    missing: int = 0  # texts the translator had no translation for
    flagged: list[str] = field(default_factory=list)  # "KEY LANG FIELD: problem"
    failed: list[str] = field(default_factory=list)  # "KEY (LANG): why": left untranslated


@dataclass
class _Job:
    owner: Entry | None  # None: the intro
    translation: Translation
    request: Request
    originals: dict[str, str]
    context: str  # what names may come from besides the text itself: the item's title


def curators_own(entry: Entry, item: Item, config: Config) -> None:
    """Give a new entry the curator's own words the library holds for its item (a past issue
    imported: its headline, summary and post in the language it was written in).

    In the language the issue is written in they replace the drafts; in another of its
    languages they are the entry's translation, reused before any translator is asked. They are
    written as the curator's, not as drafted: compose never redrafts them, a translator never
    replaces them."""
    for text in item.texts:
        if not text.edited or text.name not in TRANSLATABLE or not text.text.strip():
            continue
        if text.lang == config.source_language:
            owner: Entry | Translation = entry
        elif text.lang in config.languages:
            owner = entry.translations.setdefault(text.lang, Translation(text.lang))
        else:
            continue
        setattr(owner, text.name, text.text)
        owner.drafted.pop(text.name, None)
        owner.flagged.pop(text.name, None)


def translate_issue(
    issue: Issue,
    config: Config,
    translator: Translator,
    concurrency: int = 1,
    step: progress.Step = progress.nothing,
    retry_failed: bool = False,
) -> Report:
    """Translate what needs it into every language but the one it is written in; returns what was done.

    With `retry_failed`, a flagged translation compose wrote is asked for again too. One
    that the translator fails costs those texts only: they stay untranslated."""
    report = Report()
    jobs = list(_jobs(issue, config, report, retry_failed))

    def translated(job: _Job) -> dict[str, str]:
        try:
            return translator.translate(job.request)
        except ModelError as error:
            report.failed.append(str(error))
            return {}

    answers = in_parallel(translated, jobs, concurrency, step, "translating")
    for job, answer in zip(jobs, answers, strict=True):
        _apply(job, answer, config, report)
        owners = job.owner.translations if job.owner is not None else issue.intro_translations
        if job.translation.lang not in owners and any(job.translation.value(n) for n in TRANSLATABLE):
            owners[job.translation.lang] = job.translation
    return report


def _jobs(issue: Issue, config: Config, report: Report, retry_failed: bool) -> Iterator[_Job]:
    written = editions.written_in(issue, config.source_language)
    places: list[tuple[Entry | None, dict[str, str], dict[str, Translation], str, str, str]] = [
        (None, {"summary": issue.intro}, issue.intro_translations, issue.name, "", written)
    ]
    places += [
        (e, e.originals(), e.translations, e.key, e.title, editions.entry_language(e, written))
        for e in issue.entries
    ]
    # Into every language the issue is published in but the one each text is written in.
    for lang in config.languages:
        for owner, originals, translations, about, title, source in places:
            if lang == source:
                continue
            translation = translations.get(lang) or Translation(lang)
            wanted = {}
            for name, text in originals.items():
                if not text.strip():
                    continue
                state = _state(translation, name, text)
                if retry_failed and state == "current" and name in translation.flags():
                    state = "needed" if translation.untouched(name) else state
                if state == "kept":
                    report.kept += 1
                elif state == "needed":
                    wanted[name] = text
            if wanted:
                request = Request(wanted, source, lang, about, title, config.glossary)
                yield _Job(owner, translation, request, originals, title)


def _state(translation: Translation, name: str, original: str) -> str:
    """ "current", "needed" (missing, or stale and untouched) or "kept" (stale, edited by the curator)."""
    if not translation.value(name).strip():
        return "needed"
    if name not in translation.source:
        return "current"  # the curator wrote it: nothing says from what
    if translation.source[name] == fingerprint(original):
        return "current"
    return "needed" if translation.untouched(name) else "kept"


def _apply(job: _Job, answer: dict[str, str], config: Config, report: Report) -> None:
    translation, request = job.translation, job.request
    for name in request.texts:
        text = answer.get(name, "")
        text = text.strip() if name == "summary" else squash(text)
        if not text:
            report.missing += 1
            continue
        translation.set_drafted(name, text)
        translation.source[name] = fingerprint(job.originals[name])
        report.translated += 1
        problems = problems_of(text, job.originals[name], job.context, request.target, config)
        if problems:
            translation.flag(name, problems)
            report.flagged.append(f"{request.about} {request.target} {name}: {problems}")


def problems_of(text: str, original: str, context: str, lang: str, config: Config) -> str:
    """What a translation states that its source text does not, as one line ("" if nothing)."""
    keep, terms = config.glossary.for_text(original, lang)
    allowed = (context, config.name, *terms.values())
    found = validate.language_problems(text, lang)
    found += [str(p) for p in faithful.check(text, original, allowed)]
    found += [
        f'the glossary keeps "{term}" as written' for term in keep if term.casefold() not in text.casefold()
    ]
    return "; ".join(found)
