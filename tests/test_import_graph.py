"""The import graph of generator/: the stages know nothing of the incremental layer, and no module imports itself round a cycle.

Every import counts, those under `if TYPE_CHECKING:` and those inside functions too: a cycle that only the type
checker or a late import sees is still two modules that cannot be understood one without the other. An import
names its module (`from generator.exports.tei import X` is generator.exports.tei); the packages it passes
through are not counted, since a package's __init__ may import its own modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
STAGES = ("content", "annotate", "markup", "index", "render", "exports", "output")
INCREMENTAL = "generator.incremental"


def module_name(path: Path) -> str:
    parts = path.relative_to(GENERATOR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, name: str, package: str, modules: set[str]) -> set[str]:
    """The modules of generator/ that module `name` of `package` imports in `source`, wherever in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *([base] if base else [])])
            for alias in node.names:  # `from generator import memory` imports a module; `from generator.x import f` imports x
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {module for module in found if module in modules and module != name}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(GENERATOR.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = imports_of(path.read_text(encoding="utf-8"), name, package, modules)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(component)

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


def is_stage(module: str) -> bool:
    return any(module == f"generator.{stage}" or module.startswith(f"generator.{stage}.") for stage in STAGES)


def test_the_stages_do_not_import_the_incremental_layer() -> None:
    graph = import_graph()
    assert any(is_stage(module) for module in graph) and INCREMENTAL in graph

    def incremental(module: str) -> bool:
        return module == INCREMENTAL or module.startswith(f"{INCREMENTAL}.")

    assert {module: sorted(filter(incremental, targets)) for module, targets in graph.items() if is_stage(module) and any(map(incremental, targets))} == {}


def test_no_module_of_the_generator_imports_itself_round_a_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_graph_sees_imports_under_type_checking_inside_functions_and_relative_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from generator.model import Document\n"
        "def f() -> None:\n    from generator import search\nfrom .tei import letters\n"
    )
    modules = {"generator.model", "generator.search", "generator.exports.tei", "generator.exports.data"}
    assert imports_of(source, "generator.exports.data", "generator.exports", modules) == modules - {"generator.exports.data"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
