"""The data ranking learns from: popularity signals (Hot Papers share counts) and past
issues as picks (the seeds of "Akira's ML News", mlnews's own issue sources)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mlnews.formats.base import get_format, sniff
from mlnews.items import Item, Signal
from mlnews.library.merge import merge


def _json(result) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    assert result.code == 0, result.err
    data = result.json()
    assert isinstance(data, list)
    return data


@pytest.fixture
def hot(run, shared_data: Path) -> Path:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    files = sorted((shared_data / "arxiv" / "hot_papers_2020").glob("*.md"))
    result = run("-w", "ws", "import", *map(str, files))
    assert result.code == 0, result.err
    return Path("ws").resolve()


def test_hot_papers_keep_their_share_counts_and_never_the_tweets(run, hot: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run("-w", str(hot), "show", "2010.09337", "--json").json()
    assert isinstance(shown, dict)
    signals = {s["name"]: s for s in shown["signals"]}
    assert signals["retweets"]["value"] == 20484 and signals["likes"]["value"] == 0
    assert (
        signals["retweets"]["at"] == "2020-10-21T09:32:38Z" and signals["retweets"]["source"] == "hot-papers"
    )
    assert shown["published"] == "2020-10-20" and shown["categories"] == ["stat.ML", "cs.LG"]
    assert shown["abstract"].startswith("We present a brief history")
    db = sqlite3.connect(hot / "library.db")
    (count,) = db.execute("SELECT count(*) FROM items").fetchone()
    assert 650 <= count <= 680  # 680 entries, a few papers listed on two days
    (leaks,) = db.execute(
        "SELECT count(*) FROM items WHERE abstract LIKE '%<blockquote%' OR abstract LIKE '%twitter.com%'"
        " OR abstract LIKE '%<script%'"
    ).fetchone()
    assert leaks == 0
    again = run("-w", str(hot), "import", *map(str, sorted(hot.parent.glob("nothing"))))
    assert again.code != 0  # no file named is a usage error, not a silent success


def test_signals_survive_export_and_the_latest_reading_wins(run, hot: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("-w", str(hot), "export", "-o", str(tmp_path / "all.jsonl")).code == 0
    assert run("init", "copy").code == 0
    assert run("-w", "copy", "import", str(tmp_path / "all.jsonl")).code == 0
    shown = run("-w", "copy", "show", "2010.09337", "--json").json()
    assert isinstance(shown, dict) and len(shown["signals"]) == 2
    old = Item(title="t", key="arxiv:1", signals=[Signal("likes", 3, "2020-10-01T00:00:00Z", "x")])
    new = Item(title="t", key="arxiv:1", signals=[Signal("likes", 9, "2020-11-01T00:00:00Z", "x")])
    assert [s.value for s in merge(old, new).signals] == [9]
    assert [s.value for s in merge(new, old).signals] == [9]


def test_a_bad_signal_is_a_one_line_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    record = {"format": "mlnews-item/1", "title": "t", "key": "arxiv:2011.00001",
              "signals": [{"name": "likes", "value": "many", "at": "2020-10-01"}]}  # fmt: skip
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record, separators=(",", ":")) + "\n", encoding="utf-8")
    result = run("-w", "ws", "import", str(path))
    assert result.code != 0 and "signals[1].value" in result.err


def test_seeds_teach_their_weeks_picks(run, hot: Path, seeds: Path) -> None:  # type: ignore[no-untyped-def]
    files = [str(seeds / f"akiras-ml-news-2020-week{n}.zh.md") for n in (43, 49)]
    result = run("-w", str(hot), "import", *files)
    assert result.code == 0, result.err
    assert (
        result.err.count("not in this issue's body") == 3
    )  # the week-47 picks (and an article) week 49 repeats
    w43 = {e["key"]: e for e in _json(run("-w", str(hot), "list", "--week", "2020-W43", "--json"))}
    assert {"arxiv:2010.01412", "arxiv:2010.00578", "arxiv:2010.07468", "openreview:xTJEN-ggl1b"} <= set(w43)
    assert w43["openreview:xTJEN-ggl1b"]["state"] == "featured"  # the pick with no link, by its headline
    assert (
        w43["arxiv:2010.01412"]["state"] == "shortlisted" and w43["arxiv:2010.01412"]["section"] == "papers"
    )
    # An item the library already had keeps its own title; the curator's words are kept apart.
    sam = run("-w", str(hot), "show", "2010.01412", "--json").json()
    assert isinstance(sam, dict)
    assert sam["title"].startswith("Sharpness-Aware Minimization")
    assert any(t["lang"] == "zh" and t["name"] == "headline" and t["edited"] for t in sam["texts"])
    w49 = _json(run("-w", str(hot), "list", "--week", "2020-W49", "--json"))
    assert "arxiv:2011.15126" in {e["key"] for e in w49}
    assert "arxiv:2011.03775" not in {e["key"] for e in w49}
    earlier = run("-w", str(hot), "show", "2011.03775", "--json").json()
    assert isinstance(earlier, dict) and earlier["state"] == "featured" and earlier["week"] is None
    db = sqlite3.connect(hot / "library.db")
    before = db.execute(
        "SELECT count(*), max(changed) FROM items JOIN history ON history.item_id = items.id"
    ).fetchone()
    assert run("-w", str(hot), "import", *files).code == 0
    assert (
        db.execute(
            "SELECT count(*), max(changed) FROM items JOIN history ON history.item_id = items.id"
        ).fetchone()
        == before
    )

    # The backtest on this real history: our ranker beside arxiv-sanity-lite's.
    report = run("-w", str(hot), "rank", "--evaluate")
    assert report.code == 0, report.err
    assert "1 weeks" in report.out and "arxiv-sanity" in report.out


def test_an_issue_source_moves_the_shortlist_to_another_library(run, demo_copy) -> None:  # type: ignore[no-untyped-def]
    source = demo_copy.root / "issues" / "2020-W49.md"
    assert run("init", "fresh").code == 0
    assert run("-w", "fresh", "import", str(source)).code == 0
    before = _json(run("-w", str(demo_copy.root), "list", "--week", "2020-W49", "--json"))
    after = _json(run("-w", "fresh", "list", "--week", "2020-W49", "--json"))
    assert {(e["key"], e["state"]) for e in after} == {(e["key"], e["state"]) for e in before}
    month = run("-w", "fresh", "import", str(demo_copy.root / "issues" / "2020-11.md"))
    assert month.code == 0 and "monthly summary" in month.err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "# My reading list\n\n# 1. Papers\n\n# A\n\nhttps://arxiv.org/abs/2011.15126\n",
            "unrecognised format",
        ),
        ("# Week 49, 2020\n\nNothing here.\n", "no entries found"),
        ("# Week 60, 2020\n\n# 1. Papers\n", "no week in the title"),
    ],
)
def test_a_bad_issue_file_imports_nothing(run, tmp_path: Path, text: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    path = tmp_path / "issue.md"
    path.write_text(text, encoding="utf-8")
    result = run("-w", "ws", "import", str(path))
    assert result.code == 1 and problem in result.err
    assert run("-w", "ws", "list", "--json").json() == []


def test_formats_do_not_claim_each_other(shared_data: Path, seeds: Path) -> None:
    hot = next((shared_data / "arxiv" / "hot_papers_2020").glob("*.md")).read_bytes()
    seed = (seeds / "akiras-ml-news-2020-week49.zh.md").read_bytes()
    assert sniff(hot) is not None and sniff(hot).name == "hot-papers"  # type: ignore[union-attr]
    assert sniff(seed) is not None and sniff(seed).name == "issue"  # type: ignore[union-attr]
    assert not get_format("issue").sniff(hot) and not get_format("hot-papers").sniff(seed)


def test_openreview_ratings_join_the_papers_they_name(run, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    folder = shared_data / "openreview" / "iclr2021"
    assert run("init", "ws").code == 0
    early = run("-w", "ws", "import", str(folder / "ratings.tsv"))
    assert early.code == 0 and early.err.count("not in the library") == 1  # one line, not 2,965
    result = run("-w", "ws", "import", *(str(folder / n) for n in ("paperlist.tsv", "ratings.20201111.tsv")))
    assert result.code == 0, result.err
    assert run("-w", "ws", "import", str(folder / "ratings.tsv")).code == 0
    sam = run("-w", "ws", "show", "openreview:6Tm1mposlrM", "--json").json()
    assert isinstance(sam, dict)
    signals = {s["name"]: s["value"] for s in sam["signals"]}
    assert signals["openreview_accepted"] == 1.0 and 6 <= signals["openreview_rating"] <= 9
    assert "Sharpness Minimization" in sam["categories"]
    db = sqlite3.connect(Path("ws") / "library.db")
    before = db.execute("SELECT count(*), max(changed) FROM items").fetchone()
    again = run("-w", "ws", "import", str(folder / "ratings.tsv"))
    assert again.code == 0 and db.execute("SELECT count(*), max(changed) FROM items").fetchone() == before


@pytest.mark.parametrize("lang", ["en", "ja", "zh"])
def test_an_issue_as_mlnews_publishes_it_imports_as_its_picks(run, demo_copy, lang: str) -> None:  # type: ignore[no-untyped-def]
    rendered = demo_copy.root / "markdown" / f"2020-W49.{lang}.md"
    assert run("init", "fresh").code == 0
    result = run("-w", "fresh", "import", str(rendered))
    assert result.code == 0, result.err
    before = _json(run("-w", str(demo_copy.root), "list", "--week", "2020-W49", "--json"))
    after = _json(run("-w", "fresh", "list", "--week", "2020-W49", "--json"))
    assert {(e["key"], e["state"], e["section"]) for e in after} == {
        (e["key"], e["state"], e["section"]) for e in before
    }
    texts = run("-w", "fresh", "show", "2011.15126", "--json").json()
    assert isinstance(texts, dict) and {t["lang"] for t in texts["texts"]} == {lang}
