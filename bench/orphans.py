"""Do a command's helper processes outlive it? Real commands on real data, killed at random moments.

    python bench/orphans.py [--kills 20] [--signal KILL|TERM] [--only import,compose,build,app]

Each command runs as it would from a terminal, in a new session, in a fresh copy of a workspace:

- import:  `mlnews import` of a real month of arXiv listings (over `parallel.MIN_BYTES`: parsed
           by a pool of spawned workers, with multiprocessing's resource tracker beside them);
- compose: `mlnews compose` over a library of ~26,000 real arXiv items whose ranking features are
           all stale (over `features._PARALLEL_FROM`: hashed by a pool of spawned workers);
- build:   `mlnews build` of a site of 67 issues in 3 languages (over `site.PARALLEL_FROM` pages
           a language: rendered by a pool of forked workers);
- app:     the app (`Jobs`, as `mlnews app` runs it) running `mlnews collect` as a job (a child
           in a session of its own), which waits on a local server that never answers (a job
           that says nothing for a while: drafting with a local model, a slow source). The app
           is killed.

Every few milliseconds until the kill, every process descended from the command (or in its
session) is recorded, by pid and start time (a pid is reused; the pair is not). The command is
then sent the signal, at a moment drawn uniformly over the time its helpers ran in a whole run
(a run that ends sooner is run again), and each recorded process must be gone (or a zombie)
within DEADLINE seconds. Prints, per command, the kills, the
kills that found helpers running, and the helpers that outlived the command (which are then
killed: the benchmark leaves nothing behind). tests/test_orphans.py imports `Tree` from here.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(os.environ.get("MLNEWS_TEST_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
MONTHS = DATA / "arxiv" / "daily_2025"
DEADLINE = 5.0  # seconds for a helper to go once its command has: a parent-death signal takes ms
MLNEWS = [sys.executable, "-m", "mlnews"]


Identity = tuple[int, int]  # (pid, start time in clock ticks since boot)


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.rindex(")") + 2 :].split()


def _pids() -> Iterator[int]:
    return (int(name) for name in os.listdir("/proc") if name.isdigit())


def alive(identity: Identity) -> bool:
    """Still running: the same process (not a reused pid), and not a zombie waiting to be reaped."""
    fields = _stat(identity[0])
    return fields is not None and int(fields[19]) == identity[1] and fields[0] != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
    except OSError:
        return "?"


@dataclass
class Tree:
    """Every process seen below `root` (by parent links) or in its session, over repeated looks."""

    root: int
    seen: dict[Identity, str] = field(default_factory=dict)

    def look(self) -> int:
        """Record the descendants running now; returns how many there are now."""
        parents: dict[int, int] = {}
        now: set[Identity] = set()
        stats = {pid: fields for pid in _pids() if (fields := _stat(pid)) is not None}
        for pid, fields in stats.items():
            parents[pid] = int(fields[1])
        for pid, fields in stats.items():
            if pid == self.root or fields[0] == "Z":
                continue
            ancestor, hops = parents.get(pid, 0), 0
            while ancestor not in (0, 1, self.root) and hops < 64:
                ancestor, hops = parents.get(ancestor, 0), hops + 1
            if ancestor == self.root or int(fields[3]) == self.root:  # field 6 of stat: the session
                now.add((pid, int(fields[19])))
        for identity in now - self.seen.keys():
            self.seen[identity] = command_line(identity[0])
        return len(now)

    def survivors(self, deadline: float = DEADLINE) -> dict[Identity, str]:
        """The recorded processes still running `deadline` seconds from now (polled, not slept)."""
        end = time.monotonic() + deadline
        while (left := {i: c for i, c in self.seen.items() if alive(i)}) and time.monotonic() < end:
            time.sleep(0.02)
        return left


def kill_all(identities: object) -> None:
    """End the processes left behind (the benchmark's own: started by its commands)."""
    for pid, started in identities:  # type: ignore[attr-defined]
        if alive((pid, started)):
            os.kill(pid, signal.SIGKILL)


def _mlnews(*args: str | Path, cwd: Path | None = None) -> None:
    subprocess.run([*MLNEWS, *map(str, args)], cwd=cwd, check=True, capture_output=True)


# The app as it runs a job: a request's thread starts it (`Jobs.start`) and ends; the app waits.
APP = """
import sys, threading, time
from pathlib import Path
from mlnews.app.jobs import Jobs
from mlnews.workspace import Workspace

jobs = Jobs(Workspace(Path(sys.argv[1])))
started = threading.Thread(target=lambda: print(jobs.start(sys.argv[2]).process.pid, flush=True))
started.start()
started.join()
while jobs.running():
    time.sleep(0.05)
"""


def prepare(root: Path, stalled: int, chosen: list[str]) -> dict[str, tuple[Path, list[str]]]:
    """The template workspace of each chosen command and its command line (WS: the workspace)."""
    demo = root / "demo"
    if {"import", "build", "compose"} & set(chosen):
        _mlnews("demo", demo)
    site = root / "site"
    if "build" in chosen:
        shutil.copytree(demo, site)
        shutil.rmtree(site / "site", ignore_errors=True)
        w49 = (demo / "issues" / "2020-W49.md").read_text()
        for week in range(1, 51):  # 67 issues a language: over site.PARALLEL_FROM (60)
            text = w49.replace('week = "2020-W49"', f'week = "2019-W{week:02d}"')
            (site / "issues" / f"2019-W{week:02d}.md").write_text(text)
    big = root / "big"
    if "compose" in chosen:
        shutil.copytree(demo, big)
        _mlnews("-w", big, "import", *(MONTHS / f"2026-0{m}.jsonl.gz" for m in (3, 4, 5, 6)))
        with sqlite3.connect(big / "library.db") as db:  # every item's features stale: compose rebuilds them
            db.execute("DELETE FROM features")
    app = root / "app"  # a collect that waits on a server that never answers: a silent job
    if "app" in chosen:
        _mlnews("init", app)
        settings = (app / "mlnews.toml").read_text()  # one try of 10 s: a whole run (measured once)
        settings = settings.replace("read_timeout = 30.0", "read_timeout = 10.0")
        source = f'\n[sources.stalled]\ntype = "feed"\nurl = "http://127.0.0.1:{stalled}/feed.xml"\n'
        settings = settings.replace("allow_private_addresses = false", "allow_private_addresses = true")
        (app / "mlnews.toml").write_text(settings.replace("retries = 4", "retries = 0") + source)
    return {
        "import": (demo, [*MLNEWS, "-w", "WS", "import", str(MONTHS / "2025-05.jsonl.gz")]),
        "compose": (big, [*MLNEWS, "-w", "WS", "compose", "2020-W49", "--force"]),
        "build": (site, [*MLNEWS, "-w", "WS", "build"]),
        "app": (app, [sys.executable, "-c", APP, "WS", "collect"]),
    }


@dataclass
class Outcome:
    kills: int = 0
    with_helpers: int = 0
    orphans: int = 0
    orphaned_runs: int = 0
    slowest: float = 0.0  # seconds from the signal to the command's end, at worst
    codes: dict[int, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


def _line(workspace: Path, args: list[str]) -> list[str]:
    return [str(workspace) if arg == "WS" else arg for arg in args]


def run_once(
    workspace: Path,
    args: list[str],
    sig: signal.Signals,
    at: float,
    outcome: Outcome,
    server: socket.socket | None = None,
) -> bool:
    """One run killed `at` seconds in (with `server`: `at` seconds after the command's request
    reached it); False if it ended sooner (not a kill)."""
    while server is not None and select.select([server], [], [], 0)[0]:
        server.accept()[0].close()  # a request left from a run before
    started = time.monotonic()
    process = subprocess.Popen(
        _line(workspace, args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    tree = Tree(process.pid)
    helpers, kills = 0, outcome.kills
    asked: socket.socket | None = None
    while server is not None and asked is None and process.poll() is None:
        helpers = max(helpers, tree.look())
        if select.select([server], [], [], 0.01)[0]:
            asked, _ = server.accept()  # held open, unanswered, until the run is over
            started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < at:
        helpers = max(helpers, tree.look())
        time.sleep(0.01)
    if process.poll() is None:
        helpers = max(helpers, tree.look())
        process.send_signal(sig)
        signalled = time.monotonic()
        outcome.kills += 1
        outcome.with_helpers += helpers > 0
        try:
            _, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
            outcome.examples.append(f"hung after {sig.name}")
        code = process.returncode
        outcome.slowest = max(outcome.slowest, time.monotonic() - signalled)
        outcome.codes[code] = outcome.codes.get(code, 0) + 1
        if code not in (-9, 130):
            said = err.decode(errors="replace").strip().splitlines()
            outcome.examples.append(f"exit {code} at {at:.2f}s: {said[-1] if said else '(nothing said)'}")
    else:
        process.communicate()
    left = tree.survivors()
    if left:
        outcome.orphans += len(left)
        outcome.orphaned_runs += 1
        outcome.examples += [f"{sig.name} at {at:.2f}s: {pid} {line}" for (pid, _), line in left.items()]
        kill_all(left)
    if asked is not None:
        asked.close()
    return outcome.kills > kills


def window(workspace: Path, args: list[str]) -> tuple[float, float, float]:
    """When, in a whole run, helper processes are first and last seen, and how long it takes."""
    started = time.monotonic()
    process = subprocess.Popen(
        _line(workspace, args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    tree = Tree(process.pid)
    seen: list[float] = []
    while process.poll() is None:
        if tree.look():
            seen.append(time.monotonic() - started)
        time.sleep(0.01)
    length = time.monotonic() - started
    return (seen[0], seen[-1], length) if seen else (0.0, length, length)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--signal", choices=["KILL", "TERM"], action="append")
    parser.add_argument("--only", default="import,compose,build,app")
    parser.add_argument("--seed", type=int, default=25)
    options = parser.parse_args()
    if not sys.platform.startswith("linux"):
        sys.exit("reads /proc: Linux only")
    chosen = options.only.split(",")
    signals = [signal.Signals[f"SIG{name}"] for name in options.signal or ["KILL", "TERM"]]
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="mlnews-orphans-") as tmp:
        root = Path(tmp)
        server = socket.create_server(("127.0.0.1", 0))  # listens, never answers: collect waits
        templates = prepare(root, server.getsockname()[1], chosen)
        for name in chosen:
            template, args = templates[name]

            def fresh(template: Path = template, run: Path = root / "run") -> Path:
                shutil.rmtree(run, ignore_errors=True)
                shutil.copytree(template, run)
                return run

            # A whole run first: when its helpers come and go. The kills fall in that window.
            first, last, length = window(fresh(), args)
            if first == 0.0 and last == length:
                print(f"{name}: no helper process in a whole run: the kills below test nothing", flush=True)
            # The app's job waits for the read timeout (10 s): the kill comes while it waits.
            waiting = server if name == "app" else None
            if waiting is not None:
                first, last = 0.0, 2.0
            for sig in signals:
                outcome = Outcome()
                runs = 0
                while outcome.kills < options.kills and runs < 3 * options.kills:  # some end sooner
                    run_once(fresh(), args, sig, rng.uniform(first, last), outcome, waiting)
                    runs += 1
                codes = ", ".join(f"{code}: {n}" for code, n in sorted(outcome.codes.items()))
                print(
                    f"{name:8} {sig.name:8} run {length:5.1f}s, helpers {first:.1f}-{last:.1f}s"
                    f"  kills {outcome.kills:3}"
                    f"  with helpers running {outcome.with_helpers:3}  runs leaving orphans"
                    f" {outcome.orphaned_runs:3}  orphans {outcome.orphans:3}  exit codes {{{codes}}}"
                    f"  slowest exit {outcome.slowest:.1f}s",
                    flush=True,
                )
                for example in outcome.examples[:6]:
                    print(f"    {example}", flush=True)


if __name__ == "__main__":
    main()
