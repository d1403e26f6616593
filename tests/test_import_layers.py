"""The package's modules import one another without cycles, function-level imports included.

Imports under ``if TYPE_CHECKING:`` are for the type checker only and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mock_events

PACKAGE = Path(mock_events.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["mock_events", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ``mock_events`` it imports (at any depth of its code)."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                # ``from x import y`` imports the module x.y when there is one, else x itself.
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in paths else module for a in node.names]
            graph[name].update(t for t in targets if t in paths and t != name)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_import_graph_sees_function_level_and_relative_imports() -> None:
    graph = import_graph()
    assert "mock_events.delivery.routing" in graph["mock_events.delivery"]
    assert "mock_events.resources.archives" in graph["mock_events.delivery.archive_sink"]
    assert "mock_events.snapshot" in graph["mock_events.mock"]  # imported inside a method


def test_no_module_of_mock_events_takes_part_in_an_import_cycle() -> None:
    cycle = _cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_resources_import_nothing_from_handlers_delivery_or_dispatch() -> None:
    above = ("mock_events.operations", "mock_events.delivery", "mock_events.service", "mock_events.interceptor")
    graph = import_graph()
    for module, imported in graph.items():
        if module.startswith("mock_events.resources"):
            assert not [m for m in imported if m.startswith(above)], module
