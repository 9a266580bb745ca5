"""`mlnews build`: the static site, from the issue sources alone.

    OUT/index.html                     home: the latest issue, the archive by year and month
    OUT/2020-W49/index.html            one page per weekly issue, one per monthly summary
    OUT/sections/papers/index.html     one page per section: its entries across issues
    OUT/feed.xml, OUT/feed.json        Atom and JSON Feed, one entry per issue, full content
    OUT/search.json                    every entry of every issue, for the search box
    OUT/zh/…, OUT/ja/…                 the same tree for every other language
    OUT/media/…                        figures, copied once
    OUT/sitemap.xml, OUT/robots.txt, OUT/assets/…

Pages are Jinja2 templates; a workspace's `theme/` folder overrides any of them, file by
file, as in Pelican and MkDocs. A page is written only when its bytes change, so a
rebuild after editing one issue rewrites only the pages that show it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from babel import Locale

from mlnews import files, i18n
from mlnews.config import Config
from mlnews.issue import source
from mlnews.issue.check import read_valid
from mlnews.render import html, view
from mlnews.render.links import SiteLinks
from mlnews.render.safe import safe_target
from mlnews.weeks import Month, Period, Week
from mlnews.workspace import Workspace


@dataclass
class Built:
    out: Path
    written: list[Path] = field(default_factory=list)  # pages whose bytes changed
    unchanged: int = 0

    @property
    def pages(self) -> int:
        return len(self.written) + self.unchanged


@dataclass
class _Page:
    """One language's rendering of one issue, and what the home page and feeds need of it."""

    period: Period
    view: view.IssueView
    url: str  # site-relative
    date: datetime


def build(workspace: Workspace, out: Path, languages: Iterable[str] | None = None) -> Built:
    config = workspace.config
    langs = list(languages or config.languages)
    periods = sorted(source.existing(workspace.issues_dir), key=lambda p: (_date(p, config), str(p)))
    issues = {p: read_valid(source.path_for(workspace.issues_dir, p), config).issue for p in periods}
    out.mkdir(parents=True, exist_ok=True)
    built = Built(out)
    site = _Site(config, workspace, out, built, langs)
    for lang in langs:
        pages = site.pages(issues, periods, lang)
        site.language(pages, lang)
    site.media(issues.values())
    site.common(langs)
    return built


class _Site:
    def __init__(self, config: Config, workspace: Workspace, out: Path, built: Built, langs: list[str]):
        self.config = config
        self.workspace = workspace
        self.out = out
        self.built = built
        self.langs = langs
        self.base = urlsplit(config.site_url).path or "/"
        self.relative = SiteLinks(self.base, config.languages[0])
        self.absolute = SiteLinks(config.site_url, config.languages[0])
        self.env = _environment(workspace)

    # -- pages -------------------------------------------------------------------------------

    def pages(self, issues: dict[Period, Any], periods: list[Period], lang: str) -> list[_Page]:
        cat = i18n.catalogue(lang)
        context = view.Context(self.config, tuple(periods), self.relative)
        return [
            _Page(p, view.build(issues[p], context, cat), self.relative.issue(p, lang), _date(p, self.config))
            for p in periods
        ]

    def language(self, pages: list[_Page], lang: str) -> None:
        cat = i18n.catalogue(lang)
        prefix = "" if lang == self.config.languages[0] else f"{lang}/"
        for page in pages:
            self.render("issue.html", f"{prefix}{page.period}/index.html", page.period, lang, issue=page.view)
        weekly = [p for p in pages if isinstance(p.period, Week)]
        self.render(
            "home.html", f"{prefix}index.html", None, lang,
            latest=weekly[-1].view if weekly else None, archive=_archive(pages, cat),
            summaries=[p for p in reversed(pages) if isinstance(p.period, Month)],
        )  # fmt: skip
        for section in self.config.sections:
            entries = [
                (page, entry)
                for page in reversed(pages)
                if isinstance(page.period, Week)
                for part in page.view.sections
                if part.id == section.id
                for entry in part.entries
            ]
            self.render(
                "section.html", f"{prefix}sections/{section.id}/index.html", None, lang,
                section_name=cat(section.name), entries=entries,
            )  # fmt: skip
        self.write(f"{prefix}feed.xml", self.atom(pages, lang))
        self.write(f"{prefix}feed.json", self.json_feed(pages, lang))
        self.write(f"{prefix}search.json", _search_index(pages))

    def render(self, template: str, path: str, period: Period | None, lang: str, **values: Any) -> None:
        cat = i18n.catalogue(lang)
        page_path = "/" + path.removesuffix("index.html")
        alternates = {
            other: self.base.rstrip("/") + self._translated(page_path, lang, other) for other in self.langs
        }
        text = self.env.get_template(template).render(
            config=self.config,
            lang=lang,
            cat=cat,
            base=self.base,
            home=self.relative.home(lang),
            page_url=self.absolute.root.rstrip("/") + "/" + path.removesuffix("index.html"),
            site_root=_origin(self.absolute.root),
            alternates=alternates,
            languages=self.langs,
            language_names={other: _language_name(other) for other in self.langs},
            sections=self.config.sections,
            md=html.markdown,
            md_inline=html.markdown_inline,
            image=self._image(values.get("issue")),
            **values,
        )
        self.write(path, text)

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

    # -- feeds, search, sitemap ----------------------------------------------------------------

    def atom(self, pages: list[_Page], lang: str) -> str:
        template = self.env.get_template("feed.xml")
        recent = list(reversed(pages))[:20]
        return template.render(
            config=self.config, lang=lang, pages=recent, root=self.absolute.root,
            updated=max((p.date for p in pages), default=datetime.now(UTC)),
            feed_url=self.absolute.home(lang) + "feed.xml",
            absolute=self._absolute, body=self._body,
        )  # fmt: skip

    def json_feed(self, pages: list[_Page], lang: str) -> str:
        feed: dict[str, Any] = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.config.name,
            "home_page_url": self.absolute.home(lang),
            "feed_url": self.absolute.home(lang) + "feed.json",
            "language": lang,
            "items": [
                {
                    "id": self._absolute(page.url),
                    "url": self._absolute(page.url),
                    "title": page.view.title,
                    "content_html": self._body(page),
                    "date_published": page.date.isoformat(),
                }
                for page in reversed(pages[-20:])
            ],
        }
        if self.config.author:
            feed["authors"] = [{"name": self.config.author}]
        return json.dumps(feed, ensure_ascii=False, indent=1)

    def _body(self, page: _Page) -> str:
        return self.env.get_template("content.html").render(
            issue=page.view,
            md=html.markdown,
            md_inline=html.markdown_inline,
            cat=i18n.catalogue(page.view.lang),
        )

    def _absolute(self, url: str) -> str:
        return self.absolute.root.rstrip("/") + "/" + url.removeprefix(self.base).lstrip("/")

    def media(self, issues: Iterable[Any]) -> None:
        for issue in issues:
            for entry in issue.entries:
                if not entry.figure:
                    continue
                origin = self.workspace.root / entry.figure
                target = self.out / entry.figure
                if origin.is_file() and (
                    not target.exists() or target.stat().st_size != origin.stat().st_size
                ):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(origin, target)  # already web-sized by `mlnews figures`

    def common(self, langs: list[str]) -> None:
        theme = resources.files("mlnews") / "theme" / "assets"
        for name in ("style.css", "search.js", "icon.svg"):
            override = self.workspace.root / "theme" / "assets" / name
            text = (
                override.read_text(encoding="utf-8")
                if override.is_file()
                else (theme / name).read_text("utf-8")
            )
            self.write(f"assets/{name}", text)
        self.write("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self.absolute.root}sitemap.xml\n")
        pages = sorted(
            str(p.relative_to(self.out)).removesuffix("index.html") for p in self.out.rglob("index.html")
        )
        urls = "".join(f"<url><loc>{html.text(self.absolute.root + p)}</loc></url>\n" for p in pages)
        self.write(
            "sitemap.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n',
        )

    def write(self, path: str, text: str) -> None:
        target = self.out / path
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            self.built.unchanged += 1
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_bytes(target, data)
        self.built.written.append(target)


def _origin(url: str) -> str:
    """`https://example.org/ml/` -> `https://example.org/`: site-relative paths already hold `/ml/`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _language_name(lang: str) -> str:
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def _environment(workspace: Workspace) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if (workspace.root / "theme").is_dir():
        loaders.append(jinja2.FileSystemLoader(workspace.root / "theme"))
    loaders.append(jinja2.PackageLoader("mlnews", "theme"))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["url"] = lambda value: (
        safe_target(str(value)) or "#"
    )  # only http(s), mailto, relative
    return environment


def _archive(pages: list[_Page], cat: i18n.Catalogue) -> list[tuple[int, list[tuple[str, list[_Page]]]]]:
    """Weekly issues newest first, grouped by year, then by month (named in the language)."""
    years: dict[int, dict[str, list[_Page]]] = {}
    for page in reversed(pages):
        if isinstance(page.period, Week):
            month = cat.month_year(page.date.date())
            years.setdefault(page.date.year, {}).setdefault(month, []).append(page)
    return [(year, list(months.items())) for year, months in years.items()]


def _search_index(pages: list[_Page]) -> str:
    entries = [
        {
            "url": f"{page.url}#{entry.anchor}",
            "issue": page.view.title,
            "headline": entry.entry.headline,
            "title": entry.entry.title,
            "text": entry.entry.summary,
        }
        for page in pages
        if isinstance(page.period, Week)
        for section in page.view.sections
        for entry in section.entries
    ]
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))


def _date(period: Period, config: Config) -> datetime:
    day = period.start(config.first_weekday) if isinstance(period, Week) else period.end()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
