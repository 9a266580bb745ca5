"""What the adversarial tests share: the payload corpus, `mlnews` as a real process, a browser
page that notices any payload that runs, the library's integrity, and a process tree's
descendants (to find orphans after a SIGKILL)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
PAYLOADS = HERE / "payloads.txt"
CANARY = "canary.invalid"  # every request a payload would make goes here (and is answered by no one)
ID = re.compile(r"P\d{3}")


@dataclass(frozen=True)
class Payload:
    id: str
    text: str


def payloads() -> list[Payload]:
    found: list[Payload] = []
    for line in PAYLOADS.read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.startswith("# "):
            continue
        wanted = f"P{len(found) + 1:03d}"
        assert wanted in line, f"payload {wanted} does not name itself: {line!r}"
        found.append(Payload(wanted, line))
    return found


# -- mlnews as a process -------------------------------------------------------------------------


def mlnews(
    *args: str, cwd: Path | None = None, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """`mlnews ARGS` as a user runs it: a process of its own, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "mlnews", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **env},
        check=False,
    )


_LOGS: dict[int, Any] = {}  # pid -> the file its error output goes to


def started(*args: str, cwd: Path | None = None) -> subprocess.Popen[str]:
    """`mlnews ARGS` started, not waited for; its error output goes to a file (`errors_of`)."""
    log = tempfile.TemporaryFile()  # noqa: SIM115  (open as long as the process runs)
    process = subprocess.Popen(
        [sys.executable, "-m", "mlnews", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    _LOGS[process.pid] = log
    return process


def errors_of(process: subprocess.Popen[str]) -> str:
    """What a process started with `started` wrote to its error output so far."""
    log = _LOGS[process.pid]
    log.seek(0)
    return bytes(log.read()).decode("utf-8", "replace")


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args[3:]}: exit {result.returncode}\n{result.stderr}"
    return result.stdout


# -- the library ---------------------------------------------------------------------------------


def integrity(library: Path) -> str:
    """SQLite's own verdict on the file: "ok", or what is wrong."""
    with sqlite3.connect(f"file:{library}?mode=ro", uri=True, timeout=30) as db:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    db.close()
    return "; ".join(str(r[0]) for r in rows)


def count(library: Path, sql: str = "SELECT count(*) FROM items") -> int:
    with sqlite3.connect(f"file:{library}?mode=ro", uri=True, timeout=30) as db:
        value = int(db.execute(sql).fetchone()[0])
    db.close()
    return value


# -- processes -----------------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    """Every live descendant of `pid` (from /proc: no third-party library)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended: only its parent's wait is missing


def orphans(pids: set[int], seconds: float = 5) -> set[int]:
    """Of `pids` (descendants of a process killed with SIGKILL), those still running after
    `seconds`: a child that outlives its parent by more than that was left behind. They are
    then killed, so that one test's orphans do not count again in the next."""
    deadline = time.monotonic() + seconds
    left = {pid for pid in pids if alive(pid)}
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = {pid for pid in left if alive(pid)}
    for pid in left:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


def free_port() -> int:
    from test_app import free_port as port

    return port()


class App:
    """`mlnews app` as a process of its own, on a free loopback port."""

    def __init__(self, ws: Path, week: str, seconds: float = 60) -> None:
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.process = started("-w", str(ws), "app", week, "--no-open", "--port", str(self.port))
        deadline = time.monotonic() + seconds
        while True:
            assert self.process.poll() is None, f"the app ended: {errors_of(self.process)}"
            try:
                page = httpx.get(f"{self.address}/weeks/{week}", timeout=5)
                if page.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the app did not answer"
            time.sleep(0.1)
        self.csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]

    def decide(self, key: str, week: str, client: httpx.Client | None = None) -> bool:
        body = {"keys": [key], "state": "shortlisted", "section": "papers", "week": week}
        try:
            answer = (client or httpx).post(
                f"{self.address}/api/decisions", json=body, headers={"X-CSRF-Token": self.csrf}, timeout=30
            )
        except httpx.HTTPError:
            return False
        return answer.status_code == 200


# -- the browser ---------------------------------------------------------------------------------


@dataclass
class Probe:
    """What ran in a browser context: marker calls, dialogs, requests to the canary."""

    hits: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    canary: list[str] = field(default_factory=list)

    def ids(self) -> set[str]:
        return {i for text in [*self.hits, *self.dialogs, *self.canary] for i in ID.findall(text)}


# A payload in live markup, whether or not a Content-Security-Policy stopped it from running:
# a script or frame holding it, an event handler, a script URL in a link, a source or a form.
LIVE_MARKUP = """() => {
  const found = [];
  const url = /^[\\s\\u0000-\\u001f]*(javascript|vbscript|data)\\s*:/i;
  for (const e of document.querySelectorAll('*')) {
    const tag = e.localName;
    const type = (e.getAttribute('type') || '').toLowerCase();
    const js = tag === 'script' && ['', 'module', 'text/javascript', 'application/javascript'].includes(type);
    if (js || ['iframe', 'object', 'embed', 'frame', 'base'].includes(tag)) found.push(e.outerHTML);
    if (tag === 'meta' && e.hasAttribute('http-equiv')) found.push(e.outerHTML);
    if (tag === 'style' && /(url|import|expression)/i.test(e.textContent)) found.push(e.outerHTML);
    for (const a of e.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) found.push(name + '=' + a.value);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'background'].includes(name)
          && (url.test(a.value) || name === 'srcdoc')) found.push(name + '=' + a.value);
      if (name === 'style' && /(url|expression|behavior)/i.test(a.value)) found.push('style=' + a.value);
    }
  }
  return found;
}"""


@contextmanager
def probed(browser: Any, **options: Any) -> Iterator[tuple[Any, Probe]]:
    """A fresh browser context and page whose payload activity is recorded."""
    context = browser.new_context(**options)
    probe = Probe()
    context.expose_binding("__xss", lambda source, marker="": probe.hits.append(str(marker)))

    def route(handled: Any) -> None:
        if CANARY in handled.request.url:
            probe.canary.append(handled.request.url)
            handled.abort()
        else:
            handled.continue_()

    context.route("**/*", route)
    page = context.new_page()

    def dialog(opened: Any) -> None:  # an alert, a confirm, a prompt: a payload ran
        probe.dialogs.append(str(opened.message))
        opened.dismiss()

    page.on("dialog", dialog)
    try:
        yield page, probe
    finally:
        context.close()


def live_ids(page: Any) -> set[str]:
    """The payloads found in live markup in every frame of the page."""
    found: set[str] = set()
    for frame in page.frames:
        try:
            for text in frame.evaluate(LIVE_MARKUP):
                found |= set(ID.findall(text))
        except Exception:  # a frame gone meanwhile, or a document that is not HTML
            continue
    return found


def present_ids(page: Any) -> set[str]:
    return set(ID.findall(page.content()))
