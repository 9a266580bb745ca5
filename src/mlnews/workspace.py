"""The workspace: a folder holding `mlnews.toml`, the library, `issues/` and `media/`.

Commands find it the way git finds a repository: `-w DIR`, else `$MLNEWS_WORKSPACE`,
else the current folder or the nearest parent that holds an `mlnews.toml`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from mlnews import config, files
from mlnews.errors import WorkspaceNotFound

CONFIG_NAME = "mlnews.toml"
LIBRARY_NAME = "library.db"
# What a figure may be: a file right inside media/ with an image's name. The site copies only
# media/, the app serves only one name inside it, and `mlnews figures` saves there.
FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
FIGURE_EXAMPLE = "media/2011.15126.png"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def library_path(self) -> Path:
        return self.root / LIBRARY_NAME

    @property
    def issues_dir(self) -> Path:
        return self.root / "issues"

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    @cached_property
    def config(self) -> config.Config:
        return config.load(self.config_path)

    def reread(self) -> None:
        """Read `mlnews.toml` again when next asked: a command or the app has just changed it."""
        self.__dict__.pop("config", None)


def figure_problem(figure: str) -> str | None:
    """Why `figure` cannot be an item's figure, or None: the rule the library applies to what
    enters it and `check` to what an issue names, so neither holds a path the site will not publish."""
    folder, _, name = figure.partition("/")
    if folder != "media" or not name or "/" in name or "\\" in name or name.startswith("."):
        return f"figure must be a file in media/, e.g. {FIGURE_EXAMPLE}"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "figure name holds a control character"
    if not name.lower().endswith(FIGURE_SUFFIXES):
        return f"figure must be an image ({', '.join(FIGURE_SUFFIXES)}), e.g. {FIGURE_EXAMPLE}"
    return None


def init(root: Path, languages: tuple[str, ...] | None = None) -> tuple[Workspace, bool]:
    """Create a workspace in `root` (made if missing). Returns it and whether it is new.

    `languages`: what a new workspace publishes in, the one the curator writes in first (else
    the setting's default). Running it again on a workspace fills in whatever is missing and
    changes nothing else.
    """
    from mlnews.library import Library

    root = root.resolve()
    if root.exists() and not root.is_dir():
        raise WorkspaceNotFound(f"{root}: exists and is not a folder")
    workspace = Workspace(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        created = not workspace.config_path.exists()
        if created:
            with files.replacing(workspace.config_path) as out:
                from mlnews import config_file

                out.write(config_file.default_text({"languages": list(languages)} if languages else None))
        else:
            config.load(workspace.config_path)
        for folder in (workspace.issues_dir, workspace.media_dir):
            folder.mkdir(exist_ok=True)
    except (FileExistsError, NotADirectoryError) as error:
        raise WorkspaceNotFound(f"{error.filename}: exists and is not a folder") from None
    except OSError as error:
        raise WorkspaceNotFound(
            f"{error.filename or root}: cannot create the workspace: {error.strerror}"
        ) from None
    Library.open(workspace.library_path).close()
    return workspace, created


def find(explicit: Path | None = None, start: Path | None = None) -> Workspace:
    """The workspace named by `-w`, `$MLNEWS_WORKSPACE`, or found upwards from `start`."""
    named = explicit or (Path(os.environ["MLNEWS_WORKSPACE"]) if os.environ.get("MLNEWS_WORKSPACE") else None)
    if named is not None:
        if not (named / CONFIG_NAME).is_file():
            raise WorkspaceNotFound(
                f"{named}: not an mlnews workspace (no {CONFIG_NAME}); "
                f"run `mlnews init {named}` to create one"
            )
        return Workspace(named.resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return Workspace(folder)
    raise WorkspaceNotFound(
        f"{here}: not inside an mlnews workspace (no {CONFIG_NAME} here or above); "
        "run `mlnews init` to create one, or pass -w DIR"
    )
