"""An issue as readers see it: its source read, checked and built into a view in one language."""

from __future__ import annotations

from mlnews import i18n
from mlnews.document import monthly, source
from mlnews.document.check import read_valid
from mlnews.errors import UsageError
from mlnews.render import markdown, view
from mlnews.render.links import Links
from mlnews.weeks import Period
from mlnews.workspace import Workspace


def issue_view(workspace: Workspace, period: Period, lang: str, links: Links) -> view.IssueView:
    """An issue of the workspace as readers see it; a problem in its source stops it with FILE:LINE."""
    cat = i18n.catalogue(lang)
    path = source.path_for(workspace.issues_dir, period)
    if not path.exists():
        raise UsageError(f"{path}: no such issue; run `mlnews compose {period}` first")
    issue = monthly.as_published(
        read_valid(path, workspace.config).issue, workspace.issues_dir, workspace.config
    )
    context = view.Context(workspace.config, tuple(source.existing(workspace.issues_dir)), links)
    return view.build(issue, context, cat)


def markdown_issue(workspace: Workspace, period: Period, lang: str, links: Links) -> str:
    return markdown.render(issue_view(workspace, period, lang, links))
