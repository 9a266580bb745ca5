"""Editions without a translator: a fresh workspace with no model composes a real week (three
arXiv papers of the demo's sample) whose Chinese and Japanese editions say plainly what is English:
`compose` and `check` count it per language, and every output marks each untranslated text the
same way, "(英语)", with `lang="en"` in HTML. The app shows the text as written beside each field
of another language; a Chinese-first workspace keeps English drafts as English; reordering the
languages of a workspace changes nothing its issues mean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from lxml import html as lxml_html

from mlnews import demo
from mlnews.config import Config
from mlnews.document import edits
from mlnews.document.source import read
from mlnews.text import POST_LIMIT, post_length
from mlnews.workspace import Workspace
from test_email import Server, parse, parts, serve
from test_llm import Replay, configure, replay  # noqa: F401  (replay: a fixture used below)

WEEK = "2020-W49"
KEYS = ("arxiv:2011.15126", "arxiv:2012.00364", "arxiv:2011.12289")
TRANSLATED = "用关键点代替视频帧，视频通话的带宽降到十分之一"  # the one text translated by hand
ENGLISH = "(英语)"


def mlnews(*args: str | Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mlnews", *map(str, args)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"mlnews {' '.join(map(str, args))}\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def ok(run: Any, *args: str | Path) -> str:
    """A command run in this process (no interpreter to start): what it printed, both streams."""
    result = run(*map(str, args))
    assert result.code == 0, f"mlnews {' '.join(map(str, args))}\n{result.out}{result.err}"
    return str(result.out + result.err)


@pytest.fixture(scope="module")
def shortlisted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace made by `mlnews init` in en, zh and ja (no model, no translator) with the week's
    papers shortlisted; each test works on a copy (`fresh_week`)."""
    folder = tmp_path_factory.mktemp("editions") / "shortlisted"
    mlnews("init", folder, "--languages", "en,zh,ja")
    with demo.data_dir() as data:
        mlnews("-w", folder, "import", data / "papers.atom")
    mlnews("-w", folder, "shortlist", *KEYS, "--week", WEEK)
    return folder


def fresh_week(shortlisted: Path, folder: Path, languages: str = "en,zh,ja") -> Path:
    """A copy of the shortlisted workspace, publishing in `languages` (as `init --languages` sets them)."""
    shutil.copytree(shortlisted, folder)
    config = folder / "mlnews.toml"
    chosen = tomlkit.item(languages.split(",")).as_string()
    config.write_text(config.read_text().replace('["en", "zh", "ja"]', chosen), encoding="utf-8")
    return folder


def translate_by_hand(folder: Path, field: str, text: str, lang: str = "zh") -> None:
    """What the app does when the curator types a translation: one edit to the issue file."""
    path = folder / "issues" / f"{WEEK}.md"
    sections = [s.id for s in Workspace(folder).config.sections]
    edits.apply(
        path, edits.version(path), lambda issue: edits.set_text(issue, KEYS[0], field, text, lang), sections
    )


@pytest.fixture(scope="module")
def week(shortlisted: Path) -> Path:
    """The week composed in en, zh and ja, its first headline translated into Chinese by hand."""
    folder = fresh_week(shortlisted, shortlisted.parent / "week")
    mlnews("-w", folder, "compose", WEEK)
    translate_by_hand(folder, "headline", TRANSLATED)
    return folder


def test_compose_and_check_say_per_language_how_many_texts_are_english(
    run: Any, shortlisted: Path, tmp_path: Path
) -> None:
    folder = fresh_week(shortlisted, tmp_path / "ws")
    composed = ok(run, "-w", folder, "compose", WEEK)
    advice = "set a translator or translate in the app"
    assert f"zh: 9 of 9 texts are English; {advice}" in composed
    assert f"ja: 9 of 9 texts are English; {advice}" in composed
    assert "en:" not in composed  # the edition written in has nothing to translate
    translate_by_hand(folder, "headline", TRANSLATED)
    checked = ok(run, "-w", folder, "check")
    assert "1 issue source(s): no problems; untranslated texts in zh, ja" in checked
    assert f"zh: 8 of 9 texts are English; {advice}" in checked
    assert f"ja: 9 of 9 texts are English; {advice}" in checked


def test_every_untranslated_text_is_marked_in_markdown_and_the_thread(run: Any, week: Path) -> None:
    issue = read(week / "issues" / f"{WEEK}.md").issue
    zh = ok(run, "-w", week, "render", WEEK, "--lang", "zh")
    assert f"### {TRANSLATED}\n" in zh  # translated: not marked
    for entry in issue.entries:
        summary = " ".join(entry.summary.split())
        assert f"{' '.join(summary.split())} {ENGLISH}" in " ".join(zh.split())
        if entry.key != KEYS[0]:
            assert f"### {entry.headline} {ENGLISH}\n" in zh
    assert zh.count(ENGLISH) == 3 + 2 + 2  # every summary, two headlines, two of the picks
    ja = ok(run, "-w", week, "render", WEEK, "--lang", "ja")
    assert ja.count("(英語)") == 3 + 3 + 3 and TRANSLATED not in ja
    assert "(" + "English)" not in ok(run, "-w", week, "render", WEEK, "--lang", "en")

    posts = ok(run, "-w", week, "thread", WEEK, "--lang", "zh").split("\n\n")
    for entry, post in zip(issue.entries, posts[1:], strict=True):
        # No Chinese post was written: the English one is shown, marked, before its link.
        assert post.strip().endswith(f"{ENGLISH} {entry.link} {posts.index(post) + 1}/4"), post
        assert post_length(post.strip()) <= POST_LIMIT


@pytest.mark.browser
def test_the_site_marks_them_and_they_carry_lang_en(
    run: Any, browser: Any, week: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    ok(run, "-w", week, "build", "-o", site)
    page = browser.new_page()
    page.goto((site / "zh" / WEEK / "index.html").as_uri())
    shown = page.evaluate(
        """() => Array.from(document.querySelectorAll("article.entry")).map(a => {
             const mark = el => { const m = el && el.querySelector("small.lang");
               return m ? [m.textContent, m.closest("[lang]").lang] : null; };
             const h3 = a.querySelector("h3"), summary = a.querySelector(".summary");
             return {headline: h3.closest("[lang]").lang, headlineMark: mark(h3),
                     summary: summary.closest("[lang]").lang, summaryMark: mark(summary)}; })"""
    )
    assert page.evaluate("document.documentElement.lang") == "zh"
    first, *others = shown
    assert first == {"headline": "zh", "headlineMark": None, "summary": "en", "summaryMark": [ENGLISH, "zh"]}
    for entry in others:
        assert entry == {
            "headline": "en",
            "headlineMark": [ENGLISH, "zh"],
            "summary": "en",
            "summaryMark": [ENGLISH, "zh"],
        }
    assert page.locator("article.entry small.lang").first.is_visible()
    # The picks name untranslated headlines in English too, marked.
    picks = page.locator("section.picks li")
    assert picks.count() == 3 and picks.filter(has_text=ENGLISH).count() == 2
    assert page.locator('section.picks a[lang="en"]').count() == 2
    page.close()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    yield from serve()


def test_the_email_marks_them_in_its_text_and_html(
    run: Any, week: Path, tmp_path: Path, smtp_server: Server
) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(week, folder)
    config_path = folder / "mlnews.toml"
    document = tomlkit.parse(config_path.read_text(encoding="utf-8"))
    document["email"].update(  # type: ignore[union-attr]
        {
            "from_address": "news@example.org",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
        }
    )
    config_path.write_text(tomlkit.dumps(document), encoding="utf-8")
    ok(run, "-w", folder, "send", WEEK, "--lang", "zh", "--to", "reader@example.org")
    message = parse(smtp_server.inbox.envelopes[-1].content)  # type: ignore[arg-type]
    text, html = parts(message)
    issue = read(folder / "issues" / f"{WEEK}.md").issue
    flat = " ".join(text.split())
    for entry in issue.entries[1:]:
        assert f"### {entry.headline} {ENGLISH}" in flat
    assert f"### {TRANSLATED}" in flat and f"{TRANSLATED} {ENGLISH}" not in flat
    assert flat.count(ENGLISH) == 3 + 2 + 2  # summaries, headlines, picks
    root = lxml_html.fromstring(html)
    headlines = root.xpath('//div[@class="entry"]/h3')
    assert [h.get("lang") for h in headlines] == [None, "en", "en"]  # the first is translated
    summaries = root.xpath('//div[@class="summary"]')
    assert [s.get("lang") for s in summaries] == ["en", "en", "en"]
    for text in [*headlines[1:], *summaries]:
        (mark,) = text.xpath('.//small[@class="lang"]')
        assert (mark.text, mark.get("lang")) == (ENGLISH, "zh")


@pytest.mark.browser
def test_the_app_shows_the_text_as_written_beside_each_chinese_field(
    browser: Any, week: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from test_app import serve as serve_app

    folder = tmp_path / "ws"
    shutil.copytree(week, folder)
    server, address = serve_app(Workspace(folder))
    try:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{address}/issues/{WEEK}")
        page.select_option("#lang", "zh")
        entry = read(folder / "issues" / f"{WEEK}.md").issue.entries[1]
        article = page.locator(f'article.entry[data-key="{entry.key}"]')
        headline = article.locator('input[name="headline"]')
        expect(headline).to_have_value("")  # not translated yet
        expect(headline).to_have_attribute("lang", "zh")
        for field in ("headline", "summary", "post"):
            beside = article.locator(f'.source-text[data-field="{field}"]')
            expect(beside).to_contain_text("en: ")
            expect(beside.locator('[lang="en"]')).to_have_text(" ".join(entry.value(field).split()))
        # Typed beside the English, saved as the Chinese translation; the English stays as written.
        headline.fill("一张照片加关键点就能合成视频通话画面")
        article.locator('textarea[name="summary"]').focus()
        expect(page.locator("#status")).to_contain_text("Saved")
        saved = read(folder / "issues" / f"{WEEK}.md").issue.entries[1]
        assert saved.translations["zh"].headline == "一张照片加关键点就能合成视频通话画面"
        assert saved.headline == entry.headline
        # In English, the language it is written in, the fields are the texts themselves.
        page.select_option("#lang", "en")
        expect(article.locator('input[name="headline"]')).to_have_value(entry.headline)
        expect(article.locator(".source-text")).to_have_count(0)
        assert errors == []
        page.close()
    finally:
        server.should_exit = True


def test_a_chinese_first_workspace_keeps_offline_drafts_as_english(
    run: Any, shortlisted: Path, tmp_path: Path
) -> None:
    folder = fresh_week(shortlisted, tmp_path / "ws", "zh,en")
    composed = ok(run, "-w", folder, "compose", WEEK)
    assert "zh: 9 of 9 texts are English; set a translator or translate in the app" in composed
    path = folder / "issues" / f"{WEEK}.md"
    issue = read(path).issue
    assert issue.lang == "zh" and 'lang = "zh"' in path.read_text(encoding="utf-8")
    assert [e.lang for e in issue.entries] == ["en", "en", "en"]  # stored as English, never as zh
    zh = ok(run, "-w", folder, "render", WEEK, "--lang", "zh")
    assert zh.count(ENGLISH) == 3 + 3 + 3
    english = ok(run, "-w", folder, "render", WEEK, "--lang", "en")
    assert "(English)" not in english and "(Chinese)" not in english and issue.entries[0].headline in english
    assert "no problems" in ok(run, "-w", folder, "check")


def test_an_offline_draft_a_model_leaves_in_a_chinese_first_workspace_is_marked_english(
    run: Any,
    shortlisted: Path,
    tmp_path: Path,
    replay: tuple[Replay, str],  # noqa: F811
) -> None:
    server, url = replay
    folder = fresh_week(shortlisted, tmp_path / "ws", "zh,en")
    configure(folder, url, summariser="openai", translator="")
    config = (folder / "mlnews.toml").read_text(encoding="utf-8")
    (folder / "mlnews.toml").write_text(config.replace("max_concurrency = 2", "max_concurrency = 1"))
    ok(run, "-w", folder, "reject", KEYS[2])
    server.first = ["not json"]
    result = run("-w", str(folder), "compose", WEEK)
    assert result.code == 0, result.err
    # The model was asked to draft in the workspace's first language.
    assert all("in Simplified Chinese" in r["messages"][0]["content"] for r in server.requests)
    failed, drafted = read(folder / "issues" / f"{WEEK}.md").issue.entries
    assert "kept offline" in failed.flags()["headline"] and failed.lang == "en"
    assert drafted.lang == ""  # the model's draft: in the issue's language
    assert "zh: 3 of 6 texts are English" in result.out


def test_reordering_the_languages_changes_nothing_an_issue_means(
    run: Any, week: Path, tmp_path: Path
) -> None:
    folder = fresh_week(week, tmp_path / "ws", "zh,en,ja")
    assert "zh: 8 of 9 texts are English" in ok(run, "-w", folder, "check")
    ok(run, "-w", folder, "build")
    root = (folder / "site" / WEEK / "index.html").read_text(encoding="utf-8")  # now the Chinese edition
    assert '<html lang="zh"' in root and TRANSLATED in root
    assert root.count(f'<small class="lang" lang="zh">{ENGLISH}</small>') == 3 + 2 + 2
    english = (folder / "site" / "en" / WEEK / "index.html").read_text(encoding="utf-8")
    assert 'class="lang"' not in english

    # A file from before issues said their language is read as in the first: refused in one line.
    path = folder / "issues" / f"{WEEK}.md"
    path.write_text(path.read_text(encoding="utf-8").replace('lang = "en"\n', ""), encoding="utf-8")
    refused = run("-w", str(folder), "build")
    assert refused.code == 1 and refused.err.count("\n") == 1
    assert "its texts are not in Chinese, mlnews.toml's first language" in refused.err
    assert 'in its front matter: lang = "en"' in refused.err


def test_init_publishes_in_the_languages_asked_for_and_says_how_to_add_others(run: Any) -> None:
    result = run("init", "plain")
    assert result.code == 0
    assert Workspace(Path("plain").resolve()).config.languages == ("en",)
    assert "Publishing in English only. To add Chinese or Japanese: add it to `languages`" in result.out
    assert 'translator = "openai"' in result.out
    result = run("init", "three", "--languages", "en, zh ja")
    assert Workspace(Path("three").resolve()).config.languages == ("en", "zh", "ja")
    assert "No translator is set: the zh, ja editions show your English text, marked as English" in result.out
    result = run("init", "chinese", "--languages", "zh,en")
    assert "The offline drafter writes English" in result.out
    result = run("init", "bad", "--languages", "en,fr")
    assert result.code == 1 and result.err.count("\n") == 1 and "'fr' is not one" in result.err
    assert not Path("bad").exists() or not (Path("bad") / "mlnews.toml").exists()


def test_a_model_drafts_in_the_workspaces_first_language_unless_told_otherwise() -> None:
    from mlnews.compose import drafting
    from mlnews.summarise import get

    chinese = Config(languages=("zh", "en"), summariser="openai")
    assert drafting.drafter_settings(chinese)["language"] == "Simplified Chinese"
    told = Config(
        languages=("zh", "en"),
        summariser="openai",
        backends=((("summariser", "openai"), (("language", "English"),)),),
    )
    assert drafting.drafter_settings(told)["language"] == "English"
    offline = get("extractive")
    assert drafting.drafting_language(offline, {}, chinese) == "en"
