"""The site's HTML pages: an issue, the home page with its archive, a section's entries.

Pages are Jinja2 templates; a workspace's `theme/` folder overrides any of them, file by
file, as in Pelican and MkDocs. Every page gets the same context (languages, links, the
OpenGraph card) besides its own values; `publish.site` decides which pages to write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import jinja2
from babel import Locale
from markupsafe import Markup

from mlnews import i18n
from mlnews.document.safe import plain, safe_target
from mlnews.render import html, view
from mlnews.render.links import SiteLinks
from mlnews.settings import Config
from mlnews.text import without_controls
from mlnews.weeks import Period, Week
from mlnews.workspace import Workspace

SECTION_NEWEST = 100  # entries on a section's first page; the rest on a page per year


@dataclass
class Digest:
    """What the home page, section pages, feeds and search need of one issue in one language.

    Kept between builds, so that an unchanged issue is neither read nor rendered again.
    """

    period: str
    title: str
    intro: str
    url: str  # site-relative
    date: str  # ISO 8601
    body: str  # the issue's content as HTML, for the feeds
    entries: list[dict[str, str]]  # url, headline (plain text), title, text, section


@dataclass(frozen=True)
class SectionPage:
    path: str
    year: str | None  # None for the section's newest entries
    years: list[tuple[str, str]]  # every year's page: (year, site-relative URL)
    entries: list[dict[str, str]]


class Pages:
    """The site's pages in HTML, from the theme: what each template is given."""

    def __init__(self, config: Config, workspace: Workspace, langs: list[str]):
        self.config = config
        self.langs = langs
        self.base = urlsplit(config.site_url).path or "/"
        self.relative = SiteLinks(self.base, config.languages[0])
        self.absolute = SiteLinks(config.site_url, config.languages[0])
        self.env = environment(workspace)

    def prefix(self, lang: str) -> str:
        """Where a language's pages live: the first at the site's root, the others in a folder."""
        return "" if lang == self.config.languages[0] else f"{lang}/"

    def page(self, template: str, path: str, lang: str, **values: Any) -> str:
        page_path = "/" + path.removesuffix("index.html")
        alternates = {
            other: self.base.rstrip("/") + self._translated(page_path, lang, other) for other in self.langs
        }
        return self.env.get_template(template).render(
            config=self.config,
            lang=lang,
            cat=i18n.catalogue(lang),
            base=self.base,
            home=self.relative.home(lang),
            page_url=self.absolute.root.rstrip("/") + "/" + path.removesuffix("index.html"),
            site_root=origin(self.absolute.root),
            alternates=alternates,
            languages=self.langs,
            language_names={other: language_name(other) for other in self.langs},
            sections=self.config.sections,
            source_lang=self.config.languages[0],
            md=html.markdown,
            md_inline=html.markdown_inline,
            image=self._image(values.get("issue") or values.get("latest")),
            og_locale=og_locale(lang),
            **values,
        )

    def home(self, path: str, lang: str, latest: view.IssueView | None, digests: list[Digest]) -> str:
        """The latest issue whole, the weekly archive, and the monthly summaries newest first."""
        weeks = [d for d in digests if is_week(d.period)]
        summaries = [d for d in reversed(digests) if not is_week(d.period)]
        archived = archive(weeks, i18n.catalogue(lang))
        return self.page("home.html", path, lang, latest=latest, archive=archived, summaries=summaries)

    def section(self, page: SectionPage, name: str, lang: str) -> str:
        return self.page(
            "section.html", page.path, lang,
            section_name=name, entries=page.entries, year=page.year, years=page.years,
        )  # fmt: skip

    def section_pages(self, section: str, weeks: list[Digest], lang: str) -> list[SectionPage]:
        """A section's newest entries, and one page per year: readable, and an edit redraws one year."""
        by_year: dict[str, list[dict[str, str]]] = {}
        for digest in reversed(weeks):
            for entry in digest.entries:
                if entry["section"] == section:
                    by_year.setdefault(digest.date[:4], []).append({**entry, "issue": digest.title})
        folder = f"{self.prefix(lang)}sections/{section}/"
        years = [(year, f"{self.base}{folder}{year}/") for year in by_year]
        newest = [entry for entries in by_year.values() for entry in entries][:SECTION_NEWEST]
        pages = [SectionPage(f"{folder}index.html", None, years, newest)]
        return pages + [
            SectionPage(f"{folder}{year}/index.html", year, years, entries)
            for year, entries in by_year.items()
        ]

    def digest(self, period: Period, issue: view.IssueView, lang: str, in_feeds: bool) -> Digest:
        url = self.relative.issue(period, lang)
        # Only the newest issues are in the feeds, with their whole content; a feed reader
        # shows it away from the site, so its links are absolute.
        body = (
            absolute_links(
                self.env.get_template("content.html").render(
                    issue=issue,
                    md=html.markdown,
                    md_inline=html.markdown_inline,
                    cat=i18n.catalogue(lang),
                    source_lang=self.config.languages[0],
                ),
                origin(self.absolute.root),
                self.absolute_url(url),
            )
            if in_feeds
            else ""
        )
        entries = [
            {
                "url": f"{url}#{entry.anchor}",
                "headline": plain(entry.entry.headline),
                "title": entry.entry.title,
                "text": plain(entry.entry.summary),
                "section": section.id,
                "lang": entry.langs["headline"],
                "mark": entry.marks["headline"],  # the headline's, where it is untranslated
            }
            for section in issue.sections
            for entry in section.entries
        ]
        date = published(period, self.config).isoformat()
        return Digest(str(period), issue.title, issue.intro, url, date, body, entries)

    def absolute_url(self, url: str) -> str:
        """A site-relative URL (`/ml/2020-W49/`) as a full one, for readers away from the site."""
        return self.absolute.root.rstrip("/") + "/" + url.removeprefix(self.base).lstrip("/")

    def _translated(self, page_path: str, lang: str, other: str) -> str:
        default = self.config.languages[0]
        bare = page_path if lang == default else page_path.removeprefix(f"/{lang}")
        return bare if other == default else f"/{other}{bare}"

    def _image(self, issue: view.IssueView | None) -> str:
        """The first pick's figure, for OpenGraph and Twitter cards."""
        if issue is None:
            return ""
        figures = [p.entry.entry.figure for p in issue.picks if p.entry.entry.figure]
        return self.absolute.media(figures[0]) if figures else ""


def environment(workspace: Workspace) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if (workspace.root / "theme").is_dir():
        loaders.append(jinja2.FileSystemLoader(workspace.root / "theme"))
    loaders.append(jinja2.PackageLoader("mlnews", "theme"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["url"] = lambda value: safe_target(str(value)) or "#"  # http(s), mailto, relative
    env.filters["marked"] = html.marked  # an untranslated text's mark after it (document.editions)
    env.globals["mark"] = html.mark_html
    env.finalize = _finalize
    return env


def template_problem(error: jinja2.TemplateError) -> str:
    """A theme's mistake as FILE:LINE: problem, naming the override when it is the workspace's."""
    name = getattr(error, "filename", None) or getattr(error, "name", None) or "theme"
    line = getattr(error, "lineno", None)
    where = f"{name}:{line}" if line else str(name)
    return f"{where}: template error: {error.message or type(error).__name__}"


def _finalize(value: Any) -> Any:
    """Every value a template prints loses control characters: XML and HTML forbid them."""
    if isinstance(value, Markup):
        return Markup(without_controls(str(value)))
    return without_controls(value) if isinstance(value, str) else value


def published(period: Period, config: Config) -> datetime:
    """When an issue is dated: a week by its first day, a month by its last."""
    day = period.start(config.first_weekday) if isinstance(period, Week) else period.end()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def is_week(name: str) -> bool:
    return "-W" in name


def archive(weeks: list[Digest], cat: i18n.Catalogue) -> list[tuple[int, list[tuple[str, list[Digest]]]]]:
    """Weekly issues newest first, grouped by year, then by month (named in the language)."""
    years: dict[int, dict[str, list[Digest]]] = {}
    for digest in reversed(weeks):
        day = datetime.fromisoformat(digest.date).date()
        years.setdefault(day.year, {}).setdefault(cat.month_year(day), []).append(digest)
    return [(year, list(months.items())) for year, months in years.items()]


def absolute_links(markup: str, site_origin: str, page: str) -> str:
    markup = markup.replace(' href="#', f' href="{page}#').replace(' src="#', f' src="{page}#')
    return markup.replace(' href="/', f' href="{site_origin}').replace(' src="/', f' src="{site_origin}')


def origin(url: str) -> str:
    """`https://example.org/ml/` -> `https://example.org/`: site-relative paths already hold `/ml/`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def og_locale(lang: str) -> str:
    """OpenGraph wants `zh_CN`, not `zh`: the language's likely territory, from CLDR."""
    from babel.core import get_global

    likely = str(get_global("likely_subtags").get(lang, lang))
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else lang


def language_name(lang: str) -> str:
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]
