"""Shared test fixtures."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlnews.cli import main

# The real-data corpus lives beside the project (/work/shared/data next to /work/main).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEEDS = SHARED_DATA.parent / "seeds"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; tests that need it are skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data not found: real-data tests need the shared data folder")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The reference issues; tests that compare with them are skipped when they are absent."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found: reference-layout tests need the seed issues")
    return SEEDS


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MLNEWS_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["mlnews", *args])
        code = 0
        try:
            main()
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the user's workspace or home directory."""
    monkeypatch.delenv("MLNEWS_WORKSPACE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
