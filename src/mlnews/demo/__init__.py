"""The built-in demo: a workspace from the project's own sample data, composed and rendered.

It plays a curator's weeks: import the sample sources, shortlist what `plan.toml` says for
each week (September to early December 2020, around the two reference weeks), compose
every week and month, render each issue in every language, and build the site. Offline,
and safe to re-run: a second run changes nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.policy import SMTP
from importlib import resources
from pathlib import Path
from typing import Any

import tomlkit

from mlnews import files, workspace
from mlnews.collect import ingest
from mlnews.collect.ingest import FileReport
from mlnews.issue import compose, source
from mlnews.library import Library
from mlnews.publish import mime, site
from mlnews.render.links import FileLinks, SiteLinks
from mlnews.render.published import issue_view, markdown_issue
from mlnews.render.thread import thread
from mlnews.weeks import Month, Week
from mlnews.workspace import Workspace

# The demo's files, each with the kind its records are (None: as the format says).
FILES = (
    ("papers.atom", None),
    ("neighbours.atom", None),
    ("articles.rss", None),
    ("news.json", "news"),
    ("reading.bib", None),
)
MONTHS = (Month(2020, 9), Month(2020, 10), Month(2020, 11))
EMAIL = {
    "from_address": "mlnews demo <demo@example.org>",
    "unsubscribe": "mailto:unsubscribe@example.org",
}
SETTINGS = {
    "name": "mlnews demo digest",
    "author": "The mlnews demo",
    "footer": "Built by `mlnews demo` from the project's own sample data. "
    "Each entry's one-line post is in its issue source, ready to share.",
}


@dataclass
class Result:
    workspace: Workspace
    imports: list[FileReport]
    items: int
    composed: list[compose.Report] = field(default_factory=list)
    rendered: list[Path] = field(default_factory=list)
    site: site.Built | None = None
    mail: list[Path] = field(default_factory=list)  # an e-mail and a thread per issue and language

    @property
    def markdown_dir(self) -> Path:
        return self.workspace.root / "markdown"


@contextmanager
def data_dir() -> Iterator[Path]:
    with resources.as_file(resources.files("mlnews") / "demo") as folder:
        yield folder


def build(folder: Path) -> Result:
    made, created = workspace.init(folder)
    if created:
        _apply_settings(made.config_path)
    with data_dir() as data, Library.open(made.library_path) as library:
        imports = [
            report
            for name, kind in FILES
            for report in ingest.import_files(library, [data / name], kind=kind, config_path=made.config_path)
        ]
        for report in imports:
            report.path = Path(report.path).name  # the files live inside the package
        result = Result(made, imports, library.count())
        if not all(r.ok for r in imports):
            return result
        plan = tomllib.loads((data / "plan.toml").read_text(encoding="utf-8"))
        weeks = [_shortlist(library, week) for week in plan["weeks"]]
        config = made.config
        for week in sorted(weeks):
            result.composed.append(compose.compose_week(made.issues_dir, config, library, week))
        for month in MONTHS:
            result.composed.append(compose.compose_month(made.issues_dir, config, library, month))
    result.rendered = render_all(made, result.markdown_dir)
    result.site = site.build(made, made.root / "site")
    result.mail = write_mail_and_threads(made)
    return result


def _apply_settings(config_path: Path) -> None:
    document = tomlkit.parse(config_path.read_text(encoding="utf-8"))
    newsletter = document["newsletter"]
    for key, value in SETTINGS.items():
        newsletter[key] = value
    for key, value in EMAIL.items():
        document["email"][key] = value
    with files.replacing(config_path) as out:
        out.write(tomlkit.dumps(document))


def _shortlist(library: Library, plan: dict[str, Any]) -> Week:
    """Shortlist a week's items as the plan says, skipping what is already so (re-runs change nothing)."""
    week = Week.parse(str(plan["week"]))
    picks = set(plan.get("picks", []))
    sections: dict[str, list[str]] = plan["sections"]
    with library.transaction():
        for section, keys in sections.items():
            for key in keys:
                item = library.get(key)
                state = "featured" if key in picks else "shortlisted"
                if (item.state, item.section, item.week) != (state, section, str(week)):
                    library.triage([key], state, section, str(week))
    return week


def render_all(made: Workspace, out_dir: Path) -> list[Path]:
    """Every issue in every language, as Markdown files that link to each other."""
    out_dir.mkdir(parents=True, exist_ok=True)
    links = FileLinks(out_dir, made.root)
    written = []
    for period in sorted(source.existing(made.issues_dir), key=str):
        for lang in made.config.languages:
            path = out_dir / links.issue(period, lang)
            text = markdown_issue(made, period, lang, links)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                with files.replacing(path) as out:
                    out.write(text)
            written.append(path)
    return written


def write_mail_and_threads(made: Workspace) -> list[Path]:
    """`mail/2020-W49.zh.eml` and `mail/2020-W49.zh.thread.txt` for every issue and language.

    An e-mail carries its date and a fresh Message-ID, so one already written is kept:
    re-running the demo changes nothing.
    """
    folder = made.root / "mail"
    folder.mkdir(exist_ok=True)
    links = SiteLinks(made.config.site_url, made.config.languages[0])
    written = []
    for period in sorted(source.existing(made.issues_dir), key=str):
        for lang in made.config.languages:
            eml = folder / f"{period}.{lang}.eml"
            if not eml.exists():
                files.write_bytes(eml, mime.issue_message(made, period, lang).as_bytes(policy=SMTP))
            posts = thread(issue_view(made, period, lang, links), links.issue(period, lang))
            text = "\n\n".join(posts) + "\n"
            path = folder / f"{period}.{lang}.thread.txt"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                with files.replacing(path) as out:
                    out.write(text)
            written += [eml, path]
    return written
