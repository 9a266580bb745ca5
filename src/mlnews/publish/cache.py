"""The site's build cache: each issue page's inputs, fingerprinted, and its digest.

It lives in the workspace (`.mlnews-cache/site-<output>.json`), one file per output folder,
and is what lets a rebuild skip the pages whose inputs did not change. Anything that is
not an issue's source but shows on its page (settings, theme, catalogues, mlnews itself)
is in the fingerprint: when it changes, every page is rendered again.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from mlnews import __version__, files, i18n
from mlnews.render.pages import Digest
from mlnews.workspace import Workspace

CACHE_FOLDER = ".mlnews-cache"


class Cache:
    def __init__(
        self, path: Path, fingerprint: str, pages: dict[str, Any], others: dict[str, str], files: list[str]
    ):
        self.path, self.fingerprint, self.pages, self.files = path, fingerprint, pages, files
        self.others = others  # home and section pages: the fingerprint of what they show
        self.seen: set[str] = set()

    @classmethod
    def load(cls, workspace: Workspace, out: Path, langs: list[str]) -> Cache:
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
        path = workspace.root / CACHE_FOLDER / f"site-{name}.json"
        fingerprint = _fingerprint(workspace, langs)
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

    def get(self, page: str, key: str) -> Digest | None:
        self.seen.add(page)
        entry = self.pages.get(page)
        return Digest(**entry["digest"]) if entry and entry.get("key") == key else None

    def key(self, page: str) -> str:
        """The fingerprint an issue page was last rendered from, or '' for none."""
        return str(self.pages.get(page, {}).get("key", ""))

    def put(self, page: str, key: str, digest: Digest) -> None:
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
