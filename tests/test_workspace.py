"""Workspaces are created complete and found like git finds a repository."""

from pathlib import Path

import pytest

from mlnews import workspace
from mlnews.errors import WorkspaceNotFound


def test_init_creates_every_part(tmp_path: Path) -> None:
    made, created = workspace.init(tmp_path / "digest")
    assert created
    for part in ("mlnews.toml", "library.db", "issues", "media"):
        assert (made.root / part).exists(), part


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    made, _ = workspace.init(tmp_path)
    made.config_path.write_text(made.config_path.read_text().replace('"ML News"', '"My digest"'))
    again, created = workspace.init(tmp_path)
    assert not created
    assert again.config.name == "My digest"


def test_found_from_a_subfolder(tmp_path: Path) -> None:
    made, _ = workspace.init(tmp_path)
    deep = tmp_path / "issues" / "a" / "b"
    deep.mkdir(parents=True)
    assert workspace.find(start=deep).root == made.root


def test_explicit_and_environment_take_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, _ = workspace.init(tmp_path / "one")
    two, _ = workspace.init(tmp_path / "two")
    monkeypatch.setenv("MLNEWS_WORKSPACE", str(two.root))
    assert workspace.find(start=one.root).root == two.root
    assert workspace.find(one.root, start=tmp_path).root == one.root


def test_outside_a_workspace_says_to_run_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLNEWS_WORKSPACE", raising=False)
    with pytest.raises(WorkspaceNotFound, match="run `mlnews init`"):
        workspace.find(start=tmp_path)
    with pytest.raises(WorkspaceNotFound, match="mlnews init"):
        workspace.find(tmp_path / "nowhere")
