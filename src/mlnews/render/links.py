"""Where a rendered issue points: other issues and figures, on the site or as local files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from mlnews.weeks import Period


class Links(Protocol):
    def issue(self, period: Period, lang: str) -> str: ...

    def entry(self, period: Period, lang: str, anchor: str) -> str | None:
        """Where an entry of an issue can be linked to, if anywhere."""

    def media(self, path: str) -> str: ...


@dataclass(frozen=True)
class SiteLinks:
    """Absolute links into the published site: what a pasted issue needs.

    The first language lives at the site's root, the others under `/<lang>/`:
    `https://example.org/2020-W49/`, `https://example.org/zh/2020-W49/`.
    """

    site_url: str
    default_lang: str

    def home(self, lang: str) -> str:
        return self.root if lang == self.default_lang else f"{self.root}{lang}/"

    def issue(self, period: Period, lang: str) -> str:
        return f"{self.home(lang)}{period}/"

    def entry(self, period: Period, lang: str, anchor: str) -> str | None:
        return f"{self.issue(period, lang)}#{anchor}"

    def media(self, path: str) -> str:
        return self.root + quote(path.lstrip("/"))

    @property
    def root(self) -> str:
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"


@dataclass(frozen=True)
class FileLinks:
    """Links between Markdown files rendered side by side (`2020-W49.zh.md`), figures relative to them."""

    out_dir: Path
    workspace: Path

    def issue(self, period: Period, lang: str) -> str:
        return f"{period}.{lang}.md"

    def entry(self, period: Period, lang: str, anchor: str) -> str | None:
        return None  # Markdown viewers make their own heading ids: no anchor is reliable

    def media(self, path: str) -> str:
        target = os.path.relpath(self.workspace / path, self.out_dir.resolve())
        return quote(Path(target).as_posix())
