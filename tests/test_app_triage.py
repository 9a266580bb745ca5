"""The triage page at the keyboard: bulk selection, one undo per bulk decision, and the source,
section and date filters, in Debian's chromium; the decisions are read back from the library.

The app's CSP forbids eval, so nothing here waits with `page.wait_for_function`: it waits with
Playwright's `expect`, or polls the library."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlnews.library import Library
from mlnews.workspace import Workspace
from test_app import WEEK, serve

pytestmark = pytest.mark.browser

Decided = tuple[str, str | None, str | None]  # state, section, week


@dataclass
class Session:
    """A page of the app, with what it did that a test looks at afterwards."""

    page: Any
    errors: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)  # the paths of the POSTs sent, in order

    def rows(self) -> Any:
        return self.page.locator("#items li")

    def keys(self, selector: str = "#items li") -> list[str]:
        return [
            str(key)
            for key in self.page.locator(selector).evaluate_all("rows => rows.map(r => r.dataset.key)")
        ]

    def current(self) -> str:
        return str(self.page.locator("#items li.current").get_attribute("data-key"))


@contextmanager
def opened(browser: Any, workspace: Workspace) -> Iterator[Session]:
    """The week's triage page, served from `workspace`, loaded and with the list focused."""
    server, address = serve(workspace)
    context = browser.new_context(locale="en-US")  # the date fields take keys in en-US order
    session = Session(context.new_page())
    page = session.page

    def console(message: Any) -> None:
        if message.type == "error":
            session.errors.append(message.text)

    def dialog(opened: Any) -> None:  # an alert would mean an item's text ran as script
        session.errors.append("dialog: " + opened.message)
        opened.dismiss()

    def request(sent: Any) -> None:
        if sent.method == "POST":
            session.posts.append(sent.url.removeprefix(address))

    page.on("pageerror", lambda error: session.errors.append(str(error)))
    page.on("console", console)
    page.on("dialog", dialog)
    page.on("request", request)
    try:
        page.goto(f"{address}/weeks/{WEEK}")
        session.rows().first.wait_for()
        page.locator("#items").focus()
        yield session
    finally:
        context.close()
        server.should_exit = True


def decisions(workspace: Workspace, keys: list[str]) -> dict[str, Decided]:
    with Library.open(workspace.library_path, writing=False) as library:
        return {key: (item.state, item.section, item.week) for key in keys for item in [library.get(key)]}


def settled(workspace: Workspace, wanted: dict[str, Decided]) -> dict[str, Decided]:
    """The library's decisions once they are `wanted`, or after half a minute: the page saves as it goes."""
    deadline = time.monotonic() + 30
    while (found := decisions(workspace, list(wanted))) != wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


@pytest.fixture
def busy_week(demo_copy: Workspace, run: Any, tmp_path: Path) -> Workspace:
    """The demo with 40 more papers published in the week: more candidates than one sitting."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Generated papers",
        "items": [
            {
                "id": f"https://papers.example.org/{n}",
                "url": f"https://papers.example.org/{n}",
                "title": f"Generated paper {n}: sparse attention for task {n}",
                "content_text": f"We study sparse attention on task {n} and report what we found.",
                "authors": [{"name": f"Author {n}"}],
                "date_published": f"2020-12-0{1 + n % 4}T09:00:00Z",
            }
            for n in range(40)
        ],
    }
    path = tmp_path / "generated.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    imported = run("-w", str(demo_copy.root), "import", str(path))
    assert imported.code == 0, imported.err
    return demo_copy


def test_thirty_items_are_triaged_by_keyboard_and_the_decisions_are_in_the_library(
    browser: Any, busy_week: Workspace
) -> None:
    from playwright.sync_api import expect

    sections = [s.id for s in busy_week.config.sections]
    by_key: dict[str, Decided] = {
        "s": ("shortlisted", sections[0], WEEK),  # the section box's first section
        "f": ("featured", sections[0], WEEK),
        "x": ("rejected", None, None),
        **{str(n): ("shortlisted", section, WEEK) for n, section in enumerate(sections, start=1)},
    }
    presses = (["s", "x", "f", "x", *[str(n) for n in range(1, len(sections) + 1)], "x"] * 4)[:27]
    wanted: dict[str, Decided] = {}
    with opened(browser, busy_week) as session:
        assert session.rows().count() >= 35
        # What the ranker weighs now is said above the list, as `mlnews candidates` says it.
        expect(session.page.locator("#weighting")).to_have_text(re.compile(r"^(weighs |by popularity)"))
        for press in presses:
            wanted[session.current()] = by_key[press]  # the cursor moves on at once: no waiting
            session.page.keyboard.press(press)
        # A bulk decision: space marks this row, j j skips one, space and J mark two more.
        session.page.keyboard.press(" ")
        session.page.keyboard.press("j")
        skipped = session.current()
        for press in ["j", " ", "J"]:
            session.page.keyboard.press(press)
        chosen = session.keys("#items li[aria-selected=true]")
        assert len(chosen) == 3 and skipped not in chosen
        expect(session.page.locator("#items li.selected")).to_have_count(3)
        expect(session.page.locator("#status")).to_contain_text("3 selected")
        session.page.keyboard.press("x")
        wanted |= {key: by_key["x"] for key in chosen}
        wanted[skipped] = ("new", None, None)
        assert len(wanted) == 31  # thirty decided, each once, and the one skipped
        assert settled(busy_week, wanted) == wanted
        expect(session.page.locator("#status")).to_contain_text("3 items: rejected")
        assert session.posts.count("/api/decisions") == 28  # 27 rows one by one, then 3 in one
        assert session.errors == []


def test_source_section_and_date_filters_narrow_the_list_together(browser: Any, demo_copy: Workspace) -> None:
    from playwright.sync_api import expect

    with opened(browser, demo_copy) as session:
        page = session.page
        address = page.url.split("/weeks/")[0]
        items = httpx.get(f"{address}/api/weeks/{WEEK}/candidates").json()["items"]
        before = decisions(demo_copy, [item["key"] for item in items])
        status = page.locator("#status")

        def shows(test: Any) -> None:
            expected = [item["key"] for item in items if test(item)]
            assert expected, "a filter that hides everything would prove little"
            expect(session.rows()).to_have_count(len(expected))
            expect(status).to_contain_text(f"{len(expected)} of {len(items)} items")
            assert session.keys() == expected

        page.select_option("#state-filter", "")
        shows(lambda item: True)
        assert set(page.locator("#source-filter option").all_inner_texts()) == {
            "all",
            *{item["site"] for item in items},
        }
        page.select_option("#source-filter", "Demo reading list")
        shows(lambda item: item["site"] == "Demo reading list")
        page.select_option("#section-filter", "articles")
        shows(lambda item: item["site"] == "Demo reading list" and item["section"] == "articles")
        page.select_option("#source-filter", "arXiv")
        page.select_option("#section-filter", "(none)")
        shows(lambda item: item["site"] == "arXiv" and item["section"] is None)
        page.select_option("#section-filter", "")
        # Dates typed into the fields, digits and all, set the range and decide nothing.
        page.locator("#date-from").focus()
        page.keyboard.type("12022020")
        page.locator("#date-to").focus()
        page.keyboard.type("12032020")
        page.keyboard.press("Enter")  # hands the keys back to the list, submits nothing
        assert page.locator("#date-from").input_value() == "2020-12-02"
        shows(lambda item: item["site"] == "arXiv" and in_range(item))
        page.locator("#search").click()
        page.keyboard.type("sfx 1")  # letters and digits the list would take as decisions
        expect(session.rows()).to_have_count(0)
        expect(page.locator("#empty")).to_have_text("No candidate matches these filters.")
        page.locator("#search").fill("")
        page.select_option("#source-filter", "")
        shows(in_range)
        expect(page.locator("#empty")).to_be_hidden()
        assert session.posts == [] and decisions(demo_copy, list(before)) == before
        assert session.errors == []


def in_range(item: dict[str, Any]) -> bool:
    return "2020-12-02" <= (item["published"] or "")[:10] <= "2020-12-03"


def test_one_undo_restores_every_row_of_a_bulk_decision(browser: Any, demo_copy: Workspace) -> None:
    from playwright.sync_api import expect

    sections = [s.id for s in demo_copy.config.sections]
    with opened(browser, demo_copy) as session:
        page = session.page
        rows, selected = session.rows(), page.locator("#items li.selected")
        shown = session.keys()
        page.keyboard.press("a")
        expect(selected).to_have_count(len(shown))
        page.keyboard.press("Escape")
        expect(selected).to_have_count(0)
        page.keyboard.press("*")
        expect(selected).to_have_count(len(shown))
        page.keyboard.press("Escape")
        # The mouse: a click moves, a shift-click marks the rows between, a ctrl-click one more.
        rows.nth(0).click()
        rows.nth(2).click(modifiers=["Shift"])
        rows.nth(4).click(modifiers=["Control"])
        chosen = [shown[0], shown[1], shown[2], shown[4]]
        expect(selected).to_have_count(4)
        assert session.keys("#items li[aria-selected=true]") == chosen
        before = decisions(demo_copy, shown)
        page.keyboard.press("2")  # shortlists all four into the second section
        picked: dict[str, Decided] = {key: ("shortlisted", sections[1], WEEK) for key in chosen}
        assert settled(demo_copy, picked) == picked
        expect(selected).to_have_count(0)
        page.keyboard.press("u")
        assert settled(demo_copy, before) == before
        expect(page.locator("#status")).to_contain_text("Undone: 4 items")
        assert session.posts == ["/api/decisions", "/api/undo"]
        assert session.errors == []
