"""Importing real files end to end: one transaction per file, honest counts, no tracebacks."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlnews.collect import ingest, parallel
from mlnews.items import Item
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
    from mlnews import config, config_file

    toml = tmp_path / "mlnews.toml"
    toml.write_text(config_file.default_text(), encoding="utf-8")
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
    monkeypatch.setattr(parallel, "_workers", lambda derive=None: 2)
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


def test_an_import_killed_midway_leaves_the_library_as_it_was(tmp_path: Path) -> None:
    # Filling an empty library writes past the WAL, straight to the file: a kill -9 in the
    # middle must still leave the library empty, whole, and back in WAL mode.
    workspace = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "mlnews", "init", str(workspace)], check=True, capture_output=True)
    words = ["attention", "transformer", "diffusion", "sparse", "token", "reward", "graph", "loss", "model"]
    snapshot = tmp_path / "snapshot.jsonl"
    with snapshot.open("w") as out:
        for n in range(40_000):
            record = {
                "id": f"2011.{n + 1:05d}",
                "title": f"Paper {n} on {words[n % 9]} models",
                "abstract": " ".join(words[(n + k) % len(words)] for k in range(250)),
                "authors": "A. Author",
                "categories": "cs.LG",
                "versions": [],
            }
            out.write(json.dumps(record) + "\n")
    database = workspace / "library.db"
    command = [sys.executable, "-m", "mlnews", "-w", str(workspace), "import", str(snapshot)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Killed once pages have gone to the file (the page cache is 64 MB: it spills before the end).
    while time.monotonic() < deadline and process.poll() is None and database.stat().st_size < 8_000_000:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the import ended before it could be killed"
    assert (workspace / "library.db-journal").exists()  # what opening it rolls back
    with Library.open(database) as library:
        assert library.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert library.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert library.count() == 0
        indexes = {
            row[0] for row in library.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"items_title_norm", "items_published"} <= indexes
        report = ingest.import_files(library, [snapshot])[0]
        assert (report.added, report.error) == (40_000, None)
        assert library.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [hit.item.key for hit in library.search('"paper 39999"')] == ["arxiv:2011.40000"]


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux: read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while being read
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_import_leaves_no_worker_behind(tmp_path: Path, how: signal.Signals) -> None:
    workspace = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "mlnews", "init", str(workspace)], check=True, capture_output=True)
    snapshot = tmp_path / "snapshot.jsonl"
    with snapshot.open("w") as out:  # over parallel.MIN_BYTES: parsed by worker processes
        for n in range(12_000):
            abstract = " ".join(["sparse attention for long documents"] * 40)
            record = {
                "id": f"2011.{n + 1:05d}",
                "title": f"Paper {n}",
                "abstract": abstract,
                "authors": "A. Author",
                "categories": "cs.LG",
                "versions": [],
            }
            out.write(json.dumps(record) + "\n")
    command = [sys.executable, "-m", "mlnews", "-w", str(workspace), "import", str(snapshot)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # a bound on a broken run, not a guess at a duration
    helpers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None and not helpers:
        helpers = {pid for pid in _children(process.pid) if "multiprocessing" in _command_line(pid)}
        time.sleep(0.05)
    assert helpers, "the import started no worker before it ended"
    process.send_signal(how)
    _, err = process.communicate()
    if how == signal.SIGTERM:  # the same end as Ctrl-C: the file rolled back, said so
        assert process.returncode == 130
        assert "Interrupted: the file being imported was rolled back." in err
        assert "Traceback" not in err
    while time.monotonic() < deadline and any(_alive(pid) for pid in helpers):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in helpers), "a worker outlived the import"
    with Library.open(workspace / "library.db") as library:
        assert library.count() == 0


def _command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_record_with_an_unsafe_link_or_figure_never_enters_the_library(
    library: Library, tmp_path: Path
) -> None:
    # mlnews' own JSON lines take every field as given: the library is where links are checked.
    def line(number: int, **fields: object) -> str:
        record = {"format": "mlnews-item/1", "title": f"Paper {number}", "kind": "paper"}
        record |= {"key": f"arxiv:2101.0000{number}", "urls": [f"https://arxiv.org/abs/2101.0000{number}"]}
        return json.dumps(record | fields, separators=(",", ":"))

    lines = [
        line(1, urls=["javascript:alert(1)"]),
        line(2, urls=["https://arxiv.org/abs/2101.00002", " JaVaScRiPt:alert(2)"]),
        line(3, urls=["data:text/html,<script>alert(3)</script>"]),
        line(4, figure="/etc/passwd"),
        line(5, figure="media/../mlnews.toml"),
        line(6, figure="media/library.db"),
        line(7, figure="media/2101.00007.png"),
        line(8, urls=["http://arxiv.org/abs/2101.00008?x=1#top"]),
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (report,) = ingest.import_files(library, [path])
    assert (report.added, report.failed) == (2, 6)
    said = "\n".join(report.warnings)
    for number in range(1, 7):
        assert f"'Paper {number}'" in said
    assert "link 'javascript:alert(1)' is not an http(s) URL" in said
    assert "figure must be a file in media/" in said and "figure must be an image" in said
    kept = {item.title: item for item in library.items()}
    assert sorted(kept) == ["Paper 7", "Paper 8"]
    assert kept["Paper 7"].figure == "media/2101.00007.png"


def test_re_importing_an_unchanged_file_is_a_lookup_a_record(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each record the library took is fingerprinted: the same record again changes nothing, so
    # it is not merged again (its item read, merged, compared): a lookup, cheaper than adding it.
    from mlnews.library import writer

    month = shared_data / "arxiv" / "daily_2025" / "2025-03.jsonl.gz"
    merges = [0]
    real_merge = writer.merge

    def counted(*args: Any) -> Any:
        merges[0] += 1
        return real_merge(*args)

    monkeypatch.setattr(writer, "merge", counted)
    with Library.open(tmp_path / "library.db") as library:
        library.add(Item(title="Something else", urls=["https://example.org/else"]))  # not empty
        fresh = ingest.import_files(library, [month])
        assert fresh[0].ok and fresh[0].added > 2000
        merges[0] = 0
        again = ingest.import_files(library, [month])
        assert (again[0].added, again[0].merged, again[0].unchanged) == (
            0,
            0,
            fresh[0].added + fresh[0].merged,
        )
        assert merges[0] == 0
        # A record that did change is merged as before.
        lines = gzip.decompress(month.read_bytes()).decode().splitlines()
        changed = json.loads(lines[0])
        changed["abstract"] = changed.get("abstract", "") + " A sentence added since."
        edited = tmp_path / "edited.jsonl"
        edited.write_text("\n".join([json.dumps(changed), *lines[1:]]) + "\n", encoding="utf-8")
        third = ingest.import_files(library, [edited])
        assert (third[0].added, third[0].merged) == (0, 1) and merges[0] == 1
