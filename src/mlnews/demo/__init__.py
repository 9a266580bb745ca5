"""The built-in demo: a workspace from the project's own sample data, composed and rendered.

It plays a curator's weeks: import the sample sources, shortlist what `plan.toml` says for
each week (September to early December 2020, around the two reference weeks), compose
every week and month, and publish them with every publisher: Markdown in every language,
the site, an e-mail and a thread per issue. Offline, and safe to re-run: a second run
changes nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import tomlkit

from mlnews import compose, files, workspace
from mlnews.collect import ingest
from mlnews.collect.ingest import FileReport
from mlnews.document import source
from mlnews.library import Library
from mlnews.publish import publishers
from mlnews.publish.publishers import Published
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
# What `mlnews demo-files` hands out: the sources above, and feeds to subscribe to (the
# demo itself imports no OPML, which would add sources that `collect` fetches).
SAMPLES = (*(name for name, _ in FILES), "blogs.opml")
TRANSLATIONS = "translations.toml"  # the `memory` translator's default file, in the workspace
MONTHS = (Month(2020, 9), Month(2020, 10), Month(2020, 11))
EMAIL = {
    "from_address": "mlnews demo <demo@example.org>",
    "unsubscribe": "mailto:unsubscribe@example.org",
}
SETTINGS = {
    "name": "mlnews demo digest",
    "author": "The mlnews demo",
    "publishers": ["markdown", "site", "email", "thread"],
    # The demo's Chinese and Japanese texts: the project's own translations of its drafts, in a
    # translation memory (TRANSLATIONS), so that every language is whole, offline.
    "translator": "memory",
    "footer": "Built by `mlnews demo` from the project's own sample data. "
    "Each entry's one-line post is in its issue source, ready to share.",
}


@dataclass
class Result:
    workspace: Workspace
    imports: list[FileReport]
    items: int
    composed: list[compose.Report] = field(default_factory=list)
    published: dict[str, Published] = field(default_factory=dict)  # by publisher: markdown, site, ...

    @property
    def markdown_dir(self) -> Path:
        return self.workspace.root / "markdown"


@contextmanager
def data_dir() -> Iterator[Path]:
    with resources.as_file(resources.files("mlnews") / "demo") as folder:
        yield folder


def write_samples(folder: Path) -> list[tuple[Path, bool]]:
    """Copy the sample files into `folder`, each path with whether it was written.

    A file already there is left alone, whatever it holds: it may be the curator's own.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with data_dir() as data:
        for name in SAMPLES:
            target = folder / name
            fresh = not target.exists()
            if fresh:
                files.write_bytes(target, (data / name).read_bytes())
            written.append((target, fresh))
    return written


def build(folder: Path) -> Result:
    made, created = workspace.init(folder)
    if created:
        _apply_settings(made.config_path)
    with data_dir() as data, Library.open(made.library_path) as library:
        memory = made.root / TRANSLATIONS
        if not memory.exists():  # the curator's own, if there is one, is left alone
            files.write_bytes(memory, (data / TRANSLATIONS).read_bytes())
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
    periods = sorted(source.existing(made.issues_dir), key=str)
    for name in made.config.publishers:
        result.published[name] = publishers.get(made.config, name).publish(made, periods)
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
