"""Inputs nested past what a parser can follow end in one line naming the file, not a traceback.

Each input is real: written to disk and read through the command a user would run.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from mlnews.enrich.pdf_text import PdfText, read_pdf

DEPTH = 100_000  # far past Python's recursion limit (1,000) and orjson's (1,024)
DEEP_ARRAY = "[" * DEPTH + "]" * DEPTH

# A page tree whose only kid is the tree itself.
CYCLIC_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


@pytest.fixture
def workspace(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    result = run("init", "ws")
    assert result.code == 0, result.err
    return tmp_path / "ws"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _one_line_error(result, name: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code != 0
    assert "Traceback" not in result.err + result.out
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert name in lines[0]


@pytest.mark.parametrize("line", ['{"id":' + "[" * DEPTH, "[" * DEPTH, '{"id": ' + DEEP_ARRAY + "}"])
def test_import_of_a_deeply_nested_json_line(run, workspace: Path, tmp_path: Path, line: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "deep.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    before = (workspace / "library.db").read_bytes()
    result = run("-w", "ws", "import", str(path))
    _one_line_error(result, "deep.jsonl")
    assert (workspace / "library.db").read_bytes() == before


@pytest.mark.parametrize("command", [("check",), ("render", "2020-W49"), ("compose", "2020-W49"), ("build",)])
def test_issue_front_matter_nested_too_deeply(run, workspace: Path, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    issue = workspace / "issues" / "2020-W49.md"
    issue.write_text(f'+++\nweek = "2020-W49"\nx = {DEEP_ARRAY}\n+++\n\nIntro.\n', encoding="utf-8")
    before = _files(workspace)
    result = run("-w", "ws", *command)
    _one_line_error(result, "2020-W49.md")
    assert "nested too deeply" in result.err
    assert _files(workspace) == before and not (workspace / "site").exists()  # nothing written


@pytest.mark.parametrize("command", [("list",), ("check",)])
def test_config_nested_too_deeply(run, workspace: Path, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    config = workspace / "mlnews.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nx = {DEEP_ARRAY}\n", encoding="utf-8")
    result = run("-w", "ws", *command)
    _one_line_error(result, "mlnews.toml")
    assert "nested too deeply" in result.err


def test_pymupdf_refuses_a_cyclic_page_tree() -> None:
    # What read_pdf guards against: MuPDF's error is not a RuntimeError.
    with (
        pytest.raises(pymupdf.mupdf.FzErrorBase, match="cycle"),
        pymupdf.open(stream=CYCLIC_PDF, filetype="pdf") as document,
    ):
        document[0].get_text()


def test_pdf_text_of_a_cyclic_page_tree_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "cyclic.pdf"
    path.write_bytes(CYCLIC_PDF)
    assert read_pdf(path.read_bytes()) == PdfText("", (), "", "", "the PDF is damaged (cycle in page tree)")
