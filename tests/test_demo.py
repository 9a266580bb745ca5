"""`mlnews demo`: the README's first command builds, composes and renders a whole season offline."""

from __future__ import annotations

from pathlib import Path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".md", ".eml", ".txt", ".html", ".xml", ".json")
    }


def test_demo_composes_and_renders_every_week_and_month_and_reruns_without_change(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    result = run("demo", "d")
    assert result.code == 0, result.err
    root = tmp_path / "d"
    issues = sorted(p.stem for p in (root / "issues").glob("*.md"))
    weeks = [f"2020-W{n}" for n in range(37, 51)]
    assert issues == ["2020-09", "2020-10", "2020-11", *weeks]
    rendered = {p.name for p in (root / "markdown").glob("*.md")}
    assert rendered == {f"{name}.{lang}.md" for name in issues for lang in ("en", "zh", "ja")}
    assert f"Rendered: 51 Markdown files in {root / 'markdown'}" in result.out
    assert f"E-mails and threads: 102 files in {root / 'mail'}" in result.out
    assert (root / "site" / "zh" / "2020-W49" / "index.html").is_file()
    assert (
        (root / "mail" / "2020-W49.ja.eml").read_bytes().startswith(b"From: mlnews demo <demo@example.org>")
    )
    assert run("-w", "d", "check").code == 0
    # Every reference entry of week 49 made it in, in the section the reference gives it.
    w49 = (root / "issues" / "2020-W49.md").read_text(encoding="utf-8")
    assert w49.index("## papers") < w49.index("key: arxiv:2011.15126") < w49.index("## articles")
    assert (
        w49.index("## use-cases") < w49.index("key: url:https://www.prnewswire.com/") < w49.index("## other")
    )

    before = snapshot(root)
    again = run("demo", "d")
    assert again.code == 0, again.err
    assert again.out.count("unchanged (0 added)") == len(issues)
    assert snapshot(root) == before  # not even rewritten


def test_the_demo_issues_are_whole_in_chinese_and_japanese(demo_built) -> None:  # type: ignore[no-untyped-def]
    """The demo ships its own translations: every entry of every issue in zh and ja, faithful."""
    from mlnews.document.check import notices
    from mlnews.document.source import read

    root = demo_built.workspace.root
    missing, stale_or_flagged = [], []
    for path in sorted((root / "issues").glob("*.md")):
        parsed = read(path)
        flagged, stale = notices(parsed, path)
        stale_or_flagged += flagged + stale
        for entry in parsed.issue.entries:
            for lang in ("zh", "ja"):
                translation = entry.translations.get(lang)
                for name in ("headline", "summary", "post"):
                    if entry.value(name) and (translation is None or not translation.value(name)):
                        missing.append(f"{path.name} {entry.key} {lang} {name}")
    assert missing == []
    assert stale_or_flagged == []
    for lang, label in (("zh", "(英语)"), ("ja", "(英語)")):
        page = (root / "markdown" / f"2020-W49.{lang}.md").read_text(encoding="utf-8")
        assert label not in page
    # The Chinese site's search finds Chinese words: its index holds the Chinese text.
    index = (root / "site" / "zh" / "search.json").read_text(encoding="utf-8")
    assert "视频" in index
