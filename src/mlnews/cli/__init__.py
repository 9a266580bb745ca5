"""The command line. Commands parse arguments and call the library; no logic lives only here."""

from __future__ import annotations

import sys

from mlnews.cli import library_cmds, triage_cmds, workspace_cmds  # noqa: F401  (register commands)
from mlnews.cli.app import app
from mlnews.cli.output import errors
from mlnews.errors import MlnewsError


def main() -> None:
    try:
        app(prog_name="mlnews")
    except MlnewsError as error:
        errors.print(f"Error: {error}", markup=False, style="red", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        errors.print("Interrupted: nothing was half written.", markup=False)
        sys.exit(130)
