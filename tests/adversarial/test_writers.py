"""Decisions under concurrent writers: the app (`mlnews app`, a real uvicorn server in a process
of its own) takes triage decisions over HTTP while CLI processes write to the same library
(imports, collects from a loopback feed, shortlists, rejects, tags). Afterwards every decision
the app answered is in the library, no writer failed, and the library passes its integrity check.

Bounded: MLNEWS_ADVERSARIAL_DECISIONS decisions (default 1,000) from 4 HTTP clients beside
6 CLI writers, each running its command over and over until the decisions are done; no new
decision once MLNEWS_ADVERSARIAL_BUDGET * 2 seconds (default 150) are spent (the table says how
many were taken).
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from .conftest import Tally
from .harness import App, integrity, mlnews, ok

pytestmark = pytest.mark.adversarial

DECISIONS = int(os.environ.get("MLNEWS_ADVERSARIAL_DECISIONS", "1000"))
BUDGET = 2 * float(os.environ.get("MLNEWS_ADVERSARIAL_BUDGET", "75"))
CLIENTS = 4
WEEK = "2020-W49"
DEMO = Path(__file__).resolve().parents[2] / "src" / "mlnews" / "demo"


def feed(prefix: str, numbers: range) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"Generated {prefix}",
            "items": [
                {
                    "id": f"https://{prefix}.example.org/{n}",
                    "url": f"https://{prefix}.example.org/{n}",
                    "title": f"Generated {prefix} {n}: sparse attention for task {n}",
                    "content_text": f"We study sparse attention on task {n} and report what we found.",
                    "date_published": f"2020-12-0{1 + n % 4}T09:00:00Z",
                }
                for n in numbers
            ],
        }
    )


def test_no_decision_is_lost_beside_six_cli_writers(
    tmp_path: Path, httpserver: HTTPServer, tally: Tally
) -> None:
    ws = tmp_path / "ws"
    ok(mlnews("init", str(ws)))
    config = ws / "mlnews.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "allow_private_addresses = false", "allow_private_addresses = true"
        )
        + f'\n[sources.loopback]\ntype = "feed"\nurl = "{httpserver.url_for("/feed.json")}"\n',
        encoding="utf-8",
    )
    decided = tmp_path / "decided.json"
    decided.write_text(feed("decided", range(DECISIONS)), encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(feed("other", range(200)), encoding="utf-8")
    ok(mlnews("-w", str(ws), "import", str(decided), str(other)))
    keys = [f"url:https://decided.example.org/{n}" for n in range(DECISIONS)]
    others = [f"url:https://other.example.org/{n}" for n in range(200)]

    rounds = itertools.count()
    served = threading.Lock()

    def collected(request: object) -> str:
        with served:
            n = next(rounds)
        return feed("collected", range(n * 20, n * 20 + 40))

    httpserver.expect_request("/feed.json").respond_with_handler(
        lambda request: Response(collected(request), content_type="application/json")
    )

    def imports(n: int) -> list[str]:
        path = tmp_path / f"round-{n}.json"
        path.write_text(feed(f"round{n % 50}", range(30)), encoding="utf-8")
        return ["import", str(path)]

    writers: dict[str, Callable[[int], list[str]]] = {
        "import (new feeds)": imports,
        "import (demo files)": lambda n: ["import", str(DEMO / "papers.atom"), str(DEMO / "articles.rss")],
        "collect": lambda n: ["collect", "--no-figures"],  # the decided items' figures: not on loopback
        "shortlist": lambda n: ["shortlist", "--week", "2020-W50", *others[n % 100 : n % 100 + 5]],
        "reject": lambda n: ["reject", *others[100 + n % 100 : 100 + n % 100 + 5]],
        "tag": lambda n: ["tag", others[n % 200], f"round{n}"],
    }
    done = threading.Event()
    runs: dict[str, int] = {name: 0 for name in writers}
    failures: list[str] = []

    def write(name: str, command: Callable[[int], list[str]]) -> None:
        n = 0
        while not done.is_set():
            result = mlnews("-w", str(ws), *command(n), timeout=120)
            runs[name] += 1
            if result.returncode != 0:
                failures.append(f"{name} (run {n}): exit {result.returncode}: {result.stderr.strip()}")
            n += 1

    app = App(ws, WEEK)
    answered: list[str] = []
    refused: list[str] = []
    queue = iter(keys)
    taking = threading.Lock()

    deadline = time.monotonic() + BUDGET

    def decide() -> None:
        with httpx.Client() as client:
            while True:
                with taking:
                    key = next(queue, None) if time.monotonic() < deadline else None
                if key is None:
                    return
                (answered if app.decide(key, WEEK, client) else refused).append(key)

    threads = [threading.Thread(target=write, args=item, daemon=True) for item in writers.items()]
    clients = [threading.Thread(target=decide, daemon=True) for _ in range(CLIENTS)]
    try:
        for thread in threads + clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=600)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
        app.process.terminate()
        try:
            app.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.process.kill()
    library = ws / "library.db"
    verdict = integrity(library)
    with sqlite3.connect(f"file:{library}?mode=ro", uri=True, timeout=30) as db:
        decisions = dict(db.execute("SELECT key, state || ' ' || coalesce(week, '') FROM items"))
    db.close()
    kept = sum(decisions.get(key) == f"shortlisted {WEEK}" for key in answered)
    lost = len(answered) - kept
    tally(
        "writers",
        f"app beside {len(writers)} CLI writers",
        decisions=len(answered),
        lost=lost,
        writers=len(writers),
        writes=sum(runs.values()),
        corruptions=int(verdict != "ok"),
        **{"failed writes": len(failures), "refused decisions": len(refused)},
    )
    print(f"writer runs: {runs}")
    assert verdict == "ok", verdict
    assert not refused, f"{len(refused)} decisions refused, e.g. {refused[:3]}"
    assert lost == 0, f"{lost} of {len(answered)} answered decisions are not in the library"
    assert not failures, "\n".join(failures[:10])
