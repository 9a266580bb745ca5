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
