"""The issue in the app: entries moved, the issue previewed as published, and the long work
(compose, check, build, publish) started from the page, each a real `mlnews` process."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlnews.document.model import fingerprint
from mlnews.document.source import read, write
from mlnews.library import Library
from mlnews.rank import features
from mlnews.workspace import Workspace
from test_app import WEEK, csrf_of, serve


@pytest.fixture
def app(demo_copy: Workspace) -> Iterator[tuple[Workspace, str]]:
    server, address = serve(demo_copy)
    yield demo_copy, address
    server.should_exit = True


def keys_by_section(workspace: Workspace) -> dict[str, list[str]]:
    issue = read(workspace.issues_dir / f"{WEEK}.md").issue
    found: dict[str, list[str]] = {}
    for entry in issue.entries:
        found.setdefault(entry.section, []).append(entry.key)
    return found


def wait_for(address: str, job: dict[str, Any], seconds: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while job["state"] in ("running", "cancelling"):
        assert time.monotonic() < deadline, f"{job['line']} still running: {job['output']}"
        time.sleep(0.2)
        job = httpx.get(f"{address}/api/jobs/{job['id']}").json()
    return job


def unpublish(workspace: Workspace) -> None:
    """The demo has published week 49 already: start the week over."""
    (workspace.issues_dir / f"{WEEK}.md").unlink()
    for folder in ("markdown", "mail"):
        for path in (workspace.root / folder).glob(f"{WEEK}*"):
            path.unlink()


def test_entries_move_within_and_across_sections_and_never_over_a_newer_file(
    app: tuple[Workspace, str],
) -> None:
    workspace, address = app
    token = {"X-CSRF-Token": csrf_of(address)}
    before = keys_by_section(workspace)
    papers = before["papers"]
    shown = httpx.get(f"{address}/api/issues/{WEEK}").json()
    assert [s["id"] for s in shown["sections"]][:2] == ["papers", "articles"]

    move = {"key": papers[2], "section": "papers", "position": 0, "version": shown["version"]}
    answer = httpx.post(f"{address}/api/issues/{WEEK}/moves", json=move, headers=token)
    assert answer.status_code == 200, answer.text
    assert keys_by_section(workspace)["papers"] == [papers[2], papers[0], papers[1], *papers[3:]]

    # Into another section, last; texts and translations go with the entry.
    entry_text = read(workspace.issues_dir / f"{WEEK}.md").issue.entry(papers[0])
    move = {"key": papers[0], "section": "other", "position": 99, "version": answer.json()["version"]}
    answer = httpx.post(f"{address}/api/issues/{WEEK}/moves", json=move, headers=token)
    after = keys_by_section(workspace)
    assert papers[0] not in after["papers"] and after["other"][-1] == papers[0]
    moved = read(workspace.issues_dir / f"{WEEK}.md").issue.entry(papers[0])
    assert moved is not None and entry_text is not None
    assert moved.headline == entry_text.headline
    assert moved.translations.keys() == entry_text.translations.keys()
    # The sections keep the file's order.
    assert list(after) == [s.id for s in workspace.config.sections if s.id in after]

    # A move made on the version before is refused, and so is a section mlnews.toml lacks.
    move["version"] = shown["version"]
    assert httpx.post(f"{address}/api/issues/{WEEK}/moves", json=move, headers=token).status_code == 409
    move.update(version=answer.json()["version"], section="nowhere")
    refused = httpx.post(f"{address}/api/issues/{WEEK}/moves", json=move, headers=token)
    assert refused.status_code == 422 and "nowhere" in refused.text
    assert keys_by_section(workspace) == after


def test_a_job_is_the_command_run_with_its_progress_and_only_one_runs_at_a_time(
    app: tuple[Workspace, str],
) -> None:
    workspace, address = app
    token = {"X-CSRF-Token": csrf_of(address)}
    unpublish(workspace)
    started = httpx.post(f"{address}/api/jobs", json={"command": "compose", "period": WEEK}, headers=token)
    assert started.status_code == 202, started.text
    assert started.json()["line"] == f"mlnews compose {WEEK}"
    # Compose writes the issue file: nothing else may meanwhile, neither another job nor an edit.
    busy = httpx.post(f"{address}/api/jobs", json={"command": "build"}, headers=token)
    assert busy.status_code == 409 and "compose is running" in busy.text
    done = wait_for(address, started.json())
    assert done["state"] == "done" and done["code"] == 0, done["output"]
    assert done["step"] == {"what": "translating", "done": 30, "total": 30}
    assert any("created (15 added" in line for line in done["output"])
    assert any("faithfulness" in line for line in done["output"])
    assert (workspace.issues_dir / f"{WEEK}.md").exists()

    # Only the app's commands, with a period that is one.
    wrongs = ({"command": "rm"}, {"command": "compose", "period": "W49; rm -rf /"}, {"command": "publish"})
    for wrong in wrongs:
        refused = httpx.post(f"{address}/api/jobs", json=wrong, headers=token)
        assert refused.status_code == 422, wrong
    # A change from another site cannot start one.
    foreign = {**token, "Origin": "https://evil.example"}
    assert httpx.post(f"{address}/api/jobs", json={"command": "build"}, headers=foreign).status_code == 403

    published = wait_for(
        address,
        httpx.post(f"{address}/api/jobs", json={"command": "publish", "period": WEEK}, headers=token).json(),
    )
    assert published["state"] == "done", published["output"]
    assert published["step"] == {"what": "publishers", "done": 4, "total": 4}
    for lang in ("en", "zh", "ja"):
        assert (workspace.root / "markdown" / f"{WEEK}.{lang}.md").is_file()
        assert (workspace.root / "mail" / f"{WEEK}.{lang}.eml").is_file()


def test_a_cancelled_job_stops_and_a_failing_one_says_why(app: tuple[Workspace, str]) -> None:
    workspace, address = app
    token = {"X-CSRF-Token": csrf_of(address)}
    job = httpx.post(f"{address}/api/jobs", json={"command": "build"}, headers=token).json()
    httpx.post(f"{address}/api/jobs/{job['id']}/cancel", headers=token)
    assert wait_for(address, job)["state"] == "cancelled"

    # A flagged text stops publish: the job fails with the command's own one-line reason.
    path = workspace.issues_dir / f"{WEEK}.md"
    issue = read(path).issue
    issue.entries[0].flag("headline", "the number 40% is not in the source")
    write(path, issue, [s.id for s in workspace.config.sections])
    failed = wait_for(
        address,
        httpx.post(f"{address}/api/jobs", json={"command": "publish", "period": WEEK}, headers=token).json(),
    )
    assert failed["state"] == "failed" and failed["code"] == 1
    assert any("40%" in line for line in failed["output"]), failed["output"]


def test_a_months_page_links_to_the_candidates_of_its_last_week(app: tuple[Workspace, str]) -> None:
    _, address = app
    page = httpx.get(f"{address}/issues/2020-11").text
    week = re.search(r'href="/weeks/([^"]+)">Candidates of ([^<]+)</a>', page)
    assert week is not None and week.group(1) == week.group(2)
    assert week.group(1) in ("2020-W48", "2020-W49")  # the week with November 30, by first weekday
    assert httpx.get(f"{address}/weeks/{week.group(1)}").status_code == 200
    assert f'href="/weeks/{WEEK}">Back to the candidates' in httpx.get(f"{address}/issues/{WEEK}").text


def test_the_preview_is_the_published_page_in_each_language(app: tuple[Workspace, str]) -> None:
    workspace, address = app
    issue = read(workspace.issues_dir / f"{WEEK}.md").issue
    entry = issue.entries[0]
    for lang, prefix in (("en", ""), ("zh", "zh/"), ("ja", "ja/")):
        page = httpx.get(f"{address}/preview/{prefix}{WEEK}/")
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text
        headline = entry.headline if lang == "en" else entry.translations[lang].headline
        assert headline in page.text
        assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert httpx.get(f"{address}/preview/assets/style.css").status_code == 200
    assert httpx.get(f"{address}/preview/de/{WEEK}/").status_code == 404
    assert httpx.get(f"{address}/preview/2020-W01/").status_code == 404
    # Any other page of the app stays unframeable.
    assert httpx.get(f"{address}/issues/{WEEK}").headers["x-frame-options"] == "DENY"


@pytest.mark.browser
def test_a_week_is_composed_moved_previewed_and_published_from_the_page(
    browser: Any, app: tuple[Workspace, str]
) -> None:
    from playwright.sync_api import expect

    workspace, address = app
    unpublish(workspace)
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog {dialog.message}"))
    page.goto(f"{address}/weeks/{WEEK}")
    page.click("text=Write the issue")  # from the candidates to the issue
    expect(page.locator("#status")).to_have_text(re.compile("no such issue yet"))

    page.click("#compose")
    expect(page.locator("#job code")).to_have_text(f"mlnews compose {WEEK}")
    expect(page.locator("#job progress")).to_be_visible()
    expect(page.locator("#job .job-state")).to_have_text(re.compile("^done"), timeout=90_000)
    expect(page.locator("#job .job-step")).to_have_text("translating 30 of 30")
    expect(page.locator("article.entry")).to_have_count(15)

    # Alt+↓ in the first entry's headline moves it below the second, in the file too.
    papers = keys_by_section(workspace)["papers"]
    page.locator("article.entry").first.locator('input[name="headline"]').focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("article.entry").nth(1)).to_have_attribute("data-key", papers[0])
    assert keys_by_section(workspace)["papers"][:2] == [papers[1], papers[0]]

    # The preview shows the issue as published, in Chinese on asking.
    issue = read(workspace.issues_dir / f"{WEEK}.md").issue
    chinese = issue.entries[0].translations["zh"].headline
    page.click("#preview-langs >> text=zh")
    expect(page.frame_locator("#preview").locator("h1")).to_have_text("2020 年第 49 周")
    expect(page.frame_locator("#preview").locator("article.entry h3").first).to_have_text(chinese)

    page.click("#publish")
    expect(page.locator("#job code")).to_have_text(f"mlnews publish {WEEK}")
    expect(page.locator("#job .job-state")).to_have_text(re.compile("^done"), timeout=90_000)
    for lang in ("en", "zh", "ja"):
        assert (workspace.root / "markdown" / f"{WEEK}.{lang}.md").is_file()
    assert chinese in (workspace.root / "site" / "zh" / WEEK / "index.html").read_text(encoding="utf-8")
    assert errors == []
    context.close()


def test_a_collect_from_the_app_and_decisions_meanwhile_lose_nothing(
    app: tuple[Workspace, str], httpserver: Any, shared_data: Path
) -> None:
    workspace, address = app
    feed = next((shared_data / "feeds" / "ml_blogs" / "lilianweng").glob("index.2026-*.xml")).read_bytes()
    httpserver.expect_request("/index.xml").respond_with_data(feed, content_type="application/rss+xml")
    settings = workspace.config_path.read_text(encoding="utf-8")
    for before, after in (
        ("allow_private_addresses = false", "allow_private_addresses = true"),  # the feed is on loopback
        ("request_interval = 3.0", "request_interval = 0"),
        ("fetch_figures = true", "fetch_figures = false"),
    ):
        assert before in settings
        settings = settings.replace(before, after)
    settings += f'\n[sources.lilianweng]\ntype = "feed"\nurl = "{httpserver.url_for("/index.xml")}"\n'
    workspace.config_path.write_text(settings, encoding="utf-8")
    token = {"X-CSRF-Token": csrf_of(address)}
    with Library.open(workspace.library_path, writing=False) as library:
        before_count = library.count()
    candidates = httpx.get(f"{address}/api/weeks/{WEEK}/candidates").json()["items"]
    keys = [item["key"] for item in candidates if item["state"] == "new"][:12]

    job = httpx.post(f"{address}/api/jobs", json={"command": "collect"}, headers=token).json()
    for key in keys:  # while the collect writes
        decided = httpx.post(
            f"{address}/api/decisions", json={"keys": [key], "state": "rejected"}, headers=token
        )
        assert decided.status_code == 200, decided.text
        time.sleep(0.1)
    done = wait_for(address, job)
    assert done["state"] == "done", done["output"]
    assert any(line.split()[:2] == ["lilianweng", "53"] for line in done["output"]), done["output"]
    with Library.open(workspace.library_path, writing=False) as library:
        assert library.count() == before_count + 53
        assert {library.get(key).state for key in keys} == {"rejected"}
        # Ranking never waits: every item a ranker meets has its features (the new posts of the
        # last two years, and any item decided while the collect ran, which the collect's last
        # step or the app's retrainer built again), whichever of the two got there first.
        assert library.ranking.stale(features.since(library)) == []
        recent = library.ranking.dated(features.since(library))
        assert len(library.ranking.features([d.item_id for d in recent])) == len(recent) > 0


def test_a_flag_kept_and_a_stale_translation_marked_current_from_the_page(
    app: tuple[Workspace, str],
) -> None:
    workspace, address = app
    token = {"X-CSRF-Token": csrf_of(address)}
    path = workspace.issues_dir / f"{WEEK}.md"
    issue = read(path).issue
    entry = issue.entries[0]
    entry.translations["zh"].flag("summary", "the name “TReCS” is not in the source")
    write(path, issue, [s.id for s in workspace.config.sections])
    shown = httpx.get(f"{address}/api/issues/{WEEK}").json()
    texts = shown["sections"][0]["entries"][0]["texts"]
    assert texts["zh"]["flags"] == {"summary": "the name “TReCS” is not in the source"}
    assert texts[""]["flags"] == {} and texts["ja"]["flags"] == {}

    review = {
        "key": entry.key,
        "field": "summary",
        "action": "keep",
        "lang": "zh",
        "version": shown["version"],
    }
    kept = httpx.post(f"{address}/api/issues/{WEEK}/reviews", json=review, headers=token)
    assert kept.status_code == 200, kept.text
    assert kept.json()["sections"][0]["entries"][0]["texts"]["zh"]["flags"] == {}
    assert "flagged:" not in path.read_text(encoding="utf-8").split("#### ja")[0]

    # The English headline edited: its translations are stale until redone or marked current.
    edit = {
        "key": entry.key,
        "field": "headline",
        "value": "A new headline",
        "version": kept.json()["version"],
    }
    edited = httpx.post(f"{address}/api/issues/{WEEK}/edits", json=edit, headers=token).json()
    assert edited["sections"][0]["entries"][0]["texts"]["ja"]["stale"] == ["headline"]
    review = {
        "key": entry.key,
        "field": "headline",
        "action": "current",
        "lang": "ja",
        "version": edited["version"],
    }
    current = httpx.post(f"{address}/api/issues/{WEEK}/reviews", json=review, headers=token).json()
    assert current["sections"][0]["entries"][0]["texts"]["ja"]["stale"] == []
    assert current["sections"][0]["entries"][0]["texts"]["zh"]["stale"] == ["headline"]
    review.update(action="bless", version=current["version"])
    assert httpx.post(f"{address}/api/issues/{WEEK}/reviews", json=review, headers=token).status_code == 422


def test_an_entry_removed_stays_out_until_put_back_where_it_was_with_its_pick(
    app: tuple[Workspace, str], run: Any
) -> None:
    workspace, address = app
    token = {"X-CSRF-Token": csrf_of(address)}
    path = workspace.issues_dir / f"{WEEK}.md"
    before = read(path).issue
    shown = httpx.get(f"{address}/api/issues/{WEEK}").json()
    picked = shown["picks"][0]
    assert picked in [e.key for e in before.entries]

    body = {"key": picked, "version": shown["version"]}
    gone = httpx.post(f"{address}/api/issues/{WEEK}/removals", json=body, headers=token)
    assert gone.status_code == 200, gone.text
    after = read(path).issue
    assert after.entry(picked) is None and picked not in after.picks
    assert len(after.entries) == len(before.entries) - 1
    assert gone.json()["picks"] == shown["picks"][1:]
    # compose leaves it out, as it does an entry deleted in an editor.
    assert run("-w", str(workspace.root), "compose", WEEK).code == 0
    assert read(path).issue.entry(picked) is None

    version = httpx.get(f"{address}/api/issues/{WEEK}").json()["version"]
    back = httpx.post(
        f"{address}/api/issues/{WEEK}/restores", json={"key": picked, "version": version}, headers=token
    )
    assert back.status_code == 200, back.text
    restored = read(path).issue
    assert [e.key for e in restored.entries] == [e.key for e in before.entries]
    assert restored.picks == before.picks
    again, was = restored.entry(picked), before.entry(picked)
    assert again is not None and was is not None
    assert again.translations["zh"].summary == was.translations["zh"].summary
    twice = httpx.post(
        f"{address}/api/issues/{WEEK}/restores",
        json={"key": picked, "version": back.json()["version"]},
        headers=token,
    )
    assert twice.status_code == 404 and "not removed" in twice.json()["detail"]


def test_the_picks_are_set_in_order_and_only_to_entries_of_the_issue(app: tuple[Workspace, str]) -> None:
    workspace, address = app
    token = {"X-CSRF-Token": csrf_of(address)}
    path = workspace.issues_dir / f"{WEEK}.md"
    shown = httpx.get(f"{address}/api/issues/{WEEK}").json()
    keys = [e["key"] for s in shown["sections"] for e in s["entries"]]
    wanted = [keys[-1], keys[3]]
    body = {"keys": wanted, "version": shown["version"]}
    answer = httpx.post(f"{address}/api/issues/{WEEK}/picks", json=body, headers=token)
    assert answer.status_code == 200, answer.text
    assert read(path).issue.picks == wanted == answer.json()["picks"]
    version = answer.json()["version"]
    for keys_, status in ((["arxiv:1234.56789"], 404), ([keys[0], keys[0]], 422)):
        refused = httpx.post(
            f"{address}/api/issues/{WEEK}/picks", json={"keys": keys_, "version": version}, headers=token
        )
        assert refused.status_code == status, refused.text
    assert read(path).issue.picks == wanted


def test_the_intro_is_edited_in_each_language_and_its_translation_goes_stale(
    app: tuple[Workspace, str],
) -> None:
    workspace, address = app
    token = {"X-CSRF-Token": csrf_of(address)}
    path = workspace.issues_dir / f"{WEEK}.md"
    shown = httpx.get(f"{address}/api/issues/{WEEK}").json()
    assert set(shown["intro"]) == {"", "zh", "ja"}

    def edit(value: str, lang: str | None, version: str) -> dict[str, Any]:
        body = {"key": "", "field": "summary", "value": value, "lang": lang, "version": version}
        answer = httpx.post(f"{address}/api/issues/{WEEK}/edits", json=body, headers=token)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    first = edit("A quiet week: <b>two</b> papers stand out.", None, shown["version"])
    chinese = edit("平静的一周：两篇论文脱颖而出。", "zh", first["version"])
    issue = read(path).issue
    assert issue.intro == "A quiet week: <b>two</b> papers stand out."
    published = httpx.get(f"{address}/preview/{WEEK}/").text  # the intro's markup stays text
    assert "A quiet week: &lt;b&gt;two&lt;/b&gt; papers stand out." in published and "<b>two" not in published
    assert issue.intro_translations["zh"].summary == "平静的一周：两篇论文脱颖而出。"
    assert chinese["intro"]["zh"]["summary"] == "平静的一周：两篇论文脱颖而出。"
    assert chinese["intro"]["zh"]["stale"] == []

    # A translation made from the intro (by compose) goes stale when the intro changes.
    issue.intro_translations["zh"].source["summary"] = fingerprint(issue.intro)
    write(path, issue, [s.id for s in workspace.config.sections])
    version = httpx.get(f"{address}/api/issues/{WEEK}").json()["version"]
    changed = edit("A busy week.", None, version)
    assert changed["intro"]["zh"]["stale"] == ["summary"]
    review = {"key": "", "field": "summary", "action": "current", "lang": "zh", "version": changed["version"]}
    current = httpx.post(f"{address}/api/issues/{WEEK}/reviews", json=review, headers=token)
    assert current.status_code == 200, current.text
    assert current.json()["intro"]["zh"]["stale"] == []
    wrong = {"key": "", "field": "headline", "value": "x", "version": current.json()["version"]}
    refused = httpx.post(f"{address}/api/issues/{WEEK}/edits", json=wrong, headers=token)
    assert refused.status_code == 422 and "the intro is one text" in refused.json()["detail"]


@pytest.mark.browser
def test_picks_removal_and_the_intro_from_the_page(browser: Any, app: tuple[Workspace, str]) -> None:
    from playwright.sync_api import expect

    workspace, address = app
    path = workspace.issues_dir / f"{WEEK}.md"
    before = read(path).issue
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{address}/issues/{WEEK}")
    picks = page.locator("section.picks li")
    expect(picks).to_have_count(len(before.picks))

    # The last entry picked, then moved to the front of the picks.
    last = page.locator("article.entry").last
    key = last.get_attribute("data-key")
    last.locator('button[name="pick"]').click()
    expect(last.locator('button[name="pick"]')).to_have_attribute("aria-pressed", "true")
    expect(picks).to_have_count(len(before.picks) + 1)
    for place in reversed(range(len(before.picks))):
        page.locator(f'section.picks li[data-key="{key}"]').locator("text=↑").click()
        expect(picks.nth(place)).to_have_attribute("data-key", str(key))
    expect(picks.first).to_have_attribute("data-key", str(key))
    assert read(path).issue.picks == [key, *before.picks]

    # Removed, then put back with Undo.
    first = page.locator("article.entry").first
    removed = str(first.get_attribute("data-key"))
    first.locator('button[name="remove"]').click()
    expect(page.locator("#status")).to_contain_text(f"Removed {removed}")
    expect(page.locator(f'article.entry[data-key="{removed}"]')).to_have_count(0)
    assert read(path).issue.entry(removed) is None
    page.locator("#status button", has_text="Undo").click()
    expect(page.locator("article.entry").first).to_have_attribute("data-key", removed)
    assert [e.key for e in read(path).issue.entries] == [e.key for e in before.entries]

    # The intro, in Japanese, saved when the field is left.
    page.select_option("#lang", "ja")
    intro = page.locator('section.intro textarea[name="summary"]')
    intro.fill("今週は静かな一週間でした。")
    page.locator("article.entry").first.locator('input[name="headline"]').focus()
    expect(page.locator("#status")).to_contain_text("Saved the intro")
    assert read(path).issue.intro_translations["ja"].summary == "今週は静かな一週間でした。"
    assert errors == []
    context.close()
