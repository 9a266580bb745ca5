"""The plugin registry as a user meets it: a package installed beside mlnews adds backends.

A real distribution (a `.dist-info` folder with its entry points, and its module) is put
on the path of a real `mlnews` process: nothing is patched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "src" / "mlnews" / "demo"

ECHO = '''
from dataclasses import dataclass
from typing import ClassVar

from mlnews.config import Setting
from mlnews.summarise import Draft, Source


@dataclass
class EchoSummariser:
    """Says the title back."""

    name: ClassVar[str] = "echo"
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("shout", False, "Headlines in capitals."),
        Setting("prefix", "Echo: ", "Put before every headline."),
    )
    shout: bool = False
    prefix: str = "Echo: "

    def draft(self, source: Source) -> Draft:
        headline = self.prefix + (source.title.upper() if self.shout else source.title)
        return Draft(headline=headline, summary=source.text, post=source.title)
'''

ENTRY_POINTS = """
[mlnews.summarisers]
echo = mlnews_echo:EchoSummariser

[mlnews.formats]
broken = mlnews_missing_module:Nothing
feed = mlnews_echo:EchoSummariser

[mlnews.publishers]
odd = os.path:join
"""


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """A folder holding an installed third-party package, `mlnews-echo` 1.0."""
    folder = tmp_path / "site-packages"
    info = folder / "mlnews_echo-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mlnews-echo\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    (folder / "mlnews_echo.py").write_text(ECHO)
    return folder


def mlnews(plugin_path: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plugin_path), "COLUMNS": "200"}
    env.pop("MLNEWS_WORKSPACE", None)
    return subprocess.run(
        [sys.executable, "-m", "mlnews", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def test_plugins_lists_every_kind_with_its_origin_and_settings(plugin_path: Path, tmp_path: Path) -> None:
    done = mlnews(plugin_path, "plugins", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for kind in ("format", "source", "ranker", "summariser", "translator", "publisher"):
        assert any(line.startswith(f"{kind}  (mlnews.") for line in lines), kind
    assert any("extractive" in line and "mlnews 0.1.0 (built in)" in line for line in lines)
    echo = next(line for line in lines if line.startswith("  echo "))
    assert "mlnews-echo 1.0" in echo and "Says the title back." in echo
    assert any("[summariser.echo] shout = false: Headlines in capitals." in line for line in lines)
    assert any('[publisher.site] folder = "site"' in line for line in lines)
    assert any("categories (optional)" in line for line in lines)  # a source type's own keys


def test_a_broken_plugin_is_one_warning_line_and_the_built_ins_still_work(
    plugin_path: Path, tmp_path: Path
) -> None:
    done = mlnews(plugin_path, "plugins", "--json", cwd=tmp_path)
    assert done.returncode == 0
    # one line each, in the order the plugins are first asked for: the missing module, a
    # built-in's name, a publisher that is no class
    warnings = sorted(done.stderr.strip().splitlines())
    assert len(warnings) == 3, warnings
    assert warnings[0].startswith("warning: format plugin 'broken' (plugin mlnews_missing_module:Nothing")
    assert "ModuleNotFoundError" in warnings[0] and "mlnews-echo" in warnings[0]
    assert warnings[1].startswith("warning: format plugin 'feed' (mlnews_echo:EchoSummariser from mlnews-e")
    assert "the name is taken by mlnews 0.1.0 (built in); skipped" in warnings[1]
    assert warnings[2].startswith("warning: publisher plugin 'odd'")
    assert "not a publisher class" in warnings[2]
    listed = {(p["kind"], p["name"]): p for p in json.loads(done.stdout)}
    assert listed[("format", "broken")]["error"].startswith("failed to load")
    assert listed[("format", "bibtex")]["error"] is None
    assert listed[("format", "feed")]["target"] == "mlnews.formats.feed:Feed"
    # Importing still works: the broken format is skipped, the built-in ones sniff the file.
    assert mlnews(plugin_path, "init", "ws", cwd=tmp_path).returncode == 0
    imported = mlnews(plugin_path, "-w", "ws", "import", str(DEMO / "reading.bib"), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "bibtex" in imported.stdout


def test_a_plugin_backend_takes_its_own_settings_table(plugin_path: Path, tmp_path: Path) -> None:
    assert mlnews(plugin_path, "init", "ws", cwd=tmp_path).returncode == 0
    config = tmp_path / "ws" / "mlnews.toml"
    text = config.read_text()
    # `mlnews init` wrote the plugin's table with its comments, as it does the built-ins'.
    assert "[summariser.echo]\n# Headlines in capitals.\nshout = false\n" in text
    text = text.replace('summariser = "extractive"', 'summariser = "echo"')
    config.write_text(text.replace("shout = false", "shout = true"))
    ws = ["-w", "ws"]
    assert mlnews(plugin_path, *ws, "import", str(DEMO / "papers.atom"), cwd=tmp_path).returncode == 0
    shortlisted = mlnews(plugin_path, *ws, "shortlist", "2011.15126", "--week", "2020-W49", cwd=tmp_path)
    assert shortlisted.returncode == 0, shortlisted.stderr
    composed = mlnews(plugin_path, *ws, "compose", "2020-W49", cwd=tmp_path)
    assert composed.returncode == 0, composed.stderr
    issue = (tmp_path / "ws" / "issues" / "2020-W49.md").read_text()
    assert "### Echo: ONE-SHOT FREE-VIEW NEURAL TALKING-HEAD SYNTHESIS" in issue


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[summariser.echo]\nshout = 'yes'\n", "summariser.echo.shout: expected true or false, got 'yes'"),
        ("[summariser.echo]\nloud = true\n", "unknown key 'summariser.echo.loud'; known keys: shout, prefix"),
        ("[summariser.gpt9]\nmodel = 'x'\n", "[summariser.gpt9]: no such summariser; installed: echo, extr"),
        ("[publisher.site]\nfolder = 3\n", "publisher.site.folder: expected a string, got 3 (int)"),
        ("[ranker.svm9]\n", "[ranker.svm9]: no such ranker; installed: arxiv-sanity, popularity, taste"),
        ("[ranker.taste]\npopularity = 'some'\n", "ranker.taste.popularity: expected a number, got 'some'"),
        ("[translator]\nopenai = 3\n", "'translator': expected one [translator.NAME] table per translator"),
    ],
)
def test_a_bad_backend_table_is_a_one_line_error_naming_it(
    plugin_path: Path, tmp_path: Path, table: str, message: str
) -> None:
    assert mlnews(plugin_path, "init", "ws", cwd=tmp_path).returncode == 0
    config = tmp_path / "ws" / "mlnews.toml"
    config.write_text(table)  # the rest of the settings take their defaults
    done = mlnews(plugin_path, "-w", "ws", "list", cwd=tmp_path)
    assert done.returncode == 1
    error = [line for line in done.stderr.splitlines() if not line.startswith("warning:")]
    assert len(error) == 1 and message in error[0] and str(config) in error[0], done.stderr


def test_the_chosen_summariser_must_be_installed(plugin_path: Path, tmp_path: Path) -> None:
    assert mlnews(plugin_path, "init", "ws", cwd=tmp_path).returncode == 0
    config = tmp_path / "ws" / "mlnews.toml"
    config.write_text(config.read_text().replace('summariser = "extractive"', 'summariser = "gpt-9"'))
    done = mlnews(plugin_path, "-w", "ws", "list", cwd=tmp_path)
    assert done.returncode == 1
    expected = "expected 'echo' or 'extractive' or 'local' or 'openai', got 'gpt-9'"
    assert f"newsletter.summariser: {expected}" in done.stderr
