"""An issue as readers see it, in one language: every fixed string and date filled in.

Markdown (and later HTML and e-mail) only lay this out; what goes where, the navigation
and the wording are decided once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from mlnews.document import editions
from mlnews.document.model import Entry, Issue, normal_key
from mlnews.errors import MlnewsError
from mlnews.i18n import Catalogue
from mlnews.render.links import Links
from mlnews.settings import Config
from mlnews.weeks import Month, Period, Week, weeks_starting_in

MONTHLY_LINKS = 3  # the reference links the latest three monthly summaries


@dataclass(frozen=True)
class Link:
    label: str  # plain text
    url: str


@dataclass
class EntryView:
    entry: Entry  # with the headline, summary and post as this edition shows them
    anchor: str
    # Each text's language (headline, summary, post): the edition's, or the one it is written in
    # where it is untranslated (`document.editions`).
    langs: dict[str, str] = field(default_factory=dict)
    # "(英语)", in the edition's language, for each text shown untranslated ("" for the others):
    # every output puts it right after the text it marks.
    marks: dict[str, str] = field(default_factory=dict)
    figure_url: str = ""
    figure_alt: str = ""
    backlink: Link | None = None  # monthly summaries: the weekly issue it comes from


@dataclass
class SectionView:
    number: int
    id: str
    name: str
    entries: list[EntryView] = field(default_factory=list)


@dataclass
class Pick:
    entry: EntryView
    section: SectionView
    url: str  # the entry in the published issue, else the item itself


@dataclass
class Navigation:
    previous: Link | None
    current: str
    next: Link | None
    related: list[Link]  # weekly issues: the latest monthly summaries; monthly: the month's weeks


@dataclass
class IssueView:
    lang: str
    title: str
    intro: str  # plain text
    note: str  # the curator's own intro, Markdown
    note_lang: str
    note_mark: str  # "(英语)" where the note is untranslated, else ""
    sections: list[SectionView]
    picks: list[Pick]
    navigation: Navigation
    footer: str  # Markdown, from the settings
    labels: dict[str, str]  # headings and fixed phrases


@dataclass(frozen=True)
class Context:
    """What rendering needs besides the issue itself: settings and which other issues exist."""

    config: Config
    periods: tuple[Period, ...]
    links: Links

    @cached_property
    def neighbours(self) -> dict[Period, Neighbours]:
        return all_neighbours(self)


def build(issue: Issue, context: Context, cat: Catalogue) -> IssueView:
    config = context.config
    written = editions.written_in(issue, config.source_language)
    sections = _sections(issue, written, cat, context)
    note = editions.intro_text(issue, cat.lang, written)
    by_key = {normal_key(view.entry.key): (view, section) for section in sections for view in section.entries}
    picks = []
    for key in issue.picks:
        if normal_key(key) in by_key:
            view, section = by_key[normal_key(key)]
            url = context.links.entry(issue.period, cat.lang, view.anchor) or view.entry.link
            picks.append(Pick(view, section, url))
    return IssueView(
        lang=cat.lang,
        title=issue.title or title(issue.period, cat, config.first_weekday),
        intro=_intro(issue.period, cat, config.first_weekday),
        note=note.text,
        note_lang=note.lang,
        note_mark=editions.mark(note, cat),
        sections=sections,
        picks=picks,
        navigation=_navigation(issue.period, context, cat),
        footer=config.footer,
        labels={
            "sections": cat("Sections"),
            "picks": cat("Editor's picks")
            if isinstance(issue.period, Week)
            else cat("Editor's picks of the month"),
            "past": cat("Past issues"),
            # Templates, filled in by the layout: they hold its markup.
            "pick": cat("{headline} ({number}. {section})"),
            "thread": cat("New issue of {name}:", name=config.name),
            "from": cat("({issue})"),
        },
    )


def title(period: Period, cat: Catalogue, first_weekday: str = "sunday") -> str:
    if isinstance(period, Week):
        return cat("Week {week}, {year}", week=period.number, year=period.year)
    first = period.start()
    return cat(
        "{month_name} {year} summary", month_name=cat.month_name(first), month=period.number, year=period.year
    )


def short_title(period: Period, cat: Catalogue, seen_from: Period | None = None) -> str:
    """How navigation names an issue: `Week 48` (with its year when that differs), or a month's title."""
    if isinstance(period, Week) and (seen_from is None or seen_from.year == period.year):
        return cat("Week {week}", week=period.number)
    return title(period, cat)


def _intro(period: Period, cat: Catalogue, first_weekday: str) -> str:
    if isinstance(period, Week):
        return cat(
            "A selection of the papers and articles I read in week {week} of {year} ({start} ~). "
            "Most are new that week; a few papers are older and only reached me then.",
            week=period.number,
            year=period.year,
            start=cat.month_day(period.start(first_weekday)),
        )
    return cat(
        "Every entry of the weekly issues of {month}, by section, each with a link back to its issue.",
        month=cat.month_year(period.start()),
    )


def _sections(issue: Issue, written: str, cat: Catalogue, context: Context) -> list[SectionView]:
    names = [(s.id, cat(s.name)) for s in context.config.sections]
    known = {section_id for section_id, _ in names}
    names += [(e.section, e.section) for e in issue.entries if e.section not in known]  # check reports these
    sections = []
    for number, (section_id, name) in enumerate(dict(names).items(), start=1):
        section = SectionView(number, section_id, name)
        for entry in issue.in_section(section_id):
            section.entries.append(
                _entry(entry, editions.entry_texts(entry, cat.lang, written), cat, context)
            )
        sections.append(section)
    return sections


def _entry(entry: Entry, texts: dict[str, editions.Shown], cat: Catalogue, context: Context) -> EntryView:
    shown = replace(
        entry, headline=texts["headline"].text, summary=texts["summary"].text, post=texts["post"].text
    )
    view = EntryView(
        shown,
        anchor=anchor(entry.key),
        langs={name: text.lang for name, text in texts.items()},
        marks={name: editions.mark(text, cat) for name, text in texts.items()},
    )
    if entry.figure:
        view.figure_url = context.links.media(entry.figure)
        view.figure_alt = cat("Figure from “{title}”", title=entry.title or shown.headline)
    if entry.issue:
        try:
            week = Week.parse(entry.issue)
        except MlnewsError:
            week = None
        if week is not None:
            view.backlink = Link(short_title(week, cat, week), context.links.issue(week, cat.lang))
    return view


def anchor(key: str) -> str:
    """A stable fragment id for an entry: its key with anything but letters and digits as '-'."""
    return "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in key.lower()).strip("-")


@dataclass(frozen=True)
class Neighbours:
    """Which other issues an issue links to: all an issue's page depends on besides its source."""

    previous: Period | None
    next: Period | None
    related: tuple[Period, ...]


def neighbours(period: Period, context: Context) -> Neighbours:
    return context.neighbours[period] if period in context.neighbours else _alone(period, context)


def _alone(period: Period, context: Context) -> Neighbours:
    """The neighbours of an issue that is not (yet) among the context's periods."""
    return all_neighbours(Context(context.config, (*context.periods, period), context.links))[period]


def all_neighbours(context: Context) -> dict[Period, Neighbours]:
    """`neighbours` of every issue at once: one sort, not one per issue."""
    found: dict[Period, Neighbours] = {}
    for kind in (Week, Month):
        same = sorted(p for p in context.periods if isinstance(p, kind))
        for index, period in enumerate(same):
            related: list[Period] = (
                list(_monthly_links(period, context))
                if isinstance(period, Week)
                else list(_weeks_of_month(period, context))
            )
            found[period] = Neighbours(
                same[index - 1] if index else None,
                same[index + 1] if index + 1 < len(same) else None,
                tuple(related),
            )
    return found


def _navigation(period: Period, context: Context, cat: Catalogue) -> Navigation:
    around = neighbours(period, context)

    def link(other: Period) -> Link:
        return Link(short_title(other, cat, period), context.links.issue(other, cat.lang))

    return Navigation(
        previous=link(around.previous) if around.previous else None,
        current=cat("{issue} (this post)", issue=short_title(period, cat)),
        next=link(around.next) if around.next else None,
        related=[link(other) for other in around.related],
    )


def _monthly_links(week: Week, context: Context) -> list[Month]:
    """The latest summaries of months over by the end of the week (a month is summed up once it ends)."""
    end: date = week.end(context.config.first_weekday)
    done = [p for p in context.periods if isinstance(p, Month) and p.end() <= end]
    return sorted(done, reverse=True)[:MONTHLY_LINKS]


def _weeks_of_month(month: Month, context: Context) -> list[Week]:
    return weeks_starting_in(month, context.periods, context.config.first_weekday)
