"""What may be published: an issue that exists, reads without a problem, and holds no text
flagged as unfaithful. `publish`, `email` and `send` all ask here before writing anything, so a
flagged text never reaches a reader without the curator seeing it."""

from __future__ import annotations

from pathlib import Path

from mlnews.document import source
from mlnews.document.check import notices, read_valid
from mlnews.errors import UsageError
from mlnews.settings import Config
from mlnews.weeks import Period


def publishable(issues_dir: Path, config: Config, periods: list[Period]) -> None:
    """Nothing if every issue of `periods` may be published; else a UsageError naming the first
    flagged text (FILE:LINE) and the command that lists them all."""
    for period in periods:
        path = source.path_for(issues_dir, period)
        if not path.exists():
            raise UsageError(f"{path}: no such issue; run `mlnews compose {period}` first")
        flagged, _ = notices(read_valid(path, config), path)
        if flagged:
            more = f" (and {len(flagged) - 1} more)" if len(flagged) > 1 else ""
            raise UsageError(f"{flagged[0]}{more}; see `mlnews check {period}`")
