"""Past issues in any language (issue 24): a Chinese or Japanese issue's headlines, summaries
and translated titles are kept as the curator's texts in that language, never as an item's
title; the title and abstract come from the item's record, imported before or after, and the
entry merges with it (the seeds' "Akira's ML News", weeks 43 and 49, in Chinese)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mlnews.compose import examples
from mlnews.items import Event, Item, Text
from mlnews.library import Library, LibraryError
from mlnews.text import cjk_count, cjk_language
from mlnews.weeks import Week
from mlnews.workspace import Workspace

SEEDS = ("akiras-ml-news-2020-week43.zh.md", "akiras-ml-news-2020-week49.zh.md")
FNO = "Fourier Neural Operator for Parametric Partial Differential Equations"
FNO_FORUM = "openreview:c8P9NQVtmnO"


def _titles(workspace: Path) -> list[tuple[str, str]]:
    """(key, title) of every item in the library, read from the database itself."""
    with sqlite3.connect(workspace / "library.db") as db:
        return db.execute("SELECT key, title FROM items ORDER BY id").fetchall()


def _texts(shown: object) -> dict[tuple[str, str], str]:
    assert isinstance(shown, dict)
    return {(t["name"], t["lang"]): t["text"] for t in shown["texts"] if t["edited"]}


@pytest.fixture
def seed_files(seeds: Path) -> list[str]:
    return [str(seeds / name) for name in SEEDS]


@pytest.fixture
def openreview(shared_data: Path, tmp_path: Path) -> str:
    """The real ICLR 2021 list, cut to its header and the two papers the week-43 seed links."""
    listed = shared_data / "openreview" / "iclr2021" / "paperlist.tsv"
    lines = listed.read_text(encoding="utf-8").splitlines()
    wanted = ("c8P9NQVtmnO\t", "xTJEN-ggl1b\t")
    path = tmp_path / "iclr2021.tsv"
    kept = [lines[0], *(line for line in lines if line.startswith(wanted))]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def arxiv(run, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """The arXiv records of the seeds' papers (the demo's Atom file, FNO among them)."""
    assert run("demo-files", str(tmp_path / "files")).code == 0
    return str(tmp_path / "files" / "papers.atom")


def test_the_seed_issues_add_no_chinese_titles(run, seed_files: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws", "--languages", "en,zh,ja").code == 0
    result = run("-w", "ws", "import", *seed_files)
    assert result.code == 0, result.err
    titles = _titles(Path("ws"))
    # 28 entries and picks: a link card's own headings ("### its description") are no entries.
    assert len(titles) == 28
    assert [(key, title) for key, title in titles if cjk_count(title)] == []
    assert all(title == "" for _, title in titles)  # no record yet: no title, not a headline nor a site
    fno = run("-w", "ws", "show", "2010.08895", "--json").json()
    assert isinstance(fno, dict) and fno["title"] == "" and fno["abstract"] == ""
    texts = _texts(fno)
    assert texts[("headline", "zh")] == "在神经网络上计算积分核"
    assert texts[("title", "zh")] == "傅立叶神经算子用于参数化偏微分方程"
    assert texts[("summary", "zh")].startswith("这是一项用神经网络取代傅立叶空间中积分核计算的研究")
    assert (fno["state"], fno["week"], fno["section"]) == ("shortlisted", "2020-W43", "papers")
    # A link card's description is the page's, not the curator's summary.
    card = run("-w", "ws", "show", "https://theaisummer.com/normalization/", "--json").json()
    summary = "一篇用插图解释规范化方法的主要用途的文章。解释了 BatchNorm、LayerNorm 和 even SPADE。"
    assert _texts(card)[("summary", "zh")] == summary
    # A publisher's URL naming a DOI is known by that DOI, so the DOI's record merges with it.
    assert any(key == "doi:10.1063/5.0018903" for key, _ in titles)
    # Untitled items are shown and listed without a title standing in for one.
    shown = run("-w", "ws", "show", "2010.08895")
    assert shown.code == 0 and "(no title yet: import its record)" in shown.out
    assert "在神经网络上计算积分核" in shown.out
    listed = run("-w", "ws", "list", "--week", "2020-W43")
    assert listed.code == 0 and "arxiv:2010.08895" in listed.out and cjk_count(listed.out) == 0
    # An export of them imports again as they were.
    assert run("-w", "ws", "export", "-o", "all.jsonl").code == 0
    assert run("init", "copy").code == 0
    assert run("-w", "copy", "import", "all.jsonl").code == 0
    assert _titles(Path("copy")) == titles


@pytest.mark.parametrize(
    "order",
    [
        ("seeds", "openreview", "arxiv"),
        ("seeds", "arxiv", "openreview"),
        ("openreview", "seeds", "arxiv"),
        ("arxiv", "openreview", "seeds"),
        ("openreview", "arxiv", "seeds"),
    ],
)
def test_the_fno_entry_merges_with_its_records_before_or_after(  # type: ignore[no-untyped-def]
    run, seed_files: list[str], openreview: str, arxiv: str, order: tuple[str, ...]
) -> None:
    files = {"seeds": seed_files, "openreview": [openreview], "arxiv": [arxiv]}
    assert run("init", "ws", "--languages", "en,zh,ja").code == 0
    for name in order:
        result = run("-w", "ws", "import", *files[name])
        assert result.code == 0, result.err
    by_arxiv = run("-w", "ws", "show", "2010.08895", "--json").json()
    by_forum = run("-w", "ws", "show", FNO_FORUM, "--json").json()
    assert by_arxiv == by_forum and isinstance(by_arxiv, dict)  # one item, whichever id names it
    assert by_arxiv["key"] == "arxiv:2010.08895" and by_arxiv["title"] == FNO
    assert by_arxiv["abstract"].startswith("The classical development of neural networks")
    assert _texts(by_arxiv)[("headline", "zh")] == "在神经网络上计算积分核"
    assert (by_arxiv["state"], by_arxiv["week"]) == ("shortlisted", "2020-W43")
    titles = _titles(Path("ws"))
    assert [title for _, title in titles].count(FNO) == 1
    found = run("-w", "ws", "search", '"fourier neural operator"', "--json").json()
    assert isinstance(found, list) and [hit["key"] for hit in found] == ["arxiv:2010.08895"]
    assert [(key, title) for key, title in titles if cjk_count(title)] == []
    # The seed links LambdaNetworks by its OpenReview forum: the forum's record is that entry.
    lambdas = run("-w", "ws", "show", "openreview:xTJEN-ggl1b", "--json").json()
    assert isinstance(lambdas, dict) and lambdas["title"].startswith("LambdaNetworks")
    assert lambdas["state"] == "featured" and ("headline", "zh") in _texts(lambdas)


def test_a_composed_week_reuses_the_curators_chinese_and_shows_none_in_english(  # type: ignore[no-untyped-def]
    run, seed_files: list[str], openreview: str, arxiv: str
) -> None:
    assert run("init", "ws", "--languages", "en,zh,ja").code == 0
    assert run("-w", "ws", "import", *seed_files, openreview, arxiv).code == 0
    composed = run("-w", "ws", "compose", "2020-W43")
    assert composed.code == 0, composed.err
    # What has no record yet (the articles, the DOI's paper) waits for it rather than an empty entry.
    assert "doi:10.1063/5.0018903: left out until its record is imported" in composed.out
    assert run("-w", "ws", "check").code == 0
    english = run("-w", "ws", "render", "2020-W43", "--lang", "en")
    assert english.code == 0 and cjk_count(english.out) == 0
    assert f"*{FNO}*" in english.out
    chinese = run("-w", "ws", "render", "2020-W43", "--lang", "zh")
    assert chinese.code == 0
    assert "### 在神经网络上计算积分核" in chinese.out and f"*{FNO}*" in chinese.out
    # The ranker's reasons name past picks by their records' titles, never the issue's Chinese.
    candidates = run("-w", "ws", "candidates", "2020-W44", "--json")
    assert candidates.code == 0 and cjk_count(candidates.out) == 0


def test_the_curators_chinese_is_the_voice_of_chinese_drafting(  # type: ignore[no-untyped-def]
    run, seed_files: list[str], arxiv: str
) -> None:
    assert run("init", "ws", "--languages", "en,zh,ja").code == 0
    settings = Path("ws") / "mlnews.toml"
    written = settings.read_text(encoding="utf-8")
    settings.write_text(written.replace('["en", "zh", "ja"]', '["zh", "en", "ja"]'), encoding="utf-8")
    assert run("-w", "ws", "import", *seed_files, arxiv).code == 0
    workspace = Workspace(Path("ws").resolve())
    assert workspace.config.source_language == "zh"
    with Library.open(workspace.library_path, writing=False) as library:
        found = examples.gather(workspace.issues_dir, library, workspace.config, Week.parse("2020-W50"))
    # Each example is the curator's Chinese, told apart by its record's English title and abstract.
    fno = next(e for e in found.examples if e.headline == "在神经网络上计算积分核")
    assert fno.title == FNO and "neural operator" in fno.text
    nearest = found.like(
        "Neural operators for PDEs", "learning solution operators of partial differential equations"
    )
    assert fno in nearest and all(e.title for e in nearest)  # the PDE papers, by their records


@pytest.mark.parametrize("lang", ["en", "ja", "zh"])
def test_an_issue_rendered_by_mlnews_keeps_its_untranslated_titles(run, demo_copy, lang: str) -> None:  # type: ignore[no-untyped-def]
    """mlnews prints a paper's own title in every language: in a Chinese or Japanese issue a
    title in Latin script is the record's, and stays the item's title."""
    assert run("init", "fresh").code == 0
    assert run("-w", "fresh", "import", str(demo_copy.root / "markdown" / f"2020-W49.{lang}.md")).code == 0
    shown = run("-w", "fresh", "show", "2011.15126", "--json").json()
    assert isinstance(shown, dict)
    assert shown["title"] == "One-Shot Free-View Neural Talking-Head Synthesis for Video Conferencing"
    assert {t["lang"] for t in shown["texts"]} == {lang}


def test_the_language_declared_in_front_matter_wins(run, seeds: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (seeds / SEEDS[0]).read_text(encoding="utf-8")
    path = tmp_path / "week43.md"
    path.write_text("---\ntitle: Akira's ML News\nlang: ja-JP\n---\n\n" + text, encoding="utf-8")
    assert run("init", "ws", "--languages", "en,zh,ja").code == 0
    result = run("-w", "ws", "import", str(path))
    assert result.code == 0 and "issue" in result.out, result.err
    fno = run("-w", "ws", "show", "2010.08895", "--json").json()
    assert _texts(fno)[("headline", "ja")] == "在神经网络上计算积分核"
    assert all(title == "" for _, title in _titles(Path("ws")))


def _pick() -> Item:
    """A past issue's pick as the importer makes it: the curator's words and decision, no title."""
    at = "2020-10-18T00:00:00Z"
    return Item(
        title="",
        kind="paper",
        key="arxiv:2010.08895",
        state="shortlisted",
        section="papers",
        week="2020-W43",
        history=[Event(at, "shortlisted", "papers", "2020-W43")],
        texts=[Text("headline", "zh", "在神经网络上计算积分核", edited=True, updated=at)],
    )


@pytest.mark.parametrize("together", [True, False])
def test_a_pick_given_its_title_joins_the_papers_other_records(tmp_path: Path, together: bool) -> None:
    """The pick, then the OpenReview record (nothing to match it by), then the arXiv record
    (the pick's id): the title it brings joins the forum's record too, whether the three come
    in one import or in three."""
    forum = Item(title=FNO, kind="paper", key=FNO_FORUM, abstract="The classical development…")
    record = Item(title=FNO, kind="paper", key="arxiv:2010.08895v1", abstract="Neural operators…")
    with Library.open(tmp_path / "library.db") as library:
        if together:
            with library.transaction(bulk=True):
                outcomes = [library.add(item) for item in (_pick(), forum, record)]
        else:
            outcomes = [library.add(item) for item in (_pick(), forum, record)]
        assert outcomes == ["added", "added", "merged"] and library.count() == 1
        item = library.get(FNO_FORUM)
        assert (item.key, item.title, item.week) == ("arxiv:2010.08895", FNO, "2020-W43")
        assert [(t.name, t.lang) for t in item.texts] == [("headline", "zh")]
        with pytest.raises(LibraryError, match="no title"):
            library.add(Item(title="", kind="paper", key="arxiv:2011.00001"))  # a bare record still needs one


def test_a_text_is_told_chinese_or_japanese_by_its_kana() -> None:
    assert cjk_language("为了防止损失函数陷入急剧的最小值，他们提出了一种 SAM") == "zh"
    assert cjk_language("損失関数が鋭い最小値に陥らないように、SAM という最適化手法を提案した") == "ja"
    assert cjk_language("Sharpness-Aware Minimization for Efficiently Improving Generalization") is None
    assert cjk_language("MicroNet: Towards Image Recognition with Extremely Low FLOPs（微网）") is None


def test_an_issue_source_keeps_the_language_each_text_is_written_in(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A zh-first workspace's issue: its own texts are Chinese, an offline English draft says
    `lang: en`; imported elsewhere, each stays in its language."""
    source = tmp_path / "2020-W49.md"
    source.write_text(
        '+++\nweek = "2020-W49"\nlang = "zh"\n+++\n\n## papers\n\n'
        "### 模型凭单张源图像渲染说话人头像\nkey: arxiv:2011.15126\nkind: paper\n"
        "title: One-Shot Free-View Neural Talking-Head Synthesis for Video Conferencing\n"
        "link: https://arxiv.org/abs/2011.15126\n\n传输关键点而非视频帧，只需约 H.264 十分之一的带宽。\n\n"
        "### Motion is carried by a compact learned keypoint representation\nkey: arxiv:2011.03775\n"
        "kind: paper\ntitle: Text-to-Image Generation Grounded by Fine-Grained User Attention\n"
        "link: https://arxiv.org/abs/2011.03775\nlang: en\n\nThe model retrieves segmentation masks.\n",
        encoding="utf-8",
    )
    assert run("init", "ws", "--languages", "zh,en").code == 0
    assert run("-w", "ws", "import", str(source)).code == 0
    chinese = _texts(run("-w", "ws", "show", "2011.15126", "--json").json())
    english = _texts(run("-w", "ws", "show", "2011.03775", "--json").json())
    assert ("headline", "zh") in chinese and ("headline", "en") not in chinese
    assert ("headline", "en") in english and ("headline", "zh") not in english
