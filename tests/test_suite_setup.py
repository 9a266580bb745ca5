"""The test suite's own setup: where the real data is found, and what a missing folder says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_the_data_folders_come_from_the_environment_and_skips_say_how_to_set_them(tmp_path: Path) -> None:
    missing = tmp_path / "elsewhere" / "data"
    env = {**os.environ, "MLNEWS_TEST_DATA": str(missing)}
    env.pop("MLNEWS_TEST_SEEDS", None)
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "-rs",
            f"{TESTS / 'test_summarise.py'}::test_every_real_arxiv_abstract_gets_a_sound_draft",
            f"{TESTS / 'test_render.py'}::test_zh_render_has_the_skeleton_of_the_reference",
        ],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{missing} not found" in done.stdout and "set MLNEWS_TEST_DATA=/path/to/data" in done.stdout
    # The seeds are looked for beside the data the variable names.
    assert f"{missing.parent / 'seeds'} not found" in done.stdout and "MLNEWS_TEST_SEEDS=" in done.stdout
    assert " passed" not in done.stdout
