"""Importing real files end to end: one transaction per file, honest counts, no tracebacks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlnews import ingest, parallel
from mlnews.library import Library


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.db") as opened:
        yield opened


def totals(reports: list[ingest.FileReport]) -> tuple[int, int, int]:
    return (sum(r.added for r in reports), sum(r.merged for r in reports), sum(r.unchanged for r in reports))


def test_arxiv_api_responses_are_one_item_per_paper(library: Library, shared_data: Path) -> None:
    files = sorted((shared_data / "arxiv" / "api_atom" / "xml").glob("*.xml"))
    reports = ingest.import_files(library, files)
    failed = [r for r in reports if r.error]
    assert [Path(r.path).name for r in failed] == ["id_abc_s0_m100_b79c8dcf6bc3.xml"]
    assert "arXiv API error: incorrect id format for abc" in str(failed[0].error)
    assert library.count() == 105  # 221 entries over overlapping pages
    again = ingest.import_files(library, files)
    assert totals(again) == (0, 0, 221)


def test_the_snapshot_and_oai_pmh_import_and_reimport_cleanly(library: Library, shared_data: Path) -> None:
    files = [
        shared_data / "arxiv" / "kaggle_snapshot" / "arxiv-metadata-oai-snapshot.head200.jsonl",
        *sorted((shared_data / "arxiv" / "oai_pmh").glob("*.xml")),
    ]
    reports = ingest.import_files(library, files)
    assert all(r.ok for r in reports), [r.error for r in reports if r.error]
    assert reports[0].added == 200
    first = library.get("0704.0001")
    assert first.authors[0] == "C. Balázs"
    assert "doi:10.1103/physrevd.76.013009" in first.identifiers
    assert library.get("https://doi.org/10.1103/PhysRevD.76.013009").key == "arxiv:0704.0001"
    assert totals(ingest.import_files(library, files))[:2] == (0, 0)


def test_a_feed_polled_twice_adds_only_the_new_posts(library: Library, shared_data: Path) -> None:
    folder = shared_data / "feeds" / "ml_blogs" / "lilianweng"
    older, newer = folder / "index.2022-02-25-425aa20.xml", folder / "index.2026-07-06-b52f250.xml"
    assert totals(ingest.import_files(library, [older])) == (38, 0, 0)
    added, merged, unchanged = totals(ingest.import_files(library, [newer]))
    assert added == 15 and added + merged + unchanged == 53
    assert library.count() == 53


def test_opml_adds_sources_not_items(library: Library, shared_data: Path, tmp_path: Path) -> None:
    from mlnews import config

    toml = tmp_path / "mlnews.toml"
    toml.write_text(config.default_text(), encoding="utf-8")
    opml = shared_data / "feeds" / "real_world" / "Subs.opml"
    report = ingest.import_files(library, [opml], config_path=toml)[0]
    assert report.ok and report.sources_added > 100
    assert len(config.load(toml).sources) == report.sources_added
    assert ingest.import_files(library, [opml], config_path=toml)[0].sources_added == 0
    assert library.count() == 0


def test_no_input_in_the_feed_corpus_escapes_as_an_exception(library: Library, shared_data: Path) -> None:
    files = sorted(p for p in (shared_data / "feeds" / "feedparser_corpus").rglob("*") if p.is_file())
    assert len(files) > 600
    reports = ingest.import_files(library, files)
    for report in reports:
        if report.error:
            assert report.error.startswith(report.path), report.error
            assert "Error:" not in report.error, report.error  # a parser bug, not a verdict
    assert sum(r.ok for r in reports) > 600


def test_every_real_feed_imports(library: Library, shared_data: Path) -> None:
    folder = shared_data / "feeds" / "real_world"
    files = sorted(p for p in folder.iterdir() if p.suffix in {".rss", ".atom", ".xml", ".rdf", ".json"})
    reports = ingest.import_files(library, files)
    refused = sorted(Path(r.path).name for r in reports if r.error)
    # Not JSON Feed (RSS written as JSON), and a truncated file.
    assert refused == ["ScriptingNews.json", "allthis-partial.json"]
    for hit in library.items():
        assert "<" not in hit.title


def test_a_big_snapshot_is_parsed_in_workers_with_the_same_result(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(parallel, "_workers", lambda: 2)
    lines = [
        json.dumps(
            {
                "id": f"2011.{n:05d}",
                "title": f"Paper number {n} on a topic",
                "authors": "A. B",
                "versions": [{"version": "v1", "created": "Mon, 30 Nov 2020 10:00:00 GMT"}],
                "categories": "cs.LG",
                "abstract": "Words.",
            }
        )
        for n in range(1, 60)
    ]
    lines[30] = lines[3]  # a repeat: merges, whichever chunk it lands in
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(lines) + "\n")
    report = ingest.import_files(library, [good])[0]
    assert report.ok, report.error
    assert (report.added, report.unchanged) == (58, 1)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines[:40], "{broken", *lines[40:]]) + "\n")
    before = library.count()
    report = ingest.import_files(library, [bad])[0]
    assert report.error is not None
    assert report.error.startswith(f"{bad}:41: not a JSON line")
    assert library.count() == before


def test_posts_that_share_a_page_are_reported(library: Library, shared_data: Path) -> None:
    report = ingest.import_files(library, [shared_data / "feeds" / "real_world" / "scriptingNews.rss"])[0]
    assert report.ok
    shared = [w for w in report.warnings if "differ only by #fragment" in w]
    assert shared and all("scripting.com" in w for w in shared)
