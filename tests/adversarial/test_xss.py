"""The XSS corpus (payloads.txt) through every input route into every output, opened in chromium.

Routes: each format `mlnews import` reads, `mlnews add` of pages on a loopback server, `mlnews
collect` of a feed an imported OPML file subscribes to, and the curator's edits in the app.
Outputs: every page of the built site, its search, its feeds, the e-mail (sent to an SMTP
server on loopback), the Markdown edition rendered as HTML, and the app's pages.

A payload *executed* on a surface when its marker reached the page's `__xss` binding, a dialog,
or the canary host; it is *live markup* when it sits in a script, a frame, an event handler or
a script URL, whether or not a Content-Security-Policy stopped it. Both must be zero everywhere.
"""

from __future__ import annotations

import email
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
import pytest
import tomlkit
from aiosmtpd.controller import Controller
from markdown_it import MarkdownIt
from pytest_httpserver import HTTPServer

from mlnews.workspace import Workspace

from . import routes
from .conftest import Tally
from .harness import Payload, Probe, live_ids, mlnews, ok, payloads, present_ids, probed

pytestmark = [pytest.mark.adversarial, pytest.mark.browser]

WEEK = "2020-W49"
NETWORK = """
[network]
allow_private_addresses = true
request_interval = 0
backoff_seconds = 0.01
retries = 0
"""


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 Message accepted"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    from test_email import free_port

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def shares(corpus: list[Payload]) -> dict[str, list[Payload]]:
    """Each route's own payloads: payload n goes to route n mod the number of routes."""
    return {route: corpus[n :: len(routes.ROUTES)] for n, route in enumerate(routes.ROUTES)}


def configure(ws: Path, smtp_port: int) -> None:
    path = ws / "mlnews.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    network: Any = document["network"]
    network.update({"allow_private_addresses": True, "request_interval": 0, "backoff_seconds": 0.01})
    network["retries"] = 0
    email_table: Any = document["email"]
    email_table.update(
        {
            "from_address": "News <news@example.org>",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_security": "none",
        }
    )
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def import_routes(ws: Path, folder: Path, share: dict[str, list[Payload]], httpserver: HTTPServer) -> None:
    for route, (name, writer) in routes.FILES.items():
        (folder / name).write_bytes(writer(share[route]))
    # Each file is imported whole or not at all: one that a payload breaks fails by itself.
    mlnews("-w", str(ws), "import", *(str(folder / name) for name, _ in routes.FILES.values()))
    address = httpserver.url_for("").rstrip("/")
    for p in share["add (web page)"]:
        httpserver.expect_request(f"/add/{p.id}").respond_with_data(
            routes.page(p, address), content_type="text/html"
        )
    mlnews("-w", str(ws), "add", *(f"{address}/add/{p.id}" for p in share["add (web page)"]))
    feed = routes.rss(share["collect (OPML feed)"], route="collect")
    httpserver.expect_request("/collect.xml").respond_with_data(feed, content_type="application/rss+xml")
    (folder / "hostile.opml").write_bytes(routes.opml(address))
    ok(mlnews("-w", str(ws), "import", str(folder / "hostile.opml")))
    mlnews("-w", str(ws), "collect")


def stored(ws: Path, share: dict[str, list[Payload]]) -> dict[str, tuple[int, int]]:
    exported = ok(mlnews("-w", str(ws), "export"))
    return {route: (len(chosen), sum(p.id in exported for p in chosen)) for route, chosen in share.items()}


def edit_in_the_app(ws: Path, corpus: list[Payload]) -> tuple[int, int]:
    """The curator's route: every payload typed into a summary (six to an edit), and into a
    headline or a post (twelve to an edit) in the app. Returns (payloads injected, accepted)."""
    from test_app import csrf_of, serve

    server, address = serve(Workspace(ws))
    try:
        token = {"X-CSRF-Token": csrf_of(address)}
        shown = httpx.get(f"{address}/api/issues/{WEEK}").json()
        keys = [e["key"] for s in shown["sections"] for e in s["entries"]]
        version = shown["version"]
        assert keys, shown
        edits = [
            (field, corpus[start : start + size])
            for field, size in (("summary", 6), ("headline", 12), ("post", 12))
            for start in range(0, len(corpus), size)
        ]
        stored: set[str] = set()
        for n, (field, chunk) in enumerate(edits):
            value = ("\n\n" if field == "summary" else " ").join(p.text for p in chunk)
            change = {"key": keys[n % len(keys)], "field": field, "value": value, "version": version}
            answer = httpx.post(f"{address}/api/issues/{WEEK}/edits", json=change, headers=token)
            if answer.status_code == 200:
                version = answer.json()["version"]
                stored |= {p.id for p in chunk}
        accepted = len(stored)
        return len(corpus), accepted
    finally:
        server.should_exit = True


class Surfaces:
    """Per surface, the payload ids seen on it, run by it, and left live in its markup."""

    def __init__(self, corpus: list[Payload]) -> None:
        self.known = {p.id for p in corpus}
        self.present: dict[str, set[str]] = {}
        self.executed: dict[str, set[str]] = {}
        self.live: dict[str, set[str]] = {}

    def look(self, surface: str, page: Any, probe: Probe) -> None:
        self.present.setdefault(surface, set()).update(present_ids(page) & self.known)
        self.live.setdefault(surface, set()).update(live_ids(page) & self.known)
        self.executed.setdefault(surface, set()).update(probe.ids() & self.known)

    def ran(self, surface: str, probe: Probe) -> None:
        self.executed.setdefault(surface, set()).update(probe.ids() & self.known)

    def report(self, tally: Tally) -> list[str]:
        problems = []
        for surface in self.present:
            executed, live = self.executed.get(surface, set()), self.live.get(surface, set())
            tally(
                "xss",
                surface,
                **{"payloads present": len(self.present[surface])},
                executed=len(executed),
                **{"live markup": len(live)},
            )
            if executed or live:
                problems.append(f"{surface}: executed {sorted(executed)}, live markup {sorted(live)}")
        return problems


def visit(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_timeout(100)  # a handler that runs on load (onerror, onload) has run by now


def site_surfaces(browser: Any, site: Path, seen: Surfaces) -> None:
    from test_browser import serve

    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        pages = sorted(p for p in site.rglob("*.html"))
        with probed(browser) as (page, probe):
            for path in pages:
                relative = path.relative_to(site).as_posix()
                visit(page, f"{base}/{relative.removesuffix('index.html')}")
                seen.look("site pages", page, probe)
        with probed(browser) as (page, probe):
            visit(page, f"{base}/")
            for words in ("case", "hostile", "script", "xss", "onerror", "javascript", "svg", "img", "7*7"):
                page.locator("#search-box").fill(words)
                page.locator("form.search .results li").first.wait_for()
                page.wait_for_timeout(150)
                seen.look("site search", page, probe)
        feeds = sorted(
            p for p in site.rglob("*") if p.is_file() and p.suffix in (".xml", ".atom", ".rss", ".json")
        )
        feeds = [p for p in feeds if "search" not in p.name]
        assert feeds, sorted(p.name for p in site.rglob("*") if p.is_file())[:40]
        with probed(browser) as (page, probe):
            for path in feeds:
                visit(page, f"{base}/{path.relative_to(site).as_posix()}")
                seen.look("site feeds", page, probe)
    finally:
        server.shutdown()


def email_surface(browser: Any, messages: list[bytes], folder: Path, seen: Surfaces) -> None:
    assert messages, "nothing was sent"
    with probed(browser) as (page, probe):
        for n, raw in enumerate(messages):
            message = email.message_from_bytes(raw, policy=default)
            assert isinstance(message, EmailMessage)
            body = message.get_body(("html",))
            assert body is not None
            path = folder / f"mail-{n}.html"
            path.write_text(body.get_content(), encoding="utf-8")
            visit(page, path.as_uri())
            seen.look("e-mail", page, probe)


def markdown_surface(browser: Any, ws: Path, folder: Path, seen: Surfaces) -> None:
    """The Markdown edition as a Markdown renderer that keeps raw HTML (CommonMark) shows it."""
    renderer = MarkdownIt("commonmark")
    files = sorted((ws / "markdown").glob("*.md"))
    assert files
    with probed(browser) as (page, probe):
        for n, path in enumerate(files):
            out = folder / f"markdown-{n}.html"
            out.write_text(
                "<!doctype html><meta charset=utf-8>" + renderer.render(path.read_text(encoding="utf-8")),
                encoding="utf-8",
            )
            visit(page, out.as_uri())
            seen.look("markdown as HTML", page, probe)


def app_surfaces(browser: Any, ws: Path, seen: Surfaces) -> None:
    from test_app import serve

    server, address = serve(Workspace(ws))
    try:
        with probed(browser, locale="en-US") as (page, probe):
            visit(page, f"{address}/weeks/{WEEK}")
            page.select_option("#state-filter", "")  # every item, whatever was decided
            page.locator("#items li").first.wait_for()
            seen.look("app triage", page, probe)
            for _row in range(min(page.locator("#items li").count(), 40)):
                page.keyboard.press("j")  # each row in turn: the detail pane shows its abstract
            page.wait_for_timeout(200)
            seen.look("app triage", page, probe)
            visit(page, f"{address}/issues/{WEEK}")
            page.wait_for_timeout(500)
            seen.look("app issue", page, probe)
            visit(page, f"{address}/preview/{WEEK}/")
            seen.look("app preview", page, probe)
    finally:
        server.should_exit = True


@dataclass
class World:
    """The hostile workspace, composed, edited, built, published and sent: built once a run."""

    ws: Path
    folder: Path  # this worker's own, for what it writes
    corpus: list[Payload]
    routes: dict[str, tuple[int, int]]  # route -> (payloads injected, stored)
    messages: list[bytes]  # the e-mails the SMTP server received
    timings: list[str]


def build_world(folder: Path, corpus: list[Payload], httpserver: HTTPServer, smtp: tuple[Inbox, int]) -> None:
    """Everything the surfaces show, into `folder`; what it did into folder/world.json."""
    timings: list[str] = []
    clock = time.monotonic()

    def lap(what: str) -> None:
        nonlocal clock
        timings.append(f"{what}: {time.monotonic() - clock:.1f} s")
        clock = time.monotonic()

    share = shares(corpus)
    ws = folder / "ws"
    ok(mlnews("init", str(ws)))
    inbox, smtp_port = smtp
    configure(ws, smtp_port)
    import_routes(ws, folder, share, httpserver)
    counts = stored(ws, share)
    lap("imported")

    listed = json.loads(ok(mlnews("-w", str(ws), "list", "--json", "--limit", "100000")))
    keys = [item["key"] for item in listed]
    assert len(keys) >= len(corpus) // 2, f"only {len(keys)} items reached the library"
    ok(mlnews("-w", str(ws), "shortlist", "--week", WEEK, *keys))
    ok(mlnews("-w", str(ws), "compose", WEEK))
    lap("composed")
    counts[routes.APP] = edit_in_the_app(ws, corpus)
    lap("edited in the app")
    # The faithfulness check flags what hostile texts say; the curator has looked, and publishes.
    issue = ws / "issues" / f"{WEEK}.md"
    issue.write_text(re.sub(r"^flagged: .*\n", "", issue.read_text(encoding="utf-8"), flags=re.M), "utf-8")
    ok(mlnews("-w", str(ws), "build"))
    ok(mlnews("-w", str(ws), "publish", WEEK, "--to", "markdown"))
    ok(mlnews("-w", str(ws), "send", WEEK, "--to", "reader@example.org"))
    lap("built, published, sent")
    for n, message in enumerate(inbox.messages):
        (folder / f"sent-{n}.eml").write_bytes(message)
    (folder / "world.json").write_text(json.dumps({"routes": counts, "timings": timings}), encoding="utf-8")


@pytest.fixture(scope="session")
def world(
    tmp_path_factory: pytest.TempPathFactory, make_httpserver: HTTPServer, smtp_server: tuple[Inbox, int]
) -> World:
    """Built by the first xdist worker that asks (the others wait for it, then share it): an
    xdist_group would do this, but pytest-xdist 3.8 cannot rename pytest 9's node ids."""
    corpus = payloads()
    assert len(corpus) >= 100
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "xss-world"
    with (shared / "xss-world.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "world.json").exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed left
            folder.mkdir()
            build_world(folder, corpus, make_httpserver, smtp_server)
    built = json.loads((folder / "world.json").read_text(encoding="utf-8"))
    messages = [path.read_bytes() for path in sorted(folder.glob("sent-*.eml"))]
    counts = {route: (int(pair[0]), int(pair[1])) for route, pair in built["routes"].items()}
    mine = tmp_path_factory.mktemp("xss-pages")
    return World(folder / "ws", mine, corpus, counts, messages, list(built["timings"]))


def test_every_route_stores_its_payloads(world: World, tally: Tally) -> None:
    for route, (injected, kept) in world.routes.items():
        tally("xss-routes", route, **{"payloads injected": injected}, stored=kept)
    print("\n".join(world.timings))
    assert set(world.routes) == {*routes.ROUTES, routes.APP}
    assert all(kept > 0 for _, kept in world.routes.values()), world.routes


def check(world: World, tally: Tally, look: Callable[[Surfaces], None]) -> None:
    seen = Surfaces(world.corpus)
    look(seen)
    problems = seen.report(tally)
    assert not problems, "\n".join(problems)


def test_no_payload_runs_on_the_site_its_search_or_its_feeds(
    browser: Any, world: World, tally: Tally
) -> None:
    check(world, tally, lambda seen: site_surfaces(browser, world.ws / "site", seen))


def test_no_payload_runs_in_the_e_mail(browser: Any, world: World, tally: Tally) -> None:
    check(world, tally, lambda seen: email_surface(browser, world.messages, world.folder, seen))


def test_no_payload_runs_in_the_app(browser: Any, world: World, tally: Tally) -> None:
    check(world, tally, lambda seen: app_surfaces(browser, world.ws, seen))


def test_no_payload_runs_in_the_markdown_edition(browser: Any, world: World, tally: Tally) -> None:
    check(world, tally, lambda seen: markdown_surface(browser, world.ws, world.folder, seen))
