"""A workspace the user may read but not write: reading commands work, writing ones say why not.

The commands run in a subprocess as a user who really cannot write the workspace: as
root (CI), that is `nobody` through setpriv, since root may write whatever the modes say.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "src" / "mlnews" / "demo"
NOBODY = "65534"  # the unprivileged user and group the kernel itself calls overflow ids


# What a workspace holds, and all a read-only one may ever hold (no -wal, no -shm, nothing new).
WORKSPACE_FILES = ["issues", "library.db", "library.search", "media", "mlnews.toml"]


@pytest.fixture
def base() -> Iterator[Path]:
    # Not tmp_path: pytest keeps that private to its owner, and here another user reads.
    made = Path(tempfile.mkdtemp(prefix="mlnews-read-only-"))
    made.chmod(0o755)
    yield made
    for folder in made.rglob("*"):
        if folder.is_dir():
            folder.chmod(0o755)
    shutil.rmtree(made)


@pytest.fixture
def workspace(run, base: Path) -> Path:  # type: ignore[no-untyped-def]
    ws = base / "ws"
    assert run("init", str(ws)).code == 0
    result = run("-w", str(ws), "import", str(DEMO / "papers.atom"), str(DEMO / "articles.rss"))
    assert result.code == 0, result.err
    (base / "out").mkdir(mode=0o777)
    (base / "out").chmod(0o777)  # where the reader may write (mkdir's mode is cut by the umask)
    (base / "home").mkdir()
    (base / "home").chmod(0o777)
    for folder in (ws, ws / "issues", ws / "media"):
        folder.chmod(0o555)
    return ws


def reader(base: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run as a user who may read the workspace and not write it."""
    command = [sys.executable, *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root and setpriv is missing: no way to be a user who cannot write")
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    env = {**os.environ, "HOME": str(base / "home"), "COLUMNS": "200", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("MLNEWS_WORKSPACE", None)
    return subprocess.run(command, cwd=base, env=env, capture_output=True, text=True, timeout=120)


def mlnews(base: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return reader(base, "-m", "mlnews", *args)


def test_the_reader_really_cannot_write_the_workspace(workspace: Path) -> None:
    probe = reader(workspace.parent, "-c", f"open({str(workspace / 'probe')!r}, 'w')")
    assert probe.returncode != 0 and "PermissionError" in probe.stderr


def test_reading_commands_work(workspace: Path) -> None:
    base = workspace.parent
    listed = mlnews(base, "-w", str(workspace), "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"key": "arxiv:2011.15126"' in listed.stdout
    found = mlnews(base, "-w", str(workspace), "search", "talking head")
    assert found.returncode == 0, found.stderr
    assert "Talking-Head" in found.stdout
    near = mlnews(base, "-w", str(workspace), "search", "NEAR(talking head, 1)")  # FTS5 checks it, in memory
    assert near.returncode == 0, near.stderr
    assert "Talking-Head" in near.stdout
    shown = mlnews(base, "-w", str(workspace), "show", "2011.15126")
    assert shown.returncode == 0, shown.stderr
    assert "One-Shot" in shown.stdout
    exported = mlnews(base, "-w", str(workspace), "export")
    assert exported.returncode == 0, exported.stderr
    written = mlnews(base, "-w", str(workspace), "export", "-o", str(base / "out" / "all.jsonl"))
    assert written.returncode == 0, written.stderr
    assert (base / "out" / "all.jsonl").read_text(encoding="utf-8") == exported.stdout
    assert sorted(p.name for p in workspace.iterdir()) == WORKSPACE_FILES


def test_writing_commands_say_the_workspace_is_read_only_and_change_nothing(workspace: Path) -> None:
    base = workspace.parent
    before = _digest(workspace / "library.db")
    for args in (
        ("tag", "2011.15126", "later"),
        ("shortlist", "2011.15126", "--week", "2020-W49"),
        ("reject", "2011.15126"),
        ("import", str(DEMO / "news.json")),
        ("compose", "2020-W49"),
    ):
        result = mlnews(base, "-w", str(workspace), *args)
        assert result.returncode == 1, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert f"{workspace}: the workspace is read-only" in lines[0], (args, lines)
    assert _digest(workspace / "library.db") == before
    assert sorted(p.name for p in workspace.iterdir()) == WORKSPACE_FILES


def test_a_library_being_written_is_read_through_its_wal(workspace: Path) -> None:
    # Another user's command has it open: its -wal and -shm files are there, and hold
    # a change not yet in the file itself, which a reader must see.
    writer = sqlite3.connect(workspace / "library.db", isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE items SET tags = '[\"in-the-wal\"]' WHERE key = 'arxiv:2011.15126'")
        # Words the search index has not taken (nobody may write it here): found all the same.
        writer.execute("UPDATE items SET abstract = 'Pangolins.' WHERE key = 'arxiv:2011.15126'")
        assert (workspace / "library.db-wal").stat().st_size > 0
        shown = mlnews(workspace.parent, "-w", str(workspace), "show", "2011.15126", "--json")
        found = mlnews(workspace.parent, "-w", str(workspace), "search", "pangolins")
    finally:
        writer.close()
    assert shown.returncode == 0, shown.stderr
    assert '"in-the-wal"' in shown.stdout
    assert found.returncode == 0, found.stderr
    assert "Talking-Head" in found.stdout


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
