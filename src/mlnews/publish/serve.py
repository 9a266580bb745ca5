"""`mlnews preview`: the built site on 127.0.0.1, rebuilt when its sources change.

Polling once a second is enough for a person saving a file, and needs nothing installed.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mlnews.errors import MlnewsError, UsageError
from mlnews.publish import site
from mlnews.workspace import Workspace

POLL_SECONDS = 1.0
HOST = "127.0.0.1"
MAX_PORT = 65535


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class Server:
    """The built site on 127.0.0.1: the port is taken at once, and served from a thread once started.

    Taking the port first reports one that cannot be had before a build is spent; serving
    only after the build lets that build fork (it does not with another thread about).
    """

    def __init__(self, out: Path, port: int):
        if not 0 <= port <= MAX_PORT:
            raise UsageError(f"--port {port}: not a port; use 1 to {MAX_PORT}, or 0 for any free one")
        handler = functools.partial(_Quiet, directory=str(out))
        try:
            self.http = ThreadingHTTPServer((HOST, port), handler)
        except OSError as error:  # in use, or below 1024 without the right to it
            raise MlnewsError(f"{HOST}:{port}: {error.strerror}; try another --port") from None
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.http.server_address[1]}/"

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        if self.thread.is_alive():
            self.http.shutdown()  # waits for a loop that runs: only once started
        self.http.server_close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def watch(workspace: Workspace, out: Path) -> Iterator[site.Built]:
    """Rebuild after every change; a broken issue is reported and the last good site stays."""
    seen = _stamps(workspace)
    while True:
        time.sleep(POLL_SECONDS)
        now = _stamps(workspace)
        if now == seen:
            continue
        seen = now
        try:
            yield site.build(Workspace(workspace.root), out)  # settings may have changed: read them again
        except MlnewsError as error:
            print(f"Error: {error}", flush=True)


def _stamps(workspace: Workspace) -> dict[str, float]:
    paths = [workspace.config_path, *workspace.issues_dir.glob("*.md")]
    theme = workspace.root / "theme"
    if theme.is_dir():
        paths += [p for p in theme.rglob("*") if p.is_file()]
    media = workspace.root / "media"
    if media.is_dir():
        paths += [p for p in media.iterdir() if p.is_file()]
    return {str(p): p.stat().st_mtime for p in paths if p.exists()}
