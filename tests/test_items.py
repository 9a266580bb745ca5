"""Items read back from mlnews' own export: every field checked, every bad line named."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlnews.collect import ingest
from mlnews.formats.base import ParseError
from mlnews.formats.mlnews_jsonl import MlnewsJsonl, dump
from mlnews.items import Event, Item, Text
from mlnews.library import Library

JSONL = MlnewsJsonl()


def good() -> dict[str, Any]:
    """A record as `mlnews export` writes it, every curator field filled in."""
    item = Item(
        title="Attention",
        kind="paper",
        urls=["https://arxiv.org/abs/1706.03762"],
        published="2017",
        updated="2017-06-12T17:57:34Z",
        first_seen="2024-01-02T03:04:05Z",
        state="featured",
        section="papers",
        week="2020-W49",
        score=0.5,
        history=[Event("2024-01-02T03:04:05Z", "featured", "papers", "2020-W49")],
        texts=[Text("summary", "en", "Short.", True, "2024-01-02T03:04:05Z")],
    )
    return item.to_dict()


def test_a_good_record_reads_back_equal() -> None:
    assert Item.from_dict(good()).to_dict() == good()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": "archived"}, "field 'state' must be one of"),
        ({"kind": "blog"}, "field 'kind' must be one of"),
        ({"score": float("inf")}, "field 'score' must be a finite number"),
        ({"score": float("nan")}, "field 'score' must be a finite number"),
        ({"score": 10**400}, "field 'score' must be a finite number"),
        ({"raw": {"x": [1, {"y": float("-inf")}]}}, "field 'raw' must not hold NaN"),
        ({"week": "2020-49"}, "field 'week' must be a week like 2020-W49"),
        ({"week": "2020-W49\n"}, "field 'week' must be a week"),
        ({"published": "yesterday"}, "field 'published' must be an ISO 8601 date"),
        ({"updated": "2017-13"}, "field 'updated' must be an ISO 8601 date"),
        ({"first_seen": ""}, "field 'first_seen' must be an ISO 8601 date"),
        ({"history": [{"at": "2024-01-02", "state": "lost"}]}, r"field 'history\[1\].state' must be one of"),
        ({"history": [{"at": "2024-01-02", "state": "new", "by": "me"}]}, r"'history\[1\]': unknown key"),
        ({"history": [{"state": "new"}]}, r"'history\[1\]': missing key\(s\): at"),
        ({"history": [{"at": "soon", "state": "new"}]}, r"'history\[1\].at' must be an ISO 8601 date"),
        ({"history": [{"at": "2024-01-02", "state": "new", "week": "W49"}]}, r"'history\[1\].week'"),
        ({"texts": [{"name": "s", "lang": "en", "text": "t", "edited": "no"}]}, r"'texts\[1\].edited'"),
        ({"texts": [{"name": "s", "lang": "en", "text": "t", "edited": 1}]}, r"'texts\[1\].edited'"),
        ({"texts": [{"name": "s", "lang": 3, "text": "t"}]}, r"'texts\[1\].lang' must be a string"),
        ({"texts": [{"name": "s", "lang": "en", "text": "t", "updated": None}]}, r"'texts\[1\].updated'"),
        ({"texts": [{"name": "s", "lang": "en"}]}, r"'texts\[1\]': missing key\(s\): text"),
    ],
)
def test_a_bad_field_is_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Item.from_dict({**good(), **change})


def test_partial_dates_from_bibtex_are_kept() -> None:
    for value in ("2019", "2019-06", "2019-06-02", "Sun, 02 Jun 2019 10:00:00 GMT"):
        assert Item.from_dict({**good(), "published": value}).published == value


def record_line(**change: Any) -> bytes:
    record = {"format": "mlnews-item/1", **good(), **change}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


@pytest.mark.parametrize(
    "change",
    [
        {"texts": [{"name": "s", "lang": "en", "text": "t", "edited": "no"}]},
        {"state": "archived"},
        {"score": 1e999},
        {"history": [{"at": "2024-01-02", "state": "new", "extra": 1}]},
    ],
)
def test_every_bad_record_is_reported_with_its_line(change: dict[str, Any]) -> None:
    data = record_line() + b"\n" + record_line(**change)
    with pytest.raises(ParseError) as caught:
        list(JSONL.parse(data))
    assert caught.value.line == 3


def test_json_nested_too_deeply_is_a_parse_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        list(JSONL.parse(record_line() + b"[" * 100_000 + b"\n"))
    assert caught.value.line == 2


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.db") as opened:
        yield opened


def test_a_bad_texts_entry_fails_the_import_with_its_line(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "library.jsonl"
    bad = {"texts": [{"name": "s", "lang": "en", "text": "t", "edited": "no"}]}
    path.write_bytes(record_line() + record_line(urls=["https://example.org/other"], **bad))
    report = ingest.import_files(library, [path])[0]
    assert report.error == f"{path}:2: bad item: field 'texts[1].edited' must be true or false, got 'no'"
    assert library.count() == 0


LINE_BREAKS_JSON_MAY_HOLD = "\u2028\u2029\x85\x1c\x1d\x1e\x0b\x0c\r"


def test_export_then_import_keeps_characters_that_splitlines_would_split_on(
    library: Library, tmp_path: Path
) -> None:
    title = f"Line{LINE_BREAKS_JSON_MAY_HOLD}breaks"
    library.add(Item(title=title, urls=["https://example.org/a"], abstract="a\u2028b", tags=["x\x85y"]))
    library.add(Item(title="Second", urls=["https://example.org/b"]))
    exported = io.StringIO()
    assert dump(library.export(), exported) == 2
    assert "\u2028" in exported.getvalue()  # written unescaped: ensure_ascii=False
    path = tmp_path / "library.jsonl"
    path.write_text(exported.getvalue(), encoding="utf-8")
    with Library.open(tmp_path / "copy.db") as copy:
        report = ingest.import_files(copy, [path])[0]
        assert (report.error, report.added) == (None, 2)
        again = io.StringIO()
        dump(copy.export(), again)
    assert again.getvalue() == exported.getvalue()
    assert copy_titles(exported.getvalue()) == [title, "Second"]


def copy_titles(text: str) -> list[str]:
    return [item.title for item in JSONL.parse(text.encode()) if isinstance(item, Item)]


def test_windows_line_ends_are_read() -> None:
    data = record_line().replace(b"\n", b"\r\n") * 2
    assert len(list(JSONL.parse(data))) == 2


def test_dump_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(ValueError, match="item k: holds NaN or an infinite number"):
        dump([Item(title="x", key="k", score=float("nan"))], io.StringIO())
