"""SIGKILL loops: `import`, `compose`, `build` and the app killed at random moments while they
write, then checked: the library passes SQLite's integrity check, nothing is lost once the
command runs again (it is safe to re-run), every issue file and page is whole (the old version
or the new, never a part), and no process the killed one started is left running.

Bounded: MLNEWS_ADVERSARIAL_KILLS kills per command (default 10), at moments drawn from a
seeded generator (MLNEWS_ADVERSARIAL_SEED; the seed is printed, so a failure can be replayed),
and no new kill once a loop has spent MLNEWS_ADVERSARIAL_BUDGET seconds (default 75) if it has
killed three times already: on a loaded machine the table shows fewer kills, not a longer run.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from mlnews.document.source import read
from mlnews.library import Library

from .conftest import Tally
from .harness import App, children, count, integrity, mlnews, ok, orphans, started

pytestmark = pytest.mark.adversarial

DEMO = Path(__file__).resolve().parents[2] / "src" / "mlnews" / "demo"
KILLS = int(os.environ.get("MLNEWS_ADVERSARIAL_KILLS", "10"))
BUDGET = float(os.environ.get("MLNEWS_ADVERSARIAL_BUDGET", "75"))
ENOUGH = min(3, KILLS)  # kills a loop makes whatever its budget
WEEK = "2020-W49"
MONTH = "arxiv/daily_2025/2025-03.jsonl.gz"


@pytest.fixture
def rng() -> random.Random:
    seed = int(os.environ.get("MLNEWS_ADVERSARIAL_SEED", str(random.randrange(1 << 30))))
    print(f"MLNEWS_ADVERSARIAL_SEED={seed}")
    return random.Random(seed)


@dataclass
class Kills:
    """What the kills of one command did."""

    kills: int = 0
    started: float = field(default_factory=time.monotonic)
    corruptions: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    lost: int = 0

    def record(self, tally: Tally, command: str) -> None:
        tally(
            "kills",
            command,
            kills=self.kills,
            corruptions=len(self.corruptions),
            lost=self.lost,
            orphans=len(self.orphans),
            **{"partial files": len(self.partial)},
        )

    def rounds(self) -> Iterator[int]:
        """Up to KILLS rounds; fewer once BUDGET seconds are spent and ENOUGH kills made."""
        for n in range(KILLS):
            if self.kills >= ENOUGH and time.monotonic() - self.started > BUDGET:
                return
            yield n

    def problems(self) -> list[str]:
        return [
            *(f"corrupt library: {c}" for c in self.corruptions),
            *(f"partial file: {p}" for p in self.partial),
            *([f"{len(self.orphans)} orphan processes: {self.orphans}"] if self.orphans else []),
            *([f"{self.lost} items lost"] if self.lost else []),
        ]


def kill_at(process: subprocess.Popen[str], moment: float, seen: Kills) -> bool:
    """SIGKILL `process` `moment` seconds from now (unless it ended before); the descendants it
    had then must end too. True when it was killed."""
    deadline = time.monotonic() + moment
    descendants: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        descendants |= children(process.pid)
        time.sleep(0.02)
    if process.poll() is not None:
        return False
    descendants |= children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    seen.kills += 1
    seen.orphans += sorted(orphans(descendants))
    return True


def check_library(library: Path, seen: Kills, when: str) -> None:
    if library.exists():
        verdict = integrity(library)
        if verdict != "ok":
            seen.corruptions.append(f"{when}: {verdict}")


def timed(*args: str) -> float:
    start = time.monotonic()
    ok(mlnews(*args))
    return time.monotonic() - start


# -- import ----------------------------------------------------------------------------------------


def test_import_killed_loses_and_corrupts_nothing(
    shared_data: Path, tmp_path: Path, rng: random.Random, tally: Tally
) -> None:
    data = shared_data / MONTH
    if not data.is_file():
        pytest.skip(f"{data} not found")
    clean, ws = tmp_path / "clean", tmp_path / "ws"
    for root in (clean, ws):
        ok(mlnews("init", str(root)))
    took = timed("-w", str(clean), "import", str(data))
    expected = count(clean / "library.db")
    seen = Kills()
    try:
        for n in seen.rounds():
            process = started("-w", str(ws), "import", str(data))
            kill_at(process, rng.uniform(0.3, took), seen)
            check_library(ws / "library.db", seen, f"after kill {n + 1}")
        ok(mlnews("-w", str(ws), "import", str(data)))  # once more, to the end
        check_library(ws / "library.db", seen, "after the run to the end")
        got = count(ws / "library.db")
        seen.lost = max(0, expected - got)
        assert got == expected and count(ws / "library.db", "SELECT count(DISTINCT key) FROM items") == got
        with Library.open(ws / "library.db") as library:  # and the search index: one document an item
            assert count(ws / "library.db", "SELECT count(*) FROM search_pending") == 0
            index = library.text_index.ready()
            assert index is not None and index.searcher().num_docs == got
    finally:
        seen.record(tally, "import")
    assert seen.kills >= ENOUGH, f"only {seen.kills} runs were still going when killed"
    assert not seen.problems(), seen.problems()


# -- compose and build -----------------------------------------------------------------------------

FIRST = ["2011.15126", "2011.12289", "2011.09471", "2011.03775"]
# the demo's other papers: one more is shortlisted before each compose that is killed
MORE = [
    "2011.03530", "2012.00364", "2011.09926", "2011.08114", "2011.10881", "2011.10015", "2004.08955",
    "2003.08237", "2010.01412", "2010.00578", "2010.07468", "2001.04296", "2010.08895", "2011.13775",
    "2011.14522", "2011.15124", "2012.00328", "2012.01300", "2012.00759", "2012.02190",
]  # fmt: skip


def small_workspace(root: Path) -> None:
    ok(mlnews("init", str(root)))
    files = [str(DEMO / n) for n in ("papers.atom", "articles.rss")]
    ok(mlnews("-w", str(root), "import", *files))
    ok(mlnews("-w", str(root), "shortlist", "--week", WEEK, "--section", "papers", *FIRST))


def whole_issue(path: Path, seen: Kills, when: str) -> None:
    if not path.exists():
        return
    try:
        read(path)
    except Exception as error:
        seen.partial.append(f"{when}: {path.name}: {error}")


def test_compose_killed_leaves_the_old_issue_or_the_new(
    tmp_path: Path, rng: random.Random, tally: Tally
) -> None:
    ws = tmp_path / "ws"
    small_workspace(ws)
    issue = ws / "issues" / f"{WEEK}.md"
    took = timed("-w", str(ws), "compose", WEEK)
    seen = Kills()
    shortlisted = list(FIRST)
    try:
        for n in seen.rounds():
            # One more item each time: every compose has an entry to draft and the file to write.
            added = MORE[n % len(MORE)]
            ok(mlnews("-w", str(ws), "shortlist", "--week", WEEK, "--section", "papers", added))
            shortlisted.append(added)
            process = started("-w", str(ws), "compose", WEEK)
            if kill_at(process, rng.uniform(0.2, took * 0.7), seen):
                whole_issue(issue, seen, f"after kill {n + 1}")
                check_library(ws / "library.db", seen, f"after kill {n + 1}")
        ok(mlnews("-w", str(ws), "compose", WEEK))
        whole_issue(issue, seen, "after the run to the end")
        check_library(ws / "library.db", seen, "after the run to the end")
        keys = {entry.key for entry in read(issue).issue.entries}
        seen.lost = len({f"arxiv:{k}" for k in shortlisted} - keys)
    finally:
        seen.record(tally, "compose")
    assert seen.kills >= ENOUGH, f"only {seen.kills} runs were still going when killed"
    assert not seen.problems(), seen.problems()


def whole_site(site: Path, seen: Kills, when: str) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace").rstrip()
        if not text.endswith("</html>"):
            seen.partial.append(f"{when}: {page.relative_to(site)} ({len(text)} characters)")
    for feed in [*site.rglob("*.xml"), *site.rglob("*.json")]:
        text = feed.read_text(encoding="utf-8", errors="replace").rstrip()
        if not text.endswith(("</feed>", "</rss>", "</urlset>", "}", "]")):
            seen.partial.append(f"{when}: {feed.relative_to(site)} ({len(text)} characters)")


def test_build_killed_leaves_every_page_whole(tmp_path: Path, rng: random.Random, tally: Tally) -> None:
    ws = tmp_path / "ws"
    small_workspace(ws)
    ok(mlnews("-w", str(ws), "compose", WEEK))
    issue = ws / "issues" / f"{WEEK}.md"
    original = issue.read_text(encoding="utf-8")
    took = timed("-w", str(ws), "build")
    site = ws / "site"
    seen = Kills()
    last = -1
    try:
        for n in seen.rounds():
            # A change on every page of the issue (its headlines): the build has pages to write.
            issue.write_text(re.sub(r"^### ", f"### Edit {n}: ", original, flags=re.M), encoding="utf-8")
            last = n
            process = started("-w", str(ws), "build")
            if kill_at(process, rng.uniform(0.2, took), seen):
                whole_site(site, seen, f"after kill {n + 1}")
        ok(mlnews("-w", str(ws), "build"))
        whole_site(site, seen, "after the run to the end")
        page = (site / WEEK / "index.html").read_text(encoding="utf-8")
        seen.lost = int(f"Edit {last}: " not in page)
    finally:
        seen.record(tally, "build")
    assert seen.kills >= ENOUGH, f"only {seen.kills} runs were still going when killed"
    assert not seen.problems(), seen.problems()


# -- the app ---------------------------------------------------------------------------------------


def busy_workspace(root: Path, items: int) -> list[str]:
    """A workspace with `items` new papers in WEEK; their keys."""
    ok(mlnews("init", str(root)))
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Generated papers",
        "items": [
            {
                "id": f"https://papers.example.org/{n}",
                "url": f"https://papers.example.org/{n}",
                "title": f"Generated paper {n}: sparse attention for task {n}",
                "content_text": f"We study sparse attention on task {n} and report what we found.",
                "date_published": f"2020-12-0{1 + n % 4}T09:00:00Z",
            }
            for n in range(items)
        ],
    }
    path = root.parent / "generated.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    ok(mlnews("-w", str(root), "import", str(path)))
    return [f"url:https://papers.example.org/{n}" for n in range(items)]


def states(library: Path, keys: list[str]) -> dict[str, str]:
    import sqlite3

    with sqlite3.connect(f"file:{library}?mode=ro", uri=True, timeout=30) as db:
        found = dict(
            db.execute(f"SELECT key, state FROM items WHERE key IN ({','.join('?' * len(keys))})", keys)
        )
    db.close()
    return found


def test_the_app_killed_while_deciding_loses_no_answered_decision(
    tmp_path: Path, rng: random.Random, tally: Tally
) -> None:
    ws = tmp_path / "ws"
    pool = iter(busy_workspace(ws, 300))
    seen = Kills()
    answered: list[str] = []
    try:
        for n in seen.rounds():
            app = App(ws, WEEK)
            stop = threading.Event()

            def decide(app: App = app, stop: threading.Event = stop) -> None:
                while not stop.is_set():
                    key = next(pool, None)
                    if key is None or not app.decide(key, WEEK):
                        return
                    answered.append(key)

            writer = threading.Thread(target=decide, daemon=True)
            writer.start()
            kill_at(app.process, rng.uniform(0.3, 1.5), seen)
            stop.set()
            writer.join(timeout=30)
            check_library(ws / "library.db", seen, f"after kill {n + 1}")
        assert answered, "no decision was answered"
        found = states(ws / "library.db", answered)
        seen.lost = sum(found.get(key) != "shortlisted" for key in answered)
    finally:
        seen.record(tally, "app (deciding)")
    print(f"{len(answered)} decisions answered across {seen.kills} kills")
    assert seen.kills >= ENOUGH
    assert not seen.problems(), seen.problems()


def test_the_app_killed_while_a_job_runs_leaves_no_orphan(tmp_path: Path, tally: Tally) -> None:
    """A job (here `compose`) is a process the app started: it must not outlive the app."""
    ws = tmp_path / "ws"
    small_workspace(ws)
    app = App(ws, WEEK)
    seen = Kills()
    try:
        answer = httpx.post(
            f"{app.address}/api/jobs",
            json={"command": "compose", "period": WEEK},
            headers={"X-CSRF-Token": app.csrf},
            timeout=30,
        )
        assert answer.status_code == 202, answer.text
        deadline = time.monotonic() + 30
        while not children(app.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert children(app.process.pid), "the job's process never started"
        kill_at(app.process, 0.5, seen)
        check_library(ws / "library.db", seen, "after the kill")
    finally:
        seen.record(tally, "app (running a job)")
        if app.process.poll() is None:
            app.process.kill()
    assert not seen.problems(), seen.problems()
