"""The package's shape: no module imports in a cycle, packages import each other only in the
cycles listed (and none new) and only downward in the pipeline's floors, none is too long to read
in one go."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "mlnews"
MAX_LINES = 600


def _paths() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _modules() -> list[str]:
    names = []
    for path in _paths():
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


# Packages that import each other at load time, kept for now: none. The base modules (settings,
# drafts, text, fetch, plugins...) import no stage, so the stages can all read them (issue 22).
# A new cycle fails here.
KNOWN_CYCLES: list[set[str]] = []


def test_no_module_imports_in_a_cycle() -> None:
    # A module in a cycle of load-time imports fails, imported first, with "partially initialized
    # module": read from the source (imports inside functions and under TYPE_CHECKING load later).
    graph = _import_graph()
    assert _cycles(graph) == []


def test_packages_form_no_cycle_but_the_known_ones() -> None:
    packages: dict[str, set[str]] = {}
    for module, imported in _import_graph().items():
        mine = _package(module)
        packages.setdefault(mine, set()).update(_package(t) for t in imported if _package(t) != mine)
    for targets in list(packages.values()):
        for target in targets:
            packages.setdefault(target, set())
    assert sorted(map(set, _cycles(packages)), key=sorted) == sorted(KNOWN_CYCLES, key=sorted)


def _package(module: str) -> str:
    """The room a module is in: `issue` of mlnews.compose, `config` of mlnews.config."""
    return module.split(".")[1] if "." in module else module


def _import_graph() -> dict[str, set[str]]:
    """Each module of the package, with the modules of the package it imports when loaded."""
    modules = {name: path for name, path in zip(_modules(), _paths(), strict=True)}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in _loaded(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif node.module:
                found.update(
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                    for alias in node.names
                )
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def _loaded(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is loaded (not those under `if TYPE_CHECKING:`)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                yield from _loaded(node.body)
            yield from _loaded(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _loaded(node.body)
            for handler in node.handlers:
                yield from _loaded(handler.body)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


# The floors, bottom up: a module imports only from its own floor and the ones below it, so that
# the tree reads as the pipeline and any stage can be understood without the ones after it. The
# base is the workspace's vocabulary (items, weeks, settings, text, HTTP, the checks of generated
# text); the issue document stands on it alone; the stages follow in the order data flows;
# `workflow` holds the rules every front end applies; the front ends are on top.
FLOORS: list[set[str]] = [
    {"mlnews", "errors", "dates", "text", "identity", "items", "weeks", "files", "progress", "lazy"},
    {"workers", "secrets", "i18n", "plugins", "settings", "config", "config_file", "drafts", "fetch"}
    | {"limits"},
    {"workspace"},
    {"faithful"},
    {"document"},
    {"formats"},
    {"sources"},
    {"library"},
    {"enrich"},
    {"collect"},
    {"rank"},
    {"llm"},
    {"summarise", "translate", "validate"},
    {"compose"},
    {"render"},
    {"publish"},
    {"workflow"},
    {"app", "cli", "demo", "__main__"},
]
BASE = 2  # the first two floors are one: the base's modules may import each other (never in a cycle)

# Imports that go up a floor, kept with why. None yet.
UPWARD: set[tuple[str, str]] = set()


def _floor(room: str) -> int:
    for number, rooms in enumerate(FLOORS):
        if room in rooms:
            return max(number, BASE - 1)
    raise AssertionError(f"{room}: on no floor; add it to FLOORS in tests/test_layout.py")


def test_every_package_imports_only_its_own_floor_and_the_ones_below() -> None:
    upward = {
        (module, target)
        for module, imported in _import_graph().items()
        for target in imported
        if _floor(_package(target)) > _floor(_package(module))
    }
    assert upward == UPWARD


def test_the_tree_reads_as_the_pipeline() -> None:
    rooms = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    assert rooms | modules == set().union(*FLOORS) - {"mlnews"}  # every room on a floor, none missing
    assert {"web", "figures", "issue"}.isdisjoint(rooms)  # their modules moved into enrich/, document/
