"""The site in a real browser (Debian's chromium, driven by Playwright): what a reader does.

Skipped, with the reason, where no chromium is installed; `.ci/run` installs it.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from mlnews import demo
from mlnews.publish import site
from mlnews.workspace import Workspace

pytestmark = pytest.mark.browser


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def address(demo_built: demo.Result) -> Iterator[str]:
    # The demo built its site already: this build writes nothing, the shared workspace stays as it is.
    made = site.build(demo_built.workspace, demo_built.workspace.root / "site")
    server = serve(made.out)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    opened = context.new_page()
    opened.errors = []  # type: ignore[attr-defined]
    opened.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
    opened.on("pageerror", lambda e: opened.errors.append(str(e)))
    yield opened
    context.close()


def test_the_home_page_loads_without_a_console_error(page: Any, address: str) -> None:
    response = page.goto(address + "/")
    assert response.status == 200
    assert page.locator("h1").first.inner_text() == "Week 50, 2020"
    assert page.locator("main").count() == 1 and page.locator("header.site").count() == 1
    page.wait_for_load_state("networkidle")
    assert page.errors == []


def test_previous_next_and_month_links_lead_to_the_right_issues(page: Any, address: str) -> None:
    page.goto(address + "/2020-W49/")
    page.locator("a[rel=prev]").first.click()
    assert page.url == address + "/2020-W48/" and page.locator("h1").inner_text() == "Week 48, 2020"
    page.locator("a[rel=next]").first.click()
    page.locator("a[rel=next]").first.click()
    assert page.url == address + "/2020-W50/"
    page.goto(address + "/2020-W49/")
    page.get_by_role("link", name="November 2020 summary").first.click()
    assert page.url == address + "/2020-11/" and page.locator("h1").inner_text() == "November 2020 summary"
    assert page.errors == []


def test_the_language_switcher_keeps_the_page(page: Any, address: str) -> None:
    page.goto(address + "/2020-W43/")
    page.locator("nav.languages a", has_text="中文").click()
    assert page.url == address + "/zh/2020-W43/"
    assert page.locator("h1").inner_text() == "2020 年第 43 周"
    page.locator("nav.languages a", has_text="日本語").click()
    assert page.url == address + "/ja/2020-W43/" and page.locator("html").get_attribute("lang") == "ja"


def test_search_finds_an_entry_by_a_word_of_its_summary(page: Any, address: str) -> None:
    page.goto(address + "/")
    page.locator("#search-box").fill("keypoint bandwidth")
    result = page.locator(".results a").first
    result.wait_for()
    assert result.get_attribute("href") == "/2020-W49/#arxiv-2011-15126"
    result.click()
    assert page.url == address + "/2020-W49/#arxiv-2011-15126"
    page.locator("#search-box").fill("zzzz-no-such-word")
    page.wait_for_function("document.querySelector('.results li')?.textContent === 'Nothing found.'")
    page.locator("#search-box").press("Enter")  # nothing to open: the page stays
    assert page.url == address + "/2020-W49/#arxiv-2011-15126"


def test_search_puts_title_matches_first_then_the_newest(page: Any, address: str) -> None:
    page.goto(address + "/")
    page.locator("#search-box").fill("resolution")
    page.locator(".results a").first.wait_for()
    assert page.locator(".results .where").all_inner_texts() == [
        " Week 49, 2020",  # "resolution" in the paper's title (FixEfficientNet)
        " Week 47, 2020",  # in the summary, newer
        " Week 43, 2020",  # in the summary, older
    ]


def test_enter_in_the_search_box_opens_the_first_result(page: Any, address: str) -> None:
    page.goto(address + "/zh/")
    page.locator("#search-box").fill("关键点 带宽")  # the Chinese site's index is in Chinese
    page.locator("#search-box").press("Enter")  # at once: before the index has even loaded
    page.wait_for_url(address + "/zh/2020-W49/#arxiv-2011-15126")
    assert page.errors == []


def test_the_chinese_site_search_finds_chinese_words(page: Any, address: str) -> None:
    page.goto(address + "/zh/")
    page.locator("#search-box").fill("视频")
    page.locator(".results a").first.wait_for()
    links = page.locator(".results a")
    assert links.count() >= 2
    assert all(
        href.startswith("/zh/") for href in links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))")
    )
    assert "视频" in links.first.inner_text() or "视频" in page.locator(".results").inner_text()


def test_the_layout_holds_at_phone_width(browser: Any, address: str) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    phone = context.new_page()
    for path in ("/", "/2020-W49/", "/zh/2020-W49/", "/sections/papers/"):
        phone.goto(address + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
        font = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= 15
    context.close()


def test_keyboard_reaches_the_content_first(page: Any, address: str) -> None:
    page.goto(address + "/2020-W49/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


OWASP = [
    "<script>alert('xss1')</script>",
    "<IMG SRC=javascript:alert('xss2')>",
    "<IMG SRC=x onerror=alert('xss3')>",
    '"><svg/onload=alert("xss4")>',
    "<iframe src=\"javascript:alert('xss5')\"></iframe>",
    "<a href=\"jav&#x09;ascript:alert('xss6')\">x</a>",
    "<BODY ONLOAD=alert('xss7')>",
    '<img src="https://evil.example/beacon.gif">',
    "<style>@import'https://evil.example/x.css';</style>",
    "[click](javascript:alert('xss8'))",
    "![img](https://evil.example/pixel.png)",
]


def test_owasp_payloads_in_every_field_do_nothing_in_the_browser(
    browser: Any, demo_copy: Workspace, tmp_path: Path
) -> None:
    source = demo_copy.issues_dir / "2020-W49.md"
    payload = " ".join(OWASP)
    text = source.read_text(encoding="utf-8")
    for field in ("title", "site", "description", "post", "authors"):
        text = re.sub(rf"^{field}: .*$", f"{field}: {payload}", text, count=2, flags=re.M)
    text = re.sub(r"^### .*$", f"### {payload}", text, count=3, flags=re.M)
    text = text.replace("\n\nGenerates an image", f"\n\n{payload}\n\nGenerates an image", 1)
    source.write_text(text, encoding="utf-8")
    made = site.build(demo_copy, tmp_path / "out")
    server = serve(made.out)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    try:
        for path in ("/2020-W49/", "/", "/sections/papers/", "/2020-11/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            found = "main script, main iframe, main svg, main style, [onload], [onerror]"
            injected = page.evaluate(f"document.querySelectorAll('{found}').length")
            assert injected == 0, path
            hrefs = page.evaluate("[...document.querySelectorAll('[href],[src]')].map(e => e.href || e.src)")
            assert not [h for h in hrefs if h.lower().startswith("javascript")], path
        page.locator("#search-box").fill("xss")
        page.locator("form.search .results li").first.wait_for()  # the results (or "nothing found")
        assert dialogs == [] and outside == []
    finally:
        context.close()
        server.shutdown()
