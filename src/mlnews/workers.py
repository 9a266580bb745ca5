"""Worker processes that never outlive the command that started them.

Every pool of worker processes (parsing a big import, building ranking features, rendering the
site) starts its workers with `start`: Ctrl-C is the parent's to handle (it decides, and rolls
back), and a worker dies with its parent however the parent ends — Ctrl-C, a plain `kill`
(SIGTERM, as systemd sends), `kill -9`, a crash — instead of running on, reparented to PID 1.
A command the app runs as a job ends likewise with the app (`end_with_parent`).
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

_PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal a process gets when its parent dies


def start() -> None:
    """The initializer of a worker process (`ProcessPoolExecutor(initializer=workers.start)`)."""
    import ctypes
    import multiprocessing

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    expected = parent.pid if parent is not None else os.getppid()
    # The signal comes when the *thread* that started the worker ends, not its process: a pool
    # starts its workers from the thread that submits (never from its manager thread, as no pool
    # here sets max_tasks_per_child), and is shut down by that thread before it ends.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:  # no parent-death signal: watch for the parent to go
        threading.Thread(target=_watch, args=(expected, _exit), daemon=True).start()
    if os.getppid() != expected:
        os._exit(1)  # the parent died before the signal was asked for (a spawned worker's imports)


def _exit() -> None:
    os._exit(1)


# The app runs each job (`mlnews compose WEEK`, `mlnews build`...) as a child process, in a
# session of its own so that the app's Ctrl-C is not the job's. It names itself in this variable
# and gives the job, as standard input, a pipe it never writes to: the app's end closes when the
# app ends, however it ends.
PARENT_VARIABLE = "MLNEWS_JOB_OF"
GRACE = 10  # seconds a job has to roll back once its app is gone, before it is killed


def end_with_parent() -> None:
    """In a command run as a job by the app: when the app dies, even by `kill -9`, the command
    ends as on a plain `kill` (it rolls back what it was in the middle of), and its workers with
    it, instead of running on, reparented, for no one.

    Not a parent-death signal: that comes when the app's *thread* that started the job ends (a
    request's thread, ended when idle), not the app. Not a watchdog thread either: a second
    thread would stop `build` from forking its workers. The kernel tells: the pipe on standard
    input is set to signal (SIGIO) when the app's end of it closes."""
    value = os.environ.pop(PARENT_VARIABLE, "")
    if not value.isdigit():
        return
    if os.getppid() != int(value):
        os._exit(130)  # the app died before this command began: nothing to roll back
    if not (sys.platform.startswith("linux") and stat.S_ISFIFO(os.fstat(0).st_mode)):
        # A pipe's hang-up signals only on Linux (and only a pipe): poll for the parent instead
        # (there, the thread keeps `build` from forking its workers: it renders in one process).
        threading.Thread(target=_watch, args=(int(value), _interrupt), daemon=True).start()
        return
    import fcntl

    signal.signal(signal.SIGIO, _app_gone)
    fcntl.fcntl(0, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(0, fcntl.F_SETFL, fcntl.fcntl(0, fcntl.F_GETFL) | os.O_ASYNC)
    if _hung_up():  # the app died before the signal was asked for
        os._exit(130)


def _hung_up() -> bool:
    import select

    poll = select.poll()
    poll.register(0, select.POLLIN)
    return any(events & (select.POLLHUP | select.POLLERR) for _, events in poll.poll(0))


def _app_gone(_signal: int, _frame: object) -> None:
    if _hung_up():  # not some other readiness of standard input
        signal.signal(signal.SIGIO, signal.SIG_IGN)
        _interrupt()


def _interrupt() -> None:
    # Unanswered after GRACE seconds, SIGALRM's default action ends the process (its workers
    # then end by their parent-death signal); no thread is needed to wait for it.
    signal.alarm(GRACE)
    os.kill(os.getpid(), signal.SIGTERM)  # `interrupt_on_terminate`: the main thread rolls back


def _watch(parent: int | None, then: Callable[[], None]) -> None:
    """Poll: a process learns its parent died only by being given to another one (PID 1 or a
    subreaper). Five looks a second are no work to speak of."""
    while os.getppid() == parent:
        time.sleep(0.2)
    then()


def interrupt_on_terminate() -> None:
    """In the command's own process: SIGTERM ends it as Ctrl-C does (the same rollback and the
    same message), not with no word and no cleanup."""

    def terminated(_signal: int, _frame: object) -> None:
        _TERMINATED.append(_signal)
        raise KeyboardInterrupt

    def unraisable(found: Any) -> None:
        # A kill that lands in code whose exceptions Python prints and drops (an at-fork handler
        # of `logging`, a finaliser) is not lost: `was_terminated` ends the command with 130.
        if not isinstance(found.exc_value, KeyboardInterrupt):
            default(found)

    default = sys.unraisablehook
    sys.unraisablehook = unraisable
    signal.signal(signal.SIGTERM, terminated)


_TERMINATED: list[int] = []


def was_terminated() -> bool:
    """Whether a SIGTERM came while `interrupt_on_terminate` held (caught or dropped)."""
    return bool(_TERMINATED)


def terminate_plainly() -> None:
    """Once the command's work is over (done, failed or given up): a `kill` in its last instants
    ends the process outright. Raised as KeyboardInterrupt into the interpreter's own exit, it was
    printed and ignored (the command exited 0) or escaped every handler (an exit by SIGINT), as
    `bench/orphans.py` saw a kill or two in twenty do."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
