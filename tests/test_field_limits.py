"""Size limits on a record's fields: huge fields are cut, named in a warning, and cost little memory."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import orjson
import pytest
from lxml import etree

from mlnews import limits
from mlnews.collect import ingest, parallel
from mlnews.items import Item, Text
from mlnews.library import Library

WORDS = "sparse attention for long documents "  # 36 characters: words, so cuts fall between them


def huge_text(size: int) -> str:
    return (WORDS * (size // len(WORDS) + 1))[:size]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.db") as opened:
        yield opened


# -- the truncation rule ------------------------------------------------------------------------


def test_cut_ends_at_a_word_boundary_within_the_limit() -> None:
    text = huge_text(10_000)
    cut = limits.cut(text, 1_000)
    assert len(cut) <= 1_000
    assert cut.endswith("…")
    assert text.startswith(cut.removesuffix("…"))
    assert text[len(cut) - 1] == " ", "the cut falls on a space: no word is cut in half"
    assert len(cut) > 900, "and no further back than the last word"


def test_cut_leaves_text_within_the_limit_alone() -> None:
    assert limits.cut("A short title", 1_000) == "A short title"
    assert limits.cut("x" * 1_000, 1_000) == "x" * 1_000


def test_cut_without_spaces_cuts_where_the_room_ends() -> None:
    cut = limits.cut("深度学习" * 1_000, 100)  # CJK: no spaces between words
    assert cut == ("深度学习" * 25)[:99] + "…"


def test_clip_cuts_every_oversized_field_and_says_which() -> None:
    item = Item(
        title=huge_text(1_500),
        kind="paper",
        key="arxiv:2001.00001",
        authors=["A. Author"] * (limits.AUTHORS + 5) + ["B" * 5_000],
        urls=["https://example.org/" + "a" * 10_000, "https://example.org/ok"],
        abstract=huge_text(limits.ABSTRACT + 1),
        body=huge_text(limits.BODY * 3),
        tags=["t" * 2_000],
        texts=[Text("summary", "en", huge_text(limits.BODY + 10))],
        raw={"feed": {"content": [huge_text(limits.RAW_TEXT + 1)], "ids": [0] * (limits.RAW_ENTRIES + 1)}},
    )
    notes = limits.clip(item)
    assert len(item.title) <= limits.TITLE and len(item.abstract) <= limits.ABSTRACT
    assert len(item.body) <= limits.BODY and len(item.texts[0].text) <= limits.BODY
    assert len(item.authors) == limits.AUTHORS and item.urls == ["https://example.org/ok"]
    assert len(item.tags[0]) <= limits.NAME
    assert len(item.raw["feed"]["content"][0]) <= limits.RAW_TEXT
    assert len(item.raw["feed"]["ids"]) == limits.RAW_ENTRIES
    joined = "; ".join(notes)
    for said in (
        "title of 1,500 characters cut to 1,000", "abstract of 50,001 characters", "body of 600,000+",
        "authors cut to 10,000", "URLs longer than 8,000 characters dropped", "tags longer",
        "curator texts", "2 values in the source's own record cut",
    ):  # fmt: skip
        assert said in joined
    warning = limits.warning(item, notes)
    assert warning.startswith("record arxiv:2001.00001 'sparse attention for long documents")


def test_a_source_record_of_too_many_fields_is_not_kept() -> None:
    item = Item(title="A paper", key="arxiv:2001.00001", raw={"feed": {f"f{n}": "x" for n in range(300_000)}})
    notes = limits.clip(item)
    assert item.raw == {"feed": {"not_kept": "4,088,900 bytes of JSON"}}
    assert notes == ["the source's own record, 4,088,900 bytes, not kept"]


def test_clip_leaves_a_record_within_the_limits_untouched() -> None:
    item = Item(title="A paper", key="arxiv:2001.00001", abstract=huge_text(limits.ABSTRACT), raw={"a": [1]})
    before = Item(**vars(item))
    assert limits.clip(item) == []
    assert item == before


def test_real_records_are_far_within_the_limits(library: Library, shared_data: Path) -> None:
    """The limits leave real data alone: a month of arXiv listings (the longest abstracts and
    author lists in our data) imports without a cut."""
    report = ingest.import_files(library, [shared_data / "arxiv" / "daily_2025" / "2025-05.jsonl.gz"])[0]
    assert report.ok and report.added > 1_000
    assert report.clipped == 0 and not report.warnings


# -- cutting documents before they are parsed ---------------------------------------------------


def test_a_huge_xml_text_is_cut_and_the_document_stays_well_formed() -> None:
    text = huge_text(3_000_000)
    document = f'<feed a="{text}">\n<t>{text}\n{text}</t><u>short &amp; sweet</u>\n</feed>'.encode()
    cut = limits.precut_xml(document)
    assert len(cut) < 3 * limits.DOCUMENT_ROOM
    assert cut.count(b"\n") == document.count(b"\n"), "line numbers in errors stay right"
    root = etree.fromstring(cut)
    assert root.findtext("u") == "short & sweet"
    assert len(root.findtext("t") or "") <= limits.DOCUMENT_ROOM + 2_000
    assert root.get("a", "").endswith(text[-100:]), "the run's end stays: the attribute is closed"


def test_escaped_html_in_xml_is_cut_never_inside_an_entity() -> None:
    html = "<p>Déjà vu &amp; more: 😀</p>" * 200_000
    document = f"<rss><description>{escape(html)}</description><more>&amp;</more></rss>".encode()
    for room in range(100_000, 100_040):  # every offset within an entity, and then some
        cut = limits.precut_document(document, b"<>", room=room, boundary=limits._xml_boundary)
        assert len(cut) < room + 2_000
        root = etree.fromstring(cut)
        assert (root.findtext("description") or "").startswith(html[:1_000])
        assert root.findtext("more") == "&"


def test_a_huge_json_string_is_cut_and_the_line_stays_json() -> None:
    record = {"id": "2001.00001", "abstract": "é" + huge_text(2_000_000), "note": 'a "quoted" word'}
    line = json.dumps(record, ensure_ascii=False).encode() + b"\n"
    cut = limits.precut_json(line)
    decoded = json.loads(cut)  # a multi-byte character is never split either
    assert decoded["note"] == record["note"] and decoded["abstract"].startswith("é" + WORDS)
    assert len(cut) < limits.DOCUMENT_ROOM + 2_000


@pytest.mark.parametrize("ascii_only", [True, False])
def test_a_json_string_is_never_cut_inside_an_escape(ascii_only: bool) -> None:
    """Real abstracts hold escapes every line (`\\n`, `\\u00e9`, an emoji's surrogate pair): the
    cut falls between characters wherever the room ends, and both JSON readers read the line."""
    text = "\n".join(f"line {n}: é \\ 😀 \u2028 {n}" for n in range(100_000))  # no quote: one run
    line = json.dumps({"abstract": text, "after": 1}, ensure_ascii=ascii_only).encode()
    for room in range(100_000, 100_040):  # every offset within an escape, and then some
        cut = limits.precut_document(line, b'"', room=room, boundary=limits._json_boundary)
        assert len(cut) < room + 2_000
        assert json.loads(cut) == orjson.loads(cut)
        assert json.loads(cut)["after"] == 1


def test_a_document_of_ordinary_size_is_not_copied() -> None:
    document = b"<feed>" + b"<e>short</e>" * 200_000 + b"</feed>"  # 2.4 MB of markup, no long run
    assert limits.precut_document(document, b"<>&") is document


# -- every format: cut, warned about, once per record -------------------------------------------

SIZE = 3_000_000  # several times every room: each format's own cut runs too


def _snapshot(path: Path, text: str) -> None:
    records = [{"id": f"2001.{n:05d}", "title": f"Paper {n}", "abstract": text if n == 2 else "Short.",
                "authors": "A. Author", "categories": "cs.LG", "versions": []} for n in (1, 2)]  # fmt: skip
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


def _export(path: Path, text: str) -> None:
    record = {"format": "mlnews-item/1", "title": "Paper 2", "kind": "paper", "key": "arxiv:2001.00002",
              "urls": ["https://arxiv.org/abs/2001.00002"], "abstract": text}  # fmt: skip
    path.write_text(json.dumps(record, separators=(",", ":")) + "\n")


def _bibtex(path: Path, text: str) -> None:
    path.write_text(f"@article{{p2,\n  title = {{Paper 2}},\n  eprint = {{2001.00002}},\n"
                    f"  archiveprefix = {{arXiv}},\n  abstract = {{{text}}}\n}}\n")  # fmt: skip


def _rss(path: Path, text: str) -> None:
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Blog</title>'
        "<link>https://blog.example.com/</link><item><title>Paper 2</title>"
        f"<link>https://blog.example.com/p2</link><description>{text}</description></item></channel></rss>\n"
    )


def _atom(path: Path, text: str) -> None:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>https://arxiv.org/api/query?id_list=2001.00002</id><title>arXiv Query</title>"
        f"<entry><id>http://arxiv.org/abs/2001.00002v1</id><title>Paper 2</title><summary>{text}</summary>"
        '<link href="http://arxiv.org/abs/2001.00002v1" rel="alternate"/></entry></feed>\n'
    )


WRITERS = {"arxiv-snapshot": _snapshot, "mlnews-jsonl": _export, "bibtex": _bibtex, "feed": _rss,
           "arxiv-atom": _atom}  # fmt: skip


@pytest.mark.parametrize("format_name", WRITERS)
def test_each_format_cuts_a_huge_abstract_and_names_the_record(
    library: Library, tmp_path: Path, format_name: str
) -> None:
    path = tmp_path / "huge"
    WRITERS[format_name](path, huge_text(SIZE))
    report = ingest.import_files(library, [path])[0]
    assert report.ok, report.error
    assert report.format == format_name
    assert report.clipped == 1
    [warning] = [w for w in report.warnings if "cut to" in w]
    assert "'Paper 2'" in warning and "abstract of" in warning and "cut to 50,000" in warning
    [item] = [item for item in library.items() if item.title == "Paper 2"]
    assert len(item.abstract) <= limits.ABSTRACT and item.abstract.endswith("…")
    assert item.abstract.startswith(WORDS)


def test_a_file_of_many_oversized_records_says_so_in_a_few_lines(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    title = huge_text(limits.TITLE + 100)
    with path.open("w") as out:
        for n in range(1, 101):
            out.write(json.dumps({"id": f"2001.{n:05d}", "title": f"{n} {title}", "versions": [],
                                  "authors": "A. Author", "categories": "cs.LG"}) + "\n")  # fmt: skip
    report = ingest.import_files(library, [path])[0]
    assert report.ok and report.added == 100 and report.clipped == 100
    assert len(report.warnings) == 21
    assert report.warnings[0].endswith(
        "'1 sparse attention for long documents sparse attention for…': "
        "title of 1,102 characters cut to 1,000"
    )
    assert report.warnings[-1].endswith("80 more records cut to the size limits (see above)")


def test_every_route_into_the_library_is_held_to_the_limits(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    """Collect, add and the app add items one by one: the library cuts those too, and logs it."""
    library.add(Item(title=huge_text(limits.TITLE * 3), key="https://example.org/a", body=huge_text(10)))
    assert "record https://example.org/a 'sparse attention" in caplog.text
    assert "title of 3,000+ characters cut to 1,000" in caplog.text
    library.set_body("https://example.org/a", huge_text(limits.BODY * 2))  # a PDF's text
    item = library.get("https://example.org/a")
    assert len(item.title) <= limits.TITLE
    assert item.body == huge_text(10), "set_body only fills an empty body"
    library.add(Item(title="B", key="https://example.org/b"))
    library.set_body("https://example.org/b", huge_text(limits.BODY * 2))
    assert len(library.get("https://example.org/b").body) <= limits.BODY


# -- a real 200 MB file, in a process with a memory limit --------------------------------------

FILE_MB = 200
ADDRESS_SPACE = 3 * 1024**3  # the child's whole address space, libraries and all: a blow-up fails fast
PEAK_ALLOWED_MB = FILE_MB + 250  # the file's bytes once, and the program itself (about 240 MB in all)


# Linux counts a process's peak memory from the memory of the process it was forked from: a
# pytest worker grown to 600 MB by earlier tests would lend the import that much. So a small
# launcher starts the import under the limit and reports the peak of that grandchild alone.
LAUNCHER = """
import os, resource, subprocess, sys
limit = int(sys.argv[1])
child = subprocess.Popen(
    sys.argv[2:], preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
)
_, status, usage = os.wait4(child.pid, 0)
print(f"peak-kb {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="measures the child's peak memory with wait4 (Linux)")
def test_a_200_mb_abstract_imports_in_little_memory(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "mlnews", "init", str(workspace)], check=True, capture_output=True)
    path = tmp_path / "snapshot.jsonl"
    # Written a megabyte at a time: were this process to hold the text, the child would count
    # it too (Linux keeps the peak across fork and exec).
    _snapshot(path, "{text}")
    head, tail = path.read_text().split("{text}")
    piece = huge_text(1_000_000)
    with path.open("w") as out:
        out.write(head)
        for _ in range(FILE_MB):
            out.write(piece)
        out.write(tail)
    command = [sys.executable, "-m", "mlnews", "-w", str(workspace), "import", str(path)]
    launched = [sys.executable, "-c", LAUNCHER, str(ADDRESS_SPACE), *command]
    # A bound on a broken run, not a guess at a duration.
    process = subprocess.run(
        launched, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300
    )
    said = process.stdout
    assert process.returncode == 0, said
    assert "Traceback" not in said
    assert "record arxiv:2001.00002 'Paper 2': abstract of 200,000+ characters cut to 50,000" in said
    with Library.open(workspace / "library.db") as library:
        assert library.count() == 2
        assert len(library.get("arxiv:2001.00002").abstract) <= limits.ABSTRACT
    peak_mb = int(said.rsplit("peak-kb ", 1)[1].split()[0]) / 1024
    assert peak_mb < PEAK_ALLOWED_MB, f"peak {peak_mb:.0f} MB"


# -- reading in chunks --------------------------------------------------------------------------


def _record(number: int, abstract: str) -> str:
    record = {"id": f"2001.{number:05d}", "title": f"Paper {number}", "abstract": abstract,
              "authors": "A. Author", "categories": "cs.LG", "versions": []}  # fmt: skip
    return json.dumps(record)


def test_a_file_read_in_chunks_reports_the_right_line(library: Library, tmp_path: Path) -> None:
    """Under parallel.MIN_BYTES but over a chunk: parsed here, a chunk at a time; an error deep
    in the file still names its line in the file."""
    path = tmp_path / "snapshot.jsonl"
    abstract = huge_text(1_000)
    lines = [_record(n, abstract) for n in range(1, 5_001)]
    lines[4_321] = "{not json"
    path.write_text("\n".join(lines) + "\n")
    assert parallel.CHUNK_BYTES < path.stat().st_size < parallel.MIN_BYTES
    report = ingest.import_files(library, [path])[0]
    assert report.error is not None and report.error.startswith(f"{path}:4322: not a JSON line")
    assert library.count() == 0


def test_a_gzip_file_cut_short_is_refused_in_one_line(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "snapshot.jsonl.gz"
    lines = [_record(n, huge_text(500)) for n in range(1, 3_001)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path.write_bytes(whole)
    assert ingest.import_files(library, [path])[0].added == 3_000
    path.write_bytes(whole[: len(whole) // 2])
    report = ingest.import_files(library, [path])[0]
    assert report.error is not None and report.error.startswith(f"{path}: cannot read: Compressed file ended")
