"""The built-in publishers: what `mlnews publish` runs, one small class each.

A publisher writes issues out for readers somewhere: Markdown files, the static site,
e-mails ready to send, threads ready to paste. Each is a plugin of kind "publisher"
(`mlnews.plugins`) with its own `[publisher.NAME]` settings; `[newsletter] publishers`
says which ones `mlnews publish` runs. Every one is safe to re-run: what has not
changed is not written again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from mlnews import files, lazy, plugins
from mlnews.settings import Config, Setting
from mlnews.weeks import Period
from mlnews.workspace import Workspace

if TYPE_CHECKING:
    from email.message import EmailMessage

    from mlnews.publish import mime, site
    from mlnews.render import links as linking
    from mlnews.render import published
    from mlnews.render import thread as threads
else:  # the renderers load with the first issue published, not with the settings
    mime = lazy.load("mlnews.publish.mime")
    site = lazy.load("mlnews.publish.site")
    linking = lazy.load("mlnews.render.links")
    published = lazy.load("mlnews.render.published")
    threads = lazy.load("mlnews.render.thread")

_FOLDER_HELP = "Where it writes, relative to the workspace (or an absolute path)."


@dataclass
class Published:
    folder: Path
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0


class Publisher(Protocol):
    name: ClassVar[str]
    description: ClassVar[str]
    settings: ClassVar[tuple[Setting, ...]]

    def publish(self, workspace: Workspace, periods: Sequence[Period]) -> Published: ...


def get(config: Config, name: str) -> Publisher:
    """A ready publisher made with its `[publisher.NAME]` settings; a one-line error if there is none."""
    return cast(Publisher, plugins.create("publisher", name, config.settings_of("publisher", name)))


def check(publisher: Publisher, workspace: Workspace) -> None:
    """A publisher's own check of the settings (`check(workspace)`, if it has one), before any writing."""
    own = getattr(publisher, "check", None)
    if own is not None:
        own(workspace)


@dataclass
class MarkdownPublisher:
    name: ClassVar[str] = "markdown"
    description: ClassVar[str] = "Each issue in every language as a Markdown file (2020-W49.zh.md)."
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("folder", "markdown", _FOLDER_HELP),
        Setting(
            "links",
            "files",
            "How issues link each other: 'files' (the Markdown files side by side) or 'site'.",
            ("files", "site"),
        ),
    )
    folder: str = "markdown"
    links: str = "files"

    def publish(self, workspace: Workspace, periods: Sequence[Period]) -> Published:
        done = Published(_folder(workspace, self.folder))
        config = workspace.config
        links = (
            linking.FileLinks(done.folder, workspace.root)
            if self.links == "files"
            else linking.SiteLinks(config.site_url, config.languages[0])
        )
        for period, lang in _editions(workspace, periods):
            path = done.folder / f"{period}.{lang}.md"
            _write_text(done, path, published.markdown_issue(workspace, period, lang, links))
        return done


@dataclass
class SitePublisher:
    name: ClassVar[str] = "site"
    description: ClassVar[str] = "The static site: every issue, archive, sections, feeds and search."
    settings: ClassVar[tuple[Setting, ...]] = (Setting("folder", "site", _FOLDER_HELP),)
    folder: str = "site"

    def publish(self, workspace: Workspace, periods: Sequence[Period]) -> Published:
        # The site always holds every issue (archive, feeds, neighbours): the build is whole,
        # and incremental, whichever issues were named.
        target = _folder(workspace, self.folder)
        built = site.build(workspace, target)
        return Published(target, [target / page for page in built.written], built.unchanged)


@dataclass
class EmailPublisher:
    name: ClassVar[str] = "email"
    description: ClassVar[str] = "Each issue in every language as an e-mail ready to send (.eml)."
    settings: ClassVar[tuple[Setting, ...]] = (Setting("folder", "mail", _FOLDER_HELP),)
    folder: str = "mail"

    def check(self, workspace: Workspace) -> None:
        mime.sender(workspace.config.email)  # no From address, no e-mail: say so before writing

    def publish(self, workspace: Workspace, periods: Sequence[Period]) -> Published:
        from email.policy import SMTP  # with the e-mail, not with the settings that name it

        done = Published(_folder(workspace, self.folder))
        for period, lang in _editions(workspace, periods):
            path = done.folder / f"{period}.{lang}.eml"
            message = mime.issue_message(workspace, period, lang)
            if path.exists() and _same_message(path, message):
                done.unchanged += 1  # its Date and Message-ID stay those of the first copy
                continue
            files.write_bytes(path, message.as_bytes(policy=SMTP))
            done.written.append(path)
        return done


@dataclass
class ThreadPublisher:
    name: ClassVar[str] = "thread"
    description: ClassVar[str] = "Each issue's one-line posts as a thread to paste (.thread.txt)."
    settings: ClassVar[tuple[Setting, ...]] = (Setting("folder", "mail", _FOLDER_HELP),)
    folder: str = "mail"

    def publish(self, workspace: Workspace, periods: Sequence[Period]) -> Published:
        done = Published(_folder(workspace, self.folder))
        config = workspace.config
        links = linking.SiteLinks(config.site_url, config.languages[0])
        for period, lang in _editions(workspace, periods):
            posts = threads.thread(
                published.issue_view(workspace, period, lang, links), links.issue(period, lang)
            )
            _write_text(done, done.folder / f"{period}.{lang}.thread.txt", "\n\n".join(posts) + "\n")
        return done


def _editions(workspace: Workspace, periods: Sequence[Period]) -> Iterator[tuple[Period, str]]:
    """Each issue in each of the newsletter's languages."""
    for period in periods:
        for lang in workspace.config.languages:
            yield period, lang


def where(workspace: Workspace, folder: str) -> Path:
    """A publisher's folder setting as a path: relative to the workspace, or absolute."""
    return workspace.root / Path(folder).expanduser()


def _folder(workspace: Workspace, folder: str) -> Path:
    path = where(workspace, folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_text(done: Published, path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        done.unchanged += 1
        return
    with files.replacing(path) as out:
        out.write(text)
    done.written.append(path)


# Made afresh for every message: a copy already written is the same issue if only these differ.
_VOLATILE = frozenset({"date", "message-id", "content-id", "content-type"})


def _same_message(path: Path, message: EmailMessage) -> bool:
    """Whether the file holds this message but for its date, Message-ID, Content-IDs and boundaries."""
    from email.parser import BytesParser
    from email.policy import SMTP

    try:
        with path.open("rb") as handle:
            old = BytesParser(policy=SMTP).parse(handle)
    except OSError:
        return False
    return _content(old) == _content(message)


def _content(message: EmailMessage) -> list[tuple[str, ...]]:
    cids = [str(part["Content-ID"]).strip("<>") for part in message.walk() if part["Content-ID"]]
    parts: list[tuple[str, ...]] = []
    for part in message.walk():
        headers = tuple(f"{k.lower()}: {v}" for k, v in part.items() if k.lower() not in _VOLATILE)
        decoded = None if part.is_multipart() else part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
        for number, cid in enumerate(cids):
            payload = payload.replace(cid.encode(), f"cid-{number}".encode())
        parts.append((part.get_content_type(), *headers, payload.hex()))
    return parts
