"""What `check` and `import` make of odd inputs: a figure that is no image, control characters
in an issue source, feeds in UTF-16 and UTF-32."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from mlnews.collect import ingest
from mlnews.library import Library

WEEK = "2020-W49"
SOURCE = """\
+++
week = "2020-W49"
+++

## papers

### Keypoints instead of frames: video calls at a tenth of the bandwidth
key: arxiv:2011.15126
kind: paper
link: https://arxiv.org/abs/2011.15126
figure: FIGURE

Video calls that send keypoints, not frames.
"""
FIGURE_LINE = 11
SVG = b'<?xml version="1.0"?>\n<!-- drawn by hand -->\n<svg xmlns="http://www.w3.org/2000/svg"/>\n'


def png() -> bytes:
    """A real 1x1 PNG, made by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )  # fmt: skip


@pytest.fixture
def ws(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    (tmp_path / "ws" / "media").mkdir(exist_ok=True)
    return tmp_path / "ws"


def write_issue(ws: Path, figure: str, source: str = SOURCE) -> Path:
    path = ws / "issues" / f"{WEEK}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(source.replace("FIGURE", figure), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "data"),
    [("f.png", png()), ("f.svg", SVG), ("f.avif", b"\x00\x00\x00\x1cftypavif" + bytes(20))],
)
def test_check_accepts_a_figure_that_is_an_image(run, ws: Path, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    (ws / "media" / name).write_bytes(data)
    write_issue(ws, f"media/{name}")
    result = run("-w", "ws", "check", WEEK)
    assert result.code == 0, result.out + result.err


def test_check_reports_a_figure_that_is_not_an_image(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    # The library itself, named as a figure: a file in the workspace, but not in media/, no image.
    path = write_issue(ws, "library.db")
    assert (ws / "library.db").is_file()
    result = run("-w", "ws", "check", WEEK)
    assert result.code != 0
    assert f"{path.name}:{FIGURE_LINE}: figure must be a file in media/" in result.out + result.err
    # A link in media/ under an image's name, to a file elsewhere: never published, so refused.
    (ws / "media" / "db.png").symlink_to(ws / "library.db")
    write_issue(ws, "media/db.png")
    linked = run("-w", "ws", "check", WEEK)
    said = linked.out + linked.err
    assert f"{WEEK}.md:{FIGURE_LINE}: figure media/db.png links to a file outside media/" in said
    # A PNG's name is not enough: the bytes decide.
    (ws / "media" / "fake.png").write_text("not a picture", encoding="utf-8")
    write_issue(ws, "media/fake.png")
    again = run("-w", "ws", "check", WEEK)
    assert f"{WEEK}.md:{FIGURE_LINE}: figure media/fake.png is not an image" in again.out + again.err


def test_check_reports_each_line_with_a_nul_or_another_control_character(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    (ws / "media" / "f.png").write_bytes(png())
    source = SOURCE.replace("### Keypoints", "### Key\x00points").replace("send keypoints", "send\x1b keys")
    path = write_issue(ws, "media/f.png", source)
    result = run("-w", "ws", "check", WEEK)
    assert result.code != 0
    where = path.name
    said = result.out + result.err
    assert f"{where}:7: control character U+0000 in the text; delete it" in said
    assert f"{where}:13: control character U+001B in the text; delete it" in said
    # Tabs, and Windows line ends, are text.
    write_issue(ws, "media/f.png", SOURCE.replace("kind:", "kind:\t").replace("\n", "\r\n"))
    assert run("-w", "ws", "check", WEEK).code == 0


def wide_feed(encoding: str, bom: bool) -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>Wide</title>'
        "<item><title>Ünïcode all the way</title><link>https://blog.example.org/wide</link></item>"
        "</channel></rss>"
    )
    data = text.encode(encoding)
    return ("\ufeff".encode(encoding) if bom else b"") + data


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("bom", [True, False])
def test_a_utf16_or_utf32_feed_imports(tmp_path: Path, encoding: str, bom: bool) -> None:
    path = tmp_path / "wide.xml"
    path.write_bytes(wide_feed(encoding, bom))
    with Library.open(tmp_path / "library.db") as library:
        report = ingest.import_files(library, [path])[0]
        assert (report.error, report.format, report.added) == (None, "feed", 1)
        assert [item.title for item in library.items()] == ["Ünïcode all the way"]


def test_the_feedparser_corpus_wide_feeds_all_import(tmp_path: Path, shared_data: Path) -> None:
    folder = shared_data / "feeds" / "feedparser_corpus" / "encoding"
    files = sorted(p for p in folder.glob("*.xml") if p.read_bytes()[:4].count(0) >= 1)
    if not files:
        pytest.skip(f"no UTF-16/32 feeds in {folder}: the feedparser corpus is not there")
    assert len(files) == 16
    with Library.open(tmp_path / "library.db") as library:
        reports = ingest.import_files(library, files)
    assert [(Path(r.path).name, r.error, r.format) for r in reports if not r.ok or r.format != "feed"] == []
