"""The README's tour runs as written: every `$ ` command of it, in order, with the real CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"

# Commands the test cannot run, each with why; anything else in the tour must exit 0.
NOT_RUN = {"mlnews preview": "serves the site until Ctrl-C (tests/test_site.py drives it)"}

# `$EDITOR` in the tour is the curator; here it does what the tour's comment says and no more:
# it sets the sender an e-mail needs, and leaves an issue as composed.
EDITOR = """\
import pathlib, sys
path = pathlib.Path(sys.argv[1])
if path.name == "mlnews.toml":
    sender = 'from_address = "ML News <news@example.org>"'
    path.write_text(path.read_text(encoding="utf-8").replace('from_address = ""', sender, 1), "utf-8")
"""


def tour_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("## A tour\n") :]
    tour = tour[: tour.index("\n### ")]
    block = re.search(r"```console\n(.*?)```", tour, re.S)
    assert block, "the tour has no ```console block"
    return [line[2:] for line in block.group(1).splitlines() if line.startswith("$ ")]


def test_every_command_of_the_tour_runs_offline(tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR, encoding="utf-8")
    # No proxy answers on port 9: a command that reached for the network would fail.
    nowhere = "http://127.0.0.1:9"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MLNEWS_")},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path / "home"),
        "COLUMNS": "80",
        "EDITOR": f"{sys.executable} {editor}",
        **{name: nowhere for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")},
    }
    folder, skipped = tmp_path / "tour", []
    folder.mkdir()
    where = tmp_path / "cwd"
    for command in tour_commands():
        bare = command.split("#", 1)[0].strip()
        if bare in NOT_RUN:
            skipped.append(bare)
            continue
        # Each command in its own shell, as typed; the folder a `cd` leads to carries over.
        script = f"{command}\nstatus=$?\npwd > '{where}'\nexit $status\n"
        done = subprocess.run(
            ["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"$ {command}\n{done.stdout}{done.stderr}"
        folder = Path(where.read_text(encoding="utf-8").strip())
    assert skipped == list(NOT_RUN), "a command NOT_RUN names is no longer in the tour"
    assert (folder / "w49.eml").is_file() and (folder / "site" / "zh" / "2020-W49" / "index.html").is_file()


# -- what the README names exists -------------------------------------------------------------------

ROOT = README.parent
PACKAGE = ROOT / "src" / "mlnews"


def test_every_path_the_readme_names_exists() -> None:
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:src|bench|tests|docs|\.ci)/[\w./-]+?)`", text))
    named |= set(re.findall(r"\b((?:bench|tests)/\w+\.py)\b", text))
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert named and missing == []


def test_every_module_and_entry_point_group_the_readme_names_exists() -> None:
    import importlib
    import importlib.util
    import tomllib

    text = README.read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    groups = set(pyproject["project"]["entry-points"])
    missing = []
    for name in sorted(set(re.findall(r"`(mlnews(?:\.\w+)+)", text))):
        if name in groups or name == "mlnews.toml":  # the workspace's settings file, not a module
            continue
        # A module, or a name in one: `mlnews.config.Setting`, `mlnews.fetch.Fetcher.post_json`.
        found: object = importlib.import_module("mlnews")
        for part in name.split(".")[1:]:
            inner = f"{getattr(found, '__name__', '')}.{part}"
            if hasattr(found, "__path__") and importlib.util.find_spec(inner) is not None:
                found = importlib.import_module(inner)
            else:
                found = getattr(found, part, None)
        if found is None:
            missing.append(name)
    assert missing == []


def test_the_layout_block_names_every_room_and_only_rooms_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("## Layout") :]
    block = block[block.index("```\nsrc/mlnews/") : block.index("```", block.index("```\nsrc/mlnews/") + 4)]
    listed = set(re.findall(r"^  (\w+)/", block, re.M))
    rooms = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert listed == rooms
    modules = {path.name for path in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    named = set(re.findall(r"\b(\w+\.py)\b", block))
    assert modules <= named, f"not in the Layout block: {sorted(modules - named)}"
    assert {n for n in named if "/" not in n} <= modules | {p.name for p in PACKAGE.rglob("*.py")}, (
        "the Layout block names a module that does not exist"
    )
