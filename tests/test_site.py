"""`mlnews build`: the static site from the demo's issues — links, feeds, search, themes, safety."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import html as lxml_html

from mlnews import demo
from mlnews.document.source import IssueError
from mlnews.formats.base import get_format
from mlnews.items import Item
from mlnews.publish import site
from mlnews.workspace import Workspace


@pytest.fixture(scope="module")
def built(demo_built: demo.Result) -> tuple[demo.Result, site.Built]:
    # The demo built its site already: this build writes nothing, the shared workspace stays as it is.
    return demo_built, site.build(demo_built.workspace, demo_built.workspace.root / "site")


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_issue_month_section_and_language_has_its_page(built: tuple[demo.Result, site.Built]) -> None:
    out = built[1].out
    for prefix in ("", "zh/", "ja/"):
        assert (out / prefix / "index.html").is_file()
        for name in ("2020-W37", "2020-W43", "2020-W49", "2020-W50", "2020-09", "2020-10", "2020-11"):
            assert (out / prefix / name / "index.html").is_file(), prefix + name
        for section in ("papers", "articles", "use-cases", "other"):
            assert (out / prefix / "sections" / section / "index.html").is_file()
            assert (out / prefix / "sections" / section / "2020" / "index.html").is_file()  # one page a year
        for name in ("feed.xml", "feed.json", "search.json"):
            assert (out / prefix / name).is_file()
    for name in ("sitemap.xml", "robots.txt", "assets/style.css", "assets/search.js"):
        assert (out / name).is_file()


def test_no_internal_link_is_broken(built: tuple[demo.Result, site.Built]) -> None:
    out = built[1].out
    for page in pages(out):
        document = lxml_html.fromstring(page.read_bytes())
        ids = set(document.xpath("//@id"))
        for element, attribute, link, _ in document.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # the world outside is not ours to check here
            if not parts.path:
                assert parts.fragment in ids, f"{page}: no #{parts.fragment}"
                continue
            target = out / parts.path.lstrip("/")
            if target.is_dir() or parts.path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(out)}: {element.tag} {attribute} {link} is missing"


def test_navigation_picks_and_hreflang(built: tuple[demo.Result, site.Built]) -> None:
    out = built[1].out
    page = lxml_html.fromstring((out / "zh" / "2020-W49" / "index.html").read_bytes())
    assert page.xpath("string(//h1)") == "2020 年第 49 周"
    assert page.xpath("//a[@rel='prev']/@href")[0] == "/zh/2020-W48/"
    assert page.xpath("//a[@rel='next']/@href")[0] == "/zh/2020-W50/"
    assert page.xpath("//link[@hreflang='ja']/@href") == ["https://example.org/ja/2020-W49/"]
    assert page.xpath("//nav[@class='languages']//a[@aria-current]/text()") == ["中文"]
    picks = page.xpath("//section[@class='picks']//a/@href")
    assert len(picks) == 3 and all(page.xpath(f"//*[@id='{p[1:]}']") for p in picks)
    # Every entry is translated (the demo's translation memory): the page's language is theirs.
    assert {e.get("lang") for e in page.xpath("//article[contains(@class, 'entry')]")} == {None}
    assert "传输关键点而非视频帧" in "".join(page.xpath("//article[@id='arxiv-2011-15126']//text()"))
    months = page.xpath("//nav[@class='past']//p[@class='related']/a/text()")
    assert months[:3] == ["2020 年 11 月汇总", "2020 年 10 月汇总", "2020 年 9 月汇总"]
    # The links again at the end, as in the reference, but one landmark: a screen reader
    # must be able to tell every navigation landmark from the others.
    assert page.xpath("//footer[@class='past']//a[@rel='prev']/@href") == ["/zh/2020-W48/"]
    labels = page.xpath("//nav/@aria-label")
    assert len(labels) == len(set(labels)) == len(page.xpath("//nav"))


def test_feeds_parse_and_carry_every_issue_in_full(built: tuple[demo.Result, site.Built]) -> None:
    out = built[1].out
    for prefix in ("", "zh/", "ja/"):
        atom = feedparser.parse((out / prefix / "feed.xml").read_bytes())
        assert not atom.bozo, atom.bozo_exception
        assert len(atom.entries) == 17
        newest = atom.entries[0]
        assert newest.link == f"https://example.org/{prefix}2020-W50/"
        week49 = next(e for e in atom.entries if e.link.endswith("2020-W49/"))
        assert "https://arxiv.org/abs/2011.15126" in week49.content[0].value
        json_feed = json.loads((out / prefix / "feed.json").read_text(encoding="utf-8"))
        assert json_feed["version"] == "https://jsonfeed.org/version/1.1" and len(json_feed["items"]) == 17
        # feedparser reads no JSON Feed: mlnews' own JSON Feed importer reads it back instead.
        items = [
            i
            for i in get_format("json-feed").parse((out / prefix / "feed.json").read_bytes())
            if isinstance(i, Item)
        ]
        assert len(items) == 17 and items[0].title == json_feed["items"][0]["title"]


def test_search_index_holds_every_entry_of_every_weekly_issue(built: tuple[demo.Result, site.Built]) -> None:
    out = built[1].out
    index = json.loads((out / "search.json").read_text(encoding="utf-8"))
    urls = {entry["url"] for entry in index}
    assert "/2020-W49/#arxiv-2011-15126" in urls
    assert len(index) == sum(
        len(re.findall(r"^### ", p.read_text(encoding="utf-8"), re.M))
        for p in (built[0].workspace.issues_dir).glob("2020-W*.md")
    )


def test_sitemap_lists_every_page(built: tuple[demo.Result, site.Built]) -> None:
    out = built[1].out
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == len(list(out.rglob("index.html")))
    assert "<loc>https://example.org/zh/2020-W49/</loc>" in sitemap
    assert "Sitemap: https://example.org/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


def test_a_rebuild_after_one_edit_rewrites_only_what_shows_it(demo_copy: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = site.build(demo_copy, out)
    assert not site.build(demo_copy, out).written  # nothing changed, nothing written
    source = demo_copy.issues_dir / "2020-W45.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        re.sub(r"^### .*$", "### A headline the curator rewrote", text, count=1, flags=re.M), "utf-8"
    )
    again = site.build(demo_copy, out)
    written = {str(p.relative_to(out)) for p in again.written}
    # The zh page shows the entry's Chinese translation (now stale, for `check` to say), not the English.
    assert "2020-W45/index.html" in written and "zh/2020-W45/index.html" not in written
    assert "2020-W49/index.html" not in written and "2020-09/index.html" not in written
    assert len(written) < first.pages / 3


def test_a_workspace_theme_overrides_a_template(demo_copy: Workspace, tmp_path: Path) -> None:
    theme = demo_copy.root / "theme"
    theme.mkdir()
    (theme / "issue.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1 class="mine">{{ issue.title }}</h1>{% endblock %}',
        encoding="utf-8",
    )
    (theme / "assets").mkdir()
    (theme / "assets" / "style.css").write_text("body { color: purple; }", encoding="utf-8")
    made = site.build(demo_copy, tmp_path / "out")
    page = (made.out / "2020-W49" / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="mine">Week 49, 2020</h1>' in page
    assert (made.out / "assets" / "style.css").read_text(encoding="utf-8") == "body { color: purple; }"
    assert "mine" not in (made.out / "index.html").read_text(
        encoding="utf-8"
    )  # the home page is still built-in


PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)>",
]


def test_no_payload_turns_into_markup_in_pages_or_feeds(demo_copy: Workspace, tmp_path: Path) -> None:
    source = demo_copy.issues_dir / "2020-W49.md"
    text = source.read_text(encoding="utf-8")
    payload = " ".join(PAYLOADS)
    text = re.sub(r"^### .*$", f"### Headline {payload}", text, count=1, flags=re.M)
    text = re.sub(r"^title: .*$", f"title: Title {payload}", text, count=1, flags=re.M)
    text = re.sub(r"^site: .*$", f"site: {payload}", text, count=3, flags=re.M)
    text = text.replace(
        "\n\nGenerates an image", f"\n\nSummary {payload} [x](javascript:alert(2))\n\nGenerates an image", 1
    )
    source.write_text(text, encoding="utf-8")
    made = site.build(demo_copy, tmp_path / "out")
    for page in pages(made.out):
        document = lxml_html.fromstring(page.read_bytes())
        scripts = document.xpath("//script")
        assert [s.get("src") for s in scripts] == ["/assets/search.js"], page
        assert not document.xpath("//iframe | //svg | //*[@onerror] | //*[@onload]"), page
        assert not [
            h for h in document.xpath("//@href | //@src") if h.strip().lower().startswith("javascript")
        ]
    feed = feedparser.parse((made.out / "feed.xml").read_bytes())
    assert not feed.bozo
    content = next(e for e in feed.entries if e.link.endswith("2020-W49/")).content[0].value
    fragment = lxml_html.fromstring(f"<div>{content}</div>")
    assert not fragment.xpath("//script | //iframe | //svg | //*[@onerror] | //*[@onload]")
    assert not [h for h in fragment.xpath("//@href | //@src") if h.strip().lower().startswith("javascript")]


def test_build_refuses_a_broken_issue_and_an_unknown_language(run, demo_copy: Workspace) -> None:  # type: ignore[no-untyped-def]
    result = run("-w", "demo", "build", "--lang", "fr")
    assert result.code == 1 and "--lang fr: not one of this newsletter's languages (en, zh, ja)" in result.err
    source = demo_copy.root / "issues" / "2020-W49.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## papers", "## papres"), encoding="utf-8")
    result = run("-w", "demo", "build")
    assert result.code == 1 and "2020-W49.md" in result.err and "unknown section 'papres'" in result.err
    shutil.rmtree(demo_copy.root / "issues")


def test_preview_serves_the_site_and_rebuilds_on_change(run, demo_copy: Workspace) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    import time

    import httpx

    environment = {**os.environ, "MLNEWS_WORKSPACE": str(demo_copy.root), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mlnews", "preview", "--port", "0"],
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        address = lines[1].split()[1]
        assert address.startswith("http://127.0.0.1:")
        page = httpx.get(address + "2020-W49/").text
        assert "<h1>Week 49, 2020</h1>" in page
        source = demo_copy.root / "issues" / "2020-W49.md"
        time.sleep(1.1)  # a different modification time, on any file system
        text = source.read_text(encoding="utf-8")
        source.write_text(
            re.sub(r"^### .*$", "### Rewritten while previewing", text, count=1, flags=re.M), "utf-8"
        )
        assert "rebuilt:" in process.stdout.readline()
        assert "Rewritten while previewing" in httpx.get(address + "2020-W49/").text
    finally:
        process.terminate()
        process.wait(10)


def test_preview_refuses_a_port_it_cannot_have_in_one_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import socket

    assert run("init", "ws").code == 0
    for port in ("80000", "-1"):
        result = run("-w", "ws", "preview", "--port", port)
        assert result.code == 1 and "Traceback" not in result.err
        assert result.err.strip().splitlines() == [
            f"Error: --port {port}: not a port; use 1 to 65535, or 0 for any free one"
        ]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run("-w", "ws", "preview", "--port", port)
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    assert f"127.0.0.1:{port}:" in result.err and "try another --port" in result.err
    assert not (tmp_path / "ws" / "site").exists()  # refused before a build was spent


VNU = Path(__file__).resolve().parent.parent / ".venv" / "vnu" / "package" / "build" / "dist" / "vnu.jar"


@pytest.mark.slow
def test_the_html_validates(built: tuple[demo.Result, site.Built]) -> None:
    import os
    import subprocess

    jar = Path(os.environ.get("MLNEWS_VNU_JAR", VNU))
    if not jar.is_file() or shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java and .venv/vnu (make test fetches it from npm)")
    out = built[1].out
    chosen = [
        out / prefix / name / "index.html"
        for prefix in ("", "zh", "ja")
        for name in ("", "2020-W49", "2020-11", "sections/papers")
    ]
    checked = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "text", *map(str, chosen)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_deleted_issue_leaves_the_site_and_a_new_setting_renders_every_page(
    demo_copy: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    site.build(demo_copy, out)
    (demo_copy.issues_dir / "2020-W37.md").unlink()
    again = site.build(demo_copy, out)
    assert not (out / "2020-W37" / "index.html").exists() and not (out / "zh" / "2020-W37").exists()
    assert "2020-W38/index.html" in {str(p.relative_to(out)) for p in again.written}  # it lost its neighbour
    config = demo_copy.config_path
    config.write_text(config.read_text(encoding="utf-8").replace("mlnews demo digest", "Renamed"), "utf-8")
    renamed = site.build(Workspace(demo_copy.root), out)  # settings are read afresh, as by a command
    assert "Renamed" in (out / "2020-W49" / "index.html").read_text(encoding="utf-8")
    assert len(renamed.written) > 40


def test_building_in_two_processes_gives_the_same_site(
    demo_copy: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = site.build(demo_copy, tmp_path / "one")
    monkeypatch.setattr(site, "PARALLEL_FROM", 2)
    monkeypatch.setattr(site.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(site.threading, "active_count", lambda: 1)  # pytest's own threads aside
    forks = []
    real = site.ProcessPoolExecutor
    monkeypatch.setattr(site, "ProcessPoolExecutor", lambda *a, **k: forks.append(1) or real(*a, **k))
    two = site.build(demo_copy, tmp_path / "two")
    assert forks and len(one.written) == len(two.written)
    for path in one.out.rglob("*"):
        if path.is_file():
            assert (two.out / path.relative_to(one.out)).read_bytes() == path.read_bytes(), path


def test_what_a_build_no_longer_makes_leaves_the_site(demo_copy: Workspace, tmp_path: Path) -> None:
    root = demo_copy.root
    out = tmp_path / "out"
    site.build(demo_copy, out)
    # An issue deleted and a setting changed in one go; then a language dropped.
    (demo_copy.issues_dir / "2020-W50.md").unlink()
    config = demo_copy.config_path
    config.write_text(config.read_text(encoding="utf-8").replace('footer = "', 'footer = "New. '), "utf-8")
    site.build(Workspace(root), out)
    assert not (out / "2020-W50").exists() and not (out / "ja" / "2020-W50").exists()
    assert "2020-W50" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace('"en", "zh", "ja"', '"en", "ja"'), "utf-8")
    site.build(Workspace(root), out)
    assert not (out / "zh").exists() and "/zh/" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    # Building one language keeps the others; the next full build lists them all again.
    site.build(Workspace(root), out, ["en"])
    assert (out / "ja" / "2020-W49" / "index.html").is_file()
    site.build(Workspace(root), out)
    page = (out / "2020-W49" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="ja"' in page


def test_control_characters_never_reach_pages_or_feeds(demo_copy: Workspace, tmp_path: Path) -> None:
    source = demo_copy.issues_dir / "2020-W50.md"
    text = source.read_text(encoding="utf-8")
    # A C0 control is a problem `check` reports (issue 25): the site is not built until it is gone.
    source.write_text(text.replace("### ", "### Ctrl\x01char\x1b ", 1), encoding="utf-8")
    with pytest.raises(IssueError, match=r"2020-W50.md:\d+: control character U\+0001, U\+001B"):
        site.build(demo_copy, tmp_path / "out")
    # A C1 control (pasted from a mis-decoded feed) is dropped on reading, never published.
    source.write_text(text.replace("### ", "### Ctrl\x85char\x9b ", 1), encoding="utf-8")
    made = site.build(demo_copy, tmp_path / "out")
    assert not feedparser.parse((made.out / "feed.xml").read_bytes()).bozo
    page = (made.out / "2020-W50" / "index.html").read_text(encoding="utf-8")
    assert "Ctrlchar" in page and "\x85" not in page and "\x9b" not in page


def test_figures_come_from_media_only_and_are_made_web_sized(demo_copy: Workspace, tmp_path: Path) -> None:
    from PIL import Image

    root = demo_copy.root
    Image.new("RGB", (3000, 1500), "navy").save(root / "media" / "big.png")
    (tmp_path / "secret.txt").write_text("not for the web", encoding="utf-8")
    source = demo_copy.issues_dir / "2020-W49.md"
    text = source.read_text(encoding="utf-8").replace("post: ", "figure: media/big.png\npost: ", 1)
    text = text.replace(
        "\n\nGenerates an image", "\n\nfigure: media/../../secret.txt\n\nGenerates an image", 1
    )
    source.write_text(text, encoding="utf-8")
    made = site.build(demo_copy, tmp_path / "out")
    assert Image.open(made.out / "media" / "big.png").width == 1200
    assert not list(tmp_path.rglob("out/**/secret.txt")) and not (tmp_path / "out" / "secret.txt").exists()
    home = (made.out / "index.html").read_text(encoding="utf-8")
    page = (made.out / "2020-W49" / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image" content="https://example.org/media/big.png">' in page
    assert '<meta property="og:locale" content="en_US">' in page
    assert 'og:locale" content="zh_CN"' in (made.out / "zh" / "index.html").read_text(encoding="utf-8")
    assert "og:image" not in home  # the home page shows week 50, which has no figure
    # A figure replaced by another of the same size is copied again.
    Image.new("RGB", (3000, 1500), "maroon").save(root / "media" / "big.png")
    site.build(demo_copy, tmp_path / "out")
    assert Image.open(made.out / "media" / "big.png").getpixel((0, 0)) == (128, 0, 0)


def test_feeds_link_absolutely_and_to_their_own_language(demo_copy: Workspace, tmp_path: Path) -> None:
    made = site.build(demo_copy, tmp_path / "out")
    atom = (made.out / "zh" / "feed.xml").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="text/html" href="https://example.org/zh/"/>' in atom
    items = json.loads((made.out / "feed.json").read_text(encoding="utf-8"))["items"]
    body = items[0]["content_html"]
    assert 'href="/' not in body and 'href="#' not in body and 'href="https://example.org/2020-W50/#' in body


def test_a_broken_theme_template_is_a_one_line_error(run, demo_copy: Workspace) -> None:  # type: ignore[no-untyped-def]
    theme = demo_copy.root / "theme"
    theme.mkdir()
    (theme / "issue.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ issue.title }{% endblock %}', "utf-8"
    )
    result = run("-w", "demo", "build")
    assert result.code == 1
    assert result.err.startswith("Error: ") and "issue.html:1: template error:" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_an_edit_to_a_week_reaches_its_month_page_unless_the_month_was_edited(
    demo_copy: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    site.build(demo_copy, out)
    week = demo_copy.issues_dir / "2020-W46.md"
    text = week.read_text(encoding="utf-8")
    week.write_text(
        re.sub(r"^### .*$", "### A sharper headline for week 46", text, count=1, flags=re.M), "utf-8"
    )
    again = site.build(demo_copy, out)
    written = {str(p.relative_to(out)) for p in again.written}
    assert {"2020-W46/index.html", "2020-11/index.html"} <= written
    assert "A sharper headline for week 46" in (out / "2020-11" / "index.html").read_text(encoding="utf-8")
    # A headline the curator rewrote in the month's own file stays the month's.
    month = demo_copy.issues_dir / "2020-11.md"
    key = re.search(r"^key: (.*)$", week.read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]
    text = month.read_text(encoding="utf-8")
    text = re.sub(rf"^### .*\n(key: {re.escape(key)})$", r"### The month's own words\n\1", text, flags=re.M)
    month.write_text(text, "utf-8")
    week.write_text(week.read_text(encoding="utf-8").replace("for week 46", "again", 1), "utf-8")
    site.build(demo_copy, out)
    page = (out / "2020-11" / "index.html").read_text(encoding="utf-8")
    assert "The month's own words" in page and "A sharper headline again" not in page


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_that_fails_or_is_killed_leaves_the_last_site_whole(run, demo_copy: Workspace) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal
    import subprocess
    import sys
    import time

    root = demo_copy.root
    before = _files(root / "site")
    assert "index.html" in before and "search.json" in before
    # A theme change makes every page new; a broken last issue stops the build after most are written.
    (root / "theme").mkdir()
    base = (Path(site.__file__).parents[1] / "theme" / "base.html").read_text("utf-8")
    (root / "theme" / "base.html").write_text(base.replace("</body>", "<!-- rebuilt --></body>"), "utf-8")
    last = root / "issues" / "2020-W50.md"
    good = last.read_text(encoding="utf-8")
    last.write_text(good.replace("## papers", "## papres"), encoding="utf-8")
    result = run("-w", "demo", "build")
    assert result.code == 1 and "unknown section 'papres'" in result.err
    assert _files(root / "site") == before
    assert not (root / ".site.building").exists()

    # Killed while it writes: the old site stays, whole, and the next build cleans up after it.
    last.write_text(good, encoding="utf-8")
    command = [sys.executable, "-m", "mlnews", "-w", str(root), "build"]
    for _ in range(5):
        shutil.rmtree(root / ".mlnews-cache", ignore_errors=True)  # every page rendered: a longer build
        build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while build.poll() is None and not _rebuilt(root / ".site.building" / "2020-W48" / "index.html"):
            time.sleep(0.005)
        if build.poll() is None:
            os.kill(build.pid, signal.SIGKILL)
            build.wait()
            break
    else:
        pytest.fail("the build always ended before it could be killed")
    assert _files(root / "site") == before
    result = run("-w", "demo", "build")
    assert result.code == 0, result.err
    after = _files(root / "site")
    assert set(after) == set(before) and b"<!-- rebuilt -->" in after["index.html"]
    assert not (root / ".site.building").exists() and not (root / ".site.old").exists()


def _rebuilt(page: Path) -> bool:
    try:
        return b"<!-- rebuilt -->" in page.read_bytes()
    except OSError:
        return False


def test_a_first_build_that_fails_leaves_no_site_folder(run, demo_copy: Workspace) -> None:  # type: ignore[no-untyped-def]
    shutil.rmtree(demo_copy.root / "site")
    source = demo_copy.root / "issues" / "2020-W50.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## papers", "## papres"), encoding="utf-8")
    assert run("-w", "demo", "build").code == 1
    assert not (demo_copy.root / "site").exists()
