"""The layout's rules, checked on the source so they hold for every future module.

- core/ and services/ never import Streamlit (services are plain functions a CLI or a test can call);
- core/ imports no other layer, and services/ never import ui/;
- only db/ and the services named below import duckdb (the rest go through ``db.connection``);
- no module imports another module's private name (``from x import _y`` or ``x._y``);
- the modules of the app import each other without a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Services that must speak DuckDB's own API: backups ATTACH and COPY FROM DATABASE, and the importer
# recognises DuckDB's conversion errors of a row it tries.
DUCKDB_ALLOWED = {"dashboard/services/admin/backup.py", "dashboard/services/admin/importer.py"}


def module_name(path: Path) -> str:
    if not path.is_relative_to(ROOT):
        return path.stem
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_files() -> list[Path]:
    return sorted(p for folder in ("dashboard", "db", "pages") for p in (ROOT / folder).rglob("*.py"))


def imports(tree: ast.AST) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import statement, nested ones included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def streamlit_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [module for module, _ in imports(tree) if module.split(".")[0] == "streamlit"]


def test_core_and_services_never_import_streamlit():
    files = [p for p in app_files() if rel(p).startswith(("dashboard/core/", "dashboard/services/"))]
    assert len(files) > 30
    offenders = {rel(p): found for p in files if (found := streamlit_imports(p))}
    assert offenders == {}


def test_the_streamlit_scan_sees_a_nested_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    try:\n        import streamlit as st\n    except ImportError:\n        pass\n")
    assert streamlit_imports(sample) == ["streamlit"]


def layer_violations(path: Path) -> list[str]:
    name = rel(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = [module if name_ is None else f"{module}.{name_}" for module, name_ in imports(tree)]
    if name.startswith("dashboard/core/"):
        banned = ("dashboard.ui", "dashboard.services", "dashboard.demo", "db")
    elif name.startswith("dashboard/services/"):
        banned = ("dashboard.ui", "dashboard.demo")
    else:
        return []
    return [m for m in modules if any(m == b or m.startswith(b + ".") for b in banned)]


def test_core_imports_no_other_layer_and_services_never_import_ui():
    offenders = {rel(p): found for p in app_files() if (found := layer_violations(p))}
    assert offenders == {}


def duckdb_importers() -> set[str]:
    found = set()
    for path in app_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(module.split(".")[0] == "duckdb" for module, _ in imports(tree)):
            found.add(rel(path))
    return found


def test_only_db_and_the_named_services_import_duckdb():
    outside_db = {name for name in duckdb_importers() if not name.startswith("db/")}
    assert outside_db == DUCKDB_ALLOWED


def private_uses(path: Path, app_modules: set[str]) -> list[str]:
    """Private names of other app modules that a file reaches for, by import or through an alias."""
    own = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                if target in app_modules:
                    aliases[alias.asname or alias.name] = target
                elif node.module in app_modules and node.module != own and alias.name.startswith("_"):
                    found.append(f"from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in app_modules and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name) and aliases.get(node.value.id, own) != own):
            found.append(ast.unparse(node))
    return found


def all_modules() -> set[str]:
    return {module_name(p) for p in app_files()}


def test_no_module_uses_another_modules_private_name():
    modules = all_modules()
    scanned = app_files() + sorted((ROOT / "bench").rglob("*.py"))
    offenders = {rel(p): found for p in scanned if (found := private_uses(p, modules))}
    assert offenders == {}


def test_the_private_name_scan_catches_both_forms(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from dashboard.services.reservations import bookings as r\n"
                      "from dashboard.services.register.organisations import _as_id\n"
                      "r._checked_booking(None, {}, {})\n")
    modules = all_modules()
    assert private_uses(sample, modules) == ["from dashboard.services.register.organisations import _as_id",
                                             "r._checked_booking"]


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    graph: dict[str, set[str]] = {}
    for path in app_files():
        edges = set()
        for module, name in imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name and f"{module}.{name}" in modules:
                edges.add(f"{module}.{name}")
            elif module in modules:
                edges.add(module)
        graph[module_name(path)] = edges - {module_name(path)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_app_has_no_import_cycle():
    graph = import_graph()
    assert "dashboard.services.education.trainings" in graph
    assert cycles(graph) == []


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
])
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert cycles(graph) == expected
