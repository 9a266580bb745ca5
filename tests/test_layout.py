"""The package's shape: every module imports on its own, none is too long to read in one go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "mlnews"
MAX_LINES = 600


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("module", _modules())
def test_every_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    # Imported first, a module in an import cycle fails with "partially initialized module".
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1]


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_tree_reads_as_the_pipeline() -> None:
    """formats → sources → collect → library → enrich → summarise → issue → render → publish, cli."""
    rooms = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    pipeline = {"formats", "sources", "collect", "library", "enrich", "summarise", "issue"}
    pipeline |= {"render", "publish"}
    assert pipeline <= rooms
    assert {"web", "figures"}.isdisjoint(rooms)  # their modules moved into enrich/
