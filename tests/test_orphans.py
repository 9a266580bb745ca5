"""No process outlives the command that started it (issue 25): real commands on real data, killed
with `kill -9` and with a plain `kill` (SIGTERM) while their helpers run, leave nothing behind.

Each command runs in a session of its own, as from a terminal. Every process below it or in its
session is recorded (by pid and start time: a pid is reused) from the moment its helpers appear,
then the command is killed, and each recorded process must be gone within a deadline: polled,
never a guessed sleep. bench/orphans.py runs the same kills many times, at random moments."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlnews.library import Library

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process tree from /proc (Linux only)"
)

STARTED = 60.0  # a bound on a broken run (helpers that never come), not a guess at a duration
GONE = 5.0  # a parent-death signal takes milliseconds; the app's job rolls back first
MLNEWS = [sys.executable, "-m", "mlnews"]
# In the command lines of a spawned worker and of the resource tracker (`python -c from ...`)
SPAWNED, TRACKER = "multiprocessing.spawn", "multiprocessing.resource_tracker"


def _bench() -> Any:
    """bench/orphans.py, imported: the test records a process tree as the benchmark does."""
    spec = importlib.util.spec_from_file_location(
        "orphans_bench", Path(__file__).parents[1] / "bench" / "orphans.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


orphans = _bench()


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new workspace (`mlnews init`), made once: each test takes a copy."""
    root = tmp_path_factory.mktemp("orphans") / "ws"
    subprocess.run([*MLNEWS, "init", str(root)], check=True, capture_output=True)
    return root


def _copy(blank: Path, root: Path) -> Path:
    shutil.copytree(blank, root)
    return root


def _start(command: list[str], stdout: int = subprocess.DEVNULL) -> subprocess.Popen[str]:
    """As from a terminal: a session of its own (the command's session is recorded too)."""
    return subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _helpers(process: subprocess.Popen[str], tree: Any, ready: Callable[[list[str]], bool]) -> None:
    """Record the command's processes until `ready(their command lines)` (polled, with a deadline)."""
    deadline = time.monotonic() + STARTED
    while time.monotonic() < deadline and process.poll() is None:
        tree.look()
        if ready(list(tree.seen.values())):
            return
        time.sleep(0.02)
    process.kill()
    pytest.fail(f"the command's helpers never came (exit {process.wait()}): {tree.seen}")


def _killed(process: subprocess.Popen[str], tree: Any, how: signal.Signals) -> str:
    """Send `how`; return what the command said on stderr, once every recorded process is gone."""
    tree.look()
    process.send_signal(how)
    try:
        _, err = process.communicate(timeout=STARTED)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"the command did not end after {how.name}")
    left = tree.survivors(GONE)
    orphans.kill_all(left)  # leave nothing running for the next test
    assert not left, f"outlived the command ({how.name}): {left}"
    return err


def _said_interrupted(process: subprocess.Popen[str], err: str, line: str) -> None:
    """A plain `kill` ends a command as Ctrl-C does: exit 130, its one line, no traceback."""
    assert process.returncode == 130, err
    assert line in err
    assert "Traceback" not in err


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_an_import_killed_leaves_no_worker_nor_tracker(
    shared_data: Path, blank: Path, tmp_path: Path, how: signal.Signals
) -> None:
    """A real month of arXiv listings (10.9 MB: over `parallel.MIN_BYTES`) is parsed by spawned
    workers, beside multiprocessing's resource tracker (a process no pool initializer runs in)."""
    workspace = _copy(blank, tmp_path / "ws")
    month = shared_data / "arxiv" / "daily_2025" / "2025-05.jsonl.gz"
    process = _start([*MLNEWS, "-w", str(workspace), "import", str(month)])
    tree = orphans.Tree(process.pid)
    _helpers(
        process,
        tree,
        lambda lines: any(SPAWNED in line for line in lines) and any(TRACKER in line for line in lines),
    )
    err = _killed(process, tree, how)
    if how == signal.SIGTERM:
        _said_interrupted(process, err, "Interrupted: the file being imported was rolled back.")
        with Library.open(workspace / "library.db") as library:
            assert library.count() == 0


def test_the_ranking_features_pool_dies_with_its_command(
    shared_data: Path, blank: Path, tmp_path: Path
) -> None:
    """Features missing or stale (items merged, a library from an older mlnews) are hashed by a pool
    of spawned workers past `features._PARALLEL_FROM` items (20,000: several months) before a command
    ranks; lowered here to a small real month whose features are gone."""
    workspace = _copy(blank, tmp_path / "ws")
    month = shared_data / "arxiv" / "daily_2025" / "2025-03.jsonl.gz"
    subprocess.run([*MLNEWS, "-w", str(workspace), "import", str(month)], check=True, capture_output=True)
    with Library.open(workspace / "library.db") as library:
        library.db.execute("DELETE FROM features")
        key = library.db.execute("SELECT key FROM items LIMIT 1").fetchone()[0]
    run = (
        "import sys; from mlnews.rank import features; features._PARALLEL_FROM = 1;"
        "from mlnews.cli import main; sys.argv[0] = 'mlnews'; main()"
    )
    process = _start([sys.executable, "-c", run, "-w", str(workspace), "similar", key])
    tree = orphans.Tree(process.pid)
    _helpers(process, tree, lambda lines: any(SPAWNED in line for line in lines))
    _killed(process, tree, signal.SIGKILL)


ISSUE = """+++
week = "{week}"
lang = "en"
+++

## papers

### The model retrieves segmentation masks for the objects a caption mentions
key: arxiv:2011.03775
kind: paper
title: Text-to-Image Generation Grounded by Fine-Grained User Attention
link: https://arxiv.org/abs/2011.03775
authors: Jing Yu Koh, Jason Baldridge, Honglak Lee, Yinfei Yang
post: The model retrieves segmentation masks for the objects a caption mentions.

Generates an image from a text description together with mouse traces indicating where each phrase belongs.
"""


def _site(blank: Path, root: Path, issues: int) -> Path:
    """A workspace of `issues` weekly issues (over `site.PARALLEL_FROM` pages a language: rendered
    by forked workers); an issue source carries all its page shows."""
    workspace = _copy(blank, root)
    (workspace / "issues").mkdir(exist_ok=True)
    for n in range(issues):
        week = f"{2019 - n // 50}-W{n % 50 + 1:02d}"
        (workspace / "issues" / f"{week}.md").write_text(ISSUE.format(week=week))
    return workspace


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_site_build_killed_leaves_no_worker(blank: Path, tmp_path: Path, how: signal.Signals) -> None:
    workspace = _site(blank, tmp_path / "ws", 80)
    process = _start([*MLNEWS, "-w", str(workspace), "build"])
    tree = orphans.Tree(process.pid)
    _helpers(process, tree, lambda lines: len(lines) > 0)  # forked: a worker's command line is the build's
    err = _killed(process, tree, how)
    if how == signal.SIGTERM:
        assert process.returncode == 130, err
        assert "Traceback" not in err


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_apps_job_ends_when_the_app_is_killed(blank: Path, tmp_path: Path, how: signal.Signals) -> None:
    """The app runs a job (`mlnews collect`) as a child in a session of its own. A job that says
    nothing for a while (here, waiting on a server that never answers) used to run on when the
    app was killed; it ends at once, as on a plain `kill`."""
    workspace = _copy(blank, tmp_path / "ws")
    silent = socket.create_server(("127.0.0.1", 0))  # listens and never answers
    settings = (workspace / "mlnews.toml").read_text()
    settings = settings.replace("allow_private_addresses = false", "allow_private_addresses = true")
    source = (
        f'\n[sources.silent]\ntype = "feed"\nurl = "http://127.0.0.1:{silent.getsockname()[1]}/feed.xml"\n'
    )
    (workspace / "mlnews.toml").write_text(settings + source)
    with silent:
        app = _start([sys.executable, "-c", orphans.APP, str(workspace), "collect"], subprocess.PIPE)
        tree = orphans.Tree(app.pid)
        assert app.stdout is not None
        job = int(app.stdout.readline())
        silent.settimeout(STARTED)
        asked, _ = silent.accept()  # the job is waiting for an answer
        with asked:
            _helpers(app, tree, lambda lines: len(lines) > 0)  # the job, waiting
            assert any(pid == job for pid, _ in tree.seen)
            _killed(app, tree, how)


def test_a_job_whose_app_is_already_gone_does_not_start(blank: Path, tmp_path: Path) -> None:
    """The app died between starting the job and the job watching its pipe: the job sees the
    pipe already closed, and ends before doing anything."""
    workspace = _site(blank, tmp_path / "ws", 1)
    env = {**os.environ, "MLNEWS_JOB_OF": str(os.getpid())}
    ended = subprocess.run(  # input: the pipe is closed at once, as by the app's death
        [*MLNEWS, "-w", str(workspace), "build"], input=b"", env=env, capture_output=True, timeout=STARTED
    )
    assert ended.returncode == 130, ended.stderr
    assert not (workspace / "site").exists()
