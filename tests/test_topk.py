"""A one-word query asked first of the heavy fields (`library.topk`) ranks exactly as the whole
query does, and only answers when it can show that."""

import random
from collections.abc import Iterator

import pytest
import tantivy

from mlnews.items import Item
from mlnews.library import Library, textquery, topk

FILLER = ["graph", "data", "method", "results", "show", "propose", "study", "network", "training"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, tantivy.Searcher]]:
    """3,000 papers: a word in a few dozen titles and a third of the abstracts, as "learning" is;
    another only in abstracts; a phrase in titles and abstracts."""
    rng = random.Random(5)
    with Library.open(tmp_path_factory.mktemp("topk") / "library.db") as library:
        with library.transaction():
            for n in range(3000):
                title = " ".join(rng.choices(FILLER, k=6))
                if n % 60 == 0:
                    title += " learning with attention transformers"
                words = rng.choices(FILLER, k=rng.randrange(20, 120))
                if n % 3 == 0:
                    words[rng.randrange(len(words))] = "learning"
                if n % 4 == 0:
                    words[rng.randrange(len(words))] = "abstractonly"
                if n % 5 == 0:
                    words[rng.randrange(len(words)) :] = ["attention", "transformers"]
                library.add(
                    Item(title=title, kind="paper", key=f"arxiv:2001.{n + 10000}", abstract=" ".join(words))
                )
        index = library.text_index.ready()
        assert index is not None
        yield library, index.searcher()


def parts_of(
    library: Library, searcher: tantivy.Searcher, query: str
) -> tuple[tantivy.Query, list[textquery.Part]]:
    index = library.text_index.ready()
    assert index is not None
    question, _, parts = textquery.translate(query, library.text_index.vocabulary(index, searcher))
    return question, parts


@pytest.mark.parametrize("query", ["learning", "learn*", '"attention transformers"'])
def test_the_heavy_fields_first_give_the_whole_querys_best(
    searcher: tuple[Library, tantivy.Searcher], query: str
) -> None:
    library, found = searcher
    question, parts = parts_of(library, found, query)
    quick = topk.top(found, parts, 20)
    assert quick is not None  # the titles holding it outscore any abstract
    whole = found.search(question, 20, count=False).hits
    assert [(round(score, 4), address.doc) for score, address in quick] == [
        (round(score, 4), address.doc) for score, address in whole
    ]


def test_a_word_no_heavy_field_holds_is_asked_whole(searcher: tuple[Library, tantivy.Searcher]) -> None:
    library, found = searcher
    _, parts = parts_of(library, found, "abstractonly")
    assert topk.top(found, parts, 20) is None
    assert len(library.search("abstractonly", limit=20)) == 20


def test_too_few_heavy_matches_to_show_the_best_is_asked_whole(
    searcher: tuple[Library, tantivy.Searcher],
) -> None:
    library, found = searcher
    _, parts = parts_of(library, found, "learning")
    assert topk.top(found, parts, 60) is None  # 50 titles hold it: the 60th best may be any abstract
    assert len(library.search("learning", limit=60)) == 60
