"""The library: one item per thing, merges that keep the richest facts and the curator's work."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlnews.errors import ItemNotFound
from mlnews.items import Item, Text
from mlnews.library import Library, LibraryError, migrations, writer
from mlnews.library.migrations import MIGRATIONS


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.db") as opened:
        yield opened


def paper(**fields: object) -> Item:
    values: dict[str, object] = {
        "title": "One-Shot Free-View Neural Talking-Head Synthesis for Video Conferencing",
        "kind": "paper",
        "urls": ["https://arxiv.org/abs/2011.15126v1"],
        "authors": ["Ting-Chun Wang", "Arun Mallya", "Ming-Yu Liu"],
        "abstract": "Sends keypoints instead of video frames.",
        "published": "2020-11-30T18:59:59Z",
    }
    values.update(fields)
    return Item(**values)  # type: ignore[arg-type]


def test_the_database_is_set_up_safely(library: Library) -> None:
    assert library.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert library.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert library.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    names = [r[0] for r in library.db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == [m.__name__ for m in MIGRATIONS] and names[:2] == ["m001_items", "m002_full_text_search"]


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    Library.open(tmp_path / "l.db").close()
    with Library.open(tmp_path / "l.db") as again:
        assert again.db.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


def test_a_library_made_with_fts5_loses_it_and_still_searches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as old:
        old.setattr(migrations, "MIGRATIONS", MIGRATIONS[: MIGRATIONS.index(migrations.m017_no_fts)])
        with Library.open(tmp_path / "l.db") as library, library.transaction():
            library.add(paper())
            library.checkpoint()
            # Its words, as the mlnews of then wrote them into FTS5 with the item.
            library.db.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
            assert library.db.execute(
                "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'keypoints'"
            ).fetchone()[0]
    with Library.open(tmp_path / "l.db") as library:
        found = library.db.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%items_fts%'").fetchall()
        assert found == [] and library.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [h.item.key for h in library.search("keypoints")] == ["arxiv:2011.15126"]
        assert [h.item.key for h in library.search("NEAR(free view, 3)")] == ["arxiv:2011.15126"]
        (item_id,) = library.db.execute("SELECT id FROM items").fetchone()
        assert library.matching('{title abstract} : "talking head"', [item_id]) == [item_id]
        with library.transaction():  # the old triggers are gone with it: writes go on
            library.db.execute("UPDATE items SET title = 'Renamed' WHERE id = ?", (item_id,))
        assert [h.item.key for h in library.search("renamed")] == ["arxiv:2011.15126"]


def test_a_library_made_before_the_cheaper_checks_is_upgraded_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as old:
        old.setattr(migrations, "MIGRATIONS", MIGRATIONS[:4])
        with Library.open(tmp_path / "l.db") as library:
            library.add(paper())
    with Library.open(tmp_path / "l.db") as library:
        db = library.db
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert library.get("2011.15126").title.startswith("One-Shot")
        assert [h.item.key for h in library.search("keypoints")] == ["arxiv:2011.15126"]
        schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'items'").fetchone()[0]
        assert " IN (" not in schema
        # The constraints still hold, in this connection and in a new one.
        for connection in (db, sqlite3.connect(tmp_path / "l.db")):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                connection.execute("UPDATE items SET kind = 'blog'")
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                connection.execute("UPDATE items SET state = 'maybe'")
            connection.execute("UPDATE items SET state = 'rejected'")


def test_a_sqlite_that_refuses_schema_edits_keeps_the_checks_as_they_were(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "l.db", isolation_level=None)
    migrations.m001_items(db)

    class Defensive:  # what SQLITE_DBCONFIG_DEFENSIVE does to the edit
        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if sql.startswith("UPDATE sqlite_master"):
                raise sqlite3.OperationalError("table sqlite_master may not be modified")
            return db.execute(sql, *args)

    migrations.m005_cheaper_checks(Defensive())  # type: ignore[arg-type]
    assert "kind IN (" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'items'").fetchone()[0]
    assert db.execute("PRAGMA writable_schema").fetchone()[0] == 0


def test_a_new_library_is_laid_out_for_big_imports(library: Library) -> None:
    assert library.db.execute("PRAGMA page_size").fetchone()[0] == 8192
    # One full-text index, the search index beside the file: no FTS5 copy of every item's words.
    assert not library.db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'items_fts%'").fetchall()


def test_a_first_import_goes_past_the_wal_and_puts_it_back(tmp_path: Path) -> None:
    with Library.open(tmp_path / "l.db") as library:
        with library.transaction(bulk=True):
            assert _journal(library) == "delete"
            library.add(paper())
            library._writer.flush()
            # Another command opening it meanwhile finds it empty, and leaves the mode be.
            with Library.open(tmp_path / "l.db") as other:
                assert other.count() == 0
            assert _journal(library) == "delete"
        assert _journal(library) == "wal"
        assert library.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL, as with the WAL
        with library.transaction(bulk=True):  # not empty now: the WAL stays
            assert _journal(library) == "wal"
            library.add(
                paper(urls=["https://arxiv.org/abs/2101.00001"], title="Another one, quite different")
            )
    with Library.open(tmp_path / "l.db") as library, library.transaction(bulk=True):
        assert _journal(library) == "wal"


def test_a_first_import_keeps_the_wal_while_another_command_has_the_library_open(tmp_path: Path) -> None:
    with Library.open(tmp_path / "l.db") as library, Library.open(tmp_path / "l.db") as other:
        with library.transaction(bulk=True):
            assert _journal(library) == "wal"
            library.add(paper())
        assert other.count() == 1


def _journal(library: Library) -> str:
    return str(library.db.execute("PRAGMA journal_mode").fetchone()[0])


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "library.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match=r"library.db: cannot open the library"):
        Library.open(bad)


def test_key_and_identifiers_come_from_any_form(library: Library) -> None:
    assert library.add(paper()) == "added"
    item = library.get("arXiv:2011.15126v2")
    assert item.key == "arxiv:2011.15126"
    assert library.get("https://arxiv.org/pdf/2011.15126v1.pdf").key == item.key


def test_the_same_record_twice_is_one_item_and_unchanged(library: Library) -> None:
    assert library.add(paper()) == "added"
    assert library.add(paper()) == "unchanged"
    assert library.add(paper(urls=["https://arxiv.org/abs/2011.15126v3"])) == "merged"
    assert library.count() == 1


def test_same_record_twice_within_one_transaction(library: Library) -> None:
    with library.transaction():
        assert library.add(paper()) == "added"
        assert library.add(paper()) == "unchanged"
    assert library.count() == 1


def test_url_variants_are_one_item(library: Library) -> None:
    post = Item(
        title="Why trees beat nets on tables",
        kind="article",
        urls=["https://towardsdatascience.com/when-and-why?utm_source=rss#top"],
    )
    library.add(post)
    twin = Item(
        title="Why trees beat nets on tables",
        kind="article",
        urls=["http://TowardsDataScience.com/when-and-why/"],
    )
    assert library.add(twin) == "unchanged"
    assert library.count() == 1


def test_arxiv_and_openreview_merge_by_title_keeping_both_links(library: Library) -> None:
    library.add(paper())
    review = Item(
        title="One-shot free-view neural talking-head synthesis for video conferencing.",
        kind="paper",
        urls=["https://openreview.net/forum?id=AbCdEf123"],
        abstract="A much longer abstract from the review site, with more detail than before.",
    )
    assert library.add(review) == "merged"
    item = library.get("openreview:AbCdEf123")
    assert item.key == "arxiv:2011.15126"
    assert "https://openreview.net/forum?id=AbCdEf123" in item.urls
    assert "https://arxiv.org/abs/2011.15126v1" in item.urls
    assert item.abstract.startswith("A much longer")  # the richer abstract wins
    assert item.authors == ["Ting-Chun Wang", "Arun Mallya", "Ming-Yu Liu"]


def test_journal_doi_then_preprint_rekeys_to_arxiv_and_old_key_still_works(library: Library) -> None:
    journal = paper(urls=["https://doi.org/10.1109/CVPR46437.2021.00991"], authors=[])
    library.add(journal)
    assert library.get("doi:10.1109/cvpr46437.2021.00991").key == "doi:10.1109/cvpr46437.2021.00991"
    library.add(paper())
    assert library.count() == 1
    assert library.get("doi:10.1109/cvpr46437.2021.00991").key == "arxiv:2011.15126"


def test_different_arxiv_papers_with_the_same_title_do_not_merge(library: Library) -> None:
    library.add(paper())
    assert library.add(paper(urls=["https://arxiv.org/abs/2101.00001"])) == "added"
    assert library.count() == 2


def test_short_generic_titles_do_not_merge(library: Library) -> None:
    library.add(Item(title="Introduction", kind="paper", urls=["https://example.org/a"]))
    library.add(Item(title="Introduction", kind="paper", urls=["https://example.org/b"]))
    assert library.count() == 2


def test_a_record_naming_two_stored_items_joins_them(library: Library) -> None:
    library.add(Item(title="Paper at a venue", kind="paper", urls=["https://doi.org/10.1234/venue"]))
    library.add(paper(title="A different preprint title entirely"))
    both = paper(title="Whatever", identifiers=["doi:10.1234/venue"])
    assert library.add(both) == "merged"
    assert library.count() == 1
    assert library.get("doi:10.1234/venue").key == "arxiv:2011.15126"
    assert [h.item.key for h in library.search("venue")] == ["arxiv:2011.15126"]


def test_merge_never_loses_curation_or_edited_text(library: Library) -> None:
    library.add(paper(texts=[Text("headline", "en", "Keypoints cut video-call bandwidth", edited=True)]))
    library.triage(["2011.15126"], "shortlisted", "papers", "2020-W49")
    library.add(
        paper(
            abstract="An even longer abstract that a new version of the record brings along.",
            texts=[Text("headline", "en", "generated again", updated="2030-01-01")],
        )
    )
    item = library.get("2011.15126")
    assert (item.state, item.section, item.week) == ("shortlisted", "papers", "2020-W49")
    assert item.texts[0].text == "Keypoints cut video-call bandwidth"
    assert item.abstract.startswith("An even longer")
    assert [e.state for e in item.history] == ["shortlisted"]


def test_search_follows_every_write(library: Library) -> None:
    library.add(paper())
    assert [h.item.key for h in library.search("keypoints")] == ["arxiv:2011.15126"]
    library.add(paper(abstract="Reconstructs faces from a compact representation on the receiving side."))
    assert library.search("receiving")
    assert library.search("keypoints") == []


def test_search_syntax(library: Library) -> None:
    library.add(paper())
    library.add(
        Item(
            title="MicroNet: Towards Image Recognition with Extremely Low FLOPs",
            kind="paper",
            urls=["https://arxiv.org/abs/2011.12289"],
            abstract="Micro-factorized convolution.",
        )
    )
    assert [h.item.key for h in library.search('"video conferencing"')] == ["arxiv:2011.15126"]
    assert [h.item.key for h in library.search("Micro*")] == ["arxiv:2011.12289"]
    assert [h.item.key for h in library.search("Mallya")] == ["arxiv:2011.15126"]
    assert library.search('"unbalanced quote') == []
    assert [h.item.key for h in library.search("FLOPs:")] == ["arxiv:2011.12289"]
    hit = library.search("keypoints")[0]
    assert "\x02" in hit.snippet


def test_triage_with_an_unknown_key_changes_nothing(library: Library) -> None:
    library.add(paper())
    with pytest.raises(ItemNotFound, match=r"2101\.99999"):
        library.triage(["2011.15126", "2101.99999"], "rejected")
    assert library.get("2011.15126").state == "new"


def test_a_failed_transaction_writes_nothing(library: Library) -> None:
    with pytest.raises(RuntimeError), library.transaction():
        for number in range(5000):
            library.add(
                paper(urls=[f"https://arxiv.org/abs/2011.{number:05d}"], title=f"Paper number {number} here")
            )
        raise RuntimeError("the file turned out to be broken")
    assert library.count() == 0
    assert library.search("paper") == []
    # Filling an empty library drops indexes until the end: the rollback brought them back.
    assert {"items_title_norm", "items_published"} <= _indexes(library)


def _indexes(library: Library) -> set[str]:
    return {row[0] for row in library.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_many_papers_with_one_title_in_one_import(library: Library) -> None:
    # Distinct arXiv ids never merge, however many share a title; the title lookups
    # that filling an empty library does in memory must cope with that many.
    with library.transaction():
        for number in range(1200):
            record = paper(
                urls=[f"https://arxiv.org/abs/2011.{number:05d}"], title="The same long title again"
            )
            assert library.add(record) == "added"
        # Checked against every one stored (more than one page of them) and the one waiting.
        assert (
            library.add(paper(urls=["https://arxiv.org/abs/2101.00001"], title="The Same Long Title, Again"))
            == "added"
        )
    assert library.count() == 1201


def test_records_without_identity_or_title_are_refused(library: Library) -> None:
    with pytest.raises(LibraryError, match="no id and no usable"):
        library.add(Item(title="Nowhere", urls=["/relative/link"]))
    with pytest.raises(LibraryError, match="no title"):
        library.add(Item(title=" ", urls=["https://example.com/x"]))


def test_another_process_sees_committed_items(library: Library) -> None:
    library.add(paper())
    other = sqlite3.connect(library.path)
    assert other.execute("SELECT key FROM items").fetchall() == [("arxiv:2011.15126",)]
    other.close()


@pytest.mark.parametrize("in_memory", [writer.IN_MEMORY, 1500])
def test_dedupe_across_batches_when_filling_an_empty_library(
    library: Library, monkeypatch: pytest.MonkeyPatch, in_memory: int
) -> None:
    # Past `in_memory` keys and titles (1,500: after the first ~700 papers) the import looks them
    # up in the database instead, with the same outcome.
    monkeypatch.setattr(writer, "IN_MEMORY", in_memory)
    with library.transaction():
        for number in range(2500):
            assert (
                library.add(
                    paper(
                        urls=[f"https://arxiv.org/abs/2011.{number:05d}"],
                        title=f"A study of topic {number} in depth",
                    )
                )
                == "added"
            )
        assert (
            library.add(
                paper(urls=["https://arxiv.org/abs/2011.00001#v2"], title="A study of topic 1 in depth")
            )
            == "unchanged"
        )
        review = Item(
            title="A Study of Topic 5 in Depth.",
            kind="paper",
            urls=["https://openreview.net/forum?id=Topic5xyz"],
        )
        assert library.add(review) == "merged"
        assert (
            library.add(paper(urls=["https://arxiv.org/abs/2101.00005"], title="A study of topic 5 in depth"))
            == "added"
        )
    assert library.count() == 2501
    assert library.get("openreview:Topic5xyz").key == "arxiv:2011.00005"
    assert [h.item.key for h in library.search('"topic 2499"')] == ["arxiv:2011.02499"]
    assert library.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert {"items_title_norm", "items_published", "items_triaged"} <= _indexes(library)
    plan = library.db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM items WHERE kind = 'paper' AND title_norm = 'x'"
    ).fetchall()
    assert "items_title_norm" in str([tuple(row) for row in plan])


def test_a_sources_record_is_replaced_only_by_a_newer_one(library: Library) -> None:
    library.add(paper(updated="2020-12-01T00:00:00Z", raw={"arxiv-atom": {"version": 2}}))
    assert (
        library.add(paper(updated="2020-11-30T00:00:00Z", raw={"arxiv-atom": {"version": 1}})) == "unchanged"
    )
    assert library.add(paper(updated="2020-12-05T00:00:00Z", raw={"arxiv-atom": {"version": 3}})) == "merged"
    library.add(paper(raw={"bibtex": {"citekey": "wang2021"}}))
    assert library.get("2011.15126").raw == {"arxiv-atom": {"version": 3}, "bibtex": {"citekey": "wang2021"}}


def _three_records() -> tuple[Item, Item, Item]:
    preprint = Item(
        title="Quantum widgets for deep learning research",
        kind="paper",
        urls=["https://arxiv.org/abs/2011.15126"],
    )
    journal = Item(
        title="A journal version with completely different words",
        kind="paper",
        urls=["https://doi.org/10.1234/abcd"],
    )
    both = Item(
        title="Quantum widgets for deep learning research",
        kind="paper",
        urls=["https://arxiv.org/abs/2011.15126"],
        identifiers=["doi:10.1234/abcd"],
    )
    return preprint, journal, both  # fmt: skip


@pytest.mark.parametrize("split", [0, 1, 2, 3])
def test_a_record_that_names_two_items_joins_them_however_they_arrive(tmp_path: Path, split: int) -> None:
    records = _three_records()
    with Library.open(tmp_path / "l.db") as library:
        for batch in (records[:split], records[split:]):
            with library.transaction():
                for record in batch:
                    library.add(record)
        assert library.count() == 1
        item = library.get("doi:10.1234/abcd")
        assert item.key == "arxiv:2011.15126"
        assert library.get("2011.15126").key == item.key


def test_the_more_precise_of_two_matching_dates_is_kept(library: Library) -> None:
    library.add(paper(published="2020-11-30T18:59:59Z"))
    library.add(paper(published="2020"))
    assert library.get("2011.15126").published == "2020-11-30T18:59:59Z"
    library.add(paper(published="2020-11-29"))
    assert library.get("2011.15126").published == "2020-11-29"


def test_joining_two_curated_items_keeps_both_histories_and_the_latest_decision(library: Library) -> None:
    preprint, journal, both = _three_records()
    library.add(preprint)
    library.add(journal)
    library.triage(["2011.15126"], "shortlisted", "papers", "2020-W49")
    library.triage(["doi:10.1234/abcd"], "featured", "papers", "2020-W50")
    library.add(both)
    item = library.get("2011.15126")
    assert [e.state for e in item.history] == ["shortlisted", "featured"]
    assert (item.state, item.week) == ("featured", "2020-W50")


def _work(library: Library, records: list[Item]) -> int:
    """SQLite's work adding the records, in thousands of virtual-machine steps: a count that
    grows with what is scanned, unlike the number of statements, and does not depend on timing."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    library.db.set_progress_handler(tick, 1000)
    try:
        for record in records:
            library.add(record)
        library._writer.flush()  # each measure writes its own records, whatever the batch size
    finally:
        library.db.set_progress_handler(None, 0)
    return steps[0]


@pytest.mark.parametrize("filled", [False, True], ids=["empty library", "library with items"])
def test_500_arxiv_papers_sharing_a_doi_or_a_title_stay_apart_and_merging_stays_linear(
    tmp_path: Path, filled: bool
) -> None:
    # arXiv's snapshot gives a journal's DOI to each preprint it published: distinct arXiv ids
    # are distinct papers, whatever else they share; the DOI names the first of them.
    def group(name: str, start: int, count: int, same_title: bool) -> list[Item]:
        return [
            paper(
                urls=[f"https://arxiv.org/abs/2101.{start + n:05d}"],
                identifiers=[f"doi:10.1234/{name}"],
                title="A long title that many papers share" if same_title else f"Paper {start + n} of {name}",
            )
            for n in range(count)
        ]

    with Library.open(tmp_path / "library.db") as library:
        if filled:
            library.add(paper())
        with library.transaction():
            # By the hundred: the 2nd hundred against the 5th (the first also finds fewer than
            # TITLE_PEERS to check, and is cheaper for it).
            shared = [_work(library, group("shared", start, 100, False)) for start in range(0, 500, 100)]
            titled = [_work(library, group("titled", start, 100, True)) for start in range(1000, 1500, 100)]
        assert library.count() == 1000 + filled
        assert library.get("arxiv:2101.00499").title == "Paper 499 of shared"
        assert library.get("doi:10.1234/shared").key == "arxiv:2101.00000"
        # The 500th paper of a DOI or a title costs what the first hundred did, not five times as much.
        assert shared[4] <= 1.5 * shared[1] + 5 and titled[4] <= 1.5 * titled[1] + 5, (shared, titled)
        # Once stored, each is found, and a re-import of one is unchanged, not merged elsewhere.
        again = group("shared", 250, 1, same_title=False)[0]
        assert library.add(again) == "unchanged" and library.count() == 1000 + filled
