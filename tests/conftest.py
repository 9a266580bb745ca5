"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

# The real-data corpus lives beside the project (/work/shared/data next to /work/main).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; tests that need it are skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data not found: real-data tests need the shared data folder")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the user's workspace or home directory."""
    monkeypatch.delenv("MLNEWS_WORKSPACE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
