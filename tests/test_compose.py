"""`mlnews compose`: drafts a week's shortlist into an issue source and never loses the curator's edits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlnews.document.source import parse, read
from mlnews.text import HEADLINE_LIMIT, fits

DEMO = Path(__file__).resolve().parent.parent / "src" / "mlnews" / "demo"
W49 = "2020-W49"
TALKING_HEADS = "arxiv:2011.15126"
TREES = "url:https://towardsdatascience.com/when-and-why-tree-based-models-often-outperform-neural-networks-ceba9ecd0fd8"
XPRESSION = (
    "url:https://www.prnewswire.com/news-releases/"
    "xpression-camera-a-virtual-camera-app-that-reinvents-zoom-calls-amid-the-coronavirus-pandemic-301169902.html"
)
NATURE = "url:https://www.nature.com/articles/d41586-020-03348-4"


@pytest.fixture
def ws(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    files = [str(DEMO / n) for n in ("papers.atom", "articles.rss", "reading.bib")]
    assert run("-w", "ws", "import", *files).code == 0
    assert run("-w", "ws", "import", "--kind", "news", str(DEMO / "news.json")).code == 0
    return tmp_path / "ws"


def shortlist(run, *args: str) -> None:  # type: ignore[no-untyped-def]
    result = run("-w", "ws", "shortlist", "--week", W49, *args)
    assert result.code == 0, result.err


def test_compose_drafts_every_shortlisted_item_into_its_section(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS, "2011.12289", TREES, XPRESSION, NATURE)
    result = run("-w", "ws", "compose", W49)
    assert result.code == 0, result.err
    assert "created (5 added)" in result.out
    issue = read(ws / "issues" / f"{W49}.md").issue
    sections = {e.key: e.section for e in issue.entries}
    # No --section given: the default classifier decides.
    assert sections == {
        TALKING_HEADS: "papers",
        "arxiv:2011.12289": "papers",
        TREES: "articles",  # a blog post (towardsdatascience.com)
        XPRESSION: "use-cases",  # a press release
        NATURE: "other",  # news
    }
    for entry in issue.entries:
        assert entry.headline and len(entry.headline) <= HEADLINE_LIMIT + 5  # + Markdown escapes
        assert entry.headline.lower() != entry.title.lower()
        assert entry.summary and "\n" not in entry.post
        assert fits(entry.post, entry.link)
        assert entry.link.startswith("https://")
    # Three picks across sections, each naming an entry.
    assert len(issue.picks) == 3
    assert len({sections[p] for p in issue.picks}) == 3
    assert run("-w", "ws", "check", W49).code == 0


def test_entries_follow_score_then_shortlist_order_and_featured_items_are_picked(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, "2011.12289", "--section", "papers")
    shortlist(run, TALKING_HEADS, "--section", "papers")
    shortlist(run, "2011.09471", "--section", "papers", "--featured")
    assert run("-w", "ws", "compose", W49).code == 0
    issue = read(ws / "issues" / f"{W49}.md").issue
    assert [e.key for e in issue.entries] == ["arxiv:2011.12289", TALKING_HEADS, "arxiv:2011.09471"]
    assert issue.picks[0] == "arxiv:2011.09471"


def test_recompose_keeps_every_edit_and_adds_new_items(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS, "2011.12289", "2011.09471", TREES)
    assert run("-w", "ws", "compose", W49).code == 0
    path = ws / "issues" / f"{W49}.md"
    text = path.read_text(encoding="utf-8")
    issue = parse(text).issue
    # The one deleted is not an editor's pick: deleting a pick leaves the picks naming nothing.
    third = next(entry for entry in issue.entries if entry.key not in issue.picks)
    first, second = [entry for entry in issue.entries if entry is not third][:2]
    # The curator rewrites a headline, a summary and a post, deletes an entry, and
    # writes an intro.
    text = text.replace(f"### {first.headline}\n", "### My own headline\n")
    text = text.replace(second.summary, "My own summary, with a [link](https://example.org/).")
    text = text.replace(f"post: {first.post}\n", "post: My own post\n")
    start = text.index(f"### {third.headline}\n")
    end = text.index("\n### ", start + 1) if "\n### " in text[start + 1 :] else len(text)
    text = text[:start] + text[end + 1 :]
    text = text.replace("+++\n\n## papers", "+++\n\nMy intro.\n\n## papers")
    path.write_text(text, encoding="utf-8")

    shortlist(run, XPRESSION)
    result = run("-w", "ws", "compose", W49)
    assert result.code == 0, result.err
    assert "(1 added)" in result.out
    assert f"{third.key}: left out (you removed it from the file)" in result.out
    after = path.read_text(encoding="utf-8")
    assert "### My own headline\n" in after
    assert "My own summary, with a [link](https://example.org/)." in after
    assert "post: My own post\n" in after
    assert "\nMy intro.\n" in after
    assert f"### {third.headline}\n" not in after
    assert XPRESSION in after
    # What was there before is unchanged, byte for byte, apart from the addition.
    assert after.startswith(text.split("## other")[0].split("## use-cases")[0].rstrip("\n"))

    # --force drafts again only what the curator did not touch.
    stale = read(path).issue.entries[1]
    forced = run("-w", "ws", "compose", W49, "--force")
    assert forced.code == 0, forced.err
    final = read(path).issue
    assert final.entries[0].headline == "My own headline"
    assert final.entries[0].post == "My own post"
    assert final.entries[1].summary == "My own summary, with a [link](https://example.org/)."
    assert final.entries[1].headline == stale.headline
    assert run("-w", "ws", "compose", W49).out.count("unchanged") == 1


def test_force_redrafts_untouched_fields(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS)
    assert run("-w", "ws", "compose", W49).code == 0
    path = ws / "issues" / f"{W49}.md"
    original = read(path).issue.entries[0]
    # An older draft: the text and its fingerprint both differ, as if an older summariser wrote them.
    text = path.read_text(encoding="utf-8")
    old_headline = "An older draft of the headline"
    from mlnews.document.model import fingerprint

    text = text.replace(f"### {original.headline}\n", f"### {old_headline}\n")
    text = re.sub(r"headline=[0-9a-f]{6}", f"headline={fingerprint(old_headline)}", text)
    path.write_text(text, encoding="utf-8")
    assert run("-w", "ws", "compose", W49).code == 0
    assert read(path).issue.entries[0].headline == old_headline  # without --force: left alone
    result = run("-w", "ws", "compose", W49, "--force")
    assert result.code == 0 and "1 fields redrafted" in result.out
    assert read(path).issue.entries[0].headline == original.headline


def test_compose_refuses_a_broken_file_and_writes_nothing(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS)
    assert run("-w", "ws", "compose", W49).code == 0
    path = ws / "issues" / f"{W49}.md"
    broken = path.read_text(encoding="utf-8").replace("## papers", "## papres")
    path.write_text(broken, encoding="utf-8")
    shortlist(run, "2011.12289")
    result = run("-w", "ws", "compose", W49)
    assert result.code == 1
    assert re.fullmatch(rf"Error: {re.escape(str(path))}:\d+: unknown section 'papres'.*\n", result.err)
    assert path.read_text(encoding="utf-8") == broken


def test_unknown_week_or_empty_month_is_a_clear_error(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    for args, message in (
        (("compose", "2020-W54"), "2020 has no week 54"),
        (("compose", "2020-13"), "expected YYYY-MM"),
        (("compose", "2020-11"), "no weekly issue starts in 2020-11"),
        (("render", "2020-W48"), "no such issue; run `mlnews compose 2020-W48` first"),
    ):
        result = run("-w", "ws", *args)
        assert result.code == 1 and message in result.err, result.err
        assert len(result.err.strip().splitlines()) == 1


def test_monthly_summary_gathers_the_weeks_that_start_in_the_month(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS, TREES)  # week 49 starts on Sunday 29 November
    result = run("-w", "ws", "shortlist", "--week", "2020-W48", "2011.12289")
    assert result.code == 0
    result = run("-w", "ws", "shortlist", "--week", "2020-W50", NATURE)  # starts 6 December
    assert result.code == 0
    for week in ("2020-W48", W49, "2020-W50"):
        assert run("-w", "ws", "compose", week).code == 0
    result = run("-w", "ws", "compose", "2020-11")
    assert result.code == 0, result.err
    month = read(ws / "issues" / "2020-11.md").issue
    assert [(e.key, e.issue) for e in month.entries] == [
        ("arxiv:2011.12289", "2020-W48"),
        (TALKING_HEADS, W49),
        (TREES, W49),
    ]
    weekly = read(ws / "issues" / f"{W49}.md").issue
    assert month.entry(TALKING_HEADS).summary == weekly.entry(TALKING_HEADS).summary  # type: ignore[union-attr]
    rendered = run("-w", "ws", "render", "2020-11", "--lang", "zh").out
    assert rendered.startswith("# 2020 年 11 月汇总\n")
    assert "([第 49 周](https://example.org/zh/2020-W49/))" in rendered
    assert run("-w", "ws", "render", "2020-11").out.startswith("# November 2020 summary\n")


@pytest.mark.parametrize(
    ("kind", "url", "title", "section"),
    [
        ("paper", "https://arxiv.org/abs/2011.15126", "A paper", "papers"),
        ("article", "https://doi.org/10.1063/5.0018903", "A journal page", "papers"),
        ("article", "https://lilianweng.github.io/posts/2021-07-11-diffusion/", "Diffusion", "articles"),
        ("article", "https://theaisummer.com/blog/normalization/", "Normalization", "articles"),
        ("article", "https://www.businesswire.com/news/home/1/en/", "X ships Y", "use-cases"),
        ("article", "https://landing.ai/company/", "Landing AI Unveils AI Visual Inspection", "use-cases"),
        ("article", "https://example.com/customers/acme", "How Acme uses it", "use-cases"),
        ("news", "https://www.wired.com/story/ai-battery/", "AI speeds up batteries", "other"),
        ("other", "https://neurips.cc/Conferences/2020", "NeurIPS 2020", "other"),
    ],
)
def test_default_sections(kind: str, url: str, title: str, section: str) -> None:
    from mlnews.compose.classify import section_for
    from mlnews.config import Config
    from mlnews.identity import identify
    from mlnews.items import Item

    item = Item(title=title, kind=kind, key=identify(url), urls=[url])
    assert section_for(item, Config()) == section


def test_recompose_keeps_front_matter_comments_rewrapping_section_order_and_empty_picks(
    run, ws: Path
) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS, TREES)
    assert run("-w", "ws", "compose", W49).code == 0
    path = ws / "issues" / f"{W49}.md"
    text = path.read_text(encoding="utf-8")
    papers = text[text.index("## papers") : text.index("## articles")]
    articles = text[text.index("## articles") :]
    summary = read(path).issue.entries[0].summary
    wrapped = "\n".join(summary[i : i + 60] for i in range(0, len(summary), 60))  # mid-word is fine here
    text = text[: text.index("## papers")] + articles.rstrip("\n") + "\n\n" + papers.replace(summary, wrapped)
    text = text.replace('week = "2020-W49"', '# ask Bob about the intro\nweek = "2020-W49"  # the usual')
    text = re.sub(r"picks = \[[^\]]*\]", "picks = []  # none this week", text)
    path.write_text(text, encoding="utf-8")
    assert run("-w", "ws", "compose", W49, "--force").code == 0
    assert path.read_text(encoding="utf-8") == text  # nothing to change: re-wrapping is not an edit
    shortlist(run, NATURE)
    assert run("-w", "ws", "compose", W49, "--force").code == 0
    after = path.read_text(encoding="utf-8")
    assert after.startswith(
        '+++\n# ask Bob about the intro\nweek = "2020-W49"  # the usual\nlang = "en"\npicks = []  # none'
    )
    assert after.index("## articles") < after.index("## papers") < after.index("## other")
    assert wrapped in after


def test_deleting_the_file_starts_afresh_and_an_empty_week_is_refused(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS)
    assert run("-w", "ws", "compose", W49).code == 0
    path = ws / "issues" / f"{W49}.md"
    path.unlink()
    result = run("-w", "ws", "compose", W49)
    assert result.code == 0 and "created (1 added)" in result.out
    result = run("-w", "ws", "compose", "2020-W50")
    assert result.code == 1 and "nothing is shortlisted for this week" in result.err
    assert not (ws / "issues" / "2020-W50.md").exists()


def test_compose_writes_through_a_symbolic_link(run, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS)
    assert run("-w", "ws", "compose", W49).code == 0
    path = ws / "issues" / f"{W49}.md"
    target = tmp_path / "elsewhere.md"
    path.rename(target)
    path.symlink_to(target)
    shortlist(run, TREES)
    assert run("-w", "ws", "compose", W49).code == 0
    assert path.is_symlink() and TREES in target.read_text(encoding="utf-8")


def test_a_month_dedupes_an_item_written_in_two_forms(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    shortlist(run, TALKING_HEADS)
    assert run("-w", "ws", "shortlist", "--week", "2020-W48", "2011.12289").code == 0
    for week in ("2020-W48", W49):
        assert run("-w", "ws", "compose", week).code == 0
    w48 = ws / "issues" / "2020-W48.md"
    extra = "\n### The same talking heads\nkey: https://arxiv.org/abs/2011.15126v1\nlink: https://arxiv.org/abs/2011.15126\n"
    w48.write_text(w48.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = run("-w", "ws", "compose", "2020-11")
    assert result.code == 0, result.err
    assert "created (2 added)" in result.out
    assert run("-w", "ws", "check", "2020-11").code == 0
