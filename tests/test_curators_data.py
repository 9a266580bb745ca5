"""The seeds' curator ("Akira's ML News", weeks 43 and 49 of 2020) replayed on the real pool it
chose from, the daily Hot Papers lists of 2020, as `bench/curators.py --seeds` runs it.

Only that the replay runs and what it reads are checked here; the ranker's figures (issue 23's
goals) are the benchmark's to report."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _bench() -> ModuleType:
    """bench/curators.py, imported: the test builds the curator file as the benchmark does."""
    spec = importlib.util.spec_from_file_location(
        "curators_bench", Path(__file__).parents[1] / "bench" / "curators.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hot_papers(shared_data: Path) -> list[Path]:
    files: list[Path] = _bench().hot_papers_2020(shared_data)
    if not files:
        pytest.skip(f"{shared_data / 'arxiv' / 'hot_papers_2020'}: no Hot Papers lists to rank")
    return files


def test_the_seed_issues_give_each_week_its_arxiv_picks(seeds: Path) -> None:
    weeks = {w.week: w for w in _bench().seed_weeks(seeds)}
    if not {"2020-W43", "2020-W49"} <= set(weeks):
        pytest.skip(f"{seeds}: the seed issues of weeks 43 and 49 of 2020 are not both there")
    w43, w49 = weeks["2020-W43"], weeks["2020-W49"]
    assert str(w43.start) == "2020-10-18" and str(w49.start) == "2020-11-29"  # Sundays, as the issues say
    assert w43.picks[:3] == ["2010.01412", "2010.00578", "2010.07468"]
    assert "openreview:xTJEN-ggl1b" in w43.no_arxiv  # LambdaNetworks: no arXiv id in the issue
    assert w49.picks[0] == "2011.15126" and len(w49.picks) == 9
    # the week-49 editor's picks are not in its body: an earlier week's items, left out of week 49
    assert {"arxiv:2011.03775", "arxiv:2011.03530"} <= set(w49.not_in_body)
    assert not {"2011.03775", "2011.03530"} & set(w49.picks)


def test_the_seeds_curator_is_replayed_on_the_hot_papers_pool(  # type: ignore[no-untyped-def]
    run, seeds: Path, hot_papers: list[Path], tmp_path: Path
) -> None:
    bench = _bench()
    assert run("init", "ws").code == 0
    imported = run("-w", "ws", "import", *map(str, hot_papers))
    assert imported.code == 0, imported.err
    built = bench.seeds_curator(seeds, tmp_path / "ws")
    weeks = built[bench.SEEDS_NAME]["weeks"]
    w49 = weeks["2020-W49"]
    assert (w49["from"], w49["to"]) == ("2020-11-29", "2020-12-05")  # Sunday to Saturday
    assert w49["window"] == ["2020-11-08", "2020-12-06"]  # lookback_days (28) up to its last day
    assert w49["in_window"] and set(w49["in_window"]) <= set(w49["in_pool"]) <= set(w49["picks"])
    assert weeks["2020-W43"]["in_pool"]
    path = tmp_path / "seeds.json"
    path.write_text(json.dumps(built), encoding="utf-8")
    replay = run("-w", "ws", "rank", "--evaluate", "--curator", str(path))
    assert replay.code == 0, replay.err
    found = sum(len(w["in_pool"]) for w in weeks.values())
    given = sum(len(w["picks"]) for w in weeks.values())
    assert f"{bench.SEEDS_NAME}: {found} of {given} picks are in the library" in replay.out
    # one week to replay: week 49, learned from week 43 (week 43 has nothing before it)
    picks = len(w49["in_window"])
    assert f"{bench.SEEDS_NAME}: replayed week by week: 1 weeks, {picks} picks" in replay.out
    for method in ("arxiv-sanity", "popularity", "random"):
        assert bench.mean_of(replay.out, method, "recall@20") is not None, replay.out
    assert "arxiv-sanity-lite's picks in its top 20" in replay.out
