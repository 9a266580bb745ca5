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

from mlnews.errors import MlnewsError
from mlnews.publish import site
from mlnews.workspace import Workspace

POLL_SECONDS = 1.0


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(out: Path, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(_Quiet, directory=str(out))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise MlnewsError(f"127.0.0.1:{port}: {error.strerror}; try another --port") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


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
