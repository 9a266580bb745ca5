"""Where output goes: a file replaced whole, a FIFO or a device written to, a link followed, `-`."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from mlnews import files

DEMO = Path(__file__).resolve().parent.parent / "src" / "mlnews" / "demo"


@pytest.fixture
def ws(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    assert run("init", "ws").code == 0
    result = run("-w", "ws", "import", str(DEMO / "papers.atom"), str(DEMO / "articles.rss"))
    assert result.code == 0, result.err
    return tmp_path / "ws"


@pytest.fixture
def exported(run, ws: Path) -> str:  # type: ignore[no-untyped-def]
    result = run("-w", str(ws), "export")
    assert result.code == 0 and result.out, result.err
    return str(result.out)


def test_dash_means_standard_output(run, ws: Path, exported: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("-w", str(ws), "export", "-o", "-")
    assert result.code == 0, result.err
    assert result.out == exported
    assert not (tmp_path / "-").exists()
    # `./-` is how a file called "-" is named.
    assert run("-w", str(ws), "export", "-o", "./-").code == 0
    assert (tmp_path / "-").read_text(encoding="utf-8") == exported


def test_a_fifo_is_written_to_not_replaced(run, ws: Path, exported: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # Opening a FIFO for writing waits for its reader, as `cat` on the other end would be.
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("-w", str(ws), "export", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received == [exported.encode()]


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="no /dev/full here")
def test_a_full_device_is_a_one_line_error_and_stays_a_device(run, ws: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("-w", str(ws), "export", "-o", "/dev/full")
    assert result.code == 1
    assert result.err.strip() == "Error: /dev/full: No space left on device"
    assert Path("/dev/full").is_char_device()


def test_a_link_is_followed_its_target_replaced_and_the_link_kept(  # type: ignore[no-untyped-def]
    run, ws: Path, exported: str, tmp_path: Path
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "library.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(Path("real") / "library.jsonl")
    result = run("-w", str(ws), "export", "-o", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "library.jsonl")
    assert target.read_text(encoding="utf-8") == exported
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["library.jsonl"]  # no temporary left


def test_a_dangling_link_makes_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "made.bin")
    files.write_bytes(link, b"data")
    assert link.is_symlink() and (tmp_path / "made.bin").read_bytes() == b"data"


def test_links_in_a_loop_are_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OSError, match="Too many levels of symbolic links") as caught:
        files.write_bytes(tmp_path / "a", b"data")
    assert caught.value.filename == str(tmp_path / "a")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


def test_a_missing_folder_or_a_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(OSError) as caught:
        files.write_bytes(tmp_path / "no" / "such" / "x", b"data")
    assert caught.value.filename == str(tmp_path / "no" / "such")
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError) as folder:
        files.write_bytes(tmp_path / "folder", b"data")
    assert folder.value.filename == str(tmp_path / "folder")


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    from mlnews import files

    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    with files.replacing(private) as out:
        out.write("new")
    assert private.read_text() == "new"
    assert private.stat().st_mode & 0o777 == 0o600


def test_standard_output_that_cannot_be_written_is_a_one_line_error(ws: Path) -> None:
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "mlnews", "-w", str(ws), "export", "-o", "-"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: standard output: No space left on device"


def test_a_folder_is_replaced_whole_or_not_at_all_keeping_what_others_put_there(tmp_path: Path) -> None:
    from mlnews.files import replacing_folder

    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "sub" / "page.html").write_text("old", encoding="utf-8")
    (site / "CNAME").write_text("news.example.org", encoding="utf-8")  # not the build's: kept
    (tmp_path / "shared").mkdir()
    (site / "shared").symlink_to("../shared")
    (site / "sub").chmod(0o750)
    with pytest.raises(RuntimeError), replacing_folder(site) as fresh:
        files.write_bytes(fresh / "sub" / "page.html", b"new")
        raise RuntimeError("the build failed")
    assert (site / "sub" / "page.html").read_text(encoding="utf-8") == "old"
    (tmp_path / ".site.building").mkdir()  # a killed build's leftover
    with replacing_folder(site) as fresh:
        files.write_bytes(fresh / "sub" / "page.html", b"new")
        assert (site / "sub" / "page.html").read_text(encoding="utf-8") == "old"  # until the end
    assert (site / "sub" / "page.html").read_text(encoding="utf-8") == "new"
    assert (site / "CNAME").read_text(encoding="utf-8") == "news.example.org"
    assert (site / "shared").is_symlink() and os.readlink(site / "shared") == "../shared"
    assert (site / "sub").stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared", "site"]
