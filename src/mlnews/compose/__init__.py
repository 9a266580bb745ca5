"""`mlnews compose`: write or update an issue source without losing the curator's edits.

A weekly issue takes the items shortlisted for its week and drafts each entry; a monthly
summary gathers the entries of the weekly issues that start in its month. Either way the
new entries are merged into the file already there:

* an entry already in the file is left alone, but for a figure fetched since it was
  written, which fills an empty figure the curator has not removed; with `force`, every
  field compose wrote and the curator has not touched since (see `Entry.drafted`) is
  written again;
* an entry the curator deleted is not added back (the library remembers what each issue
  was given);
* picks are proposed when the file is new (three, across sections), later only featured
  items are added while there is room.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlnews import identity, progress
from mlnews.compose import classify, drafting, examples, translations
from mlnews.document import editions
from mlnews.document.check import read_valid
from mlnews.document.model import DRAFTABLE, Entry, Issue, normal_key, section_order
from mlnews.document.monthly import copy_of, refresh, weeks_in
from mlnews.document.safe import escape
from mlnews.document.source import IssueError, dumps, path_for, write
from mlnews.items import Item
from mlnews.library import Library
from mlnews.llm.client import ModelError
from mlnews.rank import pipeline
from mlnews.settings import Config
from mlnews.text import squash
from mlnews.weeks import Month, Period, Week

PICKS = 3
DESCRIPTION_LIMIT = 140  # a link card's description: a line or two, as on the reference's cards


@dataclass
class Report:
    path: Path
    created: bool = False
    added: list[str] = field(default_factory=list)
    refreshed: int = 0  # fields written again by --force
    kept: int = 0  # fields --force left alone because the curator edited them
    skipped: list[str] = field(default_factory=list)  # deleted from the file by the curator
    waiting: list[str] = field(default_factory=list)  # nothing to write them from yet: no record
    figures: list[str] = field(default_factory=list)  # entries given a figure fetched since
    changed: bool = False
    drafted: int = 0  # texts (headlines, summaries, posts) drafted by the summariser
    flagged: list[str] = field(default_factory=list)  # drafts that failed a check: "KEY FIELD: why"
    kept_offline: list[str] = field(default_factory=list)  # "KEY: why": the model failed, offline draft kept
    entries: int = 0  # entries drafted in this run
    drafter: str = ""  # by which summariser
    translated: translations.Report | None = None  # None: no translator configured
    usage: list[str] = field(default_factory=list)  # tokens spent, one line per backend
    # Per edition with texts shown as written, not translated: "zh: 22 of 33 texts are English; …"
    untranslated: list[str] = field(default_factory=list)

    @property
    def checked(self) -> int:
        """Generated texts checked for faithfulness in this run."""
        return self.drafted + (self.translated.translated if self.translated else 0)

    @property
    def unfaithful(self) -> int:
        return len(self.flagged) + (len(self.translated.flagged) if self.translated else 0)


@dataclass
class Candidate:
    key: str
    idents: set[str]
    section: str
    featured: bool
    make: Callable[[], Entry]  # drafting costs time: only for entries that are written (once)
    figure: str = ""  # the item's figure now, cheap to know without drafting
    score: float | None = None  # the ranker's, for proposing picks


def compose_period(
    issues_dir: Path,
    config: Config,
    library: Library,
    period: Period,
    *,
    force: bool = False,
    retry_failed: bool = False,
    step: progress.Step = progress.nothing,
) -> Report:
    """A week's issue from its shortlist, or a month's from its weeks."""
    compose = compose_week if isinstance(period, Week) else compose_month
    return compose(issues_dir, config, library, period, force=force, retry_failed=retry_failed, step=step)  # type: ignore[arg-type]


def compose_week(
    issues_dir: Path,
    config: Config,
    library: Library,
    week: Week,
    *,
    force: bool = False,
    retry_failed: bool = False,
    step: progress.Step = progress.nothing,
) -> Report:
    if path_for(issues_dir, week).exists():
        read_valid(path_for(issues_dir, week), config)  # a broken file stops it before anything is written
    backends = drafting.backends(config, issues_dir.parent, library)
    if getattr(backends.drafter, "uses_examples", False):
        backends.examples = examples.gather(issues_dir, library, config, week)
    # Scores first: the picks proposed for a new issue are the best-scored of each section.
    pipeline.rank_week(library, config, week)
    candidates = []
    waiting = []
    for item in library.shortlisted(str(week)):
        if _waits(item, config):
            waiting.append(item.key or "")
            continue
        section = classify.section_for(item, config)
        featured = item.state == "featured"
        candidates.append(
            Candidate(
                item.key or "",
                _idents(item),
                section,
                featured,
                _drafting(item, section, backends, config),
                figure=item.figure or "",
                score=item.score,
            )
        )
    try:
        path = path_for(issues_dir, week)
        if waiting and not candidates and not path.exists():
            raise IssueError(
                f"{path}: the {len(waiting)} items shortlisted have no title or text yet (picks of a past"
                f" issue): import their records first (`mlnews import FILE`, `mlnews add {waiting[0]}`)"
            )
        report = _compose(
            issues_dir,
            config,
            library,
            week,
            candidates,
            force,
            backends,
            step=step,
            retry_failed=retry_failed,
        )
    finally:
        backends.close()
    report.waiting = waiting
    return report


def _waits(item: Item, config: Config) -> bool:
    """Whether an item has nothing to write its entry from: a past issue's pick whose record
    (title, abstract, page) is not in the library yet, with no headline of the curator's in the
    issue's language. It waits for its record rather than getting an empty entry."""
    if item.title.strip() or item.abstract.strip() or item.body.strip():
        return False
    return not any(
        t.edited and t.name == "headline" and t.lang == config.source_language and t.text.strip()
        for t in item.texts
    )


def compose_month(
    issues_dir: Path,
    config: Config,
    library: Library | None,
    month: Month,
    *,
    force: bool = False,
    retry_failed: bool = False,
    step: progress.Step = progress.nothing,
) -> Report:
    weeks = weeks_in(issues_dir, month, config.first_weekday)
    if not weeks:
        raise IssueError(
            f"{path_for(issues_dir, month)}: no weekly issue starts in {month}; compose the weeks first"
        )
    candidates: list[Candidate] = []
    seen: set[str] = set()
    picked: list[list[str]] = []
    for week in sorted(weeks):
        weekly = read_valid(path_for(issues_dir, week), config)
        picked.append(weekly.issue.picks)
        written = editions.written_in(weekly.issue, config.source_language)
        for entry in weekly.issue.entries:
            if normal_key(entry.key) in seen:
                continue
            seen.add(normal_key(entry.key))
            candidate = Candidate(
                entry.key,
                {normal_key(entry.key)},
                entry.section,
                False,
                _copying(entry, week, editions.entry_language(entry, written)),
                figure=entry.figure,
            )
            candidates.append(candidate)
    # The month's picks: the weeks' own picks, taken in turn (first pick of each week first).
    order = [normal_key(k) for turn in range(PICKS) for picks in picked for k in picks[turn : turn + 1]]
    for candidate in candidates:
        candidate.featured = normal_key(candidate.key) in order
    backends = drafting.backends(config, issues_dir.parent, library)
    try:
        return _compose(
            issues_dir,
            config,
            library,
            month,
            candidates,
            force,
            backends,
            pick_order=order,
            step=step,
            retry_failed=retry_failed,
        )
    finally:
        backends.close()


def _compose(
    issues_dir: Path,
    config: Config,
    library: Library | None,
    period: Period,
    candidates: list[Candidate],
    force: bool,
    backends: drafting.Backends,
    pick_order: list[str] | None = None,
    step: progress.Step = progress.nothing,
    retry_failed: bool = False,
) -> Report:
    path = path_for(issues_dir, period)
    report = Report(path, created=not path.exists())
    if report.created and not candidates:
        what = "is shortlisted for this week" if isinstance(period, Week) else "is in this month's issues"
        raise IssueError(
            f"{path}: nothing {what}; shortlist items first (`mlnews shortlist KEY --week WEEK`)"
        )
    issue = read_valid(path, config).issue if path.exists() else Issue(period)
    order = section_order([e.section for e in issue.entries], _order(config))
    before = dumps(issue, order) if path.exists() else ""
    # The file says which language it is written in, so that reordering `languages` later
    # changes nothing it means (a file from before this was recorded: the one it is read as).
    issue.lang = written = editions.written_in(issue, config.source_language)

    def made(candidate: Candidate) -> Entry:
        return _in_language(candidate.make(), written)

    # What the file was given before, so that entries the curator deleted stay deleted;
    # deleting the whole file starts afresh.
    given = library.composed(issue.name) if library is not None and path.exists() else set()
    in_file = {normal_key(e.key): e for e in issue.entries}
    # Drafting may wait on a model: every draft this run needs, made at once, in parallel.
    redraft = {normal_key(e.key) for e in issue.entries if force or (retry_failed and drafting.failed(e))}
    needed = [c for c in candidates if _written(c, in_file, given, redraft)]
    drafting.in_parallel(lambda c: c.make(), needed, backends.concurrency, step)
    new_entries: list[Entry] = []
    for candidate in candidates:
        entry = next((in_file[i] for i in candidate.idents if i in in_file), None)
        if entry is not None:
            if normal_key(entry.key) in redraft:
                _refresh(entry, made(candidate), report)
            elif _fill_figure(entry, candidate.figure):
                report.figures.append(entry.key)
            continue
        if candidate.idents & given:
            report.skipped.append(candidate.key)
            continue
        entry = made(candidate)
        new_entries.append(entry)
        issue.entries.append(entry)
        report.added.append(entry.key)
    _propose_picks(issue, candidates, new_entries, report.created, pick_order)
    report.entries, report.drafter = len(needed), backends.drafter.name
    for candidate in needed:
        report.drafted += getattr(candidate.make, "drafted", 0)
        report.flagged += getattr(candidate.make, "flagged", [])
        failed = getattr(candidate.make, "failed", "")
        if failed:
            report.kept_offline.append(f"{candidate.key}: {failed}")
    if backends.translator is not None:
        report.translated = translations.translate_issue(
            issue, config, backends.translator, backends.translating_concurrency, step, retry_failed
        )
    report.usage = backends.usage()
    tallies = editions.untranslated(issue, config.languages, config.source_language)
    report.untranslated = editions.describe(tallies, config.translator)
    text = dumps(issue, order)
    if text != before:
        issues_dir.mkdir(parents=True, exist_ok=True)
        write(path, issue, order)
        report.changed = True
    if library is not None and report.added:
        library.record_composed(issue.name, report.added)
    return report


def _written(candidate: Candidate, in_file: dict[str, Entry], given: set[str], redraft: set[str]) -> bool:
    """Whether this run writes the candidate's entry: new to the file, or one to draft again
    (`--force`, or `--retry-failed` for a flagged one)."""
    entry = next((in_file[i] for i in candidate.idents if i in in_file), None)
    if entry is not None:
        return normal_key(entry.key) in redraft
    return not candidate.idents & given


def _in_language(entry: Entry, written: str) -> Entry:
    """An entry says its language only where it differs from the issue's (`Entry.lang`)."""
    if entry.lang == written:
        entry.set_drafted("lang", "")
    return entry


def _order(config: Config) -> list[str]:
    return [s.id for s in config.sections]


def _idents(item: Item) -> set[str]:
    return set(identity.identifiers([item.key or "", *item.identifiers, *item.urls])) | {item.key or ""}


def _refresh(entry: Entry, fresh: Entry, report: Report) -> None:
    rewritten, kept = refresh(entry, fresh)
    report.refreshed += rewritten
    report.kept += kept


def _fill_figure(entry: Entry, figure: str) -> bool:
    """Give an entry the figure its item got since it was written (`mlnews figures`).

    Only an empty figure compose left empty: one the curator set, or removed, stays so.
    """
    if not figure or entry.figure or not entry.may_redraft("figure"):
        return False
    entry.set_drafted("figure", figure)
    return True


def _propose_picks(
    issue: Issue,
    candidates: list[Candidate],
    new_entries: list[Entry],
    propose: bool,
    order: list[str] | None,
) -> None:
    """Featured entries first; a new issue also gets the best-scored entry of each section, in turn."""
    keys = [e.key for e in issue.entries]
    score = {normal_key(c.key): c.score for c in candidates if c.score is not None}
    by_normal = {normal_key(k): k for k in keys}
    featured = {normal_key(c.key) for c in candidates if c.featured}
    wanted = [by_normal[k] for k in (order or list(by_normal)) if k in featured and k in by_normal]
    if not propose:
        # Later runs only add what the curator has featured since.
        new = {e.key for e in new_entries}
        wanted = [k for k in wanted if k in new]
    else:
        by_section: dict[str, list[str]] = {}
        for entry in issue.entries:
            by_section.setdefault(entry.section, []).append(entry.key)
        for section_keys in by_section.values():  # stable: unscored entries keep the file's order
            section_keys.sort(key=lambda k: -score.get(normal_key(k), float("-inf")))
        for turn in range(PICKS):
            wanted += [keys_[turn] for keys_ in by_section.values() if len(keys_) > turn]
    for key in wanted:
        if len(issue.picks) >= PICKS:
            break
        if normal_key(key) not in {normal_key(p) for p in issue.picks}:
            issue.picks.append(key)


class _Drafting:
    """An item's entry, drafted once (compose asks for it from several threads' results)."""

    def __init__(self, item: Item, section: str, backends: drafting.Backends, config: Config):
        self.item, self.section, self.backends, self.config = item, section, backends, config
        self.entry: Entry | None = None
        self.drafted = 0  # texts drafted, each checked for faithfulness
        self.flagged: list[str] = []
        self.failed = ""  # why the drafter gave nothing usable: the entry holds the offline draft

    def __call__(self) -> Entry:
        if self.entry is None:
            self.entry = self._make()
        return copy.deepcopy(self.entry)

    def _make(self) -> Entry:
        item = self.item
        source = drafting.source_for(item, self.backends.examples)
        description = "" if item.kind == "paper" else _shorten(item.abstract, DESCRIPTION_LIMIT)
        try:
            draft = self.backends.drafter.draft(source)
        except ModelError as error:
            self.failed = _why(str(error), source.key)
            draft = self.backends.offline.draft(source)
        self.drafted = sum(1 for text in (draft.headline, draft.summary, draft.post) if text.strip())
        entry = Entry(key=item.key or source.url, section=self.section)
        values = {
            "kind": item.kind,
            "title": item.title,
            "link": source.url,
            "authors": ", ".join(item.authors),
            "site": source.site,
            "description": description,
            "figure": item.figure or "",
            "issue": "",
            "post": squash(draft.post),
            "headline": escape(draft.headline),
            "summary": escape(draft.summary),
            # The offline draft a failed model leaves is in the offline drafter's language.
            "lang": drafting.OFFLINE_LANGUAGE if self.failed else self.backends.language,
        }
        for name in DRAFTABLE:
            entry.set_drafted(name, values[name])
        translations.curators_own(entry, item, self.config)
        self.flagged = drafting.flag_problems(entry, source, self.config, draft.doubts)
        if self.failed:
            drafting.flag_kept_offline(entry, self.failed)
        return entry


def _why(message: str, key: str) -> str:
    """A failure's message without the item's key it starts with: the report names the entry."""
    return message.removeprefix(f"{key}: ") if key else message


def _drafting(item: Item, section: str, backends: drafting.Backends, config: Config) -> Callable[[], Entry]:
    return _Drafting(item, section, backends, config)


def _copying(weekly: Entry, week: Week, lang: str) -> Callable[[], Entry]:
    return lambda: copy_of(weekly, week, lang)


def _shorten(text: str, limit: int) -> str:
    text = squash(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"
