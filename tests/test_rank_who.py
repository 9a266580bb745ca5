"""Who wrote a paper and where it was filed, as the taste ranker weighs them: a curator's
categories and authors count from the first picks, the reasons say so, and the blend's weights
are stated and grow toward what the history teaches."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import tomlkit

from mlnews.formats import mlnews_jsonl
from mlnews.items import Item
from mlnews.rank import affinity, features
from mlnews.rank.base import Corpus, Examples
from mlnews.rank.features import Document
from mlnews.rank.taste import TasteRanker, choose_weights, cold, tfidf
from mlnews.weeks import Week

WEEK = Week(2021, 10)
# Every paper shares these words: what tells them apart is their category and authors.
WORDS = "We study a learned model for structured prediction with attention and sparse updates."


def _paper(n: int, category: str, authors: list[str], day: date) -> Item:
    return Item(
        title=f"Structured attention study number {n}",
        kind="paper",
        key=f"arxiv:2103.{n:05d}",
        abstract=WORDS,
        authors=authors,
        categories=[category, "cs.LG"],
        published=day.isoformat(),
    )


def _workspace(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Forty vision and forty programming-languages papers in the weeks before WEEK, as many of
    each in it; one favourite author writes some vision papers."""
    start = WEEK.start()
    items = []
    for n in range(160):
        category = "cs.CV" if n % 2 == 0 else "cs.PL"
        authors = ["Ada Favourite", f"Someone {n}"] if n % 8 == 0 else [f"Someone {n}", f"Other {n}"]
        day = start - timedelta(days=20) + timedelta(days=n // 8) if n < 80 else start + timedelta(days=n % 6)
        items.append(_paper(n, category, authors, day))
    path = tmp_path / "papers.jsonl"
    with path.open("w", encoding="utf-8") as out:
        mlnews_jsonl.dump(iter(items), out)
    assert run("init", "ws").code == 0
    assert run("-w", "ws", "import", str(path)).code == 0
    return tmp_path / "ws"


def test_a_curators_categories_count_from_the_first_picks(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = _workspace(run, tmp_path)
    earlier = str(Week(2021, 8))
    picks = [f"arxiv:2103.{n:05d}" for n in range(0, 12, 2)]  # six vision papers, none by the favourite
    assert run("-w", str(ws), "shortlist", *picks, "--week", earlier).code == 0
    shown = run("-w", str(ws), "candidates", str(WEEK), "--limit", "80", "--json")
    assert shown.code == 0, shown.err
    ranked = json.loads(shown.out)
    top = ranked[:20]
    assert all(entry["categories"][0] == "cs.CV" for entry in top), [e["categories"] for e in top]
    assert "cs.CV, picked" in top[0]["reasons"]["category"]
    plain = run("-w", str(ws), "candidates", str(WEEK), "--limit", "3")
    assert plain.out.startswith("weighs ") and "their categories" in plain.out
    assert "category: cs.CV, picked" in plain.out


def test_a_followed_author_raises_a_paper_and_says_so(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = _workspace(run, tmp_path)
    path = ws / "mlnews.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["ranker"]["taste"]["authors"] = ["Ada Favourite"]  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    picks = [f"arxiv:2103.{n:05d}" for n in (2, 4, 6)]
    assert run("-w", str(ws), "shortlist", *picks, "--week", str(Week(2021, 8))).code == 0
    ranked = json.loads(run("-w", str(ws), "candidates", str(WEEK), "--limit", "80", "--json").out)
    favourite = [n for n, entry in enumerate(ranked) if "Ada Favourite" in entry["authors"]]
    assert favourite and max(favourite) < 20, favourite
    assert ranked[favourite[0]]["reasons"]["author"] == "Ada Favourite, followed"


def test_features_keep_authors_and_categories_apart_from_words(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = _workspace(run, tmp_path)
    db = sqlite3.connect(ws / "library.db")
    people, fields = db.execute(
        "SELECT f.authors, f.categories FROM features f JOIN items i ON i.id = f.item_id"
        " WHERE i.key = 'arxiv:2103.00000'"
    ).fetchone()
    assert set(np.frombuffer(people, dtype="<i4")) == {
        features.bucket("author:ada favourite"),
        features.bucket("author:someone 0"),
    }
    assert list(np.frombuffer(fields, dtype="<i4")) == [
        features.bucket("category:cs.cv"),
        features.bucket("category:cs.lg"),
    ]


def test_an_older_library_builds_them_again(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = _workspace(run, tmp_path)
    db = sqlite3.connect(ws / "library.db")
    with db:  # as a library from before authors were kept apart: nothing there, marked stale
        db.execute("UPDATE features SET authors = x'', categories = x'', built = ''")
    db.close()
    assert run("-w", str(ws), "rank", "--week", str(WEEK)).code == 0
    db = sqlite3.connect(ws / "library.db")
    assert db.execute("SELECT count(*) FROM features WHERE categories = x''").fetchone()[0] == 0


def _corpus(categories: list[str]) -> Corpus:
    documents = [Document("same words", WORDS, [f"author {n}"], [c]) for n, c in enumerate(categories)]
    return Corpus(
        np.arange(len(documents)), features.tf(documents), np.full(len(documents), np.nan),
        np.zeros(len(documents)), documents,
    )  # fmt: skip


def test_category_fit_is_smoothed_and_primary_first() -> None:
    corpus = _corpus(["cs.CV"] * 10 + ["cs.PL"] * 10 + ["cs.AR"])
    _, fields = corpus.who()
    labels = np.r_[np.ones(3), np.zeros(17)]
    examples = Examples(np.arange(20), labels, np.ones(20), np.zeros(20, dtype=np.int64))
    cols, ratios = affinity.fit(fields, examples, positive_only=False)
    fit = affinity.categories(fields, cols, ratios)
    assert fit[0] > 0 > fit[10], "picked vision above never-picked PL"
    assert fit[20] == 0.0, "a category never seen is neither up nor down"
    assert fit[0] < np.log(20 / 3), "three picks do not make the full ratio yet"


def test_the_cold_start_leans_on_popularity_and_categories() -> None:
    corpus = _corpus(["cs.CV"] * 4 + ["cs.PL"] * 4)
    corpus.prior = np.linspace(0, 1, 8)
    examples = Examples(np.arange(2), np.ones(2), np.ones(2), np.full(2, -1, dtype=np.int64))
    matrix = tfidf(corpus.tf, np.ones(features.BUCKETS, dtype=np.float32))
    weights = choose_weights(matrix, corpus, examples, 1.0, None)
    assert weights == {name: round(w, 3) for name, w in cold(True).items()}
    assert weights["popularity"] + weights["categories"] > 0.5
    without = cold(False)
    assert without["popularity"] == 0 and abs(sum(without.values()) - 1) < 1e-9
    ranker = TasteRanker()
    model = ranker.train(corpus, examples)
    assert model.params["weights"]["popularity"] == weights["popularity"]
