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

import hashlib
import json
import multiprocessing as mp
import os
import re
import shutil
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import orjson
from babel import Locale
from markupsafe import Markup

from mlnews import __version__, files, i18n
from mlnews.config import Config
from mlnews.errors import MlnewsError
from mlnews.issue import monthly, source
from mlnews.issue.check import read_valid
from mlnews.render import html, view
from mlnews.render.links import SiteLinks
from mlnews.render.safe import plain, safe_target
from mlnews.text import without_controls
from mlnews.weeks import Month, Period, Week, parse_period, weeks_starting_in
from mlnews.workspace import Workspace

CACHE_FOLDER = ".mlnews-cache"
MAX_FIGURE_WIDTH = 1200
SECTION_NEWEST = 100  # entries on a section's first page; the rest on a page per year
SITEMAP = "sitemap.xml"
PARALLEL_FROM = 60  # pages to render before a second process pays for itself
FEED_ENTRIES = 20
_FIGURE = re.compile(r"^figure:\s*(\S.*?)\s*$", re.M)


@dataclass
class Built:
    out: Path
    written: list[Path] = field(default_factory=list)  # pages whose bytes changed
    unchanged: int = 0

    @property
    def pages(self) -> int:
        return len(self.written) + self.unchanged


@dataclass
class _Digest:
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


class SiteError(MlnewsError):
    pass


def build(workspace: Workspace, out: Path, languages: Iterable[str] | None = None) -> Built:
    try:
        return _build(workspace, out, languages)
    except jinja2.TemplateError as error:
        raise SiteError(_template_problem(error, workspace)) from None


def _template_problem(error: jinja2.TemplateError, workspace: Workspace) -> str:
    """A theme's mistake as FILE:LINE: problem, naming the override when it is the workspace's."""
    name = getattr(error, "filename", None) or getattr(error, "name", None) or "theme"
    line = getattr(error, "lineno", None)
    where = f"{name}:{line}" if line else str(name)
    return f"{where}: template error: {error.message or type(error).__name__}"


def _build(workspace: Workspace, out: Path, languages: Iterable[str] | None) -> Built:
    config = workspace.config
    langs = list(languages or config.languages)
    periods = sorted(source.existing(workspace.issues_dir), key=lambda p: (_date(p, config), str(p)))
    out.mkdir(parents=True, exist_ok=True)
    built = Built(out)
    site = _Site(config, workspace, out, built, langs)
    cache = _Cache.load(workspace, out, _fingerprint(workspace, langs))
    sources = {p: source.path_for(workspace.issues_dir, p).read_bytes() for p in periods}
    # A month's page shows its weeks' current text: their sources are part of its inputs.
    inputs = {
        p: sources[p] + b"".join(sources[w] for w in weeks_starting_in(p, periods, config.first_weekday))
        if isinstance(p, Month)
        else sources[p]
        for p in periods
    }
    context = view.Context(config, tuple(periods), site.relative)  # one, so neighbours are found once
    around = context.neighbours
    in_feeds = set(periods[-FEED_ENTRIES:])
    for lang in langs:
        jobs = [site.plan(p, inputs[p], around[p], p in in_feeds, lang, cache) for p in periods]
        site.render_issues([job for job in jobs if job.digest is None], context, cache)
        site.language([job.digest for job in jobs if job.digest], context, lang, cache)
    site.media(workspace, sources)
    site.common(langs)
    # Only now is every file of this site known: what an earlier build wrote and this one did
    # not (a deleted issue, a dropped language or section) goes, and then the sitemap is right.
    site.outputs.add(SITEMAP)  # written last, from the others, but not stale
    site.remove_stale(cache.files)
    site.sitemap()
    cache.files = sorted(site.outputs)
    cache.save()
    return built


@dataclass
class _Job:
    period: Period
    lang: str
    path: str
    key: str  # the fingerprint of everything the page shows
    in_feeds: bool
    digest: _Digest | None = None


_WORKER: tuple[_Site, view.Context] | None = None


def _render_jobs(jobs: list[_Job]) -> tuple[list[_Digest], list[Path], int]:
    assert _WORKER is not None
    site, context = _WORKER
    before_written, before_unchanged = len(site.built.written), site.built.unchanged
    try:
        digests = [site.render_issue(job, context) for job in jobs]
    except jinja2.TemplateError as error:  # a plain error crosses back from a worker process
        raise SiteError(_template_problem(error, site.workspace)) from None
    return digests, site.built.written[before_written:], site.built.unchanged - before_unchanged


class _Cache:
    """Each issue page's inputs, fingerprinted, and its digest: what lets a rebuild skip it."""

    def __init__(
        self, path: Path, fingerprint: str, pages: dict[str, Any], others: dict[str, str], files: list[str]
    ):
        self.path, self.fingerprint, self.pages, self.files = path, fingerprint, pages, files
        self.others = others  # home and section pages: the fingerprint of what they show
        self.seen: set[str] = set()

    @classmethod
    def load(cls, workspace: Workspace, out: Path, fingerprint: str) -> _Cache:
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
        path = workspace.root / CACHE_FOLDER / f"site-{name}.json"
        try:
            stored = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            stored = {}
        if not isinstance(stored, dict):
            stored = {}
        written = list(stored.get("files", []))  # what the last build made: kept whatever changed
        if stored.get("fingerprint") != fingerprint:
            return cls(path, fingerprint, {}, {}, written)
        return cls(path, fingerprint, stored.get("pages", {}), stored.get("others", {}), written)

    def unchanged(self, page: str, inputs: Any, out: Path) -> bool:
        """Whether a page showing `inputs` is already written; remembers them either way."""
        key = hashlib.sha256(orjson.dumps(inputs)).hexdigest()
        same = self.others.get(page) == key and (out / page).is_file()
        self.others[page] = key
        return same

    def get(self, page: str, key: str) -> _Digest | None:
        self.seen.add(page)
        entry = self.pages.get(page)
        return _Digest(**entry["digest"]) if entry and entry.get("key") == key else None

    def put(self, page: str, key: str, digest: _Digest) -> None:
        self.seen.add(page)
        self.pages[page] = {"key": key, "digest": digest.__dict__}

    def save(self) -> None:
        self.path.parent.mkdir(exist_ok=True)
        pages = {page: entry for page, entry in self.pages.items() if page in self.seen}
        data = orjson.dumps(
            {"fingerprint": self.fingerprint, "pages": pages, "others": self.others, "files": self.files}
        )
        if not self.path.is_file() or self.path.read_bytes() != data:
            files.write_bytes(self.path, data)


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
        self.outputs: set[str] = set()  # every file of the site, written now or already right

    # -- pages -------------------------------------------------------------------------------

    def plan(
        self, period: Period, text: bytes, around: view.Neighbours, in_feeds: bool, lang: str, cache: _Cache
    ) -> _Job:
        """An issue page in a language, with its digest if the page is up to date already."""
        path = f"{_prefix(lang, self.config)}{period}/index.html"
        key = hashlib.sha256(text + repr((lang, around)).encode()).hexdigest()
        job = _Job(period, lang, path, key, in_feeds)
        cached = cache.get(path, key)
        if cached is not None and (self.out / path).is_file() and (cached.body or not in_feeds):
            self.built.unchanged += 1
            self.outputs.add(path)
            job.digest = cached
        return job

    def render_issues(self, jobs: list[_Job], context: view.Context, cache: _Cache) -> None:
        """Render the pages that changed: in two processes when there are many (a full build)."""
        chunks = [jobs]
        # Forking is safe only with no other thread about (`mlnews preview` serves from one).
        alone = threading.active_count() == 1
        if (
            alone
            and len(jobs) >= PARALLEL_FROM
            and (os.cpu_count() or 1) > 1
            and "fork" in mp.get_all_start_methods()
        ):
            chunks = [jobs[0::2], jobs[1::2]]
        global _WORKER
        _WORKER = (self, context)  # forked workers inherit it: nothing to pickle but the jobs
        if len(chunks) == 1:
            results = [_render_jobs(jobs)]
        else:
            with ProcessPoolExecutor(len(chunks), mp_context=mp.get_context("fork")) as pool:
                results = list(pool.map(_render_jobs, chunks))
        for chunk, (digests, written, unchanged) in zip(chunks, results, strict=True):
            for job, digest in zip(chunk, digests, strict=True):
                job.digest = digest
                cache.put(job.path, job.key, digest)
                self.outputs.add(job.path)
            if len(chunks) > 1:  # a worker's own Built was a copy
                self.built.written += written
                self.built.unchanged += unchanged

    def render_issue(self, job: _Job, context: view.Context) -> _Digest:
        issue_view = self.load(job.period, context, job.lang)
        self.render("issue.html", job.path, job.period, job.lang, issue=issue_view)
        return self.digest(job.period, issue_view, job.lang, job.in_feeds)

    def load(self, period: Period, context: view.Context, lang: str) -> view.IssueView:
        issue = read_valid(source.path_for(self.workspace.issues_dir, period), self.config).issue
        issue = monthly.as_published(issue, self.workspace.issues_dir, self.config)
        return view.build(issue, context, i18n.catalogue(lang))

    def digest(self, period: Period, issue: view.IssueView, lang: str, in_feeds: bool) -> _Digest:
        url = self.relative.issue(period, lang)
        # Only the newest issues are in the feeds, with their whole content; a feed reader
        # shows it away from the site, so its links are absolute.
        body = (
            _absolute_links(
                self.env.get_template("content.html").render(
                    issue=issue,
                    md=html.markdown,
                    md_inline=html.markdown_inline,
                    cat=i18n.catalogue(lang),
                    source_lang=self.config.languages[0],
                ),
                _origin(self.absolute.root),
                self._absolute(url),
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
            }
            for section in issue.sections
            for entry in section.entries
        ]
        date = _date(period, self.config).isoformat()
        return _Digest(str(period), issue.title, issue.intro, url, date, body, entries)

    def language(self, digests: list[_Digest], context: view.Context, lang: str, cache: _Cache) -> None:
        cat = i18n.catalogue(lang)
        prefix = _prefix(lang, self.config)
        weeks = [d for d in digests if _is_week(d.period)]
        summaries = [d for d in reversed(digests) if not _is_week(d.period)]
        home = f"{prefix}index.html"
        # The home page shows the latest issue whole, and the archive: those are its inputs.
        latest_page = cache.pages.get(f"{prefix}{weeks[-1].period}/index.html", {}) if weeks else {}
        shown = [[(d.url, d.title, d.date) for d in digests], latest_page.get("key", "")]
        if cache.unchanged(home, shown, self.out):
            self.built.unchanged += 1
            self.outputs.add(home)
        else:
            latest = self.load(parse_period(weeks[-1].period), context, lang) if weeks else None
            self.render(
                "home.html",
                home,
                None,
                lang,
                latest=latest,
                archive=_archive(weeks, cat),
                summaries=summaries,
            )
        for section in self.config.sections:
            self.section_pages(section.id, cat(section.name), weeks, lang, cache)
        self.write(f"{prefix}feed.xml", self.atom(digests, lang))
        self.write(f"{prefix}feed.json", self.json_feed(digests, lang))
        self.write(f"{prefix}search.json", _search_index(weeks))

    def section_pages(self, section: str, name: str, weeks: list[_Digest], lang: str, cache: _Cache) -> None:
        """A section's newest entries, and one page per year: readable, and an edit redraws one year."""
        by_year: dict[str, list[dict[str, str]]] = {}
        for digest in reversed(weeks):
            for entry in digest.entries:
                if entry["section"] == section:
                    by_year.setdefault(digest.date[:4], []).append({**entry, "issue": digest.title})
        folder = f"{_prefix(lang, self.config)}sections/{section}/"
        years = [(year, f"{self.base}{folder}{year}/") for year in by_year]
        newest = [entry for entries in by_year.values() for entry in entries][:SECTION_NEWEST]
        pages: list[tuple[str, list[dict[str, str]], str | None]] = [(f"{folder}index.html", newest, None)]
        pages += [(f"{folder}{year}/index.html", entries, year) for year, entries in by_year.items()]
        for path, entries, year in pages:
            if cache.unchanged(path, [name, year, years, entries], self.out):
                self.built.unchanged += 1
                self.outputs.add(path)
                continue
            self.render(
                "section.html", path, None, lang, section_name=name, entries=entries, year=year, years=years
            )

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
            source_lang=self.config.languages[0],
            md=html.markdown,
            md_inline=html.markdown_inline,
            image=self._image(values.get("issue") or values.get("latest")),
            og_locale=_og_locale(lang),
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

    def atom(self, digests: list[_Digest], lang: str) -> str:
        recent = list(reversed(digests))[:FEED_ENTRIES]
        return self.env.get_template("feed.xml").render(
            config=self.config, lang=lang, pages=recent, root=self.absolute.home(lang),
            updated=max((d.date for d in digests), default=datetime.now(UTC).isoformat()),
            feed_url=self.absolute.home(lang) + "feed.xml", absolute=self._absolute,
        )  # fmt: skip

    def json_feed(self, digests: list[_Digest], lang: str) -> str:
        feed: dict[str, Any] = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.config.name,
            "home_page_url": self.absolute.home(lang),
            "feed_url": self.absolute.home(lang) + "feed.json",
            "language": lang,
            "items": [
                {
                    "id": self._absolute(digest.url),
                    "url": self._absolute(digest.url),
                    "title": digest.title,
                    "content_html": digest.body,
                    "date_published": digest.date,
                }
                for digest in list(reversed(digests))[:FEED_ENTRIES]
            ],
        }
        if self.config.author:
            feed["authors"] = [{"name": self.config.author}]
        return json.dumps(feed, ensure_ascii=False, indent=1)

    def _absolute(self, url: str) -> str:
        return self.absolute.root.rstrip("/") + "/" + url.removeprefix(self.base).lstrip("/")

    def media(self, workspace: Workspace, sources: dict[Period, bytes]) -> None:
        """Every figure an issue names, copied once and made web-sized if it is not already."""
        media = (workspace.root / "media").resolve()
        for text in sources.values():
            if b"\nfigure:" not in text:
                continue
            for figure in _FIGURE.findall(text.decode("utf-8")):
                origin = (workspace.root / figure).resolve()
                if not origin.is_file() or not origin.is_relative_to(media):
                    continue  # `check` reports it; nothing outside media/ is ever published
                relative = str(origin.relative_to(workspace.root.resolve()))
                self.outputs.add(relative)
                target = self.out / relative
                stamp = origin.stat()
                if target.is_file() and target.stat().st_mtime_ns == stamp.st_mtime_ns:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                _web_sized_copy(origin, target)
                os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # "already copied", next time

    def remove_stale(self, previous: list[str]) -> None:
        """Files an earlier build made that this one did not: a deleted issue, a dropped language."""
        others = {f"{lang}/" for lang in self.config.languages if lang not in self.langs}
        for path in previous:
            if path in self.outputs or any(path.startswith(prefix) for prefix in others):
                continue  # a language not built this time (`--lang`) keeps its pages
            if (self.out / path).is_file():
                (self.out / path).unlink()
                folder = (self.out / path).parent
                while folder != self.out and not any(folder.iterdir()):
                    folder.rmdir()
                    folder = folder.parent

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

    def sitemap(self) -> None:
        pages = sorted(p.removesuffix("index.html") for p in self.outputs if p.endswith("index.html"))
        urls = "".join(f"<url><loc>{html.text(self.absolute.root + p)}</loc></url>\n" for p in pages)
        self.write(
            SITEMAP,
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n',
        )

    def write(self, path: str, text: str) -> None:
        self.outputs.add(path)
        target = self.out / path
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            self.built.unchanged += 1
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_bytes(target, data)
        self.built.written.append(target)


def _absolute_links(markup: str, origin: str, page: str) -> str:
    markup = markup.replace(' href="#', f' href="{page}#').replace(' src="#', f' src="{page}#')
    return markup.replace(' href="/', f' href="{origin}').replace(' src="/', f' src="{origin}')


def _og_locale(lang: str) -> str:
    """OpenGraph wants `zh_CN`, not `zh`: the language's likely territory, from CLDR."""
    from babel.core import get_global

    likely = str(get_global("likely_subtags").get(lang, lang))
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else lang


def _web_sized_copy(origin: Path, target: Path) -> None:
    """A figure made by `mlnews figures` is web-sized already; one put in media/ by hand may not be."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(origin) as image:
            too_big = image.width > MAX_FIGURE_WIDTH
            if too_big:
                image.thumbnail((MAX_FIGURE_WIDTH, MAX_FIGURE_WIDTH * 4))
                image.save(target, format=image.format or "PNG")
                return
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        pass  # not an image Pillow reads: published as it is
    shutil.copyfile(origin, target)


def _origin(url: str) -> str:
    """`https://example.org/ml/` -> `https://example.org/`: site-relative paths already hold `/ml/`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _finalize(value: Any) -> Any:
    """Every value a template prints loses control characters: XML and HTML forbid them."""
    if isinstance(value, Markup):
        return Markup(without_controls(str(value)))
    return without_controls(value) if isinstance(value, str) else value


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
    environment.filters["url"] = lambda value: safe_target(str(value)) or "#"  # http(s), mailto, relative
    environment.finalize = _finalize
    return environment


def _archive(weeks: list[_Digest], cat: i18n.Catalogue) -> list[tuple[int, list[tuple[str, list[_Digest]]]]]:
    """Weekly issues newest first, grouped by year, then by month (named in the language)."""
    years: dict[int, dict[str, list[_Digest]]] = {}
    for digest in reversed(weeks):
        day = datetime.fromisoformat(digest.date).date()
        years.setdefault(day.year, {}).setdefault(cat.month_year(day), []).append(digest)
    return [(year, list(months.items())) for year, months in years.items()]


def _search_index(weeks: list[_Digest]) -> str:
    entries = [{**entry, "issue": digest.title} for digest in weeks for entry in digest.entries]
    return orjson.dumps(entries).decode()


def _prefix(lang: str, config: Config) -> str:
    return "" if lang == config.languages[0] else f"{lang}/"


def _is_week(name: str) -> bool:
    return "-W" in name


def _fingerprint(workspace: Workspace, langs: list[str]) -> str:
    """Everything besides an issue's source that its page depends on: settings, theme, catalogues,
    and the languages built (the language switcher lists them)."""
    digest = hashlib.sha256(f"{__version__}\n{langs}\n".encode())
    digest.update(workspace.config_path.read_bytes())
    package = resources.files("mlnews")
    for folder in (package / "theme", package / "theme" / "assets", package / "locale"):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file():
                digest.update(entry.name.encode() + entry.read_bytes())
    for lang in i18n.languages()[1:]:
        digest.update((package / "locale" / lang / "LC_MESSAGES" / "mlnews.po").read_bytes())
    theme = workspace.root / "theme"
    if theme.is_dir():
        for path in sorted(theme.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(theme)).encode() + path.read_bytes())
    return digest.hexdigest()


def _date(period: Period, config: Config) -> datetime:
    day = period.start(config.first_weekday) if isinstance(period, Week) else period.end()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
