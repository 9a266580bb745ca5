"""`mlnews publish`: every configured publisher, each with its own settings, safe to re-run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

DEMO = Path(__file__).resolve().parent.parent / "src" / "mlnews" / "demo"


@pytest.fixture
def ws(run: Any, tmp_path: Path) -> Path:
    """A workspace with one composed week (two papers), published in three languages."""
    assert run("init", "ws", "--languages", "en,zh,ja").code == 0
    assert run("-w", "ws", "import", str(DEMO / "papers.atom")).code == 0
    assert run("-w", "ws", "shortlist", "2011.15126", "2011.12289", "--week", "2020-W49").code == 0
    assert run("-w", "ws", "compose", "2020-W49").code == 0
    return tmp_path / "ws"


def test_publish_runs_the_configured_publishers_and_a_rerun_writes_nothing(run: Any, ws: Path) -> None:
    result = run("-w", "ws", "publish")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["markdown", "site", "thread"]
    assert lines[0] == f"markdown: {ws / 'markdown'}: 3 files written, 0 unchanged"
    assert {p.name for p in (ws / "markdown").iterdir()} == {
        f"2020-W49.{lang}.md" for lang in ("en", "zh", "ja")
    }
    assert (ws / "site" / "zh" / "2020-W49" / "index.html").is_file()
    thread = (ws / "mail" / "2020-W49.ja.thread.txt").read_text(encoding="utf-8")
    assert "https://example.org/ja/2020-W49/" in thread
    again = run("-w", "ws", "publish")
    assert again.code == 0
    assert all(" 0 files written" in line for line in again.out.splitlines()), again.out


def test_an_edited_issue_is_published_again_and_only_it(run: Any, ws: Path) -> None:
    assert run("-w", "ws", "publish", "--to", "markdown").code == 0
    issue = ws / "issues" / "2020-W49.md"
    text = issue.read_text(encoding="utf-8")
    first = text.index("### ") + 4
    issue.write_text(text[:first] + "Edited: " + text[first:], encoding="utf-8")
    result = run("-w", "ws", "publish", "2020-W49", "--to", "markdown")
    assert result.out.strip() == f"markdown: {ws / 'markdown'}: 3 files written, 0 unchanged"
    assert "Edited: " in (ws / "markdown" / "2020-W49.zh.md").read_text(encoding="utf-8")


def test_each_publisher_takes_its_own_settings_table(run: Any, ws: Path) -> None:
    config = ws / "mlnews.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('folder = "markdown"', 'folder = "out/md"')
    config.write_text(text.replace('links = "files"', 'links = "site"'), encoding="utf-8")
    assert run("-w", "ws", "publish", "--to", "markdown").code == 0
    rendered = (ws / "out" / "md" / "2020-W49.en.md").read_text(encoding="utf-8")
    assert "https://example.org/2020-W49/#" in rendered  # picks link to the site, as `links = "site"` says
    assert not (ws / "markdown").exists()


def test_e_mails_are_rewritten_only_when_the_issue_changed(run: Any, ws: Path) -> None:
    config = ws / "mlnews.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'from_address = ""', 'from_address = "News <n@example.org>"'
        ),
        encoding="utf-8",
    )
    assert run("-w", "ws", "publish", "--to", "email").code == 0
    eml = ws / "mail" / "2020-W49.zh.eml"
    before = eml.read_bytes()
    again = run("-w", "ws", "publish", "--to", "email")
    assert again.out.strip().endswith("0 files written, 3 unchanged")
    assert eml.read_bytes() == before  # same Date and Message-ID: the copy already written stands
    issue = ws / "issues" / "2020-W49.md"
    issue.write_text(issue.read_text(encoding="utf-8").replace("### ", "### Now: ", 1), encoding="utf-8")
    changed = run("-w", "ws", "publish", "--to", "email")
    assert changed.out.strip().endswith("3 files written, 0 unchanged")
    assert b"Now: " in eml.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--to", "nope"), "publisher 'nope': unknown; available: email, markdown, site, thread"),
        (("2020-W50",), "2020-W50.md: no such issue; run `mlnews compose 2020-W50` first"),
        (("--to", "email"), "from_address"),
        (("--to", "markdown", "--to", "email"), "[email] from_address is not set"),
    ],
)
def test_bad_publish_arguments_are_one_line_errors(
    run: Any, ws: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("-w", "ws", "publish", *args)
    assert result.code != 0
    assert message in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert not (ws / "markdown").exists()  # nothing written before the error
