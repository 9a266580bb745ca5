"""Long work started from the app: collect, compose, check, build, publish.

Each job is the very command a curator would type (`mlnews compose 2020-W49`), run as a
child process: it behaves as it does in a terminal, a failure cannot take the app down,
and a cancel is the Ctrl-C every command is safe to get. The command tells its progress
on stderr (`MLNEWS_PROGRESS=lines`), which the page polls with its last lines of output.
One job runs at a time: compose, build and publish read and write the same files.

    POST /api/jobs                 {"command": "compose", "period": "2020-W49", "force": false}
    GET  /api/jobs/latest          the job running or last run (a reloaded page finds it)
    GET  /api/jobs/7               one job: state, step, output
    POST /api/jobs/7/cancel
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException

from mlnews import progress, workers
from mlnews.errors import MlnewsError
from mlnews.weeks import parse_period
from mlnews.workspace import Workspace

KEPT_LINES = 400  # of a job's output; a long collect says more than a page needs
NEEDS_PERIOD = ("compose", "check", "publish")
COMMANDS = ("collect", "compose", "check", "build", "publish")


@dataclass
class Job:
    id: int
    command: str
    period: str | None
    argv: list[str]
    state: str = "running"  # then done, failed or cancelled
    step: tuple[str, int, int | None] | None = None
    output: list[str] = field(default_factory=list)
    code: int | None = None
    started: float = field(default_factory=time.time)
    ended: float | None = None
    process: subprocess.Popen[str] | None = None

    def as_json(self) -> dict[str, Any]:
        what, done, total = self.step or ("", 0, None)
        return {
            "id": self.id,
            "command": self.command,
            "period": self.period,
            "line": "mlnews " + " ".join(self.argv),
            "state": self.state,
            "step": {"what": what, "done": done, "total": total} if self.step else None,
            "output": self.output[-40:],
            "code": self.code,
            "seconds": round((self.ended or time.time()) - self.started, 1),
        }


class Jobs:
    def __init__(self, workspace: Workspace, finished: Callable[[Job], None] = lambda job: None):
        self.workspace = workspace
        self.finished = finished
        self.lock = threading.Lock()
        self.jobs: dict[int, Job] = {}

    def running(self) -> Job | None:
        return next((job for job in self.jobs.values() if job.state in ("running", "cancelling")), None)

    def latest(self) -> Job | None:
        return self.jobs[max(self.jobs)] if self.jobs else None

    def start(self, command: str, period: str | None = None, force: bool = False) -> Job:
        argv = arguments(command, period, force)
        with self.lock:
            busy = self.running()
            if busy is not None:
                raise HTTPException(409, f"{busy.command} is running; wait for it or cancel it")
            job = Job(len(self.jobs) + 1, command, period, argv)
            job.process = subprocess.Popen(
                [sys.executable, "-m", "mlnews", "-w", str(self.workspace.root), *argv],
                stdin=subprocess.PIPE,  # never written: its closing tells the job the app is gone
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
                env={
                    **os.environ,
                    "MLNEWS_PROGRESS": "lines",
                    "NO_COLOR": "1",
                    "COLUMNS": "160",
                    workers.PARENT_VARIABLE: str(os.getpid()),  # the job ends if the app dies
                },
                start_new_session=True,  # the app's own Ctrl-C is not the job's
            )
            self.jobs[job.id] = job
        threading.Thread(target=self._follow, args=(job,), name=f"mlnews-job-{job.id}", daemon=True).start()
        return job

    def cancel(self, job: Job) -> None:
        """Ctrl-C, as in a terminal (every command rolls back what it was in the middle of);
        killed if it has not stopped five seconds later."""
        if job.state != "running" or job.process is None:
            return
        job.state = "cancelling"
        job.process.send_signal(signal.SIGINT)
        threading.Timer(5, _kill_if_running, (job.process,)).start()

    def _follow(self, job: Job) -> None:
        assert job.process is not None and job.process.stdout is not None
        for text in job.process.stdout:
            text = text.rstrip("\n")
            step = progress.parse(text)
            if step is not None:
                job.step = step
            elif text.strip():
                job.output.append(text)
                del job.output[:-KEPT_LINES]
        job.code = job.process.wait()
        if job.process.stdin is not None:
            job.process.stdin.close()
        job.ended = time.time()
        job.state = "cancelled" if job.state == "cancelling" else ("done" if job.code == 0 else "failed")
        try:
            self.finished(job)
        except Exception as error:  # what follows a job (a re-rank) must not leave it running
            job.output.append(f"after {job.command}: {type(error).__name__}: {error}")

    def stop_all(self) -> None:
        for job in self.jobs.values():
            if job.state in ("running", "cancelling") and job.process is not None:
                job.process.kill()


def _kill_if_running(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()


def arguments(command: str, period: str | None, force: bool) -> list[str]:
    """The command line of a job; only these commands, with a period checked to be one."""
    if command not in COMMANDS:
        raise HTTPException(422, f"command {command!r}: one of {', '.join(COMMANDS)}")
    argv = [command]
    if period is not None:
        try:
            argv.append(str(parse_period(period)))
        except MlnewsError as error:
            raise HTTPException(422, str(error)) from None
    elif command in NEEDS_PERIOD:
        raise HTTPException(422, f"{command} needs a period: a week (2020-W49) or a month (2020-11)")
    if command == "build":
        argv = argv[:1]  # the site holds every issue: it is built whole
    if force and command == "compose":
        argv.append("--force")
    return argv


def find(jobs: Jobs, number: int) -> Job:
    job = jobs.jobs.get(number)
    if job is None:
        raise HTTPException(404, f"no job {number}")
    return job
