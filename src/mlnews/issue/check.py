"""`mlnews check`: what is wrong in an issue source, as `FILE:LINE: problem` lines."""

from __future__ import annotations

from pathlib import Path

from mlnews import identity
from mlnews.config import Config
from mlnews.errors import MlnewsError
from mlnews.issue.source import IssueError, Parsed, read
from mlnews.items import KINDS
from mlnews.render.safe import is_safe_url
from mlnews.weeks import Week


def problems(parsed: Parsed, config: Config, path: Path) -> list[str]:
    issue = parsed.issue
    found = list(parsed.problems)
    kind = "week" if issue.is_weekly else "month"
    if path.stem != issue.name:
        found.append(
            (issue.line_of.get(kind, 1), f"{kind} {issue.name} does not match the file name {path.name}")
        )
    sections = {s.id for s in config.sections}
    for section, line in parsed.section_lines.items():
        if section not in sections:
            found.append((line, f"unknown section {section!r}; sections are: {', '.join(sorted(sections))}"))
    seen: dict[str, int] = {}
    for entry in issue.entries:
        key = identity.identify(entry.key) or entry.key
        if key and key in seen:
            found.append((entry.line, f"{entry.key} is already an entry at line {seen[key]}"))
        seen.setdefault(key, entry.line)
        line = entry.field_lines.get("link", entry.line)
        if not entry.link:
            found.append((entry.line, "entry has no link ('link: https://…')"))
        elif not is_safe_url(entry.link) or not entry.link.startswith(("http://", "https://")):
            found.append((line, f"link {entry.link!r} is not an http(s) URL"))
        if not entry.headline.strip():
            found.append((entry.line, "entry has no headline after '###'"))
        if entry.kind and entry.kind not in KINDS:
            found.append(
                (
                    entry.field_lines.get("kind", entry.line),
                    f"kind {entry.kind!r}: expected one of {', '.join(KINDS)}",
                )
            )
        if entry.figure:
            found += _figure_problems(entry.figure, entry.field_lines.get("figure", entry.line), path)
        if entry.issue and not _is_week(entry.issue):
            found.append(
                (entry.field_lines["issue"], f"issue {entry.issue!r}: expected a week such as 2020-W45")
            )
    keys = {identity.identify(e.key) or e.key for e in issue.entries}
    for pick in issue.picks:
        if (identity.identify(pick) or pick) not in keys:
            found.append((issue.line_of.get("picks", 1), f"pick {pick!r} names no entry of this issue"))
    return [f"{path}:{line}: {problem}" for line, problem in sorted(found, key=lambda p: p[0])]


def _figure_problems(figure: str, line: int, path: Path) -> list[tuple[int, str]]:
    if Path(figure).is_absolute() or ".." in Path(figure).parts:
        return [(line, "figure must be a path inside the workspace, e.g. media/2011.15126.png")]
    workspace = path.resolve().parent.parent  # issue sources live in WORKSPACE/issues/
    if path.resolve().parent.name == "issues" and not (workspace / figure).is_file():
        return [(line, f"figure {figure} not found in the workspace")]
    return []


def _is_week(text: str) -> bool:
    try:
        Week.parse(text)
    except MlnewsError:
        return False
    return True


def read_valid(path: Path, config: Config) -> Parsed:
    """An issue source that has no problem; the first problem found stops it, as FILE:LINE."""
    parsed = read(path)
    found = problems(parsed, config, path)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise IssueError(f"{found[0]}{more}; see `mlnews check {path.stem}`")
    return parsed
