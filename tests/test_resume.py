"""A big import goes on where an interrupted one stopped (issue 26): all of arXiv is millions of
records, and a kill, a Ctrl-C or a full disk must not throw away what was already written.

Real data: a month of arXiv listings (10.9 MB of JSON lines, gzip), committed every 2 MB
(`MLNEWS_CHECKPOINT_BYTES`), killed once the first checkpoint is in the library (polled, never
a guessed sleep), then imported again to the end: the library is the one a single clean
import makes."""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlnews.collect import ingest, resume
from mlnews.library import Library

MLNEWS = [sys.executable, "-m", "mlnews"]
STARTED = 120.0  # a bound on a broken run, not a guess at a duration
SMALL = {"MLNEWS_CHECKPOINT_BYTES": str(2_000_000)}


@pytest.fixture(scope="module")
def month(shared_data: Path) -> Path:
    return shared_data / "arxiv" / "daily_2025" / "2025-05.jsonl.gz"


@pytest.fixture(scope="module")
def clean(month: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, set[str]]:
    """What one uninterrupted import of the month makes: its items and their keys."""
    workspace = tmp_path_factory.mktemp("clean") / "ws"
    _mlnews("init", str(workspace))
    _mlnews("-w", str(workspace), "import", str(month))
    return _keys(workspace)


def _mlnews(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*MLNEWS, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def _keys(workspace: Path) -> tuple[int, set[str]]:
    with Library.open(workspace / "library.db") as library:
        keys = {row[0] for row in library.db.execute("SELECT key FROM items")}
        return library.count(), keys


def _standing(library_path: Path) -> int | None:
    """The line the import has committed up to, if a checkpoint is in (None while none is)."""
    try:
        with sqlite3.connect(f"{library_path.as_uri()}?mode=ro", uri=True, timeout=0.1) as db:
            row = db.execute("SELECT line FROM imports").fetchone()
    except sqlite3.OperationalError:  # no table yet, or the import holds the file's lock
        return None
    return None if row is None else int(row[0])


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_an_import_killed_after_a_checkpoint_goes_on_where_it_stopped(
    month: Path, clean: tuple[int, set[str]], tmp_path: Path, how: signal.Signals
) -> None:
    workspace = tmp_path / "ws"
    _mlnews("init", str(workspace))
    library_path = workspace / "library.db"
    process = subprocess.Popen(
        [*MLNEWS, "-w", str(workspace), "import", str(month)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **SMALL},
    )
    deadline = time.monotonic() + STARTED
    while (line := _standing(library_path)) is None:
        assert process.poll() is None, f"the import ended before its first checkpoint: {process.stderr}"
        assert time.monotonic() < deadline, "no checkpoint came"
        time.sleep(0.05)
    process.send_signal(how)
    _, err = process.communicate(timeout=STARTED)
    if how == signal.SIGTERM:  # as Ctrl-C: it says where the file stands, and how to go on
        assert process.returncode == 130, err
        assert "is in the library up to line" in err and "run the same command again" in err, err
        assert "Traceback" not in err
    count, _ = _keys(workspace)
    assert 0 < count < clean[0]  # the checkpoints stayed, the rest was rolled back

    again = _mlnews("-w", str(workspace), "import", str(month), env=SMALL)
    assert "went on from line" in again.stderr
    assert _keys(workspace) == clean
    total = int(again.stdout.split("arxiv-snapshot")[1].split()[1])  # the table's "added"
    assert total == clean[0]  # the report counts the whole file, the part before included
    with Library.open(library_path) as library:
        assert library.db.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
        assert library.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # dropped for the import's speed, made again although the first run never ended
        for index in ("items_title_norm", "items_published"):
            assert library.db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    assert line > 1


def test_a_file_changed_since_its_interrupted_import_is_read_from_the_start(
    month: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process: an interrupt after the first checkpoint; then the file grows by one record.
    What the first run kept is found unchanged (a lookup each), the new record is added."""
    monkeypatch.setattr(resume, "CHECKPOINT_BYTES", 2_000_000)
    snapshot = tmp_path / "month.jsonl"
    snapshot.write_bytes(gzip.decompress(month.read_bytes()))
    with Library.open(tmp_path / "library.db") as library:

        def interrupt(path: str, done: int, total: int | None) -> None:
            if library.imports.get(str(snapshot.resolve())) is not None:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            ingest.import_files(library, [snapshot], progress=interrupt)
        kept = library.count()
        assert kept > 0

        with snapshot.open("a") as out:
            out.write(
                '{"id": "2505.99999", "title": "A record added since", "authors": "A. Author",'
                ' "abstract": "Words.", "categories": "cs.LG", "versions": []}\n'
            )
        report = ingest.import_files(library, [snapshot])[0]
        assert report.ok, report.error
        assert any("changed since an interrupted import" in w for w in report.warnings)
        assert report.unchanged >= kept
        assert report.added == library.count() - kept
        assert library.search("record added since")
