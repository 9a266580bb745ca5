"""The command line. Commands parse arguments and call the library; no logic lives only here."""

from __future__ import annotations

import errno
import sqlite3
import sys

from mlnews import workers
from mlnews.cli.output import errors
from mlnews.cli.root import app
from mlnews.errors import MlnewsError


def main() -> None:
    workers.interrupt_on_terminate()
    workers.end_with_parent()
    try:
        app(prog_name="mlnews")
    except MlnewsError as error:
        _fail(str(error))
    except OSError as error:  # a file the user named: missing, a folder, not writable
        where = error.filename or ("standard output" if error.errno in _OUTPUT_ERRORS else None)
        _fail(f"{where}: {error.strerror}" if where else str(error))
    except sqlite3.Error as error:
        _fail(f"library: {error}")
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        workers.terminate_plainly()
        if workers.was_terminated():  # even one Python dropped on the way (see `workers`)
            sys.exit(130)


# Errors writing with no file named come from standard output (`> /dev/full`); a closed pipe
# (`| head`) click already ends quietly.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _fail(message: str) -> None:
    errors.print(f"Error: {message}", markup=False, style="red", soft_wrap=True)
    sys.exit(1)
