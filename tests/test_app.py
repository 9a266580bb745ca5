"""`mlnews app`: the triage app served by uvicorn on loopback, driven by a real browser
(Debian's chromium through Playwright) and by plain HTTP for its guards."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from mlnews.app.server import create_app, hosts_for
from mlnews.demo import data_dir
from mlnews.library import Library
from mlnews.workspace import Workspace

WEEK = "2020-W49"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(workspace: Workspace, token: str | None = None) -> tuple[uvicorn.Server, str]:
    port = free_port()
    application = create_app(workspace, hosts_for("127.0.0.1", port), token)
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture
def app(demo_copy: Workspace) -> Iterator[tuple[Workspace, str]]:
    server, address = serve(demo_copy)
    yield demo_copy, address
    server.should_exit = True


def states(workspace: Workspace, keys: list[str]) -> dict[str, tuple[str, str | None]]:
    with Library.open(workspace.library_path, writing=False) as library:
        return {key: (library.get(key).state, library.get(key).section) for key in keys}


def csrf_of(address: str) -> str:
    page = httpx.get(f"{address}/weeks/{WEEK}").text
    return page.split('name="csrf-token" content="')[1].split('"')[0]


# -- the guards ------------------------------------------------------------------------------------


def test_a_change_without_the_pages_csrf_token_is_refused(app: tuple[Workspace, str]) -> None:
    workspace, address = app
    body = {"keys": ["arxiv:2012.00364"], "state": "rejected"}
    refused = httpx.post(f"{address}/api/decisions", json=body)
    assert refused.status_code == 403 and "CSRF" in refused.text
    cross_site = httpx.post(
        f"{address}/api/decisions",
        json=body,
        headers={"X-CSRF-Token": csrf_of(address), "Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403 and "another site" in cross_site.text
    assert states(workspace, ["arxiv:2012.00364"])["arxiv:2012.00364"][0] == "new"
    accepted = httpx.post(f"{address}/api/decisions", json=body, headers={"X-CSRF-Token": csrf_of(address)})
    assert accepted.status_code == 200
    assert states(workspace, ["arxiv:2012.00364"])["arxiv:2012.00364"][0] == "rejected"


def test_another_host_name_is_refused_and_every_answer_has_a_csp(app: tuple[Workspace, str]) -> None:
    _, address = app
    rebound = httpx.get(f"{address}/weeks/{WEEK}", headers={"Host": "attacker.example"})
    assert rebound.status_code == 421
    page = httpx.get(f"{address}/weeks/{WEEK}")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_the_page_offers_the_workspaces_sections_escaped(demo_copy: Workspace) -> None:
    config = demo_copy.root / "mlnews.toml"
    # Every [[sections]] table out, two in: one whose name is markup.
    tables = re.compile(r"^\[\[sections\]\]\n(?:[^\[\n].*\n|\n)*", flags=re.M)
    text = tables.sub("", config.read_text(encoding="utf-8"))
    text += '\n[[sections]]\nid = "picks"\nname = "<b>Picks</b> & more"\nkinds = ["paper"]\n'
    text += '\n[[sections]]\nid = "rest"\nname = "The rest"\nkinds = ["article", "news", "other"]\n'
    config.write_text(text, encoding="utf-8")
    workspace = Workspace(demo_copy.root)
    assert [section.id for section in workspace.config.sections] == ["picks", "rest"]
    server, address = serve(workspace)
    try:
        page = httpx.get(f"{address}/weeks/{WEEK}").text
    finally:
        server.should_exit = True
    assert '<option value="picks">1. &lt;b&gt;Picks&lt;/b&gt; &amp; more</option>' in page
    assert "<b>Picks</b>" not in page
    assert "1–2 section" in page and "1–4" not in page


def test_beyond_loopback_every_request_needs_the_token(demo_copy: Workspace) -> None:
    server, address = serve(demo_copy, token="s3cret-token")
    try:
        assert httpx.get(f"{address}/weeks/{WEEK}").status_code == 401
        with httpx.Client() as client:
            first = client.get(f"{address}/weeks/{WEEK}?token=s3cret-token")
            assert first.status_code == 200 and "mlnews_token" in first.headers["set-cookie"]
            assert "HttpOnly" in first.headers["set-cookie"]
            assert client.get(f"{address}/api/weeks/{WEEK}/candidates").status_code == 200
    finally:
        server.should_exit = True


def test_beyond_loopback_a_token_is_made_and_a_weak_one_refused(run: Any, demo_copy: Workspace) -> None:
    from mlnews.app.serving import MIN_TOKEN, plan

    made = plan("0.0.0.0", 8765, None, [])
    assert made.made_token and made.token is not None and len(made.token) >= MIN_TOKEN
    assert made.token != plan("0.0.0.0", 8765, None, []).token  # made afresh each run
    result = run("-w", str(demo_copy.root), "app", WEEK, "--host", "0.0.0.0", "--token", "x", "--no-open")
    assert result.code == 1 and "--token: at least 16 characters" in result.err
    assert plan("::1", 8765, None, []).url == "http://[::1]:8765" and "[::1]:8765" in hosts_for("::1", 8765)


def test_on_every_address_the_machines_names_and_the_allowed_ones_are_answered(
    demo_copy: Workspace,
) -> None:
    """`--host 0.0.0.0`: a browser on the network sends the machine's name, not "0.0.0.0"."""
    from mlnews.app.serving import plan

    port = free_port()
    serving = plan("0.0.0.0", port, None, ["proxy.example"])
    application = create_app(demo_copy, serving.hosts, serving.token)
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    page = f"http://127.0.0.1:{port}/weeks/{WEEK}?token={serving.token}"
    try:
        for name in (socket.gethostname(), "proxy.example", "localhost"):
            assert httpx.get(page, headers={"Host": f"{name}:{port}"}).status_code == 200, name
        for name in ("0.0.0.0", "attacker.example"):
            assert httpx.get(page, headers={"Host": f"{name}:{port}"}).status_code == 421, name
    finally:
        server.should_exit = True


def test_more_like_this_and_figures_from_the_workspace_only(app: tuple[Workspace, str]) -> None:
    workspace, address = app
    similar = httpx.get(f"{address}/api/items/arxiv:2011.15126/similar").json()["items"]
    assert similar and all(item["key"] != "arxiv:2011.15126" for item in similar)
    assert "arxiv:2012.00328" in [item["key"] for item in similar[:3]]  # the other video-call paper
    figure = workspace.root / "media" / "arxiv-2011.15126.png"
    figure.parent.mkdir(exist_ok=True)
    figure.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)  # what `mlnews figures` would have saved
    served = httpx.get(f"{address}/media/{figure.name}")
    assert served.status_code == 200 and served.content == figure.read_bytes()
    for sneaky in ("..%2Fmlnews.toml", "%2E%2E%2Fmlnews.toml", ".hidden", "..%5Cmlnews.toml"):
        assert httpx.get(f"{address}/media/{sneaky}").status_code == 404
    # A link inside media/ that leads out of it is not served, from the triage page or the preview.
    (figure.parent / "leak.png").symlink_to(workspace.root / "mlnews.toml")
    for route in ("media", "preview/media"):
        assert httpx.get(f"{address}/{route}/leak.png").status_code == 404
        assert httpx.get(f"{address}/{route}/{figure.name}").status_code == 200


def test_a_decision_made_in_the_app_is_undone_by_the_cli_and_one_made_in_the_cli_by_the_app(
    app: tuple[Workspace, str], run: Any
) -> None:
    workspace, address = app
    keys = ["arxiv:2011.15126", "arxiv:2011.12289"]
    before = states(workspace, keys)
    headers = {"x-csrf-token": csrf_of(address)}
    decided = httpx.post(
        f"{address}/api/decisions", json={"keys": keys, "state": "rejected"}, headers=headers
    )
    assert decided.status_code == 200 and states(workspace, keys) == {k: ("rejected", None) for k in keys}
    # The same rules whoever decides: an unknown section changes nothing, in the app as in the CLI.
    bad = {"keys": keys, "state": "shortlisted", "section": "nope", "week": WEEK}
    refused = httpx.post(f"{address}/api/decisions", json=bad, headers=headers)
    assert refused.status_code == 422 and "unknown section 'nope'" in refused.json()["detail"]
    cli = run("-w", str(workspace.root), "shortlist", keys[0], "--section", "nope", "--week", WEEK)
    assert cli.code == 1 and "unknown section 'nope'" in cli.err
    undone = run("-w", str(workspace.root), "undo")
    assert undone.code == 0, undone.err
    assert states(workspace, keys) == before and f"undone: {keys[0]} is {before[keys[0]][0]}" in undone.out
    shortlisted = run("-w", str(workspace.root), "shortlist", keys[1], "--week", WEEK, "--section", "other")
    assert shortlisted.code == 0 and states(workspace, keys[1:]) == {keys[1]: ("shortlisted", "other")}
    answer = httpx.post(f"{address}/api/undo", headers=headers)
    assert answer.status_code == 200 and answer.json()["keys"] == [keys[1]]
    assert states(workspace, keys) == before
    with Library.open(workspace.library_path, writing=False) as library:
        assert all(e.state != "rejected" for e in library.get(keys[0]).history)  # not learnt from


# -- decisions and the CLI at the same time -----------------------------------------------------


def test_decisions_and_an_import_at_the_same_time_lose_nothing(
    app: tuple[Workspace, str], tmp_path: Path
) -> None:
    workspace, address = app
    listed = httpx.get(f"{address}/api/weeks/{WEEK}/candidates").json()["items"]
    keys = [item["key"] for item in listed if item["state"] == "new"][:8]
    token = csrf_of(address)
    with data_dir() as data:
        feed = tmp_path / "papers.atom"
        feed.write_bytes((data / "papers.atom").read_bytes())
    importing = subprocess.Popen(
        [sys.executable, "-m", "mlnews", "-w", str(workspace.root), "import", str(feed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for key in keys:
        answer = httpx.post(
            f"{address}/api/decisions",
            json={"keys": [key], "state": "shortlisted", "section": "other", "week": WEEK},
            headers={"X-CSRF-Token": token},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
    _, err = importing.communicate(timeout=120)
    assert importing.returncode == 0, err
    assert set(states(workspace, keys).values()) == {("shortlisted", "other")}


# -- a curator at the keyboard ------------------------------------------------------------------


@pytest.mark.browser
def test_a_week_is_triaged_by_keyboard_and_the_decisions_are_in_the_library(
    browser: Any, app: tuple[Workspace, str]
) -> None:
    workspace, address = app
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))
    page.goto(f"{address}/weeks/{WEEK}")
    page.locator("#items li").first.wait_for()
    keys = page.locator("#items li").evaluate_all("items => items.map(i => i.dataset.key)")
    assert len(keys) >= 6
    page.locator("#items").focus()
    # s: shortlist (section from the box), x: reject, f: editor's pick, 4: shortlist into "other",
    # j: skip one; then u undoes the last decision.
    for key_press in ["s", "x", "f", "4", "j", "x", "u"]:
        if key_press == "j":
            page.keyboard.press(key_press)
            continue
        with page.expect_response(lambda answer: answer.request.method == "POST"):  # each decision stored
            page.keyboard.press(key_press)
    deadline = time.monotonic() + 10
    wanted = {
        keys[0]: ("shortlisted", "papers"),
        keys[1]: ("rejected", None),
        keys[2]: ("featured", "papers"),
        keys[3]: ("shortlisted", "other"),
        keys[4]: ("new", None),
        keys[5]: ("new", None),  # rejected, then undone
    }
    while states(workspace, list(wanted)) != wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    assert states(workspace, list(wanted)) == wanted
    page.keyboard.press("m")
    page.locator("#detail .similar li").first.wait_for()
    # The search box filters; hostile text in the demo's items stays text.
    shown = page.locator("#items li").count()
    page.keyboard.press("/")
    page.keyboard.type("keypoint")
    page.wait_for_function(f"document.querySelectorAll('#items li').length < {shown}")
    assert errors == []
    context.close()


# -- the issue, edited in the page and in an editor --------------------------------------------


def test_an_edit_made_on_an_older_version_of_the_file_is_refused(app: tuple[Workspace, str]) -> None:
    workspace, address = app
    token = csrf_of(address)
    shown = httpx.get(f"{address}/api/issues/{WEEK}").json()
    key = shown["sections"][0]["entries"][0]["key"]
    path = workspace.issues_dir / f"{WEEK}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # an editor saved it meanwhile
    edit = {"key": key, "field": "headline", "value": "Mine", "version": shown["version"]}
    refused = httpx.post(f"{address}/api/issues/{WEEK}/edits", json=edit, headers={"X-CSRF-Token": token})
    assert refused.status_code == 409 and "changed on disk" in refused.text
    assert "### Mine" not in path.read_text(encoding="utf-8")
    edit["version"] = httpx.get(f"{address}/api/issues/{WEEK}").json()["version"]
    edit["lang"] = "ja"
    saved = httpx.post(f"{address}/api/issues/{WEEK}/edits", json=edit, headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    assert "#### ja Mine" in path.read_text(encoding="utf-8")


@pytest.mark.browser
def test_an_edit_in_the_page_reaches_the_file_and_one_in_the_file_reaches_the_page(
    browser: Any, app: tuple[Workspace, str]
) -> None:
    from playwright.sync_api import expect

    workspace, address = app
    path = workspace.issues_dir / f"{WEEK}.md"
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{address}/issues/{WEEK}")
    headline = page.locator("article.entry").first.locator('input[name="headline"]')
    headline.wait_for()
    headline.fill("<img src=x onerror=alert(1)> A headline typed in the app")
    page.locator("#lang").focus()  # leaving the field saves it
    expect(page.locator("#status")).to_have_text(re.compile("^Saved"))  # (the CSP allows no eval)
    text = path.read_text(encoding="utf-8")
    assert "### <img src=x onerror=alert(1)> A headline typed in the app" in text
    # The curator's edit is theirs: compose will not write over it.
    assert run_check(workspace) == 0
    # Now an editor changes the file: the page shows it within a poll.
    path.write_text(
        text.replace("A headline typed in the app", "A headline from the editor"), encoding="utf-8"
    )
    expect(headline).to_have_value(re.compile("A headline from the editor$"))
    # The Chinese texts are the demo's translations, editable the same way.
    page.select_option("#lang", "zh")
    assert "关键点" in " ".join(
        page.locator('textarea[name="summary"]').evaluate_all("ts => ts.map(t => t.value)")
    )
    assert errors == []
    context.close()


def run_check(workspace: Workspace) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "mlnews", "-w", str(workspace.root), "check", WEEK],
        capture_output=True,
        text=True,
    )
    return done.returncode


@pytest.mark.browser
def test_owasp_payloads_in_items_stay_text_in_the_app(
    browser: Any, demo_copy: Workspace, tmp_path: Path
) -> None:
    from test_browser import OWASP

    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "hostile",
        "items": [
            {
                "id": f"https://example.org/xss-{n}",
                "url": f"https://example.org/xss-{n}",
                "title": f"xss {n} {payload}",
                "content_text": " ".join(OWASP),
                "authors": [{"name": payload}],
                "date_published": "2020-11-30T10:00:00Z",
            }
            for n, payload in enumerate(OWASP)
        ],
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    imported = subprocess.run(
        [sys.executable, "-m", "mlnews", "-w", str(demo_copy.root), "import", str(path)],
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
    server, address = serve(demo_copy)
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda r: r.url.startswith(address) or outside.append(r.url))
    try:
        page.goto(f"{address}/weeks/{WEEK}")
        page.locator("#items li").first.wait_for()
        page.keyboard.press("/")
        page.keyboard.type("xss")
        page.keyboard.press("Enter")
        rows = page.locator("#items li")
        assert rows.count() == len(OWASP)
        shown = " ".join(rows.all_inner_texts())
        # Import already dropped the tags from titles; what is left is shown as text, not as a link.
        assert "[click](javascript:alert('xss8'))" in shown
        for _ in range(len(OWASP)):
            page.keyboard.press("j")
            with page.expect_response(lambda answer: "/similar" in answer.url):  # its detail, shown
                page.keyboard.press("m")
        injected = "#items script, #items img, #items iframe, #items svg, #detail script, #detail iframe, "
        injected += "#detail svg, #detail img, [onerror], [onload], a[href^='javascript']"
        assert page.locator(injected).count() == 0
        assert dialogs == [] and outside == []
    finally:
        context.close()
        server.should_exit = True
