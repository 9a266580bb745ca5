"""Worker processes that never outlive the command that started them.

Every pool of worker processes (parsing a big import, building ranking features, rendering the
site) starts its workers with `start`: Ctrl-C is the parent's to handle (it decides, and rolls
back), and a worker dies with its parent however the parent ends — Ctrl-C, a plain `kill`
(SIGTERM, as systemd sends), `kill -9`, a crash — instead of running on, reparented to PID 1.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal a process gets when its parent dies


def start() -> None:
    """The initializer of a worker process (`ProcessPoolExecutor(initializer=workers.start)`)."""
    import ctypes
    import multiprocessing

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    expected = parent.pid if parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:  # no parent-death signal: watch for the parent to go
        threading.Thread(target=_watch, args=(expected,), daemon=True).start()
    if os.getppid() != expected:
        os._exit(1)  # the parent died before the signal was asked for


def _watch(parent: int | None) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def interrupt_on_terminate() -> None:
    """In the command's own process: SIGTERM ends it as Ctrl-C does (the same rollback and the
    same message), not with no word and no cleanup."""

    def terminated(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
