"""The search index (tantivy, beside library.db): it ranks `Library.search`, follows every change
to the items, survives being lost or stopped half-way, and agrees with FTS5 on real data."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mlnews.collect import ingest
from mlnews.items import Item
from mlnews.library import Library, migrations, textindex
from mlnews.library.database import HIGHLIGHT_END, HIGHLIGHT_START


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.db") as opened:
        yield opened


def paper(number: int, title: str, abstract: str = "", **fields: object) -> Item:
    values: dict[str, object] = {
        "title": title,
        "kind": "paper",
        "key": f"arxiv:2011.{10000 + number}",
        "authors": ["Ana Silva"],
        "abstract": abstract,
    }
    values.update(fields)
    return Item(**values)  # type: ignore[arg-type]


def keys(library: Library, query: str, limit: int = 20) -> list[str]:
    return [hit.item.key or "" for hit in library.search(query, limit=limit)]


def pending(library: Library) -> int:
    return int(library.db.execute("SELECT count(*) FROM search_pending").fetchone()[0])


@pytest.fixture
def filled(library: Library) -> Library:
    with library.transaction():
        library.add(paper(1, "Zymurgical learning of yeast", "Brewing as a learning problem."))
        library.add(paper(2, "Attention transformers for vision", "We study attention transformer layers."))
        library.add(paper(3, "Transfer learning in graphs", "A transformer meets graph learning."))
        library.add(paper(4, "Learning to rank", "Learning, learning and more learning."))
    return library


def test_an_import_leaves_the_index_in_step(filled: Library) -> None:
    assert pending(filled) == 0
    assert filled.text_index.top("learning", 10) is not None  # the index answers, not FTS5
    assert (filled.path.parent / "library.search").is_dir()


def test_rare_common_phrase_and_prefix_queries_find_their_items(filled: Library) -> None:
    assert keys(filled, "zymurgical") == ["arxiv:2011.10001"]
    assert set(keys(filled, "learning")) == {"arxiv:2011.10001", "arxiv:2011.10003", "arxiv:2011.10004"}
    assert keys(filled, '"attention transformer"') == ["arxiv:2011.10002"]
    assert set(keys(filled, "transf*")) == {"arxiv:2011.10002", "arxiv:2011.10003"}
    assert keys(filled, '"transformer meets"*') == ["arxiv:2011.10003"]
    assert set(keys(filled, "learning NOT graph")) == {"arxiv:2011.10001", "arxiv:2011.10004"}
    assert set(keys(filled, "yeast OR rank")) == {"arxiv:2011.10001", "arxiv:2011.10004"}
    assert keys(filled, "title: (graphs AND transfer)") == ["arxiv:2011.10003"]
    assert keys(filled, "{title authors}: brewing") == []  # only in the abstract
    # Said in the title and four times in the abstract: first.
    assert keys(filled, "learning")[0] == "arxiv:2011.10004"


def test_hits_keep_fts5_snippets_and_odd_input_never_fails(filled: Library) -> None:
    (hit,) = filled.search("zymurgical OR brewing")
    assert f"{HIGHLIGHT_START}Brewing{HIGHLIGHT_END}" in hit.snippet
    assert hit.rank < 0  # lower is better, as bm25's
    assert keys(filled, "NEAR(attention transformer, 2)") == ["arxiv:2011.10002"]  # FTS5 answers it
    for odd in ('"unbalanced', "AND", "(", "title:", "-", "*", "learning:", "NOT learning", '""', "^x"):
        filled.search(odd)  # whatever it finds, never a traceback
    assert keys(filled, "attention-transformer") == ["arxiv:2011.10002"]  # words of a bad query


def test_the_index_follows_edits_merges_and_deletes(filled: Library) -> None:
    with filled.transaction():  # an edited title: found under the new word, not the old
        filled.db.execute("UPDATE items SET title = 'Fermentation kinetics' WHERE key = 'arxiv:2011.10001'")
    assert keys(filled, "fermentation") == ["arxiv:2011.10001"]
    assert keys(filled, "yeast") == []
    filled.set_body("arxiv:2011.10004", "Full text about ordinal regression.")
    assert keys(filled, "ordinal") == ["arxiv:2011.10004"]
    # Two records of one paper merge; the item merged away is gone from the index too.
    filled.add(Item(title="Quokkas counted", kind="paper", urls=["https://arxiv.org/abs/2011.10005"]))
    filled.add(Item(title="Census of quokkas", kind="paper", urls=["https://doi.org/10.1234/quokka"]))
    assert len(keys(filled, "quokka*")) == 2
    both = Item(title="Quokkas counted", kind="paper", urls=["https://arxiv.org/abs/2011.10005"])
    both.identifiers = ["doi:10.1234/quokka"]
    assert filled.add(both) == "merged"
    assert keys(filled, "quokka*") == ["arxiv:2011.10005"]
    with filled.transaction():
        filled.db.execute("DELETE FROM items WHERE key = 'arxiv:2011.10002'")
    assert keys(filled, "vision") == []
    assert pending(filled) == 0


def test_a_library_made_when_a_trigger_queued_new_items_has_each_queued_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.db"
    with monkeypatch.context() as old:
        made = migrations.MIGRATIONS
        old.setattr(migrations, "MIGRATIONS", made[: made.index(migrations.m018_search_queue_by_writer)])
        with Library.open(path) as library:
            library.add(paper(1, "Zymurgical learning of yeast"))
            assert keys(library, "zymurgical") == ["arxiv:2011.10001"]
    with Library.open(path) as library:
        found = library.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        assert "search_pending_insert" not in {name for (name,) in found}
        with library.transaction():
            library.add(paper(2, "Zymurgical brewing at scale"))
            library.checkpoint()  # written
            queued = library.db.execute("SELECT item_id FROM search_pending").fetchall()
            assert len(queued) == 1  # by the writer alone
        assert sorted(keys(library, "zymurgical")) == ["arxiv:2011.10001", "arxiv:2011.10002"]
        assert pending(library) == 0


def test_a_lost_damaged_or_foreign_index_is_built_again(filled: Library, tmp_path: Path) -> None:
    folder = filled.text_index.folder
    shutil.rmtree(folder)
    with Library.open(filled.path) as again:
        assert keys(again, "zymurgical") == ["arxiv:2011.10001"]
    assert folder.is_dir()
    (filled.text_index.index_path / "meta.json").write_text("{ not json")
    with Library.open(filled.path) as again:
        assert keys(again, "zymurgical") == ["arxiv:2011.10001"]
        assert again.text_index.top("zymurgical", 5) is not None
    # Another library's index left in the folder (the file was replaced): not trusted.
    (tmp_path / "other").mkdir()
    with Library.open(tmp_path / "other" / "library.db") as other:
        other.add(paper(9, "Unrelated okapi"))
        other.search("okapi")
        shutil.rmtree(folder)
        shutil.copytree(other.text_index.folder, folder)
    with Library.open(filled.path) as again:
        assert keys(again, "okapi") == []
        assert keys(again, "zymurgical") == ["arxiv:2011.10001"]


def stop(*args: object, **kwargs: object) -> None:
    """Stands in for a step of the index: the process is interrupted there."""
    raise KeyboardInterrupt


def test_catching_up_stopped_before_or_after_the_commit_leaves_both_in_step(
    filled: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stopped before the index commits: the queue keeps the items, the next search takes them.
    with monkeypatch.context() as stopped:
        stopped.setattr(textindex, "_finish", stop)
        with pytest.raises(KeyboardInterrupt), filled.transaction():
            filled.add(paper(7, "Axolotl regeneration"))
    assert pending(filled) == 1
    assert keys(filled, "axolotl") == ["arxiv:2011.10007"]
    # Stopped after it commits, before the queue is cleared: applied twice, still one document.
    with monkeypatch.context() as stopped:
        stopped.setattr(textindex, "_writing", stop)
        with pytest.raises(KeyboardInterrupt), filled.transaction():
            filled.add(paper(8, "Axolotl genome"))
    assert pending(filled) == 1
    assert sorted(keys(filled, "axolotl")) == ["arxiv:2011.10007", "arxiv:2011.10008"]
    assert len(keys(filled, "learning")) == 3 and pending(filled) == 0


def test_a_rebuild_stopped_half_way_leaves_the_old_index_working(
    filled: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as stopped:
        stopped.setattr(textindex, "_finish", stop)
        with pytest.raises(KeyboardInterrupt):
            filled.text_index.rebuild()
    assert keys(filled, "zymurgical") == ["arxiv:2011.10001"]
    assert filled.text_index.rebuild() == 4
    assert sorted(p.name for p in filled.text_index.folder.iterdir()) == ["index", "lock"]
    assert keys(filled, "zymurgical") == ["arxiv:2011.10001"]


def test_what_only_fts5_understands_is_checked_by_it_over_the_index_candidates(filled: Library) -> None:
    assert filled.text_index.top("NEAR(learning rank)", 5) is None  # not the index's to answer
    assert keys(filled, "NEAR(learning rank, 1)") == ["arxiv:2011.10004"]
    assert keys(filled, "NEAR(zymurgical yeast, 1)") == []  # both words, too far apart
    assert keys(filled, "NEAR(zymurgical yeast, 2)") == ["arxiv:2011.10001"]
    assert keys(filled, "title : ^learning") == ["arxiv:2011.10004"]  # the first word of its title
    assert set(keys(filled, "^transfer OR ^zymurgical")) == {"arxiv:2011.10001", "arxiv:2011.10003"}
    assert set(keys(filled, "learning NOT NEAR(learning problem, 1)")) == {
        "arxiv:2011.10003",
        "arxiv:2011.10004",
    }
    assert set(keys(filled, "- title : transformer")) == {"arxiv:2011.10002", "arxiv:2011.10003"}
    assert keys(filled, "-{title abstract} : transformer") == []  # not in the other columns
    (hit,) = filled.search("NEAR(brewing problem, 3)")
    assert f"{HIGHLIGHT_START}Brewing{HIGHLIGHT_END}" in hit.snippet and hit.rank < 0


def test_with_no_index_to_read_fts5_checks_the_newest_items(filled: Library) -> None:
    with filled.text_index._locked(wait=True):  # another process rebuilding a lost index
        shutil.rmtree(filled.text_index.index_path)
        filled.text_index._index = None
        assert filled.text_index.top("learning", 5) is None
        assert set(keys(filled, "learning")) == {"arxiv:2011.10001", "arxiv:2011.10003", "arxiv:2011.10004"}
        assert keys(filled, "NEAR(attention transformer, 2)") == ["arxiv:2011.10002"]
        ids = [row[0] for row in filled.db.execute("SELECT id FROM items ORDER BY id")]
        assert filled.matching("title : learning", ids) == [ids[0], ids[2], ids[3]]


def test_while_another_process_writes_the_index_search_answers_with_fts5(filled: Library) -> None:
    filled.add(paper(9, "Pangolin scales"))  # outside a transaction: queued, not yet indexed
    with filled.text_index._locked(wait=True):  # what another process's catch-up holds
        assert filled.text_index.top("pangolin", 5) is None
        assert keys(filled, "pangolin") == ["arxiv:2011.10009"]
        assert keys(filled, "NEAR(pangolin scales)") == ["arxiv:2011.10009"]  # not yet in the index
        assert keys(filled, "NEAR(attention transformer, 2)") == ["arxiv:2011.10002"]  # in it
    assert filled.text_index.top("pangolin", 5) is not None


def test_the_reindex_command(run, filled: Library) -> None:  # type: ignore[no-untyped-def]
    workspace = filled.path.parent
    (workspace / "mlnews.toml").touch()
    result = run("-w", str(workspace), "reindex")
    assert result.code == 0, result.err
    assert "4 items" in result.out


def test_results_agree_with_fts5_on_real_data(shared_data: Path, tmp_path: Path) -> None:
    month = shared_data / "arxiv" / "daily_2025" / "2025-03.jsonl.gz"
    with Library.open(tmp_path / "library.db") as library:
        assert ingest.import_files(library, [month])[0].ok
        reference = fts5_reference(library)
        key_of = dict(library.db.execute("SELECT id, key FROM items").fetchall())
        for query in ("learning", "diffusion", '"large language models"', "transf*", "graph neural"):
            ours = keys(library, query)
            theirs = reference(f"{_REFERENCE} ORDER BY bm25(reference, 10.0, 5.0, 1.0, 0.5) LIMIT 20", query)
            matched = set(reference(_REFERENCE, query))
            assert set(ours) <= matched and len(ours) == min(20, len(matched)), query
            # Both rank by BM25 over the same fields, weighted alike; the formulas differ in detail
            # (FTS5 sums a record's weighted counts, tantivy its fields' scores), so the best
            # twenty of hundreds differ in order but not in kind.
            assert len(set(ours) & set(theirs)) >= 4, query
        rare = "graph neural"
        assert set(keys(library, rare, 100)) == set(reference(_REFERENCE, rare))
        for query in ('{title abstract} : "graph neural"', 'authors : "yann lecun"', "title : diffusion"):
            wanted = set(reference(_REFERENCE, query))
            assert {key_of[i] for i in library.matching(query, list(key_of))} == wanted, query
        # What the index cannot answer, FTS5 checks over the index's candidates: the same items.
        near = "NEAR(graph neural, 1)"
        assert set(keys(library, near, 1000)) == set(reference(_REFERENCE, near)) != set()
        first = "title : ^diffusion"
        assert set(keys(library, first, 1000)) == set(reference(_REFERENCE, first)) != set()


_REFERENCE = "SELECT key FROM reference JOIN items ON items.id = reference.rowid WHERE reference MATCH ?"


def fts5_reference(library: Library) -> Callable[[str, str], list[str]]:
    """What the library's own FTS5 index (before m017) answered: the same table, built here."""
    library.db.execute(
        "CREATE VIRTUAL TABLE temp.reference USING fts5"
        " (title, authors, abstract, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    library.db.execute(
        "INSERT INTO temp.reference (rowid, title, authors, abstract, body)"
        " SELECT id, title, authors, abstract, body FROM items"
    )
    return lambda sql, query: [row[0] for row in library.db.execute(sql, (query,))]


def test_snippets_mark_the_words_in_a_window_of_the_abstract() -> None:
    from mlnews.library.snippets import Marks, snippet
    from mlnews.library.textindex import _analyzer

    tokens = _analyzer().pre_tokenize
    text = " ".join(f"w{n}" for n in range(60)) + " Transformers rule; transfer too."
    made = snippet(text, Marks({"w40"}, {"transf"}), tokens, "[", "]")
    assert made.startswith("…") and "[w40]" in made and "[Transformers]" in made and "[transfer]" in made
    assert made.endswith("too.") and len(made.split()) == 24
    assert snippet("Short one.", Marks({"one"}), tokens, "[", "]") == "Short [one]."
    accented = snippet("Ein Café über alles", Marks({"cafe", "uber"}), tokens, "[", "]")
    assert accented == "Ein [Café] [über] alles"
    assert snippet("w1 w2", Marks({"w"}), tokens, "[", "]") == "w1 w2"  # whole words only


def test_an_index_rebuilt_by_another_process_is_picked_up(filled: Library) -> None:
    assert keys(filled, "zymurgical") == ["arxiv:2011.10001"]  # this one has the index open
    with Library.open(filled.path) as other:
        other.add(paper(10, "Narwhal tusks"))
        assert other.text_index.rebuild() == 5
    assert keys(filled, "narwhal") == ["arxiv:2011.10010"]
    assert filled.text_index.top("narwhal", 5) is not None
    with filled.transaction():
        filled.add(paper(11, "Narwhal songs"))
    assert len(keys(filled, "narwhal")) == 2 and pending(filled) == 0
