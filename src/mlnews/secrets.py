"""API keys: from an environment variable, else the system keyring; never from a file or a log.

`mlnews keys set NAME` stores one in the keyring under the service "mlnews".
"""

from __future__ import annotations

import os
from typing import Any

from mlnews.errors import ConfigError

SERVICE = "mlnews"


def lookup(name: str, variable: str) -> str | None:
    """The key: the environment variable if set, else the keyring's entry NAME, else None."""
    if variable and os.environ.get(variable):
        return os.environ[variable].strip()
    if not name:
        return None
    keyring, error_type = _keyring()
    from keyring.errors import NoKeyringError

    try:
        stored = keyring.get_password(SERVICE, name)
    except NoKeyringError:
        return None  # no keyring on this machine: as if nothing were stored
    except error_type as error:
        raise ConfigError(f"keyring entry {name!r}: {_one_line(str(error))}") from None
    return stored or None


def has_keyring() -> bool:
    """Whether this machine has a system keyring (a headless Linux often has none)."""
    keyring, _ = _keyring()
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def stored(name: str) -> bool | None:
    """Whether the keyring holds an entry NAME; None where there is no keyring."""
    if not has_keyring():
        return None
    keyring, error_type = _keyring()
    try:
        return keyring.get_password(SERVICE, name) is not None
    except error_type:
        return None


def store(name: str, value: str, variable: str = "OPENAI_API_KEY") -> None:
    if not has_keyring():
        raise ConfigError(
            f"keyring entry {name!r}: this machine has no system keyring; "
            f"put the key in the environment variable {variable} instead"
        )
    keyring, error_type = _keyring()
    try:
        keyring.set_password(SERVICE, name, value)
    except error_type as error:
        raise ConfigError(f"keyring entry {name!r}: cannot store it: {_one_line(str(error))}") from None


def forget(name: str) -> bool:
    """Delete the keyring entry; False if there was none."""
    keyring, error_type = _keyring()
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return False
    except error_type as error:
        raise ConfigError(f"keyring entry {name!r}: cannot delete it: {_one_line(str(error))}") from None
    return True


def _keyring() -> tuple[Any, type[Exception]]:
    import keyring  # only here: importing it takes ~60 ms, which every other command would pay
    from keyring.errors import KeyringError

    return keyring, KeyringError


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "the keyring failed"
