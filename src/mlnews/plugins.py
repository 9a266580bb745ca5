"""The one plugin registry: every kind of backend, built in or installed, found the same way.

Each kind has its own entry-point group, and mlnews' own backends are declared in
its `pyproject.toml` exactly as a third-party package declares its own:

    [project.entry-points."mlnews.summarisers"]
    mybackend = "mlnews_mybackend:MySummariser"

A backend is a small class with a `name` (the entry point's name), the methods its
kind needs, and optionally `settings`: a tuple of `Setting`s (`mlnews.settings`), read from the
`[KIND.NAME]` table of mlnews.toml (`[summariser.openai]`), checked when the settings
are read and passed to the class as keyword arguments.

A plugin that fails to load is one warning line naming it; the others still work,
and asking for it by name says why it cannot be used.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlnews.errors import UsageError

if TYPE_CHECKING:
    from mlnews.settings import Setting


@dataclass(frozen=True)
class Context:
    """What a backend may use besides its settings, given to its `prepare(context)` if it has one."""

    workspace: Path  # the workspace folder: files named in settings are relative to it
    network: Any  # NetworkSettings: timeouts, retries, for a backend that talks HTTP
    responses: Any = None  # the library's cache of model answers (`library.responses.Responses`)


@dataclass(frozen=True)
class Kind:
    name: str  # "summariser": `[summariser.NAME]`, `mlnews plugins --kind summariser`
    group: str  # the entry-point group
    help: str
    needs: tuple[str, ...]  # what a class of this kind must have, `name` aside
    has_table: bool = True  # settings come from `[KIND.NAME]` (sources: from each `[sources.NAME]`)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("format", "mlnews.formats", "File formats `mlnews import` reads.", ("sniff", "parse"), False),
        Kind("source", "mlnews.sources", "What a [sources.NAME] table's `type` names.", ("pages",), False),
        Kind("ranker", "mlnews.rankers", "Order a week's candidates by taste.", ("train", "score")),
        Kind(
            "embedder", "mlnews.embedders", "Embed titles for the taste ranker's dense opinion.", ("embed",)
        ),
        Kind("summariser", "mlnews.summarisers", "Draft headlines, summaries and posts.", ("draft",)),
        Kind("translator", "mlnews.translators", "Translate the curator's text.", ("translate",)),
        Kind("publisher", "mlnews.publishers", "Write an issue out for readers.", ("publish",)),
    )
}


@dataclass(frozen=True)
class Plugin:
    kind: str
    name: str
    origin: str  # "mlnews 0.1.0 (built in)", "mlnews-echo 1.2", "registered in code"
    target: str  # "module:Class"
    cls: type | None = None
    error: str = ""  # why it could not be loaded

    @property
    def settings(self) -> tuple[Setting, ...]:
        """Its `[KIND.NAME]` settings (a source type's: the keys of each of its tables)."""
        return tuple(getattr(self.cls, "settings", ()) or getattr(self.cls, "options", ()))

    @property
    def description(self) -> str:
        text = getattr(self.cls, "description", "") or (self.cls.__doc__ or "" if self.cls else "")
        return text.strip().splitlines()[0] if text.strip() else ""


# Where a broken plugin's warning goes; tests and the CLI may point it elsewhere.
warn: Callable[[str], None] = lambda line: print(line, file=sys.stderr)  # noqa: E731

_registry: dict[str, dict[str, Plugin]] = {}  # loaded (or broken) backends by kind and name
# A kind's entry points, read once a run: a scan of every installed package costs ~10 ms, and
# checking a workspace's settings asks about a kind a dozen times.
_scanned: dict[str, tuple[dict[str, metadata.EntryPoint], list[metadata.EntryPoint]]] = {}
# Every entry point installed, read with the first kind (EntryPoints; on 3.11 a dict of them).
_installed: Any = None
_warned_taken: set[tuple[str, str, str]] = set()  # a name taken by another package: said once


def kind(name: str) -> Kind:
    if name not in KINDS:
        raise UsageError(f"plugin kind {name!r}: unknown; kinds are: {', '.join(KINDS)}")
    return KINDS[name]


def plugins(kind_name: str) -> dict[str, Plugin]:
    """Every backend of a kind, loaded ones and broken ones, by name."""
    entries, taken = _entries(kind_name)
    for entry in [*entries.values(), *taken]:
        if entry in taken:
            _taken(kind_name, entry, entries[entry.name])
        else:
            find(kind_name, entry.name)
    return _registry.setdefault(kind_name, {})


def find(kind_name: str, name: str) -> Plugin | None:
    """One backend, loaded on first use (a command that drafts offline never imports the
    model backends); None if no such name is installed."""
    loaded = _registry.setdefault(kind_name, {})
    if name not in loaded:
        entries, taken = _entries(kind_name)
        if name not in entries:
            return None
        loaded[name] = _load(kind_name, entries[name])
        for entry in taken:
            if entry.name == name:
                _taken(kind_name, entry, entries[name])
    return loaded[name]


def _entries(kind_name: str) -> tuple[dict[str, metadata.EntryPoint], list[metadata.EntryPoint]]:
    """A kind's entry points by name (read, not loaded), mlnews' own first: a package cannot
    take over a built-in's name; and those skipped because their name is taken."""
    global _installed
    group = kind(kind_name).group
    if kind_name not in _scanned:
        if not _scanned or _installed is None:
            # One scan of the installed packages for every kind: a scan costs the same for one
            # group as for all of them (about 10 ms, a good part of a quick command's time).
            _installed = metadata.entry_points()
        found: dict[str, metadata.EntryPoint] = {}
        taken = []
        for entry in sorted(_installed.select(group=group), key=lambda e: not _built_in(e)):
            if entry.name in found:
                taken.append(entry)
            else:
                found[entry.name] = entry
        _scanned[kind_name] = (found, taken)
    return _scanned[kind_name]


def _taken(kind_name: str, entry: metadata.EntryPoint, holder: metadata.EntryPoint) -> None:
    key = (kind_name, entry.name, entry.value)
    if key not in _warned_taken:
        _warned_taken.add(key)
        warn(
            f"warning: {kind_name} plugin {entry.name!r} ({entry.value} from {_origin(entry)}): "
            f"the name is taken by {_origin(holder)}; skipped"
        )


def choices(kind_name: str, chosen: list[Any]) -> tuple[str, ...]:
    """What a setting naming backends may take: the chosen names when each loads (one backend
    loaded per name), else every usable one, for the error to list."""
    if all(isinstance(name, str) and usable(kind_name, name) for name in chosen):
        return tuple(chosen)
    return tuple(names(kind_name))


def backend_settings(kind_name: str, name: str) -> tuple[Setting, ...]:
    """A usable backend's settings (none for an unknown or broken one); loads that one only."""
    found = find(kind_name, name)
    return found.settings if found is not None and found.cls is not None else ()


def usable(kind_name: str, name: str) -> bool:
    """Is `name` a backend of this kind that loads? (Loads that one only.)"""
    found = find(kind_name, name)
    return found is not None and found.cls is not None


def names(kind_name: str) -> list[str]:
    """The backends of a kind that can be used, sorted."""
    return sorted(name for name, plugin in plugins(kind_name).items() if plugin.cls is not None)


def get(kind_name: str, name: str) -> type:
    """The class of one backend; a one-line `UsageError` if it is unknown or broken."""
    found = find(kind_name, name)
    if found is None:
        available = ", ".join(names(kind_name)) or "none installed"
        raise UsageError(f"{kind_name} {name!r}: unknown; available: {available}")
    if found.cls is None:
        raise UsageError(f"{kind_name} {name!r} ({_where(found)}): {found.error}")
    return found.cls


def create(kind_name: str, name: str, settings: dict[str, Any] | None = None) -> Any:
    """A ready backend, made with its settings; a constructor's failure is a one-line error."""
    cls = get(kind_name, name)
    try:
        return cls(**(settings or {}))
    except UsageError:
        raise  # the backend's own message (a missing key, say) already says what to do
    except Exception as error:  # a plugin's constructor can fail in any way
        raise UsageError(f"{kind_name} {name!r}: could not start: {type(error).__name__}: {error}") from error


def register(kind_name: str, cls: type, origin: str = "registered in code") -> type:
    """Make a class known without an entry point (for code that defines backends at run time)."""
    problem = _shape_problem(kind(kind_name), cls)
    if problem:
        raise UsageError(f"{kind_name} {getattr(cls, '__name__', cls)!r}: {problem}")
    target = f"{cls.__module__}:{cls.__qualname__}"
    _registry.setdefault(kind_name, {})[cls.name] = Plugin(kind_name, cls.name, origin, target, cls)  # type: ignore[attr-defined]
    return cls


def registrar(kind_name: str) -> Callable[[type], type]:
    """A class decorator registering into one kind: `@registrar("source")`."""

    def decorate(cls: type) -> type:
        return register(kind_name, cls)

    return decorate


def every() -> Iterable[Plugin]:
    """Every backend of every kind, kind by kind, by name."""
    for kind_name in KINDS:
        found = plugins(kind_name)
        for name in sorted(found):
            yield found[name]


def _built_in(entry: metadata.EntryPoint) -> bool:
    return entry.dist is not None and _package(entry.dist)[0] == "mlnews"


def _origin(entry: metadata.EntryPoint) -> str:
    dist = entry.dist
    if dist is None:
        return "unknown package"
    name, version = _package(dist)
    return f"{name} {version}" + (" (built in)" if _built_in(entry) else "")


@functools.cache
def _package(dist: metadata.Distribution) -> tuple[str, str]:
    """A package's name and version, its METADATA parsed once (mlnews' own holds the README):
    the entry points of one scan share their package's `Distribution`."""
    found = dist.metadata
    return found["Name"], found["Version"]


def _load(kind_name: str, entry: metadata.EntryPoint) -> Plugin:
    plugin = Plugin(kind_name, entry.name, _origin(entry), entry.value)
    origin = plugin.origin
    try:
        cls = entry.load()
    except Exception as error:  # importing a third-party module can fail in any way
        return _broken(plugin, f"failed to load: {type(error).__name__}: {error}")
    problem = _shape_problem(kind(kind_name), cls)
    if problem is None and cls.name != entry.name:
        problem = f"the class is named {cls.name!r}; the entry point must use the same name"
    if problem:
        return _broken(plugin, problem)
    return Plugin(kind_name, entry.name, origin, entry.value, cls)


def _broken(plugin: Plugin, problem: str) -> Plugin:
    package = plugin.origin.split(" ")[0]
    warn(
        f"warning: {plugin.kind} plugin {plugin.name!r} ({_where(plugin)}): {problem}; skipped "
        f"(reinstall or uninstall {package})"
    )
    return Plugin(plugin.kind, plugin.name, plugin.origin, plugin.target, None, problem)


def _where(plugin: Plugin) -> str:
    return f"plugin {plugin.target} from {plugin.origin}"


def _shape_problem(kind_: Kind, cls: object) -> str | None:
    if not isinstance(cls, type) or not isinstance(getattr(cls, "name", None), str):
        return f"not a {kind_.name} class (it needs a `name` and {_needs(kind_)})"
    missing = [need for need in kind_.needs if not hasattr(cls, need)]
    if missing:
        return f"not a {kind_.name} class (it needs {_needs(kind_)})"
    return None


def _needs(kind_: Kind) -> str:
    return " and ".join(f"`{need}`" for need in kind_.needs)
