"""Ranking a week in the library: build what is missing, train, score, keep the scores.

`train` learns from every decision so far and stores the model; `rank_week` scores a
week's candidates with it (training first when the decisions changed since) and writes
each candidate's score to the library, so `list --sort score` and `compose` see it;
`similar` finds the items most like one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlnews import identity, lazy, plugins
from mlnews.dates import now
from mlnews.errors import UsageError
from mlnews.formats.base import sniff
from mlnews.items import Item
from mlnews.library import Library
from mlnews.rank import dense, features, labels, prior, rules
from mlnews.rank.base import Corpus, Examples, Model, Ranker
from mlnews.rank.features import Document
from mlnews.rank.taste import hashed_idf, inverse_document_frequency, taste_scores, tfidf
from mlnews.settings import Config
from mlnews.weeks import Week

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
else:  # imported on first use: a command that never ranks does not pay for them
    np = lazy.load("numpy")
    sparse = lazy.load("scipy.sparse")

MODEL_FORMAT = 2  # what a stored model holds: one trained by an older mlnews is trained again
_PSEUDO_ID = -1  # the row a new curator's topics, authors and categories make


@dataclass
class Ranked:
    item_id: int
    item: Item
    score: float
    state: str


def ranker_for(config: Config) -> Ranker:
    ranker: Ranker = plugins.create("ranker", config.ranker, config.settings_of("ranker", config.ranker))
    return ranker


def corpus(
    library: Library, ids: Sequence[int] | None = None, *, text: bool = False, vectors: str | None = None
) -> Corpus:
    """Items with their features (all when `ids` is None), prior and dates; `text`: and their
    words, for a ranker that reads them itself; `vectors`: and their embeddings from this model
    (`rank.dense`), where the library has them. Items named that have no features yet (a week
    ranked long after) get them first; the whole library is every item that has them."""
    if ids is not None:
        features.ensure(library, ids)
    rows = library.ranking.features(ids)
    item_ids, frequencies = features.decode(rows)
    found = Corpus(
        item_ids, frequencies, prior.values(library, item_ids.tolist()), prior.recency([r[5] for r in rows])
    )
    found.authors, found.categories = features.decode_who(rows)
    if vectors is not None:
        found.dense = dense.load(library, vectors, item_ids)
    if text:
        items = library.ranking.summaries(item_ids.tolist())
        found.documents = [
            Document(items[i].title, items[i].abstract, items[i].authors, items[i].categories)
            for i in item_ids.tolist()
        ]
    return found


def train(library: Library, config: Config, ranker: Ranker, *, quick: bool = False) -> Model:
    """Learn from every decision made and store the model.

    `quick`: right after a decision; reuse what the last full training chose (the idf and
    the popularity weight) and read only the decided items, to stay well under a second.
    """
    features.update(library)
    dense.update(library, config)  # nothing unless `[ranker.taste] embedder` names one
    vectors = dense.model_of(library, config)
    # A ranker that reads the words (arxiv-sanity-lite's) learns from the whole library each time.
    previous = load_model(library, ranker) if quick and not ranker.needs_text else None
    found = labels.collect(
        library,
        examples=_example_ids(library, ranker),
        lookback_days=_lookback(ranker),
        first_weekday=config.first_weekday,
    )
    labelled = sorted(found.by_item)
    if previous is None:  # the whole library, and decisions on papers older than the features' window
        features.ensure(library, labelled)
    whole = corpus(
        library,
        labelled if previous is not None else None,
        text=ranker.needs_text,
        vectors=vectors,
    )
    whole, examples = _with_labels(whole, found, _pseudo_document(ranker), dense.embedder_for(config))
    model = ranker.train(whole, examples, previous)
    model.params["decisions"] = _decisions_stamp(library)
    model.params["settings"] = _settings_stamp(config)
    with library.transaction():
        library.ranking.save_model(ranker.name, now(), model.params, model.to_bytes())
    return model


def after_decision(library: Library, config: Config) -> None:
    """Keep the stored model in step with the decision just made (a quick retrain)."""
    ranker = ranker_for(config)
    stored = load_model(library, ranker)
    if stored is not None:
        # What the last full training chose is reused only under the settings it was chosen with.
        quick = stored.params.get("settings") == _settings_stamp(config)
        train(library, config, ranker, quick=quick)


def load_model(library: Library, ranker: Ranker) -> Model | None:
    stored = library.ranking.model(ranker.name)
    return Model.from_bytes(ranker.name, stored[1], stored[2]) if stored else None


def current_model(library: Library, config: Config, ranker: Ranker) -> Model:
    """The stored model, trained again first if decisions were made or its settings changed since."""
    model = load_model(library, ranker)
    if model is None or not _current(model, library, config):
        model = train(library, config, ranker)
    return model


def _current(model: Model, library: Library, config: Config) -> bool:
    return bool(
        model.params.get("decisions") == _decisions_stamp(library)
        and model.params.get("settings") == _settings_stamp(config)
    )


def _settings_stamp(config: Config) -> str:
    """What the ranker's settings (`[ranker.NAME]`, as written: an examples file's name, not its
    contents) were when it trained."""
    chosen = {"ranker": config.ranker, "format": MODEL_FORMAT, **config.settings_of("ranker", config.ranker)}
    embedder = dense.embedder_for(config)
    if embedder is not None:  # its model too: `[embedder.openai] model` changes the vectors
        chosen["vectors"] = embedder.model
    return hashlib.sha256(json.dumps(chosen, sort_keys=True, default=str).encode()).hexdigest()[:16]


def candidates(library: Library, week: Week, lookback_days: int, first_weekday: str) -> list[int]:
    """The week's candidates: items from its window nobody decided on yet, and its own picks."""
    start, end = labels.window(week, lookback_days, first_weekday)
    undecided = {d.item_id for d in library.ranking.dated(start, end) if d.state == "new"}
    picks = {d.item_id for d in library.ranking.of_week(str(week)) if d.state in labels.PICK}
    return sorted(undecided | picks)


def rank_week(library: Library, config: Config, week: Week, *, retrain: bool = False) -> list[Ranked]:
    """Score the week's candidates, best first, and store their scores."""
    ids, scores = score_week(library, config, week, retrain=retrain)
    return _ranked(library, ids, scores)


def score_week(
    library: Library, config: Config, week: Week, *, retrain: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The week's candidates' ids and scores, best first, the scores stored: `rank_week`
    without reading the items (the app shows a page of them, not 100,000)."""
    ranker = ranker_for(config)
    model = train(library, config, ranker) if retrain else current_model(library, config, ranker)
    ids = candidates(library, week, _lookback(ranker), config.first_weekday)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    week_corpus = corpus(library, ids, text=ranker.needs_text, vectors=dense.model_of(library, config))
    scores = ranker.score(model, week_corpus)
    ruled = rules.for_week(library, config, week, week_corpus.ids, scores)  # the curator's [rules]
    with library.transaction():
        library.ranking.save_scores(ruled.stored)
    return ruled.ids, ruled.scores


def similar(library: Library, config: Config, reference: str, limit: int = 10) -> list[Ranked]:
    """The items most like one (cosine of tf-idf vectors), most alike first."""
    features.update(library)
    target = library.ranking.ids_for_keys([_key_of(library, reference)])
    features.ensure(library, list(target.values()))
    whole = corpus(library)
    idf = _idf(library, config, whole)
    matrix = tfidf(whole.tf, idf)
    row = np.flatnonzero(whole.ids == next(iter(target.values())))
    if not len(row):
        raise UsageError(f"{reference}: has no features yet (an item with no title or text?)")
    likeness = np.asarray(matrix @ matrix[row[0]].T.toarray()).ravel()
    likeness[row[0]] = -1
    best = np.argsort(-likeness, kind="stable")[:limit]
    return _ranked(library, whole.ids[best], likeness[best])


def _idf(library: Library, config: Config, whole: Corpus) -> np.ndarray:
    model = load_model(library, ranker_for(config))
    idf = hashed_idf(model) if model is not None else None
    if idf is not None:
        return idf
    return inverse_document_frequency(whole.tf)


def _key_of(library: Library, reference: str) -> str:
    item = library.get(reference)  # a one-line error for an unknown reference
    return item.key or reference


def _ranked(library: Library, ids: np.ndarray, scores: np.ndarray) -> list[Ranked]:
    order = range(len(ids))  # in the order given: best first, or as the rules put them
    items = library.ranking.summaries([int(ids[i]) for i in order])
    return [
        Ranked(int(ids[i]), items[int(ids[i])], float(scores[i]), items[int(ids[i])].state)
        for i in order
        if int(ids[i]) in items
    ]


def _with_labels(
    whole: Corpus, found: labels.Labels, pseudo: Document | None, embedder: dense.Embedder | None = None
) -> tuple[Corpus, Examples]:
    """The decisions as rows of the corpus; a new curator's topics become one more row, a pick
    (embedded too, when the corpus carries embeddings)."""
    if pseudo is not None:
        authors, categories = whole.who()
        extra = features.who_matrices([pseudo])
        whole = Corpus(
            np.r_[whole.ids, [_PSEUDO_ID]],
            sparse.vstack([whole.tf, features.tf([pseudo])]).tocsr(),
            np.r_[whole.prior, [np.nan]],
            np.r_[whole.days, [0.0]],
            [*whole.documents, pseudo] if whole.documents is not None else None,
            sparse.vstack([authors, extra[0]]).tocsr(),
            sparse.vstack([categories, extra[1]]).tocsr(),
            _with_vector(whole.dense, pseudo, embedder),
        )
        found.by_item[_PSEUDO_ID] = labels.Label(True, labels.EXAMPLE, None)
    return whole, labels.as_examples(found, {int(item_id): row for row, item_id in enumerate(whole.ids)})


def _with_vector(
    vectors: np.ndarray | None, pseudo: Document, embedder: dense.Embedder | None
) -> np.ndarray | None:
    if vectors is None:
        return None
    row = (
        embedder.embed(dense.texts([pseudo.title]))
        if embedder is not None
        else np.zeros((1, vectors.shape[1]), dtype=np.float32)
    )
    return np.vstack([vectors, row.astype(np.float32)])


def followed(ranker: Ranker) -> list[str]:
    """The authors the curator follows (`[ranker.NAME] authors`), for reasons."""
    return list(getattr(ranker, "authors", []))


def _pseudo_document(ranker: Ranker) -> Document | None:
    topics = list(getattr(ranker, "topics", []))
    authors = list(getattr(ranker, "authors", []))
    categories = list(getattr(ranker, "categories", []))
    if not (topics or authors or categories):
        return None
    return Document(". ".join(topics), "", authors, categories)


def _example_ids(library: Library, ranker: Ranker) -> list[int]:
    """The new curator's example papers: keys, or files (a BibTeX or Zotero export, an issue)
    whose records, once imported, are the examples."""
    keys: list[str] = []
    for example in getattr(ranker, "examples", []):
        path = library.path.parent / example
        keys += _keys_in(path) if path.suffix and path.is_file() else [example]
    found = library.ranking.ids_for_keys(
        identity.identifiers([key for key in keys if identity.identify(key)]) + keys
    )
    return sorted(set(found.values()))


def _keys_in(path: Path) -> list[str]:
    data = path.read_bytes()
    fmt = sniff(data)
    if fmt is None:
        raise UsageError(f"[ranker.taste] examples: {path}: not a file mlnews can read (see `mlnews import`)")
    return [key for parsed in fmt.parse(data) if isinstance(parsed, Item) for key in _keys_of(parsed)]


def _keys_of(item: Item) -> list[str]:
    return identity.identifiers([*item.identifiers, *([item.key] if item.key else []), *item.urls])


def _lookback(ranker: Ranker) -> int:
    return int(getattr(ranker, "lookback_days", 28))


def lookback_days(config: Config) -> int:
    """How far back from a week's end its candidates reach, as the configured ranker says."""
    return _lookback(ranker_for(config))


def _decisions_stamp(library: Library) -> str:
    """What the decisions are now: a model trained on other decisions is out of date."""
    history = library.ranking.decisions()
    last = history[-1] if history else None
    return f"{len(history)}:{last.at if last else ''}:{len(library.ranking.published_weeks())}"


__all__ = ["Ranked", "candidates", "rank_week", "similar", "taste_scores", "train"]
