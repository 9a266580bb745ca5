"""`mlnews build`: the static site, from the issue sources alone.

    OUT/index.html                     home: the latest issue, the archive by year and month
    OUT/2020-W49/index.html            one page per weekly issue, one per monthly summary
    OUT/sections/papers/index.html     one page per section: its entries across issues
    OUT/feed.xml, OUT/feed.json        Atom and JSON Feed, one entry per issue, full content
    OUT/search.json                    every entry of every issue, for the search box
    OUT/zh/…, OUT/ja/…                 the same tree for every other language
    OUT/media/…                        figures, copied once
    OUT/sitemap.xml, OUT/robots.txt, OUT/assets/…

The pages come from `render.pages`; this module decides which to render and writes them.
A page is written only when its bytes change, and an issue page is not even rendered when
its inputs are those `publish.cache` remembers, so a rebuild after editing one issue
rewrites only the pages that show it.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import jinja2

from mlnews import files, i18n, progress, workers
from mlnews.document import monthly, source
from mlnews.document.check import read_valid
from mlnews.errors import MlnewsError
from mlnews.publish import feeds
from mlnews.publish.cache import Cache
from mlnews.publish.media import copy_figures
from mlnews.publish.search_index import search_index
from mlnews.publish.sitemap import SITEMAP, robots, sitemap
from mlnews.render import view
from mlnews.render.pages import Digest, Pages, is_week, published, template_problem
from mlnews.settings import Config
from mlnews.weeks import Month, Period, parse_period, weeks_starting_in
from mlnews.workspace import Workspace

PARALLEL_FROM = 60  # pages to render before a second process pays for itself
_CHUNK = 8  # pages a worker renders at a time
ASSETS = ("style.css", "search.js", "icon.svg")


@dataclass
class Built:
    out: Path
    written: list[Path] = field(default_factory=list)  # pages whose bytes changed
    unchanged: int = 0

    @property
    def pages(self) -> int:
        return len(self.written) + self.unchanged


class SiteError(MlnewsError):
    pass


def build(
    workspace: Workspace,
    out: Path,
    languages: Iterable[str] | None = None,
    step: progress.Step = progress.nothing,
) -> Built:
    """Build the site into a fresh folder that replaces `out` only when every page is written:
    a build that fails or is killed leaves the old site as it was."""
    langs = list(languages or workspace.config.languages)
    cache = Cache.load(workspace, out, langs)
    try:
        with files.replacing_folder(out) as fresh:
            built = _build(workspace, fresh, langs, cache, step)
    except jinja2.TemplateError as error:
        raise SiteError(template_problem(error)) from None
    cache.save()  # only now: it describes the pages `out` holds
    return Built(out, [out / page.relative_to(fresh) for page in built.written], built.unchanged)


def _build(workspace: Workspace, out: Path, langs: list[str], cache: Cache, step: progress.Step) -> Built:
    config = workspace.config
    periods = sorted(source.existing(workspace.issues_dir), key=lambda p: (published(p, config), str(p)))
    built = Built(out)
    site = _Site(workspace, out, built, langs)
    sources = {p: source.path_for(workspace.issues_dir, p).read_bytes() for p in periods}
    # A month's page shows its weeks' current text: their sources are part of its inputs.
    inputs = {
        p: sources[p] + b"".join(sources[w] for w in weeks_starting_in(p, periods, config.first_weekday))
        if isinstance(p, Month)
        else sources[p]
        for p in periods
    }
    context = view.Context(config, tuple(periods), site.pages.relative)  # one, so neighbours are found once
    around = context.neighbours
    in_feeds = set(periods[-feeds.FEED_ENTRIES :])
    for done, lang in enumerate(langs):
        step("languages", done, len(langs))
        jobs = [site.plan(p, inputs[p], around[p], p in in_feeds, lang, cache) for p in periods]
        site.render_issues([job for job in jobs if job.digest is None], context, cache)
        site.language([job.digest for job in jobs if job.digest], context, lang, cache)
    step("languages", len(langs), len(langs))
    site.outputs |= copy_figures(workspace.root, sources.values(), out)
    site.common()
    # Only now is every file of this site known: what an earlier build wrote and this one did
    # not (a deleted issue, a dropped language or section) goes, and then the sitemap is right.
    site.outputs.add(SITEMAP)  # written last, from the others, but not stale
    site.remove_stale(cache.files)
    site.write(SITEMAP, sitemap(site.pages.absolute.root, site.outputs))
    cache.files = sorted(site.outputs)
    return built


def issue_page(workspace: Workspace, period: Period, lang: str, site_url: str) -> str:
    """One issue's page as `build` writes it, for a site served at `site_url` (the app's preview)."""
    config = replace(workspace.config, site_url=site_url)
    periods = sorted(source.existing(workspace.issues_dir), key=lambda p: (published(p, config), str(p)))
    pages = Pages(config, workspace, list(config.languages))
    context = view.Context(config, tuple(periods), pages.relative)
    shown = _issue_view(workspace, config, period, context, lang)
    return pages.page("issue.html", f"{pages.prefix(lang)}{period}/index.html", lang, issue=shown)


def asset(workspace: Workspace, name: str) -> str:
    """A theme asset's text: the workspace's own (theme/assets/NAME) first."""
    override = workspace.root / "theme" / "assets" / name
    if override.is_file():
        return override.read_text(encoding="utf-8")
    return (resources.files("mlnews") / "theme" / "assets" / name).read_text("utf-8")


def _issue_view(
    workspace: Workspace, config: Config, period: Period, context: view.Context, lang: str
) -> view.IssueView:
    issue = read_valid(source.path_for(workspace.issues_dir, period), config).issue
    issue = monthly.as_published(issue, workspace.issues_dir, config)
    return view.build(issue, context, i18n.catalogue(lang))


@dataclass
class _Job:
    period: Period
    lang: str
    path: str
    key: str  # the fingerprint of everything the page shows
    in_feeds: bool
    digest: Digest | None = None


_WORKER: tuple[_Site, view.Context] | None = None


def _render_jobs(jobs: list[_Job]) -> tuple[list[Digest], list[Path], int]:
    assert _WORKER is not None
    site, context = _WORKER
    before_written, before_unchanged = len(site.built.written), site.built.unchanged
    try:
        digests = [site.render_issue(job, context) for job in jobs]
    except jinja2.TemplateError as error:  # a plain error crosses back from a worker process
        raise SiteError(template_problem(error)) from None
    return digests, site.built.written[before_written:], site.built.unchanged - before_unchanged


class _Site:
    def __init__(self, workspace: Workspace, out: Path, built: Built, langs: list[str]):
        self.config = workspace.config
        self.workspace = workspace
        self.out = out
        self.built = built
        self.langs = langs
        self.pages = Pages(self.config, workspace, langs)
        self.outputs: set[str] = set()  # every file of the site, written now or already right

    def plan(
        self, period: Period, text: bytes, around: view.Neighbours, in_feeds: bool, lang: str, cache: Cache
    ) -> _Job:
        """An issue page in a language, with its digest if the page is up to date already."""
        path = f"{self.pages.prefix(lang)}{period}/index.html"
        key = hashlib.sha256(text + repr((lang, around)).encode()).hexdigest()
        job = _Job(period, lang, path, key, in_feeds)
        cached = cache.get(path, key)
        if cached is not None and (self.out / path).is_file() and (cached.body or not in_feeds):
            self.keep(path)
            job.digest = cached
        return job

    def render_issues(self, jobs: list[_Job], context: view.Context, cache: Cache) -> None:
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
            # Small chunks for two workers: an interrupted build waits for the chunks in hand
            # only, not for half the site each.
            chunks = [jobs[start : start + _CHUNK] for start in range(0, len(jobs), _CHUNK)]
        global _WORKER
        _WORKER = (self, context)  # forked workers inherit it: nothing to pickle but the jobs
        if len(chunks) == 1:
            results = [_render_jobs(jobs)]
        else:
            pool = ProcessPoolExecutor(2, mp.get_context("fork"), initializer=workers.start)
            try:
                results = list(pool.map(_render_jobs, chunks))
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        for chunk, (digests, written, unchanged) in zip(chunks, results, strict=True):
            for job, digest in zip(chunk, digests, strict=True):
                job.digest = digest
                cache.put(job.path, job.key, digest)
                self.outputs.add(job.path)
            if len(chunks) > 1:  # a worker's own Built was a copy
                self.built.written += written
                self.built.unchanged += unchanged

    def render_issue(self, job: _Job, context: view.Context) -> Digest:
        issue_view = self.load(job.period, context, job.lang)
        self.write(job.path, self.pages.page("issue.html", job.path, job.lang, issue=issue_view))
        return self.pages.digest(job.period, issue_view, job.lang, job.in_feeds)

    def load(self, period: Period, context: view.Context, lang: str) -> view.IssueView:
        return _issue_view(self.workspace, self.config, period, context, lang)

    def language(self, digests: list[Digest], context: view.Context, lang: str, cache: Cache) -> None:
        """A language's home page, section pages, feeds and search index."""
        cat = i18n.catalogue(lang)
        prefix = self.pages.prefix(lang)
        weeks = [d for d in digests if is_week(d.period)]
        home = f"{prefix}index.html"
        # The home page shows the latest issue whole, and the archive: those are its inputs.
        latest_key = cache.key(f"{prefix}{weeks[-1].period}/index.html") if weeks else ""
        shown = [[(d.url, d.title, d.date) for d in digests], latest_key]
        if cache.unchanged(home, shown, self.out):
            self.keep(home)
        else:
            latest = self.load(parse_period(weeks[-1].period), context, lang) if weeks else None
            self.write(home, self.pages.home(home, lang, latest, digests))
        for section in self.config.sections:
            name = cat(section.name)
            for page in self.pages.section_pages(section.id, weeks, lang):
                if cache.unchanged(page.path, [name, page.year, page.years, page.entries], self.out):
                    self.keep(page.path)
                else:
                    self.write(page.path, self.pages.section(page, name, lang))
        self.write(f"{prefix}feed.xml", feeds.atom(self.pages, digests, lang))
        self.write(f"{prefix}feed.json", feeds.json_feed(self.pages, digests, lang))
        self.write(f"{prefix}search.json", search_index(weeks))

    def common(self) -> None:
        """What every language shares: the theme's assets and robots.txt."""
        for name in ASSETS:
            self.write(f"assets/{name}", asset(self.workspace, name))
        self.write("robots.txt", robots(self.pages.absolute.root))

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

    def keep(self, path: str) -> None:
        """A page already right on disk: part of the site, not written again."""
        self.built.unchanged += 1
        self.outputs.add(path)

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
