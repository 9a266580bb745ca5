"""`mlnews render`: the layout of the reference issues, in three languages, safe to paste."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from markdown_it import MarkdownIt

from mlnews import demo, i18n, identity
from mlnews.render.links import SiteLinks
from mlnews.render.view import anchor
from mlnews.weeks import Week
from mlnews.workspace import Workspace

LOCALE = Path(__file__).resolve().parent.parent / "src" / "mlnews" / "locale"
SEED = {"2020-W49": "akiras-ml-news-2020-week49.zh.md", "2020-W43": "akiras-ml-news-2020-week43.zh.md"}


@pytest.fixture(scope="module")
def built(demo_built: demo.Result) -> demo.Result:
    return demo_built


def rendered(built: demo.Result, name: str, lang: str) -> str:
    from mlnews.render.published import markdown_issue
    from mlnews.weeks import parse_period

    links = SiteLinks("https://example.org/", "en")
    return markdown_issue(built.workspace, parse_period(name), lang, links)


# -- the skeleton of an issue: what the reference and a render must share ----------------------

LINK = re.compile(r"(?<!!)\[([^\]]*)\]\((https?://[^)\s]*)\)|<(https?://[^>]+)>|【(https?://[^\s】]+)")


def _flat(text: str) -> str:
    return re.sub(r"[\s—*]", "", text)


def skeleton(markdown: str) -> dict[str, object]:
    """Headings (without entry headlines), picks, navigation, monthly links, and entries per section."""
    # Medium's link cards hold `## title` and `### description` inside a multi-line link label.
    markdown = re.sub(r"\[## [^\]]*\]", lambda m: " ".join(m.group(0).split()), markdown)
    lines = markdown.splitlines()
    headings = [
        (i, re.sub(r"^#+\s*", "", line).strip()) for i, line in enumerate(lines) if line.startswith("#")
    ]
    section = re.compile(r"^(\d)\.\s*(.+)$")
    structure, entries, current = [], {}, None
    past_seen = 0
    for index, (_, text) in enumerate(headings):
        match = section.match(_flat(text))
        if match:
            current = match.group(1)
            entries[current] = []
            structure.append(_flat(text))
        elif current and past_seen < 1 and not _is_fixed(text):
            entries[current].append(index)
        else:
            if _is_fixed(text) or index == 0 or (not current and not structure[1:]):
                structure.append(_flat(text))
            if _is_past(text):
                past_seen += 1 if current else 0
    by_section: dict[str, set[str]] = {}
    bounds = [i for i, _ in headings] + [len(lines)]
    for number, indexes in entries.items():
        keys: set[str] = set()
        for index in indexes:
            block = "\n".join(lines[bounds[index] : bounds[index + 1]])
            urls = _urls(block)  # the first is the item's own link; a summary may link elsewhere
            keys |= {identity.identify(urls[0]) or urls[0]} if urls else set()
        by_section[number] = keys
    past = next(i for i, text in headings if _is_past(text))
    navigation = []
    for line in lines[past + 1 :]:
        if line.startswith(("#", "---", "— —")):
            break
        if line.strip():
            navigation.append(line)
    picks_at = next(i for i, text in headings if _is_picks(text))
    picks = [line for line in lines[picks_at + 1 : past] if line.strip().startswith(("*", "-"))]
    # Our picks link to the entry in the published issue (`…/2020-W49/#arxiv-2011-03775`).
    anchors = {anchor(key): key for keys in by_section.values() for key in keys}

    def picked(url: str) -> str:
        fragment = url.partition("#")[2]
        return anchors.get(fragment) or identity.identify(url) or url

    return {
        "title": _flat(headings[0][1]),
        "structure": structure,
        "picks": [{picked(u) for u in _urls(p)} for p in picks],
        "navigation": _labels(navigation[0]),
        "monthly": [label for line in navigation[1:] if "⇦" not in line for label in _labels(line)],
        "entries": by_section,
    }


def _urls(text: str) -> list[str]:
    return [
        m.group(2) or m.group(3) or m.group(4)
        for m in LINK.finditer(text)
        if (m.group(2) or m.group(3) or m.group(4))
    ]


def _labels(line: str) -> list[str]:
    """Link labels and the plain text between them: `[第 48 周] ⇦第 49 周(本帖)⇨ [第 50 周]` -> 3 parts."""
    parts = [_flat(p) for p in re.split(r"\[([^\]]*)\]\([^)]*\)|⇦|⇨", line) if p and _flat(p)]
    return parts


FIXED = {
    "主题",
    "每周编辑精选",
    "过去的文章",
    "Sections",
    "Editor'spicks",
    "Pastissues",
    "目次",
    "今週の編集者のおすすめ",
    "過去の記事",
}


def _is_fixed(text: str) -> bool:
    return _flat(text) in FIXED


def _is_past(text: str) -> bool:
    return _flat(text) in {"过去的文章", "Pastissues", "過去の記事"}


def _is_picks(text: str) -> bool:
    return _flat(text) in {"每周编辑精选", "Editor'spicks", "今週の編集者のおすすめ"}


@pytest.mark.parametrize("name", ["2020-W49", "2020-W43"])
def test_zh_render_has_the_skeleton_of_the_reference(seeds: Path, built: demo.Result, name: str) -> None:
    reference = skeleton((seeds / SEED[name]).read_text(encoding="utf-8"))
    ours = skeleton(rendered(built, name, "zh"))
    assert ours["title"] == reference["title"]
    # Same headings in the same order. The reference ends with a footer heading, ours with a
    # footer paragraph; the week-43 reference lists the sections without a heading over them.
    expected = [h for h in reference["structure"] if h != "推特，我贴一句纸评论。"]  # type: ignore[attr-defined]
    assert [h for h in ours["structure"] if h in expected or h != "主题"] == expected  # type: ignore[attr-defined]
    assert ours["navigation"] == reference["navigation"]
    assert ours["monthly"] == reference["monthly"]
    # The picks name the same items (the week-43 reference's first pick has no link).
    assert len(ours["picks"]) == len(reference["picks"]) == 3  # type: ignore[arg-type]
    for our_pick, their_pick in zip(ours["picks"], reference["picks"], strict=True):  # type: ignore[call-overload]
        assert their_pick <= our_pick
    # Every entry of the reference is an entry of the same section in ours.
    for number, keys in reference["entries"].items():  # type: ignore[attr-defined]
        assert keys <= ours["entries"][number], number  # type: ignore[index]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_en_and_ja_have_the_same_skeleton_as_zh(built: demo.Result, lang: str) -> None:
    zh, other = skeleton(rendered(built, "2020-W49", "zh")), skeleton(rendered(built, "2020-W49", lang))
    assert len(other["structure"]) == len(zh["structure"])  # type: ignore[arg-type]
    assert other["picks"] == zh["picks"]
    assert other["entries"] == zh["entries"]
    assert len(other["navigation"]) == 3 and len(other["monthly"]) == 3  # type: ignore[arg-type]


def test_fixed_strings_and_dates_are_in_the_reader_language(built: demo.Result) -> None:
    en, zh, ja = (rendered(built, "2020-W49", lang) for lang in ("en", "zh", "ja"))
    assert en.startswith("# Week 49, 2020\n\n") and "(Nov 29 ~)" in en
    assert zh.startswith("# 2020 年第 49 周\n\n") and "(11 月 29 日~)" in zh  # as the reference spaces it
    assert ja.startswith("# 2020年 第49週\n\n") and "（11月29日〜）" in ja
    assert (
        "[Week 48](https://example.org/2020-W48/) ⇦ Week 49 (this post) ⇨ [Week 50](https://example.org/2020-W50/)"
        in en
    )
    assert (
        "[第 48 周](https://example.org/zh/2020-W48/) ⇦ 第 49 周(本帖) ⇨ [第 50 周](https://example.org/zh/2020-W50/)"
        in zh
    )
    assert "[November 2020 summary](https://example.org/2020-11/)" in en
    assert "[2020年11月のまとめ](https://example.org/ja/2020-11/)" in ja
    assert (
        "\n## 1. Machine-learning papers\n" in en
        and "\n## 1. 机器学习论文\n" in zh
        and "\n## 1. 機械学習の論文\n" in ja
    )
    assert en.endswith("ready to share.\n")  # the footer from the settings
    assert "\n## 每周编辑精选\n" in zh and "\n## 今週の編集者のおすすめ\n" in ja
    # A month's picks are the month's, not the week's.
    month = {lang: rendered(built, "2020-11", lang) for lang in ("en", "zh", "ja")}
    assert "\n## Editor's picks of the month\n" in month["en"]
    assert "\n## 每月编辑精选\n" in month["zh"] and "\n## 今月の編集者のおすすめ\n" in month["ja"]


def test_neighbour_links_only_where_the_issue_exists(built: demo.Result) -> None:
    first = rendered(built, "2020-W37", "en")
    assert "\nWeek 37 (this post) ⇨ [Week 38](https://example.org/2020-W38/)\n" in first
    last = rendered(built, "2020-W50", "en")
    assert "[Week 49](https://example.org/2020-W49/) ⇦ Week 50 (this post)\n" in last
    # A month is linked once it is over: week 43 ends on 24 October, so only September.
    w43 = rendered(built, "2020-W43", "en")
    assert "[September 2020 summary](https://example.org/2020-09/)" in w43
    assert "October 2020 summary" not in w43


def test_markdown_links_between_rendered_files_resolve(built: demo.Result) -> None:
    folder = built.markdown_dir
    for path in folder.glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+\.md)\)", path.read_text(encoding="utf-8")):
            assert (folder / target).is_file(), f"{path.name} links to missing {target}"


@pytest.mark.parametrize(
    ("name", "lang"), [("2020-W49", "en"), ("2020-W49", "zh"), ("2020-W49", "ja"), ("2020-11", "en")]
)
def test_golden_files(built: demo.Result, name: str, lang: str, golden: Callable[[str, str], None]) -> None:
    """The whole rendered text; set MLNEWS_UPDATE_GOLDEN=1 to accept a deliberate change."""
    golden(f"{name}.{lang}.md", rendered(built, name, lang))


def test_nothing_from_items_or_curator_can_inject_markup(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    issues = tmp_path / "ws" / "issues"
    (tmp_path / "ws" / "media" / "<x>.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # an image by its magic bytes
    (issues / "2020-W49.md").write_text(
        """+++
week = "2020-W49"
picks = ["url:https://evil.example/a"]
+++

Intro <script>alert('intro')</script> [x](javascript:alert(1))

## other

### Headline <img src=x onerror=alert(1)>
key: url:https://evil.example/a
kind: article
title: Title <script>alert(1)</script> [click](javascript:alert(2))
link: https://evil.example/a?q=<b>"x"</b>
site: <svg onload=alert(3)>
description: ![x](javascript:alert(4)) <iframe src=javascript:alert(5)>
figure: media/<x>.png

Summary <a href="javascript:alert(6)">link</a> and [ok](https://ok.example/) and [bad](vbscript:msgbox)
""",
        encoding="utf-8",
    )
    for lang in ("en", "zh", "ja"):
        result = run("-w", "ws", "render", "2020-W49", "--lang", lang)
        assert result.code == 0, result.err
        out = result.out
        # A backslash-escaped `\<` is text in CommonMark; an unescaped tag would be HTML.
        assert not re.search(r"(?<!\\)<(script|img|svg|iframe|a|b)\b", out, re.I), out
        assert not re.search(r"(?<!\\)\]\((javascript|vbscript):", out, re.I), out
        assert "[ok](https://ok.example/)" in out
        assert_inert(out)
        assert "https://evil.example/a?q=%3Cb%3E%22x%22%3C/b%3E" in out


def assert_inert(markdown: str) -> None:
    """As CommonMark: no raw HTML at all, and every link and image goes to http(s) or mailto."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    for token in tokens:
        assert token.type not in ("html_block", "html_inline"), token.content
        for child in token.children or []:
            assert child.type not in ("html_block", "html_inline"), child.content
            target = child.attrGet("href") or child.attrGet("src")
            if target is not None:
                assert str(target).startswith(("https://", "http://", "mailto:")) or not target, target


def test_the_demo_renders_as_plain_commonmark(built: demo.Result) -> None:
    for path in built.markdown_dir.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        tokens = MarkdownIt("commonmark").parse(text)
        assert not [t for t in tokens if t.type == "html_block"], path.name
    for lang in ("en", "zh", "ja"):
        assert_inert(rendered(built, "2020-W49", lang))


def test_bad_input_stops_render_and_keeps_the_old_output(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    source = tmp_path / "ws" / "issues" / "2020-W49.md"
    source.write_text(
        '+++\nweek = "2020-W49"\n+++\n\n## papers\n\n### A\nkey: arxiv:2011.15126\n', encoding="utf-8"
    )
    out = tmp_path / "out.md"
    out.write_text("previous render\n", encoding="utf-8")
    result = run("-w", "ws", "render", "2020-W49", "-o", str(out))
    assert result.code == 1
    assert (
        result.err
        == f"Error: {source}:7: entry has no link ('link: https://…'); see `mlnews check 2020-W49`\n"
    )
    assert out.read_text(encoding="utf-8") == "previous render\n"
    result = run("-w", "ws", "render", "2020-W49", "--lang", "fr")
    assert result.code == 1 and "language 'fr': no catalogue; available: en, ja, zh" in result.err


def test_every_string_in_the_code_has_a_translation_in_every_catalogue() -> None:
    package = Path(i18n.__file__).parent
    messages = {
        message
        for _, _, message, *_ in extract_from_dir(
            str(package),
            method_map=[("**.py", "python"), ("theme/**.html", "jinja2")],  # as babel.cfg says
            keywords={"cat": None, "N_": None},
        )
        if isinstance(message, str)
    }
    assert {"Week {week}, {year}", "Other topics", "Skip to the content"} <= messages
    for lang in i18n.languages()[1:]:
        with (LOCALE / lang / "LC_MESSAGES" / "mlnews.po").open("rb") as po:
            catalogue = read_po(po)
        translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
        assert messages <= translated, f"{lang}: missing {sorted(messages - translated)}"
        for message in catalogue:
            if message.id:
                assert set(re.findall(r"\{\w+\}", str(message.string))) <= set(
                    re.findall(r"\{\w+\}", str(message.id))
                ) | {"{month}"}, message.id


def test_week_of_a_monday_workspace_starts_on_monday(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    config = tmp_path / "ws" / "mlnews.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"sunday"', '"monday"'), encoding="utf-8")
    (tmp_path / "ws" / "issues" / "2020-W49.md").write_text('+++\nweek = "2020-W49"\n+++\n', encoding="utf-8")
    assert "(Nov 30 ~)" in run("-w", "ws", "render", "2020-W49").out
    assert Week(2020, 49).start("monday").day == 30


@pytest.mark.parametrize(
    "markdown",
    [
        "[y]( javascript:alert(2) )",
        "[y](javascript:alert(2) )",
        "[a](javascript:x 't')",
        "[a](javascript:x (t))",
        "[y](javascript:alert(2)\n)",
        '[k](javascript:alert(1) "title")',
        "[a](jav&#x61;script:x)",
        "[a](java\\script:x)",
        "[a](<javascript:x>)",
        "![i](data:image/png;base64,xx)",
        "[r]: javascript:x\n\n[r]",
        "[r]:\n  javascript:x\n\n[r]",
        "<javascript:alert(1)>",
        "<img src=x onerror=alert(1)>",
        "[ok](VBScript:msgbox)",
    ],
)
def test_no_link_form_smuggles_a_script_url(markdown: str) -> None:
    from mlnews.document.safe import disarm

    parser = MarkdownIt("commonmark")
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  (what a lax renderer does)
    html = parser.render(disarm(markdown))
    assert not re.search(r"(href|src)=\"(?!https?:|mailto:)[a-z]+:", html, re.I), html
    assert "<img" not in html and "<h1" not in html


@pytest.mark.parametrize(
    ("markdown", "disarmed"),
    [
        ("see ![dot](http://canary.invalid/p.png) here", "see [dot](http://canary.invalid/p.png) here"),
        ("![dot][pixel]\n\n[pixel]: https://x.org/p.png", "[dot][pixel]\n\n[pixel]: https://x.org/p.png"),
        ("\\\\![dot](https://x.org/p.png)", "\\\\[dot](https://x.org/p.png)"),  # an escaped backslash
        ("\\![not an image](https://x.org/)", "\\![not an image](https://x.org/)"),  # an escaped "!"
        ("`![code](x.png)`", "`![code](x.png)`"),
    ],
)
def test_an_image_the_curator_writes_is_a_link_in_every_edition(markdown: str, disarmed: str) -> None:
    # Every reader's client would fetch it from anywhere (a tracking pixel): the Markdown edition
    # links it, as the site and e-mail drop it; figures come from media/.
    from mlnews.document.safe import disarm

    assert disarm(markdown) == disarmed
    assert "<img" not in MarkdownIt("commonmark").render(disarm(markdown))


def test_code_is_left_as_written_and_comments_are_private() -> None:
    from mlnews.document.safe import disarm

    text = "Use `<script>` here:\n\n```html\n<b>bold</b>\n```\n\n<!-- note to self --> done"
    assert disarm(text) == "Use `<script>` here:\n\n```html\n<b>bold</b>\n```\n\n done"


def test_navigation_names_the_year_of_a_neighbour_in_another_year(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    issues = tmp_path / "ws" / "issues"
    for week in ("2020-W53", "2021-W01"):
        (issues / f"{week}.md").write_text(f'+++\nweek = "{week}"\n+++\n', encoding="utf-8")
    out = run("-w", "ws", "render", "2020-W53").out
    assert "Week 53 (this post) ⇨ [Week 1, 2021](https://example.org/2021-W01/)" in out


def test_render_into_a_missing_folder_names_the_folder(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    (tmp_path / "ws" / "issues" / "2020-W49.md").write_text('+++\nweek = "2020-W49"\n+++\n', encoding="utf-8")
    result = run("-w", "ws", "render", "2020-W49", "-o", str(tmp_path / "nowhere" / "x.md"))
    assert result.code == 1
    assert result.err == f"Error: {tmp_path / 'nowhere'}: no such folder to write into\n"


def test_thread_posts_fit_and_link_every_entry(run, demo_copy: Workspace) -> None:  # type: ignore[no-untyped-def]
    from mlnews.text import post_length

    for lang in ("en", "zh", "ja"):
        result = run("-w", "demo", "thread", "2020-W49", "--lang", lang, "--json")
        assert result.code == 0, result.err
        posts = json.loads(result.out)
        assert len(posts) == 16  # the opening post and 15 entries
        prefix = "" if lang == "en" else f"{lang}/"
        assert f"https://example.org/{prefix}2020-W49/ 1/16" in posts[0]
        assert all(post_length(p) <= 280 and "\n" not in p for p in posts)
        assert posts[3].endswith("https://arxiv.org/abs/2011.15126 4/16")
    # A post the curator made far too long is cut at a word, with an ellipsis.
    source = demo_copy.issues_dir / "2020-W49.md"
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"^post: .*$", "post: " + "a very long post " * 40, text, count=1, flags=re.M)
    source.write_text(text, encoding="utf-8")
    posts = json.loads(run("-w", "demo", "thread", "2020-W49", "--json").out)
    assert post_length(posts[1]) <= 280 and posts[1].endswith("long… https://arxiv.org/abs/2011.03775 2/16")
