"""Modules imported on first use, not at start-up: numpy and scipy cost a command that never
ranks a tenth of a second or more. The name is bound at once; the module is imported when an
attribute of it is first read (a submodule too: `load("scipy.sparse")` imports no scipy yet).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__name__)
        self.__dict__.update(module.__dict__)  # later reads skip this method
        return getattr(module, attribute)


def load(name: str) -> ModuleType:
    """`name`, imported when first used."""
    return _Deferred(name)
