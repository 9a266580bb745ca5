"""Taste ranking as a curator uses it: rank, candidates with reasons, similar, list --sort score,
the backtest, the stored model, and the rankers' quality on real data (ICLR 2021)."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import tomlkit

from mlnews.formats import mlnews_jsonl
from mlnews.items import Item
from mlnews.rank import features
from mlnews.rank.base import Corpus, Examples, Model, percentiles
from mlnews.rank.features import BUCKETS, Document
from mlnews.rank.taste import TasteRanker, taste_scores, tfidf
from mlnews.weeks import Week

WEEKS = [Week(2020, number) for number in range(40, 46)]
RL = "reinforcement learning"


def _iclr(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "openreview" / "iclr2021" / "paperlist.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))[:1200]


@pytest.fixture
def iclr(run, shared_data: Path, tmp_path: Path) -> tuple[Path, list[str], list[str]]:  # type: ignore[no-untyped-def]
    """A workspace holding 1,200 real ICLR 2021 submissions spread over six weeks; returns it,
    the keys of the reinforcement-learning papers (by their authors' keywords, which the
    ranker never sees) and of the others."""
    papers = _iclr(shared_data)
    items = []
    for number, paper in enumerate(papers):
        day = WEEKS[number % len(WEEKS)].start() + timedelta(days=1)
        items.append(
            Item(
                title=paper["title"],
                kind="paper",
                key=f"openreview:{paper['paper_id']}",
                abstract=paper["abstract"],
                published=day.isoformat(),
                urls=[paper["link"]],
            )
        )
    path = tmp_path / "iclr.jsonl"
    with path.open("w", encoding="utf-8") as out:
        mlnews_jsonl.dump(iter(items), out)
    assert run("init", "ws").code == 0
    result = run("-w", "ws", "import", str(path))
    assert result.code == 0, result.err
    liked = [f"openreview:{p['paper_id']}" for p in papers if RL in p["keywords"].lower()]
    others = [f"openreview:{p['paper_id']}" for p in papers if RL not in p["keywords"].lower()]
    return tmp_path / "ws", liked, others


def _set(ws: Path, key: str, value: object) -> None:
    """Change a setting of [ranker.taste], which `mlnews init` wrote with its defaults."""
    path = ws / "mlnews.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["ranker"]["taste"][key] = value  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def _week_of(keys: list[str], papers_in_order: list[str], week: Week) -> list[str]:
    return [k for k in keys if WEEKS[papers_in_order.index(k) % len(WEEKS)] == week]


def test_candidates_come_best_first_with_reasons(run, iclr, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    ws, liked, others = iclr
    order = [f"openreview:{p['paper_id']}" for p in _iclr(shared_data)]
    for week in WEEKS[:4]:  # a month of history: this curator shortlists accepted RL papers
        keys = _week_of(liked, order, week)
        assert run("-w", str(ws), "shortlist", *keys, "--week", str(week)).code == 0
    rejected = _week_of(others, order, WEEKS[3])[:20]
    assert run("-w", str(ws), "reject", *rejected).code == 0

    target = WEEKS[5]
    result = run("-w", str(ws), "candidates", str(target), "--limit", "10", "--json")
    assert result.code == 0, result.err
    shown = result.json()
    assert isinstance(shown, list) and len(shown) == 10
    scores = [entry["score"] for entry in shown]
    assert scores == sorted(scores, reverse=True)
    hits = sum(entry["key"] in liked for entry in shown)
    wanted = len(_week_of(liked, order, target))
    # Random would find about 10/200 of them; the taste ranker finds most.
    assert hits >= min(wanted, 10) * 0.6, (hits, wanted)
    top = shown[0]["reasons"]
    assert top["terms"], "the words that weigh most are named"
    assert any(
        word in " ".join(top["terms"]) for word in ("reinforcement", "policy", "agent", "reward", "rl")
    )
    assert top["like"].endswith(tuple(str(w) for w in WEEKS[:4])), "the nearest past pick, with its week"

    # The plain table shows the same, one line of reasons under each item.
    table = run("-w", str(ws), "candidates", str(target), "--limit", "3")
    assert "for: " in table.out and "like: " in table.out

    # rank stores the scores: list --sort score shows them best first.
    assert run("-w", str(ws), "rank", "--week", str(target)).code == 0
    listed = run("-w", str(ws), "list", "--sort", "score", "--state", "new", "--limit", "5", "--json").json()
    assert isinstance(listed, list)
    assert [e["key"] for e in listed] == [e["key"] for e in shown[:5]]


def test_similar_finds_more_like_this(run, iclr) -> None:  # type: ignore[no-untyped-def]
    ws, liked, _ = iclr
    result = run("-w", str(ws), "similar", liked[0], "--limit", "5", "--json")
    assert result.code == 0, result.err
    found = result.json()
    assert isinstance(found, list) and len(found) == 5
    assert liked[0] not in [entry["key"] for entry in found]
    assert sum(entry["key"] in liked for entry in found) >= 1
    assert run("-w", str(ws), "similar", "arXiv:9999.99999").code == 1


def test_a_new_curator_starts_from_topics_then_popularity(run, iclr, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    ws, liked, _ = iclr
    order = [f"openreview:{p['paper_id']}" for p in _iclr(shared_data)]
    _set(ws, "topics", ["reinforcement learning", "policy"])
    result = run("-w", str(ws), "candidates", str(WEEKS[2]), "--limit", "10", "--json")
    assert result.code == 0, result.err
    shown = result.json()
    assert isinstance(shown, list)
    rl_papers = {k for k in order if k in liked}
    assert sum(entry["key"] in rl_papers for entry in shown) >= 3


def test_the_model_is_stored_as_data_and_kept_in_step_with_decisions(run, iclr) -> None:  # type: ignore[no-untyped-def]
    ws, liked, _ = iclr
    assert run("-w", str(ws), "shortlist", *liked[:5], "--week", str(WEEKS[0])).code == 0
    assert run("-w", str(ws), "rank", "--week", str(WEEKS[1])).code == 0
    db = sqlite3.connect(ws / "library.db")
    (params, blob) = db.execute("SELECT params, arrays FROM models WHERE name = 'taste'").fetchone()
    assert zipfile.is_zipfile(io.BytesIO(blob)), "an .npz archive of plain arrays"
    with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
        assert {"idf", "cols", "coef", "picks"} <= set(archive.files)
        assert all(archive[name].dtype != object for name in archive.files)
    stamp = db.execute("SELECT params FROM models").fetchone()[0]
    # One more decision retrains it at once (quickly), so the next ranking already knows.
    assert run("-w", str(ws), "shortlist", liked[5], "--week", str(WEEKS[1])).code == 0
    assert db.execute("SELECT params FROM models").fetchone()[0] != stamp
    assert '"alpha"' in params
    # Every item got its features when it was imported.
    assert (
        db.execute("SELECT count(*) FROM items").fetchone()
        == db.execute("SELECT count(*) FROM features").fetchone()
    )


def test_features_follow_the_item(run, demo_copy) -> None:  # type: ignore[no-untyped-def]
    ws = demo_copy.root
    db = sqlite3.connect(ws / "library.db")
    (item_id,) = db.execute("SELECT id FROM items WHERE key = 'arxiv:2011.15126'").fetchone()
    before = db.execute("SELECT terms FROM features WHERE item_id = ?", (item_id,)).fetchone()
    assert before is not None
    fresh = ws / "more.jsonl"
    item = Item(title="One-Shot Free-View Neural Talking-Head Synthesis for Video Conferencing", kind="paper",
                key="arxiv:2011.15126", abstract="A much longer abstract about zymurgy " * 20)  # fmt: skip
    with fresh.open("w", encoding="utf-8") as out:
        mlnews_jsonl.dump(iter([item]), out)
    assert run("-w", str(ws), "import", str(fresh)).code == 0
    after = db.execute("SELECT terms FROM features WHERE item_id = ?", (item_id,)).fetchone()
    assert after != before and features.bucket("zymurgy") in np.frombuffer(after[0], dtype="<u4")


def test_buckets_name_their_words() -> None:
    document = Document("Diffusion models beat GANs", "Score matching for images.", ["Yang Song"], ["cs.LG"])
    counted = features.counts([document])
    names = features.terms_of(document)
    assert set(counted.indices) == set(names)
    assert {"diffusion", "diffusion models", "author:yang song", "category:cs.lg"} <= set(names.values())


def _sklearn_counts(documents: list[Document]) -> object:
    """What the taste ranker's features were first built with: scikit-learn's HashingVectorizer."""
    from sklearn.feature_extraction.text import HashingVectorizer

    setup = HashingVectorizer(ngram_range=(1, 2), stop_words="english", strip_accents="unicode")
    words = setup.build_analyzer()

    def tokens(document: Document) -> list[str]:
        found: list[str] = words(f"{document.title}. {document.text}")
        found += [f"author:{name.strip().lower()}" for name in document.authors if name.strip()]
        return found + [f"category:{name.strip().lower()}" for name in document.categories if name.strip()]

    hasher = HashingVectorizer(
        n_features=BUCKETS, analyzer=tokens, alternate_sign=False, norm=None, dtype=np.float32
    )
    return hasher.transform(documents)


def _agree(documents: list[Document]) -> None:
    ours, theirs = features.counts(documents), _sklearn_counts(documents)
    assert ours.shape == theirs.shape  # type: ignore[attr-defined]
    assert (ours != theirs).nnz == 0


def test_features_are_counted_as_scikit_learn_counts_them() -> None:
    """Features stored by earlier versions (scikit-learn's hasher) and by this one agree: the same
    buckets and counts, odd text too (accents, ligatures, CJK, digits, one letter, stop words only)."""
    _agree([
        Document("Éléments de réseaux", "Ångström-scale naïve Bayes façade, ﬁne ligatures.", ["José Núñez"]),
        Document("大規模言語モデルの評価", "我们提出了新方法。 The x y 42 z9 α-β", ["山田 太郎"], ["cs.CL"]),
        Document("A", "", [], []),
        Document("the of and", "it is", [" "], [""]),
    ])  # fmt: skip
    assert features.bucket("learning") == features.counts([Document("learning", "")]).indices[0]


def test_features_of_real_abstracts_are_counted_as_scikit_learn_counts_them(shared_data: Path) -> None:
    import gzip
    import json

    month = shared_data / "arxiv" / "daily_2025" / "2025-05.jsonl.gz"
    with gzip.open(month, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for _, line in zip(range(3000), lines, strict=False)]
    _agree([
        Document(r["title"], r["abstract"] or "", (r["authors"] or "").split(", "), r["categories"].split())
        for r in records
    ])  # fmt: skip


def test_ranking_a_week_and_the_backtest_on_the_demo(run, demo_copy) -> None:  # type: ignore[no-untyped-def]
    ws = str(demo_copy.root)
    result = run("-w", ws, "candidates", "2020-W49", "--limit", "5")
    assert result.code == 0, result.err
    assert "arxiv:" in result.out
    report = run("-w", ws, "rank", "--evaluate")
    assert report.code == 0, report.err
    for method in ("mlnews taste", "arxiv-sanity", "popularity", "random", "recall@20", "SI MRR"):
        assert method in report.out


DEMO_PICKS = {  # the demo's shortlists as a curator file would give them; one pick the library lacks
    "2020-W44": ["2010.15327", "2010.11967"],
    "2020-W45": ["2011.01513", "2011.00844"],
    "2020-W46": ["2011.04267", "2099.00001"],
    "2020-W47": ["2011.08843", "2011.07248"],
    "2020-W48": ["2011.12692", "2011.11183"],
}


def test_a_curators_weekly_picks_are_replayed_against_the_library(run, demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    ws = str(demo_copy.root)
    weeks = {week: {"picks": picks} for week, picks in DEMO_PICKS.items()}
    curator = tmp_path / "curator.json"
    curator.write_text(json.dumps({"_doc": "a note", "demo-curator": {"weeks": weeks}}), encoding="utf-8")
    report = run("-w", ws, "rank", "--evaluate", "--curator", str(curator))
    assert report.code == 0, report.err
    assert "demo-curator: 9 of 10 picks are in the library" in report.out
    assert "4 weeks" in report.out and "90% interval" in report.out  # the first week has nothing before it
    for method in ("mlnews taste", "arxiv-sanity", "popularity", "random", "recall@20", "nDCG@20"):
        assert method in report.out
    assert "finds" in report.out and "arxiv-sanity-lite's picks in its top 20" in report.out
    curator.write_text(json.dumps({"demo-curator": {"weeks": {"week 49": {"picks": []}}}}), encoding="utf-8")
    bad = run("-w", ws, "rank", "--evaluate", "--curator", str(curator))
    assert bad.code == 1 and "'week 49': expected a week, YYYY-Www" in bad.err and str(curator) in bad.err
    alone = run("-w", ws, "rank", "--curator", str(curator))
    assert alone.code == 1 and "use it with --evaluate" in alone.err


def test_a_reason_is_never_a_generic_or_common_word() -> None:
    import math

    from mlnews.rank.reasons import telling

    items = 75_000.0
    rare, common = 1 + math.log(items / 150), 1 + math.log(items / 30_000)  # in 150 and 30,000 items
    for generic in ("furthermore", "works", "value", "prove", "guarantees", "state art", "novel method"):
        assert not telling(generic, rare, items), generic
    assert not telling("language", common, items)
    assert telling("diffusion", rare, items) and telling("talking head", rare, items)
    assert not telling("author:yang song", rare, items) and not telling("category:cs.cv", rare, items)
    assert telling("radiance fields", 1 + math.log(60 / 4), 60.0)  # 3 of a demo's 60 items: not common


def test_changed_ranker_settings_are_never_stale(run, demo_copy) -> None:  # type: ignore[no-untyped-def]
    import json

    ws = demo_copy.root

    def stored() -> tuple[str, dict[str, object]]:
        row = sqlite3.connect(ws / "library.db").execute("SELECT trained, params FROM models").fetchone()
        return row[0], json.loads(row[1])

    def mark() -> None:  # a stamp no training writes: still there, the stored model served
        with sqlite3.connect(ws / "library.db") as db:
            db.execute("UPDATE models SET trained = 'marked'")

    assert run("-w", str(ws), "candidates", "2020-W49").code == 0
    _, params = stored()
    mark()
    assert run("-w", str(ws), "candidates", "2020-W49").code == 0
    assert stored()[0] == "marked"  # nothing changed: the stored model serves
    _set(ws, "popularity", 0.8)
    assert run("-w", str(ws), "candidates", "2020-W49").code == 0
    again, changed = stored()
    assert again != "marked" and changed["settings"] != params["settings"]
    assert changed["alpha"] in (0.8, 0.0)  # the weight asked for (0 only where no item has a prior)
    assert run("-w", str(ws), "shortlist", "2012.00364", "--week", "2020-W49").code == 0
    assert stored()[1]["settings"] == changed["settings"]  # the retrain after a decision kept them


def test_bad_input_is_one_line(run, demo_copy) -> None:  # type: ignore[no-untyped-def]
    ws = demo_copy.root
    result = run("-w", str(ws), "candidates", "2020-W99")
    assert result.code != 0 and len(result.err.strip().splitlines()) == 1
    _set(ws, "popularity", 2.5)
    result = run("-w", str(ws), "rank")
    assert result.code == 1 and "popularity" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_percentiles_share_ties() -> None:
    assert percentiles(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == pytest.approx([5 / 6, 0, 5 / 6, 1 / 3])


def test_taste_without_popularity_keeps_the_text_order() -> None:
    documents = [Document(f"paper {i}", "graph networks" if i % 2 else "protein folding") for i in range(40)]
    frequencies = features.tf(documents)
    corpus = Corpus(np.arange(40), frequencies, np.full(40, np.nan), np.zeros(40), documents)
    examples = Examples(np.arange(10), (np.arange(10) % 2).astype(float), np.ones(10), np.full(10, -1))
    ranker = TasteRanker()
    model = ranker.train(corpus, examples)
    assert model.params["alpha"] == 0.0, "no prior known: taste alone"
    scores = ranker.score(Model.from_bytes("taste", model.params, model.to_bytes()), corpus)
    assert scores[1::2].min() > scores[0::2].max()
    matrix = tfidf(frequencies, model.arrays["idf"])
    assert np.allclose(matrix.multiply(matrix).sum(axis=1), 1.0)
    assert np.allclose(matrix @ _dense(model), taste_scores(model, frequencies), atol=1e-5)


def _dense(model: Model) -> np.ndarray:
    weights = np.zeros(BUCKETS)
    weights[model.arrays["cols"]] = model.arrays["coef"]
    return weights


# How well taste ranks against arxiv-sanity-lite on simulated ICLR curators is measured, with
# intervals, by `python bench/taste.py`: a measurement, not a behaviour, and 2-4 minutes of a run.


def test_examples_can_be_a_bibtex_export(run) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    assert run("demo-files", "ws").code == 0
    assert run("-w", "ws", "import", "ws/papers.atom", "ws/reading.bib").code == 0
    _set(Path("ws"), "examples", ["reading.bib", "arXiv:2011.12289v1"])
    assert run("-w", "ws", "rank", "--week", "2020-W49").code == 0
    params = sqlite3.connect("ws/library.db").execute("SELECT params FROM models").fetchone()[0]
    assert '"positives": 6' in params  # the five records of reading.bib, and one key
    _set(Path("ws"), "examples", ["mlnews.toml"])
    result = run("-w", "ws", "rank")
    assert result.code == 1 and "examples: " in result.err and "mlnews.toml" in result.err


def test_features_built_in_workers_are_the_same(demo_copy, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from mlnews.library import Library

    with Library.open(demo_copy.root / "library.db") as library:
        before = library.ranking.features()
        library.db.execute("DELETE FROM features")
        monkeypatch.setattr(features, "_PARALLEL_FROM", 1)
        monkeypatch.setattr(features, "_BATCH", 7)  # several batches in flight
        # The items a ranker meets first (the two years before the newest, and the decided)...
        recent = [row for row in before if (row[5] or "9") >= features.since(library)]
        built = features.update(library)
        assert len(recent) <= built < len(before)
        # ... and the older ones when asked for (an old week ranked, a paper decided on).
        assert features.ensure(library, [row[0] for row in before]) == len(before) - built
        assert library.ranking.features() == before


def test_features_an_import_builds_as_it_parses_are_the_ones_built_after(
    shared_data: Path, tmp_path: Path
) -> None:
    """`mlnews import` has its parsing workers build each new item's features (the writer then
    stores them with the item): a real month of arXiv, parsed by workers, leaves nothing stale,
    and every stored row is the one `features.update` builds from the stored item."""
    from mlnews.collect import ingest
    from mlnews.library import Library

    month = shared_data / "arxiv" / "daily_2025" / "2025-05.jsonl.gz"
    with Library.open(tmp_path / "library.db") as library:
        assert ingest.import_files(library, [month], derive=features.deriver(library))[0].ok
        assert library.ranking.stale(features.since(library)) == []
        built = library.ranking.features()
        library.db.execute("DELETE FROM features")
        assert features.update(library) == len(built) > 5000
        assert library.ranking.features() == built


def test_an_import_of_a_snapshot_weeks_old_leaves_no_features_to_build_after(tmp_path: Path) -> None:
    """A snapshot's newest paper is weeks before today: the papers a ranker meets then reach back
    further than two years from today, and the workers build those too (not `update`, after)."""
    import json
    from datetime import date

    from mlnews.collect import ingest
    from mlnews.dates import now
    from mlnews.library import Library

    newest = date.fromisoformat(now()[:10]) - timedelta(days=40)
    ages = [0, features.RECENT_DAYS - 10, features.RECENT_DAYS + 170]  # days before the newest
    snapshot = tmp_path / "snapshot.jsonl"
    with snapshot.open("w", encoding="utf-8") as out:
        for number, age in enumerate(ages):
            created = (newest - timedelta(days=age)).strftime("%a, %d %b %Y 12:00:00 GMT")
            record = {"id": f"2001.{number:05d}", "title": f"Paper {number} on sparse attention",
                      "abstract": "We prune attention heads.", "authors": "Ana Silva", "categories": "cs.LG",
                      "versions": [{"version": "v1", "created": created}]}  # fmt: skip
            out.write(json.dumps(record) + "\n")
    with Library.open(tmp_path / "library.db") as library:
        assert ingest.import_files(library, [snapshot], derive=features.deriver(library))[0].ok
        assert library.ranking.stale(features.since(library)) == []
        assert features.update(library) == 0
        assert len(library.ranking.features()) == 2  # the oldest meets no ranker: built when asked


@pytest.mark.parametrize("name", ["arxiv-sanity", "popularity"])
def test_the_other_rankers_serve_the_same_commands(run, iclr, name: str) -> None:  # type: ignore[no-untyped-def]
    ws, liked, _ = iclr
    path = ws / "mlnews.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["newsletter"]["ranker"] = name  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    assert run("-w", str(ws), "shortlist", *liked[:8], "--week", str(WEEKS[0])).code == 0
    shown = run("-w", str(ws), "candidates", str(WEEKS[2]), "--limit", "5", "--json").json()
    assert isinstance(shown, list) and len(shown) == 5
    assert run("-w", str(ws), "similar", liked[0], "--limit", "3").code == 0
    assert run("-w", str(ws), "reject", liked[9]).code == 0
